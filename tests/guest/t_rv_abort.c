/*
 * The abort protocol, against a library OS that ignores revocation (no
 * handler, or one that does nothing).  Looks for: nothing taken at the
 * deadline, or too much (more than asked, a guaranteed page, anything
 * when the guaranteed pages are all that is left), or too little (fewer
 * than asked while unguaranteed pages remain); a taken page left mapped
 * (in the owner's space, in another environment that maps it) or left
 * named by a capability (the owner's, or another holder's); a taken page
 * that is not freed, or that is not recorded in the repossession ring
 * exactly once per address the owner had it mapped at (~0 for one it
 * only held a capability for; never another environment's address); the
 * ring mishandled when it wraps; EXO_SELF->repossessed, owned,
 * guaranteed or revoke_pages wrong afterwards; the EXO_EXC_REPOSSESS
 * handler not run, or run with the wrong count; the owner unable to run
 * on normally (it must exit by itself); pages leaked.
 *
 * The child is this program again, started by a loader of our own that
 * does not give it the pages of its image (libos's spawn does): it owns
 * only what it allocates, and it guarantees its exception stack, so the
 * kernel may take any page it owns that is not guaranteed without
 * breaking it, whatever order the kernel takes them in.
 */
#include "../lib/elf.h"
#include "internal.h"
#undef PF_W /* tutil.h's page-fault bit; ELF's segment flag is the same 2 */
#include "tutil.h"

#define SH_VA (TEST_VA + 0x100000)    /* the shared page, in the parent */
#define MY_VA (TEST_VA + 0x200000)    /* the parent's own pages */
#define GV_VA (TEST_VA + 0x300000)    /* the page the parent gives away */
#define DATA_VA (CHILD_VA + 0x1000000) /* the child's pages */
#define ALIAS_VA (CHILD_VA + 0x2000000) /* a second mapping of one of them */
#define GIVEN_VA (CHILD_VA + 0x3000000) /* the child's mapping of the gift */
#define NMINE 8
#define MAXDATA 128
#define PAT 0x61626f7274000000UL
#define GIVENPAT 0x676976656e000000UL
#define MYPAT 0x706172656e740000UL
#define PROBE_FAULT 0xdeadfa17deadfa17UL

/* What the child registers. */
#define H_REVOKE 1    /* a revocation handler that does nothing */
#define H_REPOSSESS 2 /* a repossession handler (and a page-fault one) */

#define READY 1
#define CHECKNOW 2

struct shared {
	uint64_t state, cmd;
	uint64_t owned0, guaranteed0; /* child, when ready */
	uint64_t asked;               /* parent: what it reclaimed */
	uint64_t seen_pending;        /* child: revoke_pages, first nonzero seen */
	uint64_t rv_calls, rv_addr, rv_err;
	uint64_t rp_calls, rp_addr, rp_err, rp_repossessed;
	uint64_t pf_unexpected;
	uint64_t gone, given_gone;    /* child: pages it found taken */
	uint64_t checked;
};

/* ---- the child ---- */

/* Yields to the parent; ends this child if the parent is gone (failed). */
static void
child_idle(void)
{
	int64_t r = exo_yield(EXO_SELF->parent);

	if (r == EXO_EDEAD || r == EXO_ENOENT)
		exit(93);
}

static volatile struct shared *sh;

struct dpage {
	uint64_t slot, ppn;
	uint64_t va[2]; /* where we map it; 0 = nowhere */
	uint64_t pat;
	int guaranteed;
};
static struct dpage pg[MAXDATA + 2];
static int npg;

extern char probe_insn[], probe_done[];

/* Reads va; PROBE_FAULT if that faults. */
static uint64_t __attribute__((noinline))
probe(uint64_t va)
{
	uint64_t v;

	__asm__ volatile(".globl probe_insn, probe_done\n"
			 "probe_insn: movq (%1), %0\n"
			 "probe_done:"
			 : "=a"(v)
			 : "r"(va)
			 : "memory");
	return v;
}

static void
on_fault(int cls, struct exo_excframe *f)
{
	(void)cls;
	if (f->rip != (uint64_t)probe_insn) {
		sh->pf_unexpected = f->addr ? f->addr : 1;
		printf("t_rv_abort child: page fault at rip %lx addr %lx\n",
		    f->rip, f->addr);
		exit(77);
	}
	f->rip = (uint64_t)probe_done;
	f->rax = PROBE_FAULT;
}

