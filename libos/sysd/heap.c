/*
 * sysd's memory.  Small objects come from power-of-two size classes
 * carved out of pages at HEAP_VA; anything of a page or more, and every
 * file's contents, is a run of whole pages at its own place in the arena
 * (ARENA_VA), so that a file is one contiguous buffer sysd can execute
 * from.  Arena addresses are handed out once and not reused: 64 TiB of
 * address space outlasts any session, and a stale pointer then faults
 * rather than reads someone else's file.
 *
 * To give a run's pages back, sysd needs its capabilities: runs[] maps a
 * run's address to its first slot (page_alloc_map takes consecutive ones).
 */
#include "sysd.h"

#define HEAP_VA 0x0000100000000000UL
#define ARENA_VA 0x0000200000000000UL
#define ARENA_END 0x0000600000000000UL
#define RUNS_VA 0x00000f0000000000UL
#define NCLASS 8 /* 16 .. 2048 bytes */

struct run {
	uint64_t va, slot, npages;
};

static void *freelist[NCLASS];
static uint64_t heap_top = HEAP_VA, heap_mapped = HEAP_VA;
static uint64_t arena_top = ARENA_VA;
static struct run *runs = (struct run *)RUNS_VA;
static uint64_t nruns, runs_cap;

static int
class_of(size_t n)
{
	int c = 0;

	for (size_t s = 16; s < n; s <<= 1)
		c++;
	return c;
}

static int
runs_grow(void)
{
	uint64_t bytes = runs_cap * sizeof(struct run);

	if (page_alloc_map(RUNS_VA + bytes, 16, EXO_PERM_W, NULL) < 0)
		return -1;
	runs_cap += 16 * EXO_PGSIZE / sizeof(struct run);
	return 0;
}

static void *
run_alloc(uint64_t npages)
{
	exo_slot_t first;

	if (npages > (ARENA_END - arena_top) / EXO_PGSIZE)
		return NULL;
	if (nruns == runs_cap && runs_grow() < 0)
		return NULL;
	uint64_t va = arena_top;
	if (page_alloc_map(va, npages, EXO_PERM_W, &first) < 0)
		return NULL;
	arena_top += (npages + 1) * EXO_PGSIZE; /* a guard page between */
	runs[nruns++] = (struct run){ va, first, npages };
	return (void *)va;
}

static void
run_free(void *p)
{
	for (uint64_t i = nruns; i-- > 0;) {
		if (runs[i].va != (uint64_t)p)
			continue;
		page_unmap(runs[i].va, runs[i].npages);
		for (uint64_t k = 0; k < runs[i].npages; k++)
			exo_cap_delete(runs[i].slot + k);
		slot_free_range(runs[i].slot, runs[i].npages);
		runs[i] = runs[--nruns];
		return;
	}
}

void *
heap_alloc(size_t n)
{
	if (n == 0)
		n = 1;
	if (n > 2048)
		return run_alloc((n + EXO_PGSIZE - 1) / EXO_PGSIZE);
	int c = class_of(n);
	size_t size = (size_t)16 << c;
	if (freelist[c] == NULL) {
		if (heap_top + size > heap_mapped) {
			if (page_alloc_map(heap_mapped, 16, EXO_PERM_W, NULL) < 0)
				return NULL;
			heap_mapped += 16 * EXO_PGSIZE;
		}
		/* Carve one object; classes never straddle a refill. */
		void *p = (void *)heap_top;
		heap_top += size;
		return p;
	}
	void *p = freelist[c];
	freelist[c] = *(void **)p;
	return p;
}

void
heap_free(void *p, size_t n)
{
	if (p == NULL)
		return;
	if (n == 0)
		n = 1;
	if (n > 2048) {
		run_free(p);
		return;
	}
	int c = class_of(n);
	*(void **)p = freelist[c];
	freelist[c] = p;
}

void *
fs_malloc(size_t n)
{
	void *p = heap_alloc(n);

	if (p)
		memset(p, 0, n);
	return p;
}

void
fs_mfree(void *p, size_t n)
{
	heap_free(p, n);
}

void *
fs_data_alloc(size_t cap)
{
	return run_alloc(cap / EXO_PGSIZE);
}

void
fs_data_free(void *p, size_t cap)
{
	(void)cap;
	run_free(p);
}

uint64_t
fs_now_ns(void)
{
	return time_ns() + EXO_INFO->boot_epoch * 1000000000UL;
}
