/*
 * stride: scheduling at user level, run.  Three compute-bound children
 * (spin_count, each counting iterations of the same loop into a page it
 * shares with us) are the clients of a stride scheduler that runs in this
 * program's slice prologue (libos/stride.h), with tickets 3:2:1 or as
 * given.  The scheduler takes every free slice of the time-slice vector,
 * hands each to one child for about SECONDS, gives the slices back, and
 * the program prints how many iterations each child made: the share of the
 * processor it measured beside the share the tickets promise.
 *   stride [--help] [T1 T2 T3 [SECONDS]]
 */
#include "exos.h"
#include "spin_count.h"
#include "stride.h"

#define NCLIENTS 3
#define SHARE_VA 0x0000600000000000UL
#define MAX_DEVIATION_PERMILLE 50 /* the claim: every share within 5% */
#define READY_TIMEOUT_NS (10ULL * 1000000000ULL)

struct client {
	struct child ch;
	exo_slot_t page;
	uint32_t tickets;
	uint64_t iterations, redirects;
	struct spin_count_page *p;
};

static struct client cl[NCLIENTS];

static int
usage(const char *arg)
{
	printf("usage: stride [T1 T2 T3 [SECONDS]]\nRuns three compute-bound "
	       "processes under a stride scheduler in this program's slice "
	       "prologue, with T1:T2:T3 tickets (default 3:2:1) for about "
	       "SECONDS (default 10), and prints the share of the processor "
	       "each received beside its ideal share.\n");
	return arg && strcmp(arg, "--help") == 0 ? 0 : 2;
}

/* A positive decimal number up to max, or 0. */
static uint64_t
number(const char *s, uint64_t max)
{
	uint64_t v = 0;

	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > max)
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	return v <= max ? v : 0;
}

/* Starts client i: its shared page, the child, and waits until it counts. */
static int
start_client(int i, exo_envid_t sched)
{
	struct client *c = &cl[i];
	char id[24];
	char *argv[] = { "spin_count", id, NULL };
	uint64_t va = SHARE_VA + (uint64_t)i * EXO_PGSIZE;
	int r;

	if ((r = (int)page_alloc_map(va, 1, EXO_PERM_W, &c->page)) < 0)
		return r;
	c->p = (struct spin_count_page *)va;
	struct spin_count_page *p = c->p;
	const struct spawn_cap cap = { c->page, SPIN_COUNT_SLOT,
		EXO_R_READ | EXO_R_WRITE };
	snprintf(id, sizeof(id), "0x%x", (unsigned)sched);
	if ((r = spawn_caps("spin_count", argv, &cap, 1, &c->ch)) < 0) {
		c->ch.env = 0;
		return r;
	}
	uint64_t t0 = time_ns();
	while (!p->ready) {
		struct exo_envinfo in;
		if (exo_env_info(c->ch.env, &in) < 0 ||
		    in.state == EXO_ENV_DEAD ||
		    time_ns() - t0 > READY_TIMEOUT_NS)
			return EXO_EDEAD;
		exo_yield(c->ch.id);
	}
	return 0;
}

/* Ends every child and gives back its shared page. */
static void
release_clients(void)
{
	for (int i = 0; i < NCLIENTS; i++) {
		struct client *c = &cl[i];
		if (c->ch.env) {
			exo_env_destroy(c->ch.env);
			child_release(&c->ch);
		}
		if (c->p) {
			page_unmap((uint64_t)c->p, 1);
			exo_cap_delete(c->page);
			slot_free(c->page);
		}
	}
}

/* x / y to three decimals, for printing as "%lu.%03lu". */
static uint64_t
thousandths(uint64_t x, uint64_t y)
{
	return (x * 1000 + y / 2) / y;
}

/* |x/total - t/T| relative to t/T, in tenths of a percent. */
static uint64_t
deviation(uint64_t x, uint64_t total, uint64_t t, uint64_t T)
{
	uint64_t a = x * T, b = t * total;

	return ((a > b ? a - b : b - a) * 1000 + b / 2) / b;
}

