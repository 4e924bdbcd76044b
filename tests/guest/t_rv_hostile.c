/*
 * Hostile library OSes against visible revocation.  Looks for a kernel
 * that can be stalled, fooled or crashed by the owner it asks: (a) a
 * revocation handler that never returns must not keep the pages (they
 * are taken at the deadline, the repossession upcall waits until the
 * handler is left) nor stop anyone else; (b) page_return of pages the
 * caller does not own (another environment's, even one it holds a
 * capability for and maps; a free page; page 0; a page table of its
 * own; numbers past the end of memory) must fail with EXO_EPERM and take
 * nothing, also when listed after pages it does own; (c) the same page
 * twice in one call must fail with EXO_EINVAL and take nothing, and leave
 * no mark behind (the pages can be returned properly afterwards); (d) an
 * answer after the deadline: what was taken is taken (returning it again
 * is EXO_EPERM), what is still owned can still be returned, and the
 * repossession upcall reports the count once the late handler is done;
 * (e) guarantee_max is enforced exactly (EXO_ELIMIT past it, the count
 * exact, marking a marked page again free, clearing and freeing
 * guaranteed pages giving the room back), and pages the caller does not
 * own cannot be guaranteed (EXO_EPERM); (f) a fault inside the revocation
 * handler ends only that child (killed by the fault, or libos gives up
 * with status 142 when it has a page-fault handler); (g) a revocation
 * handler whose exception stack is not mapped ends only that child.  In
 * every case the parent's own pages keep their contents and every page
 * comes back when the child is gone.
 *
 * The children are this program again.  Those that lose pages at a
 * deadline are started by a loader of our own that does not give them
 * the pages of their image (libos's spawn does), and they guarantee their
 * exception stack: the kernel may take any page they own that is not
 * guaranteed without breaking them.
 */
#define TEST_NAME "t_rv_hostile"
#include "rvutil.h"

#define SH_VA (TEST_VA + 0x100000)     /* the shared page, in the parent */
#define DATA_VA (CHILD_VA + 0x1000000) /* the child's pages */
#define PARENT_VA (CHILD_VA + 0x2000000) /* the child's view of our page */
#define NDATA 20
#define MAXG 1024
#define PAT 0x686f7374696c0000UL

#define READY 1

struct shared {
	uint64_t state, cmd;
	uint64_t parent_ppn;        /* parent: the page it shares read-only */
	uint64_t asked;             /* parent: what it reclaimed */
	uint64_t rv_calls, rv_addr, rv_err;
	uint64_t rp_calls, rp_addr, rp_err;
	uint64_t in_loop;           /* (a): the handler is spinning */
	uint64_t loop_repossessed, loop_pending, loop_rp_calls;
	uint64_t done;              /* the child's checks passed */
};

/* ---- the child ---- */

static volatile struct shared *sh;
static uint64_t slots[MAXG + 1], ppns[MAXG + 1];
static uint64_t ndata;

/* Maps the shared page, then n pages of our own with known contents. */
static void
child_setup(uint64_t n)
{
	sh = child_map_shared();
	for (uint64_t i = 0; i < n; i++) {
		ppns[i] = child_page(DATA_VA + i * EXO_PGSIZE, &slots[i]);
		*(volatile uint64_t *)(DATA_VA + i * EXO_PGSIZE) = PAT ^ i;
	}
	ndata = n;
}

/* Is page i still ours, mapped, with its contents? */
static int
intact(uint64_t i)
{
	struct exo_capinfo ci;
	uint64_t va = DATA_VA + i * EXO_PGSIZE;

	return exo_cap_info(slots[i], &ci) == 0 && ci.name == ppns[i] &&
	    (exos_pte(va) & EXO_PTE_ADDR) >> 12 == ppns[i] &&
	    *(volatile uint64_t *)va == (PAT ^ i);
}

