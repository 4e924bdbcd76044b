/*
 * Visible revocation, the cooperative case.  Looks for: a reclaim that
 * never reaches the owner's EXO_EXC_REVOKE handler, or reaches it with the
 * wrong count or kind; a request that is not visible in the self page
 * (revoke_pages, revoke_deadline not revoke_tsc after the call); pages the
 * owner gives back (by page_return, and by unmapping and deleting its
 * capabilities) that do not count against the request or are not freed
 * (the free count must rise by exactly the count); a request that is
 * still owed after it was paid, so that the kernel repossesses at the
 * deadline anyway; the owner's other pages disturbed.  And the errors of
 * reclaim (npages 0, a request already pending, a machine capability
 * without EXO_R_CALL, empty or wrong slots, a dead environment) and of
 * page_return (bad count, unreadable array).  A request to an
 * environment that never runs is paid at the deadline from the pages it
 * owns: the page we gave it is taken from under our own capability.
 *
 * The child is this program run again with the argument "child".
 */
#define TEST_NAME "t_rv_basic"
#include "rvutil.h"

#define SH_VA (TEST_VA + 0x100000)   /* the shared page, in the parent */
#define DATA_VA (CHILD_VA + 0x100000) /* the child's pages */
#define NDATA 40
#define ASK 10
#define PAT 0x6261736963000000UL

#define READY 1
#define FINISH 2

/* The page parent and child share (the child maps it at CHILD_VA). */
struct shared {
	uint64_t state, cmd;
	uint64_t owned0;                   /* child: owned when ready */
	uint64_t rv_calls, rv_addr, rv_err; /* the revocation handler's runs */
	uint64_t rv_pending, rv_deadline, rv_now; /* at its entry */
	uint64_t rv_after;                 /* revoke_pages when it was done */
	uint64_t rv_returned, rv_done;
	int64_t rv_r1, rv_r2;              /* its page_return, its cap_delete */
	uint64_t rp_calls;                 /* the repossession handler's runs */
	uint64_t owned1, pending1, repossessed1; /* at the end */
	uint64_t checked;                  /* the child checked its pages */
};

/* ---- the child ---- */

static volatile struct shared *sh;
static uint64_t slots[NDATA], ppns[NDATA];
static uint64_t live = NDATA; /* pages 0..live-1 are still ours */

/* Gives back the last n pages: the first half by page_return, the rest
 * by unmapping them and deleting our capabilities. */
static void
on_revoke(int cls, struct exo_excframe *f)
{
	(void)cls;
	sh->rv_now = rdtsc();
	sh->rv_calls++;
	sh->rv_addr = f->addr;
	sh->rv_err = f->err;
	sh->rv_pending = EXO_SELF->revoke_pages;
	sh->rv_deadline = EXO_SELF->revoke_deadline;
	if (f->err != EXO_REVOKE_PAGES)
		return;
	uint64_t n = f->addr < live ? f->addr : live;
	uint64_t half = n / 2, first = live - n;
	uint64_t list[NDATA];
	for (uint64_t i = 0; i < half; i++)
		list[i] = ppns[first + i];
	sh->rv_r1 = half ? exo_page_return(list, half) : 0;
	sh->rv_r2 = 0;
	for (uint64_t i = first + half; i < live; i++) {
		if (page_unmap(DATA_VA + i * EXO_PGSIZE, 1) != 1 ||
		    exo_cap_delete(slots[i]) != 0)
			sh->rv_r2 = -1;
	}
	live = first;
	sh->rv_returned = n;
	sh->rv_after = EXO_SELF->revoke_pages;
	sh->rv_done = 1;
}

static void
on_repossess(int cls, struct exo_excframe *f)
{
	(void)cls;
	(void)f;
	sh->rp_calls++;
}

