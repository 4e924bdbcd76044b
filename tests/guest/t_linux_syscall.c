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
#include "check.h"

#define RAW_STACK 0x0000510000001000UL /* top of the raw handler's stack */
#define LINUX_ENOSYS 38

struct regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;      /*  0 .. 56 */
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;        /* 64 .. 120 */
	uint64_t rflags;                                      /* 128 */
};

__attribute__((used)) struct regs pat, after, raw_seen;
__attribute__((used)) uint64_t host[8], next_at, raw_count, raw_resume;

/*
 * Loads every register from pat (rax is the number), makes the syscall,
 * stores every register into after.  next_at is the instruction after
 * the syscall.
 */
static void __attribute__((noinline))
run_syscall(void)
{
	__asm__ volatile("movq %%rbx, host+0(%%rip)\n\t"
			 "movq %%rbp, host+8(%%rip)\n\t"
			 "movq %%r12, host+16(%%rip)\n\t"
			 "movq %%r13, host+24(%%rip)\n\t"
			 "movq %%r14, host+32(%%rip)\n\t"
			 "movq %%r15, host+40(%%rip)\n\t"
			 "movq %%rsp, host+48(%%rip)\n\t"
			 "leaq 2f(%%rip), %%rax\n\t"
			 "movq %%rax, next_at(%%rip)\n\t"
			 "movq pat+8(%%rip), %%rbx\n\t"
			 "movq pat+16(%%rip), %%rcx\n\t"
			 "movq pat+24(%%rip), %%rdx\n\t"
			 "movq pat+32(%%rip), %%rsi\n\t"
			 "movq pat+40(%%rip), %%rdi\n\t"
			 "movq pat+48(%%rip), %%rbp\n\t"
			 "movq pat+64(%%rip), %%r8\n\t"
			 "movq pat+72(%%rip), %%r9\n\t"
			 "movq pat+80(%%rip), %%r10\n\t"
			 "movq pat+88(%%rip), %%r11\n\t"
			 "movq pat+96(%%rip), %%r12\n\t"
			 "movq pat+104(%%rip), %%r13\n\t"
			 "movq pat+112(%%rip), %%r14\n\t"
			 "movq pat+120(%%rip), %%r15\n\t"
			 "pushq pat+128(%%rip)\n\t"
			 "popfq\n\t"
			 "movq pat+0(%%rip), %%rax\n\t"
			 "syscall\n"
			 "2:\tpushfq\n\t"
			 "popq after+128(%%rip)\n\t"
			 "cld\n\t"
			 "movq %%rax, after+0(%%rip)\n\t"
			 "movq %%rbx, after+8(%%rip)\n\t"
			 "movq %%rcx, after+16(%%rip)\n\t"
			 "movq %%rdx, after+24(%%rip)\n\t"
			 "movq %%rsi, after+32(%%rip)\n\t"
			 "movq %%rdi, after+40(%%rip)\n\t"
			 "movq %%rbp, after+48(%%rip)\n\t"
			 "movq %%rsp, after+56(%%rip)\n\t"
			 "movq %%r8, after+64(%%rip)\n\t"
			 "movq %%r9, after+72(%%rip)\n\t"
			 "movq %%r10, after+80(%%rip)\n\t"
			 "movq %%r11, after+88(%%rip)\n\t"
			 "movq %%r12, after+96(%%rip)\n\t"
			 "movq %%r13, after+104(%%rip)\n\t"
			 "movq %%r14, after+112(%%rip)\n\t"
			 "movq %%r15, after+120(%%rip)\n\t"
			 "movq host+0(%%rip), %%rbx\n\t"
			 "movq host+8(%%rip), %%rbp\n\t"
			 "movq host+16(%%rip), %%r12\n\t"
			 "movq host+24(%%rip), %%r13\n\t"
			 "movq host+32(%%rip), %%r14\n\t"
			 "movq host+40(%%rip), %%r15\n\t"
			 :
			 :
			 : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
			 "r11", "memory", "cc");
}

#define FL_ARITH 0xcd5UL /* CF PF AF ZF SF DF OF */

static void
set_pattern(uint64_t num)
{
	pat = (struct regs){
		.rax = num, .rbx = 0x0202020202020202UL,
		.rcx = 0x0303030303030303UL, .rdx = 0x0404040404040404UL,
		.rsi = 0x0505050505050505UL, .rdi = 0x0606060606060606UL,
		.rbp = 0x0707070707070707UL, .r8 = 0x0808080808080808UL,
		.r9 = 0x0909090909090909UL, .r10 = 0x0a0a0a0a0a0a0a0aUL,
		.r11 = 0x0b0b0b0b0b0b0b0bUL, .r12 = 0x0c0c0c0c0c0c0c0cUL,
		.r13 = 0x0d0d0d0d0d0d0d0dUL, .r14 = 0x0e0e0e0e0e0e0e0eUL,
		.r15 = 0x0f0f0f0f0f0f0f0fUL, .rflags = 0x202 | FL_ARITH,
	};
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
	static const char *const names[16] = { "rax", "rbx", "rcx", "rdx",
		"rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12",
		"r13", "r14", "r15" };
	const uint64_t *w = (const uint64_t *)&pat, *a = (const uint64_t *)&after;

	for (int i = 0; i < 16; i++) {
		uint64_t expect = i == 0 ? want_rax : i == 7 ? host[6] : w[i];
		if (i == 2 || i == 11)
			continue;
		if (a[i] != expect) {
			printf("t_linux_syscall: %s: %s is %lx after the call, "
			       "want %lx\n", what, names[i], a[i], expect);
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
	"movq %rax, raw_seen+0(%rip)\n\t"
	"movq %rbx, raw_seen+8(%rip)\n\t"
	"movq %rcx, raw_seen+16(%rip)\n\t"
	"movq %rdx, raw_seen+24(%rip)\n\t"
	"movq %rsi, raw_seen+32(%rip)\n\t"
	"movq %rdi, raw_seen+40(%rip)\n\t"
	"movq %rbp, raw_seen+48(%rip)\n\t"
	"movq %rsp, raw_seen+56(%rip)\n\t"
	"movq %r8, raw_seen+64(%rip)\n\t"
	"movq %r9, raw_seen+72(%rip)\n\t"
	"movq %r10, raw_seen+80(%rip)\n\t"
	"movq %r11, raw_seen+88(%rip)\n\t"
	"movq %r12, raw_seen+96(%rip)\n\t"
	"movq %r13, raw_seen+104(%rip)\n\t"
	"movq %r14, raw_seen+112(%rip)\n\t"
	"movq %r15, raw_seen+120(%rip)\n\t"
	"pushfq\n\t"
	"popq raw_seen+128(%rip)\n\t"
	"incq raw_count(%rip)\n\t"
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
	"movq 40(%rsp), %rax\n\t"
	"movq %rax, raw_resume(%rip)\n\t"
	"movq 8(%rsp), %r11\n\t"
	"movq 16(%rsp), %rcx\n\t"
	"movq 24(%rsp), %rax\n\t"
	"addq $48, %rsp\n\t"
	"popfq\n\t"
	"popq %rsp\n\t"
	"jmp *raw_resume(%rip)\n");

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
	CHECK_EQ(page_unmap(RAW_STACK - EXO_PGSIZE, 1), 1);
	CHECK_EQ(exo_cap_delete(s), 0);
	slot_free(s);

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
