/*
 * Linux signals for the exceptions a program raises, at user level.  An
 * exception reaches the runtime's handler (trampoline.S); if the program
 * installed a handler for the matching signal (rt_sigaction), a Linux
 * signal frame (return address, ucontext, siginfo) goes on the program's
 * stack below its red zone and the exception resumes into the handler, as
 * the kernel would have done on Linux.  rt_sigreturn puts the registers of
 * the ucontext back the same way.  No kernel entry in either direction.
 *
 * Not yet: signal masks beyond bookkeeping, the FPU state in the frame,
 * the callee-saved registers in the ucontext (they are preserved, as the
 * ABI has the handler preserve them, but read as 0), signals from other
 * processes.
 */
#include "../exos.h"
#include "linux.h"

#define NSIG 65
#define SA_SIGINFO 0x4
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SIG_DFL 0
#define SIG_IGN 1

enum { R8, R9, R10, R11, R12, R13, R14, R15, RDI, RSI, RBP, RBX, RDX, RAX,
	RCX, RSP, RIP, EFL, CSGSFS, ERR, TRAPNO, OLDMASK, CR2, NGREG };

struct lx_sigaction {
	uint64_t handler, flags, restorer, mask;
};

struct lx_ucontext {
	uint64_t flags, link;
	uint64_t ss_sp;
	uint32_t ss_flags, pad;
	uint64_t ss_size;
	uint64_t gregs[NGREG];
	uint64_t fpregs;
	uint64_t reserved[8];
	uint64_t sigmask;
};

struct lx_siginfo {
	int32_t signo, err, code, pad;
	uint64_t addr;
	uint8_t rest[112];
};

struct lx_sigframe {
	uint64_t pretcode; /* the restorer: the handler "returns" to it */
	struct lx_ucontext uc;
	struct lx_siginfo info;
};

static struct lx_sigaction actions[NSIG];
static uint64_t blocked;

int64_t
linux_sigaction(int sig, const struct lx_sigaction *act, struct lx_sigaction *old,
    uint64_t setsize)
{
	if (sig < 1 || sig >= NSIG || setsize != 8 || sig == 9 || sig == 19)
		return -22; /* EINVAL (SIGKILL and SIGSTOP cannot be caught) */
	if (old)
		*old = actions[sig];
	if (act)
		actions[sig] = *act;
	return 0;
}

int64_t
linux_sigprocmask(int how, const uint64_t *set, uint64_t *old, uint64_t setsize)
{
	if (setsize != 8)
		return -22;
	if (old)
		*old = blocked;
	if (set) {
		if (how == 0)
			blocked |= *set;
		else if (how == 1)
			blocked &= ~*set;
		else if (how == 2)
			blocked = *set;
		else
			return -22;
	}
	return 0;
}

/* The signal a processor exception becomes. */
static int
signal_of(int cls, int *code)
{
	*code = 1;
	switch (cls) {
	case EXO_EXC_DE: return 8;  /* SIGFPE, FPE_INTDIV */
	case EXO_EXC_MF:
	case EXO_EXC_XM: return 8;
	case EXO_EXC_UD: *code = 2; return 4; /* SIGILL, ILL_ILLOPN */
	case EXO_EXC_BP:
	case EXO_EXC_DB: *code = 1; return 5; /* SIGTRAP */
	case EXO_EXC_AC: return 7;  /* SIGBUS, BUS_ADRALN */
	default: *code = 2; return 11; /* SIGSEGV, SEGV_ACCERR */
	}
}

/*
 * The registers the trampoline saved lie just below the frame: rdi, rsi,
 * rdx, r8, r9, r10 going down.  Writing them changes what the program
 * resumes with.
 */
#define SAVED(f, i) (((uint64_t *)(f))[-(i)])

static void
on_exception(int cls, struct exo_excframe *f)
{
	int code, sig = signal_of(cls, &code);
	const struct lx_sigaction *a = &actions[sig];

	if (cls == EXO_EXC_PF && linux_cow_fault(f->addr, f->err) == 0)
		return; /* the store now goes to our own copy */
	if (a->handler == SIG_DFL || a->handler == SIG_IGN) {
		printf("exos: signal %d (exception %d at rip %lx, address %lx): "
		       "terminated\n", sig, cls, f->rip, f->addr);
		exit(128 + sig);
	}
	uint64_t sp = ((f->rsp - 128 - sizeof(struct lx_sigframe)) & ~15UL) - 8;
	struct lx_sigframe *fr = (void *)sp;
	memset(fr, 0, sizeof(*fr));
	fr->pretcode = a->restorer;
	uint64_t *g = fr->uc.gregs;
	g[RDI] = SAVED(f, 1), g[RSI] = SAVED(f, 2), g[RDX] = SAVED(f, 3);
	g[R8] = SAVED(f, 4), g[R9] = SAVED(f, 5), g[R10] = SAVED(f, 6);
	g[RAX] = f->rax, g[RCX] = f->rcx, g[R11] = f->r11;
	g[RSP] = f->rsp, g[RIP] = f->rip, g[EFL] = f->rflags;
	g[ERR] = f->err, g[TRAPNO] = (uint64_t)cls, g[CR2] = f->addr;
	g[CSGSFS] = 0x33;
	fr->uc.sigmask = blocked;
	fr->info.signo = sig;
	/* SEGV_MAPERR for a missing page, SEGV_ACCERR for a protected one. */
	fr->info.code = cls == EXO_EXC_PF ? (f->err & 1 ? 2 : 1) : code;
	fr->info.addr = cls == EXO_EXC_PF ? f->addr : f->rip;
	if (!(a->flags & SA_NODEFER))
		blocked |= 1UL << (sig - 1);
	/* Resume into the handler, as if called by the restorer. */
	SAVED(f, 1) = (uint64_t)sig;
	SAVED(f, 2) = (uint64_t)&fr->info;
	SAVED(f, 3) = (uint64_t)&fr->uc;
	f->rax = 0;
	f->rip = a->handler;
	f->rsp = sp;
	f->rflags &= ~0x40500UL; /* TF, DF, AC */
	if (a->flags & SA_RESETHAND)
		actions[sig].handler = SIG_DFL;
}

/* rt_sigreturn: called by the restorer, rsp at the ucontext. */
void
linux_sigreturn(struct exo_excframe *f)
{
	const struct lx_ucontext *uc = (const void *)f->rsp;
	const uint64_t *g = uc->gregs;

	SAVED(f, 1) = g[RDI], SAVED(f, 2) = g[RSI], SAVED(f, 3) = g[RDX];
	SAVED(f, 4) = g[R8], SAVED(f, 5) = g[R9], SAVED(f, 6) = g[R10];
	f->rax = g[RAX], f->rcx = g[RCX], f->r11 = g[R11];
	f->rsp = g[RSP], f->rip = g[RIP];
	f->rflags = (g[EFL] & 0x40dd5UL) | 0x202; /* user-settable flags only */
	blocked = uc->sigmask;
}

int
linux_signals_init(void)
{
	static const int classes[] = { EXO_EXC_DE, EXO_EXC_DB, EXO_EXC_BP,
		EXO_EXC_UD, EXO_EXC_GP, EXO_EXC_PF, EXO_EXC_MF, EXO_EXC_AC,
		EXO_EXC_XM, EXO_EXC_SS };

	for (unsigned i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (exos_exc_handle(classes[i], on_exception) < 0)
			return -1;
	return 0;
}
