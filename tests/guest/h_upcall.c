/*
 * Helper of t_upcall: one run of slice upcalls under conditions its
 * parent sets up, chosen by the first argument; exits 0 if everything it
 * can see itself is right.  Not a test on its own.
 *   overrun      an epilogue that never yields; the computation it
 *                interrupts must still complete correctly
 *   overrun_sse  the same, with an epilogue that also uses SSE registers
 *   order        after an epilogue has yielded, the program must next run
 *                from its prologue, however it is next given the CPU
 *   exc          exceptions handled all the time while prologues resume
 *                the interrupted context
 *   inhandler    no prologue while an exception handler runs (an exception
 *                raised in the upcall would overwrite that handler's
 *                stack), and prologues again once it has returned
 *   fpuoff       upcalls while the program has its FPU turned off (and a
 *                lazy-switching #NM handler that turns it on)
 *   epiexit      an epilogue that calls exit(5)
 *   unmapsave    the save area unmapped after registration: must die
 *   badstack     an unmapped upcall stack: must die of a page fault
 *   badentry     an unmapped epilogue entry: must die of a page fault
 * The second argument is the number of mix rounds to run per check.
 */
#include "tutil.h"
#include "mix.h"

static uint64_t iters;
static uint64_t want[MIX_WORDS];

static void
parse_iters(const char *s)
{
	iters = 0;
	for (; *s >= '0' && *s <= '9'; s++)
		iters = iters * 10 + (uint64_t)(*s - '0');
	if (iters == 0)
		iters = 100000;
}

/* One run of the computation, checked against the one without upcalls. */
static void
mix_check(const char *what)
{
	uint64_t st[MIX_WORDS];

	mix_init(st);
	mix(iters, st);
	for (int i = 0; i < MIX_WORDS; i++) {
		if (st[i] != want[i]) {
			printf("h_upcall: %s: word %d of the computation is %lx, "
			       "want %lx\n", what, i, st[i], want[i]);
			exit(1);
		}
	}
}

static volatile uint64_t epilogues, prologues, bad_kind, violations;
static volatile int pending; /* an epilogue ran; no prologue yet */

static void
loop_epilogue(struct exo_context *c)
{
	if (c->kind != EXO_UPCALL_EPILOGUE)
		bad_kind++;
	epilogues++;
	for (;;)
		__asm__ volatile("" ::: "memory");
}

static void
sse_loop_epilogue(struct exo_context *c)
{
	if (c->kind != EXO_UPCALL_EPILOGUE)
		bad_kind++;
	epilogues++;
	for (;;)
		__asm__ volatile("pcmpeqd %%xmm0, %%xmm0\n\t"
				 "pcmpeqd %%xmm1, %%xmm1\n\t"
				 "pxor %%xmm2, %%xmm2"
				 ::: "xmm0", "xmm1", "xmm2", "memory");
}

static int
overrun(void (*epi)(struct exo_context *))
{
	uint64_t o0 = EXO_SELF->overruns, t0 = time_ns();
	int runs = 0;

	CHECK_EQ(exos_upcalls(NULL, epi), 0);
	while (EXO_SELF->overruns < o0 + 2 || runs < 2) {
		mix_check("epilogue overran");
		runs++;
		CHECK(time_ns() - t0 < 20000000000ULL);
	}
	CHECK(EXO_SELF->overran == 1);
	CHECK(epilogues >= 2 && bad_kind == 0);
	CHECK_EQ(exos_upcalls(NULL, NULL), 0);
	mix_check("after the upcalls are gone");
	return 0;
}

static void
order_prologue(struct exo_context *c)
{
	if (c->kind != EXO_UPCALL_PROLOGUE)
		bad_kind++;
	prologues++;
	pending = 0;
}

static void
order_epilogue(struct exo_context *c)
{
	if (c->kind != EXO_UPCALL_EPILOGUE)
		bad_kind++;
	epilogues++;
	pending = 1;
}

/*
 * The parent keeps giving us the CPU with directed yields, so we are
 * often run other than at a slice start; every time, the prologue must
 * come first.  Each chunk of the computation checks it never sees an
 * epilogue that was not followed by a prologue.
 */
