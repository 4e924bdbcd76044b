/*
 * Looks for a scheduler that runs an environment blocked in pct_call: a
 * caller with a slice of its own calls a server that takes longer than
 * the whole slice vector (64 slices), so the caller's slice comes round
 * while it waits.  That slice must go to someone runnable (the caller
 * stays blocked until the reply) and the call must return the reply.
 * Both with and without a prologue (which must not be entered while the
 * caller waits).  Named to run after the other tests: if the kernel gets
 * this wrong it stops.
 */
#include "check.h"
#include "h_pct.h"

static volatile uint64_t prologues;

static void
prologue(struct exo_context *c)
{
	(void)c;
	prologues++;
}

static void
call_across_slice(struct child *srv, int with_prologue)
{
	int64_t sl = slot_alloc(), r;
	uint64_t w[6];

	CHECK(sl >= 0);
	int64_t idx = exo_slice_alloc((uint64_t)sl, EXO_SLICE_ANY, EXO_SLOT_SELF);
	CHECK(idx >= 0 && idx < EXO_NSLICES);
	CHECK(EXO_INFO->slice_env[idx] == EXO_SELF->id);
	if (with_prologue)
		CHECK_EQ(exos_upcalls(prologue, NULL), 0);
	/* 64 slices of 10 ms are 640 ms: spin for longer than two rounds. */
	uint64_t spin = 2 * EXO_NSLICES * EXO_INFO->slice_tsc / (EXO_INFO->tsc_hz / 1000000) * 1000;
	uint64_t t0 = time_ns();
	w[0] = PCT_MAGIC, w[1] = PCT_SPIN, w[2] = spin;
	w[3] = 0x33, w[4] = 0x44, w[5] = 0x55;
	uint64_t p0 = prologues;
	r = exos_pct_call(srv->env, w);
	uint64_t took = time_ns() - t0;
	CHECK_EQ(r, 0);
	CHECK(w[0] == PCT_MAGIC && w[1] == PCT_SPIN && w[2] == spin);
	CHECK(w[3] == 0x33 && w[4] == 0x44 && w[5] == 0x55);
	CHECK(took >= spin);
	if (with_prologue) {
		/* While we waited, no prologue ran; it runs again now we
		 * are runnable (the next time our slice starts). */
		CHECK(prologues - p0 <= 1);
		CHECK_EQ(exos_upcalls(NULL, NULL), 0);
	}
	CHECK_EQ(exo_cap_delete((uint64_t)sl), 0);
	slot_free((uint64_t)sl);
}

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct child c;
	char *av[] = { "h_pct", "serve", NULL };
	uint64_t w[6] = { PCT_MAGIC, PCT_PING, 0, 0, 0, 0 };
	int64_t r;

	CHECK_EQ(spawn("h_pct", av, &c), 0);
	for (int i = 0; (r = exos_pct_call(c.env, w)) == EXO_ENOENT; i++) {
		CHECK(i < 100000);
		exo_yield(c.id);
		w[0] = PCT_MAGIC, w[1] = PCT_PING;
	}
	CHECK_EQ(r, 0);
	call_across_slice(&c, 0);
	call_across_slice(&c, 1);
	CHECK_EQ(exo_env_destroy(c.env), 0);
	child_release(&c);
	printf("t_waiting_caller: calls across our own slice ok\n");
	return 0;
}
