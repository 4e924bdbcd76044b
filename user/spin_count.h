/*
 * The page a spin_count child shares with its parent (user/spin_count.c):
 * the parent allocates it, maps it in its own address space and gives the
 * child a capability for it in slot SPIN_COUNT_SLOT; the child maps it at
 * SPIN_COUNT_VA and counts into it.  Only the child writes it.
 */
#ifndef USER_SPIN_COUNT_H
#define USER_SPIN_COUNT_H

#include <stdint.h>

#define SPIN_COUNT_SLOT 1000UL
#define SPIN_COUNT_VA 0x0000520000000000UL

struct spin_count_page {
	volatile uint64_t iterations; /* of the counting loop */
	volatile uint64_t redirects;  /* slices it passed to its scheduler */
	volatile uint64_t ready;      /* 1 once it counts */
};

#endif
