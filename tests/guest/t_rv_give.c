/*
 * Page ownership: page_give and page_return.  Looks for: owned counts in
 * the self pages that do not move with a page_give (the giver's down, the
 * receiver's up: both checked, the receiver from inside); a guarantee mark
 * that survives the give (the giver's guaranteed count must drop, and the
 * receiver must be able to guarantee the page itself, which counts in its
 * guaranteed); a page given by someone who does not own it, to a dead
 * environment, through the wrong capabilities (empty, not a page, not an
 * environment, no EXO_R_CTRL); a failed give that moves the page anyway;
 * and page_return that leaves a mapping or capability behind in another
 * address space: a page we map in our own space and in a child's (through
 * its vspace capability) must vanish from both (the child must fault on
 * it), and a page the child owns that we map and hold must vanish from
 * our space when the child returns it.
 *
 * The child is this program again, with the argument "child".
 */
#define TEST_NAME "t_rv_give"
#include "rvutil.h"

#define SH_VA (TEST_VA + 0x100000)   /* the shared page, in the parent */
#define PV (TEST_VA + 0x200000)      /* pages of ours, one each */
#define BOTH_VA (CHILD_VA + 0x100000) /* the child's mapping of our page */
#define P_VA (CHILD_VA + 0x200000)
#define PAT 0x676976650000UL

/* Slots in the child. */
#define C_SH CHILD_SLOT         /* the shared page */
#define C_P (CHILD_SLOT + 1)    /* a page we give it */
#define C_Q (CHILD_SLOT + 2)    /* a page we guaranteed, then gave */
#define C_PARENT (CHILD_SLOT + 3) /* us, with EXO_R_CTRL */
#define C_WEAK (CHILD_SLOT + 4)   /* us, with no rights */

struct shared {
	uint64_t ready, given_done, seen, done; /* the child's progress */
	uint64_t cmd;                           /* the parent's */
	uint64_t owned0, guaranteed0, owned1, guaranteed1, owned2;
	uint64_t both_ppn;
	uint64_t faults;
};

/* ---- the child ---- */

static volatile struct shared *sh;

static void
on_fault(int cls, struct exo_excframe *f)
{
	(void)cls;
	if (!probe_resume(f)) {
		printf("t_rv_give child: page fault at rip %lx addr %lx\n", f->rip,
		    f->addr);
		exit(77);
	}
	sh->faults++;
}

static void
cwait(volatile uint64_t *w, uint64_t v, const char *what)
{
	uint64_t t0 = time_ns();
	struct exo_capinfo ci;

	while (w ? *w < v : exo_cap_info(v, &ci) != 0) {
		if (time_ns() - t0 > CHILD_TIMEOUT_NS) {
			printf("t_rv_give child: waited too long for %s\n", what);
			exit(90);
		}
		child_idle();
	}
}