static int
order(void)
{
	uint64_t t0 = time_ns();

	CHECK_EQ(exos_upcalls(order_prologue, order_epilogue), 0);
	while (epilogues < 10) {
		for (int i = 0; i < 100; i++) {
			if (pending)
				violations++;
			__asm__ volatile("pause");
		}
		CHECK(time_ns() - t0 < 20000000000ULL);
	}
	CHECK_EQ(exos_upcalls(NULL, NULL), 0);
	if (violations) {
		printf("h_upcall: order: %lu epilogues, %lu prologues; the "
		       "interrupted code ran on %lu times after an epilogue "
		       "without a prologue\n", epilogues, prologues, violations);
		return 1;
	}
	CHECK(bad_kind == 0 && prologues >= 10);
	return 0;
}

static volatile uint64_t bps;

static void
bp_handler(int cls, struct exo_excframe *f)
{
	(void)cls;
	(void)f;
	bps++;
}

static void
count_prologue(struct exo_context *c)
{
	(void)c;
	prologues++;
}

/* Every slice to us, so that each starts with our prologue. */
static int
take_slices(exo_slot_t *slices)
{
	int nsl = 0;

	for (; nsl < EXO_NSLICES; nsl++) {
		int64_t sl = slot_alloc();
		CHECK(sl >= 0);
		if (exo_slice_alloc((uint64_t)sl, EXO_SLICE_ANY, EXO_SLOT_SELF) < 0) {
			slot_free((uint64_t)sl);
			break;
		}
		slices[nsl] = (exo_slot_t)sl;
	}
	CHECK(nsl > 0);
	return nsl;
}

/*
 * Breakpoints handled back to back while prologues resume us: each
 * handler returns into the program without the kernel, and the timer may
 * interrupt that return at any instruction once it has left the
 * exception stack; the prologue then resumes the interrupted context with
 * exos_ctx_resume.  Every slice is bound to
 * us, so that every slice starts with our prologue (about 100 a second);
 * the race needs a few hundred to show, so this runs for four seconds.
 */
static int
exc(void)
{
	uint64_t t0, n = 0;
	exo_slot_t slices[EXO_NSLICES];
	int nsl = take_slices(slices);

	CHECK_EQ(exos_exc_handle(EXO_EXC_BP, bp_handler), 0);
	CHECK_EQ(exos_upcalls(count_prologue, NULL), 0);
	t0 = time_ns();
	while (time_ns() - t0 < 4000000000ULL) {
		for (int i = 0; i < 1000; i++) {
			__asm__ volatile("int3");
			n++;
		}
		CHECK(bps == n);
		/*
		 * Time in our own code too: a slice that starts in the
		 * handler gets no prologue, and under TCG the timer is
		 * mostly noticed as a breakpoint enters the kernel.
		 */
		uint64_t t1 = time_ns();
		while (time_ns() - t1 < 2000000ULL)
			;
	}
	CHECK_EQ(exos_upcalls(NULL, NULL), 0);
	CHECK_EQ(exos_exc_handle(EXO_EXC_BP, NULL), 0);
	for (int i = 0; i < nsl; i++)
		CHECK_EQ(exo_cap_delete(slices[i]), 0);
	CHECK(bps == n);
	CHECK(prologues >= 100);
	return 0;
}

static volatile uint64_t in_handler_prologues;

/* A breakpoint handler that spins for 200 ms, about twenty slices. */
static void
slow_bp_handler(int cls, struct exo_excframe *f)
{
	(void)cls;
	(void)f;
	uint64_t p0 = prologues, t0 = time_ns();
	while (time_ns() - t0 < 200000000ULL)
		;
	in_handler_prologues = prologues - p0;
}

static int
in_handler(void)
{
	exo_slot_t slices[EXO_NSLICES];
	int nsl = take_slices(slices);

	CHECK_EQ(exos_exc_handle(EXO_EXC_BP, slow_bp_handler), 0);
	CHECK_EQ(exos_upcalls(count_prologue, NULL), 0);
	__asm__ volatile("int3");
	uint64_t p0 = prologues, t0 = time_ns();
	while (time_ns() - t0 < 200000000ULL)
		;
	uint64_t after = prologues - p0;
	CHECK_EQ(exos_upcalls(NULL, NULL), 0);
	CHECK_EQ(exos_exc_handle(EXO_EXC_BP, NULL), 0);
	for (int i = 0; i < nsl; i++)
		CHECK_EQ(exo_cap_delete(slices[i]), 0);
	if (in_handler_prologues != 0 || after < 5) {
		printf("h_upcall: %lu prologues inside a 200 ms handler (want 0), "
		       "%lu in the 200 ms after (want some)\n",
		    in_handler_prologues, after);
		return 1;
	}
	return 0;
}

/*
 * The FPU turned off (lazy switching) while upcalls arrive: the program
 * never touches the FPU, so nothing may raise #NM, and the FPU stays off.
 */
