/*
 * Looks for user context leaking or getting lost across a switch: while a
 * child (h_hostile clobber) loops trashing every SSE register, r8-r15 and
 * its fs/gs base, we hold known values in xmm0-xmm15, rbx and r12-r15
 * and our own fs/gs base, once across timer preemptions (we spin until the
 * child's counter moves, which it can only do while we are preempted) and
 * once across a directed yield to it.  Every value must come back intact.
 * And the other way: a newly started child, run straight from our yield
 * while our registers, MXCSR and fs/gs base hold unusual values, must
 * inherit none of them.
 */
#include "tutil.h"

#define V (TEST_VA + 0x1600000)

static uint64_t xin[16][2], xout[16][2], gin[5], gout[5];

static int
have_fsgsbase(void)
{
	uint32_t a, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
	return b & 1;
}

#define LOAD_X                                                                   \
	"movdqu 0(%[xi]), %%xmm0\n movdqu 16(%[xi]), %%xmm1\n"                   \
	"movdqu 32(%[xi]), %%xmm2\n movdqu 48(%[xi]), %%xmm3\n"                  \
	"movdqu 64(%[xi]), %%xmm4\n movdqu 80(%[xi]), %%xmm5\n"                  \
	"movdqu 96(%[xi]), %%xmm6\n movdqu 112(%[xi]), %%xmm7\n"                 \
	"movdqu 128(%[xi]), %%xmm8\n movdqu 144(%[xi]), %%xmm9\n"                \
	"movdqu 160(%[xi]), %%xmm10\n movdqu 176(%[xi]), %%xmm11\n"              \
	"movdqu 192(%[xi]), %%xmm12\n movdqu 208(%[xi]), %%xmm13\n"              \
	"movdqu 224(%[xi]), %%xmm14\n movdqu 240(%[xi]), %%xmm15\n"
#define STORE_X                                                                  \
	"movdqu %%xmm0, 0(%[xo])\n movdqu %%xmm1, 16(%[xo])\n"                   \
	"movdqu %%xmm2, 32(%[xo])\n movdqu %%xmm3, 48(%[xo])\n"                  \
	"movdqu %%xmm4, 64(%[xo])\n movdqu %%xmm5, 80(%[xo])\n"                  \
	"movdqu %%xmm6, 96(%[xo])\n movdqu %%xmm7, 112(%[xo])\n"                 \
	"movdqu %%xmm8, 128(%[xo])\n movdqu %%xmm9, 144(%[xo])\n"                \
	"movdqu %%xmm10, 160(%[xo])\n movdqu %%xmm11, 176(%[xo])\n"              \
	"movdqu %%xmm12, 192(%[xo])\n movdqu %%xmm13, 208(%[xo])\n"              \
	"movdqu %%xmm14, 224(%[xo])\n movdqu %%xmm15, 240(%[xo])\n"
/* gin/gout: rbx, r12, r13, r14, r15; the pointers live in rdi/rsi. */
#define LOAD_G                                                                   \
	"movq 0(%%rdi), %%rbx\n movq 8(%%rdi), %%r12\n movq 16(%%rdi), %%r13\n"   \
	"movq 24(%%rdi), %%r14\n movq 32(%%rdi), %%r15\n"
#define STORE_G                                                                  \
	"movq %%rbx, 0(%%rsi)\n movq %%r12, 8(%%rsi)\n movq %%r13, 16(%%rsi)\n"   \
	"movq %%r14, 24(%%rsi)\n movq %%r15, 32(%%rsi)\n"
#define CLOBBERS                                                                 \
	"rbx", "r12", "r13", "r14", "r15", "xmm0", "xmm1", "xmm2", "xmm3",       \
	    "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",    \
	    "xmm12", "xmm13", "xmm14", "xmm15", "memory", "cc"

static void
fill(uint64_t seed)
{
	for (int i = 0; i < 16; i++) {
		xin[i][0] = seed * 0x9e3779b97f4a7c15UL + (uint64_t)i;
		xin[i][1] = ~xin[i][0] ^ (uint64_t)i << 32;
	}
	for (int i = 0; i < 5; i++)
		gin[i] = seed << 8 | (uint64_t)i | 0x5a00000000000000UL;
	memset(xout, 0, sizeof(xout));
	memset(gout, 0, sizeof(gout));
}

static void
compare(const char *how)
{
	for (int i = 0; i < 16; i++)
		if (xout[i][0] != xin[i][0] || xout[i][1] != xin[i][1]) {
			printf("t_context: xmm%d lost across %s\n", i, how);
			exit(1);
		}
	for (int i = 0; i < 5; i++)
		if (gout[i] != gin[i]) {
			printf("t_context: general register %d lost across %s\n", i, how);
			exit(1);
		}
}

/* Holds the registers until *ctr differs from c0 (only preemption lets the
 * child run, since we never enter the kernel here). */