static int
child(void)
{
	struct exo_capinfo ci;

	CHECK_EQ(exos_exc_handle(EXO_EXC_PF, on_fault), 0);
	cwait(NULL, C_SH, "the shared page");
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, CHILD_VA, C_SH, 1, EXO_PT_MAP, EXO_PERM_W, 0),
	    1);
	sh = (volatile struct shared *)CHILD_VA;
	sh->owned0 = EXO_SELF->owned;
	sh->guaranteed0 = EXO_SELF->guaranteed;
	sh->ready = 1;

	/* Two pages given to us. */
	cwait(&sh->cmd, 1, "the gifts");
	cwait(NULL, C_PARENT, "the parent's capability");
	sh->owned1 = EXO_SELF->owned;
	sh->guaranteed1 = EXO_SELF->guaranteed;
	/* The guarantee did not come along: we can make our own. */
	CHECK_EQ(exo_page_guarantee(C_Q, 1), 0);
	CHECK_EQ(EXO_SELF->guaranteed, sh->guaranteed0 + 1);
	/* Not ours to give: the shared page.  Nor without EXO_R_CTRL. */
	CHECK_EQ(exo_page_give(C_SH, C_PARENT), EXO_EPERM);
	CHECK_EQ(exo_page_give(C_P, C_WEAK), EXO_EPERM);
	CHECK_EQ(exo_page_give(C_P, C_SH), EXO_ECAP);
	CHECK_EQ(EXO_SELF->owned, sh->owned1);
	/* Q back to the parent: our mark goes with it. */
	CHECK_EQ(exo_page_give(C_Q, C_PARENT), 0);
	CHECK_EQ(EXO_SELF->guaranteed, sh->guaranteed0);
	CHECK_EQ(EXO_SELF->owned, sh->owned1 - 1);
	CHECK_EQ(exo_page_give(C_Q, C_PARENT), EXO_EPERM);
	CHECK_EQ(exo_page_guarantee(C_Q, 1), EXO_EPERM);
	CHECK_EQ(exo_cap_info(C_Q, &ci), 0); /* our capability stays */
	/* P is ours; the parent maps it too.  Returning it takes it from
	 * there as well. */
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, P_VA, C_P, 1, EXO_PT_MAP, EXO_PERM_W, 0), 1);
	CHECK_EQ(*(volatile uint64_t *)P_VA, PAT ^ 1);
	CHECK_EQ(exo_cap_info(C_P, &ci), 0);
	uint64_t p = ci.name;
	CHECK_EQ(exo_page_return(&p, 1), 1);
	CHECK_EQ(exo_cap_info(C_P, &ci), EXO_ECAP);
	CHECK_EQ(exos_pte(P_VA), 0);
	CHECK_EQ(probe(P_VA), PROBE_FAULT);
	sh->owned2 = EXO_SELF->owned;
	sh->given_done = 1;

	/* A page of the parent's, mapped into our space by the parent. */
	cwait(&sh->cmd, 2, "the parent's mapping");
	CHECK_EQ((exos_pte(BOTH_VA) & EXO_PTE_ADDR) >> 12, sh->both_ppn);
	CHECK_EQ(probe(BOTH_VA), PAT ^ 3);
	sh->seen = 1;
	cwait(&sh->cmd, 3, "the parent's page_return");
	CHECK_EQ(exos_pte(BOTH_VA), 0);
	CHECK_EQ(probe(BOTH_VA), PROBE_FAULT);
	CHECK_EQ(sh->faults, 2);
	sh->done = 1;
	return 0;
}

/* ---- the parent ---- */

static volatile struct shared *psh = (volatile struct shared *)SH_VA;