static int
child(void)
{
	struct exo_capinfo ci;

	/* Handlers first: the exception stack is ours as well. */
	CHECK_EQ(exos_exc_handle(EXO_EXC_REVOKE, on_revoke), 0);
	CHECK_EQ(exos_exc_handle(EXO_EXC_REPOSSESS, on_repossess), 0);
	sh = child_map_shared();
	uint64_t owned = EXO_SELF->owned;
	for (uint64_t i = 0; i < NDATA; i++) {
		ppns[i] = child_page(DATA_VA + i * EXO_PGSIZE, &slots[i]);
		volatile uint64_t *w = (volatile uint64_t *)(DATA_VA + i * EXO_PGSIZE);
		w[0] = PAT ^ i;
		w[511] = ppns[i];
	}
	CHECK_EQ(EXO_SELF->owned, owned + NDATA);
	CHECK_EQ(EXO_SELF->revoke_pages, 0);
	CHECK_EQ(EXO_SELF->revoke_slice, -1);
	CHECK_EQ(EXO_SELF->repossessed, 0);
	sh->owned0 = EXO_SELF->owned;
	sh->state = READY;

	child_wait_word(&sh->cmd, FINISH, CHILD_TIMEOUT_NS);
	/* What we kept is intact; what we gave is gone. */
	for (uint64_t i = 0; i < NDATA; i++) {
		uint64_t va = DATA_VA + i * EXO_PGSIZE;
		if (i < live) {
			CHECK(exos_pte(va) & EXO_PTE_P);
			CHECK_EQ(*(volatile uint64_t *)va, PAT ^ i);
			CHECK_EQ(((volatile uint64_t *)va)[511], ppns[i]);
			CHECK_EQ(exo_cap_info(slots[i], &ci), 0);
			CHECK_EQ(ci.name, ppns[i]);
		} else {
			CHECK_EQ(exos_pte(va), 0);
			CHECK_EQ(exo_cap_info(slots[i], &ci), EXO_ECAP);
		}
	}
	sh->owned1 = EXO_SELF->owned;
	sh->pending1 = EXO_SELF->revoke_pages;
	sh->repossessed1 = EXO_SELF->repossessed;
	sh->checked = 1;
	return 0;
}

/* ---- the parent ---- */

static volatile struct shared *psh = (volatile struct shared *)SH_VA;