static void
on_revoke(int cls, struct exo_excframe *f)
{
	(void)cls;
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
	sh->rp_repossessed = EXO_SELF->repossessed;
}

static void
child_wait_slot(uint64_t slot)
{
	struct exo_capinfo ci;
	uint64_t t0 = time_ns();

	while (exo_cap_info(slot, &ci) != 0) {
		if (time_ns() - t0 > CHILD_TIMEOUT_NS) {
			printf("t_rv_abort child: slot %lu never filled\n", slot);
			exit(90);
		}
		child_idle();
	}
}

/* Guarantees the pages libos allocated for our exception stack. */
static void
guarantee_exc_stack(void)
{
	uint64_t want = EXOS_EXC_STACK_SIZE / EXO_PGSIZE, found = 0;
	struct exo_capinfo ci;

	for (uint64_t s = SLOT_FIRST_FREE; s < 1024; s++) {
		if (exo_cap_info(s, &ci) != 0 || ci.type != EXO_CAP_PAGE)
			continue;
		for (uint64_t va = EXOS_EXC_STACK_LO; va < EXOS_EXC_STACK_TOP;
		     va += EXO_PGSIZE)
			if ((exos_pte(va) & EXO_PTE_ADDR) >> 12 == ci.name) {
				CHECK_EQ(exo_page_guarantee(s, 1), 0);
				found++;
			}
	}
	CHECK_EQ(found, want);
	CHECK_EQ(EXO_SELF->guaranteed, want);
}

static void
map_at(uint64_t slot, uint64_t va)
{
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, va, slot, 1, EXO_PT_MAP, EXO_PERM_W, 0), 1);
}

