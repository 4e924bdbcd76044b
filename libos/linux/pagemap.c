/*
 * Which capability slot holds the page mapped at each address: the
 * runtime's map from virtual page to slot.  fork needs it to bind a page
 * into the child (and to give the child a capability for it, in the same
 * slot, so that the child's map is right as copied); munmap to give a page
 * back; a copy-on-write fault to drop its hold on the shared original.
 *
 * Open addressing over 64-bit entries (vpn << 24 | slot; 0 empty, 1 a
 * removed entry), in pages of its own at PAGEMAP_VA; it doubles into the
 * other half of its region when half full.  Its own pages are in it too,
 * so that fork copies them like any page.  fork copies this region at once
 * (copy_now in process.c): the runtime writes it from its handlers.
 */
#include "../exos.h"
#include "../internal.h"
#include "linux.h"

#define EMPTY 0UL
#define GONE 1UL
#define SLOTBITS 24

static uint64_t *table;
static uint64_t cap, used, gone; /* entries; live; removed */
static int half;                 /* which half of the region table is in */
static int adopted = 1;          /* the spawner's pages are in (pagemap_init) */

static uint64_t
hash(uint64_t vpn)
{
	return (vpn * 0x9e3779b97f4a7c15UL) >> 17;
}

/* Fresh pages for a table of n entries at va; their first slot. */
static int64_t
table_pages(uint64_t va, uint64_t n)
{
	uint64_t npages = n * 8 / EXO_PGSIZE;
	int64_t s = slot_alloc_range(npages);

	if (s < 0)
		return s;
	for (uint64_t i = 0; i < npages; i++)
		if (exo_page_alloc((uint64_t)s + i, EXO_PPN_ANY) < 0)
			goto fail;
	struct exo_ptop o = { va, (uint64_t)s, (uint32_t)npages, EXO_PT_MAP,
		EXO_PERM_W, 0, 0 };
	if (exo_pt_batch(EXO_SLOT_VSPACE, &o, 1) < 0)
		goto fail;
	return s;
fail:
	for (uint64_t i = 0; i < npages; i++)
		exo_cap_delete((uint64_t)s + i);
	slot_free_range((uint64_t)s, npages);
	return -1;
}

static void
put(uint64_t *t, uint64_t c, uint64_t vpn, uint64_t slot)
{
	for (uint64_t i = hash(vpn) & (c - 1);; i = (i + 1) & (c - 1)) {
		if (t[i] == EMPTY || t[i] == GONE || t[i] >> SLOTBITS == vpn) {
			t[i] = vpn << SLOTBITS | slot;
			return;
		}
	}
}

static int
grow(void)
{
	uint64_t ncap = cap ? cap * 2 : 4096;
	uint64_t va = PAGEMAP_VA + (uint64_t)(1 - half) * (PAGEMAP_SIZE / 2);
	int64_t s;

	if (ncap * 8 > PAGEMAP_SIZE / 2 || (s = table_pages(va, ncap)) < 0)
		return -1;
	uint64_t *nt = (uint64_t *)va;
	for (uint64_t i = 0; i < cap; i++)
		if (table[i] != EMPTY && table[i] != GONE)
			put(nt, ncap, table[i] >> SLOTBITS, table[i] & ((1UL << SLOTBITS) - 1));
	for (uint64_t i = 0; i < ncap * 8 / EXO_PGSIZE; i++)
		put(nt, ncap, (va >> EXO_PGSHIFT) + i, (uint64_t)s + i);
	if (table) {
		/* The old table's pages go, and their entries with them. */
		uint64_t oldva = (uint64_t)table, n = cap * 8 / EXO_PGSIZE;
		for (uint64_t i = 0; i < n; i++) {
			uint64_t vpn = (oldva >> EXO_PGSHIFT) + i;
			for (uint64_t k = hash(vpn) & (ncap - 1);; k = (k + 1) & (ncap - 1)) {
				if (nt[k] >> SLOTBITS == vpn) {
					exo_cap_delete(nt[k] & ((1UL << SLOTBITS) - 1));
					slot_free(nt[k] & ((1UL << SLOTBITS) - 1));
					nt[k] = GONE;
					break;
				}
			}
		}
		page_unmap(oldva, n);
	}
	table = nt;
	half = 1 - half;
	cap = ncap;
	used = 0;
	gone = 0;
	for (uint64_t i = 0; i < cap; i++) {
		used += table[i] != EMPTY && table[i] != GONE;
		gone += table[i] == GONE;
	}
	return 0;
}

int
pagemap_set(uint64_t va, exo_slot_t slot)
{
	if ((used + gone + 1) * 2 > cap && grow() < 0)
		return -1;
	uint64_t vpn = va >> EXO_PGSHIFT;
	for (uint64_t i = hash(vpn) & (cap - 1);; i = (i + 1) & (cap - 1)) {
		if (table[i] >> SLOTBITS == vpn && table[i] != GONE) {
			table[i] = vpn << SLOTBITS | slot;
			return 0;
		}
		if (table[i] == EMPTY) {
			/* Not present: reuse the first removed entry on the way? */
			table[i] = vpn << SLOTBITS | slot;
			used++;
			return 0;
		}
	}
}

int64_t
pagemap_get(uint64_t va)
{
	if (!adopted && pagemap_adopt() < 0)
		return -1;
	return pagemap_peek(va);
}

/*
 * The same without looking up the spawner's pages first: right for pages
 * the runtime bound itself (demand-zero ones), and it allocates nothing,
 * which revocation, answered when memory is short, needs.
 */
