/*
 * Looks for a user-level scheduler whose shares do not follow its tickets
 * (libos/stride.c, scheduling in the slice prologue with directed yields):
 * three compute-bound clients (spin_count) with tickets 3:2:1 must get
 * processor shares, measured as iterations of the same loop, within 5%
 * (relative) of 1/2, 1/3 and 1/6.  Nothing rests on wall-clock timing:
 * the scheduler must have made exactly the decisions asked for, one at
 * each slice boundary (none lost to a client running on its own), from
 * its prologue, giving each client its number of slices to within one
 * (what stride scheduling promises).  A loaded host makes the work done in
 * any one slice vary, so a share more than 5% off is measured longer
 * (accumulating rounds) before the test fails.  Three runs:
 *
 *   all     the scheduler owns every free slice: no client may run in a
 *           slice the kernel gave it directly (no redirects);
 *   half    it owns half of them; the kernel shares the rest round-robin,
 *           and the clients' guards must pass what they get to the
 *           scheduler, so that still every boundary is one decision;
 *   dead    a client that has died is dropped at its first pick, and its
 *           turns go to the others, none lost.
 *
 * Also the library's argument errors, and that every slice is given back
 * (the suite checks the pages).
 */
#include "tutil.h"
#include "stride.h"
#include "../../user/spin_count.h"

#define N 3
#define MAX_DEVIATION 50 /* tenths of a percent: 5% */
#define ROUND 600        /* decisions of one measured round: about 6 s */
#define MAX_ROUNDS 4     /* measured longer only when the host is noisy */
#define HALF_DECISIONS 120
#define DEAD_DECISIONS 10
#define READY_NS (20ULL * 1000000000ULL)

static const uint32_t tickets[N] = { 3, 2, 1 };
static struct child ch[N];
static exo_slot_t page[N];
static struct spin_count_page *shared[N];

/* Starts client i with its page at TEST_VA + i pages; waits until it counts. */
static void
start_client(int i)
{
	char id[24];
	char *argv[] = { "spin_count", fmt_hex(id, sizeof(id),
		(uint64_t)EXO_SELF->id), NULL };
	uint64_t va = TEST_VA + (uint64_t)i * EXO_PGSIZE;
	struct exo_envinfo in;

	CHECK_EQ(page_alloc_map(va, 1, EXO_PERM_W, &page[i]), 0);
	shared[i] = (struct spin_count_page *)va;
	struct spawn_cap cap = { page[i], SPIN_COUNT_SLOT,
		EXO_R_READ | EXO_R_WRITE };
	CHECK_EQ(spawn_caps("spin_count", argv, &cap, 1, &ch[i]), 0);
	uint64_t t0 = time_ns();
	while (!shared[i]->ready) {
		CHECK_EQ(exo_env_info(ch[i].env, &in), 0);
		CHECK_EQ(in.state, EXO_ENV_RUNNABLE);
		CHECK(time_ns() - t0 < READY_NS);
		exo_yield(ch[i].id);
	}
}

struct result {
	uint64_t iterations[N], redirects[N], picks[N];
	uint64_t decisions, upcalls, ticks;
	int nslices;
};

/*
 * One run: a fresh scheduler over the three clients with up to max_slices
 * slices, n decisions.  Adds what happened meanwhile to *r.
 */
static void
run(int max_slices, uint64_t n, struct result *r)
{
	static struct stride_sched s;
	uint64_t it0[N], rd0[N];
	int slices0 = free_slices();

	stride_init(&s);
	for (int i = 0; i < N; i++)
		CHECK_EQ(stride_add(&s, ch[i].id, tickets[i]), 0);
	r->nslices = stride_start(&s, max_slices);
	CHECK(r->nslices > 0);
	CHECK_EQ(r->nslices, max_slices < slices0 ? max_slices : slices0);
	CHECK_EQ(stride_start(&s, max_slices), EXO_EBUSY);
	for (int i = 0; i < N; i++) {
		it0[i] = shared[i]->iterations;
		rd0[i] = shared[i]->redirects;
	}
	uint64_t u0 = EXO_SELF->upcalls, k0 = EXO_INFO->ticks;
	CHECK_EQ(stride_run(&s, n), 0);
	r->ticks += EXO_INFO->ticks - k0;
	r->upcalls += EXO_SELF->upcalls - u0;
	for (int i = 0; i < N; i++) {
		r->iterations[i] += shared[i]->iterations - it0[i];
		r->redirects[i] += shared[i]->redirects - rd0[i];
		r->picks[i] += stride_client(&s, ch[i].id)->picks;
	}
	r->decisions += s.decisions;
	stride_stop(&s);
	CHECK_EQ(EXO_SELF->nslices, 0);
	CHECK_EQ(free_slices(), slices0);
}

/*
 * Checks what must hold exactly: the decisions asked for were made, from
 * the prologue, and each client got its ideal number of slices to within
 * one; and that there was about one decision per slice boundary: every
 * slice went through the scheduler, none was spent by a client on its own
 * (a client computing in the round-robin slices would add a third more
 * boundaries in the "half" run).  A loaded host delivers some timer ticks
 * in bursts, slices too short for any decision: a tenth is allowed.
 * Prints the shares of the work; returns the largest relative deviation
 * from the ideal share, in tenths of a percent.
 */
