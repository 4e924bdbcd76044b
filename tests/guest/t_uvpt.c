/*
 * Looks for bugs in the read-only views the kernel maps into every
 * environment: a page-table entry in EXO_UVPT that does not say exactly
 * what was mapped (page number, present, user, writable, no-execute, the
 * bound rights); kernel entries visible as user-accessible; the info and
 * self pages wrong; and views that can be written, or kernel memory that
 * can be read or executed: a child doing any of those must die of a page
 * fault at the address it touched (a non-canonical one of a general
 * protection fault).
 */
#include "tutil.h"

#define V (TEST_VA + 0x1000000)
#define UVPT ((const volatile uint64_t *)EXO_UVPT)
#define UVPD ((const volatile uint64_t *)EXO_UVPD)
#define UVPML4 ((const volatile uint64_t *)EXO_UVPML4)

static void
expect_fault(const char *mode, uint64_t addr, int trap, uint64_t err)
{
	char a[24];
	char *args[] = { "h_hostile", (char *)mode, fmt_hex(a, sizeof(a), addr), NULL };
	struct exo_envinfo in;

	CHECK_EQ(run_child(args, &in), 0);
	if (in.cause != EXO_CAUSE_FAULT || (int)in.trapno != trap ||
	    (trap == 14 && (in.fault_addr != addr ||
			       (in.fault_err & (PF_P | PF_W | PF_U | PF_I)) != err))) {
		printf("t_uvpt: %s %lx: cause %u trap %u addr %lx err %lx; want "
		       "trap %d addr %lx err %lx\n", mode, addr, in.cause,
		    in.trapno, in.fault_addr, in.fault_err, trap, addr, err);
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct exo_capinfo ci;
	exo_slot_t s;

	/* The info and self pages. */
	CHECK_EQ(EXO_INFO->magic, EXO_INFO_MAGIC);
	CHECK_EQ(EXO_INFO->nslices, EXO_NSLICES);
	CHECK(EXO_INFO->nenv > 2);
	CHECK(EXO_INFO->tsc_hz > 0);
	CHECK(EXO_INFO->free_pages > 0 && EXO_INFO->free_pages < EXO_INFO->npages);
	CHECK(EXO_INFO->cur_slice < EXO_NSLICES);
	CHECK(strncmp((const char *)EXO_INFO->cmdline, "test", 4) == 0);
	CHECK(EXO_SELF->id > 0);
	CHECK(EXO_SELF->parent > 0 && EXO_SELF->parent != EXO_SELF->id);
	CHECK_EQ(EXO_SELF->state, EXO_ENV_RUNNABLE);
	CHECK_EQ(exo_cap_info(EXO_SLOT_SELF, &ci), 0);
	CHECK_EQ(ci.name, (uint64_t)EXO_SELF->id);

	/* A mapping, exactly. */
	CHECK_EQ(page_alloc_map(V, 2, EXO_PERM_W, &s), 0);
	CHECK_EQ(exo_cap_info(s, &ci), 0);
	uint64_t want = ci.name << 12 | EXO_PTE_P | EXO_PTE_U | EXO_PTE_W |
	    EXO_PTE_MAYW | EXO_PTE_MAYX | EXO_PTE_NX;
	uint64_t pte = exos_pte(V);
	CHECK_EQ(pte & ~(EXO_PTE_A | EXO_PTE_D), want);
	CHECK_EQ(UVPT[V >> 12], pte);
	CHECK_EQ(exo_cap_info(s + 1, &ci), 0);
	CHECK_EQ(exos_pte(V + EXO_PGSIZE) & EXO_PTE_ADDR, ci.name << 12);
	CHECK_EQ(exos_pte(V + 2 * EXO_PGSIZE), 0);
	/* The levels above: present, user, writable. */
	CHECK((UVPD[V >> 21] & (EXO_PTE_P | EXO_PTE_U | EXO_PTE_W)) ==
	    (EXO_PTE_P | EXO_PTE_U | EXO_PTE_W));
	CHECK(UVPML4[V >> 39] & EXO_PTE_P);
	/* The recursive slot is read-only; kernel slots are not user's. */
	CHECK((UVPML4[255] & (EXO_PTE_P | EXO_PTE_U | EXO_PTE_W)) ==
	    (EXO_PTE_P | EXO_PTE_U));
	CHECK(UVPML4[255] & EXO_PTE_NX);
	CHECK((UVPML4[256] & (EXO_PTE_P | EXO_PTE_U)) == EXO_PTE_P);
	CHECK((UVPML4[511] & (EXO_PTE_P | EXO_PTE_U)) == EXO_PTE_P);
	/* The views are mapped read-only and not executable. */
	uint64_t views[] = { EXO_UINFO, EXO_USELF, EXO_UFREEMAP };
	for (unsigned i = 0; i < 3; i++) {
		uint64_t e = UVPT[views[i] >> 12];
		CHECK((e & (EXO_PTE_P | EXO_PTE_U | EXO_PTE_W)) == (EXO_PTE_P | EXO_PTE_U));
		CHECK(e & EXO_PTE_NX);
	}
	/* Changes show at once. */
	CHECK_EQ(page_protect(V, 1, 0), 1);
	CHECK(!(exos_pte(V) & EXO_PTE_W));
	CHECK_EQ(page_unmap(V, 2), 1);
	CHECK_EQ(exos_pte(V), 0);
	CHECK_EQ(exos_pte(V + EXO_PGSIZE), 0);
	CHECK_EQ(exo_cap_delete(s), 0);
	CHECK_EQ(exo_cap_delete(s + 1), 0);
	slot_free_range(s, 2);

	/* Writing the views kills. */
	const uint64_t wr = PF_P | PF_W | PF_U;
	expect_fault("write", EXO_UVPT + (EXO_UINFO >> 12) * 8, 14, wr);
	expect_fault("write", EXO_UVPML4, 14, wr);
	expect_fault("write", EXO_UVPML4 + 255 * 8, 14, wr);
	expect_fault("write", EXO_UVPD + (EXO_UINFO >> 21) * 8, 14, wr);
	expect_fault("write", EXO_UINFO, 14, wr);
	expect_fault("write", EXO_UINFO + 0x100, 14, wr);
	expect_fault("write", EXO_USELF, 14, wr);
	expect_fault("write", EXO_UFREEMAP, 14, wr);
	expect_fault("write", EXO_UFREEMAP + 0x10, 14, wr);
	/* Reading, writing or running kernel memory kills. */
	expect_fault("read", KADDR_PHYSMAP, 14, PF_P | PF_U);
	expect_fault("read", KADDR_PHYSMAP + 0x100000, 14, PF_P | PF_U);
	expect_fault("read", KADDR_KERNBASE + 0x100000, 14, PF_P | PF_U);
	expect_fault("write", KADDR_KERNBASE + 0x100000, 14, wr);
	expect_fault("exec", KADDR_KERNBASE + 0x100000, 14, PF_P | PF_U | PF_I);
	/* Running the views kills (no-execute). */
	expect_fault("exec", EXO_UINFO, 14, PF_P | PF_U | PF_I);
	/* A non-canonical address is a protection fault. */
	expect_fault("read", 0x0000800000000000UL, 13, 0);
	expect_fault("write", 0x8000000000000000UL, 13, 0);
	printf("t_uvpt: page-table view and read-only views checked\n");
	return 0;
}