static void
check_all_intact(void)
{
	for (uint64_t i = 0; i < ndata; i++)
		if (!intact(i)) {
			printf("t_rv_hostile child: page %lu (%lx) was taken\n", i,
			    ppns[i]);
			exit(1);
		}
}

static void
record_revoke(struct exo_excframe *f)
{
	sh->rv_calls++;
	sh->rv_addr = f->addr;
	sh->rv_err = f->err;
}

static void
on_repossess(int cls, struct exo_excframe *f)
{
	(void)cls;
	sh->rp_calls++;
	sh->rp_addr = f->addr;
	sh->rp_err = f->err;
}

static void
wait_done_cmd(void)
{
	child_wait_word(&sh->cmd, 1, CHILD_TIMEOUT_NS);
}

/* (a) Never leaves the handler. */
static void
on_revoke_loop(int cls, struct exo_excframe *f)
{
	(void)cls;
	record_revoke(f);
	sh->in_loop = 1;
	for (uint64_t t0 = time_ns();;) {
		if (time_ns() - t0 > CHILD_TIMEOUT_NS)
			exit(92); /* not destroyed: the parent must have failed */
		sh->loop_repossessed = EXO_SELF->repossessed;
		sh->loop_pending = EXO_SELF->revoke_pages;
		sh->loop_rp_calls = sh->rp_calls;
	}
}

/* (b), (c) Answers with garbage first, then properly. */
static void
on_revoke_bad(int cls, struct exo_excframe *f)
{
	(void)cls;
	record_revoke(f);
	uint64_t n = f->addr, owned = EXO_SELF->owned;
	CHECK(n + 2 <= ndata);
	uint64_t mine = ppns[0], mine2 = ppns[1];
	uint64_t theirs = sh->parent_ppn;
	uint64_t freep = 0;
	while (freep < EXO_INFO->npages && !freemap_bit(freep))
		freep++;
	CHECK(freep < EXO_INFO->npages);
	uint64_t va = DATA_VA;
	const volatile uint64_t *uvpd = (const volatile uint64_t *)EXO_UVPD;
	uint64_t ptable = (uvpd[va >> 21] & EXO_PTE_ADDR) >> 12;
	CHECK(ptable != 0);
	uint64_t big = EXO_INFO->npages;
	const uint64_t bad[][3] = {
		{ theirs }, { mine, theirs }, { freep }, { mine, freep },
		{ 0 }, { mine, 0 }, { ptable }, { mine, ptable }, { big },
		{ big + 12345 }, { ~0UL }, { mine, mine2, big }, { 1UL << 40 },
	};
	const int len[] = { 1, 2, 1, 2, 1, 2, 1, 2, 1, 1, 1, 3, 1 };
	for (unsigned k = 0; k < sizeof(len) / sizeof(len[0]); k++) {
		int64_t r = exo_page_return(bad[k], (uint64_t)len[k]);
		if (r != EXO_EPERM) {
			printf("t_rv_hostile child: page_return of bad list %u "
			       "returned %ld, want EPERM\n", k, (long)r);
			exit(1);
		}
		CHECK_EQ(EXO_SELF->owned, owned);
		CHECK_EQ(EXO_SELF->revoke_pages, n);
	}
	/* The page we share with the parent is still there. */
	CHECK_EQ(*(volatile uint64_t *)PARENT_VA, MYPAT);
	check_all_intact();

	/* The same page twice. */
	const uint64_t dup1[] = { mine, mine };
	const uint64_t dup2[] = { mine, mine2, mine };
	const uint64_t dup3[] = { mine2, ppns[2], ppns[3], ppns[2] };
	CHECK_EQ(exo_page_return(dup1, 2), EXO_EINVAL);
	CHECK_EQ(exo_page_return(dup2, 3), EXO_EINVAL);
	CHECK_EQ(exo_page_return(dup3, 4), EXO_EINVAL);
	CHECK_EQ(EXO_SELF->owned, owned);
	CHECK_EQ(EXO_SELF->revoke_pages, n);
	check_all_intact();

	/* Now properly, including the pages the failed calls named. */
	uint64_t list[NDATA];
	for (uint64_t i = 0; i < n; i++)
		list[i] = ppns[i];
	CHECK_EQ(exo_page_return(list, n), (int64_t)n);
	CHECK_EQ(EXO_SELF->owned, owned - n);
	CHECK_EQ(EXO_SELF->revoke_pages, 0);
	struct exo_capinfo ci;
	for (uint64_t i = 0; i < ndata; i++) {
		if (i < n) {
			CHECK_EQ(exo_cap_info(slots[i], &ci), EXO_ECAP);
			CHECK_EQ(exos_pte(DATA_VA + i * EXO_PGSIZE), 0);
		} else {
			CHECK(intact(i));
		}
	}
	/* Returned pages are no longer ours to return. */
	CHECK_EQ(exo_page_return(list, 1), EXO_EPERM);
	sh->done = 1;
}

