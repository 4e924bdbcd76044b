/*
 * Hostile: looks for crashes, wrong errors and leaks when a child runs the
 * machine out of something: every free page (page_alloc until
 * EXO_ENOMEM, then env_create and pt_batch with no memory, and env_create
 * failing at every possible point as pages come back one by one), kernel
 * memory through capability-table pages, page-table pages through
 * mappings at 2 MiB strides, and the environment table (env_create until
 * EXO_ENOENV).  Each child exits holding what it took; everything must
 * come back, and the system must still run programs afterwards.
 */
#include "tutil.h"

#define EAT_TIMEOUT_NS (100ULL * 1000000000ULL)

static void
eat(const char *what)
{
	char *args[] = { "h_hostile", (char *)what, NULL };
	struct exo_envinfo in;
	struct child ch;
	uint64_t before = EXO_INFO->free_pages, t0 = time_ns();

	CHECK_EQ(spawn("h_hostile", args, &ch), 0);
	int r = child_wait(&ch, EAT_TIMEOUT_NS, &in);
	if (r == EXO_EAGAIN)
		exo_env_destroy(ch.env);
	CHECK_EQ(r, 0);
	child_release(&ch);
	if (in.cause != EXO_CAUSE_EXIT || in.status != 0) {
		printf("t_exhaust: %s: cause %u status %ld trap %u\n", what,
		    in.cause, (long)in.status, in.trapno);
		exit(1);
	}
	if (EXO_INFO->free_pages != before) {
		printf("t_exhaust: %s: %ld pages not given back\n", what,
		    (long)(before - EXO_INFO->free_pages));
		exit(1);
	}
	printf("t_exhaust: %s ok (%lu ms)\n", what, (time_ns() - t0) / 1000000);
}

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct exo_envinfo in;

	warm_spawn();
	uint64_t before = EXO_INFO->free_pages;
	eat("eatpages");
	eat("eatslots");
	eat("eatptables");
	eat("eatenvs");
	/* Once more, to see that nothing was lost the first time round. */
	eat("eatpages");
	CHECK_EQ(EXO_INFO->free_pages, before);

	/* The free map agrees with the count. */
	uint64_t bits = 0;
	for (uint64_t i = 0; i < EXO_INFO->npages; i++)
		bits += (uint64_t)freemap_bit(i);
	CHECK_EQ(bits, EXO_INFO->free_pages);

	char *args[] = { "h_exit", "9", NULL };
	CHECK_EQ(run_child(args, &in), 0);
	CHECK_EXITED(&in, 9);
	printf("t_exhaust: pages, tables and environments all came back\n");
	return 0;
}
