/*
 * The benchmark harness of ../shared/BENCHMARKS.md: one warm-up run, then
 * RUNS runs of a loop of iters operations, each timed with rdtsc (lfence
 * before it); the cost per operation of each run is sorted and the median,
 * minimum and maximum printed on one machine-readable line.  In icount mode
 * the counter advances once per guest instruction, so the figures are
 * instructions per operation.
 */
#include "exos.h"

#define RUNS 15

const char *bench_mode = "tcg";

void
bench_report(const char *name, const char *sys, uint64_t *per_op, int runs)
{
	/* Insertion sort: RUNS is small. */
	for (int i = 1; i < runs; i++)
		for (int j = i; j > 0 && per_op[j - 1] > per_op[j]; j--) {
			uint64_t t = per_op[j];
			per_op[j] = per_op[j - 1];
			per_op[j - 1] = t;
		}
	printf("bench %s sys=%s mode=%s med=%lu min=%lu max=%lu", name, sys,
	    bench_mode, per_op[runs / 2], per_op[0], per_op[runs - 1]);
	if (strcmp(bench_mode, "kvm") == 0)
		printf(" ns_med=%lu",
		    per_op[runs / 2] * 1000000000UL / EXO_INFO->tsc_hz);
	printf("\n");
}

void
bench_run(const char *name, void (*op)(uint64_t iters, void *arg), void *arg,
    uint64_t iters)
{
	uint64_t per_op[RUNS];

	op(iters, arg);
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = rdtsc();
		op(iters, arg);
		uint64_t t1 = rdtsc();
		per_op[r] = (t1 - t0) / iters;
	}
	bench_report(name, "exo", per_op, RUNS);
}

void
bench_na(const char *name, const char *sys)
{
	printf("bench %s sys=%s n/a\n", name, sys);
}
