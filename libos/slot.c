/*
 * The library OS's allocator of capability slots: the kernel has no
 * opinion on which slot holds what.  A bitmap over the first SLOT_MAX
 * slots, first fit, so that freed slots are reused and the kernel's slot
 * tables stay few.
 */
#include "exos.h"

#define SLOT_MAX 65536

static uint64_t used[SLOT_MAX / 64];

static int
is_used(uint64_t s)
{
	return used[s / 64] >> (s % 64) & 1;
}

int
slot_mark_used(exo_slot_t s)
{
	if (s >= SLOT_MAX)
		return EXO_ERANGE;
	used[s / 64] |= 1UL << (s % 64);
	return 0;
}

int64_t
slot_alloc_range(uint64_t n)
{
	uint64_t run = 0;

	if (n == 0 || n > SLOT_MAX)
		return EXO_EINVAL;
	for (uint64_t s = SLOT_FIRST_FREE; s < SLOT_MAX; s++) {
		if (s % 64 == 0 && run == 0 && used[s / 64] == ~0UL) {
			s += 63;
			continue;
		}
		run = is_used(s) ? 0 : run + 1;
		if (run == n) {
			uint64_t first = s + 1 - n;
			for (uint64_t i = first; i <= s; i++)
				used[i / 64] |= 1UL << (i % 64);
			return (int64_t)first;
		}
	}
	return EXO_ENOMEM;
}

int64_t
slot_alloc(void)
{
	return slot_alloc_range(1);
}

void
slot_free_range(exo_slot_t s, uint64_t n)
{
	for (uint64_t i = s; i < s + n && i < SLOT_MAX; i++)
		used[i / 64] &= ~(1UL << (i % 64));
}

void
slot_free(exo_slot_t s)
{
	slot_free_range(s, 1);
}