/* Prints what each child received; returns the largest deviation. */
static uint64_t
report(const struct stride_sched *s, uint64_t ms, int nslices)
{
	uint64_t total = 0, T = 0, worst = 0;

	for (int i = 0; i < NCLIENTS; i++) {
		total += cl[i].iterations;
		T += cl[i].tickets;
	}
	if (total == 0)
		total = 1;
	for (int i = 0; i < NCLIENTS; i++) {
		struct client *c = &cl[i];
		uint64_t sh = thousandths(c->iterations, total);
		uint64_t id = thousandths(c->tickets, T);
		uint64_t d = deviation(c->iterations, total, c->tickets, T);
		if (d > worst)
			worst = d;
		printf("stride: env %x tickets %u slices %lu iterations %lu "
		       "share %lu.%03lu ideal %lu.%03lu deviation %lu.%lu%%\n",
		    c->ch.id, c->tickets, s->client[i].picks, c->iterations,
		    sh / 1000, sh % 1000, id / 1000, id % 1000, d / 10, d % 10);
	}
	printf("stride: %lu decisions in %lu ms on %d slices of our own; "
	       "%lu slices passed on by clients\n", s->decisions, ms, nslices,
	    cl[0].redirects + cl[1].redirects + cl[2].redirects);
	printf("stride: tickets %u:%u:%u shares", cl[0].tickets, cl[1].tickets,
	    cl[2].tickets);
	for (int i = 0; i < NCLIENTS; i++) {
		uint64_t sh = thousandths(cl[i].iterations, total);
		printf(" %lu.%03lu", sh / 1000, sh % 1000);
	}
	printf(" (ideal");
	for (int i = 0; i < NCLIENTS; i++) {
		uint64_t id = thousandths(cl[i].tickets, T);
		printf(" %lu.%03lu", id / 1000, id % 1000);
	}
	printf(") max deviation %lu.%lu%%\n", worst / 10, worst % 10);
	return worst;
}

int
main(int argc, char **argv)
{
	static struct stride_sched s;
	uint32_t tickets[NCLIENTS] = { 3, 2, 1 };
	uint64_t seconds = 10, T = 0;

	if (argc != 1 && argc != 4 && argc != 5)
		return usage(argv[1]);
	for (int i = 0; i < NCLIENTS && argc > 1; i++)
		if ((tickets[i] = (uint32_t)number(argv[i + 1], 1000)) == 0)
			return usage(argv[i + 1]);
	if (argc == 5 && (seconds = number(argv[4], 3600)) == 0)
		return usage(argv[4]);
	for (int i = 0; i < NCLIENTS; i++)
		T += tickets[i];
	/* Whole rounds of T slices, so that the ideal counts are whole. */
	uint64_t decisions = seconds * EXO_INFO->tsc_hz / EXO_INFO->slice_tsc;
	decisions = decisions < T ? T : decisions - decisions % T;

	stride_init(&s);
	int r = 0;
	for (int i = 0; i < NCLIENTS && r == 0; i++) {
		cl[i].tickets = tickets[i];
		if ((r = start_client(i, EXO_SELF->id)) == 0)
			r = stride_add(&s, cl[i].ch.id, tickets[i]);
	}
	int nslices = r < 0 ? r : stride_start(&s, EXO_NSLICES);
	if (r < 0 || nslices < 0) {
		printf("stride: cannot start: %s\n",
		    exo_strerror(r < 0 ? r : nslices));
		release_clients();
		return 1;
	}
	/*
	 * From here on the children run only in slices we give them: we own
	 * every free slice, and a slice the kernel gives one directly it
	 * passes to us (its guard).  So the counts now are where ours start.
	 */
	uint64_t it0[NCLIENTS], rd0[NCLIENTS];
	for (int i = 0; i < NCLIENTS; i++) {
		it0[i] = cl[i].p->iterations;
		rd0[i] = cl[i].p->redirects;
	}
	uint64_t t0 = time_ns();
	r = stride_run(&s, decisions);
	uint64_t ms = (time_ns() - t0) / 1000000;
	for (int i = 0; i < NCLIENTS; i++) {
		cl[i].iterations = cl[i].p->iterations - it0[i];
		cl[i].redirects = cl[i].p->redirects - rd0[i];
	}
	stride_stop(&s);
	uint64_t worst = report(&s, ms, nslices);
	release_clients();
	if (r < 0) {
		printf("stride: a client died: %s\n", exo_strerror(r));
		return 1;
	}
	printf("stride: %d slices given back (we hold %u), children ended\n",
	    nslices, EXO_SELF->nslices);
	return worst <= MAX_DEVIATION_PERMILLE ? 0 : 1;
}