static void
hold_across_preemption(volatile uint64_t *ctr, uint64_t c0)
{
	__asm__ volatile(LOAD_G LOAD_X
			 "1: pause\n cmpq %[c0], (%[ctr])\n je 1b\n"
			 STORE_X STORE_G
			 :
			 : [xi] "r"(xin), [xo] "r"(xout), "D"(gin), "S"(gout),
			 [ctr] "r"(ctr), [c0] "r"(c0)
			 : CLOBBERS);
}

static void
hold_across_yield(exo_envid_t id)
{
	__asm__ volatile(LOAD_G LOAD_X
			 "pushq %%rdi\n"
			 "movl %[id], %%edi\n movq %[num], %%rax\n syscall\n"
			 "popq %%rdi\n"
			 STORE_X STORE_G
			 :
			 : [xi] "r"(xin), [xo] "r"(xout), "D"(gin), "S"(gout),
			 [id] "r"(id), [num] "i"(EXO_SYS_yield)
			 : CLOBBERS, "rax", "rcx", "r11");
}

#define LEAK 0x1eaf1eaf1eaf1eafUL

/* Starts h_hostile fresh by yielding to it with LEAK in every xmm
 * register, an odd MXCSR and our fs/gs base set. */
static void
no_inheritance(int fsgs)
{
	char pat[24];
	char *args[] = { "h_hostile", "fresh", fmt_hex(pat, sizeof(pat), LEAK), NULL };
	struct exo_envinfo in;
	struct child ch;

	for (int i = 0; i < 16; i++)
		xin[i][0] = xin[i][1] = LEAK;
	CHECK_EQ(spawn("h_hostile", args, &ch), 0);
	if (fsgs)
		__asm__ volatile("wrfsbase %0; wrgsbase %0" : : "r"(0x7777000UL));
	uint32_t odd = 0x9fc0, reset = 0x1f80;
	__asm__ volatile("ldmxcsr %[odd]\n" LOAD_X
			 "movl %[id], %%edi\n movq %[num], %%rax\n syscall\n"
			 "ldmxcsr %[reset]\n"
			 :
			 : [xi] "r"(xin), [odd] "m"(odd), [reset] "m"(reset),
			 [id] "r"(ch.id), [num] "i"(EXO_SYS_yield)
			 : "rax", "rcx", "r11", "rdi", "xmm0", "xmm1", "xmm2", "xmm3",
			 "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
			 "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory");
	if (fsgs)
		__asm__ volatile("wrfsbase %0; wrgsbase %0" : : "r"(0UL));
	CHECK_WAIT(&ch, &in);
	child_release(&ch);
	CHECK_EXITED(&in, 0);
}

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct exo_envinfo in;
	struct child ch;
	char va[24];
	exo_slot_t s;
	int fsgs = have_fsgsbase();

	prepare_tables(V);
	CHECK_EQ(page_alloc_map(V, 1, EXO_PERM_W, &s), 0);
	volatile uint64_t *ctr = (volatile uint64_t *)V;
	char *args[] = { "h_hostile", "clobber", fmt_hex(va, sizeof(va), CHILD_VA), NULL };
	CHECK_EQ(spawn("h_hostile", args, &ch), 0);
	CHECK_EQ(pt_op(ch.vspace, CHILD_VA, s, 1, EXO_PT_MAP, EXO_PERM_W, 0), 1);
	uint64_t t0 = time_ns();
	while (*ctr == 0) {
		CHECK(time_ns() - t0 < CHILD_TIMEOUT_NS);
		exo_yield(ch.id);
	}
	if (fsgs)
		__asm__ volatile("wrfsbase %0; wrgsbase %1"
				 : : "r"(0x1234000UL), "r"(0x5678000UL));

	for (uint64_t round = 1; round <= 3; round++) {
		fill(round);
		hold_across_preemption(ctr, *ctr);
		compare("a preemption");
		fill(round + 100);
		uint64_t c = *ctr;
		hold_across_yield(ch.id);
		compare("a yield");
		for (int tries = 0; *ctr == c && tries < 10; tries++)
			exo_yield(ch.id); /* it was preempted before it counted */
		CHECK(*ctr != c); /* the child does run */
	}
	if (fsgs) {
		uint64_t fs, gs;
		__asm__ volatile("rdfsbase %0; rdgsbase %1" : "=r"(fs), "=r"(gs));
		CHECK_EQ(fs, 0x1234000UL);
		CHECK_EQ(gs, 0x5678000UL);
		__asm__ volatile("wrfsbase %0; wrgsbase %0" : : "r"(0UL));
	}

	CHECK_EQ(exo_env_info(ch.env, &in), 0);
	CHECK_EQ(in.state, EXO_ENV_RUNNABLE);
	CHECK_EQ(exo_env_destroy(ch.env), 0);
	child_release(&ch);
	CHECK_EQ(page_unmap(V, 1), 1);
	CHECK_EQ(exo_cap_delete(s), 0);
	no_inheritance(fsgs);
	printf("t_context: registers%s survive switches\n", fsgs ? " and fs/gs base" : "");
	return 0;
}
