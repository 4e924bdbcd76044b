/*
 * Looks for environments nobody can reach that are never reclaimed.  A new
 * environment holds capabilities for itself in its own slots 0 and 1, so
 * when its creator drops (or dies holding) the only other capabilities for
 * it, nobody can ever start or destroy it; unless the kernel reclaims it
 * then, its pages (address space, self page, tables) and its slot in the
 * environment table are lost for good.  Two ways in: we create one and
 * delete our capabilities; a child creates one and exits.
 */
#include "tutil.h"

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct exo_envinfo in;
	int failed = 0;

	warm_spawn();
	int64_t s = slot_alloc_range(2);
	CHECK(s >= 0);
	uint64_t before = EXO_INFO->free_pages;
	CHECK(exo_env_create((uint64_t)s, (uint64_t)s + 1) > 0);
	CHECK(EXO_INFO->free_pages < before);
	CHECK_EQ(exo_cap_delete((uint64_t)s), 0);
	CHECK_EQ(exo_cap_delete((uint64_t)s + 1), 0);
	if (EXO_INFO->free_pages != before) {
		printf("t_orphan: an unreachable new environment kept %ld pages\n",
		    (long)(before - EXO_INFO->free_pages));
		failed = 1;
	}
	slot_free_range((uint64_t)s, 2);

	before = EXO_INFO->free_pages;
	char *args[] = { "h_hostile", "orphan", NULL };
	CHECK_EQ(run_child(args, &in), 0);
	CHECK_EXITED(&in, 0);
	if (EXO_INFO->free_pages != before) {
		printf("t_orphan: a dead child's new environment kept %ld pages\n",
		    (long)(before - EXO_INFO->free_pages));
		failed = 1;
	}
	CHECK(!failed);
	printf("t_orphan: unreachable environments reclaimed\n");
	return 0;
}
