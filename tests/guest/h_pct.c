/*
 * Helper of t_pct: a protected-control-transfer server.  Not a test.
 *   h_pct serve   serves through exos_pct_serve, then yields forever
 *   h_pct serve_fpuoff  the same with its FPU turned off (and a #NM
 *                 handler that turns it on)
 *   h_pct idle    registers no entry and yields forever
 *   h_pct raw     an entry in assembly that reports which registers it
 *                 found not zero (see raw_entry), then yields forever
 * The serve protocol: six words whose first is not PCT_MAGIC are
 * transformed (reply[i] = ~w[5 - i] + i * 0x101); with PCT_MAGIC first,
 * w[1] is a command (t_pct.c lists them).
 */
#include "check.h"
#include "h_pct.h"

#define PCT_STACK 0x0000560000002000 /* raw: two pages below (no suffix: also in asm) */

static uint64_t ncalls, nmarks, last_mark;
static volatile uint64_t *volatile nowhere = (volatile uint64_t *)8;
static exo_envid_t mark_caller;

static void
serve(exo_envid_t caller, uint64_t w[6])
{
	ncalls++;
	if (w[0] != PCT_MAGIC) {
		uint64_t t[6];
		for (int i = 0; i < 6; i++)
			t[i] = ~w[5 - i] + (uint64_t)i * 0x101;
		for (int i = 0; i < 6; i++)
			w[i] = t[i];
		return;
	}
	switch (w[1]) {
	case PCT_PING:
		w[2] = PCT_PONG;
		w[3] = EXO_SELF->fpu_off;
		break;
	case PCT_FORWARD: {
		uint64_t v[6] = { w[3], w[4], w[5], 0, 0, 0 };
		int64_t r = exos_pct_call(w[2], v);
		if (r < 0) {
			w[0] = PCT_FAILED;
			w[1] = (uint64_t)r;
			break;
		}
		for (int i = 0; i < 6; i++)
			w[i] = v[i];
		break;
	}
	case PCT_WHO:
		/* w[4] carries whatever the caller claims to be: ignored. */
		w[2] = (uint64_t)(int64_t)caller;
		w[3] = (uint64_t)(int64_t)EXO_SELF->id;
		break;
	case PCT_COUNT:
		w[2] = ncalls;
		w[3] = EXO_SELF->calls_in;
		w[4] = nmarks;
		w[5] = last_mark;
		break;
	case PCT_MARK_WHO:
		w[2] = (uint64_t)(int64_t)mark_caller;
		break;
	case PCT_MARK:
		nmarks++;
		last_mark = w[2];
		mark_caller = caller;
		break;
	case PCT_EXIT:
		exit(7);
	case PCT_SPIN: {
		uint64_t t0 = time_ns();
		while (time_ns() - t0 < w[2])
			;
		break;
	}
	case PCT_FAULT:
		*nowhere = 1;
		break;
	}
}

/*
 * The raw entry: reply with w0 = the OR of every register that must be
 * zero at entry (rbx, rbp, r12-r15; rcx and r11 hold the entry address and
 * the flags, as sysret leaves them) and of rsp's distance from the
 * registered stack top and the arithmetic, trap and direction flags;
 * w1 = rax (the caller's id); w2, w3 = the first two words; w4 = w2 ^ w3
 * of the call; w5 = w4 ^ w5 of the call.
 */
void raw_entry(void);
#define STR_(x) #x
#define STR(x) STR_(x)
__asm__(".text\n"
	"raw_entry:\n\t"
	"pushfq\n\t" /* first: the flags as the kernel set them */
	"movq %rbx, %rcx\n\t"
	"orq %rbp, %rcx\n\t"
	"orq %r12, %rcx\n\t"
	"orq %r13, %rcx\n\t"
	"orq %r14, %rcx\n\t"
	"orq %r15, %rcx\n\t"
	"popq %rbx\n\t"
	"andq $0xdd5, %rbx\n\t" /* CF PF AF ZF SF TF DF OF */
	"orq %rbx, %rcx\n\t"
	"movq %rsp, %rbx\n\t"
	"movabsq $" STR(PCT_STACK) ", %rbp\n\t"
	"subq %rbp, %rbx\n\t"
	"orq %rbx, %rcx\n\t"
	"xorq %r10, %rdx\n\t" /* w2 ^ w3 */
	"xorq %r9, %r8\n\t"   /* w4 ^ w5 */
	"movq %r8, %r9\n\t"
	"movq %rdx, %r8\n\t"
	"movq %rdi, %rdx\n\t"
	"movq %rsi, %r10\n\t"
	"movq %rcx, %rdi\n\t"
	"movq %rax, %rsi\n\t"
	"movl $" STR(EXO_SYS_pct_reply) ", %eax\n\t"
	"syscall\n\t"
	"ud2\n");

static void
nm_on(int cls, struct exo_excframe *f)
{
	(void)cls;
	(void)f;
	exo_fpu(1);
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	if (strcmp(argv[1], "serve") == 0) {
		CHECK_EQ(exos_pct_serve(serve), 0);
	} else if (strcmp(argv[1], "serve_fpuoff") == 0) {
		/* Lazy FPU switching: off, with a handler that turns it on. */
		CHECK_EQ(exos_exc_handle(EXO_EXC_NM, nm_on), 0);
		CHECK_EQ(exos_pct_serve(serve), 0);
		CHECK_EQ(exo_fpu(0), 0);
	} else if (strcmp(argv[1], "raw") == 0) {
		CHECK_EQ(page_alloc_map(PCT_STACK - 2 * EXO_PGSIZE, 2, EXO_PERM_W,
			     NULL), 0);
		CHECK_EQ(exo_pct_register((uint64_t)raw_entry, PCT_STACK), 0);
	} else if (strcmp(argv[1], "idle") != 0) {
		return 2;
	}
	for (;;)
		exo_yield(EXO_ENV_ANY);
}
