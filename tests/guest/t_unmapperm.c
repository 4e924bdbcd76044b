/*
 * Looks for UNMAP being refused because of its perm field.  struct
 * exo_ptop's perm is documented for MAP and PROT only, and EXO_EPERM only
 * for "PROT beyond the rights bound"; but kern/vm.c (check_run) checks
 * the entry's bound rights against perm for UNMAP as for PROT, so an UNMAP
 * whose perm has W or X set cannot remove a read-only binding.  UNMAP must
 * either ignore perm (and unmap) or refuse it as malformed (EXO_EINVAL,
 * nothing changed); EXO_EPERM is wrong, as is the page staying mapped
 * after a success.
 */
#include "tutil.h"

#define V (TEST_VA + 0x1800000)

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int64_t s0 = slot_alloc_range(2);
	int bad = 0;

	CHECK(s0 >= 0);
	uint64_t all = (uint64_t)s0, ro = all + 1;
	prepare_tables(V);
	CHECK(exo_page_alloc(all, EXO_PPN_ANY) > 0);
	CHECK_EQ(exo_cap_copy(all, EXO_SLOT_SELF, ro, EXO_R_READ), 0);
	uint8_t perms[] = { EXO_PERM_W, EXO_PERM_X, EXO_PERM_W | EXO_PERM_X };
	for (unsigned i = 0; i < sizeof(perms); i++) {
		CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, ro, 1, EXO_PT_MAP, 0, 0), 1);
		int64_t r = pt_op(EXO_SLOT_VSPACE, V, 0, 1, EXO_PT_UNMAP, perms[i], 0);
		if (r == 1) {
			CHECK_EQ(exos_pte(V), 0);
			continue;
		}
		CHECK(exos_pte(V) & EXO_PTE_P);
		if (r != EXO_EINVAL) {
			printf("t_unmapperm: UNMAP with perm %u of a read-only binding "
			       "gave %s; want it unmapped (or EINVAL)\n", perms[i],
			    exo_strerror(r));
			bad = 1;
		}
		CHECK_EQ(page_unmap(V, 1), 1);
	}
	CHECK_EQ(exo_cap_delete(ro), 0);
	CHECK_EQ(exo_cap_delete(all), 0);
	slot_free_range(all, 2);
	CHECK(!bad);
	printf("t_unmapperm: UNMAP is not refused over perm\n");
	return 0;
}
