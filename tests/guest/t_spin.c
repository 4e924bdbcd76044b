/*
 * Looks for a scheduler that lets a spinning environment keep the
 * processor: a child that loops forever without yielding (h_spin) must
 * still be preempted by the timer so that a directed yield to it comes
 * back, and we, busy-looping for 50 ms, must see our own preemption count
 * grow (and the machine's tick count) while the spinner makes progress (a counter in a page we map into
 * its address space through its vspace capability).  Destroying the
 * spinner must work and give back every page.
 */
#include "tutil.h"

#define V (TEST_VA + 0x1200000)

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct exo_envinfo in;
	struct child ch;
	char va[24];
	exo_slot_t s;

	prepare_tables(V);
	warm_spawn();
	uint64_t before = EXO_INFO->free_pages;
	CHECK_EQ(page_alloc_map(V, 1, EXO_PERM_W, &s), 0);
	volatile uint64_t *ctr = (volatile uint64_t *)V;

	char *args[] = { "h_spin", fmt_hex(va, sizeof(va), CHILD_VA), NULL };
	CHECK_EQ(spawn("h_spin", args, &ch), 0);
	CHECK_EQ(pt_op(ch.vspace, CHILD_VA, s, 1, EXO_PT_MAP, EXO_PERM_W, 0), 1);

	/* Directed yields come back, and the spinner runs in between. */
	uint64_t t0 = time_ns();
	while (*ctr == 0) {
		CHECK_EQ(exo_yield(ch.id), 0);
		CHECK(time_ns() - t0 < CHILD_TIMEOUT_NS);
	}
	for (int i = 0; i < 5; i++) {
		/* (A timer tick pending at the switch may preempt it before
		 * its first increment: allow a few tries.) */
		uint64_t c = *ctr;
		int tries = 0;
		do
			CHECK_EQ(exo_yield(ch.id), 0);
		while (*ctr == c && ++tries < 10);
		CHECK(*ctr > c);
	}
	/* Busy for 50 ms: we get preempted, it runs. */
	uint64_t p0 = EXO_SELF->preemptions, c0 = *ctr, k0 = EXO_INFO->ticks;
	t0 = time_ns();
	while (time_ns() - t0 < 50000000ULL)
		__asm__ volatile("pause");
	CHECK(EXO_SELF->preemptions > p0);
	CHECK(EXO_INFO->ticks >= k0 + 2); /* 10 ms slices */
	CHECK(*ctr > c0);
	CHECK_EQ(exo_env_info(ch.env, &in), 0);
	CHECK_EQ(in.state, EXO_ENV_RUNNABLE);

	CHECK_EQ(exo_env_destroy(ch.env), 0);
	CHECK_EQ(exo_env_info(ch.env, &in), 0);
	CHECK_EQ(in.state, EXO_ENV_DEAD);
	CHECK_EQ(in.cause, EXO_CAUSE_DESTROYED);
	uint64_t c1 = *ctr;
	for (int i = 0; i < 3; i++)
		exo_yield(EXO_ENV_ANY);
	CHECK_EQ(*ctr, c1); /* it no longer runs */
	child_release(&ch);

	unmap_free(V, s);
	CHECK_EQ(EXO_INFO->free_pages, before);
	printf("t_spin: a spinner is preempted, and so are we\n");
	return 0;
}
