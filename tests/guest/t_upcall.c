/*
 * Looks for broken slice upcalls: prologues or epilogues that never run,
 * an interrupted computation that resumes with a register, a flag or an
 * SSE register changed (through the kernel's save area and the library's
 * exos_ctx_resume), upcall counts that disagree, registrations with bad
 * arguments that are accepted, upcalls that go on after being turned off,
 * and, in children (h_upcall): an epilogue that never yields and must be
 * preempted at its deadline without harming the computation it
 * interrupted (also when the epilogue uses SSE registers), a program run
 * without its prologue after its epilogue yielded, exceptions handled
 * while prologues keep resuming the program, a prologue inside an
 * exception handler (there must be none), upcalls while the FPU is
 * turned off, an epilogue that exits, a save area unmapped after
 * registration, and an unmapped upcall stack or entry point.
 */
#include "tutil.h"
#include "mix.h"

#define RO_PAGE 0x0000580000000000UL
#define STACK_TOP 0x0000580000100000UL
#define CHILD_WAIT_NS (30ULL * 1000000000ULL)

static volatile uint64_t prologues, epilogues, bad_kind, bad_ctx;

static void
prologue(struct exo_context *c)
{
	if (c->kind != EXO_UPCALL_PROLOGUE)
		bad_kind++;
	if (c->rip >= EXO_ULIM || c->rsp >= EXO_ULIM || !(c->rflags & 0x200))
		bad_ctx++;
	prologues++;
}

static void
epilogue(struct exo_context *c)
{
	if (c->kind != EXO_UPCALL_EPILOGUE)
		bad_kind++;
	if (c->rip >= EXO_ULIM || c->rsp >= EXO_ULIM || !(c->rflags & 0x200))
		bad_ctx++;
	epilogues++;
}

static void
registration_errors(void)
{
	exo_slot_t s;
	struct exo_context *ro = (struct exo_context *)RO_PAGE;
	static struct exo_context save;
	uint64_t p = (uint64_t)prologue, e = (uint64_t)epilogue;

	CHECK_EQ(page_alloc_map(RO_PAGE, 1, 0, &s), 0);
	/* The save area: read-only, unmapped, the kernel's, straddling. */
	CHECK_EQ(exo_upcall_register(p, e, STACK_TOP, ro), EXO_EFAULT);
	CHECK_EQ(exo_upcall_register(p, 0, STACK_TOP,
		     (struct exo_context *)(RO_PAGE + 0x10000)), EXO_EFAULT);
	CHECK_EQ(exo_upcall_register(p, 0, STACK_TOP,
		     (struct exo_context *)EXO_USELF), EXO_EFAULT);
	CHECK_EQ(exo_upcall_register(p, 0, STACK_TOP,
		     (struct exo_context *)0xffffffff80100000UL), EXO_EFAULT);
	CHECK_EQ(exo_upcall_register(p, 0, STACK_TOP,
		     (struct exo_context *)(RO_PAGE - 16)), EXO_EFAULT);
	CHECK_EQ(exo_upcall_register(0, e, STACK_TOP, (struct exo_context *)main),
	    EXO_EFAULT);
	/* Entry points and stack out of user space. */
	CHECK_EQ(exo_upcall_register(EXO_ULIM, e, STACK_TOP, &save), EXO_ERANGE);
	CHECK_EQ(exo_upcall_register(p, 0xffffffff80100000UL, STACK_TOP, &save),
	    EXO_ERANGE);
	CHECK_EQ(exo_upcall_register(0, ~0UL, STACK_TOP, &save), EXO_ERANGE);
	CHECK_EQ(exo_upcall_register(p, e, 0, &save), EXO_ERANGE);
	CHECK_EQ(exo_upcall_register(p, e, 0x800, &save), EXO_ERANGE);
	CHECK_EQ(exo_upcall_register(p, e, EXO_ULIM + 16, &save), EXO_ERANGE);
	/* A misaligned stack. */
	CHECK_EQ(exo_upcall_register(p, e, STACK_TOP - 8, &save), EXO_EINVAL);
	CHECK_EQ(exo_upcall_register(p, 0, STACK_TOP + 4, &save), EXO_EINVAL);
	unmap_free(RO_PAGE, s);
	/* None of them took: no upcalls arrive. */
	uint64_t u0 = EXO_SELF->upcalls, t0 = time_ns();
	while (time_ns() - t0 < 60000000ULL)
		;
	CHECK(EXO_SELF->upcalls == u0);
}

/*
 * Runs h_upcall MODE and checks how it ended: with cause, and for
 * EXO_CAUSE_EXIT that status, for EXO_CAUSE_FAULT that vector (status;
 * -1 for any).
 */
