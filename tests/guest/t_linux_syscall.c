/*
 * Looks for a broken Linux system-call path: without an EXO_EXC_SYSCALL
 * handler a Linux number must give -ENOSYS (-38) and keep every register
 * but rcx and r11; with one, the handler must get the number in rax, the
 * six arguments in rdi, rsi, rdx, r10, r8, r9 and every other register as
 * at the syscall, with a frame whose rip (and rcx) is the instruction
 * after it, and what it puts in rax must come back to the caller, who
 * resumes right after the syscall with its other registers intact.
 * Exokernel calls must never reach the handler.  Checked with a handler
 * in assembly registered directly (the kernel's part) and with a C
 * handler through exos_exc_handle (the library's).
 */
#include "tutil.h"
#include "regs.h"

#define RAW_STACK 0x0000510000001000UL /* top of the raw handler's stack */
#define LINUX_ENOSYS 38

/*
 * Loads every register from pat (rax is the number), makes the syscall,
 * stores every register into after.  next_at is the instruction after
 * the syscall.
 */
static void __attribute__((noinline))
run_syscall(void)
{
	__asm__ volatile(REGS_SAVE_HOST
			 "leaq 2f(%%rip), %%rax\n\t"
			 "movq %%rax, next_at(%%rip)\n\t"
			 REGS_LOAD_PAT
			 "\tsyscall\n"
			 "2:\t" REGS_STORE_AFTER
			 REGS_RESTORE_HOST
			 :
			 :
			 : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
			 "r11", "memory", "cc");
}

static void
set_pattern(uint64_t num)
{
	fill_pattern(num);
}

/* What the raw handler computes from the number and the arguments. */
static uint64_t
mix(uint64_t num, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
    uint64_t a4, uint64_t a5)
{
	return num * 13 + a0 + a1 * 2 + a2 * 3 + a3 * 5 + a4 * 7 + a5 * 11;
}

/*
 * After a syscall: rax as given, rcx and r11 as the syscall instruction
 * leaves them (rcx = next rip, r11 = rflags, like Linux, or anything: not
 * checked), every other register and the flags intact.
 */
static void
check_after(const char *what, uint64_t want_rax)
{
	const uint64_t *w = (const uint64_t *)&pat, *a = (const uint64_t *)&after;

	for (int i = 0; i < 16; i++) {
		uint64_t expect = i == 0 ? want_rax : i == 7 ? host[6] : w[i];
		if (i == 2 || i == 11)
			continue;
		if (a[i] != expect) {
			printf("t_linux_syscall: %s: %s is %lx after the call, "
			       "want %lx\n", what, reg_names[i], a[i], expect);
			exit(1);
		}
	}
	if ((after.rflags & FL_ARITH) != (pat.rflags & FL_ARITH)) {
		printf("t_linux_syscall: %s: flags %lx, want %lx\n", what,
		    after.rflags & FL_ARITH, pat.rflags & FL_ARITH);
		exit(1);
	}
}

/*
 * The raw handler: records every register as the kernel hands them over,
 * returns mix(number, arguments) in rax and resumes at the frame's rip.
 */
void raw_handler(void);
__asm__(".text\n"
	"raw_handler:\n\t"
	RAW_RECORD
	/* rax = rax*13 + rdi + rsi*2 + rdx*3 + r10*5 + r8*7 + r9*11 */
	"imulq $13, %rax, %rax\n\t"
	"addq %rdi, %rax\n\t"
	"leaq (%rax,%rsi,2), %rax\n\t"
	"imulq $3, %rdx, %rcx\n\t"
	"addq %rcx, %rax\n\t"
	"imulq $5, %r10, %rcx\n\t"
	"addq %rcx, %rax\n\t"
	"imulq $7, %r8, %rcx\n\t"
	"addq %rcx, %rax\n\t"
	"imulq $11, %r9, %rcx\n\t"
	"addq %rcx, %rax\n\t"
	"movq %rax, 24(%rsp)\n\t" /* the frame's rax */
	"movq 40(%rsp), %rax\n\t" /* the frame's rip */
	RAW_RESUME_RAX);