/* (d) Answers only after the deadline. */
static void
on_revoke_late(int cls, struct exo_excframe *f)
{
	(void)cls;
	record_revoke(f);
	uint64_t n = f->addr, owned = EXO_SELF->owned;
	CHECK(n < ndata);
	/*
	 * Keep the handler running past the deadline until the kernel takes
	 * the n pages (it does once the handler has had a slice, or at 16
	 * deadlines); a fixed sleep was too short on a loaded machine.
	 */
	uint64_t t0 = time_ns();
	while (EXO_SELF->repossessed < n && time_ns() - t0 < CHILD_TIMEOUT_NS / 4)
		exo_yield(EXO_ENV_ANY);
	/* The kernel has taken n by now; the repossession upcall waits. */
	CHECK_EQ(EXO_SELF->revoke_pages, 0);
	CHECK_EQ(EXO_SELF->repossessed, n);
	CHECK_EQ(EXO_SELF->owned, owned - n);
	CHECK_EQ(sh->rp_calls, 0);
	uint64_t gone[NDATA], kept[NDATA], ngone = 0, nkept = 0;
	for (uint64_t i = 0; i < ndata; i++) {
		if (intact(i)) {
			kept[nkept++] = i;
		} else {
			CHECK_EQ(exos_pte(DATA_VA + i * EXO_PGSIZE), 0);
			gone[ngone++] = i;
		}
	}
	CHECK_EQ(ngone, n);
	CHECK(nkept >= 2);
	/* Too late for those; not for the others. */
	for (uint64_t k = 0; k < ngone; k++)
		CHECK_EQ(exo_page_return(&ppns[gone[k]], 1), EXO_EPERM);
	const uint64_t mixed[] = { ppns[kept[0]], ppns[gone[0]] };
	CHECK_EQ(exo_page_return(mixed, 2), EXO_EPERM);
	CHECK(intact(kept[0]));
	CHECK_EQ(exo_page_return(&ppns[kept[0]], 1), 1);
	CHECK_EQ(exo_cap_info(slots[kept[0]], &(struct exo_capinfo){ 0 }), EXO_ECAP);
	CHECK_EQ(exos_pte(DATA_VA + kept[0] * EXO_PGSIZE), 0);
	CHECK_EQ(EXO_SELF->owned, owned - n - 1);
	CHECK_EQ(EXO_SELF->repossessed, n);
	for (uint64_t k = 1; k < nkept; k++)
		CHECK(intact(kept[k]));
	CHECK_EQ(sh->rp_calls, 0);
}

/* (f) Faults. */
static void
on_revoke_fault(int cls, struct exo_excframe *f)
{
	(void)cls;
	record_revoke(f);
	sh->in_loop = 1;
	*(volatile uint64_t *)0 = 1;
	sh->done = 99; /* not reached */
}

static void
on_fault_unexpected(int cls, struct exo_excframe *f)
{
	(void)cls;
	printf("t_rv_hostile child: page fault at rip %lx addr %lx handled "
	       "outside the revocation handler\n", f->rip, f->addr);
	exit(1);
}