static uint64_t
check_run(const char *name, const struct result *r, uint64_t n)
{
	uint64_t total = 0, T = 0, worst = 0;

	for (int i = 0; i < N; i++) {
		total += r->iterations[i];
		T += tickets[i];
	}
	printf("t_stride: %s: %d slices, %lu decisions in %lu ticks, %lu "
	       "upcalls; slices given %lu %lu %lu; redirects %lu %lu %lu; "
	       "shares",
	    name, r->nslices, r->decisions, r->ticks, r->upcalls, r->picks[0],
	    r->picks[1], r->picks[2], r->redirects[0], r->redirects[1],
	    r->redirects[2]);
	for (int i = 0; i < N; i++) {
		uint64_t a = r->iterations[i] * T, b = tickets[i] * total;
		uint64_t dev = ((a > b ? a - b : b - a) * 1000) / b;
		uint64_t sh = (r->iterations[i] * 1000 + total / 2) / total;
		printf(" %lu.%03lu", sh / 1000, sh % 1000);
		if (dev > worst)
			worst = dev;
	}
	printf("; max deviation %lu.%lu%%\n", worst / 10, worst % 10);
	CHECK_EQ(r->decisions, n);
	CHECK(r->upcalls >= 1);
	CHECK(r->ticks + 2 >= n && r->ticks <= n + n / 10 + 2);
	for (int i = 0; i < N; i++) {
		int64_t ideal10 = (int64_t)(n * tickets[i] * 10 / T);
		int64_t got10 = (int64_t)r->picks[i] * 10;
		CHECK(got10 - ideal10 <= 10 && ideal10 - got10 <= 10);
		CHECK(r->iterations[i] > 0);
	}
	return worst;
}

static void
argument_errors(void)
{
	static struct stride_sched s;

	stride_init(&s);
	CHECK_EQ(stride_add(&s, EXO_SELF->id, 0), EXO_EINVAL);
	CHECK_EQ(stride_add(&s, 0, 1), EXO_EINVAL);
	CHECK_EQ(stride_add(&s, -5, 1), EXO_EINVAL);
	CHECK_EQ(stride_add(&s, EXO_SELF->id, STRIDE_MAX_TICKETS + 1),
	    EXO_EINVAL);
	for (int i = 0; i < STRIDE_MAX_CLIENTS; i++)
		CHECK_EQ(stride_add(&s, 100 + i, 1), 0);
	CHECK_EQ(stride_add(&s, 100, 1), EXO_EBUSY);
	CHECK_EQ(stride_add(&s, 99, 1), EXO_ELIMIT);
	CHECK_EQ(stride_remove(&s, 99), EXO_ENOENT);
	CHECK_EQ(stride_remove(&s, 100), 0);
	CHECK_EQ(stride_remove(&s, 100), EXO_ENOENT);
	CHECK_EQ(s.tickets, STRIDE_MAX_CLIENTS - 1);
	CHECK_EQ(stride_start(&s, -1), EXO_EINVAL);
	CHECK_EQ(stride_start(&s, EXO_NSLICES + 1), EXO_EINVAL);
	CHECK_EQ(EXO_SELF->nslices, 0);
}

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct result r;
	struct exo_envinfo in;
	uint64_t worst;

	argument_errors();
	for (int i = 0; i < N; i++)
		start_client(i);

	/*
	 * Every free slice.  The shares are measured in work, and a loaded
	 * host gives the emulated processor less or more in any one slice:
	 * when a share is off, measure longer (the counts accumulate) before
	 * concluding anything.
	 */
	memset(&r, 0, sizeof(r));
	for (int round = 1;; round++) {
		run(EXO_NSLICES, ROUND, &r);
		worst = check_run("all", &r, (uint64_t)round * ROUND);
		if (r.nslices == EXO_NSLICES)
			CHECK(r.redirects[0] + r.redirects[1] +
				r.redirects[2] == 0);
		if (worst <= MAX_DEVIATION || round == MAX_ROUNDS)
			break;
		printf("t_stride: a share is off by more than 5%%: "
		       "measuring longer\n");
	}
	if (worst > MAX_DEVIATION) {
		printf("t_stride: a share is off by more than 5%%\n");
		return 1;
	}

	/*
	 * Half of them: the kernel shares the rest round-robin, and each
	 * client must pass what it gets to the scheduler (redirects), so
	 * that still every slice is one decision.
	 */
	memset(&r, 0, sizeof(r));
	run(EXO_NSLICES / 2, HALF_DECISIONS, &r);
	check_run("half", &r, HALF_DECISIONS);
	CHECK(r.redirects[0] + r.redirects[1] + r.redirects[2] > 0);

	/* The last client dies: the others share its turns, 3:2. */
	CHECK_EQ(exo_env_destroy(ch[N - 1].env), 0);
	CHECK_EQ(exo_env_info(ch[N - 1].env, &in), 0);
	CHECK_EQ(in.state, EXO_ENV_DEAD);
	memset(&r, 0, sizeof(r));
	run(EXO_NSLICES, DEAD_DECISIONS, &r);
	CHECK_EQ(r.decisions, DEAD_DECISIONS);
	CHECK_EQ(r.picks[N - 1], 0);
	CHECK(r.picks[0] >= 5 && r.picks[0] <= 7);
	CHECK_EQ(r.picks[0] + r.picks[1], DEAD_DECISIONS);

	for (int i = 0; i < N; i++) {
		if (i < N - 1)
			CHECK_EQ(exo_env_destroy(ch[i].env), 0);
		child_release(&ch[i]);
		unmap_free(TEST_VA + (uint64_t)i * EXO_PGSIZE, page[i]);
	}
	printf("t_stride: shares follow tickets 3:2:1, slices given back\n");
	return 0;
}
