/*
 * The physical page allocator.  Free pages sit on a doubly linked list so a
 * specific page can be taken by number (a library OS may choose its pages,
 * e.g. for cache colouring) in constant time, and on a bitmap that every
 * environment sees read-only at EXO_UFREEMAP.  The two always agree: a page
 * is on the list exactly when its bit is set and its kind is PG_FREE.
 */
#include "arch.h"
#include "bootinfo.h"
#include "env.h"
#include "kern.h"
#include "pmem.h"

#define NIL PG_NIL

struct page *pages;
uint64_t npages;
struct exo_info *info;
uint64_t info_pa;
uint64_t freemap_pa, freemap_npages;
static uint64_t *freemap;
static uint32_t free_head = NIL;

/* Takes ppn off its owner's list; a page owed to a request counts as paid. */
static void
disown(uint64_t ppn)
{
	struct page *p = &pages[ppn];
	struct env *o = &envs[p->owner];

	if (p->owner == 0)
		return;
	if (p->prev != NIL)
		pages[p->prev].next = p->next;
	else
		o->owned_head = p->next;
	if (p->next != NIL)
		pages[p->next].prev = p->prev;
	else
		o->owned_tail = p->prev;
	o->self->owned--;
	if (p->flags & PGF_GUARANTEED)
		o->self->guaranteed--;
	p->flags &= ~PGF_GUARANTEED;
	p->owner = 0;
}

void
pmem_set_owner(uint64_t ppn, struct env *o)
{
	struct page *p = &pages[ppn];

	disown(ppn);
	if (o == NULL)
		return;
	/* Oldest first: the abort protocol takes pages in that order. */
	p->owner = ENVX(o->id);
	p->next = NIL;
	p->prev = o->owned_tail;
	if (o->owned_tail != NIL)
		pages[o->owned_tail].next = (uint32_t)ppn;
	else
		o->owned_head = (uint32_t)ppn;
	o->owned_tail = (uint32_t)ppn;
	o->self->owned++;
}

/* Marks or clears a page its owner cannot lose to the abort protocol. */
int
pmem_guarantee(uint64_t ppn, int on)
{
	struct page *p = &pages[ppn];
	struct env *o = &envs[p->owner];

	if (!on) {
		if (p->flags & PGF_GUARANTEED)
			o->self->guaranteed--;
		p->flags &= ~PGF_GUARANTEED;
		return 0;
	}
	if (p->flags & PGF_GUARANTEED)
		return 0;
	if (o->self->guaranteed >= info->guarantee_max)
		return EXO_ELIMIT;
	p->flags |= PGF_GUARANTEED;
	o->self->guaranteed++;
	return 0;
}

static void
free_push(uint64_t ppn)
{
	struct page *p = &pages[ppn];

	if (p->owner) {
		struct exo_self *s = envs[p->owner].self;
		if (s->revoke_pages)
			s->revoke_pages--;
		disown(ppn);
	}
	p->kind = PG_FREE;
	p->flags = 0;
	p->refs = 0;
	p->prev = NIL;
	p->next = free_head;
	if (free_head != NIL)
		pages[free_head].prev = (uint32_t)ppn;
	free_head = (uint32_t)ppn;
	freemap[ppn / 64] |= 1UL << (ppn % 64);
	info->free_pages++;
}

static void
free_take(uint64_t ppn, uint32_t kind)
{
	struct page *p = &pages[ppn];

	assert(p->kind == PG_FREE);
	if (p->prev != NIL)
		pages[p->prev].next = p->next;
	else
		free_head = p->next;
	if (p->next != NIL)
		pages[p->next].prev = p->prev;
	p->kind = kind;
	p->refs = 0;
	freemap[ppn / 64] &= ~(1UL << (ppn % 64));
	info->free_pages--;
	memset(arch_kva(ppn << PGSHIFT), 0, PGSIZE);
}

