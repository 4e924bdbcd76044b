/*
 * b_ipc: communication between two environments the exokernel way.
 *   yield    directed yield to the other environment and back
 *   ipc_shm  a round trip through a word in a page both map, each side
 *            yielding to the other while it waits
 *   ipc_pipe a 1-byte round trip over a pair of pipes in a page both map
 *            (libos/upipe.c), each end blocking by a directed yield
 * The other side is this program again (b_ipc --peer MODE PARENT_ID).
 * Every round trip checks the value came back.
 *   b_ipc [--mode icount|kvm|tcg] [--help]
 */
#include "exos.h"

#define SHM_VA 0x0000540000000000UL
#define RUNS 15
#define ITERS 1000

static uint64_t
number(const char *s)
{
	uint64_t n = 0;

	while (*s >= '0' && *s <= '9')
		n = n * 10 + (uint64_t)(*s++ - '0');
	return n;
}

static int __attribute__((noreturn))
peer(const char *what, exo_envid_t parent)
{
	if (strcmp(what, "yield") == 0)
		for (;;)
			exo_yield(parent);
	if (strcmp(what, "pipe") == 0) {
		/* Answer each byte with the next value, until the end. */
		while (!(exos_pte(SHM_VA) & EXO_PTE_P))
			exo_yield(parent);
		struct exos_pipe *in = (void *)SHM_VA, *out = (void *)(SHM_VA + 2048);
		uint8_t b;
		while (exos_pipe_read(in, &b, 1) == 1) {
			b++;
			exos_pipe_write(out, &b, 1);
		}
		exit(0);
	}
	/* ipc_shm: wait for the page, then answer every odd value. */
	while (!(exos_pte(SHM_VA) & EXO_PTE_P))
		exo_yield(parent);
	volatile uint64_t *w = (volatile uint64_t *)SHM_VA;
	for (;;) {
		while (!(w[0] & 1))
			exo_yield(parent);
		w[0]++;
	}
}

static int
start_peer(const char *what, struct child *c)
{
	char id[16], *argv[] = { "b_ipc", "--peer", (char *)what, id, NULL };

	snprintf(id, sizeof(id), "%d", EXO_SELF->id);
	return spawn("b_ipc", argv, c);
}

int
main(int argc, char **argv)
{
	uint64_t v[RUNS];
	struct child c;
	int bad = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			printf("usage: b_ipc [--mode icount|kvm|tcg]\nMeasures yield, "
			       "ipc_shm and ipc_pipe between two environments.\n");
			return 0;
		}
		if (strcmp(argv[i], "--peer") == 0 && i + 2 < argc)
			return peer(argv[i + 1], (exo_envid_t)number(argv[i + 2]));
		if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc)
			bench_mode = argv[++i];
	}

	if (start_peer("yield", &c) < 0)
		return 1;
	for (int r = -1; r < RUNS; r++) {
		uint64_t before = EXO_SELF->yields_in, t0 = rdtsc();
		for (int i = 0; i < ITERS; i++)
			exo_yield(c.id);
		uint64_t t1 = rdtsc();
		/*
		 * The peer yields back each time, but a timer interrupt now
		 * and then brings us back instead: allow a few of those.
		 */
		if (EXO_SELF->yields_in - before < ITERS * 9 / 10)
			bad = 1;
		if (r >= 0)
			v[r] = (t1 - t0) / ITERS;
	}
	exo_env_destroy(c.env);
	child_release(&c);
	bench_report("yield", "exo", v, RUNS);

	exo_slot_t s;
	if (start_peer("shm", &c) < 0 ||
	    page_alloc_map(SHM_VA, 1, EXO_PERM_W, &s) < 0)
		return 1;
	struct exo_ptop o = { SHM_VA, s, 1, EXO_PT_MAP, EXO_PERM_W, 0, 0 };
	if (exo_pt_batch(c.vspace, &o, 1) != 1)
		return 1;
	volatile uint64_t *w = (volatile uint64_t *)SHM_VA;
	uint64_t n = 0;
	for (int r = -1; r < RUNS; r++) {
		uint64_t t0 = rdtsc();
		for (int i = 0; i < ITERS; i++) {
			w[0] = n + 1;
			while (w[0] != n + 2)
				exo_yield(c.id);
			n += 2;
		}
		if (r >= 0)
			v[r] = (rdtsc() - t0) / ITERS;
	}
	exo_env_destroy(c.env);
	child_release(&c);
	page_unmap(SHM_VA, 1);
	exo_cap_delete(s);
	bench_report("ipc_shm", "exo", v, RUNS);

	/* ipc_pipe: two pipes in one shared page, set up before the peer
	 * sees it. */
	if (start_peer("pipe", &c) < 0 ||
	    page_alloc_map(SHM_VA, 1, EXO_PERM_W, &s) < 0)
		return 1;
	struct exos_pipe *ab = (void *)SHM_VA, *ba = (void *)(SHM_VA + 2048);
	exos_pipe_init(ab, 2048, c.id, EXO_SELF->id);
	exos_pipe_init(ba, 2048, EXO_SELF->id, c.id);
	o = (struct exo_ptop){ SHM_VA, s, 1, EXO_PT_MAP, EXO_PERM_W, 0, 0 };
	if (exo_pt_batch(c.vspace, &o, 1) != 1)
		return 1;
	uint8_t b = 0, got;
	for (int r = -1; r < RUNS; r++) {
		uint64_t t0 = rdtsc();
		for (int i = 0; i < ITERS; i++) {
			exos_pipe_write(ab, &b, 1);
			if (exos_pipe_read(ba, &got, 1) != 1 || got != (uint8_t)(b + 1))
				bad = 1; /* the byte did not come back, answered */
			b = got;
		}
		if (r >= 0)
			v[r] = (rdtsc() - t0) / ITERS;
	}
	exos_pipe_close(ab, 0);
	struct exo_envinfo in;
	if (child_wait(&c, 10ULL * 1000000000ULL, &in) < 0 || in.status != 0)
		bad = 1; /* the peer saw the end of its pipe and exited */
	child_release(&c);
	page_unmap(SHM_VA, 1);
	exo_cap_delete(s);
	if (bad)
		printf("b_ipc: a round trip went wrong\n");
	bench_report("ipc_pipe", "exo", v, RUNS);
	return bad;
}