static void
plain_epilogue(struct exo_context *c)
{
	(void)c;
	epilogues++;
}

static int
fpu_off(void)
{
	CHECK_EQ(exos_exc_handle(EXO_EXC_NM, nm_on), 0);
	CHECK_EQ(exos_upcalls(count_prologue, plain_epilogue), 0);
	CHECK_EQ(exo_fpu(0), 0);
	uint64_t t0 = time_ns();
	while (time_ns() - t0 < 300000000ULL)
		;
	uint32_t off = EXO_SELF->fpu_off;
	uint64_t nm = nm_count;
	CHECK_EQ(exo_fpu(1), 0);
	CHECK_EQ(exos_upcalls(NULL, NULL), 0);
	CHECK(epilogues >= 2);
	if (off != 1 || nm != 0) {
		printf("h_upcall: fpuoff: after %lu epilogues the FPU is %s and "
		       "#NM was raised %lu times; the program never used it\n",
		    epilogues, off ? "off" : "on", nm);
		return 1;
	}
	return 0;
}

/* An epilogue that ends the program: exit status 5. */
static void
exit_epilogue(struct exo_context *c)
{
	(void)c;
	exit(5);
}

static int
epilogue_exits(void)
{
	CHECK_EQ(exos_upcalls(NULL, exit_epilogue), 0);
	for (;;)
		mix_check("before the epilogue exits");
}

/*
 * A save area that stops being writable after registration: the kernel
 * cannot write the interrupted context and must end us (cause FAULT),
 * not write it anyway or crash.
 */
#define SAVE_PAGE 0x0000590000000000UL
#define UPSTACK_TOP 0x0000590000100000UL
extern char exos_upcall_entry[];

static int
unmapped_save(void)
{
	CHECK_EQ(page_alloc_map(SAVE_PAGE, 1, EXO_PERM_W, NULL), 0);
	CHECK_EQ(page_alloc_map(UPSTACK_TOP - 2 * EXO_PGSIZE, 2, EXO_PERM_W,
		     NULL), 0);
	CHECK_EQ(exo_upcall_register(0, (uint64_t)exos_upcall_entry,
		     UPSTACK_TOP, (struct exo_context *)SAVE_PAGE), 0);
	CHECK_EQ(page_unmap(SAVE_PAGE, 1), 1);
	uint64_t t0 = time_ns();
	while (time_ns() - t0 < 2000000000ULL)
		;
	printf("h_upcall: unmapsave: still alive after 2 s\n");
	return 1;
}

/*
 * An epilogue whose stack (badstack) or entry point (badentry) is not
 * mapped: the upcall faults at once and, with no handler, ends us with a
 * page fault -- not a hang, not a kernel crash.
 */
static int
bad_upcall(int stack)
{
	static struct exo_context save;

	CHECK_EQ(page_alloc_map(UPSTACK_TOP - EXO_PGSIZE, 1, EXO_PERM_W, NULL), 0);
	if (stack)
		CHECK_EQ(exo_upcall_register(0, (uint64_t)exos_upcall_entry,
			     UPSTACK_TOP - 2 * EXO_PGSIZE, &save), 0);
	else
		CHECK_EQ(exo_upcall_register(0, SAVE_PAGE + 0x40, UPSTACK_TOP,
			     &save), 0);
	uint64_t t0 = time_ns();
	while (time_ns() - t0 < 2000000000ULL)
		;
	printf("h_upcall: %s: still alive after 2 s\n",
	    stack ? "badstack" : "badentry");
	return 1;
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	parse_iters(argc > 2 ? argv[2] : "");
	mix_init(want);
	mix(iters, want);
	if (strcmp(argv[1], "overrun") == 0)
		return overrun(loop_epilogue);
	if (strcmp(argv[1], "overrun_sse") == 0)
		return overrun(sse_loop_epilogue);
	if (strcmp(argv[1], "order") == 0)
		return order();
	if (strcmp(argv[1], "exc") == 0)
		return exc();
	if (strcmp(argv[1], "inhandler") == 0)
		return in_handler();
	if (strcmp(argv[1], "fpuoff") == 0)
		return fpu_off();
	if (strcmp(argv[1], "epiexit") == 0)
		return epilogue_exits();
	if (strcmp(argv[1], "unmapsave") == 0)
		return unmapped_save();
	if (strcmp(argv[1], "badstack") == 0)
		return bad_upcall(1);
	if (strcmp(argv[1], "badentry") == 0)
		return bad_upcall(0);
	return 2;
}