/* Errors of reclaim that need no child, and a request nobody answers. */
static void
errors(void)
{
	int64_t r0 = slot_alloc_range(8);
	CHECK(r0 >= 0);
	uint64_t weakm = (uint64_t)r0, se = weakm + 1, sv = weakm + 2;
	uint64_t weake = weakm + 3, pg = weakm + 4, none = weakm + 5;
	struct exo_capinfo ci;

	/* Our machine capability: EXO_R_CALL only, from init. */
	CHECK_EQ(exo_cap_info(EXO_SLOT_MACHINE, &ci), 0);
	CHECK_EQ(ci.type, EXO_CAP_MACHINE);
	CHECK(ci.rights & EXO_R_CALL);

	int64_t id = exo_env_create(se, sv);
	CHECK(id > 0);
	/* The wrong machine capability. */
	CHECK_EQ(exo_cap_copy(EXO_SLOT_MACHINE, EXO_SLOT_SELF, weakm, 0), 0);
	CHECK_EQ(exo_reclaim(weakm, se, 1), EXO_EPERM);
	CHECK_EQ(exo_slice_reclaim(weakm, 0), EXO_EPERM);
	CHECK_EQ(exo_reclaim(none, se, 1), EXO_ECAP);
	CHECK_EQ(exo_reclaim(EXO_SLOT_CONSOLE, se, 1), EXO_ECAP);
	CHECK_EQ(exo_reclaim(EXO_SLOT_SELF, se, 1), EXO_ECAP);
	CHECK_EQ(exo_reclaim(EXO_NSLOTS, se, 1), EXO_ERANGE);
	/* The wrong environment capability. */
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, none, 1), EXO_ECAP);
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, sv, 1), EXO_ECAP);
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, EXO_SLOT_MACHINE, 1), EXO_ECAP);
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, EXO_NSLOTS, 1), EXO_ERANGE);
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, se, 0), EXO_EINVAL);

	/*
	 * An environment that never runs, owning one page we gave it (and
	 * still hold a capability for and map).  Any rights on its
	 * capability will do; a second request while the first is pending
	 * is refused.
	 */
	int64_t ppn = exo_page_alloc(pg, EXO_PPN_ANY);
	CHECK(ppn > 0);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, MY_VA + NMINE * EXO_PGSIZE, pg, 1,
		     EXO_PT_MAP, EXO_PERM_W, 0), 1);
	uint64_t owned = EXO_SELF->owned;
	CHECK_EQ(exo_page_give(pg, se), 0);
	CHECK_EQ(EXO_SELF->owned, owned - 1);
	CHECK_EQ(exo_cap_copy(se, EXO_SLOT_SELF, weake, 0), 0);
	uint64_t f0 = EXO_INFO->free_pages;
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, weake, 3), 0);
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, se, 1), EXO_EBUSY);
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, weake, 3), EXO_EBUSY);
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, se, 0), EXO_EINVAL);
	CHECK(!empty(pg));
	sleep_ms(100);
	/* The deadline passed: its one page is taken, from us too. */
	CHECK(empty(pg));
	CHECK_EQ(exos_pte(MY_VA + NMINE * EXO_PGSIZE), 0);
	CHECK_EQ(freemap_bit((uint64_t)ppn), 1);
	CHECK_EQ(EXO_INFO->free_pages, f0 + 1);
	/* The rest, which only pages it does not have could pay, is
	 * forgiven: it can be asked again. */
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, se, 1), 0);
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, se, 1), EXO_EBUSY);
	sleep_ms(100);
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, se, 2), 0);
	CHECK_EQ(EXO_INFO->free_pages, f0 + 1);

	/* Dead. */
	CHECK_EQ(exo_env_destroy(se), 0);
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, se, 1), EXO_EDEAD);
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, weake, 1), EXO_EDEAD);
	CHECK_EQ(exo_cap_delete(weake), 0);
	CHECK_EQ(exo_cap_delete(se), 0);
	CHECK_EQ(exo_cap_delete(sv), 0);
	CHECK_EQ(exo_cap_delete(weakm), 0);

	/* page_return's own errors. */
	uint64_t one = (uint64_t)ppn;
	CHECK_EQ(exo_page_return(&one, 0), EXO_EINVAL);
	CHECK_EQ(exo_page_return(&one, 4097), EXO_EINVAL);
	CHECK_EQ(exo_page_return(NULL, 1), EXO_EFAULT);
	CHECK_EQ(exo_page_return((const uint64_t *)(TEST_VA + 0x7000000), 1),
	    EXO_EFAULT);
	CHECK_EQ(exo_page_return((const uint64_t *)KADDR_KERNBASE, 1), EXO_EFAULT);
	slot_free_range(weakm, 8);
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child();

	struct exo_envinfo in;
	exo_slot_t shs;

	prepare_tables(SH_VA);
	prepare_tables(MY_VA);
	warm_spawn();
	uint64_t before = EXO_INFO->free_pages;

	/* Our own pages, which nothing here may touch. */
	exo_slot_t mine = mine_alloc();
	CHECK_EQ(page_alloc_map(SH_VA, 1, EXO_PERM_W, &shs), 0);

	errors();

	char *args[] = { "t_rv_basic", "child", NULL };
	struct child ch;
	CHECK_EQ(spawn("t_rv_basic", args, &ch), 0);
	CHECK_EQ(exo_cap_copy(shs, ch.env, CHILD_SLOT, EXO_R_READ | EXO_R_WRITE), 0);
	wait_for(&ch, &psh->state, "the child to be ready");
	CHECK_EQ(psh->rv_calls, 0);

	uint64_t f0 = EXO_INFO->free_pages;
	uint64_t t0 = rdtsc();
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, ch.env, ASK), 0);
	uint64_t t1 = rdtsc();
	wait_for(&ch, &psh->rv_done, "the revocation handler");
	CHECK_EQ(psh->rv_calls, 1);
	CHECK_EQ(psh->rv_addr, ASK);
	CHECK_EQ(psh->rv_err, EXO_REVOKE_PAGES);
	CHECK_EQ(psh->rv_pending, ASK);
	/* The deadline restarts when the handler starts, within its window. */
	CHECK(psh->rv_deadline >= t0 + EXO_INFO->revoke_tsc);
	CHECK(psh->rv_deadline <= psh->rv_now + EXO_INFO->revoke_tsc);
	CHECK(psh->rv_now < psh->rv_deadline);
	CHECK(t1 >= t0);
	CHECK_EQ(psh->rv_r1, ASK / 2);
	CHECK_EQ(psh->rv_r2, 0);
	CHECK_EQ(psh->rv_returned, ASK);
	CHECK_EQ(psh->rv_after, 0); /* paid in full */
	CHECK_EQ(EXO_INFO->free_pages, f0 + ASK);

	/* Past the deadline: nothing more is taken. */
	sleep_ms(100);
	CHECK_EQ(EXO_INFO->free_pages, f0 + ASK);
	CHECK_EQ(psh->rp_calls, 0);
	CHECK_EQ(psh->rv_calls, 1);
	CHECK_EQ(exo_env_info(ch.env, &in), 0);
	CHECK_EQ(in.state, EXO_ENV_RUNNABLE);
	/* npages 0 asks for nothing, even of a live environment. */
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, ch.env, 0), EXO_EINVAL);

	psh->cmd = FINISH;
	CHECK_WAIT(&ch, &in);
	CHECK_EXITED(&in, 0);
	CHECK_EQ(psh->checked, 1);
	CHECK_EQ(psh->owned1, psh->owned0 - ASK);
	CHECK_EQ(psh->pending1, 0);
	CHECK_EQ(psh->repossessed1, 0);
	CHECK_EQ(psh->rp_calls, 0);
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, ch.env, 1), EXO_EDEAD);
	child_release(&ch);

	mine_free(mine);
	unmap_free(SH_VA, shs);
	CHECK_EQ(EXO_INFO->free_pages, before);
	printf("t_rv_basic: a cooperative owner paid a reclaim in time; errors "
	       "checked\n");
	return 0;
}
