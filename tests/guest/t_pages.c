/*
 * Looks for physical-page allocator bugs: a page handed out that the free
 * map or the free count still shows as free (or that is not zeroed), a page
 * taken by number that is not the one asked for or already belongs to
 * someone, numbers past the end of RAM accepted, a non-empty destination
 * slot overwritten, and pages that are not freed (or freed too early)
 * when their last capability and mapping go; and a program whose code is
 * not the boot image's shared, unwritable page.
 */
#include "internal.h"
#include "tutil.h"

#define VA (TEST_VA + 0x200000)

static void
check_page_cap(uint64_t slot, uint64_t ppn)
{
	struct exo_capinfo ci;

	CHECK_EQ(exo_cap_info(slot, &ci), 0);
	CHECK_EQ(ci.type, EXO_CAP_PAGE);
	CHECK_EQ(ci.rights, EXO_R_READ | EXO_R_WRITE | EXO_R_EXEC | EXO_R_GRANT);
	CHECK_EQ(ci.name, ppn);
}

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct exo_capinfo ci;
	uint64_t npages = EXO_INFO->npages;

	CHECK_EQ(EXO_INFO->magic, EXO_INFO_MAGIC);
	CHECK(npages > 0 && EXO_INFO->free_pages < npages);
	prepare_tables(VA);

	int64_t s1 = slot_alloc(), s2 = slot_alloc(), s3 = slot_alloc();
	CHECK(s1 >= 0 && s2 >= 0 && s3 >= 0);

	/* Any page: off the free map, one fewer free. */
	uint64_t before = EXO_INFO->free_pages;
	int64_t ppn = exo_page_alloc((uint64_t)s1, EXO_PPN_ANY);
	CHECK(ppn > 0 && (uint64_t)ppn < npages);
	CHECK_EQ(freemap_bit((uint64_t)ppn), 0);
	CHECK_EQ(EXO_INFO->free_pages, before - 1);
	check_page_cap((uint64_t)s1, (uint64_t)ppn);

	/* Zeroed, and ours: write it full, free it, take it back by number. */
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, VA, (uint64_t)s1, 1, EXO_PT_MAP, EXO_PERM_W, 0),
	    1);
	CHECK_EQ(EXO_INFO->free_pages, before - 1); /* mapping takes no page */
	volatile uint64_t *p = (volatile uint64_t *)VA;
	for (uint64_t i = 0; i < EXO_PGSIZE / 8; i++)
		CHECK(p[i] == 0);
	for (uint64_t i = 0; i < EXO_PGSIZE / 8; i++)
		p[i] = 0xa5a5a5a5a5a5a5a5UL ^ i;
	/* The capability goes first: the mapping keeps the page alive. */
	CHECK_EQ(exo_cap_delete((uint64_t)s1), 0);
	CHECK_EQ(exo_cap_info((uint64_t)s1, &ci), EXO_ECAP);
	CHECK_EQ(EXO_INFO->free_pages, before - 1);
	CHECK_EQ(freemap_bit((uint64_t)ppn), 0);
	CHECK_EQ(p[7], 0xa5a5a5a5a5a5a5a5UL ^ 7);
	CHECK_EQ(page_unmap(VA, 1), 1);
	CHECK_EQ(EXO_INFO->free_pages, before);
	CHECK_EQ(freemap_bit((uint64_t)ppn), 1);
	/* By number: exactly that page, cleared. */
	CHECK_EQ(exo_page_alloc((uint64_t)s1, (uint64_t)ppn), ppn);
	CHECK_EQ(freemap_bit((uint64_t)ppn), 0);
	CHECK_EQ(EXO_INFO->free_pages, before - 1);
	check_page_cap((uint64_t)s1, (uint64_t)ppn);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, VA, (uint64_t)s1, 1, EXO_PT_MAP, 0, 0), 1);
	CHECK_EQ(exos_pte(VA) & EXO_PTE_ADDR, (uint64_t)ppn << 12);
	for (uint64_t i = 0; i < EXO_PGSIZE / 8; i++)
		CHECK(p[i] == 0);
	CHECK_EQ(page_unmap(VA, 1), 1);

	/* The same page again: taken.  Nothing changes. */
	CHECK_EQ(exo_page_alloc((uint64_t)s2, (uint64_t)ppn), EXO_EBUSY);
	CHECK_EQ(exo_cap_info((uint64_t)s2, &ci), EXO_ECAP);
	CHECK_EQ(EXO_INFO->free_pages, before - 1);

	/* A free page picked from the free map, from the top end. */
	uint64_t want = npages - 1;
	while (want > 0 && !freemap_bit(want))
		want--;
	CHECK(want > 0);
	CHECK_EQ(exo_page_alloc((uint64_t)s2, want), (int64_t)want);
	CHECK_EQ(freemap_bit(want), 0);
	CHECK_EQ(EXO_INFO->free_pages, before - 2);
	check_page_cap((uint64_t)s2, want);
	CHECK_EQ(exo_page_alloc((uint64_t)s3, want), EXO_EBUSY);

	/* Into a slot that is not empty: the slot keeps its capability and
	 * no page is taken, by number or not. */
	uint64_t other = want - 1;
	while (other > 0 && !freemap_bit(other))
		other--;
	CHECK(other > 0);
	CHECK_EQ(exo_page_alloc((uint64_t)s2, EXO_PPN_ANY), EXO_EBUSY);
	CHECK_EQ(exo_page_alloc((uint64_t)s2, other), EXO_EBUSY);
	CHECK_EQ(exo_page_alloc(EXO_SLOT_CONSOLE, EXO_PPN_ANY), EXO_EBUSY);
	CHECK_EQ(freemap_bit(other), 1);
	CHECK_EQ(EXO_INFO->free_pages, before - 2);
	check_page_cap((uint64_t)s2, want);
	CHECK_EQ(exo_cap_info(EXO_SLOT_CONSOLE, &ci), 0);
	CHECK_EQ(ci.type, EXO_CAP_CONSOLE);

	/* Numbers that are not pages of RAM. */
	CHECK_EQ(exo_page_alloc((uint64_t)s3, npages), EXO_ERANGE);
	CHECK_EQ(exo_page_alloc((uint64_t)s3, npages + 1), EXO_ERANGE);
	CHECK_EQ(exo_page_alloc((uint64_t)s3, 1UL << 40), EXO_ERANGE);
	CHECK_EQ(exo_page_alloc((uint64_t)s3, EXO_PPN_ANY - 1), EXO_ERANGE);
	CHECK_EQ(exo_page_alloc((uint64_t)s3, 1UL << 63), EXO_ERANGE);
	CHECK_EQ(exo_cap_info((uint64_t)s3, &ci), EXO_ECAP);
	/* Page 0 is firmware's, never RAM the allocator owns. */
	CHECK_EQ(freemap_bit(0), 0);
	int64_t r0 = exo_page_alloc((uint64_t)s3, 0);
	CHECK(r0 == EXO_ERANGE || r0 == EXO_EBUSY);
	/* Kernel pages: our own page tables and self page. */
	uint64_t pml4e = ((const volatile uint64_t *)EXO_UVPML4)[VA >> 39];
	CHECK(pml4e & EXO_PTE_P);
	CHECK_EQ(exo_page_alloc((uint64_t)s3, (pml4e & EXO_PTE_ADDR) >> 12), EXO_EBUSY);
	uint64_t selfe = ((const volatile uint64_t *)EXO_UVPT)[EXO_USELF >> 12];
	CHECK_EQ(exo_page_alloc((uint64_t)s3, (selfe & EXO_PTE_ADDR) >> 12), EXO_EBUSY);
	/* A page of our own data, allocated for us by our parent. */
	static volatile uint64_t datum = 1;
	uint64_t data = exos_pte((uint64_t)&datum);
	CHECK(data & EXO_PTE_P);
	CHECK_EQ(exo_page_alloc((uint64_t)s3, (data & EXO_PTE_ADDR) >> 12), EXO_EBUSY);
	/*
	 * A page of our code: the boot image's own page, shared by every
	 * program run from it (spawn.c), which we may neither write nor make
	 * writable, and which is not RAM the allocator hands out.
	 */
	uint64_t code = exos_pte((uint64_t)main), img0;
	struct exo_capinfo ici;
	CHECK(code & EXO_PTE_P);
	CHECK(!(code & (EXO_PTE_W | EXO_PTE_MAYW)));
	CHECK_EQ(exo_cap_info(EXOS_IMG_SLOT0, &ici), 0);
	img0 = ici.name;
	CHECK((code & EXO_PTE_ADDR) >> 12 >= img0 &&
	    (code & EXO_PTE_ADDR) >> 12 < img0 + EXO_INFO->bootimg_pages);
	CHECK_EQ(ici.rights, EXO_R_READ | EXO_R_EXEC | EXO_R_GRANT);
	CHECK_EQ(page_protect((uint64_t)main & ~(EXO_PGSIZE - 1), 1,
	    EXO_PERM_W | EXO_PERM_X), EXO_EPERM);
	CHECK_EQ(exo_page_alloc((uint64_t)s3, (code & EXO_PTE_ADDR) >> 12), EXO_ERANGE);
	/* Bad destination slots take no page. */
	CHECK_EQ(exo_page_alloc(EXO_NSLOTS, EXO_PPN_ANY), EXO_ERANGE);
	CHECK_EQ(exo_page_alloc(~0UL, EXO_PPN_ANY), EXO_ERANGE);
	CHECK_EQ(exo_page_alloc(EXO_NSLOTS, other), EXO_ERANGE);
	CHECK_EQ(freemap_bit(other), 1);
	CHECK_EQ(EXO_INFO->free_pages, before - 2);

	/* A copy keeps the page alive; the last capability frees it. */
	CHECK_EQ(exo_cap_copy((uint64_t)s2, EXO_SLOT_SELF, (uint64_t)s3, EXO_R_READ), 0);
	CHECK_EQ(exo_cap_delete((uint64_t)s2), 0);
	CHECK_EQ(freemap_bit(want), 0);
	CHECK_EQ(EXO_INFO->free_pages, before - 2);
	CHECK_EQ(exo_cap_delete((uint64_t)s3), 0);
	CHECK_EQ(freemap_bit(want), 1);
	CHECK_EQ(EXO_INFO->free_pages, before - 1);
	CHECK_EQ(exo_cap_delete((uint64_t)s1), 0);
	CHECK_EQ(freemap_bit((uint64_t)ppn), 1);
	CHECK_EQ(EXO_INFO->free_pages, before);
	CHECK_EQ(exo_cap_delete((uint64_t)s1), EXO_ECAP);

	/* The free map agrees with the count. */
	uint64_t bits = 0;
	for (uint64_t i = 0; i < npages; i++)
		bits += (uint64_t)freemap_bit(i);
	CHECK_EQ(bits, EXO_INFO->free_pages);

	slot_free((uint64_t)s1);
	slot_free((uint64_t)s2);
	slot_free((uint64_t)s3);
	printf("t_pages: allocation, zeroing, numbers and freeing checked\n");
	return 0;
}
