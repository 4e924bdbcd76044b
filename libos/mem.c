/*
 * Pages for the program itself: allocate, bind, protect and unbind, each a
 * single batched kernel call however many pages it covers; and reading our
 * own page-table entries straight from the kernel's read-only view.
 */
#include "exos.h"

#define UVPT ((const volatile uint64_t *)EXO_UVPT)
#define UVPD ((const volatile uint64_t *)EXO_UVPD)
#define UVPDP ((const volatile uint64_t *)EXO_UVPDP)
#define UVPML4 ((const volatile uint64_t *)EXO_UVPML4)

uint64_t
exos_pte(uint64_t va)
{
	if (va >= EXO_ULIM)
		return 0;
	if (!(UVPML4[va >> 39] & EXO_PTE_P) || !(UVPDP[va >> 30] & EXO_PTE_P) ||
	    !(UVPD[va >> 21] & EXO_PTE_P))
		return 0;
	return UVPT[va >> 12];
}

/*
 * The bitwise OR of the entries for npages pages from va: a whole range
 * asked about at once (is any page present, copy-on-write, ...?), checking
 * the upper levels once per page table rather than once per page.
 */
uint64_t
exos_pte_or(uint64_t va, uint64_t npages)
{
	uint64_t acc = 0;

	while (npages > 0 && va < EXO_ULIM) {
		uint64_t n = 512 - ((va >> 12) & 511); /* to this table's end */
		if (n > npages)
			n = npages;
		if ((UVPML4[va >> 39] & EXO_PTE_P) && (UVPDP[va >> 30] & EXO_PTE_P) &&
		    (UVPD[va >> 21] & EXO_PTE_P))
			for (uint64_t i = 0; i < n; i++)
				acc |= UVPT[(va >> 12) + i];
		va += n * EXO_PGSIZE;
		npages -= n;
	}
	return acc;
}

static int64_t
pt_one(uint64_t va, uint64_t slot, uint64_t npages, int op, int perm)
{
	struct exo_ptop o = {
		.va = va, .slot = slot, .npages = (uint32_t)npages,
		.op = (uint8_t)op, .perm = (uint8_t)perm,
	};

	if (npages == 0 || npages > 0xffffffffUL)
		return EXO_EINVAL;
	return exo_pt_batch(EXO_SLOT_VSPACE, &o, 1);
}

/*
 * Allocates npages fresh pages into consecutive slots and binds them at va.
 * On failure nothing is left allocated.  *first gets the first slot.
 */
int64_t
page_alloc_map(uint64_t va, uint64_t npages, int perm, exo_slot_t *first)
{
	int64_t s = slot_alloc_range(npages), r = 0;
	uint64_t i;

	if (s < 0)
		return s;
	for (i = 0; i < npages; i++)
		if ((r = exo_page_alloc((uint64_t)s + i, EXO_PPN_ANY)) < 0)
			goto fail;
	if ((r = pt_one(va, (uint64_t)s, npages, EXO_PT_MAP, perm)) < 0)
		goto fail;
	if (first)
		*first = (uint64_t)s;
	return 0;
fail:
	while (i-- > 0)
		exo_cap_delete((uint64_t)s + i);
	slot_free_range((uint64_t)s, npages);
	return r;
}

int64_t
page_unmap(uint64_t va, uint64_t npages)
{
	return pt_one(va, 0, npages, EXO_PT_UNMAP, 0);
}

int64_t
page_protect(uint64_t va, uint64_t npages, int perm)
{
	return pt_one(va, 0, npages, EXO_PT_PROT, perm);
}

uint64_t
time_ns(void)
{
	uint64_t d = rdtsc() - EXO_INFO->boot_tsc, hz = EXO_INFO->tsc_hz;

	/* In two parts so nothing overflows for counters below ~18 GHz. */
	return d / hz * 1000000000UL + d % hz * 1000000000UL / hz;
}

uint64_t
tsc_after_ns(uint64_t ns)
{
	uint64_t hz = EXO_INFO->tsc_hz;

	return rdtsc() + ns / 1000000000UL * hz + ns % 1000000000UL * hz / 1000000000UL;
}

int64_t
exos_sleep_change(const volatile uint64_t *word, uint64_t seen,
    uint64_t deadline_tsc)
{
	struct exo_wake w[2] = {
		{ (uint64_t)word, seen, EXO_WAKE_NE, 0 },
		{ 0, deadline_tsc, EXO_WAKE_TSC, 0 },
	};

	return exo_sleep(w, deadline_tsc ? 2 : 1);
}