static int
run_mode(const char *mode, uint64_t iters, uint32_t cause, int64_t status)
{
	char n[24];
	snprintf(n, sizeof(n), "%lu", iters);
	char *argv[] = { "h_upcall", (char *)mode, n, NULL };
	struct exo_envinfo in;
	int r = run_child_for(argv, CHILD_WAIT_NS, &in);

	if (r == EXO_EAGAIN) {
		printf("t_upcall: %s: still running after %llu s\n", mode,
		    CHILD_WAIT_NS / 1000000000ULL);
		return 1;
	}
	CHECK_EQ(r, 0);
	if (in.cause != cause ||
	    (cause == EXO_CAUSE_EXIT && in.status != status) ||
	    (cause == EXO_CAUSE_FAULT && status >= 0 &&
		in.trapno != (uint32_t)status)) {
		printf("t_upcall: %s: child ended with cause %u status %ld "
		       "trapno %u rip %lx\n", mode, in.cause, (long)in.status,
		    in.trapno, in.fault_rip);
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint64_t want[MIX_WORDS], got[MIX_WORDS];
	int bad = 0;

	registration_errors();

	/* Enough rounds for about 300 ms, measured on a small run. */
	uint64_t t0 = time_ns();
	mix_init(want);
	mix(200000, want);
	uint64_t ns = time_ns() - t0 + 1;
	uint64_t iters = 200000 * 300000000ULL / ns;
	if (iters < 200000)
		iters = 200000;
	mix_init(want);
	mix(iters, want);

	uint64_t u0 = EXO_SELF->upcalls, o0 = EXO_SELF->overruns;
	CHECK_EQ(exos_upcalls(prologue, epilogue), 0);
	mix_init(got);
	mix(iters, got);
	CHECK_EQ(exos_upcalls(NULL, NULL), 0);
	uint64_t ups = EXO_SELF->upcalls - u0;
	for (int i = 0; i < MIX_WORDS; i++) {
		if (got[i] != want[i]) {
			printf("t_upcall: word %d of the computation is %lx with "
			       "upcalls, %lx without\n", i, got[i], want[i]);
			return 1;
		}
	}
	printf("t_upcall: %lu rounds; %lu prologues, %lu epilogues, %lu "
	       "upcalls\n", iters, prologues, epilogues, ups);
	CHECK(bad_kind == 0 && bad_ctx == 0);
	CHECK(epilogues >= 2);
	/*
	 * Epilogues that yield in time are no overruns.  The deadline is
	 * wall-clock time (half a slice), which a host busy with other
	 * emulators can steal from us once in a while: one overrun in the
	 * run is tolerated and reported, more is a failure.
	 */
	uint64_t over = EXO_SELF->overruns - o0;
	if (over == 1)
		printf("t_upcall: one epilogue of %lu overran (a stalled host?)\n",
		    epilogues);
	CHECK(over <= 1 && (over == 1 || EXO_SELF->overran == 0));
	CHECK(ups >= prologues + epilogues);
	/*
	 * Our parent gives us the CPU with directed yields (child_wait), so
	 * after most epilogues we run again other than at a slice start:
	 * the prologue must still come first ("after an upcall that yielded
	 * or overran, the environment next runs from its prologue").
	 */
	if (prologues < 2 || prologues + 1 < epilogues) {
		printf("t_upcall: %lu epilogues yielded but only %lu prologues "
		       "ran: resumed without the prologue\n", epilogues,
		    prologues);
		bad = 1;
	}

	/* Off: no more upcalls. */
	uint64_t p0 = prologues, e0 = epilogues;
	u0 = EXO_SELF->upcalls;
	t0 = time_ns();
	while (time_ns() - t0 < 60000000ULL)
		;
	CHECK(EXO_SELF->upcalls == u0 && prologues == p0 && epilogues == e0);

	bad |= run_mode("overrun", iters / 3, EXO_CAUSE_EXIT, 0);
	bad |= run_mode("overrun_sse", iters / 3, EXO_CAUSE_EXIT, 0);
	bad |= run_mode("exc", 1000, EXO_CAUSE_EXIT, 0);
	bad |= run_mode("inhandler", 1000, EXO_CAUSE_EXIT, 0);
	bad |= run_mode("order", 1000, EXO_CAUSE_EXIT, 0);
	bad |= run_mode("fpuoff", 1000, EXO_CAUSE_EXIT, 0);
	bad |= run_mode("epiexit", 1000, EXO_CAUSE_EXIT, 5);
	bad |= run_mode("unmapsave", 1000, EXO_CAUSE_FAULT, -1);
	bad |= run_mode("badstack", 1000, EXO_CAUSE_FAULT, 14);
	bad |= run_mode("badentry", 1000, EXO_CAUSE_FAULT, 14);
	CHECK_EQ(exo_null(), 0); /* the kernel is still up */
	if (bad)
		return 1;
	printf("t_upcall: upcalls, registration errors, overruns, ordering "
	       "and exceptions ok\n");
	return 0;
}
