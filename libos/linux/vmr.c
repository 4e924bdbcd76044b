/*
 * Demand-zero memory: the ranges a program has mapped but not yet
 * touched.  mmap and brk only record a range here; the first touch of a
 * page faults (not present), and the fault handler finds the range and
 * binds a fresh zeroed page with the range's protection.  A system call
 * that is handed a pointer into such a range fills it the same way
 * (linux_uok), so the program never sees the difference.
 *
 * The ranges are sorted, never overlap, and live in pages of their own at
 * VMR_VA (fork copies them with the runtime's state, so a child's
 * untouched pages are demand-zero too: zero in both, and separate).
 */
#include "../exos.h"
#include "../internal.h"
#include "linux.h"

struct vmr {
	uint64_t start, end; /* page-aligned */
	uint32_t perm;       /* EXO_PERM_* */
	uint32_t pad;
};

static struct vmr *const vmrs = (struct vmr *)VMR_VA;
static uint64_t nvmr, vmr_cap; /* in use; room for, in mapped pages */

static int
room(uint64_t more)
{
	while (nvmr + more > vmr_cap) {
		uint64_t bytes = vmr_cap * sizeof(struct vmr);
		if (bytes + 16 * EXO_PGSIZE > VMR_SIZE)
			return -1;
		exo_slot_t first;
		if (page_alloc_map(VMR_VA + bytes, 16, EXO_PERM_W, &first) < 0)
			return -1;
		for (uint64_t i = 0; i < 16; i++)
			pagemap_set(VMR_VA + bytes + i * EXO_PGSIZE, first + i);
		vmr_cap += 16 * EXO_PGSIZE / sizeof(struct vmr);
	}
	return 0;
}

/* The index of the first range ending after va. */
static uint64_t
first_after(uint64_t va)
{
	uint64_t lo = 0, hi = nvmr;

	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;
		if (vmrs[mid].end <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Removes [start, end) from the ranges, splitting those it cuts. */
int
vmr_remove(uint64_t start, uint64_t end)
{
	if (room(1) < 0)
		return -1;
	for (uint64_t i = first_after(start); i < nvmr && vmrs[i].start < end;) {
		struct vmr *r = &vmrs[i];
		if (r->start < start && r->end > end) {
			/* A hole in the middle: two ranges. */
			memmove(r + 1, r, (nvmr - i) * sizeof(*r));
			nvmr++;
			r[0].end = start;
			r[1].start = end;
			return 0;
		}
		if (r->start < start) {
			r->end = start;
			i++;
		} else if (r->end > end) {
			r->start = end;
			i++;
		} else {
			memmove(r, r + 1, (nvmr - i - 1) * sizeof(*r));
			nvmr--;
		}
	}
	return 0;
}

/* Records [start, end) as demand-zero with perm (replacing what was). */
int
vmr_add(uint64_t start, uint64_t end, int perm)
{
	if (start >= end)
		return 0;
	if (vmr_remove(start, end) < 0 || room(1) < 0)
		return -1;
	uint64_t i = first_after(start);
	memmove(&vmrs[i + 1], &vmrs[i], (nvmr - i) * sizeof(struct vmr));
	vmrs[i] = (struct vmr){ start, end, (uint32_t)perm, 0 };
	nvmr++;
	return 0;
}

/* Splits range i at va (inside it): [start, va) stays i. */
static int
split(uint64_t i, uint64_t va)
{
	if (room(1) < 0)
		return -1;
	memmove(&vmrs[i + 1], &vmrs[i], (nvmr - i) * sizeof(struct vmr));
	nvmr++;
	vmrs[i].end = va;
	vmrs[i + 1].start = va;
	return 0;
}

/* Sets the protection future pages of [start, end) get. */
int
vmr_protect(uint64_t start, uint64_t end, int perm)
{
	for (uint64_t i = first_after(start); i < nvmr && vmrs[i].start < end; i++) {
		if (vmrs[i].start < start) {
			if (split(i, start) < 0)
				return -1;
			continue; /* the part from start is next */
		}
		if (vmrs[i].end > end && split(i, end) < 0)
			return -1;
		vmrs[i].perm = (uint32_t)perm;
	}
	return 0;
}

/* Does a recorded range cover va?  Its protection in *perm. */
int
vmr_covers(uint64_t va, int *perm)
{
	uint64_t i = first_after(va);

	if (i == nvmr || vmrs[i].start > va)
		return 0;
	*perm = (int)vmrs[i].perm;
	return 1;
}

/*
 * Is every page of [start, end) either mapped or demand-zero?  (mprotect
 * and munmap on Linux fail on holes.)
 */
int
vmr_all_mapped(uint64_t start, uint64_t end)
{
	int perm;

	for (uint64_t va = start; va < end; va += EXO_PGSIZE)
		if (!(exos_pte(va) & EXO_PTE_P) && !vmr_covers(va, &perm))
			return 0;
	return 1;
}

/*
 * A touch of a page that is not there: if a range covers it, a fresh
 * zeroed page.  Returns 0 if it was that, -1 if not (a real fault).
 */
int
vmr_fault(uint64_t addr)
{
	uint64_t va = addr & ~(EXO_PGSIZE - 1);
	exo_slot_t s;
	int perm;

	if (addr >= EXO_ULIM || (exos_pte(va) & EXO_PTE_P) || !vmr_covers(va, &perm))
		return -1;
	int64_t r;
	/* EXO_EAGAIN: pages are being asked back from someone; wait. */
	for (int tries = 0; (r = page_alloc_map(va, 1, perm, &s)) == EXO_EAGAIN &&
	     tries < 100000; tries++)
		exo_yield(EXO_ENV_ANY);
	if (r < 0)
		return -1;
	if (pagemap_set(va, s) < 0) {
		page_unmap(va, 1);
		exo_cap_delete(s);
		slot_free(s);
		return -1;
	}
	return 0;
}
