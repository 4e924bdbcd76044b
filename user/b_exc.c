/*
 * b_exc: exceptions dispatched to user-level handlers and resumed without
 * the kernel, their hardware floors, and the protected-control-transfer
 * round trip:
 *   exc_divide exc_illegal exc_breakpoint exc_prot exc_coproc exc_unalign
 *   floor_exc floor_syscall ipc_rpc
 * Every handler counts its runs; a benchmark whose handler did not run
 * once per operation fails instead of printing a number.
 *   b_exc [--mode icount|kvm|tcg] [--help]
 */
#include "exos.h"

#include "bench_ops.h"

#define RO_PAGE 0x0000500000000000UL
#define RUNS 15
#define ITERS 2000

static volatile uint64_t runs;
static uint64_t skip_len; /* bytes of the faulting instruction */

static void
skip_handler(int cls, struct exo_excframe *f)
{
	(void)cls;
	runs++;
	f->rip += skip_len;
}

static void
fpu_handler(int cls, struct exo_excframe *f)
{
	(void)cls;
	(void)f;
	runs++;
	exo_fpu(1);
}

static void
ac_handler(int cls, struct exo_excframe *f)
{
	(void)cls;
	runs++;
	f->rflags &= ~0x40000UL; /* clear AC: the load then succeeds */
}

static void
op_prot(void)
{
	bench_op_store((volatile void *)RO_PAGE);
}

static void
op_coproc(void)
{
	exo_fpu(0);
	__asm__ volatile("xorps %%xmm0, %%xmm0" ::: "xmm0");
}

static char unaligned_buf[16] __attribute__((aligned(16)));

static void
op_unalign(void)
{
	bench_op_unalign(unaligned_buf);
}

static void
op_floor_exc(void)
{
	__asm__ volatile("int $0xf0");
}

/* Times ITERS runs of op RUNS times; checks the handler ran each time. */
static int
measure(const char *name, void (*op)(void), uint64_t expect_per_op)
{
	uint64_t per_op[RUNS];

	for (int r = -1; r < RUNS; r++) {
		runs = 0;
		uint64_t t0 = rdtsc();
		for (int i = 0; i < ITERS; i++)
			op();
		uint64_t t1 = rdtsc();
		if (runs != expect_per_op * ITERS) {
			printf("b_exc: %s: the handler ran %lu times for %d "
			       "operations\n", name, runs, ITERS);
			return -1;
		}
		if (r >= 0)
			per_op[r] = (t1 - t0) / ITERS;
	}
	bench_report(name, "exo", per_op, RUNS);
	return 0;
}

static int
bench_floor_syscall(void)
{
	uint64_t per_op[RUNS];

	for (int r = -1; r < RUNS; r++) {
		__asm__ volatile("int $0xf1"); /* the floor stub answers syscalls */
		uint64_t t0 = rdtsc();
		for (int i = 0; i < ITERS; i++) {
			uint64_t rax = 7;
			__asm__ volatile("syscall" : "+a"(rax) : : "rcx", "r11", "memory");
		}
		uint64_t t1 = rdtsc();
		__asm__ volatile("int $0xf2");
		if (r >= 0)
			per_op[r] = (t1 - t0) / ITERS;
	}
	bench_report("floor_syscall", "exo", per_op, RUNS);
	return 0;
}

/* ipc_rpc: the null call round trip through protected control transfer. */
static void
echo_server(exo_envid_t caller, uint64_t w[6])
{
	(void)caller;
	w[0] += 1;
}

static int
bench_rpc(void)
{
	uint64_t per_op[RUNS];
	struct child c;
	char *argv[] = { "b_exc", "--serve", NULL };
	int64_t s = slot_alloc();

	if (spawn("b_exc", argv, &c) < 0 || s < 0)
		return -1;
	if (exo_cap_copy(c.env, EXO_SLOT_SELF, (uint64_t)s, EXO_R_CALL) < 0)
		return -1;
	/* Wait until the server has registered its entry. */
	uint64_t w[6] = { 0 };
	while (exos_pct_call((uint64_t)s, w) == EXO_ENOENT)
		exo_yield(c.id);
	int ok = 1;
	for (int r = -1; r < RUNS; r++) {
		uint64_t t0 = rdtsc();
		for (int i = 0; i < ITERS; i++) {
			w[0] = (uint64_t)i;
			if (exos_pct_call((uint64_t)s, w) != 0 || w[0] != (uint64_t)i + 1)
				ok = 0;
		}
		uint64_t t1 = rdtsc();
		if (r >= 0)
			per_op[r] = (t1 - t0) / ITERS;
	}
	exo_env_destroy(c.env);
	child_release(&c);
	exo_cap_delete((uint64_t)s);
	slot_free((uint64_t)s);
	if (!ok) {
		printf("b_exc: ipc_rpc: a reply was missing or wrong\n");
		return -1;
	}
	bench_report("ipc_rpc", "exo", per_op, RUNS);
	return 0;
}

static int
serve(void)
{
	if (exos_pct_serve(echo_server) < 0)
		return 1;
	for (;;)
		exo_yield(EXO_ENV_ANY);
}

int
main(int argc, char **argv)
{
	int bad = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			printf("usage: b_exc [--mode icount|kvm|tcg]\n"
			       "Measures user-level exception dispatch, its "
			       "floors and the protected-control-transfer round "
			       "trip.\n");
			return 0;
		}
		if (strcmp(argv[i], "--serve") == 0)
			return serve();
		if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc)
			bench_mode = argv[++i];
	}
	if (page_alloc_map(RO_PAGE, 1, 0, NULL) < 0)
		return 1;
	exos_exc_handle(EXO_EXC_DE, skip_handler);
	exos_exc_handle(EXO_EXC_UD, skip_handler);
	exos_exc_handle(EXO_EXC_BP, skip_handler);
	exos_exc_handle(EXO_EXC_PF, skip_handler);
	exos_exc_handle(EXO_EXC_NM, fpu_handler);
	exos_exc_handle(EXO_EXC_AC, ac_handler);

	skip_len = BENCH_DIVIDE_LEN;
	bad |= measure("exc_divide", bench_op_divide, 1);
	skip_len = BENCH_ILLEGAL_LEN;
	bad |= measure("exc_illegal", bench_op_illegal, 1);
	skip_len = 0; /* int3 is a trap: rip is already past it */
	bad |= measure("exc_breakpoint", bench_op_breakpoint, 1);
	skip_len = BENCH_STORE_LEN;
	bad |= measure("exc_prot", op_prot, 1);
	bad |= measure("exc_coproc", op_coproc, 1);
	/* #AC: TCG never raises it, so there the handler never runs. */
	runs = 0;
	op_unalign();
	if (runs == 0)
		bench_na("exc_unalign", "exo");
	else
		bad |= measure("exc_unalign", op_unalign, 1);
	bad |= measure("floor_exc", op_floor_exc, 0);
	bad |= bench_floor_syscall();
	bad |= bench_rpc();
	return bad ? 1 : 0;
}