static void
raw_case(uint64_t num)
{
	set_pattern(num);
	raw_count = 0;
	run_syscall();
	CHECK(raw_count == 1);
	/* The handler's view: rsp at the frame at the top of its stack. */
	CHECK(raw_seen.rsp == RAW_STACK - sizeof(struct exo_excframe));
	const struct exo_excframe *f = (const void *)raw_seen.rsp;
	CHECK(f->rip == next_at && f->rcx == next_at && f->rsp == host[6]);
	CHECK(f->err == 0 && f->addr == 0);
	CHECK((f->rflags & FL_ARITH) == (pat.rflags & FL_ARITH));
	CHECK(f->r11 == f->rflags);
	/* The number and the arguments, and every other register but rcx
	 * and r11, as at the syscall. */
	const uint64_t *w = (const uint64_t *)&pat, *r = (const uint64_t *)&raw_seen;
	for (int i = 0; i < 16; i++) {
		if (i == 2 || i == 7 || i == 11)
			continue;
		if (r[i] != w[i]) {
			printf("t_linux_syscall: number %lu: register %d is %lx "
			       "in the handler, want %lx\n", num, i, r[i], w[i]);
			exit(1);
		}
	}
	CHECK((raw_seen.rflags & 0x400) == 0); /* DF clear in the handler */
	check_after("raw handler",
	    mix(num, pat.rdi, pat.rsi, pat.rdx, pat.r10, pat.r8, pat.r9));
}

/* The C handler: Linux's getpid answers our id; others -ENOSYS+num. */
static volatile uint64_t c_count, c_rax, c_rip, c_rcx, c_rsp;
static void
c_handler(int cls, struct exo_excframe *f)
{
	(void)cls;
	c_count++;
	c_rax = f->rax;
	c_rip = f->rip;
	c_rcx = f->rcx;
	c_rsp = f->rsp;
	if (f->rax == 39)
		f->rax = (uint64_t)EXO_SELF->id;
	else
		f->rax = 0x5000 + f->rax;
}

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;

	/* No handler: -ENOSYS, registers intact, for every Linux number. */
	static const uint64_t nums[] = { 0, 1, 39, 60, 231, 0xfff };
	for (unsigned i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		set_pattern(nums[i]);
		run_syscall();
		check_after("no handler", (uint64_t)-LINUX_ENOSYS);
	}

	/* A handler in assembly, registered directly. */
	exo_slot_t s;
	CHECK_EQ(page_alloc_map(RAW_STACK - EXO_PGSIZE, 1, EXO_PERM_W, &s), 0);
	CHECK_EQ(exo_exc_register(EXO_EXC_SYSCALL, (uint64_t)raw_handler,
		     RAW_STACK), 0);
	for (unsigned i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		raw_case(nums[i]);
	/* Other argument values, to be sure each lands where it should. */
	set_pattern(39);
	pat.rdi = 1, pat.rsi = 10, pat.rdx = 100, pat.r10 = 1000;
	pat.r8 = 10000, pat.r9 = 100000;
	raw_count = 0;
	run_syscall();
	CHECK(raw_count == 1);
	CHECK(after.rax == 39 * 13 + 1 + 20 + 300 + 5000 + 70000 + 1100000);
	/* Exokernel calls are not forwarded. */
	raw_count = 0;
	CHECK_EQ(exo_null(), 0);
	CHECK_EQ(exo_syscall6(EXO_SYSCALL_BASE + 999, 0, 0, 0, 0, 0, 0), EXO_ENOSYS);
	CHECK_EQ(exo_fpu(1), 0);
	CHECK(raw_count == 0);
	/* Removed: -ENOSYS again. */
	CHECK_EQ(exo_exc_register(EXO_EXC_SYSCALL, 0, 0), 0);
	set_pattern(39);
	run_syscall();
	check_after("handler removed", (uint64_t)-LINUX_ENOSYS);
	CHECK(raw_count == 0);
	unmap_free(RAW_STACK - EXO_PGSIZE, s);

	/* A C handler through the library. */
	CHECK_EQ(exos_exc_handle(EXO_EXC_SYSCALL, c_handler), 0);
	for (int round = 0; round < 100; round++) {
		uint64_t num = round % 2 ? 39 : (uint64_t)round;
		set_pattern(num);
		c_count = 0;
		run_syscall();
		CHECK(c_count == 1);
		CHECK(c_rax == num && c_rip == next_at && c_rcx == next_at);
		CHECK(c_rsp == host[6]);
		check_after("C handler", num == 39 ? (uint64_t)EXO_SELF->id :
		    0x5000 + num);
	}
	/* The stub-style call works too. */
	CHECK_EQ(exo_syscall6(39, 1, 2, 3, 4, 5, 6), EXO_SELF->id);
	CHECK_EQ(exos_exc_handle(EXO_EXC_SYSCALL, NULL), 0);
	CHECK_EQ(exo_syscall6(39, 0, 0, 0, 0, 0, 0), -LINUX_ENOSYS);
	printf("t_linux_syscall: -ENOSYS, raw and C handlers ok\n");
	return 0;
}
