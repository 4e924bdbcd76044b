/*
 * Helper (not a test): spins forever and never yields, so only the timer
 * can take the processor from it.  With argv[1] = VA, it first waits
 * (yielding) until its parent has mapped a page at VA into its address
 * space, then increments the 64-bit counter there in the loop, so that the
 * parent can see that it ran.
 */
#include "tutil.h"

int
main(int argc, char **argv)
{
	if (argc > 1) {
		uint64_t va = (uint64_t)parse_num(argv[1]);
		while (!(exos_pte(va) & EXO_PTE_P))
			exo_yield(EXO_ENV_ANY);
		volatile uint64_t *ctr = (volatile uint64_t *)va;
		for (;;)
			(*ctr)++;
	}
	for (;;)
		__asm__ volatile("" ::: "memory");
}