/* A fresh page of ours in slot s, mapped at PV + i pages, with PAT ^ i. */
static uint64_t
new_page(uint64_t s, uint64_t i)
{
	int64_t ppn = exo_page_alloc(s, EXO_PPN_ANY);

	CHECK(ppn > 0);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, PV + i * EXO_PGSIZE, s, 1, EXO_PT_MAP,
		     EXO_PERM_W, 0), 1);
	*(volatile uint64_t *)(PV + i * EXO_PGSIZE) = PAT ^ i;
	return (uint64_t)ppn;
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child();

	struct exo_envinfo in;
	int64_t r0 = slot_alloc_range(8);
	CHECK(r0 >= 0);
	uint64_t shs = (uint64_t)r0, sp = shs + 1, sq = shs + 2, sb = shs + 3;
	uint64_t sx = shs + 4, weak = shs + 5, none = shs + 6;

	prepare_tables(SH_VA);
	prepare_tables(PV);
	warm_spawn();
	uint64_t before = EXO_INFO->free_pages;
	uint64_t owned = EXO_SELF->owned, g = EXO_SELF->guaranteed;

	CHECK_EQ(exo_page_alloc(shs, EXO_PPN_ANY) > 0, 1);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, SH_VA, shs, 1, EXO_PT_MAP, EXO_PERM_W, 0), 1);
	CHECK_EQ(EXO_SELF->owned, owned + 1);

	/* Errors first, on a page of our own. */
	new_page(sx, 0);
	CHECK_EQ(EXO_SELF->owned, owned + 2);
	CHECK_EQ(exo_page_give(none, EXO_SLOT_SELF), EXO_ECAP);
	CHECK_EQ(exo_page_give(EXO_SLOT_CONSOLE, EXO_SLOT_SELF), EXO_ECAP);
	CHECK_EQ(exo_page_give(EXO_NSLOTS, EXO_SLOT_SELF), EXO_ERANGE);
	CHECK_EQ(exo_page_give(sx, none), EXO_ECAP);
	CHECK_EQ(exo_page_give(sx, EXO_SLOT_VSPACE), EXO_ECAP);
	CHECK_EQ(exo_page_give(sx, sx), EXO_ECAP);
	CHECK_EQ(exo_page_give(sx, EXO_NSLOTS), EXO_ERANGE);
	CHECK_EQ(exo_cap_copy(EXO_SLOT_SELF, EXO_SLOT_SELF, weak,
		     EXO_R_ALL & ~EXO_R_CTRL), 0);
	CHECK_EQ(exo_page_give(sx, weak), EXO_EPERM);
	CHECK_EQ(EXO_SELF->owned, owned + 2);
	/* To ourselves: still ours, but the mark goes as for any give. */
	CHECK_EQ(exo_page_guarantee(sx, 1), 0);
	CHECK_EQ(EXO_SELF->guaranteed, g + 1);
	CHECK_EQ(exo_page_give(sx, EXO_SLOT_SELF), 0);
	CHECK_EQ(EXO_SELF->owned, owned + 2);
	CHECK_EQ(EXO_SELF->guaranteed, g);
	/* To the dead. */
	char *eargs[] = { "h_exit", "0", NULL };
	struct child dead;
	CHECK_EQ(spawn("h_exit", eargs, &dead), 0);
	CHECK_WAIT(&dead, &in);
	CHECK_EXITED(&in, 0);
	CHECK_EQ(exo_page_give(sx, dead.env), EXO_EDEAD);
	CHECK_EQ(EXO_SELF->owned, owned + 2);
	child_release(&dead);

	/* The child: two gifts, P plain and Q guaranteed. */
	char *args[] = { "t_rv_give", "child", NULL };
	struct child ch;
	CHECK_EQ(spawn("t_rv_give", args, &ch), 0);
	CHECK_EQ(exo_cap_copy(shs, ch.env, C_SH, EXO_R_READ | EXO_R_WRITE), 0);
	wait_for(&ch, &psh->ready, "the child to be ready");
	uint64_t p = new_page(sp, 1), q = new_page(sq, 2);
	CHECK_EQ(exo_page_guarantee(sq, 1), 0);
	CHECK_EQ(EXO_SELF->owned, owned + 4);
	CHECK_EQ(EXO_SELF->guaranteed, g + 1);
	CHECK_EQ(exo_page_give(sp, ch.env), 0);
	CHECK_EQ(EXO_SELF->owned, owned + 3);
	CHECK_EQ(exo_page_give(sq, ch.env), 0);
	CHECK_EQ(EXO_SELF->owned, owned + 2);
	CHECK_EQ(EXO_SELF->guaranteed, g);
	/* Not ours any more: no give, no guarantee. */
	CHECK_EQ(exo_page_give(sp, ch.env), EXO_EPERM);
	CHECK_EQ(exo_page_give(sp, EXO_SLOT_SELF), EXO_EPERM);
	CHECK_EQ(exo_page_guarantee(sq, 1), EXO_EPERM);
	CHECK_EQ(exo_page_guarantee(sq, 0), EXO_EPERM);
	CHECK_EQ(exo_page_return(&p, 1), EXO_EPERM);
	CHECK_EQ(EXO_SELF->owned, owned + 2);
	/* Our capabilities and mappings are as they were. */
	CHECK_EQ(*(volatile uint64_t *)(PV + EXO_PGSIZE), PAT ^ 1);
	CHECK_EQ(*(volatile uint64_t *)(PV + 2 * EXO_PGSIZE), PAT ^ 2);
	CHECK_EQ(exo_cap_copy(sp, ch.env, C_P, EXO_R_READ | EXO_R_WRITE), 0);
	CHECK_EQ(exo_cap_copy(sq, ch.env, C_Q, EXO_R_READ | EXO_R_WRITE), 0);
	CHECK_EQ(exo_cap_copy(EXO_SLOT_SELF, ch.env, C_WEAK, 0), 0);
	CHECK_EQ(exo_cap_copy(EXO_SLOT_SELF, ch.env, C_PARENT, EXO_R_CTRL), 0);
	psh->cmd = 1;
	wait_for(&ch, &psh->given_done, "the child's gives");
	CHECK_EQ(psh->owned1, psh->owned0 + 2);
	CHECK_EQ(psh->guaranteed1, psh->guaranteed0);
	CHECK_EQ(psh->owned2, psh->owned0);
	/* Q came back, without the child's mark. */
	CHECK_EQ(EXO_SELF->owned, owned + 3);
	CHECK_EQ(EXO_SELF->guaranteed, g);
	CHECK_EQ(exo_page_guarantee(sq, 1), 0);
	CHECK_EQ(EXO_SELF->guaranteed, g + 1);
	CHECK_EQ(exo_page_guarantee(sq, 0), 0);
	CHECK_EQ(EXO_SELF->guaranteed, g);
	/* P was returned by its owner: gone from our space too. */
	CHECK(empty(sp));
	CHECK_EQ(exos_pte(PV + EXO_PGSIZE), 0);
	CHECK_EQ(freemap_bit(p), 1);

	/* A page of ours, mapped here and in the child. */
	uint64_t b = new_page(sb, 3);
	psh->both_ppn = b;
	CHECK_EQ(pt_op(ch.vspace, BOTH_VA, sb, 1, EXO_PT_MAP, 0, 0), 1);
	psh->cmd = 2;
	wait_for(&ch, &psh->seen, "the child to see our page");
	uint64_t f0 = EXO_INFO->free_pages;
	CHECK_EQ(exo_page_return(&b, 1), 1);
	CHECK(empty(sb));
	CHECK_EQ(exos_pte(PV + 3 * EXO_PGSIZE), 0);
	CHECK_EQ(freemap_bit(b), 1);
	CHECK_EQ(EXO_INFO->free_pages, f0 + 1);
	CHECK_EQ(EXO_SELF->owned, owned + 3); /* the shared page, sx, Q */
	psh->cmd = 3;
	wait_for(&ch, &psh->done, "the child to check our page is gone");
	CHECK_WAIT(&ch, &in);
	CHECK_EXITED(&in, 0);
	child_release(&ch);

	/* Q is ours again: return it while we hold and map it. */
	CHECK_EQ(exo_page_return(&q, 1), 1);
	CHECK(empty(sq));
	CHECK_EQ(exos_pte(PV + 2 * EXO_PGSIZE), 0);
	CHECK_EQ(exo_page_return(&q, 1), EXO_EPERM);
	CHECK_EQ(page_unmap(PV, 1), 1);
	CHECK_EQ(exo_cap_delete(sx), 0);
	CHECK_EQ(page_unmap(SH_VA, 1), 1);
	CHECK_EQ(exo_cap_delete(shs), 0);
	CHECK_EQ(exo_cap_delete(weak), 0);
	CHECK_EQ(EXO_SELF->owned, owned);
	CHECK_EQ(EXO_SELF->guaranteed, g);
	slot_free_range(shs, 8);
	CHECK_EQ(EXO_INFO->free_pages, before);
	printf("t_rv_give: ownership moves with page_give; page_return unbinds "
	       "everywhere\n");
	return 0;
}