void
pmem_init(const struct bootinfo *bi)
{
	npages = bi->max_pa >> PGSHIFT;
	uint64_t bytes = ROUNDUP(npages * sizeof(struct page), PGSIZE);
	uint64_t pa = boot_alloc_page();
	for (uint64_t off = PGSIZE; off < bytes; off += PGSIZE)
		boot_alloc_page();
	pages = arch_kva(pa);

	freemap_npages = ROUNDUP(npages, 8 * PGSIZE) / (8 * PGSIZE);
	if (freemap_npages * PGSIZE > EXO_UFREEMAP_MAX)
		panic("pmem: %lu pages of RAM; the free map holds at most %lu",
		    npages, EXO_UFREEMAP_MAX * 8);
	freemap_pa = boot_alloc_page();
	for (uint64_t i = 1; i < freemap_npages; i++)
		boot_alloc_page();
	freemap = arch_kva(freemap_pa);
	info_pa = boot_alloc_page();
	info = arch_kva(info_pa);
	info->magic = EXO_INFO_MAGIC;
	info->npages = npages;

	/* Everything is reserved until a RAM range says otherwise. */
	for (uint64_t i = 0; i < npages; i++)
		pages[i] = (struct page){ 1, PG_RESERVED, 0, NIL, NIL, 0 };
	uint64_t first = boot_alloc_page() >> PGSHIFT; /* the boot pages end here */
	uint64_t nfree = 0;
	for (uint64_t r = bi->nranges; r-- > 0;) {
		uint64_t lo = ROUNDUP(bi->ram[r].start, PGSIZE) >> PGSHIFT;
		uint64_t hi = bi->ram[r].end >> PGSHIFT;
		for (uint64_t ppn = hi; ppn-- > lo;)
			if (ppn > first) {
				free_push(ppn);
				nfree++;
			}
	}
	kprintf("pmem: %lu MiB of RAM, %lu pages free\n",
	    npages * PGSIZE >> 20, nfree);
}

/*
 * Takes page ppn, or any page if ppn is EXO_PPN_ANY, for user mappings,
 * owned by owner (may be NULL).
 */
int64_t
pmem_alloc_user(uint64_t ppn, struct env *owner)
{
	if (ppn == EXO_PPN_ANY) {
		if (free_head == NIL)
			return EXO_ENOMEM;
		ppn = free_head;
	} else if (ppn >= npages || pages[ppn].kind == PG_RESERVED) {
		return EXO_ERANGE;
	} else if (pages[ppn].kind != PG_FREE) {
		return EXO_EBUSY;
	}
	free_take(ppn, PG_USER);
	pmem_set_owner(ppn, owner);
	return (int64_t)ppn;
}

/* Returns the physical address of a zeroed kernel page, or 0 if none. */
uint64_t
pmem_alloc_kernel(void)
{
	if (free_head == NIL)
		return 0;
	uint64_t ppn = free_head;
	free_take(ppn, PG_KERNEL);
	return ppn << PGSHIFT;
}

void
pmem_free_kernel(uint64_t pa)
{
	uint64_t ppn = pa >> PGSHIFT;

	assert(ppn < npages && pages[ppn].kind == PG_KERNEL);
	free_push(ppn);
}

int
pmem_is_user(uint64_t ppn)
{
	return ppn < npages && pages[ppn].kind == PG_USER;
}

void
pmem_incref(uint64_t ppn)
{
	assert(ppn < npages);
	if (pages[ppn].kind == PG_RESERVED)
		return;
	assert(pages[ppn].kind == PG_USER);
	pages[ppn].refs++;
}

void
pmem_decref(uint64_t ppn)
{
	assert(ppn < npages);
	if (pages[ppn].kind == PG_RESERVED)
		return;
	assert(pages[ppn].kind == PG_USER && pages[ppn].refs > 0);
	if (--pages[ppn].refs == 0)
		free_push(ppn);
}

void
pmem_decref_pa(uint64_t pa)
{
	pmem_decref(pa >> PGSHIFT);
}