int64_t
pagemap_peek(uint64_t va)
{
	uint64_t vpn = va >> EXO_PGSHIFT;

	if (cap == 0)
		return -1;
	for (uint64_t i = hash(vpn) & (cap - 1);; i = (i + 1) & (cap - 1)) {
		if (table[i] == EMPTY)
			return -1;
		if (table[i] != GONE && table[i] >> SLOTBITS == vpn)
			return (int64_t)(table[i] & ((1UL << SLOTBITS) - 1));
	}
}

/* (A spawner's page not looked up yet needs no removal: once gone from
 * the page table, pagemap_adopt does not find it.) */
void
pagemap_del(uint64_t va)
{
	uint64_t vpn = va >> EXO_PGSHIFT;

	if (cap == 0)
		return;
	for (uint64_t i = hash(vpn) & (cap - 1);; i = (i + 1) & (cap - 1)) {
		if (table[i] == EMPTY)
			return;
		if (table[i] != GONE && table[i] >> SLOTBITS == vpn) {
			table[i] = GONE;
			used--;
			gone++;
			return;
		}
	}
}

/*
 * Gives back the page at va: unmapped, our capability deleted (the page
 * is freed if nobody else maps it).  Pages we hold no slot for are only
 * unmapped.
 */
void
pagemap_release(uint64_t va)
{
	int64_t s = pagemap_get(va);

	page_unmap(va, 1);
	if (s >= 0) {
		exo_cap_delete((uint64_t)s);
		slot_free((uint64_t)s);
		pagemap_del(va);
	}
}

#define UVPT ((const volatile uint64_t *)EXO_UVPT)
#define UVPD ((const volatile uint64_t *)EXO_UVPD)
#define UVPDP ((const volatile uint64_t *)EXO_UVPDP)
#define UVPML4 ((const volatile uint64_t *)EXO_UVPML4)

/* Calls fn for every page mapped in the user half. */
int
pagemap_walk(int (*fn)(uint64_t va, uint64_t pte, void *arg), void *arg)
{
	for (uint64_t a = 0; a < (EXO_ULIM >> 39); a++) {
		if (!(UVPML4[a] & EXO_PTE_P))
			continue;
		for (uint64_t b = a << 9; b < (a + 1) << 9; b++) {
			if (!(UVPDP[b] & EXO_PTE_P))
				continue;
			for (uint64_t d = b << 9; d < (b + 1) << 9; d++) {
				if (!(UVPD[d] & EXO_PTE_P))
					continue;
				for (uint64_t t = d << 9; t < (d + 1) << 9; t++) {
					uint64_t pte = UVPT[t];
					int r;
					if ((pte & EXO_PTE_P) &&
					    (r = fn(t << EXO_PGSHIFT, pte, arg)) < 0)
						return r;
				}
			}
		}
	}
	return 0;
}

struct bypage {
	uint64_t *t, cap;
};

static int
match(uint64_t va, uint64_t pte, void *arg)
{
	struct bypage *b = arg;
	uint64_t ppn = (pte & EXO_PTE_ADDR) >> EXO_PGSHIFT;

	if (va >= PAGEMAP_VA && va < PAGEMAP_VA + PAGEMAP_SIZE)
		return 0; /* our own tables */
	if (pagemap_peek(va) >= 0)
		return 0; /* bound since we started: that entry is newer */
	for (uint64_t i = hash(ppn) & (b->cap - 1); b->t[i] != EMPTY;
	     i = (i + 1) & (b->cap - 1))
		if (b->t[i] >> SLOTBITS == ppn)
			return pagemap_set(va, b->t[i] & ((1UL << SLOTBITS) - 1));
	return 0;
}

/*
 * At start, only the table: most programs run from exec never fork,
 * unmap or fault a copy, so the spawner's pages are looked up when the
 * map is first read (pagemap_adopt).
 */
int
pagemap_init(void)
{
	if (grow() < 0)
		return -1;
	adopted = exos_npages == 0;
	return 0;
}

/*
 * The pages the spawner gave us come with capabilities from
 * EXOS_PAGE_SLOT0 on, in no particular order of address.  A temporary
 * table by page number, then one walk of our page table, matches each to
 * the address it is mapped at (unless something newer is bound there).
 * Called before any reading of the map, and before a walk that binds
 * pages (fork) so that the temporary table is gone by then.
 */
int
pagemap_adopt(void)
{
	uint64_t n = exos_npages, tcap = 4096;
	int64_t ts;
	int r;

	if (adopted)
		return 0;
	adopted = 1;
	/* Room for them all now: the table must not move into the other
	 * half of the region, where the temporary one goes. */
	while ((used + gone + n + 1) * 2 > cap)
		if (grow() < 0)
			return -1;
	while (tcap < 2 * n)
		tcap *= 2;
	uint64_t tva = PAGEMAP_VA + (uint64_t)(1 - half) * (PAGEMAP_SIZE / 2);
	if ((ts = table_pages(tva, tcap)) < 0)
		return -1;
	struct bypage b = { (uint64_t *)tva, tcap };
	for (uint64_t i = 0; i < n; i++) {
		struct exo_capinfo ci;
		if (exo_cap_info(EXOS_PAGE_SLOT0 + i, &ci) == 0 &&
		    ci.type == EXO_CAP_PAGE)
			put(b.t, tcap, ci.name, EXOS_PAGE_SLOT0 + i);
	}
	r = pagemap_walk(match, &b);
	page_unmap(tva, tcap * 8 / EXO_PGSIZE);
	for (uint64_t i = 0; i < tcap * 8 / EXO_PGSIZE; i++)
		exo_cap_delete((uint64_t)ts + i);
	slot_free_range((uint64_t)ts, tcap * 8 / EXO_PGSIZE);
	return r;
}