static int
child(uint64_t flags, uint64_t ng, uint64_t nu)
{
	struct exo_capinfo ci;

	CHECK(ng + nu <= MAXDATA && nu >= 2);
	if (flags & H_REVOKE)
		CHECK_EQ(exos_exc_handle(EXO_EXC_REVOKE, on_revoke), 0);
	if (flags & H_REPOSSESS) {
		CHECK_EQ(exos_exc_handle(EXO_EXC_REPOSSESS, on_repossess), 0);
		CHECK_EQ(exos_exc_handle(EXO_EXC_PF, on_fault), 0);
	}
	if (flags)
		guarantee_exc_stack();
	child_wait_slot(CHILD_SLOT);
	map_at(CHILD_SLOT, CHILD_VA);
	sh = (volatile struct shared *)CHILD_VA;
	/* The parent's gift: ours, mapped by the parent too. */
	child_wait_slot(CHILD_SLOT + 1);
	CHECK_EQ(exo_cap_info(CHILD_SLOT + 1, &ci), 0);
	uint64_t owned = EXO_SELF->owned, guaranteed = EXO_SELF->guaranteed;
	/* Our image is not ours: only the exception stack and the gift. */
	CHECK_EQ(owned, (flags ? EXOS_EXC_STACK_SIZE / EXO_PGSIZE : 0) + 1);
	map_at(CHILD_SLOT + 1, GIVEN_VA);
	CHECK_EQ(*(volatile uint64_t *)GIVEN_VA, GIVENPAT);

	/* Our pages: ng guaranteed, nu not (the last of them mapped twice),
	 * one we only hold a capability for, and the gift. */
	for (uint64_t i = 0; i < ng + nu + 1; i++) {
		struct dpage *d = &pg[npg++];
		int64_t s = slot_alloc();
		CHECK(s >= 0);
		d->slot = (uint64_t)s;
		int64_t p = exo_page_alloc(d->slot, EXO_PPN_ANY);
		CHECK(p > 0);
		d->ppn = (uint64_t)p;
		d->pat = PAT ^ i;
		if (i == ng + nu)
			continue; /* held, not mapped */
		d->va[0] = DATA_VA + i * EXO_PGSIZE;
		map_at(d->slot, d->va[0]);
		if (i == ng + nu - 1) {
			d->va[1] = ALIAS_VA;
			map_at(d->slot, d->va[1]);
		}
		*(volatile uint64_t *)d->va[0] = d->pat;
		if (i < ng) {
			CHECK_EQ(exo_page_guarantee(d->slot, 1), 0);
			d->guaranteed = 1;
		}
	}
	struct dpage *gift = &pg[npg++];
	gift->slot = CHILD_SLOT + 1;
	gift->ppn = ci.name;
	gift->va[0] = GIVEN_VA;
	gift->pat = GIVENPAT;
	CHECK_EQ(EXO_SELF->owned, owned + ng + nu + 1);
	CHECK_EQ(EXO_SELF->guaranteed, guaranteed + ng);
	CHECK_EQ(EXO_SELF->revoke_pages, 0);
	CHECK_EQ(EXO_SELF->repossessed, 0);
	CHECK_EQ(EXO_SELF->repo_head, 0);
	sh->owned0 = EXO_SELF->owned;
	sh->guaranteed0 = EXO_SELF->guaranteed;
	sh->state = READY;

	uint64_t t0 = time_ns();
	while (sh->cmd != CHECKNOW) {
		if (sh->seen_pending == 0)
			sh->seen_pending = EXO_SELF->revoke_pages;
		if (time_ns() - t0 > CHILD_TIMEOUT_NS)
			exit(91);
		child_idle();
	}

	/* Which pages went, and is everything else as it was? */
	uint64_t gone = 0, entries = 0;
	for (int i = 0; i < npg; i++) {
		struct dpage *d = &pg[i];
		int r = (int)exo_cap_info(d->slot, &ci);
		if (r == EXO_ECAP) {
			CHECK(!d->guaranteed);
			gone++;
			entries += d->va[0] == 0 ? 1 : d->va[1] ? 2 : 1;
			for (int k = 0; k < 2; k++) {
				if (d->va[k] == 0)
					continue;
				CHECK_EQ(exos_pte(d->va[k]), 0);
				if (flags & H_REPOSSESS)
					CHECK_EQ(probe(d->va[k]), PROBE_FAULT);
			}
			if (d == gift)
				sh->given_gone = 1;
		} else {
			CHECK_EQ(r, 0);
			CHECK_EQ(ci.type, EXO_CAP_PAGE);
			CHECK_EQ(ci.name, d->ppn);
			for (int k = 0; k < 2; k++) {
				if (d->va[k] == 0)
					continue;
				CHECK_EQ((exos_pte(d->va[k]) & EXO_PTE_ADDR) >> 12, d->ppn);
				CHECK_EQ(*(volatile uint64_t *)d->va[k], d->pat);
			}
		}
	}
	CHECK_EQ(EXO_SELF->repossessed, gone);
	CHECK_EQ(EXO_SELF->revoke_pages, 0);
	CHECK_EQ(EXO_SELF->owned, sh->owned0 - gone);
	CHECK_EQ(EXO_SELF->guaranteed, sh->guaranteed0);

	/* The ring: one entry per (page, address of ours it was mapped at),
	 * ~0 for a page we did not map; the last EXO_REPO_RING of them. */
	uint64_t head = EXO_SELF->repo_head;
	CHECK_EQ(head, entries);
	uint64_t first = head > EXO_REPO_RING ? head - EXO_REPO_RING : 0;
	static uint8_t seen[MAXDATA + 2][2];
	for (uint64_t n = first; n < head; n++) {
		struct exo_repo e = {
			EXO_SELF->repo[n % EXO_REPO_RING].ppn,
			EXO_SELF->repo[n % EXO_REPO_RING].va,
		};
		int hit = 0;
		for (int i = 0; i < npg && !hit; i++) {
			struct dpage *d = &pg[i];
			if (d->ppn != e.ppn)
				continue;
			CHECK_EQ(exo_cap_info(d->slot, &ci), EXO_ECAP);
			if (d->va[0] == 0) {
				CHECK_EQ(e.va, ~0UL);
				CHECK(!seen[i][0]);
				seen[i][0] = hit = 1;
			}
			for (int k = 0; k < 2 && !hit; k++)
				if (d->va[k] && e.va == d->va[k]) {
					CHECK(!seen[i][k]);
					seen[i][k] = hit = 1;
				}
		}
		if (!hit) {
			printf("t_rv_abort child: ring entry %lu (page %lx at %lx) "
			       "is not one of ours\n", n, e.ppn, e.va);
			exit(1);
		}
	}
	if (head <= EXO_REPO_RING) {
		/* Nothing lost: every taken page's every address is there. */
		uint64_t n = 0;
		for (int i = 0; i < npg; i++)
			n += (uint64_t)seen[i][0] + seen[i][1];
		CHECK_EQ(n, entries);
	}

	if (flags & H_REPOSSESS) {
		CHECK_EQ(sh->rp_calls, gone ? 1 : 0);
		if (gone) {
			CHECK_EQ(sh->rp_addr, gone);
			CHECK_EQ(sh->rp_err, EXO_REVOKE_PAGES);
			CHECK_EQ(sh->rp_repossessed, gone);
		}
	}
	if (flags & H_REVOKE) {
		CHECK_EQ(sh->rv_calls, 1);
		CHECK_EQ(sh->rv_addr, sh->asked);
		CHECK_EQ(sh->rv_err, EXO_REVOKE_PAGES);
	}
	/* And we can still use memory as before. */
	exo_slot_t s;
	CHECK_EQ(page_alloc_map(DATA_VA + MAXDATA * EXO_PGSIZE, 1, EXO_PERM_W, &s), 0);
	*(volatile uint64_t *)(DATA_VA + MAXDATA * EXO_PGSIZE) = 1;
	sh->gone = gone;
	sh->checked = 1;
	return 0;
}

