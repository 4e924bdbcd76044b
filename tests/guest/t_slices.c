/*
 * Looks for time-slice bookkeeping bugs: a slice allocated by index not
 * bound to the environment named (EXO_INFO->slice_env, EXO_SELF->slices
 * and nslices), a taken slice or a bad index accepted, EXO_SLICE_ANY
 * handing out a taken slice or failing with the wrong error when none is
 * left, a slice not freed when its last capability goes (or freed while a
 * copy remains), a dead environment's slices left bound to it or left
 * allocated when it held them, and bad environment slots accepted.
 */
#include "tutil.h"

static int
bit(uint64_t i)
{
	return (int)(EXO_SELF->slices[i / 64] >> (i % 64) & 1);
}

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct exo_capinfo ci;
	exo_envid_t me = EXO_SELF->id;
	int64_t r0 = slot_alloc_range(8 + EXO_NSLICES);
	CHECK(r0 >= 0);
	uint64_t s0 = (uint64_t)r0, s1 = s0 + 1, s2 = s0 + 2, pg = s0 + 3;
	uint64_t se = s0 + 4, sv = s0 + 5, weak = s0 + 6, many = s0 + 8;

	uint32_t n0 = EXO_SELF->nslices;
	int nfree = free_slices();
	CHECK(nfree >= 2);
	uint64_t idx = EXO_NSLICES - 1;
	while (EXO_INFO->slice_env[idx] != 0)
		idx--;

	/* By index. */
	CHECK_EQ(exo_slice_alloc(s0, idx, EXO_SLOT_SELF), (int64_t)idx);
	CHECK_EQ(EXO_INFO->slice_env[idx], me);
	CHECK(bit(idx));
	CHECK_EQ(EXO_SELF->nslices, n0 + 1);
	CHECK_EQ(exo_cap_info(s0, &ci), 0);
	CHECK(ci.type == EXO_CAP_SLICE && ci.name == idx && ci.rights == EXO_R_ALL);
	CHECK_EQ(exo_slice_alloc(s1, idx, EXO_SLOT_SELF), EXO_EBUSY);
	CHECK_EQ(exo_cap_info(s1, &ci), EXO_ECAP);
	/* Occupied destination: nothing allocated. */
	CHECK_EQ(exo_slice_alloc(s0, EXO_SLICE_ANY, EXO_SLOT_SELF), EXO_EBUSY);
	CHECK_EQ(exo_slice_alloc(EXO_SLOT_CONSOLE, EXO_SLICE_ANY, EXO_SLOT_SELF),
	    EXO_EBUSY);
	CHECK_EQ(exo_slice_alloc(EXO_NSLOTS, EXO_SLICE_ANY, EXO_SLOT_SELF), EXO_ERANGE);
	CHECK_EQ(free_slices(), nfree - 1);
	/* Bad indexes. */
	CHECK_EQ(exo_slice_alloc(s1, EXO_NSLICES, EXO_SLOT_SELF), EXO_ERANGE);
	CHECK_EQ(exo_slice_alloc(s1, EXO_NSLICES + 1, EXO_SLOT_SELF), EXO_ERANGE);
	CHECK_EQ(exo_slice_alloc(s1, 1UL << 32, EXO_SLOT_SELF), EXO_ERANGE);
	CHECK_EQ(exo_slice_alloc(s1, EXO_SLICE_ANY - 1, EXO_SLOT_SELF), EXO_ERANGE);
	CHECK_EQ(exo_cap_info(s1, &ci), EXO_ECAP);
	/* Any. */
	int64_t j = exo_slice_alloc(s1, EXO_SLICE_ANY, EXO_SLOT_SELF);
	CHECK(j >= 0 && j < EXO_NSLICES && (uint64_t)j != idx);
	CHECK_EQ(EXO_INFO->slice_env[j], me);
	CHECK(bit((uint64_t)j));
	CHECK_EQ(EXO_SELF->nslices, n0 + 2);
	/* A copy keeps it; the last capability frees it. */
	CHECK_EQ(exo_cap_copy(s0, EXO_SLOT_SELF, s2, EXO_R_READ), 0);
	CHECK_EQ(exo_cap_delete(s0), 0);
	CHECK_EQ(EXO_INFO->slice_env[idx], me);
	CHECK_EQ(exo_slice_alloc(s0, idx, EXO_SLOT_SELF), EXO_EBUSY);
	CHECK_EQ(exo_cap_delete(s2), 0);
	CHECK_EQ(EXO_INFO->slice_env[idx], 0);
	CHECK(!bit(idx));
	CHECK_EQ(exo_cap_delete(s1), 0);
	CHECK_EQ(EXO_INFO->slice_env[j], 0);
	CHECK(!bit((uint64_t)j));
	CHECK_EQ(EXO_SELF->nslices, n0);
	CHECK_EQ(free_slices(), nfree);

	/* Bad environment slots. */
	CHECK(exo_page_alloc(pg, EXO_PPN_ANY) > 0);
	CHECK_EQ(exo_slice_alloc(s0, EXO_SLICE_ANY, s1), EXO_ECAP);
	CHECK_EQ(exo_slice_alloc(s0, EXO_SLICE_ANY, pg), EXO_ECAP);
	CHECK_EQ(exo_slice_alloc(s0, EXO_SLICE_ANY, EXO_SLOT_VSPACE), EXO_ECAP);
	CHECK_EQ(exo_slice_alloc(s0, EXO_SLICE_ANY, EXO_SLOT_CONSOLE), EXO_ECAP);
	CHECK_EQ(exo_slice_alloc(s0, EXO_SLICE_ANY, EXO_NSLOTS), EXO_ERANGE);
	CHECK_EQ(exo_slice_alloc(s0, EXO_SLICE_ANY, ~0UL), EXO_ERANGE);
	CHECK_EQ(exo_cap_copy(EXO_SLOT_SELF, EXO_SLOT_SELF, weak,
		     EXO_R_ALL & ~EXO_R_CTRL), 0);
	CHECK_EQ(exo_slice_alloc(s0, EXO_SLICE_ANY, weak), EXO_EPERM);
	CHECK_EQ(exo_cap_info(s0, &ci), EXO_ECAP);
	CHECK_EQ(free_slices(), nfree);
	CHECK_EQ(exo_cap_delete(weak), 0);
	CHECK_EQ(exo_cap_delete(pg), 0);

	/* For another environment; it dies, the slice stays allocated. */
	int64_t id = exo_env_create(se, sv);
	CHECK(id > 0);
	int64_t k = exo_slice_alloc(s0, EXO_SLICE_ANY, se);
	CHECK(k >= 0 && k < EXO_NSLICES);
	CHECK_EQ(EXO_INFO->slice_env[k], id);
	CHECK(!bit((uint64_t)k));
	CHECK_EQ(exo_env_destroy(se), 0);
	CHECK_EQ(EXO_INFO->slice_env[k], 0);
	CHECK_EQ(exo_cap_info(s0, &ci), 0);
	CHECK(ci.type == EXO_CAP_SLICE && ci.name == (uint64_t)k);
	CHECK_EQ(exo_slice_alloc(s1, (uint64_t)k, EXO_SLOT_SELF), EXO_EBUSY);
	CHECK_EQ(exo_slice_alloc(s1, EXO_SLICE_ANY, se), EXO_EDEAD);
	CHECK_EQ(exo_cap_delete(s0), 0);
	CHECK_EQ(exo_slice_alloc(s1, (uint64_t)k, EXO_SLOT_SELF), k);
	CHECK_EQ(exo_cap_delete(s1), 0);
	CHECK_EQ(exo_cap_delete(se), 0);
	CHECK_EQ(exo_cap_delete(sv), 0);
	CHECK_EQ(free_slices(), nfree);

	/* A child takes a slice for itself and exits: the slice is free. */
	char *args[] = { "h_hostile", "slice", NULL };
	struct exo_envinfo in;
	CHECK_EQ(run_child(args, &in), 0);
	CHECK_EQ(in.cause, EXO_CAUSE_EXIT);
	CHECK(in.status >= 0 && in.status < EXO_NSLICES);
	CHECK_EQ(EXO_INFO->slice_env[in.status], 0);
	CHECK_EQ(exo_slice_alloc(s0, (uint64_t)in.status, EXO_SLOT_SELF), in.status);
	CHECK_EQ(exo_cap_delete(s0), 0);
	CHECK_EQ(free_slices(), nfree);

	/* Every free slice, then none is left. */
	int got = 0;
	int64_t r;
	while ((r = exo_slice_alloc(many + (uint64_t)got, EXO_SLICE_ANY,
		    EXO_SLOT_SELF)) >= 0) {
		CHECK_EQ(EXO_INFO->slice_env[r], me);
		got++;
		CHECK(got <= EXO_NSLICES);
	}
	CHECK_EQ(r, EXO_EAGAIN);
	CHECK_EQ(got, nfree);
	CHECK_EQ(free_slices(), 0);
	CHECK_EQ(EXO_SELF->nslices, n0 + (uint32_t)nfree);
	for (int i = 0; i < got; i++)
		CHECK_EQ(exo_cap_delete(many + (uint64_t)i), 0);
	CHECK_EQ(free_slices(), nfree);
	CHECK_EQ(EXO_SELF->nslices, n0);

	slot_free_range(s0, 8 + EXO_NSLICES);
	printf("t_slices: allocation, binding and freeing of slices checked\n");
	return 0;
}
