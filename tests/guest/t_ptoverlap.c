/*
 * Looks for a gap in pt_batch's overlap detection: two operations in one
 * batch that touch the same page must be refused with EXO_EINVAL whatever
 * their kinds and order (kern/vm.c marks each entry a batch touches; an
 * entry already marked means two operations overlap).  A MAP followed by an
 * UNMAP or PROT of the same page is such a pair; so is the reverse order,
 * which t_ptbatch covers.  Whatever the code, nothing may be applied.
 */
#include "tutil.h"

#define C (TEST_VA + 0x400000)

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	exo_slot_t s;

	prepare_tables(C);
	CHECK_EQ(page_alloc_map(C + 0x10000, 1, EXO_PERM_W, &s), 0);
	uint64_t before = EXO_INFO->free_pages;
	struct exo_ptop pairs[][2] = {
		{ { C, s, 1, EXO_PT_MAP, EXO_PERM_W, 0, 0 },
		    { C, 0, 1, EXO_PT_UNMAP, 0, 0, 0 } },
		{ { C, s, 1, EXO_PT_MAP, EXO_PERM_W, 0, 0 },
		    { C, 0, 1, EXO_PT_PROT, 0, 0, 0 } },
	};
	int bad = 0;
	for (unsigned i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		int64_t r = exo_pt_batch(EXO_SLOT_VSPACE, pairs[i], 2);
		CHECK(r < 0); /* all or none, at the least */
		CHECK_EQ(exos_pte(C), 0);
		CHECK_EQ(exos_pte(C - EXO_PGSIZE), 0);
		CHECK_EQ(EXO_INFO->free_pages, before);
		if (r != EXO_EINVAL) {
			printf("t_ptoverlap: MAP then %s of the same page gave %s, "
			       "want EINVAL\n",
			    pairs[i][1].op == EXO_PT_UNMAP ? "UNMAP" : "PROT",
			    exo_strerror(r));
			bad = 1;
		}
	}
	unmap_free(C + 0x10000, s);
	CHECK(!bad);
	printf("t_ptoverlap: overlapping MAP and UNMAP/PROT refused\n");
	return 0;
}