/* ---- the parent ---- */

static volatile struct shared *psh = (volatile struct shared *)SH_VA;

static void
sleep_ms(uint64_t ms)
{
	uint64_t t0 = time_ns();

	while (time_ns() - t0 < ms * 1000000)
		exo_yield(EXO_ENV_ANY);
}

static void
wait_for(struct child *c, volatile uint64_t *w, const char *what)
{
	struct exo_envinfo in;
	uint64_t t0 = time_ns();

	while (*w == 0) {
		CHECK_EQ(exo_env_info(c->env, &in), 0);
		if (in.state == EXO_ENV_DEAD) {
			printf("t_rv_abort: child died waiting for %s: cause %u "
			       "status %ld trap %u addr %lx\n", what, in.cause,
			    (long)in.status, in.trapno, in.fault_addr);
			exit(1);
		}
		if (time_ns() - t0 > CHILD_TIMEOUT_NS) {
			printf("t_rv_abort: timed out waiting for %s\n", what);
			exo_env_destroy(c->env);
			exit(1);
		}
		exo_yield(c->id);
	}
}

/* Fresh pages, filled from src at off, bound at va in the child, and
 * left to it: our capabilities go, but the pages stay ours. */
static void
load_pages(struct child *c, uint64_t va, uint64_t n, int perm, const void *src,
    uint64_t off, uint64_t len)
{
	exo_slot_t s;

	CHECK_EQ(page_alloc_map(EXOS_SCRATCH, n, EXO_PERM_W, &s), 0);
	memcpy((uint8_t *)EXOS_SCRATCH + off, src, len);
	CHECK_EQ(page_unmap(EXOS_SCRATCH, n), 1);
	CHECK_EQ(pt_op(c->vspace, va, s, (uint32_t)n, EXO_PT_MAP, (uint8_t)perm, 0), 1);
	for (uint64_t i = 0; i < n; i++)
		CHECK_EQ(exo_cap_delete(s + i), 0);
	slot_free_range(s, n);
}

/* Starts this program with argv, as libos's spawn does, but without
 * giving the child the pages of its image and stack. */
