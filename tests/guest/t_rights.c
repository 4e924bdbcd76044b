/*
 * Looks for rights that leak: a page capability copied read-only that can
 * still be mapped writable or executable, or made so later with PROT (the
 * binding must remember the rights it was made with, even after the
 * capability is gone); a copy that adds rights or carries unknown bits; a
 * copy into an occupied slot, into another environment without the GRANT
 * right or through an environment capability without CTRL, or into an
 * environment that has exited.
 */
#include "tutil.h"

#define V (TEST_VA + 0x800000)
#define PG EXO_PGSIZE

static uint32_t
rights_of(uint64_t slot)
{
	struct exo_capinfo ci;

	CHECK_EQ(exo_cap_info(slot, &ci), 0);
	return ci.rights;
}

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct exo_capinfo ci;
	volatile uint64_t *v = (volatile uint64_t *)V;

	prepare_tables(V);
	int64_t r0 = slot_alloc_range(8);
	CHECK(r0 >= 0);
	uint64_t all = (uint64_t)r0, ro = all + 1, rw = all + 2, rx = all + 3;
	uint64_t wo = all + 4, tmp = all + 5, env = all + 6, vs = all + 7;
	int64_t ppn = exo_page_alloc(all, EXO_PPN_ANY);
	CHECK(ppn > 0);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, all, 1, EXO_PT_MAP, EXO_PERM_W, 0), 1);
	v[0] = 0x600d;
	CHECK_EQ(page_unmap(V, 1), 1);

	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, ro, EXO_R_READ), 0);
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, rw, EXO_R_READ | EXO_R_WRITE), 0);
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, rx, EXO_R_READ | EXO_R_EXEC), 0);
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, wo, EXO_R_WRITE), 0);
	CHECK_EQ(exo_cap_info(ro, &ci), 0);
	CHECK_EQ(ci.type, EXO_CAP_PAGE);
	CHECK_EQ(ci.name, (uint64_t)ppn);
	CHECK_EQ(ci.rights, EXO_R_READ);
	CHECK_EQ(rights_of(rw), EXO_R_READ | EXO_R_WRITE);

	/* Read-only: no W, no X, at MAP or later. */
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, ro, 1, EXO_PT_MAP, EXO_PERM_W, 0), EXO_EPERM);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, ro, 1, EXO_PT_MAP, EXO_PERM_X, 0), EXO_EPERM);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, ro, 1, EXO_PT_MAP,
		     EXO_PERM_W | EXO_PERM_X, 0), EXO_EPERM);
	CHECK_EQ(exos_pte(V), 0);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, ro, 1, EXO_PT_MAP, 0, 0), 1);
	uint64_t pte = exos_pte(V);
	CHECK_EQ(pte & EXO_PTE_ADDR, (uint64_t)ppn << 12);
	CHECK(!(pte & (EXO_PTE_W | EXO_PTE_MAYW | EXO_PTE_MAYX)));
	CHECK(pte & EXO_PTE_NX);
	CHECK_EQ(v[0], 0x600d);
	pte = exos_pte(V); /* now accessed */
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, 0, 1, EXO_PT_PROT, EXO_PERM_W, 0), EXO_EPERM);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, 0, 1, EXO_PT_PROT, EXO_PERM_X, 0), EXO_EPERM);
	CHECK_EQ(exos_pte(V), pte);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, 0, 1, EXO_PT_PROT, 0, 3), 1);
	/* The binding outlives the capability, and keeps its limits. */
	CHECK_EQ(exo_cap_delete(ro), 0);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, 0, 1, EXO_PT_PROT, EXO_PERM_W, 0), EXO_EPERM);
	CHECK(!(exos_pte(V) & EXO_PTE_W));
	CHECK_EQ(v[0], 0x600d);
	/* Even with a writable capability held: the binding decides. */
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, 0, 1, EXO_PT_PROT, EXO_PERM_W, 0), EXO_EPERM);
	CHECK_EQ(page_unmap(V, 1), 1);

	/* Read-write but not executable. */
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, rw, 1, EXO_PT_MAP, EXO_PERM_X, 0), EXO_EPERM);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, rw, 1, EXO_PT_MAP,
		     EXO_PERM_W | EXO_PERM_X, 0), EXO_EPERM);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, rw, 1, EXO_PT_MAP, 0, 0), 1);
	pte = exos_pte(V);
	CHECK((pte & (EXO_PTE_MAYW | EXO_PTE_MAYX | EXO_PTE_W)) == EXO_PTE_MAYW);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, 0, 1, EXO_PT_PROT, EXO_PERM_X, 0), EXO_EPERM);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, 0, 1, EXO_PT_PROT, EXO_PERM_W, 0), 1);
	CHECK(exos_pte(V) & EXO_PTE_W);
	CHECK(exos_pte(V) & EXO_PTE_NX);
	v[1] = 0xbeef;
	CHECK_EQ(page_unmap(V, 1), 1);

	/* Read-execute: X allowed, W not. */
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, rx, 1, EXO_PT_MAP, EXO_PERM_W, 0), EXO_EPERM);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, rx, 1, EXO_PT_MAP, EXO_PERM_X, 0), 1);
	pte = exos_pte(V);
	CHECK(!(pte & (EXO_PTE_NX | EXO_PTE_W | EXO_PTE_MAYW)));
	CHECK(pte & EXO_PTE_MAYX);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, 0, 1, EXO_PT_PROT, EXO_PERM_W, 0), EXO_EPERM);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, 0, 1, EXO_PT_PROT, 0, 0), 1);
	CHECK(exos_pte(V) & EXO_PTE_NX);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, 0, 1, EXO_PT_PROT, EXO_PERM_X, 0), 1);
	CHECK_EQ(page_unmap(V, 1), 1);

	/* Without READ nothing can be mapped at all. */
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, wo, 1, EXO_PT_MAP, 0, 0), EXO_EPERM);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, wo, 1, EXO_PT_MAP, EXO_PERM_W, 0), EXO_EPERM);
	CHECK_EQ(exos_pte(V), 0);

	/* Copies never gain rights. */
	CHECK_EQ(exo_cap_copy(rw, EXO_SLOT_SELF, tmp, EXO_R_READ | EXO_R_WRITE |
		     EXO_R_EXEC), EXO_EINVAL);
	CHECK_EQ(exo_cap_copy(rw, EXO_SLOT_SELF, tmp, EXO_R_ALL), EXO_EINVAL);
	CHECK_EQ(exo_cap_copy(rx, EXO_SLOT_SELF, tmp, EXO_R_WRITE), EXO_EINVAL);
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, tmp, EXO_R_CTRL), EXO_EINVAL);
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, tmp, EXO_R_CALL), EXO_EINVAL);
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, tmp, 0x40), EXO_EINVAL);
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, tmp, 0x80), EXO_EINVAL);
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, tmp, 1UL << 32 | EXO_R_READ), EXO_EINVAL);
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, tmp, 1UL << 63), EXO_EINVAL);
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, tmp, 1UL << 16 | EXO_R_READ), EXO_EINVAL);
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, tmp, ~0UL), EXO_EINVAL);
	CHECK_EQ(exo_cap_info(tmp, &ci), EXO_ECAP);
	/* A copy of a copy: rights only shrink. */
	CHECK_EQ(exo_cap_copy(rw, EXO_SLOT_SELF, tmp, EXO_R_WRITE), 0);
	CHECK_EQ(rights_of(tmp), EXO_R_WRITE);
	CHECK_EQ(exo_cap_delete(tmp), 0);
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, tmp, 0), 0);
	CHECK_EQ(rights_of(tmp), 0);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, tmp, 1, EXO_PT_MAP, 0, 0), EXO_EPERM);
	CHECK_EQ(exo_cap_delete(tmp), 0);

	/* Occupied destinations, bad sources and bad environment slots. */
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, rw, EXO_R_READ), EXO_EBUSY);
	CHECK_EQ(rights_of(rw), EXO_R_READ | EXO_R_WRITE);
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, all, EXO_R_READ), EXO_EBUSY);
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, EXO_SLOT_SELF, EXO_R_READ), EXO_EBUSY);
	CHECK_EQ(exo_cap_info(EXO_SLOT_SELF, &ci), 0);
	CHECK_EQ(ci.type, EXO_CAP_ENV);
	CHECK_EQ(exo_cap_copy(tmp, EXO_SLOT_SELF, tmp + 100, 0), EXO_ECAP);
	CHECK_EQ(exo_cap_copy(EXO_NSLOTS, EXO_SLOT_SELF, tmp, 0), EXO_ERANGE);
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, EXO_NSLOTS, 0), EXO_ERANGE);
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, ~0UL, 0), EXO_ERANGE);
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_VSPACE, tmp, 0), EXO_ECAP);
	CHECK_EQ(exo_cap_copy(all, all, tmp, 0), EXO_ECAP);
	CHECK_EQ(exo_cap_copy(all, tmp, tmp, 0), EXO_ECAP);
	CHECK_EQ(exo_cap_copy(all, EXO_NSLOTS, tmp, 0), EXO_ERANGE);
	CHECK_EQ(exo_cap_info(tmp, &ci), EXO_ECAP);

	/* Into another environment: GRANT on the source, CTRL on the env. */
	int64_t id = exo_env_create(env, vs);
	CHECK(id > 0);
	CHECK_EQ(exo_cap_copy(rw, env, 100, EXO_R_READ), EXO_EPERM);
	CHECK_EQ(exo_cap_copy(all, env, 100, EXO_R_READ), 0);
	CHECK_EQ(exo_cap_copy(all, env, 100, EXO_R_READ), EXO_EBUSY);
	CHECK_EQ(exo_cap_copy(all, env, 101, EXO_R_ALL), EXO_EINVAL);
	CHECK_EQ(exo_cap_copy(all, env, EXO_NSLOTS, EXO_R_READ), EXO_ERANGE);
	CHECK_EQ(exo_cap_copy(all, env, EXO_SLOT_SELF, EXO_R_READ), EXO_EBUSY);
	CHECK_EQ(exo_cap_copy(all, vs, 101, EXO_R_READ), EXO_ECAP);
	CHECK_EQ(exo_cap_copy(env, EXO_SLOT_SELF, tmp,
		     EXO_R_READ | EXO_R_WRITE | EXO_R_EXEC | EXO_R_GRANT), 0);
	CHECK_EQ(exo_cap_copy(all, tmp, 101, EXO_R_READ), EXO_EPERM);
	/* The copy in the other environment derives from ours. */
	CHECK_EQ(exo_cap_revoke(all), 4); /* rw, rx, wo and the other env's */
	CHECK_EQ(exo_cap_info(rw, &ci), EXO_ECAP);
	CHECK_EQ(exo_cap_copy(all, env, 100, EXO_R_READ), 0); /* slot 100 freed */
	/* Dead environments take nothing. */
	CHECK_EQ(exo_env_destroy(env), 0);
	CHECK_EQ(exo_cap_copy(all, env, 102, EXO_R_READ), EXO_EDEAD);
	CHECK_EQ(exo_cap_copy(all, tmp, 102, EXO_R_READ), EXO_EPERM);
	CHECK_EQ(exo_cap_revoke(all), 0);

	CHECK_EQ(exo_cap_delete(tmp), 0);
	CHECK_EQ(exo_cap_delete(env), 0);
	CHECK_EQ(exo_cap_delete(vs), 0);
	CHECK_EQ(exo_cap_delete(all), 0);
	CHECK_EQ(freemap_bit((uint64_t)ppn), 1);
	slot_free_range(all, 8);
	printf("t_rights: page, copy and grant rights checked\n");
	return 0;
}