static void
on_revoke_never(int cls, struct exo_excframe *f)
{
	(void)cls;
	(void)f;
	exit(98); /* must never run: its stack is not mapped */
}

/* (e) */
static int
child_guarantee(void)
{
	uint64_t max = EXO_INFO->guarantee_max;
	struct exo_capinfo ci;

	CHECK(max > 0 && max < MAXG);
	sh = child_map_shared();
	child_wait_slot(CHILD_SLOT + 1);
	uint64_t g0 = EXO_SELF->guaranteed;
	CHECK_EQ(g0, 0);
	/* Not ours: the parent's page, shared with us. */
	CHECK_EQ(exo_page_guarantee(CHILD_SLOT + 1, 1), EXO_EPERM);
	CHECK_EQ(exo_page_guarantee(CHILD_SLOT + 1, 0), EXO_EPERM);
	CHECK_EQ(exo_page_guarantee(CHILD_SLOT, 1), EXO_EPERM); /* the shared page */
	/* Not a page, or nothing. */
	CHECK_EQ(exo_page_guarantee(EXO_SLOT_CONSOLE, 1), EXO_ECAP);
	CHECK_EQ(exo_page_guarantee(EXO_SLOT_SELF, 1), EXO_ECAP);
	CHECK_EQ(exo_page_guarantee(CHILD_SLOT + 2, 1), EXO_ECAP);
	CHECK_EQ(exo_page_guarantee(EXO_NSLOTS, 1), EXO_ERANGE);

	uint64_t first = 4096;
	for (uint64_t i = 0; i <= max; i++) {
		slots[i] = first + i;
		CHECK(exo_page_alloc(slots[i], EXO_PPN_ANY) > 0);
	}
	CHECK_EQ(exo_page_guarantee(slots[0], 2), EXO_EINVAL);
	CHECK_EQ(EXO_SELF->guaranteed, 0);
	for (uint64_t i = 0; i < max; i++) {
		int64_t r = exo_page_guarantee(slots[i], 1);
		if (r != 0) {
			printf("t_rv_hostile child: guaranteeing page %lu of %lu: "
			       "%s\n", i, max, exo_strerror(r));
			exit(1);
		}
		CHECK_EQ(EXO_SELF->guaranteed, i + 1);
	}
	CHECK_EQ(exo_page_guarantee(slots[max], 1), EXO_ELIMIT);
	CHECK_EQ(EXO_SELF->guaranteed, max);
	CHECK_EQ(exo_page_guarantee(slots[max], 1), EXO_ELIMIT);
	/* Marking a marked page again changes nothing and is allowed. */
	CHECK_EQ(exo_page_guarantee(slots[0], 1), 0);
	CHECK_EQ(EXO_SELF->guaranteed, max);
	/* Clearing gives room back, once. */
	CHECK_EQ(exo_page_guarantee(slots[0], 0), 0);
	CHECK_EQ(EXO_SELF->guaranteed, max - 1);
	CHECK_EQ(exo_page_guarantee(slots[0], 0), 0);
	CHECK_EQ(EXO_SELF->guaranteed, max - 1);
	CHECK_EQ(exo_page_guarantee(slots[max], 1), 0);
	CHECK_EQ(EXO_SELF->guaranteed, max);
	CHECK_EQ(exo_page_guarantee(slots[0], 1), EXO_ELIMIT);
	/* So does freeing a guaranteed page, either way. */
	CHECK_EQ(exo_cap_info(slots[1], &ci), 0);
	CHECK_EQ(exo_page_return(&ci.name, 1), 1);
	CHECK_EQ(EXO_SELF->guaranteed, max - 1);
	CHECK_EQ(exo_cap_delete(slots[2]), 0);
	CHECK_EQ(EXO_SELF->guaranteed, max - 2);
	CHECK_EQ(exo_page_guarantee(slots[0], 1), 0);
	CHECK_EQ(EXO_SELF->guaranteed, max - 1);
	/* Still nobody else's. */
	CHECK_EQ(exo_page_guarantee(CHILD_SLOT + 1, 1), EXO_EPERM);
	CHECK_EQ(EXO_SELF->guaranteed, max - 1);
	sh->done = 1;
	return 0;
}

