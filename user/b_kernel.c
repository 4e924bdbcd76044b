/*
 * b_kernel: the kernel's own primitives, measured the exokernel way.
 *   null_syscall   the null call (answered in entry.S)
 *   proc_call      a call of an empty function, for scale
 *   vm_prot100     one batched call making 100 pages read-only
 *   vm_unprot100   one batched call making them read-write again
 *   vm_dirty       is this page dirty? one read of the page-table view
 * Each operation is also checked: the batched calls must really change
 * the 100 entries, or the benchmark fails.
 *   b_kernel [--mode icount|kvm|tcg] [--help]
 */
#include "exos.h"

#define VA 0x0000500000000000UL
#define NPAGES 100

__attribute__((noinline)) void
empty_function(void)
{
	__asm__ volatile("");
}

static void
op_proc_call(uint64_t n, void *arg)
{
	(void)arg;
	for (uint64_t i = 0; i < n; i++)
		empty_function();
}

static void
op_null(uint64_t n, void *arg)
{
	(void)arg;
	for (uint64_t i = 0; i < n; i++)
		exo_null();
}

static struct exo_ptop prot_op = { VA, 0, NPAGES, EXO_PT_PROT, 0, 0, 0 };
static struct exo_ptop unprot_op = { VA, 0, NPAGES, EXO_PT_PROT, EXO_PERM_W, 0, 0 };

static int
all_writable(int want)
{
	for (uint64_t i = 0; i < NPAGES; i++)
		if (!!(exos_pte(VA + i * EXO_PGSIZE) & EXO_PTE_W) != want)
			return 0;
	return 1;
}

/*
 * One iteration protects then unprotects, so each call does real work;
 * the two calls are timed separately.
 */
static void
op_prot(uint64_t n, uint64_t cost[2])
{
	for (uint64_t i = 0; i < n; i++) {
		uint64_t t0 = rdtsc();
		exo_pt_batch(EXO_SLOT_VSPACE, &prot_op, 1);
		uint64_t t1 = rdtsc();
		exo_pt_batch(EXO_SLOT_VSPACE, &unprot_op, 1);
		uint64_t t2 = rdtsc();
		cost[0] += t1 - t0;
		cost[1] += t2 - t1;
	}
}

static void
op_dirty(uint64_t n, void *arg)
{
	volatile uint64_t *sink = arg;

	for (uint64_t i = 0; i < n; i++)
		*sink += exos_pte(VA) & EXO_PTE_D;
}

int
main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			printf("usage: b_kernel [--mode icount|kvm|tcg]\n"
			       "Measures null_syscall, proc_call, vm_prot100, "
			       "vm_unprot100 and vm_dirty on this kernel.\n");
			return 0;
		}
		if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc)
			bench_mode = argv[++i];
	}
	bench_run("proc_call", op_proc_call, NULL, 10000);
	bench_run("null_syscall", op_null, NULL, 10000);

	if (page_alloc_map(VA, NPAGES, EXO_PERM_W, NULL) < 0) {
		printf("b_kernel: cannot map %d pages\n", NPAGES);
		return 1;
	}
	for (uint64_t i = 0; i < NPAGES; i++)
		*(volatile char *)(VA + i * EXO_PGSIZE) = 1;
	/* The check: the operation must really change all 100 entries. */
	if (exo_pt_batch(EXO_SLOT_VSPACE, &prot_op, 1) != 1 || !all_writable(0) ||
	    exo_pt_batch(EXO_SLOT_VSPACE, &unprot_op, 1) != 1 || !all_writable(1)) {
		printf("b_kernel: batched protection change did not happen\n");
		return 1;
	}
	uint64_t prot[15], unprot[15];
	for (int r = -1; r < 15; r++) {
		uint64_t cost[2] = { 0, 0 };
		op_prot(100, cost);
		if (r >= 0) {
			prot[r] = cost[0] / 100;
			unprot[r] = cost[1] / 100;
		}
	}
	bench_report("vm_prot100", "exo", prot, 15);
	bench_report("vm_unprot100", "exo", unprot, 15);
	uint64_t sink = 0;
	bench_run("vm_dirty", op_dirty, &sink, 10000);
	if (!(exos_pte(VA) & EXO_PTE_D)) {
		printf("b_kernel: the written page does not show dirty\n");
		return 1;
	}
	return 0;
}
