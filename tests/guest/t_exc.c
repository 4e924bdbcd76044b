/*
 * Looks for broken user-level exception dispatch: a handler that does not
 * run, runs twice, sees the wrong class, rip, address or error code, or a
 * faulting program that does not resume exactly where the handler says
 * with every general register and the flags as they were at the fault.
 * Covers divide error, invalid opcode, breakpoint (a trap), debug (single
 * step), general protection (cli, hlt, int $0x80, a non-canonical
 * address), a non-canonical stack access, page faults (read-only page,
 * unmapped page, no-execute page, a handler that maps the page and
 * retries), a handler that abandons the faulting code (new rip, rsp and
 * rax), x87 and SIMD floating-point exceptions (where the processor
 * raises them), device-not-available with exo_fpu, and, with a handler
 * written in assembly and registered with exo_exc_register directly, the
 * registers the kernel hands a handler.  In children (h_exc): a handler
 * that sets TF in the frame, after which the program must trap in its own
 * code (not hang in the library's resume), and a handled exception while
 * the FPU is turned off, which must neither fault on the library's use
 * of the FPU nor turn it back on.
 */
#include "tutil.h"
#include "regs.h"

#define RO_PAGE 0x0000500000000000UL   /* mapped read-only */
#define HOLE 0x0000500000100000UL      /* never mapped */
#define FIX_PAGE 0x0000500000200000UL  /* mapped by the handler */
#define RAW_STACK 0x0000500000300000UL /* top of the raw handler's stack */
#define NONCANON 0x8000000000000000UL

/* Read and written by the assembly too (regs.h has the rest). */
__attribute__((used)) uint64_t fault_at, xmm0_out;

/*
 * Extended asm: records the addresses of the faulting instruction (label
 * 1) in fault_at and of the next one (label 2) in next_at.
 */
#define MARK_LABELS                                                            \
	"leaq 1f(%%rip), %%rax\n\t"                                            \
	"movq %%rax, fault_at(%%rip)\n\t"                                      \
	"leaq 2f(%%rip), %%rax\n\t"                                            \
	"movq %%rax, next_at(%%rip)\n\t"

/*
 * Saves the compiler's registers, records the addresses of the faulting
 * instruction (label 1) and of the next one (label 2), loads every
 * register and the flags from pat, runs insn, stores every register and
 * the flags into after, and restores the compiler's registers.
 */