static int
child(const char *mode)
{
	if (strcmp(mode, "guarantee") == 0)
		return child_guarantee();
	if (strcmp(mode, "badstack") == 0) {
		/* A handler whose stack is not mapped. */
		CHECK_EQ(exo_exc_register(EXO_EXC_REVOKE, (uint64_t)on_revoke_never,
			     CHILD_VA + 0x7000000), 0);
		child_setup(4);
		sh->state = READY;
		wait_done_cmd();
		return 97; /* must not get here */
	}
	if (strcmp(mode, "fault") == 0 || strcmp(mode, "faultpf") == 0) {
		CHECK_EQ(exos_exc_handle(EXO_EXC_REVOKE, on_revoke_fault), 0);
		if (strcmp(mode, "faultpf") == 0)
			CHECK_EQ(exos_exc_handle(EXO_EXC_PF, on_fault_unexpected), 0);
		child_setup(4);
		sh->state = READY;
		wait_done_cmd();
		return 97;
	}
	if (strcmp(mode, "badreturn") == 0) {
		CHECK_EQ(exos_exc_handle(EXO_EXC_REVOKE, on_revoke_bad), 0);
		CHECK_EQ(exos_exc_handle(EXO_EXC_REPOSSESS, on_repossess), 0);
		child_setup(NDATA);
		child_wait_slot(CHILD_SLOT + 1);
		CHECK_EQ(pt_op(EXO_SLOT_VSPACE, PARENT_VA, CHILD_SLOT + 1, 1,
			     EXO_PT_MAP, 0, 0), 1);
		sh->state = READY;
		wait_done_cmd();
		return 0;
	}
	/* The rest lose pages at a deadline: their stack must survive it. */
	exos_exc_fn fn = strcmp(mode, "loop") == 0 ? on_revoke_loop :
	    strcmp(mode, "late") == 0 ? on_revoke_late : NULL;
	if (fn == NULL) {
		printf("t_rv_hostile child: unknown mode %s\n", mode);
		return 2;
	}
	CHECK_EQ(exos_exc_handle(EXO_EXC_REVOKE, fn), 0);
	CHECK_EQ(exos_exc_handle(EXO_EXC_REPOSSESS, on_repossess), 0);
	guarantee_exc_stack();
	CHECK_EQ(EXO_SELF->owned, EXOS_EXC_STACK_SIZE / EXO_PGSIZE);
	child_setup(NDATA);
	sh->state = READY;
	wait_done_cmd();
	/* (d): the repossession upcall came once the late handler was done. */
	CHECK_EQ(sh->rp_calls, 1);
	CHECK_EQ(sh->rp_addr, sh->asked);
	CHECK_EQ(sh->rp_err, EXO_REVOKE_PAGES);
	uint64_t nkept = 0;
	for (uint64_t i = 0; i < ndata; i++)
		nkept += (uint64_t)intact(i);
	CHECK_EQ(nkept, ndata - sh->asked - 1);
	sh->done = 1;
	return 0;
}

/* ---- the parent ---- */

static volatile struct shared *psh = (volatile struct shared *)SH_VA;
static exo_slot_t shs, ro; /* the shared page; our first page, read-only */

static void
died(struct child *c, const char *what)
{
	struct exo_envinfo in;

	exo_env_info(c->env, &in);
	printf("t_rv_hostile: child died %s: cause %u status %ld trap %u "
	       "addr %lx\n", what, in.cause, (long)in.status, in.trapno,
	    in.fault_addr);
	exit(1);
}

/* Starts a child in mode with the shared page (and our first page,
 * read-only, in CHILD_SLOT + 1) and waits until it is ready. */