static void
spawn_unowned(char **argv, struct child *c)
{
	uint64_t size;
	const uint8_t *file = bootimg_file("t_rv_abort", &size);
	struct elf_image elf;
	uint8_t argpage[EXO_PGSIZE];

	CHECK(file != NULL);
	CHECK_EQ(elf_parse(file, size, EXOS_SCRATCH, &elf), 0);
	int64_t se = slot_alloc(), sv = slot_alloc();
	CHECK(se >= 0 && sv >= 0);
	c->env = (uint64_t)se;
	c->vspace = (uint64_t)sv;
	int64_t id = exo_env_create(c->env, c->vspace);
	CHECK(id > 0);
	c->id = (exo_envid_t)id;
	for (int i = 0; i < elf.nsegs; i++) {
		const struct elf_seg *g = &elf.seg[i];
		uint64_t base = g->vaddr & ~(EXO_PGSIZE - 1);
		uint64_t end = (g->vaddr + g->memsz + EXO_PGSIZE - 1) & ~(EXO_PGSIZE - 1);
		int perm = (g->flags & PF_W ? EXO_PERM_W : 0) |
		    (g->flags & PF_X ? EXO_PERM_X : 0);
		load_pages(c, base, (end - base) / EXO_PGSIZE, perm, file + g->offset,
		    g->vaddr - base, g->filesz);
	}
	/* The start block and the strings at the top of the stack. */
	uint64_t argc = 0, strbytes = 0;
	for (; argv[argc]; argc++)
		strbytes += strlen(argv[argc]) + 1;
	memset(argpage, 0, sizeof(argpage));
	uint64_t top_va = EXOS_STACK_TOP;
	uint64_t str_off = EXO_PGSIZE - strbytes, str_va = top_va - strbytes;
	uint64_t sb_va = (str_va - sizeof(struct exos_startblock) - (argc + 1) * 8) &
	    ~15UL;
	struct exos_startblock *sb =
	    (void *)(argpage + (sb_va - (top_va - EXO_PGSIZE)));
	sb->argc = argc;
	sb->bootimg_size = 0;
	sb->npages = 0;
	for (uint64_t i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;
		memcpy(argpage + str_off, argv[i], n);
		sb->argv[i] = (char *)str_va;
		str_off += n;
		str_va += n;
	}
	sb->argv[argc] = NULL;
	load_pages(c, EXOS_STACK_TOP - EXOS_STACK_PAGES * EXO_PGSIZE,
	    EXOS_STACK_PAGES, EXO_PERM_W, argpage,
	    (EXOS_STACK_PAGES - 1) * EXO_PGSIZE, EXO_PGSIZE);
	CHECK_EQ(exo_cap_copy(EXO_SLOT_CONSOLE, c->env, EXO_SLOT_CONSOLE,
		     EXO_R_READ | EXO_R_WRITE | EXO_R_GRANT), 0);
	CHECK_EQ(exo_env_start(c->env, elf.entry, sb_va, sb_va), 0);
}

static void
check_mine(void)
{
	for (uint64_t i = 0; i < NMINE; i++)
		CHECK_EQ(*(volatile uint64_t *)(MY_VA + i * EXO_PGSIZE), MYPAT ^ i);
}

/*
 * One child: flags says what it registers, it guarantees ng of its pages
 * and not nu (+ one unmapped + our gift); we reclaim ask.
 */
