/*
 * Looks for env_start misjudging the stack pointer's range: a stack may
 * start at EXO_ULIM (the first push lands below it), but rsp above
 * EXO_ULIM, or rip at or above it, must be refused with EXO_ERANGE and
 * leave the environment unstarted.
 */
#include "tutil.h"

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct exo_envinfo in;
	int64_t s = slot_alloc_range(2);

	CHECK(s >= 0);
	uint64_t before = EXO_INFO->free_pages;
	CHECK(exo_env_create((uint64_t)s, (uint64_t)s + 1) > 0);
	CHECK_EQ(exo_env_start((uint64_t)s, 0x1000, EXO_ULIM + 8, 0), EXO_ERANGE);
	CHECK_EQ(exo_env_start((uint64_t)s, 0x1000, ~0UL, 0), EXO_ERANGE);
	CHECK_EQ(exo_env_start((uint64_t)s, EXO_ULIM, EXO_ULIM, 0), EXO_ERANGE);
	CHECK_EQ(exo_env_info((uint64_t)s, &in), 0);
	CHECK_EQ(in.state, EXO_ENV_NEW);
	/* At EXO_ULIM it starts (and dies of a page fault at 0x1000). */
	CHECK_EQ(exo_env_start((uint64_t)s, 0x1000, EXO_ULIM, 0), 0);
	while (exo_env_info((uint64_t)s, &in) == 0 && in.state != EXO_ENV_DEAD)
		exo_yield(EXO_ENV_ANY);
	CHECK_EQ(in.cause, EXO_CAUSE_FAULT);
	CHECK_EQ(in.trapno, 14);
	CHECK_EQ(in.fault_addr, 0x1000);
	CHECK_EQ(exo_cap_delete((uint64_t)s), 0);
	CHECK_EQ(exo_cap_delete((uint64_t)s + 1), 0);
	CHECK_EQ(EXO_INFO->free_pages, before);
	slot_free_range((uint64_t)s, 2);
	printf("t_env_rsp: stack range checked\n");
	return 0;
}
