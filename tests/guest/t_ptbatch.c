/*
 * Looks for bugs in the batched page-table call: large batches (one op of
 * 100 pages, 100 ops of one page) not applied completely; protection,
 * dirty and software bits wrong in the entries (seen through EXO_UVPT);
 * malformed operations, bad pointers and ranges reaching EXO_ULIM or the
 * kernel accepted; and, above all, a batch that fails part-way leaving its
 * earlier operations applied, marks behind in the entries, or page
 * reference counts changed; or one that unmaps the page holding the
 * operations themselves; and all of that again for operations whose range
 * crosses page-table boundaries (2 MiB and 1 GiB), where the kernel works
 * run by run.
 */
#include "tutil.h"

#define A TEST_VA                /* 100 pages */
#define B (TEST_VA + 0x200000)   /* single pages for bit checks */
#define C (TEST_VA + 0x400000)   /* targets of failed batches */
#define D (TEST_VA + 0x600000)   /* pages holding operation arrays */
#define X (TEST_VA + 0x40000000UL - 3 * EXO_PGSIZE) /* 3 pages below 1 GiB */
#define NX 1100
#define N 100

static struct exo_ptop ops[N + 1];
static uint64_t first; /* slot of the first of N pages */

static uint64_t
ppn_of(uint64_t slot)
{
	struct exo_capinfo ci;

	CHECK_EQ(exo_cap_info(slot, &ci), 0);
	return ci.name;
}

static struct exo_ptop
mk(uint64_t va, uint64_t slot, uint32_t n, uint8_t op, uint8_t perm)
{
	return (struct exo_ptop){ va, slot, n, op, perm, 0, 0 };
}