static void
scenario(uint64_t flags, uint64_t ng, uint64_t nu, uint64_t ask)
{
	struct exo_envinfo in;
	struct exo_capinfo ci;
	exo_slot_t shs, gs;
	char a1[24], a2[24], a3[24];
	char *args[] = { "t_rv_abort", "child", fmt_hex(a1, sizeof(a1), flags),
		fmt_hex(a2, sizeof(a2), ng), fmt_hex(a3, sizeof(a3), nu), NULL };
	uint64_t before = EXO_INFO->free_pages, t0 = time_ns();

	CHECK_EQ(page_alloc_map(SH_VA, 1, EXO_PERM_W, &shs), 0);
	CHECK_EQ(page_alloc_map(GV_VA, 1, EXO_PERM_W, &gs), 0);
	*(volatile uint64_t *)GV_VA = GIVENPAT;
	uint64_t gppn = (exos_pte(GV_VA) & EXO_PTE_ADDR) >> 12;

	uint64_t myowned = EXO_SELF->owned;
	struct child ch;
	spawn_unowned(args, &ch);
	CHECK_EQ(exo_cap_copy(shs, ch.env, CHILD_SLOT, EXO_R_READ | EXO_R_WRITE), 0);
	uint64_t owned = EXO_SELF->owned;
	CHECK_EQ(exo_page_give(gs, ch.env), 0);
	CHECK_EQ(EXO_SELF->owned, owned - 1);
	CHECK_EQ(exo_cap_copy(gs, ch.env, CHILD_SLOT + 1, EXO_R_READ | EXO_R_WRITE), 0);
	wait_for(&ch, &psh->state, "the child to be ready");

	uint64_t unguaranteed = psh->owned0 - psh->guaranteed0;
	CHECK_EQ(unguaranteed, nu + 2);
	uint64_t expect = ask < unguaranteed ? ask : unguaranteed;
	psh->asked = ask;
	uint64_t f0 = EXO_INFO->free_pages;
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, ch.env, ask), 0);
	exo_yield(ch.id); /* let it see the request before the deadline */
	sleep_ms(100);
	CHECK_EQ(psh->seen_pending, ask);
	/* Taken and freed: exactly what was owed, or all that could be. */
	CHECK_EQ(EXO_INFO->free_pages, f0 + expect);
	CHECK_EQ(exo_env_info(ch.env, &in), 0);
	CHECK_EQ(in.state, EXO_ENV_RUNNABLE);
	int given_gone = exo_cap_info(gs, &ci) == EXO_ECAP;
	if (expect == unguaranteed)
		CHECK(given_gone);
	if (given_gone) {
		CHECK_EQ(exos_pte(GV_VA), 0);
		CHECK_EQ(freemap_bit(gppn), 1);
	} else {
		CHECK_EQ(ci.name, gppn);
		CHECK_EQ(*(volatile uint64_t *)GV_VA, GIVENPAT);
	}
	check_mine();

	psh->cmd = CHECKNOW;
	CHECK_WAIT(&ch, &in);
	if (in.cause != EXO_CAUSE_EXIT || in.status != 0) {
		printf("t_rv_abort: child (flags %lu, %lu+%lu pages, %lu asked) "
		       "ended with cause %u status %ld trap %u addr %lx\n", flags,
		    ng, nu, ask, in.cause, (long)in.status, in.trapno,
		    in.fault_addr);
		exit(1);
	}
	CHECK_EQ(psh->checked, 1);
	CHECK_EQ(psh->gone, expect);
	CHECK_EQ(psh->given_gone, (uint64_t)given_gone);
	CHECK_EQ(psh->pf_unexpected, 0);
	child_release(&ch);

	if (!given_gone) {
		CHECK_EQ(page_unmap(GV_VA, 1), 1);
		CHECK_EQ(exo_cap_delete(gs), 0);
	}
	slot_free(gs);
	CHECK_EQ(page_unmap(SH_VA, 1), 1);
	CHECK_EQ(exo_cap_delete(shs), 0);
	slot_free(shs);
	check_mine();
	/* The child's image was ours until it went with the child. */
	CHECK_EQ(EXO_SELF->owned, myowned - 2);
	CHECK_EQ(EXO_INFO->free_pages, before);
	printf("t_rv_abort: flags %lu, %lu guaranteed + %lu pages, asked %lu: "
	       "%lu taken (%lu ms)\n", flags, ng, nu, ask, expect,
	    (time_ns() - t0) / 1000000);
}

int
main(int argc, char **argv)
{
	if (argc > 4 && strcmp(argv[1], "child") == 0)
		return child((uint64_t)parse_num(argv[2]), (uint64_t)parse_num(argv[3]),
		    (uint64_t)parse_num(argv[4]));

	exo_slot_t mine;

	prepare_tables(SH_VA);
	prepare_tables(MY_VA);
	prepare_tables(GV_VA);
	warm_spawn();
	uint64_t before = EXO_INFO->free_pages;
	CHECK_EQ(page_alloc_map(MY_VA, NMINE, EXO_PERM_W, &mine), 0);
	for (uint64_t i = 0; i < NMINE; i++)
		*(volatile uint64_t *)(MY_VA + i * EXO_PGSIZE) = MYPAT ^ i;

	/* No handlers at all: it just loses them.  More than it has
	 * unguaranteed (all of those go, the rest is forgiven, and the ring
	 * wraps), and fewer (exactly that many go). */
	scenario(0, 3, 70, 1000);
	scenario(0, 2, 8, 4);
	/* With a repossession handler (and a revocation handler that does
	 * nothing), both ways. */
	scenario(H_REPOSSESS, 4, 12, 100);
	scenario(H_REVOKE | H_REPOSSESS, 4, 12, 5);
	/* Exactly as many as it has unguaranteed. */
	scenario(H_REVOKE | H_REPOSSESS, 6, 2, 4);

	check_mine();
	CHECK_EQ(page_unmap(MY_VA, NMINE), 1);
	for (uint64_t i = 0; i < NMINE; i++)
		CHECK_EQ(exo_cap_delete(mine + i), 0);
	slot_free_range(mine, NMINE);
	CHECK_EQ(EXO_INFO->free_pages, before);
	printf("t_rv_abort: the abort protocol took what was owed and no more\n");
	return 0;
}
