/*
 * Looks for holes in the console calls: a capability check that accepts an
 * empty slot, a slot past the table, a capability of another type or one
 * without the right; and a user-pointer check that lets the kernel read or
 * write kernel memory, unmapped memory, memory past EXO_ULIM (including the
 * read-only views), read-only pages (for cons_read), or ranges whose length
 * overflows.
 */
#include "tutil.h"

static const char msg[] = "t_console: hello from cons_write\r\n";

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	char buf[64];
	int64_t s = slot_alloc(), sr = slot_alloc(), sw = slot_alloc();
	CHECK(s >= 0 && sr >= 0 && sw >= 0);

	/* A good write returns its length; length 0 returns 0. */
	CHECK_EQ(exo_cons_write(EXO_SLOT_CONSOLE, msg, sizeof(msg) - 1),
	    sizeof(msg) - 1);
	CHECK_EQ(exo_cons_write(EXO_SLOT_CONSOLE, msg, 0), 0);
	CHECK_EQ(exo_cons_write(EXO_SLOT_CONSOLE, NULL, 0), 0);
	CHECK_EQ(exo_cons_read(EXO_SLOT_CONSOLE, buf, 0), 0);
	CHECK_EQ(exo_cons_read(EXO_SLOT_CONSOLE, NULL, 0), 0);
	/* Nothing is typed during the test run: no bytes, no error. */
	int64_t got = exo_cons_read(EXO_SLOT_CONSOLE, buf, sizeof(buf));
	CHECK(got >= 0 && got <= (int64_t)sizeof(buf));

	/* Slots: empty, out of range, wrong type. */
	CHECK_EQ(exo_cons_write((uint64_t)s, msg, 1), EXO_ECAP);
	CHECK_EQ(exo_cons_read((uint64_t)s, buf, 1), EXO_ECAP);
	CHECK_EQ(exo_cons_write(EXO_NSLOTS, msg, 1), EXO_ERANGE);
	CHECK_EQ(exo_cons_read(EXO_NSLOTS, buf, 1), EXO_ERANGE);
	CHECK_EQ(exo_cons_write(~0UL, msg, 1), EXO_ERANGE);
	CHECK_EQ(exo_cons_write(EXO_NSLOTS - 1, msg, 1), EXO_ECAP);
	CHECK_EQ(exo_cons_write(EXO_SLOT_SELF, msg, 1), EXO_ECAP);
	CHECK_EQ(exo_cons_write(EXO_SLOT_VSPACE, msg, 1), EXO_ECAP);
	CHECK_EQ(exo_cons_read(EXO_SLOT_SELF, buf, 1), EXO_ECAP);

	/* Derived capabilities keep only the rights asked for. */
	CHECK_EQ(exo_cap_copy(EXO_SLOT_CONSOLE, EXO_SLOT_SELF, (uint64_t)sr,
		     EXO_R_READ), 0);
	CHECK_EQ(exo_cap_copy(EXO_SLOT_CONSOLE, EXO_SLOT_SELF, (uint64_t)sw,
		     EXO_R_WRITE), 0);
	CHECK_EQ(exo_cons_write((uint64_t)sr, msg, 1), EXO_EPERM);
	CHECK_EQ(exo_cons_read((uint64_t)sw, buf, 1), EXO_EPERM);
	CHECK(exo_cons_read((uint64_t)sr, buf, 1) >= 0);
	CHECK_EQ(exo_cons_write((uint64_t)sw, "", 0), 0);
	/* The right check comes before the pointer check. */
	CHECK_EQ(exo_cons_write((uint64_t)sr, (void *)KADDR_KERNBASE, 1), EXO_EPERM);

	/* Pointers the kernel must refuse to read from (or write to). */
	exo_slot_t ro;
	uint64_t page = TEST_VA; /* then an unmapped page after it */
	CHECK_EQ(page_alloc_map(page, 1, 0, &ro), 0);
	CHECK_EQ(exos_pte(page + EXO_PGSIZE), 0);
	struct {
		uint64_t p, len;
	} bad[] = {
		{ KADDR_PHYSMAP, 1 },
		{ KADDR_PHYSMAP, 16 },
		{ KADDR_KERNBASE, 1 },
		{ KADDR_KERNBASE + 0x100000, 64 },
		{ 0x0000800000000000UL, 1 },   /* non-canonical */
		{ ~0UL, 1 },
		{ ~0UL - 7, 16 },
		{ TEST_VA + 0x100000, 1 },      /* unmapped user memory */
		{ page + EXO_PGSIZE - 8, 16 },  /* runs into an unmapped page */
		{ 0, 1 },                       /* NULL */
		{ 0, 4096 },
		{ 1, 1 },
		{ EXO_ULIM - 8, 16 },           /* crosses EXO_ULIM */
		{ EXO_ULIM - 1, 1UL << 40 },
		{ (uint64_t)msg, ~0UL },        /* the length wraps around */
		{ (uint64_t)msg, ~0UL - (uint64_t)msg + 1 },
		{ (uint64_t)msg, 1UL << 63 },
		{ EXO_UINFO, 8 },               /* readable, but not user memory */
		{ EXO_USELF, 8 },
		{ EXO_UFREEMAP, 8 },
		{ EXO_UVPT, 8 },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t w = exo_cons_write(EXO_SLOT_CONSOLE, (void *)bad[i].p, bad[i].len);
		int64_t r = exo_cons_read(EXO_SLOT_CONSOLE, (void *)bad[i].p, bad[i].len);
		if (w != EXO_EFAULT || r != EXO_EFAULT) {
			printf("t_console: buffer %lx length %lx: write %ld, read %ld; "
			       "want EFAULT\n", bad[i].p, bad[i].len, (long)w, (long)r);
			return 1;
		}
	}

	/* A read-only page may be written from, not read into. */
	CHECK(!(exos_pte((uint64_t)msg) & EXO_PTE_W));
	CHECK_EQ(exo_cons_write(EXO_SLOT_CONSOLE, msg, sizeof(msg) - 1),
	    sizeof(msg) - 1);
	CHECK_EQ(exo_cons_write(EXO_SLOT_CONSOLE, (void *)page, 0), 0);
	CHECK_EQ(exo_cons_read(EXO_SLOT_CONSOLE, (void *)page, 1), EXO_EFAULT);
	CHECK_EQ(exo_cons_read(EXO_SLOT_CONSOLE, (void *)(page + EXO_PGSIZE - 1), 1),
	    EXO_EFAULT);
	/* Our own code is readable but not writable. */
	CHECK_EQ(exo_cons_write(EXO_SLOT_CONSOLE, (void *)main, 0), 0);
	CHECK_EQ(exo_cons_read(EXO_SLOT_CONSOLE, (void *)main, 4), EXO_EFAULT);
	CHECK_EQ(exo_cons_read(EXO_SLOT_CONSOLE, (void *)msg, 4), EXO_EFAULT);
	/* A writable buffer straddling into a read-only page. */
	exo_slot_t rw;
	CHECK_EQ(page_alloc_map(page - EXO_PGSIZE, 1, EXO_PERM_W, &rw), 0);
	CHECK(exo_cons_read(EXO_SLOT_CONSOLE, (void *)(page - 8), 8) >= 0);
	CHECK_EQ(exo_cons_read(EXO_SLOT_CONSOLE, (void *)(page - 8), 9), EXO_EFAULT);
	/* The page is still all zero: nothing was written into it. */
	for (uint64_t i = 0; i < EXO_PGSIZE; i++)
		CHECK(((volatile uint8_t *)page)[i] == 0);

	CHECK_EQ(page_unmap(page - EXO_PGSIZE, 2), 1);
	CHECK_EQ(exo_cap_delete(ro), 0);
	CHECK_EQ(exo_cap_delete(rw), 0);
	CHECK_EQ(exo_cap_delete((uint64_t)sr), 0);
	CHECK_EQ(exo_cap_delete((uint64_t)sw), 0);
	CHECK_EQ(exo_cons_write((uint64_t)sw, msg, 1), EXO_ECAP);
	printf("t_console: slots, rights and buffers checked\n");
	return 0;
}
