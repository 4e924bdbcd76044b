/*
 * b_vm: virtual-memory primitives the way Appel and Li use them, done the
 * exokernel way: protection changes are batched page-table calls, faults
 * go to a user-level handler that resumes without the kernel.
 *   vm_prot1     read-protect one page (one call)
 *   vm_trap      write to a protected page; the handler unprotects it;
 *                the store completes
 *   vm_appel1    touch a random protected page; the handler protects
 *                another and unprotects the faulting one, in one call
 *   vm_appel2    protect 100 pages (one call), touch them in random order,
 *                the handler unprotecting each (cost per page)
 * Each checks that the stores landed and the handler ran once per fault.
 *   b_vm [--mode icount|kvm|tcg] [--help]
 */
#include "exos.h"

#include "bench_ops.h"

#define VA 0x0000520000000000UL
#define NP 100
#define RUNS 15
#define ITERS 1000

static volatile uint64_t faults;
static volatile uint64_t other; /* vm_appel1: the page to protect next */
static int bad;

static int64_t
prot(uint64_t va, uint64_t n, int perm)
{
	struct exo_ptop o = { va, 0, (uint32_t)n, EXO_PT_PROT, (uint8_t)perm, 0, 0 };

	return exo_pt_batch(EXO_SLOT_VSPACE, &o, 1);
}

static void
on_trap(int cls, struct exo_excframe *f)
{
	(void)cls;
	faults++;
	if (prot(f->addr & ~(EXO_PGSIZE - 1), 1, EXO_PERM_W) != 1)
		bad = 1;
}

static void
on_appel1(int cls, struct exo_excframe *f)
{
	uint64_t page = f->addr & ~(EXO_PGSIZE - 1);
	struct exo_ptop o[2] = {
		{ other, 0, 1, EXO_PT_PROT, EXO_PERM_R, 0, 0 },
		{ page, 0, 1, EXO_PT_PROT, EXO_PERM_W, 0, 0 },
	};

	(void)cls;
	faults++;
	if (exo_pt_batch(EXO_SLOT_VSPACE, o, other == page ? 1 : 2) < 0)
		bad = 1;
	if (other == page && prot(page, 1, EXO_PERM_W) != 1)
		bad = 1;
}


static void
store(uint64_t va)
{
	*(volatile char *)va = 7;
	if (*(volatile char *)va != 7)
		bad = 1;
}

int
main(int argc, char **argv)
{
	uint64_t p1[RUNS], trap[RUNS], a1[RUNS], a2[RUNS];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			printf("usage: b_vm [--mode icount|kvm|tcg]\nMeasures vm_prot1, "
			       "vm_trap, vm_appel1 and vm_appel2 the exokernel way.\n");
			return 0;
		}
		if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc)
			bench_mode = argv[++i];
	}
	if (page_alloc_map(VA, NP, EXO_PERM_W, NULL) < 0)
		return 1;
	for (int r = -1; r < RUNS; r++) {
		uint64_t c = 0;
		for (int i = 0; i < ITERS; i++) {
			uint64_t t0 = rdtsc();
			prot(VA, 1, EXO_PERM_R);
			c += rdtsc() - t0;
			prot(VA, 1, EXO_PERM_W);
		}
		if (r >= 0)
			p1[r] = c / ITERS;
	}
	bench_report("vm_prot1", "exo", p1, RUNS);

	exos_exc_handle(EXO_EXC_PF, on_trap);
	for (int r = -1; r < RUNS; r++) {
		uint64_t c = 0;
		faults = 0;
		for (int i = 0; i < ITERS; i++) {
			prot(VA, 1, EXO_PERM_R);
			uint64_t t0 = rdtsc();
			store(VA);
			c += rdtsc() - t0;
		}
		if (faults != ITERS)
			bad = 1;
		if (r >= 0)
			trap[r] = c / ITERS;
	}
	bench_report("vm_trap", "exo", trap, RUNS);

	exos_exc_handle(EXO_EXC_PF, on_appel1);
	prot(VA, NP, EXO_PERM_R);
	for (int r = -1; r < RUNS; r++) {
		uint64_t c = 0, n = faults = 0;
		for (int i = 0; i < ITERS; i++) {
			uint64_t va = VA + bench_rng() % NP * EXO_PGSIZE, before = faults;
			other = VA + bench_rng() % NP * EXO_PGSIZE;
			uint64_t t0 = rdtsc();
			store(va);
			c += rdtsc() - t0;
			n += faults - before;
		}
		if (r >= 0)
			a1[r] = n ? c / n : 0;
	}
	bench_report("vm_appel1", "exo", a1, RUNS);

	exos_exc_handle(EXO_EXC_PF, on_trap);
	for (int r = -1; r < RUNS; r++) {
		int order[NP];
		bench_shuffle(order, NP);
		faults = 0;
		uint64_t t0 = rdtsc();
		prot(VA, NP, EXO_PERM_R);
		for (int i = 0; i < NP; i++)
			store(VA + (uint64_t)order[i] * EXO_PGSIZE);
		uint64_t t1 = rdtsc();
		if (faults != NP)
			bad = 1;
		if (r >= 0)
			a2[r] = (t1 - t0) / NP;
	}
	bench_report("vm_appel2", "exo", a2, RUNS);
	if (bad)
		printf("b_vm: a store did not land or a handler did not run\n");
	return bad;
}
