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
#define TEST_NAME "t_rv_abort"
#include "rvutil.h"

#define SH_VA (TEST_VA + 0x100000)    /* the shared page, in the parent */
#define GV_VA (TEST_VA + 0x300000)    /* the page the parent gives away */
#define DATA_VA (CHILD_VA + 0x1000000) /* the child's pages */
#define ALIAS_VA (CHILD_VA + 0x2000000) /* a second mapping of one of them */
#define GIVEN_VA (CHILD_VA + 0x3000000) /* the child's mapping of the gift */
#define MAXDATA 128
#define PAT 0x61626f7274000000UL
#define GIVENPAT 0x676976656e000000UL

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

static volatile struct shared *sh;

struct dpage {
	uint64_t slot, ppn;
	uint64_t va[2]; /* where we map it; 0 = nowhere */
	uint64_t pat;
	int guaranteed;
};
static struct dpage pg[MAXDATA + 2];
static int npg;

static void
on_fault(int cls, struct exo_excframe *f)
{
	(void)cls;
	if (!probe_resume(f)) {
		sh->pf_unexpected = f->addr ? f->addr : 1;
		printf("t_rv_abort child: page fault at rip %lx addr %lx\n",
		    f->rip, f->addr);
		exit(77);
	}
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
	sh = child_map_shared();
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
	unmap_free(SH_VA, shs);
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

	prepare_tables(SH_VA);
	prepare_tables(MY_VA);
	prepare_tables(GV_VA);
	warm_spawn();
	uint64_t before = EXO_INFO->free_pages;
	exo_slot_t mine = mine_alloc();

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

	mine_free(mine);
	CHECK_EQ(EXO_INFO->free_pages, before);
	printf("t_rv_abort: the abort protocol took what was owed and no more\n");
	return 0;
}