/* One malformed op on its own and after a valid one: err, nothing done. */
static void
check_bad(struct exo_ptop bad, int64_t err, int line)
{
	struct exo_ptop two[2] = { mk(C, first, 1, EXO_PT_MAP, EXO_PERM_W), bad };
	int64_t r1 = exo_pt_batch(EXO_SLOT_VSPACE, &bad, 1);
	int64_t r2 = exo_pt_batch(EXO_SLOT_VSPACE, two, 2);

	if (r1 != err || r2 != err || exos_pte(C) != 0) {
		printf("t_ptbatch.c:%d: bad op gave %ld alone, %ld in a batch "
		       "(pte %lx); want %ld (%s)\n", line, (long)r1, (long)r2,
		    exos_pte(C), (long)err, exo_strerror(err));
		exit(1);
	}
}
#define CHECK_BAD(op, err) check_bad((op), (err), __LINE__)

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	volatile uint64_t *pa = (volatile uint64_t *)A;

	prepare_tables(A);
	prepare_tables(A - EXO_PGSIZE); /* another 512 GiB region */
	prepare_tables(B);
	prepare_tables(C);
	int64_t fs = slot_alloc_range(N);
	CHECK(fs >= 0);
	first = (uint64_t)fs;
	for (uint64_t i = 0; i < N; i++)
		CHECK(exo_page_alloc(first + i, EXO_PPN_ANY) >= 0);
	uint64_t before = EXO_INFO->free_pages;

	/* One op of 100 pages. */
	ops[0] = mk(A, first, N, EXO_PT_MAP, EXO_PERM_W);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, 1), 1);
	for (uint64_t i = 0; i < N; i++) {
		uint64_t pte = exos_pte(A + i * EXO_PGSIZE);
		CHECK((pte & (EXO_PTE_P | EXO_PTE_U | EXO_PTE_W)) ==
		    (EXO_PTE_P | EXO_PTE_U | EXO_PTE_W));
		CHECK_EQ(pte & EXO_PTE_ADDR, ppn_of(first + i) << 12);
		pa[i * 512] = 0x1000 + i;
	}
	for (uint64_t i = 0; i < N; i++)
		CHECK_EQ(pa[i * 512], 0x1000 + i);
	CHECK_EQ(exos_pte(A + N * EXO_PGSIZE), 0);
	/* Read-only in one call; the binding still allows writing later. */
	ops[0] = mk(A, 0, N, EXO_PT_PROT, 0);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, 1), 1);
	for (uint64_t i = 0; i < N; i++) {
		uint64_t pte = exos_pte(A + i * EXO_PGSIZE);
		CHECK(pte & EXO_PTE_P);
		CHECK(!(pte & EXO_PTE_W));
		CHECK(pte & EXO_PTE_MAYW);
		CHECK_EQ(pa[i * 512], 0x1000 + i);
	}
	ops[0] = mk(A, 0, N, EXO_PT_PROT, EXO_PERM_W);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, 1), 1);
	for (uint64_t i = 0; i < N; i++) {
		CHECK(exos_pte(A + i * EXO_PGSIZE) & EXO_PTE_W);
		pa[i * 512 + 1] = 0x2000 + i;
	}
	ops[0] = mk(A, 0, N, EXO_PT_UNMAP, 0);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, 1), 1);
	for (uint64_t i = 0; i < N; i++)
		CHECK_EQ(exos_pte(A + i * EXO_PGSIZE), 0);
	CHECK_EQ(EXO_INFO->free_pages, before);

	/* 100 ops of one page each, in reverse order for variety. */
	for (uint64_t i = 0; i < N; i++)
		ops[i] = mk(A + (N - 1 - i) * EXO_PGSIZE, first + N - 1 - i, 1,
		    EXO_PT_MAP, EXO_PERM_W);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, N), N);
	for (uint64_t i = 0; i < N; i++) {
		CHECK_EQ(exos_pte(A + i * EXO_PGSIZE) & EXO_PTE_ADDR,
		    ppn_of(first + i) << 12);
		CHECK_EQ(pa[i * 512], 0x1000 + i); /* the same pages again */
		CHECK_EQ(pa[i * 512 + 1], 0x2000 + i);
	}
	for (uint64_t i = 0; i < N; i++)
		ops[i] = mk(A + i * EXO_PGSIZE, 0, 1, EXO_PT_PROT, 0);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, N), N);
	for (uint64_t i = 0; i < N; i++)
		CHECK(!(exos_pte(A + i * EXO_PGSIZE) & EXO_PTE_W));
	for (uint64_t i = 0; i < N; i++)
		ops[i] = mk(A + i * EXO_PGSIZE, 0, 1, EXO_PT_UNMAP, 0);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, N), N);
	for (uint64_t i = 0; i < N; i++)
		CHECK_EQ(exos_pte(A + i * EXO_PGSIZE), 0);
	CHECK_EQ(EXO_INFO->free_pages, before);

	/* Accessed and dirty bits, through EXO_UVPT. */
	volatile uint64_t *pb = (volatile uint64_t *)B;
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, B, first, 1, EXO_PT_MAP, EXO_PERM_W, 0), 1);
	uint64_t pte = exos_pte(B);
	CHECK(pte & EXO_PTE_P);
	CHECK(!(pte & EXO_PTE_D));
	CHECK(!(pte & EXO_PTE_A));
	(void)pb[3];
	CHECK(exos_pte(B) & EXO_PTE_A);
	CHECK(!(exos_pte(B) & EXO_PTE_D));
	pb[3] = 7;
	CHECK(exos_pte(B) & EXO_PTE_D);
	CHECK_EQ(page_unmap(B, 1), 1);
	/* A fresh mapping of the same (dirty) page starts clean. */
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, B, first, 1, EXO_PT_MAP, EXO_PERM_W, 0), 1);
	CHECK(!(exos_pte(B) & (EXO_PTE_D | EXO_PTE_A)));
	CHECK_EQ(pb[3], 7);
	CHECK_EQ(page_unmap(B, 1), 1);

	/* Software bits land at EXO_PTE_SOFT_SHIFT; PROT replaces them. */
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, B, first, 1, EXO_PT_MAP, 0, 0x55), 1);
	pte = exos_pte(B);
	CHECK_EQ(pte >> EXO_PTE_SOFT_SHIFT & 0x7f, 0x55);
	CHECK_EQ(pte & EXO_PTE_SOFT_MASK, 0x55UL << EXO_PTE_SOFT_SHIFT);
	CHECK(!(pte & EXO_PTE_W));
	CHECK_EQ(pte & EXO_PTE_ADDR, ppn_of(first) << 12);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, B, 0, 1, EXO_PT_PROT, EXO_PERM_W, 0x2a), 1);
	pte = exos_pte(B);
	CHECK_EQ(pte >> EXO_PTE_SOFT_SHIFT & 0x7f, 0x2a);
	CHECK(pte & EXO_PTE_W);
	CHECK_EQ(pte & EXO_PTE_ADDR, ppn_of(first) << 12);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, B, 0, 1, EXO_PT_PROT, 0, 0x7f), 1);
	CHECK_EQ(exos_pte(B) >> EXO_PTE_SOFT_SHIFT & 0x7f, 0x7f);
	CHECK(exos_pte(B) & EXO_PTE_NX);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, B, 0, 1, EXO_PT_PROT, 0, 0), 1);
	CHECK_EQ(exos_pte(B) & EXO_PTE_SOFT_MASK, 0);
	CHECK_EQ(page_unmap(B, 1), 1);

	/* Executable: write a `ret`, make it X only, call it. */
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, B, first, 1, EXO_PT_MAP, EXO_PERM_W, 0), 1);
	CHECK(exos_pte(B) & EXO_PTE_NX);
	*(volatile uint8_t *)B = 0xc3;
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, B, 0, 1, EXO_PT_PROT, EXO_PERM_X, 0), 1);
	CHECK(!(exos_pte(B) & (EXO_PTE_NX | EXO_PTE_W)));
	((void (*)(void))B)();
	CHECK_EQ(page_unmap(B, 1), 1);

	/* The vspace capability. */
	int64_t rov = slot_alloc();
	CHECK(rov >= 0);
	CHECK_EQ(exo_cap_copy(EXO_SLOT_VSPACE, EXO_SLOT_SELF, (uint64_t)rov,
		     EXO_R_READ | EXO_R_GRANT | EXO_R_CTRL), 0);
	ops[0] = mk(C, first, 1, EXO_PT_MAP, 0);
	CHECK_EQ(exo_pt_batch((uint64_t)rov, ops, 1), EXO_EPERM);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_SELF, ops, 1), EXO_ECAP);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_CONSOLE, ops, 1), EXO_ECAP);
	CHECK_EQ(exo_pt_batch(first, ops, 1), EXO_ECAP);
	CHECK_EQ(exo_pt_batch(5000, ops, 1), EXO_ECAP);
	CHECK_EQ(exo_pt_batch(EXO_NSLOTS, ops, 1), EXO_ERANGE);
	CHECK_EQ(exo_pt_batch(~0UL, ops, 1), EXO_ERANGE);
	CHECK_EQ(exos_pte(C), 0);
	CHECK_EQ(exo_cap_delete((uint64_t)rov), 0);
	slot_free((uint64_t)rov);

	/* Counts and the array pointer. */
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, 0), EXO_EINVAL);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, EXO_PT_MAXOPS + 1), EXO_EINVAL);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, ~0UL), EXO_EINVAL);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, 1UL << 60), EXO_EINVAL);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, NULL, 1), EXO_EFAULT);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, (void *)8, 1), EXO_EFAULT);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, (void *)KADDR_PHYSMAP, 1), EXO_EFAULT);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, (void *)KADDR_KERNBASE, 1), EXO_EFAULT);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, (void *)(TEST_VA + 0x10000000), 1),
	    EXO_EFAULT);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, (void *)EXO_UINFO, 1), EXO_EFAULT);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, (void *)(EXO_ULIM - 24), 2), EXO_EFAULT);
	CHECK_EQ(exos_pte(C), 0);

	/* Malformed operations. */
	CHECK_BAD(mk(B + 1, first, 1, EXO_PT_MAP, 0), EXO_EINVAL);
	CHECK_BAD(mk(B + 0x800, first, 1, EXO_PT_MAP, 0), EXO_EINVAL);
	CHECK_BAD(mk(A + 8, 0, 1, EXO_PT_UNMAP, 0), EXO_EINVAL);
	CHECK_BAD(mk(A + 8, 0, 1, EXO_PT_PROT, 0), EXO_EINVAL);
	CHECK_BAD(mk(B, first, 0, EXO_PT_MAP, 0), EXO_EINVAL);
	CHECK_BAD(mk(B, 0, 0, EXO_PT_UNMAP, 0), EXO_EINVAL);
	CHECK_BAD(mk(B, first, 1, 0, 0), EXO_EINVAL);
	CHECK_BAD(mk(B, first, 1, 4, 0), EXO_EINVAL);
	CHECK_BAD(mk(B, first, 1, 255, 0), EXO_EINVAL);
	CHECK_BAD(mk(B, first, 1, EXO_PT_MAP, 4), EXO_EINVAL);
	CHECK_BAD(mk(B, first, 1, EXO_PT_MAP, 0x80), EXO_EINVAL);
	CHECK_BAD(mk(B, first, 1, EXO_PT_MAP, 0xff), EXO_EINVAL);
	struct exo_ptop o = mk(B, first, 1, EXO_PT_MAP, 0);
	o.pad = 1;
	CHECK_BAD(o, EXO_EINVAL);
	o.pad = 0x80;
	CHECK_BAD(o, EXO_EINVAL);
	o = mk(B, first, 1, EXO_PT_MAP, 0);
	o.soft = 0x80;
	CHECK_BAD(o, EXO_EINVAL);
	o.soft = 0xff;
	CHECK_BAD(o, EXO_EINVAL);
	/* Ranges reaching EXO_ULIM, or kernel addresses. */
	CHECK_BAD(mk(EXO_ULIM, first, 1, EXO_PT_MAP, 0), EXO_ERANGE);
	CHECK_BAD(mk(EXO_ULIM - EXO_PGSIZE, first, 2, EXO_PT_MAP, 0), EXO_ERANGE);
	CHECK_BAD(mk(EXO_ULIM - EXO_PGSIZE, 0, 2, EXO_PT_UNMAP, 0), EXO_ERANGE);
	CHECK_BAD(mk(EXO_ULIM - EXO_PGSIZE, 0, 0xffffffffU, EXO_PT_PROT, 0),
	    EXO_ERANGE);
	CHECK_BAD(mk(0, 0, 0xffffffffU, EXO_PT_UNMAP, 0) /* 16 TiB: fits */,
	    EXO_ENOENT);
	CHECK_BAD(mk(EXO_UINFO, first, 1, EXO_PT_MAP, 0), EXO_ERANGE);
	CHECK_BAD(mk(EXO_USELF, 0, 1, EXO_PT_UNMAP, 0), EXO_ERANGE);
	CHECK_BAD(mk(EXO_UVPT, 0, 1, EXO_PT_PROT, EXO_PERM_W), EXO_ERANGE);
	CHECK_BAD(mk(0x0000800000000000UL, first, 1, EXO_PT_MAP, 0), EXO_ERANGE);
	CHECK_BAD(mk(KADDR_PHYSMAP, first, 1, EXO_PT_MAP, EXO_PERM_W), EXO_ERANGE);
	CHECK_BAD(mk(KADDR_KERNBASE, 0, 1, EXO_PT_UNMAP, 0), EXO_ERANGE);
	CHECK_BAD(mk(~0UL & ~0xfffUL, first, 1, EXO_PT_MAP, 0), EXO_ERANGE);
	/* The top of the lower half: code there would make sysret unsafe. */
	CHECK_BAD(mk(0x00007ffffffff000UL, first, 1, EXO_PT_MAP, EXO_PERM_X),
	    EXO_ERANGE);
	CHECK_BAD(mk(0x00007fffffffe000UL, first, 2, EXO_PT_MAP, EXO_PERM_X),
	    EXO_ERANGE);
	/* Capability slots of a MAP. */
	CHECK_BAD(mk(B, EXO_NSLOTS, 1, EXO_PT_MAP, 0), EXO_ERANGE);
	CHECK_BAD(mk(B, EXO_NSLOTS - 1, 2, EXO_PT_MAP, 0), EXO_ERANGE);
	CHECK_BAD(mk(B, ~0UL, 1, EXO_PT_MAP, 0), EXO_ERANGE);
	CHECK_BAD(mk(B, ~0UL, 2, EXO_PT_MAP, 0), EXO_ERANGE);
	CHECK_BAD(mk(B, 5000, 1, EXO_PT_MAP, 0), EXO_ECAP);
	CHECK_BAD(mk(B, EXO_SLOT_CONSOLE, 1, EXO_PT_MAP, 0), EXO_ECAP);
	CHECK_BAD(mk(B, first + N - 1, 2, EXO_PT_MAP, 0), EXO_ECAP);
	/* Nothing there to unmap or protect. */
	CHECK_BAD(mk(B, 0, 1, EXO_PT_UNMAP, 0), EXO_ENOENT);
	CHECK_BAD(mk(B, 0, 1, EXO_PT_PROT, 0), EXO_ENOENT);
	CHECK_BAD(mk(TEST_VA + 0x40000000UL, 0, 1, EXO_PT_UNMAP, 0), EXO_ENOENT);
	CHECK_EQ(EXO_INFO->free_pages, before);

	/* A MAP over a mapping; then a failing batch changes nothing. */
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, A, first, 4, EXO_PT_MAP, EXO_PERM_W, 0x11), 1);
	uint64_t pte_a[4];
	for (int i = 0; i < 4; i++)
		pte_a[i] = exos_pte(A + i * EXO_PGSIZE);
	CHECK_BAD(mk(A, first + 10, 1, EXO_PT_MAP, 0), EXO_EBUSY);
	CHECK_BAD(mk(A - EXO_PGSIZE, first + 10, 2, EXO_PT_MAP, 0), EXO_EBUSY);
	CHECK_EQ(exos_pte(A - EXO_PGSIZE), 0);
	/* A valid MAP of 3 pages, then an invalid one. */
	ops[0] = mk(C, first + 10, 3, EXO_PT_MAP, EXO_PERM_W);
	ops[1] = mk(C + 3 * EXO_PGSIZE, 5000, 1, EXO_PT_MAP, 0);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, 2), EXO_ECAP);
	/* Valid UNMAP, PROT, MAP, then one that finds A mapped already. */
	ops[0] = mk(A, 0, 1, EXO_PT_UNMAP, 0);
	ops[1] = mk(A + EXO_PGSIZE, 0, 2, EXO_PT_PROT, 0);
	ops[2] = mk(C, first + 10, 3, EXO_PT_MAP, 0);
	ops[3] = mk(A + 3 * EXO_PGSIZE, first + 20, 1, EXO_PT_MAP, 0);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, 4), EXO_EBUSY);
	/* Valid ops, then a PROT of nothing. */
	ops[3] = mk(C + 8 * EXO_PGSIZE, 0, 1, EXO_PT_PROT, 0);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, 4), EXO_ENOENT);
	/* Valid ops, then a PROT beyond the rights bound. */
	int64_t ro = slot_alloc();
	CHECK(ro >= 0);
	CHECK_EQ(exo_cap_copy(first + 30, EXO_SLOT_SELF, (uint64_t)ro, EXO_R_READ), 0);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, B, (uint64_t)ro, 1, EXO_PT_MAP, 0, 0), 1);
	uint64_t pte_b = exos_pte(B);
	ops[3] = mk(B, 0, 1, EXO_PT_PROT, EXO_PERM_W);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, 4), EXO_EPERM);
	/* ... or a MAP beyond the rights of its capability. */
	ops[3] = mk(C + 8 * EXO_PGSIZE, (uint64_t)ro, 1, EXO_PT_MAP, EXO_PERM_W);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, 4), EXO_EPERM);
	/* A single op that fails on its third page. */
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE,
		     &(struct exo_ptop){ A - 2 * EXO_PGSIZE, first + 10, 3, EXO_PT_MAP,
			 0, 0, 0 }, 1), EXO_EBUSY);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE,
		     &(struct exo_ptop){ A + 2 * EXO_PGSIZE, 0, 3, EXO_PT_UNMAP,
			 0, 0, 0 }, 1), EXO_ENOENT);
	/* None of it happened: entries exactly as before, counts unchanged. */
	for (int i = 0; i < 4; i++)
		CHECK_EQ(exos_pte(A + i * EXO_PGSIZE), pte_a[i]);
	for (int i = -2; i < 9; i++)
		CHECK_EQ(exos_pte(C + (uint64_t)(int64_t)i * EXO_PGSIZE), 0);
	CHECK_EQ(exos_pte(A - EXO_PGSIZE), 0);
	CHECK_EQ(exos_pte(A - 2 * EXO_PGSIZE), 0);
	CHECK_EQ(exos_pte(B), pte_b);
	CHECK_EQ(EXO_INFO->free_pages, before);
	CHECK_EQ(pa[1], 0x2000); /* word 0 holds the `ret` */
	/* And nothing was left marked: the same batch minus the bad op works. */
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, 3), 3);
	CHECK_EQ(exos_pte(A), 0);
	CHECK(!(exos_pte(A + EXO_PGSIZE) & EXO_PTE_W));
	CHECK_EQ(exos_pte(C + 2 * EXO_PGSIZE) & EXO_PTE_ADDR, ppn_of(first + 12) << 12);
	ops[0] = mk(A + EXO_PGSIZE, 0, 3, EXO_PT_UNMAP, 0);
	ops[1] = mk(C, 0, 3, EXO_PT_UNMAP, 0);
	ops[2] = mk(B, 0, 1, EXO_PT_UNMAP, 0);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, 3), 3);
	CHECK_EQ(exo_cap_delete((uint64_t)ro), 0);
	slot_free((uint64_t)ro);
	CHECK_EQ(EXO_INFO->free_pages, before);

	/* Two ops on one page. */
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, A, first, 4, EXO_PT_MAP, EXO_PERM_W, 0), 1);
	for (int i = 0; i < 4; i++)
		pte_a[i] = exos_pte(A + i * EXO_PGSIZE);
	struct {
		struct exo_ptop a, b;
	} pairs[] = {
		{ mk(C, first + 10, 1, EXO_PT_MAP, 0), mk(C, first + 11, 1, EXO_PT_MAP, 0) },
		{ mk(C, first + 10, 4, EXO_PT_MAP, 0),
		    mk(C + 3 * EXO_PGSIZE, first + 20, 2, EXO_PT_MAP, 0) },
		{ mk(A, 0, 1, EXO_PT_UNMAP, 0), mk(A, 0, 1, EXO_PT_UNMAP, 0) },
		{ mk(A, 0, 4, EXO_PT_UNMAP, 0), mk(A + 3 * EXO_PGSIZE, 0, 1, EXO_PT_UNMAP, 0) },
		{ mk(A, 0, 1, EXO_PT_PROT, 0), mk(A, 0, 1, EXO_PT_PROT, EXO_PERM_W) },
		{ mk(A, 0, 2, EXO_PT_PROT, 0), mk(A + EXO_PGSIZE, 0, 1, EXO_PT_UNMAP, 0) },
		{ mk(A, 0, 1, EXO_PT_UNMAP, 0), mk(A, first + 10, 1, EXO_PT_MAP, 0) },
		{ mk(A, 0, 1, EXO_PT_UNMAP, 0), mk(A, 0, 1, EXO_PT_PROT, 0) },
	};
	for (unsigned i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct exo_ptop two[2] = { pairs[i].a, pairs[i].b };
		int64_t r = exo_pt_batch(EXO_SLOT_VSPACE, two, 2);
		if (r != EXO_EINVAL) {
			printf("t_ptbatch: overlapping pair %u gave %ld, want EINVAL\n",
			    i, (long)r);
			return 1;
		}
		for (int j = 0; j < 4; j++)
			CHECK_EQ(exos_pte(A + j * EXO_PGSIZE), pte_a[j]);
		for (int j = 0; j < 5; j++)
			CHECK_EQ(exos_pte(C + j * EXO_PGSIZE), 0);
	}
	CHECK_EQ(page_unmap(A, 4), 1);
	CHECK_EQ(EXO_INFO->free_pages, before);

	/* A batch may not unmap the page its own operations are in. */
	exo_slot_t ds;
	CHECK_EQ(page_alloc_map(D, 2, EXO_PERM_W, &ds), 0);
	uint64_t before_d = EXO_INFO->free_pages;
	struct exo_ptop *in_d = (struct exo_ptop *)D;
	/* An array straddling two pages, to unmap the second. */
	struct exo_ptop *straddle = (struct exo_ptop *)(D + EXO_PGSIZE - 24);
	in_d[0] = mk(C, first, 1, EXO_PT_MAP, EXO_PERM_W);
	in_d[1] = mk(D, 0, 1, EXO_PT_UNMAP, 0);
	in_d[2] = mk(C, first, 1, EXO_PT_MAP, EXO_PERM_W);
	in_d[3] = mk(D - EXO_PGSIZE, 0, 3, EXO_PT_UNMAP, 0);
	straddle[0] = mk(C, first, 1, EXO_PT_MAP, EXO_PERM_W);
	straddle[1] = mk(D + EXO_PGSIZE, 0, 1, EXO_PT_UNMAP, 0);
	uint64_t pte_d0 = exos_pte(D), pte_d1 = exos_pte(D + EXO_PGSIZE);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, in_d, 2), EXO_EINVAL);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, in_d + 2, 2), EXO_EINVAL);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, straddle, 2), EXO_EINVAL);
	CHECK_EQ(exos_pte(C), 0);
	CHECK_EQ(exos_pte(D), pte_d0);
	CHECK_EQ(exos_pte(D + EXO_PGSIZE), pte_d1);
	CHECK_EQ(EXO_INFO->free_pages, before_d);
	/* An array running off the end of its mapping. */
	CHECK_EQ(page_unmap(D + EXO_PGSIZE, 1), 1);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, straddle, 2), EXO_EFAULT);
	CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, (void *)(D + EXO_PGSIZE - 48), 3),
	    EXO_EFAULT);
	CHECK_EQ(exos_pte(C), 0);
	CHECK_EQ(page_unmap(D, 1), 1);
	CHECK_EQ(exo_cap_delete(ds), 0);
	CHECK_EQ(exo_cap_delete(ds + 1), 0);
	slot_free_range(ds, 2);

	/* Runs across page-table boundaries. */
	int64_t fx = slot_alloc_range(NX);
	CHECK(fx >= 0);
	uint64_t bx = (uint64_t)fx;
	for (uint64_t i = 0; i < NX; i++)
		CHECK(exo_page_alloc(bx + i, EXO_PPN_ANY) >= 0);
	prepare_tables(X);
	for (uint64_t va = X + 3 * EXO_PGSIZE; va < X + NX * EXO_PGSIZE; va += 0x200000)
		prepare_tables(va);
	uint64_t bx_free = EXO_INFO->free_pages;
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, X, bx, NX, EXO_PT_MAP, EXO_PERM_W, 0), 1);
	for (uint64_t i = 0; i < NX; i++) {
		CHECK_EQ(exos_pte(X + i * EXO_PGSIZE) & EXO_PTE_ADDR, ppn_of(bx + i) << 12);
		*(volatile uint64_t *)(X + i * EXO_PGSIZE) = i;
	}
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, X, 0, NX, EXO_PT_PROT, 0, 0x33), 1);
	for (uint64_t i = 0; i < NX; i++) {
		uint64_t e = exos_pte(X + i * EXO_PGSIZE);
		CHECK(!(e & EXO_PTE_W));
		CHECK_EQ(e >> EXO_PTE_SOFT_SHIFT & 0x7f, 0x33);
	}
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, X, 0, NX, EXO_PT_UNMAP, 0, 0), 1);
	for (uint64_t i = 0; i < NX; i++)
		CHECK_EQ(exos_pte(X + i * EXO_PGSIZE), 0);
	/* Failing in a later run, at its first entry or in its middle. */
	uint64_t at[] = { 3, 515, 700, NX - 1 };
	for (unsigned t = 0; t < sizeof(at) / sizeof(at[0]); t++) {
		uint64_t hole = X + at[t] * EXO_PGSIZE;
		CHECK_EQ(pt_op(EXO_SLOT_VSPACE, hole, bx + at[t], 1, EXO_PT_MAP, 0, 0), 1);
		uint64_t keep = exos_pte(hole);
		CHECK_EQ(pt_op(EXO_SLOT_VSPACE, X, bx, NX, EXO_PT_MAP, EXO_PERM_W, 0),
		    EXO_EBUSY);
		CHECK_EQ(pt_op(EXO_SLOT_VSPACE, X, 0, NX, EXO_PT_PROT, EXO_PERM_W, 0),
		    EXO_ENOENT);
		CHECK_EQ(pt_op(EXO_SLOT_VSPACE, X, 0, NX, EXO_PT_UNMAP, 0, 0), EXO_ENOENT);
		for (uint64_t i = 0; i < NX; i++)
			if (i != at[t])
				CHECK_EQ(exos_pte(X + i * EXO_PGSIZE), 0);
		CHECK_EQ(exos_pte(hole), keep);
		/* Everything but the hole maps cleanly: no marks were left. */
		if (at[t] > 0)
			CHECK_EQ(pt_op(EXO_SLOT_VSPACE, X, bx, (uint32_t)at[t], EXO_PT_MAP,
				     EXO_PERM_W, 0), 1);
		if (at[t] + 1 < NX)
			CHECK_EQ(pt_op(EXO_SLOT_VSPACE, hole + EXO_PGSIZE, bx + at[t] + 1,
				     (uint32_t)(NX - at[t] - 1), EXO_PT_MAP, EXO_PERM_W, 0), 1);
		/* Now a PROT that fails late leaves every entry as it was. */
		uint64_t mid = exos_pte(X + 600 * EXO_PGSIZE);
		ops[0] = mk(X, 0, NX, EXO_PT_PROT, 0);
		ops[1] = mk(hole, 0, 1, EXO_PT_PROT, EXO_PERM_W); /* overlaps op 0 */
		CHECK_EQ(exo_pt_batch(EXO_SLOT_VSPACE, ops, 2), EXO_EINVAL);
		CHECK_EQ(exos_pte(X + 600 * EXO_PGSIZE), mid);
		CHECK_EQ(exos_pte(hole), keep);
		CHECK(exos_pte(X) & EXO_PTE_W || at[t] == 0);
		CHECK_EQ(pt_op(EXO_SLOT_VSPACE, X, 0, NX, EXO_PT_UNMAP, 0, 0), 1);
	}
	CHECK_EQ(EXO_INFO->free_pages, bx_free);
	for (uint64_t i = 0; i < NX; i++)
		CHECK_EQ(exo_cap_delete(bx + i), 0);
	slot_free_range(bx, NX);

	for (uint64_t i = 0; i < N; i++)
		CHECK_EQ(exo_cap_delete(first + i), 0);
	slot_free_range(first, N);
	printf("t_ptbatch: batches, bits, errors and all-or-none checked\n");
	return 0;
}