static void
start(const char *mode, int unowned, struct child *c)
{
	char *args[] = { "t_rv_hostile", "child", (char *)mode, NULL };

	memset((void *)psh, 0, EXO_PGSIZE);
	psh->parent_ppn = (exos_pte(MY_VA) & EXO_PTE_ADDR) >> 12;
	if (unowned)
		spawn_unowned(args, c);
	else
		CHECK_EQ(spawn("t_rv_hostile", args, c), 0);
	CHECK_EQ(exo_cap_copy(shs, c->env, CHILD_SLOT, EXO_R_READ | EXO_R_WRITE), 0);
	CHECK_EQ(exo_cap_copy(ro, c->env, CHILD_SLOT + 1, EXO_R_READ), 0);
}

static void
finish(struct child *c, uint64_t before, const char *what, uint64_t t0)
{
	child_release(c);
	check_mine();
	if (EXO_INFO->free_pages != before) {
		printf("t_rv_hostile: %s: %ld pages not given back\n", what,
		    (long)(before - EXO_INFO->free_pages));
		exit(1);
	}
	printf("t_rv_hostile: %s ok (%lu ms)\n", what, (time_ns() - t0) / 1000000);
}

/* (a) */
static void
loop_forever(void)
{
	struct child c;
	struct exo_envinfo in;
	uint64_t before = EXO_INFO->free_pages, t0 = time_ns();

	start("loop", 1, &c);
	wait_for(&c, &psh->state, "the child to be ready");
	psh->asked = 6;
	uint64_t f0 = EXO_INFO->free_pages;
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, c.env, 6), 0);
	wait_for(&c, &psh->in_loop, "the revocation handler");
	sleep_ms(100);
	/* Taken anyway; and we still run. */
	CHECK_EQ(EXO_INFO->free_pages, f0 + 6);
	uint64_t t1 = time_ns();
	while (psh->loop_repossessed != 6) {
		CHECK(time_ns() - t1 < CHILD_TIMEOUT_NS);
		exo_yield(c.id);
	}
	CHECK_EQ(psh->loop_pending, 0);
	CHECK_EQ(psh->rv_calls, 1);
	CHECK_EQ(psh->rv_addr, 6);
	/* The repossession upcall does not interrupt its own handler. */
	sleep_ms(30);
	CHECK_EQ(psh->loop_rp_calls, 0);
	CHECK_EQ(psh->rp_calls, 0);
	CHECK_EQ(exo_env_info(c.env, &in), 0);
	CHECK_EQ(in.state, EXO_ENV_RUNNABLE);
	check_mine();
	CHECK_EQ(exo_env_destroy(c.env), 0);
	finish(&c, before, "a handler that never returns", t0);
}

/* (b), (c) */
static void
bad_returns(void)
{
	struct child c;
	struct exo_envinfo in;
	uint64_t before = EXO_INFO->free_pages, t0 = time_ns();

	start("badreturn", 0, &c);
	wait_for(&c, &psh->state, "the child to be ready");
	psh->asked = 5;
	uint64_t f0 = EXO_INFO->free_pages;
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, c.env, 5), 0);
	wait_for(&c, &psh->done, "the bad returns");
	CHECK_EQ(psh->rv_calls, 1);
	CHECK_EQ(EXO_INFO->free_pages, f0 + 5);
	sleep_ms(100);
	CHECK_EQ(EXO_INFO->free_pages, f0 + 5);
	CHECK_EQ(psh->rp_calls, 0);
	check_mine();
	psh->cmd = 1;
	CHECK_WAIT(&c, &in);
	CHECK_EXITED(&in, 0);
	finish(&c, before, "returning pages one does not own, or twice", t0);
}

