/*
 * b_revoke: what getting pages back costs, in the two ways the kernel can
 * get them, for 32 of the program's 256 mapped pages:
 *   revoke_coop32    from the request (exo_reclaim) to the pages being free,
 *                    answered by the library OS's handler (it unbinds them
 *                    and drops its capabilities)
 *   revoke_abort32   the kernel's own work when it takes them at the
 *                    deadline (EXO_SELF->repo_cycles)
 *   revoke_abort32_wait  from the request to the pages being free when the
 *                    program ignores it: mostly the deadline itself
 * Each checks that the 32 pages really came back (the free count).
 *   b_revoke [--mode icount|kvm|tcg] [--help]
 */
#include "exos.h"

#define VA 0x0000580000000000UL
#define NPAGES 256
#define ASK 32
#define RUNS 9

static exo_slot_t first;
static uint64_t mapped; /* pages still mapped from the start of VA */
static int cooperate;

/*
 * The cooperative answer: unbind the last pages in one batched call and
 * drop their capabilities; each page is free once nothing names it, and
 * counts toward the request.  (exo_page_return also works, and also breaks
 * bindings the program does not know of, at the price of sweeping every
 * address space and capability list.)
 */
static void
on_revoke(int cls, struct exo_excframe *f)
{
	(void)cls;
	if (!cooperate || f->addr > mapped)
		return;
	mapped -= f->addr;
	page_unmap(VA + mapped * EXO_PGSIZE, f->addr);
	for (uint64_t i = 0; i < f->addr; i++)
		exo_cap_delete(first + mapped + i);
}

static void
on_repossess(int cls, struct exo_excframe *f)
{
	(void)cls;
	(void)f;
}

/* Maps NPAGES fresh pages and touches them. */
static int
fill(void)
{
	if (page_alloc_map(VA, NPAGES, EXO_PERM_W, &first) < 0)
		return -1;
	for (uint64_t i = 0; i < NPAGES; i++)
		*(volatile uint64_t *)(VA + i * EXO_PGSIZE) = i;
	mapped = NPAGES;
	return 0;
}

/* Lets go of what is left (revocation took some pages, and their slots). */
static void
empty(void)
{
	for (uint64_t i = 0; i < NPAGES; i++) {
		exo_cap_delete(first + i);
		if (exos_pte(VA + i * EXO_PGSIZE) & EXO_PTE_P)
			page_unmap(VA + i * EXO_PGSIZE, 1);
	}
	slot_free_range(first, NPAGES);
}

int
main(int argc, char **argv)
{
	uint64_t coop[RUNS], abort_k[RUNS], abort_w[RUNS];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			printf("usage: b_revoke [--mode icount|kvm|tcg]\nMeasures "
			       "getting 32 pages back: answered by the library OS, "
			       "and taken by the abort protocol.\n");
			return 0;
		}
		if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc)
			bench_mode = argv[++i];
	}
	exos_guarantee_image();
	if (exos_exc_handle(EXO_EXC_REVOKE, on_revoke) < 0 ||
	    exos_exc_handle(EXO_EXC_REPOSSESS, on_repossess) < 0) {
		printf("b_revoke: cannot register handlers\n");
		return 1;
	}
	for (int r = 0; r < RUNS; r++) {
		for (cooperate = 1; cooperate >= 0; cooperate--) {
			if (fill() < 0) {
				printf("b_revoke: cannot map %d pages\n", NPAGES);
				return 1;
			}
			uint64_t free0 = EXO_INFO->free_pages, t0 = rdtsc();
			if (exo_reclaim(EXO_SLOT_MACHINE, EXO_SLOT_SELF, ASK) < 0) {
				printf("b_revoke: reclaim refused (no machine capability?)\n");
				return 1;
			}
			while (EXO_INFO->free_pages < free0 + ASK)
				exo_yield(EXO_ENV_ANY);
			uint64_t t1 = rdtsc();
			if (EXO_SELF->revoke_pages != 0) {
				printf("b_revoke: the request is still open\n");
				return 1;
			}
			if (cooperate) {
				coop[r] = t1 - t0;
			} else {
				abort_k[r] = EXO_SELF->repo_cycles;
				abort_w[r] = t1 - t0;
			}
			empty();
		}
	}
	bench_report("revoke_coop32", "exo", coop, RUNS);
	bench_report("revoke_abort32", "exo", abort_k, RUNS);
	bench_report("revoke_abort32_wait", "exo", abort_w, RUNS);
	return 0;
}
