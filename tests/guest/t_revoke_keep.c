/*
 * Looks for revocation that unmaps too much.  cap_revoke's contract
 * (include/exo/syscalls.tbl): "A page that a removed capability was the
 * holder's only right to is unmapped from that holder."  So when the holder
 * still has another capability for the page, its mapping must stay:
 *  1. we hold a and its copy b (both ours), map the page through a, and
 *     revoke a: b goes, but we still hold a, so the mapping stays;
 *  2. a child holds two copies, one under our intermediate copy p and one
 *     straight under a; revoking p removes the first but the child still
 *     holds the second, so it must keep running with the page mapped.
 */
#include "tutil.h"

#define V (TEST_VA + 0xc00000)
#define PATTERN 0x6b656570UL
#define READY 0x5245414459UL

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int64_t r0 = slot_alloc_range(3);
	CHECK(r0 >= 0);
	uint64_t a = (uint64_t)r0, b = a + 1, p = a + 2;
	volatile uint64_t *v = (volatile uint64_t *)V;
	struct exo_envinfo in;
	int failed = 0;

	prepare_tables(V);
	warm_spawn();
	uint64_t before = EXO_INFO->free_pages;
	CHECK(exo_page_alloc(a, EXO_PPN_ANY) > 0);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, a, 1, EXO_PT_MAP, EXO_PERM_W, 0), 1);
	v[0] = PATTERN;

	/* 1: our own copy. */
	CHECK_EQ(exo_cap_copy(a, EXO_SLOT_SELF, b, EXO_R_READ), 0);
	CHECK_EQ(exo_cap_revoke(a), 1);
	if (!(exos_pte(V) & EXO_PTE_P)) {
		printf("t_revoke_keep: revoking a copy unmapped the page from "
		       "its holder, which still holds the original\n");
		failed = 1;
		CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, a, 1, EXO_PT_MAP, EXO_PERM_W, 0), 1);
	}
	CHECK_EQ(v[0], PATTERN);

	/* 2: a child with a second copy. */
	char sl[24], va[24], pat[24];
	char *args[] = { "h_hostile", "revokee", fmt_hex(sl, sizeof(sl), CHILD_SLOT),
		fmt_hex(va, sizeof(va), CHILD_VA), fmt_hex(pat, sizeof(pat), PATTERN),
		NULL };
	struct child ch;
	CHECK_EQ(spawn("h_hostile", args, &ch), 0);
	CHECK_EQ(exo_cap_copy(a, EXO_SLOT_SELF, p, EXO_R_READ | EXO_R_WRITE | EXO_R_EXEC | EXO_R_GRANT), 0);
	CHECK_EQ(exo_cap_copy(a, ch.env, CHILD_SLOT + 5, EXO_R_READ), 0);
	CHECK_EQ(exo_cap_copy(p, ch.env, CHILD_SLOT, EXO_R_READ | EXO_R_WRITE), 0);
	uint64_t t0 = time_ns();
	while (v[1] != READY) {
		CHECK_EQ(exo_env_info(ch.env, &in), 0);
		CHECK(in.state != EXO_ENV_DEAD);
		CHECK(time_ns() - t0 < CHILD_TIMEOUT_NS);
		exo_yield(ch.id);
	}
	CHECK_EQ(exo_cap_revoke(p), 2);
	for (int i = 0; i < 20; i++)
		exo_yield(ch.id);
	CHECK_EQ(exo_env_info(ch.env, &in), 0);
	if (in.state != EXO_ENV_RUNNABLE) {
		printf("t_revoke_keep: the child lost its mapping (cause %u, "
		       "fault at %lx) though it still holds a copy\n", in.cause,
		    in.fault_addr);
		failed = 1;
	} else {
		CHECK_EQ(exo_env_destroy(ch.env), 0);
	}
	child_release(&ch);

	CHECK_EQ(page_unmap(V, 1), 1);
	CHECK_EQ(exo_cap_delete(a), 0);
	CHECK_EQ(exo_cap_delete(p), 0);
	CHECK_EQ(EXO_INFO->free_pages, before);
	slot_free_range(a, 3);
	CHECK(!failed);
	printf("t_revoke_keep: mappings kept while another copy is held\n");
	return 0;
}
