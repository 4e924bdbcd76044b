/*
 * Looks for a stopped environment that still runs, or one that cannot be
 * let run again, and for env_stop's checks: a spinning child's counter
 * stops moving while it is stopped (and moves again after), transfers and
 * directed yields to it are refused, a child that stops itself resumes
 * where it was; no EXO_R_CTRL, a bad slot, on = 2, an environment not
 * started and one that has exited each give their error; destroying a
 * stopped environment gives everything back.
 */
#include "tutil.h"

static void
answer(exo_envid_t caller, uint64_t w[6])
{
	(void)caller;
	w[0] = 77;
}

static uint64_t
wait_moves(volatile uint64_t *ctr)
{
	uint64_t v = *ctr;
	for (int i = 0; i < 200 && *ctr == v; i++)
		exo_yield(EXO_ENV_ANY);
	return *ctr - v;
}

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--self") == 0) {
		/* Stop ourselves; the parent sees the flag and lets us go.
		 * Meanwhile it tries a transfer to us. */
		volatile uint64_t *flag = (volatile uint64_t *)CHILD_VA;
		if (exos_pct_serve(answer) < 0)
			return 1;
		while (!(exos_pte(CHILD_VA) & EXO_PTE_P))
			exo_yield(EXO_ENV_ANY);
		flag[0] = 1;
		int64_t r = exo_env_stop(EXO_SLOT_SELF, 1);
		flag[1] = 2 + (uint64_t)r; /* 2: we came back with 0 */
		for (;;)
			exo_yield(EXO_ENV_ANY);
	}
	char va[24];
	snprintf(va, sizeof(va), "%lu", CHILD_VA);
	char *spin[] = { "h_spin", va, NULL };
	struct child c;
	exo_slot_t s;

	CHECK_EQ(spawn("h_spin", spin, &c), 0);
	CHECK_EQ(page_alloc_map(TEST_VA, 1, EXO_PERM_W, &s), 0);
	struct exo_ptop o = { CHILD_VA, s, 1, EXO_PT_MAP, EXO_PERM_W, 0, 0 };
	CHECK_EQ(exo_pt_batch(c.vspace, &o, 1), 1);
	volatile uint64_t *ctr = (volatile uint64_t *)TEST_VA;
	CHECK(wait_moves(ctr) > 0); /* it runs */

	/* Errors first: nothing changes. */
	CHECK_EQ(exo_env_stop(c.env, 2), EXO_EINVAL);
	CHECK_EQ(exo_env_stop(EXO_NSLOTS, 1), EXO_ERANGE);
	CHECK_EQ(exo_env_stop(s, 1), EXO_ECAP); /* a page, not an environment */
	int64_t weak = slot_alloc();
	CHECK(weak > 0);
	CHECK_EQ(exo_cap_copy(c.env, EXO_SLOT_SELF, (uint64_t)weak, EXO_R_CALL), 0);
	CHECK_EQ(exo_env_stop((uint64_t)weak, 1), EXO_EPERM);
	CHECK(wait_moves(ctr) > 0);

	/* Stopped: it does not run, and refuses transfers and yields. */
	CHECK_EQ(exo_env_stop(c.env, 1), 0);
	CHECK_EQ(exo_env_stop(c.env, 1), 0); /* already: still fine */
	uint64_t v = *ctr;
	for (int i = 0; i < 100; i++)
		exo_yield(EXO_ENV_ANY);
	CHECK_EQ(exo_yield(c.id), EXO_EAGAIN);
	CHECK_EQ(*ctr, v);
	/* Let run again: it moves. */
	CHECK_EQ(exo_env_stop(c.env, 0), 0);
	CHECK(wait_moves(ctr) > 0);

	/* Destroyed while stopped: everything comes back (init checks). */
	CHECK_EQ(exo_env_stop(c.env, 1), 0);
	CHECK_EQ(exo_env_destroy(c.env), 0);
	CHECK_EQ(exo_env_stop(c.env, 0), EXO_EDEAD);
	exo_cap_delete((uint64_t)weak);
	slot_free((uint64_t)weak);
	child_release(&c);

	/* Not started. */
	struct child n;
	int64_t se = slot_alloc(), sv = slot_alloc();
	CHECK(se > 0 && sv > 0);
	CHECK(exo_env_create((uint64_t)se, (uint64_t)sv) > 0);
	CHECK_EQ(exo_env_stop((uint64_t)se, 1), EXO_EAGAIN);
	n.env = (uint64_t)se, n.vspace = (uint64_t)sv;
	child_release(&n);

	/* A child that stops itself comes back where it was. */
	char *self[] = { "t_stop", "--self", NULL };
	CHECK_EQ(spawn("t_stop", self, &c), 0);
	CHECK_EQ(exo_pt_batch(c.vspace, &o, 1), 1);
	for (int i = 0; i < 1000 && ctr[0] != 1; i++)
		exo_yield(c.id);
	CHECK_EQ(ctr[0], 1);
	for (int i = 0; i < 50; i++)
		exo_yield(EXO_ENV_ANY);
	CHECK_EQ(ctr[1], 0); /* stopped: not back yet */
	uint64_t w[6] = { 0 };
	CHECK_EQ(exos_pct_call(c.env, w), EXO_EBUSY); /* no transfer in */
	CHECK_EQ(exo_env_stop(c.env, 0), 0);
	CHECK_EQ(exos_pct_call(c.env, w), 0); /* and now there is */
	CHECK_EQ(w[0], 77);
	for (int i = 0; i < 1000 && ctr[1] == 0; i++)
		exo_yield(c.id);
	CHECK_EQ(ctr[1], 2);
	CHECK_EQ(exo_env_destroy(c.env), 0);
	child_release(&c);
	page_unmap(TEST_VA, 1);
	exo_cap_delete(s);
	printf("t_stop: a stopped environment stays still and comes back\n");
	return 0;
}