#define PATTERN_FN(name, insn)                                                 \
	static void __attribute__((noinline)) name(void)                       \
	{                                                                      \
		__asm__ volatile(                                              \
		    REGS_SAVE_HOST                                             \
		    MARK_LABELS                                                \
		    REGS_LOAD_PAT                                              \
		    "1:\t" insn "\n"                                           \
		    "2:\t" REGS_STORE_AFTER                                    \
		    "movq %%xmm0, xmm0_out(%%rip)\n\t"                         \
		    REGS_RESTORE_HOST                                          \
		    :                                                          \
		    :                                                          \
		    : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",    \
		    "r11", "xmm0", "memory", "cc");                            \
	}

PATTERN_FN(run_div, "divq %%rcx")          /* rcx = 0 */
PATTERN_FN(run_ud2, "ud2")
PATTERN_FN(run_int3, "int3")
PATTERN_FN(run_nop, "nop")                 /* with TF set: a debug trap */
PATTERN_FN(run_cli, "cli")
PATTERN_FN(run_hlt, "hlt")
PATTERN_FN(run_int80, "int $0x80")
PATTERN_FN(run_load_rsi, "movq (%%rsi), %%r9") /* rsi = the address */
PATTERN_FN(run_store_rdi, "movq %%rdx, (%%rdi)") /* rdi = the address */
PATTERN_FN(run_jmp_rsi, "jmp *%%rsi")
PATTERN_FN(run_sse, "movq %%rbx, %%xmm0")  /* with the FPU off */
PATTERN_FN(run_load_rbp, "movq (%%rbp), %%r9") /* rbp-based: a stack access */

/* What the handler saw, and what it does. */
enum action { SKIP, STAY, MAP, FPU_ON, CLEAR_TF, RECOVER };
static volatile enum action action;
static volatile struct {
	uint64_t count, cls, rip, addr, err, rax, rcx, r11, rflags, rsp;
	uint64_t fpu_off;
	int64_t map_ret;
} seen;
static exo_slot_t fix_slot;
__attribute__((used)) uint64_t recover_rip, recover_rsp, recovered_rax,
    recovered_rsp;

/* Forgets what the handler saw; it is to do act next. */
static void
arm(enum action act)
{
	memset((void *)&seen, 0, sizeof(seen));
	action = act;
}

static void
handler(int cls, struct exo_excframe *f)
{
	/* First: with the FPU off nothing may touch it before this. */
	if (action == FPU_ON) {
		seen.fpu_off = EXO_SELF->fpu_off;
		exo_fpu(1);
	}
	seen.count++;
	seen.cls = (uint64_t)cls;
	seen.rip = f->rip;
	seen.addr = f->addr;
	seen.err = f->err;
	seen.rax = f->rax;
	seen.rcx = f->rcx;
	seen.r11 = f->r11;
	seen.rflags = f->rflags;
	seen.rsp = f->rsp;
	switch (action) {
	case SKIP:
		f->rip = next_at;
		break;
	case MAP:
		seen.map_ret = page_alloc_map(f->addr & ~(EXO_PGSIZE - 1), 1,
		    EXO_PERM_W, &fix_slot);
		break;
	case CLEAR_TF:
		f->rflags &= ~FL_TF;
		break;
	case RECOVER:
		f->rip = recover_rip;
		f->rsp = recover_rsp;
		f->rax = 42;
		break;
	case STAY:
	case FPU_ON:
		break;
	}
}

static void
set_pattern(void)
{
	fill_pattern(0x0101010101010101UL);
}

/* Every register and flag as loaded (or as changed by the instruction). */
static void
check_regs(const char *what, const struct regs *want)
{
	const uint64_t *w = (const uint64_t *)want, *a = (const uint64_t *)&after;

	for (int i = 0; i < 16; i++) {
		uint64_t expect = i == 7 ? host[6] : w[i];
		if (a[i] != expect) {
			printf("t_exc: %s: %s is %lx after the fault, want %lx\n",
			    what, reg_names[i], a[i], expect);
			exit(1);
		}
	}
	if ((after.rflags & FL_ARITH) != (want->rflags & FL_ARITH)) {
		printf("t_exc: %s: flags %lx after the fault, want %lx\n", what,
		    after.rflags & FL_ARITH, want->rflags & FL_ARITH);
		exit(1);
	}
}

/* One fault: the handler ran once with the right frame; all resumed. */
static void
fault_case(const char *what, void (*run)(void), int cls, enum action act,
    int trap, uint64_t addr, uint64_t err)
{
	arm(act);
	run();
	if (seen.count != 1) {
		printf("t_exc: %s: handler ran %lu times, want 1\n", what,
		    seen.count);
		exit(1);
	}
	if (seen.cls != (uint64_t)cls) {
		printf("t_exc: %s: class %lu, want %d\n", what, seen.cls, cls);
		exit(1);
	}
	uint64_t want_rip = trap ? next_at : fault_at;
	if (seen.rip != want_rip) {
		printf("t_exc: %s: frame rip %lx, want %lx (fault at %lx)\n",
		    what, seen.rip, want_rip, fault_at);
		exit(1);
	}
	if (seen.addr != addr || seen.err != err) {
		printf("t_exc: %s: frame addr %lx err %lx, want %lx %lx\n", what,
		    seen.addr, seen.err, addr, err);
		exit(1);
	}
	/* rax, rcx, r11, rsp and the flags as at the fault. */
	if (seen.rax != pat.rax || seen.rcx != pat.rcx || seen.r11 != pat.r11 ||
	    seen.rsp != host[6] ||
	    (seen.rflags & FL_ARITH) != (pat.rflags & FL_ARITH)) {
		printf("t_exc: %s: frame rax %lx rcx %lx r11 %lx rsp %lx "
		       "rflags %lx; want %lx %lx %lx %lx %lx\n",
		    what, seen.rax, seen.rcx, seen.r11, seen.rsp, seen.rflags,
		    pat.rax, pat.rcx, pat.r11, host[6], pat.rflags);
		exit(1);
	}
	check_regs(what, &pat);
}

/*
 * A handler in assembly, registered directly: it records every register
 * as the kernel hands them over, then resumes past the ud2 itself.
 */
void raw_handler(void);
__asm__(".text\n"
	"raw_handler:\n\t"
	RAW_RECORD
	"movq 40(%rsp), %rax\n\t"
	"addq $2, %rax\n\t" /* past the ud2 */
	RAW_RESUME_RAX);

static void
raw_case(void)
{
	exo_slot_t s;

	CHECK_EQ(page_alloc_map(RAW_STACK - EXO_PGSIZE, 1, EXO_PERM_W, &s), 0);
	CHECK_EQ(exo_exc_register(EXO_EXC_UD, (uint64_t)raw_handler, RAW_STACK), 0);
	set_pattern();
	raw_count = 0;
	run_ud2();
	CHECK(raw_count == 1);
	/* rsp at the frame, which sits at the top of the stack. */
	CHECK(raw_seen.rsp == RAW_STACK - sizeof(struct exo_excframe));
	const struct exo_excframe *f = (const void *)raw_seen.rsp;
	CHECK(f->rip == fault_at && f->rax == pat.rax && f->rcx == pat.rcx &&
	    f->r11 == pat.r11 && f->rsp == host[6] && f->err == 0 && f->addr == 0);
	CHECK((f->rflags & FL_ARITH) == (pat.rflags & FL_ARITH));
	/* Every register but rcx and r11 as at the fault. */
	const uint64_t *w = (const uint64_t *)&pat, *r = (const uint64_t *)&raw_seen;
	for (int i = 0; i < 16; i++) {
		if (i == 2 || i == 7 || i == 11)
			continue;
		if (r[i] != w[i]) {
			printf("t_exc: raw handler: register %d is %lx at entry, "
			       "want %lx\n", i, r[i], w[i]);
			exit(1);
		}
	}
	/* The handler starts with clean flags: DF in particular clear. */
	CHECK((raw_seen.rflags & (FL_DF | FL_TF)) == 0);
	check_regs("raw ud2", &pat);
	CHECK_EQ(exos_exc_handle(EXO_EXC_UD, handler), 0); /* back to ours */
	unmap_free(RAW_STACK - EXO_PGSIZE, s);
}

/*
 * A handler that abandons the faulting code (longjmp style): it sets rip,
 * rsp and rax in the frame and the program goes on from there.
 */
static void
recover_case(void)
{
	arm(RECOVER);
	__asm__ volatile("leaq 3f(%%rip), %%rax\n\t"
			 "movq %%rax, recover_rip(%%rip)\n\t"
			 "movq %%rsp, recover_rsp(%%rip)\n\t"
			 "pushq $1\n\t"
			 "pushq $2\n\t"
			 "pushq $3\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "ud2\n\t"
			 "ud2\n"
			 "3:\tmovq %%rax, recovered_rax(%%rip)\n\t"
			 "movq %%rsp, recovered_rsp(%%rip)"
			 ::: "rax", "memory", "cc");
	CHECK(seen.count == 1 && seen.cls == EXO_EXC_UD);
	CHECK(seen.rsp == recover_rsp - 24);
	CHECK(recovered_rax == 42 && recovered_rsp == recover_rsp);
}

/*
 * SIMD floating point (#XM): a division by zero with the exception
 * unmasked in MXCSR.  QEMU's TCG does not raise it; then the division
 * must simply have completed.
 */
static void
simd_case(void)
{
	uint32_t mx_old, mx_new;
	uint64_t one = 0x3ff0000000000000UL, res;

	__asm__ volatile("stmxcsr %0" : "=m"(mx_old));
	mx_new = mx_old & ~0x200U; /* unmask divide-by-zero */
	arm(SKIP);
	__asm__ volatile(MARK_LABELS
			 "movq %2, %%xmm0\n\t"
			 "pxor %%xmm1, %%xmm1\n\t"
			 "ldmxcsr %1\n"
			 "1:\tdivsd %%xmm1, %%xmm0\n"
			 "2:\tldmxcsr %3\n\t"
			 "movq %%xmm0, %0"
			 : "=r"(res)
			 : "m"(mx_new), "r"(one), "m"(mx_old)
			 : "rax", "xmm0", "xmm1", "memory");
	if (seen.count == 0) {
		CHECK(res == 0x7ff0000000000000UL); /* +inf: it completed */
		printf("t_exc: #XM not raised by this processor; skipped\n");
		return;
	}
	CHECK(seen.count == 1 && seen.cls == EXO_EXC_XM && seen.rip == fault_at);
	CHECK(res == one); /* skipped: xmm0 unchanged */
}

/*
 * x87 floating point (#MF): a pending unmasked divide-by-zero raised at
 * the next waiting instruction (fwait).  The handler skips the fwait; the
 * code then clears the exception itself.
 */
static void
x87_case(void)
{
	uint16_t cw_old, cw_new;

	__asm__ volatile("fnstcw %0" : "=m"(cw_old));
	cw_new = cw_old & ~0x4; /* unmask divide-by-zero */
	arm(SKIP);
	__asm__ volatile(MARK_LABELS
			 "fninit\n\t"
			 "fldcw %0\n\t"
			 "fld1\n\t"
			 "fldz\n\t"
			 "fdivrp\n"  /* 1 / 0: pending, unmasked */
			 "1:\tfwait\n"
			 "2:\tfnclex\n\t"
			 "fninit\n\t"
			 "fldcw %1"
			 :
			 : "m"(cw_new), "m"(cw_old)
			 : "rax", "memory", "st");
	if (seen.count == 0) {
		printf("t_exc: #MF not raised by this processor; skipped\n");
		return;
	}
	CHECK(seen.count == 1 && seen.cls == EXO_EXC_MF && seen.rip == fault_at);
}

/*
 * Runs h_exc mode in a child, which must exit with status 0 within 3 s;
 * if it does not, says so (what names the case) and returns 1.
 */
static int
child_case(const char *mode, const char *what)
{
	char *argv[] = { "h_exc", (char *)mode, NULL };
	struct exo_envinfo in;
	int r = run_child_for(argv, 3000000000ULL, &in);

	if (r == EXO_EAGAIN) {
		printf("t_exc: %s: the program hangs\n", what);
		return 1;
	}
	CHECK_EQ(r, 0);
	if (in.cause != EXO_CAUSE_EXIT || in.status != 0) {
		printf("t_exc: %s: cause %u status %ld trapno %u rip %lx\n",
		    what, in.cause, (long)in.status, in.trapno, in.fault_rip);
		return 1;
	}
	return 0;
}

/*
 * With the FPU turned off (lazy switching), an exception of another
 * class must still be handled and resumed with the FPU still off: the
 * program never used it.  In a child (h_exc fpuoff), since the library's
 * own use of the FPU may kill it.
 */
static int
fpu_off_case(void)
{
	return child_case("fpuoff", "a handled exception with the FPU off");
}

/*
 * A handler that sets TF in the frame: the program resumes and traps
 * after its first instruction.  In a child (h_exc tfresume), since a
 * broken resume path may loop forever.
 */
static int
tf_resume_case(void)
{
	return child_case("tfresume", "resuming with TF set");
}

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	exo_slot_t ro_slot;

	CHECK_EQ(page_alloc_map(RO_PAGE, 1, 0, &ro_slot), 0);
	static const int classes[] = { EXO_EXC_DE, EXO_EXC_DB, EXO_EXC_BP,
		EXO_EXC_UD, EXO_EXC_NM, EXO_EXC_GP, EXO_EXC_PF, EXO_EXC_MF,
		EXO_EXC_XM };
	for (unsigned i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		CHECK_EQ(exos_exc_handle(classes[i], handler), 0);

	/* Divide error: rcx = 0. */
	set_pattern();
	pat.rcx = 0;
	fault_case("divide", run_div, EXO_EXC_DE, SKIP, 0, 0, 0);
	set_pattern();
	fault_case("ud2", run_ud2, EXO_EXC_UD, SKIP, 0, 0, 0);
	/* int3 is a trap: rip is already past it; the handler changes nothing. */
	set_pattern();
	fault_case("int3", run_int3, EXO_EXC_BP, STAY, 1, 0, 0);
	/* Single step: TF set by popfq traps after the next instruction (the
	 * load of rax just before label 1); the handler clears TF. */
	set_pattern();
	pat.rflags |= FL_TF;
	fault_case("single step", run_nop, EXO_EXC_DB, CLEAR_TF, 0, 0, 0);
	CHECK((after.rflags & FL_TF) == 0);
	set_pattern();
	fault_case("cli", run_cli, EXO_EXC_GP, SKIP, 0, 0, 0);
	CHECK(after.rflags & 0x200); /* still interruptible */
	set_pattern();
	fault_case("hlt", run_hlt, EXO_EXC_GP, SKIP, 0, 0, 0);
	/*
	 * int $0x80 through a kernel-only gate: the error code names the
	 * gate (IDT bit).  Hardware puts the vector at bit 3; QEMU's TCG
	 * puts vector * 16 there, so take either.
	 */
	set_pattern();
	arm(SKIP);
	run_int80();
	CHECK(seen.count == 1 && seen.cls == EXO_EXC_GP && seen.rip == fault_at);
	CHECK(seen.err == (0x80 << 3 | 2) || seen.err == (0x80 << 4 | 2));
	check_regs("int $0x80", &pat);
	set_pattern();
	pat.rsi = NONCANON;
	fault_case("non-canonical load", run_load_rsi, EXO_EXC_GP, SKIP, 0, 0, 0);

	/*
	 * A non-canonical address through rbp is a stack access: #SS on
	 * hardware; QEMU's TCG raises #GP instead, so take either.
	 */
	CHECK_EQ(exos_exc_handle(EXO_EXC_SS, handler), 0);
	set_pattern();
	pat.rbp = NONCANON;
	arm(SKIP);
	run_load_rbp();
	CHECK(seen.count == 1 && seen.rip == fault_at && seen.err == 0);
	CHECK(seen.cls == EXO_EXC_SS || seen.cls == EXO_EXC_GP);
	check_regs("non-canonical stack access", &pat);
	CHECK_EQ(exos_exc_handle(EXO_EXC_SS, NULL), 0);

	/* A store to a read-only page: present, write, user. */
	set_pattern();
	pat.rdi = RO_PAGE + 0x18;
	fault_case("store to read-only page", run_store_rdi, EXO_EXC_PF, SKIP,
	    0, RO_PAGE + 0x18, 0x7);
	CHECK(*(volatile uint64_t *)(RO_PAGE + 0x18) == 0);
	/* A load from an unmapped page: not present, read, user. */
	set_pattern();
	pat.rsi = HOLE + 0x123;
	fault_case("load from unmapped page", run_load_rsi, EXO_EXC_PF, SKIP, 0,
	    HOLE + 0x123, 0x4);
	/* A jump into a no-execute page: rip is the target, err has I/D. */
	set_pattern();
	pat.rsi = RO_PAGE + 0x40;
	arm(SKIP);
	run_jmp_rsi();
	CHECK(seen.count == 1 && seen.cls == EXO_EXC_PF);
	CHECK(seen.rip == RO_PAGE + 0x40 && seen.addr == RO_PAGE + 0x40);
	CHECK((seen.err & 0x15) == 0x15); /* present, user, instruction fetch */
	check_regs("jump to no-execute page", &pat);

	/* A handler that maps the missing page: the store then completes. */
	set_pattern();
	pat.rdi = FIX_PAGE + 0x808;
	pat.rdx = 0x1234567890abcdefUL;
	fault_case("store fixed by the handler", run_store_rdi, EXO_EXC_PF, MAP,
	    0, FIX_PAGE + 0x808, 0x6);
	CHECK_EQ(seen.map_ret, 0);
	CHECK(*(volatile uint64_t *)(FIX_PAGE + 0x808) == 0x1234567890abcdefUL);
	unmap_free(FIX_PAGE, fix_slot);

	/* Device not available: the FPU off, even across switches. */
	uint64_t x1 = 0x5a5a5a5a12345678UL, x1_after;
	__asm__ volatile("movq %0, %%xmm1" : : "r"(x1) : "xmm1");
	/*
	 * Everything is set up before the FPU goes off: compiled code may use
	 * SSE registers for copies, which would raise the exception early
	 * (then the handler's rip would not be the instruction's).
	 */
	set_pattern();
	arm(FPU_ON);
	CHECK_EQ(exo_fpu(0), 0);
	CHECK(EXO_SELF->fpu_off == 1);
	for (int i = 0; i < 3; i++)
		exo_yield(EXO_ENV_ANY);
	CHECK(EXO_SELF->fpu_off == 1);
	run_sse();
	CHECK(seen.count == 1 && seen.cls == EXO_EXC_NM);
	CHECK(seen.rip == fault_at && seen.err == 0 && seen.addr == 0);
	CHECK(seen.rax == pat.rax && seen.rcx == pat.rcx && seen.r11 == pat.r11);
	CHECK(seen.fpu_off == 1);
	check_regs("SSE with the FPU off", &pat);
	CHECK(EXO_SELF->fpu_off == 0);
	CHECK(xmm0_out == pat.rbx); /* the instruction completed */
	__asm__ volatile("movq %%xmm1, %0" : "=r"(x1_after));
	CHECK(x1_after == x1);
	/* On again: no exception. */
	set_pattern();
	memset((void *)&seen, 0, sizeof(seen));
	run_sse();
	CHECK(seen.count == 0 && xmm0_out == pat.rbx);
	CHECK_EQ(exo_fpu(2), EXO_EINVAL);
	CHECK_EQ(exo_fpu(~0UL), EXO_EINVAL);
	CHECK(EXO_SELF->fpu_off == 0);

	/* Exactly once per fault, many times over. */
	arm(SKIP);
	set_pattern();
	for (int i = 0; i < 1000; i++)
		run_ud2();
	CHECK(seen.count == 1000);
	check_regs("ud2 x1000", &pat);

	raw_case();
	recover_case();
	simd_case();
	x87_case();

	/* The handlers go; nothing is left mapped of ours but the stack. */
	for (unsigned i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		CHECK_EQ(exos_exc_handle(classes[i], NULL), 0);
	unmap_free(RO_PAGE, ro_slot);

	/* The cases that run in a child; each says what went wrong. */
	int bad = tf_resume_case();
	bad |= fpu_off_case();
	if (bad)
		return 1;
	printf("t_exc: divide, debug, breakpoint, ud2, GP, SS, page faults, "
	       "fix-up, recovery, x87, FPU off, raw handler and TF resume "
	       "ok\n");
	return 0;
}
