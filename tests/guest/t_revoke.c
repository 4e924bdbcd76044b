/*
 * Looks for revocation bugs: cap_revoke that misses descendants (two and
 * three levels deep, siblings, copies held by another environment), returns
 * the wrong count, removes the capability itself or its parent's other
 * children; cap_delete of a middle capability that loses its children
 * (they must move up so that revoking the root still reaches them); and a
 * revoked page that stays mapped in the environment that held the copy: a
 * child maps a page through a copy it was granted (and a copy of its own),
 * and must die of a page fault at that address on its next access after
 * the parent revokes, while the parent's own mapping is untouched.  And a
 * copy a child made into a third environment must, once the child has
 * died, hang under our capability, so that revoking ours removes it.
 */
#include "tutil.h"

#define V (TEST_VA + 0xa00000)
#define PATTERN 0x7e57ab1e00c0ffeeUL
#define READY 0x5245414459UL

static int
is_page(uint64_t slot, uint64_t ppn)
{
	struct exo_capinfo ci;

	return exo_cap_info(slot, &ci) == 0 && ci.type == EXO_CAP_PAGE &&
	    ci.name == ppn;
}

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int64_t r0 = slot_alloc_range(8);
	CHECK(r0 >= 0);
	uint64_t a = (uint64_t)r0, b = a + 1, c = a + 2, d = a + 3, e = a + 4;
	uint64_t f = a + 5;
	const uint64_t rr = EXO_R_READ | EXO_R_WRITE | EXO_R_GRANT;

	prepare_tables(V);
	warm_spawn();
	uint64_t before = EXO_INFO->free_pages;
	int64_t ppn = exo_page_alloc(a, EXO_PPN_ANY);
	CHECK(ppn > 0);

	/* a -> b -> c -> e, a -> d: revoking a takes all four. */
	CHECK_EQ(exo_cap_copy(a, EXO_SLOT_SELF, b, rr), 0);
	CHECK_EQ(exo_cap_copy(b, EXO_SLOT_SELF, c, rr), 0);
	CHECK_EQ(exo_cap_copy(c, EXO_SLOT_SELF, e, EXO_R_READ), 0);
	CHECK_EQ(exo_cap_copy(a, EXO_SLOT_SELF, d, EXO_R_READ), 0);
	CHECK_EQ(exo_cap_revoke(a), 4);
	CHECK(empty(b) && empty(c) && empty(d) && empty(e));
	CHECK(is_page(a, (uint64_t)ppn));
	CHECK_EQ(exo_cap_revoke(a), 0);
	CHECK(is_page(a, (uint64_t)ppn));

	/* Revoking a middle one takes only what is below it. */
	CHECK_EQ(exo_cap_copy(a, EXO_SLOT_SELF, b, rr), 0);
	CHECK_EQ(exo_cap_copy(b, EXO_SLOT_SELF, c, rr), 0);
	CHECK_EQ(exo_cap_copy(c, EXO_SLOT_SELF, e, rr), 0);
	CHECK_EQ(exo_cap_copy(a, EXO_SLOT_SELF, d, rr), 0);
	CHECK_EQ(exo_cap_revoke(b), 2);
	CHECK(empty(c) && empty(e));
	CHECK(is_page(a, (uint64_t)ppn) && is_page(b, (uint64_t)ppn) &&
	    is_page(d, (uint64_t)ppn));
	CHECK_EQ(exo_cap_revoke(c), EXO_ECAP);
	CHECK_EQ(exo_cap_revoke(d), 0);

	/* Deleting a middle one: its children move up to its parent. */
	CHECK_EQ(exo_cap_copy(b, EXO_SLOT_SELF, c, rr), 0);
	CHECK_EQ(exo_cap_copy(c, EXO_SLOT_SELF, e, rr), 0);
	CHECK_EQ(exo_cap_copy(c, EXO_SLOT_SELF, f, EXO_R_READ), 0);
	CHECK_EQ(exo_cap_delete(c), 0);
	CHECK(empty(c));
	CHECK(is_page(e, (uint64_t)ppn) && is_page(f, (uint64_t)ppn));
	CHECK_EQ(exo_cap_delete(b), 0);
	CHECK(is_page(e, (uint64_t)ppn));
	CHECK_EQ(exo_cap_revoke(a), 3); /* d, e, f */
	CHECK(empty(d) && empty(e) && empty(f));

	/* Deleting the root: the copies become roots and keep the page. */
	CHECK_EQ(exo_cap_copy(a, EXO_SLOT_SELF, b, rr), 0);
	CHECK_EQ(exo_cap_copy(b, EXO_SLOT_SELF, c, rr), 0);
	CHECK_EQ(exo_cap_delete(a), 0);
	CHECK_EQ(freemap_bit((uint64_t)ppn), 0);
	CHECK_EQ(exo_cap_revoke(b), 1);
	CHECK(empty(c));
	CHECK_EQ(exo_cap_delete(b), 0);
	CHECK_EQ(freemap_bit((uint64_t)ppn), 1);
	CHECK_EQ(EXO_INFO->free_pages, before);
	/* Revoke of nothing. */
	CHECK_EQ(exo_cap_revoke(b), EXO_ECAP);
	CHECK_EQ(exo_cap_revoke(EXO_NSLOTS), EXO_ERANGE);
	CHECK_EQ(exo_cap_delete(EXO_NSLOTS), EXO_ERANGE);
	CHECK_EQ(exo_cap_revoke(~0UL), EXO_ERANGE);

	/* Across environments: the child's mapping goes with its copy. */
	ppn = exo_page_alloc(a, EXO_PPN_ANY);
	CHECK(ppn > 0);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, a, 1, EXO_PT_MAP, EXO_PERM_W, 0), 1);
	volatile uint64_t *v = (volatile uint64_t *)V;
	v[0] = PATTERN;
	char sl[24], va[24], pat[24];
	char *args[] = { "h_hostile", "revokee", fmt_hex(sl, sizeof(sl), CHILD_SLOT),
		fmt_hex(va, sizeof(va), CHILD_VA), fmt_hex(pat, sizeof(pat), PATTERN),
		NULL };
	struct child ch;
	struct exo_envinfo in;
	CHECK_EQ(spawn("h_hostile", args, &ch), 0);
	CHECK_EQ(exo_cap_copy(a, ch.env, CHILD_SLOT, EXO_R_READ | EXO_R_WRITE), 0);
	uint64_t t0 = time_ns();
	while (v[1] != READY) {
		CHECK_EQ(exo_env_info(ch.env, &in), 0);
		if (in.state == EXO_ENV_DEAD) {
			printf("t_revoke: child died first (cause %u status %ld)\n",
			    in.cause, (long)in.status);
			return 1;
		}
		CHECK(time_ns() - t0 < CHILD_TIMEOUT_NS);
		exo_yield(ch.id);
	}
	/* Let it read a few times, then take the page away. */
	for (int i = 0; i < 5; i++)
		exo_yield(ch.id);
	CHECK_EQ(exo_env_info(ch.env, &in), 0);
	CHECK_EQ(in.state, EXO_ENV_RUNNABLE);
	CHECK_EQ(exo_cap_revoke(a), 2); /* its copy and the copy's copy */
	CHECK_WAIT(&ch, &in);
	CHECK_FAULTED(&in, 14);
	CHECK_EQ(in.fault_addr, CHILD_VA);
	CHECK_EQ(in.fault_err & (PF_P | PF_W | PF_U), PF_U); /* not present, read */
	child_release(&ch);
	/* Ours is untouched. */
	CHECK(exos_pte(V) & EXO_PTE_P);
	CHECK_EQ(v[0], PATTERN);
	CHECK_EQ(v[1], READY);
	CHECK_EQ(page_unmap(V, 1), 1);
	CHECK_EQ(exo_cap_delete(a), 0);
	CHECK_EQ(EXO_INFO->free_pages, before);

	/* A child copies our grant into an environment we hold, then dies. */
	uint64_t ye = b, yv = c;
	CHECK(exo_page_alloc(a, EXO_PPN_ANY) > 0);
	CHECK(exo_env_create(ye, yv) > 0);
	char es[24], dst[24];
	char *rargs[] = { "h_hostile", "regrant", fmt_hex(sl, sizeof(sl), CHILD_SLOT),
		fmt_hex(es, sizeof(es), CHILD_SLOT + 1), fmt_hex(dst, sizeof(dst), 77),
		NULL };
	CHECK_EQ(spawn("h_hostile", rargs, &ch), 0);
	CHECK_EQ(exo_cap_copy(a, ch.env, CHILD_SLOT, EXO_R_READ | EXO_R_GRANT), 0);
	CHECK_EQ(exo_cap_copy(ye, ch.env, CHILD_SLOT + 1, EXO_R_CTRL), 0);
	CHECK_WAIT(&ch, &in);
	CHECK_EXITED(&in, 0);
	child_release(&ch);
	CHECK_EQ(exo_cap_copy(a, ye, 77, EXO_R_READ), EXO_EBUSY); /* it is there */
	CHECK_EQ(exo_cap_revoke(a), 1);
	CHECK_EQ(exo_cap_copy(a, ye, 77, EXO_R_READ), 0); /* and now gone */
	CHECK_EQ(exo_cap_revoke(a), 1);
	CHECK_EQ(exo_env_destroy(ye), 0);
	CHECK_EQ(exo_cap_delete(ye), 0);
	CHECK_EQ(exo_cap_delete(yv), 0);
	CHECK_EQ(exo_cap_delete(a), 0);
	CHECK_EQ(EXO_INFO->free_pages, before);

	slot_free_range(a, 8);
	printf("t_revoke: trees, reparenting and revoked mappings checked\n");
	return 0;
}