/* (d) */
static void
late_answer(void)
{
	struct child c;
	struct exo_envinfo in;
	uint64_t before = EXO_INFO->free_pages, t0 = time_ns();

	start("late", 1, &c);
	wait_for(&c, &psh->state, "the child to be ready");
	psh->asked = 7;
	uint64_t f0 = EXO_INFO->free_pages;
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, c.env, 7), 0);
	exo_yield(c.id);
	uint64_t t1 = time_ns();
	while (EXO_INFO->free_pages < f0 + 7 && time_ns() - t1 < CHILD_TIMEOUT_NS / 2)
		exo_yield(c.id);
	/* Taken (the late answer's one page may already have followed). */
	CHECK(EXO_INFO->free_pages >= f0 + 7);
	while (psh->rp_calls == 0) {
		CHECK_EQ(exo_env_info(c.env, &in), 0);
		if (in.state == EXO_ENV_DEAD)
			died(&c, "answering late");
		CHECK(time_ns() - t1 < CHILD_TIMEOUT_NS);
		exo_yield(c.id);
	}
	CHECK_EQ(EXO_INFO->free_pages, f0 + 8);
	CHECK_EQ(psh->rv_calls, 1);
	check_mine();
	psh->cmd = 1;
	CHECK_WAIT(&c, &in);
	CHECK_EXITED(&in, 0);
	CHECK_EQ(psh->done, 1);
	finish(&c, before, "an answer after the deadline", t0);
}

/* (e) */
static void
guarantees(void)
{
	struct child c;
	struct exo_envinfo in;
	uint64_t before = EXO_INFO->free_pages, t0 = time_ns();
	uint64_t g = EXO_SELF->guaranteed;

	start("guarantee", 0, &c);
	CHECK_WAIT(&c, &in);
	CHECK_EXITED(&in, 0);
	CHECK_EQ(psh->done, 1);
	CHECK_EQ(EXO_SELF->guaranteed, g);
	finish(&c, before, "guarantee_max and guarantees of others' pages", t0);
}

/* (f), (g) */
static void
dies(const char *mode, int how)
{
	struct child c;
	struct exo_envinfo in;
	uint64_t before = EXO_INFO->free_pages, t0 = time_ns();

	start(mode, 0, &c);
	wait_for(&c, &psh->state, "the child to be ready");
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, c.env, 2), 0);
	CHECK_WAIT(&c, &in);
	if (how == 142) {
		CHECK_EXITED(&in, 142);
	} else if (how == 14) {
		CHECK_FAULTED(&in, 14);
		CHECK_EQ(in.fault_addr, 0);
	} else {
		CHECK_EQ(in.state, EXO_ENV_DEAD);
		CHECK_EQ(in.cause, EXO_CAUSE_FAULT);
	}
	if (how != 0)
		CHECK_EQ(psh->rv_calls, 1);
	CHECK_EQ(psh->done, 0);
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, c.env, 1), EXO_EDEAD);
	sleep_ms(50); /* past the deadline of the request it left */
	finish(&c, before, mode, t0);
}

int
main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "child") == 0)
		return child(argv[2]);

	prepare_tables(SH_VA);
	prepare_tables(MY_VA);
	warm_spawn();
	uint64_t before = EXO_INFO->free_pages;
	exo_slot_t mine = mine_alloc();
	CHECK_EQ(page_alloc_map(SH_VA, 1, EXO_PERM_W, &shs), 0);
	/* Our first page is shared read-only from a slot of its own. */
	int64_t r = slot_alloc();
	CHECK(r >= 0);
	ro = (uint64_t)r;
	CHECK_EQ(exo_cap_copy(mine, EXO_SLOT_SELF, ro, EXO_R_READ | EXO_R_GRANT), 0);

	guarantees();
	loop_forever();
	bad_returns();
	late_answer();
	dies("fault", 14);
	dies("faultpf", 142);
	dies("badstack", 0);

	CHECK_EQ(exo_cap_delete(ro), 0);
	slot_free(ro);
	mine_free(mine);
	unmap_free(SH_VA, shs);
	CHECK_EQ(EXO_INFO->free_pages, before);
	printf("t_rv_hostile: hostile owners neither stalled nor fooled the kernel\n");
	return 0;
}
