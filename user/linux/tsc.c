/*
 * tsc: prints the time-stamp counter, for shell scripts that time
 * themselves (tools/shbench.sh, docs/shbench.md).  Under QEMU's icount
 * mode the counter is the guest's instructions since the machine started,
 * so two readings from a script bracket the instructions in between.
 *   tsc [LABEL]   prints "shbench mark LABEL tsc=N ns=M"
 * ns is CLOCK_MONOTONIC, the guest's own clock, for a cross-check.
 * One static binary (musl) for Linux and ExOS's Linux ABI alike.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

int
main(int argc, char **argv)
{
	uint64_t t = rdtsc();
	struct timespec ts;

	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		printf("usage: tsc [LABEL]\nPrints \"shbench mark LABEL tsc=N "
		       "ns=M\": the time-stamp counter and CLOCK_MONOTONIC.\n");
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("shbench mark %s tsc=%llu ns=%llu\n", argc > 1 ? argv[1] : "-",
	    (unsigned long long)t,
	    (unsigned long long)ts.tv_sec * 1000000000ULL +
		(unsigned long long)ts.tv_nsec);
	return 0;
}
