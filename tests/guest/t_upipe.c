/*
 * Looks for lost, repeated or reordered bytes in ExOS's native pipes over a
 * shared page (libos/upipe.c): 1 MiB of a pseudo-random pattern goes from
 * this program to a peer environment in writes of assorted sizes through a
 * small ring (so it fills and wraps many times); the peer checks every byte
 * and sends back its count and checksum on a second pipe.  Then the ends:
 * the reader sees end of file after the writer closes, and a write after
 * the reader has closed fails with EXO_EDEAD instead of waiting forever.
 */
#include "tutil.h"

#define TOTAL (1UL << 20)
#define RING 1024

static uint8_t
pattern(uint64_t i)
{
	uint64_t x = i * 0x9e3779b97f4a7c15UL;
	return (uint8_t)(x >> 56);
}

static int
peer(exo_envid_t parent)
{
	while (!(exos_pte(TEST_VA) & EXO_PTE_P))
		exo_yield(parent);
	struct exos_pipe *in = (void *)TEST_VA, *out = (void *)(TEST_VA + 2048);
	uint8_t buf[700];
	uint64_t n = 0, bad = 0;
	int64_t r;
	while ((r = exos_pipe_read(in, buf, sizeof(buf))) > 0)
		for (int64_t i = 0; i < r; i++, n++)
			bad += buf[i] != pattern(n);
	uint64_t answer[2] = { n, bad };
	exos_pipe_write(out, answer, sizeof(answer));
	/* Wait for the parent to close its reading end, then a write fails. */
	while (!out->rclosed)
		exo_yield(parent);
	return exos_pipe_write(out, answer, 1) == EXO_EDEAD ? 0 : 3;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--peer") == 0)
		return peer((exo_envid_t)parse_num(argv[2]));
	char id[16], *pargv[] = { "t_upipe", "--peer", id, NULL };
	struct child c;
	struct exo_envinfo in;
	exo_slot_t s;

	snprintf(id, sizeof(id), "%d", EXO_SELF->id);
	CHECK_EQ(spawn("t_upipe", pargv, &c), 0);
	CHECK_EQ(page_alloc_map(TEST_VA, 1, EXO_PERM_W, &s), 0);
	struct exos_pipe *out = (void *)TEST_VA, *back = (void *)(TEST_VA + 2048);
	exos_pipe_init(out, RING, c.id, EXO_SELF->id);
	exos_pipe_init(back, RING, EXO_SELF->id, c.id);
	struct exo_ptop o = { TEST_VA, s, 1, EXO_PT_MAP, EXO_PERM_W, 0, 0 };
	CHECK_EQ(exo_pt_batch(c.vspace, &o, 1), 1);

	static uint8_t buf[4096];
	uint64_t sent = 0, step = 1;
	while (sent < TOTAL) {
		uint64_t k = step < TOTAL - sent ? step : TOTAL - sent;
		for (uint64_t i = 0; i < k; i++)
			buf[i] = pattern(sent + i);
		CHECK_EQ(exos_pipe_write(out, buf, k), (int64_t)k);
		sent += k;
		step = step * 7 % 4093 + 1; /* 1 .. 4093 bytes, larger than the ring too */
	}
	exos_pipe_close(out, 0);
	uint64_t answer[2] = { 0, 0 };
	uint64_t got = 0;
	while (got < sizeof(answer)) {
		int64_t r = exos_pipe_read(back, (uint8_t *)answer + got, sizeof(answer) - got);
		CHECK(r > 0);
		got += (uint64_t)r;
	}
	CHECK_EQ(answer[0], TOTAL); /* every byte arrived */
	CHECK_EQ(answer[1], 0);     /* each one right, in order */
	exos_pipe_close(back, 1);
	CHECK_WAIT(&c, &in);
	CHECK_EXITED(&in, 0);
	child_release(&c);
	page_unmap(TEST_VA, 1);
	exo_cap_delete(s);
	printf("t_upipe: 1 MiB through a shared-page pipe, byte-exact\n");
	return 0;
}
