/*
 * Hostile sweep: looks for any system call that dereferences a bad user
 * pointer or mis-checks a slot number.  Every call that takes a pointer
 * (cons_write, cons_read, cap_info, pt_batch, env_info) gets NULL, small
 * numbers, kernel addresses, non-canonical ones, the read-only views above
 * EXO_ULIM, unmapped user memory, ranges crossing EXO_ULIM or wrapping
 * around, buffers straddling into an unmapped page, and (for calls that
 * write) read-only pages; each must return EXO_EFAULT and write nothing.
 * Every call that takes a slot gets EXO_NSLOTS, ~0 and other huge values
 * (EXO_ERANGE) and empty slots (EXO_ECAP).  The kernel staying up through
 * all of it is part of the test.
 */
#include "tutil.h"

#define V (TEST_VA + 0x1400000)

static int fails;

static void
want(int64_t got, int64_t err, const char *call, uint64_t arg)
{
	if (got != err) {
		printf("t_badptr: %s with %lx returned %ld (%s), want %s\n", call,
		    arg, (long)got, got < 0 ? exo_strerror(got) : "", exo_strerror(err));
		fails++;
	}
}

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct exo_capinfo ci;
	struct exo_envinfo in;
	exo_slot_t rw, ro;

	prepare_tables(V);
	CHECK_EQ(page_alloc_map(V, 1, EXO_PERM_W, &rw), 0);       /* V+4K unmapped */
	CHECK_EQ(page_alloc_map(V + 0x10000, 1, 0, &ro), 0);      /* read-only */
	memset((void *)V, 0xaa, EXO_PGSIZE);
	uint64_t before = EXO_INFO->free_pages;

	/* Unreadable (and so unwritable) places. */
	uint64_t bad[] = { 0, 1, 0xfff, 0x1000, KADDR_PHYSMAP, KADDR_PHYSMAP + 0x1000,
		KADDR_KERNBASE, KADDR_KERNBASE + 0x100000, 0x0000800000000000UL,
		0x8000000000000000UL, ~0UL, ~0UL - 15, ~0UL & ~0xfffUL, EXO_ULIM - 1,
		EXO_ULIM - 8, EXO_UINFO, EXO_USELF, EXO_UFREEMAP, EXO_UVPT,
		EXO_UVPML4, V + 0x100000, V + EXO_PGSIZE, V + EXO_PGSIZE - 1,
		V + EXO_PGSIZE - 4, V + EXO_PGSIZE - 8 };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t p = bad[i];
		want(exo_cons_write(EXO_SLOT_CONSOLE, (void *)p, 16), EXO_EFAULT,
		    "cons_write", p);
		want(exo_cons_read(EXO_SLOT_CONSOLE, (void *)p, 16), EXO_EFAULT,
		    "cons_read", p);
		want(exo_cap_info(EXO_SLOT_CONSOLE, (void *)p), EXO_EFAULT,
		    "cap_info", p);
		want(exo_env_info(EXO_SLOT_SELF, (void *)p), EXO_EFAULT, "env_info", p);
		want(exo_pt_batch(EXO_SLOT_VSPACE, (void *)p, 1), EXO_EFAULT,
		    "pt_batch", p);
		want(exo_pt_batch(EXO_SLOT_VSPACE, (void *)p, 2), EXO_EFAULT,
		    "pt_batch(2)", p);
	}
	/* Readable but not writable: our code, constants, a read-only page,
	 * the boot image. */
	uint64_t ronly[] = { (uint64_t)main, (uint64_t)"constant", V + 0x10000,
		V + 0x10000 + EXO_PGSIZE - 16 };
	for (unsigned i = 0; i < sizeof(ronly) / sizeof(ronly[0]); i++) {
		uint64_t p = ronly[i];
		want(exo_cons_read(EXO_SLOT_CONSOLE, (void *)p, 8), EXO_EFAULT,
		    "cons_read", p);
		want(exo_cap_info(EXO_SLOT_CONSOLE, (void *)p), EXO_EFAULT,
		    "cap_info", p);
		want(exo_env_info(EXO_SLOT_SELF, (void *)p), EXO_EFAULT, "env_info", p);
	}
	/* Lengths that reach EXO_ULIM or wrap around. */
	uint64_t lens[] = { EXO_PGSIZE + 1, 1UL << 40, EXO_ULIM, EXO_ULIM - V,
		EXO_ULIM - V + 1, 1UL << 63, ~0UL, ~0UL - V + 1, ~0UL - V + 2 };
	for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		want(exo_cons_write(EXO_SLOT_CONSOLE, (void *)V, lens[i]), EXO_EFAULT,
		    "cons_write length", lens[i]);
		want(exo_cons_read(EXO_SLOT_CONSOLE, (void *)V, lens[i]), EXO_EFAULT,
		    "cons_read length", lens[i]);
	}
	want(exo_pt_batch(EXO_SLOT_VSPACE, (void *)(V + EXO_PGSIZE - 24 * 10), 11),
	    EXO_EFAULT, "pt_batch across the page end", V + EXO_PGSIZE - 240);
	/* Nothing was written anywhere in our page. */
	for (uint64_t i = 0; i < EXO_PGSIZE; i++)
		CHECK(((volatile uint8_t *)V)[i] == 0xaa);
	for (uint64_t i = 0; i < EXO_PGSIZE; i++)
		CHECK(((volatile uint8_t *)(V + 0x10000))[i] == 0);

	/* Slots. */
	char buf[8] = { 0 };
	struct exo_ptop op = { V + 0x20000, rw, 1, EXO_PT_MAP, 0, 0, 0 };
	uint64_t range[] = { EXO_NSLOTS, EXO_NSLOTS + 1, 1UL << 32, 1UL << 63, ~0UL };
	uint64_t empty[] = { 12345, 999999, EXO_NSLOTS - 1, 15 };
	uint64_t freeslot = 63; /* empty (in a table that exists), stays so */
	for (int pass = 0; pass < 2; pass++) {
		uint64_t *list = pass == 0 ? range : empty;
		unsigned n = pass == 0 ? 5 : 4;
		int64_t e = pass == 0 ? EXO_ERANGE : EXO_ECAP;
		for (unsigned i = 0; i < n; i++) {
			uint64_t s = list[i];
			want(exo_cons_write(s, buf, 1), e, "cons_write slot", s);
			want(exo_cons_read(s, buf, 1), e, "cons_read slot", s);
			want(exo_cap_copy(s, EXO_SLOT_SELF, freeslot, 0), e,
			    "cap_copy src", s);
			want(exo_cap_copy(EXO_SLOT_CONSOLE, s, freeslot, 0), e,
			    "cap_copy env", s);
			want(exo_cap_revoke(s), e, "cap_revoke", s);
			want(exo_cap_delete(s), e, "cap_delete", s);
			want(exo_cap_info(s, &ci), e, "cap_info slot", s);
			want(exo_pt_batch(s, &op, 1), e, "pt_batch vspace", s);
			op.slot = s;
			want(exo_pt_batch(EXO_SLOT_VSPACE, &op, 1), e, "pt_batch MAP slot", s);
			op.slot = rw;
			want(exo_env_start(s, 0x1000, 0x10000, 0), e, "env_start", s);
			want(exo_env_destroy(s), e, "env_destroy", s);
			want(exo_env_info(s, &in), e, "env_info slot", s);
			want(exo_slice_alloc(freeslot, EXO_SLICE_ANY, s), e,
			    "slice_alloc env", s);
			want(exo_machine_exit(s, 0), e, "machine_exit", s);
			if (pass == 0) { /* destinations: only out of range fails */
				want(exo_cap_copy(EXO_SLOT_CONSOLE, EXO_SLOT_SELF, s, 0), e,
				    "cap_copy dst", s);
				want(exo_page_alloc(s, EXO_PPN_ANY), e, "page_alloc dst", s);
				want(exo_env_create(s, freeslot), e, "env_create envdst", s);
				want(exo_env_create(freeslot, s), e, "env_create vsdst", s);
				want(exo_slice_alloc(s, EXO_SLICE_ANY, EXO_SLOT_SELF), e,
				    "slice_alloc dst", s);
			}
		}
	}
	CHECK_EQ(exo_machine_exit(EXO_SLOT_CONSOLE, 0), EXO_ECAP);
	CHECK_EQ(exo_machine_exit(EXO_SLOT_SELF, 200), EXO_ECAP);
	CHECK_EQ(exo_cap_info(freeslot, &ci), EXO_ECAP);
	CHECK_EQ(exos_pte(V + 0x20000), 0);
	CHECK(!fails);
	CHECK_EQ(EXO_INFO->free_pages, before);

	CHECK_EQ(page_unmap(V, 1), 1);
	CHECK_EQ(page_unmap(V + 0x10000, 1), 1);
	CHECK_EQ(exo_cap_delete(rw), 0);
	CHECK_EQ(exo_cap_delete(ro), 0);
	printf("t_badptr: every bad pointer and slot refused\n");
	return 0;
}
