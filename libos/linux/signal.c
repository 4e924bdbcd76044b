/*
 * Linux signals for the exceptions a program raises, at user level.  An
 * exception reaches the runtime's handler (trampoline.S); if the program
 * installed a handler for the matching signal (rt_sigaction), a Linux
 * signal frame (return address, ucontext, siginfo) goes on the program's
 * stack below its red zone and the exception resumes into the handler, as
 * the kernel would have done on Linux.  rt_sigreturn puts the registers of
 * the ucontext back the same way.  No kernel entry in either direction.
 *
 * Signals from other processes (kill, the terminal, SIGCHLD) reach sysd,
 * which reports those the program handles in its next reply; they are
 * delivered the same way when the system call returns (linux_deliver).
 * A program that makes no system calls gets them at the start of its next
 * slice: the kernel's prologue upcall (registered once the program
 * installs a handler) hands the runtime the interrupted context, and if
 * that was the program's own code (not the runtime's), the runtime asks
 * sysd what is pending and delivers it there (linux_slice).  The frame holds the SSE state (fxsave), which
 * rt_sigreturn puts back: the runtime itself never touches those
 * registers (it is built with -mgeneral-regs-only).  Not yet: AVX state
 * beyond fxsave's, the callee-saved registers in the ucontext of a signal
 * delivered at a system call (preserved, as the ABI has the handler
 * preserve them, but read as 0).
 */
#include "../exos.h"
#include "../internal.h"
#include "../sysd/proto.h"
#include "linux.h"

#define NSIG 65
#define SA_SIGINFO 0x4
#define SA_RESTART 0x10000000
#define SA_ONSTACK 0x08000000
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

/* The fxsave image that uc.fpregs points to, above the frame. */
#define FPSTATE_SIZE 512
#define FP_MXCSR 24 /* its offset of MXCSR */
static uint32_t mxcsr_mask = 0xffbf; /* the processor's, from fxsave */

static struct lx_sigaction actions[NSIG];
uint64_t linux_sigblocked; /* the mask */
uint64_t linux_pending; /* reported by sysd, not yet delivered */

/* What sysd must know of a disposition to act for us. */
static uint64_t
disp_of(uint64_t handler)
{
	return handler == SIG_DFL ? SYSD_SIG_DFL
	    : handler == SIG_IGN ? SYSD_SIG_IGN : SYSD_SIG_HANDLE;
}

/* After exec: what the old image ignored and blocked stays so. */
void
linux_signals_inherit(uint64_t ignored, uint64_t mask)
{
	for (int sig = 1; sig < NSIG; sig++)
		if (ignored & (1UL << (sig - 1)))
			actions[sig].handler = SIG_IGN;
	linux_sigblocked = mask;
}

uint64_t
linux_blocked(void)
{
	return linux_sigblocked;
}

/* sigaltstack: where handlers with SA_ONSTACK run. */
struct lx_stack {
	uint64_t sp;
	int32_t flags, pad;
	uint64_t size;
};
static struct lx_stack altstack = { 0, 2 /* SS_DISABLE */, 0, 0 };
static int on_altstack(uint64_t sp);

int64_t
linux_sigaltstack(const struct lx_stack *ss, struct lx_stack *old)
{
	if ((ss && !linux_uok((uint64_t)ss, sizeof(*ss), 0)) ||
	    (old && !linux_uok((uint64_t)old, sizeof(*old), 1)))
		return -14;
	if (old) {
		*old = altstack;
		if (altstack.flags != 2 && on_altstack(linux_program_sp))
			old->flags = 1; /* SS_ONSTACK */
	}
	if (ss) {
		if (on_altstack(linux_program_sp))
			return -1; /* EPERM */
		if (ss->flags & ~(2 | (1 << 31)))
			return -22;
		if (!(ss->flags & 2) && ss->size < 2048)
			return -12; /* ENOMEM: below MINSIGSTKSZ */
		altstack = *ss;
		altstack.flags &= 2;
	}
	return 0;
}

static int
on_altstack(uint64_t sp)
{
	return altstack.flags != 2 && sp > altstack.sp && sp <= altstack.sp + altstack.size;
}

/* Signals that can never be blocked. */
#define UNBLOCKABLE ((1UL << 8) | (1UL << 18)) /* SIGKILL, SIGSTOP */

int64_t
linux_sigaction(int sig, const struct lx_sigaction *act, struct lx_sigaction *old,
    uint64_t setsize)
{
	if (sig < 1 || sig >= NSIG || setsize != 8 || sig == 9 || sig == 19)
		return -22; /* EINVAL (SIGKILL and SIGSTOP cannot be caught) */
	if ((act && !linux_uok((uint64_t)act, sizeof(*act), 0)) ||
	    (old && !linux_uok((uint64_t)old, sizeof(*old), 1)))
		return -14; /* EFAULT */
	if (old)
		*old = actions[sig];
	if (act) {
		uint64_t was = disp_of(actions[sig].handler);
		actions[sig] = *act;
		if (linux_have_sysd && disp_of(act->handler) != was)
			linux_sysd(SYSD_SIGDISP, (uint64_t)sig, disp_of(act->handler), 0, 0);
		if (act->handler == SIG_IGN)
			linux_pending &= ~(1UL << (sig - 1));
		/* Only a program with a handler needs the slice's prologue. */
		if (act->handler != SIG_DFL && act->handler != SIG_IGN &&
		    linux_slice_upcalls() < 0)
			return -12; /* ENOMEM: no upcall stack */
	}
	return 0;
}

int64_t
linux_sigprocmask(int how, const uint64_t *set, uint64_t *old, uint64_t setsize)
{
	if (setsize != 8)
		return -22;
	if ((set && !linux_uok((uint64_t)set, 8, 0)) ||
	    (old && !linux_uok((uint64_t)old, 8, 1)))
		return -14; /* EFAULT */
	uint64_t s = set ? *set : 0;
	if (set && how != 0 && how != 1 && how != 2)
		return -22;
	if (old)
		*old = linux_sigblocked;
	if (set) {
		if (how == 0)
			linux_sigblocked |= s;
		else if (how == 1)
			linux_sigblocked &= ~s;
		else
			linux_sigblocked = s;
		linux_sigblocked &= ~UNBLOCKABLE;
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

/*
 * A signal frame for sig below the red zone of the stack at rsp (or on
 * the alternate stack), with the SSE state saved above it; the rest is
 * the caller's to fill.  No stack to put it on ends the process with
 * SIGSEGV, as on Linux.
 */
static struct lx_sigframe *
frame_make(int sig, uint64_t rsp)
{
	const struct lx_sigaction *a = &actions[sig];
	uint64_t top = rsp - 128;
	if ((a->flags & SA_ONSTACK) && altstack.flags != 2 && !on_altstack(rsp))
		top = altstack.sp + altstack.size;
	uint64_t fp = (top - FPSTATE_SIZE) & ~63UL;
	uint64_t sp = ((fp - sizeof(struct lx_sigframe)) & ~15UL) - 8;
	struct lx_sigframe *fr = (void *)sp;

	int known = (sp & ~(EXO_PGSIZE - 1)) == linux_stack_ok &&
	    ((fp + FPSTATE_SIZE - 1) & ~(EXO_PGSIZE - 1)) == linux_stack_ok;
	if (!known && !linux_uok(sp, fp + FPSTATE_SIZE - sp, 1))
		linux_exit(11);
	memset(fr, 0, sizeof(*fr));
	fr->pretcode = a->restorer;
	if (!EXO_SELF->fpu_off) {
		__asm__ volatile("fxsave64 (%0)" : : "r"(fp) : "memory");
		fr->uc.fpregs = fp;
	}
	fr->uc.gregs[CSGSFS] = 0x33;
	return fr;
}

/* The rest of a frame: the mask to restore, siginfo, the handler's mask. */
static void
frame_finish(struct lx_sigframe *fr, int sig, int code, uint64_t addr,
    uint64_t mask)
{
	const struct lx_sigaction *a = &actions[sig];

	fr->uc.sigmask = mask;
	fr->info.signo = sig;
	fr->info.code = code;
	fr->info.addr = addr;
	linux_sigblocked |= a->mask;
	if (!(a->flags & SA_NODEFER))
		linux_sigblocked |= 1UL << (sig - 1);
	linux_sigblocked &= ~UNBLOCKABLE;
	if (a->flags & SA_RESETHAND)
		actions[sig].handler = SIG_DFL;
}

/*
 * Resumes the program in its handler for sig, with a Linux signal frame
 * below its red zone holding the context f describes; its rt_sigreturn
 * comes back to that context, with the mask restored to mask.
 */
static void
push_frame(struct exo_excframe *f, int sig, int cls, int code, uint64_t addr,
    uint64_t mask)
{
	uint64_t handler = actions[sig].handler;
	struct lx_sigframe *fr = frame_make(sig, f->rsp);
	uint64_t *g = fr->uc.gregs;

	g[RDI] = SAVED(f, 1), g[RSI] = SAVED(f, 2), g[RDX] = SAVED(f, 3);
	g[R8] = SAVED(f, 4), g[R9] = SAVED(f, 5), g[R10] = SAVED(f, 6);
	g[RAX] = f->rax, g[RCX] = f->rcx, g[R11] = f->r11;
	g[RSP] = f->rsp, g[RIP] = f->rip, g[EFL] = f->rflags;
	g[ERR] = cls >= 0 ? f->err : 0;
	g[TRAPNO] = cls >= 0 ? (uint64_t)cls : 0;
	g[CR2] = cls == EXO_EXC_PF ? f->addr : 0;
	frame_finish(fr, sig, code, addr, mask);
	/* Resume into the handler, as if called by the restorer. */
	SAVED(f, 1) = (uint64_t)sig;
	SAVED(f, 2) = (uint64_t)&fr->info;
	SAVED(f, 3) = (uint64_t)&fr->uc;
	f->rax = 0;
	f->rip = handler;
	f->rsp = (uint64_t)fr;
	f->rflags &= ~0x40500UL; /* TF, DF, AC */
}

/* The same for an interrupted context c (a slice's prologue). */
static void
push_frame_ctx(struct exo_context *c, int sig, uint64_t mask)
{
	uint64_t handler = actions[sig].handler;
	struct lx_sigframe *fr = frame_make(sig, c->rsp);
	uint64_t *g = fr->uc.gregs;

	g[R8] = c->r8, g[R9] = c->r9, g[R10] = c->r10, g[R11] = c->r11;
	g[R12] = c->r12, g[R13] = c->r13, g[R14] = c->r14, g[R15] = c->r15;
	g[RDI] = c->rdi, g[RSI] = c->rsi, g[RBP] = c->rbp, g[RBX] = c->rbx;
	g[RDX] = c->rdx, g[RAX] = c->rax, g[RCX] = c->rcx;
	g[RSP] = c->rsp, g[RIP] = c->rip, g[EFL] = c->rflags;
	frame_finish(fr, sig, 0 /* SI_USER */, 0, mask);
	c->rdi = (uint64_t)sig;
	c->rsi = (uint64_t)&fr->info;
	c->rdx = (uint64_t)&fr->uc;
	c->rax = 0;
	c->rip = handler;
	c->rsp = (uint64_t)fr;
	c->rflags &= ~0x40500UL;
}

static void
handle_exception(int cls, struct exo_excframe *f)
{
	int code, sig = signal_of(cls, &code);
	const struct lx_sigaction *a = &actions[sig];

	if (cls == EXO_EXC_PF && !(f->err & 1) && vmr_fault(f->addr) == 0)
		return; /* a demand-zero page is there now */
	if (cls == EXO_EXC_PF && linux_cow_fault(f->addr, f->err) == 0)
		return; /* the store now goes to our own copy */
	if (a->handler == SIG_DFL || a->handler == SIG_IGN ||
	    (linux_sigblocked & (1UL << (sig - 1)))) {
		printf("exos: signal %d (exception %d at rip %lx, address %lx): "
		       "terminated\n", sig, cls, f->rip, f->addr);
		linux_exit(sig);
	}
	/* SEGV_MAPERR for a missing page, SEGV_ACCERR for a protected one. */
	if (cls == EXO_EXC_PF)
		code = f->err & 1 ? 2 : 1;
	push_frame(f, sig, cls, code, cls == EXO_EXC_PF ? f->addr : f->rip, linux_sigblocked);
}

static void
on_exception(int cls, struct exo_excframe *f)
{
	handle_exception(cls, f);
	linux_resume_prepare(f->rsp);
}

/* Does sig's handler ask for interrupted calls to be restarted? */
int
linux_signal_restarts(void)
{
	uint64_t ready = linux_pending & ~linux_sigblocked;

	for (int sig = 1; sig < NSIG; sig++)
		if (ready & (1UL << (sig - 1)))
			return (actions[sig].flags & SA_RESTART) != 0;
	return 0;
}

/*
 * The lowest pending signal not linux_sigblocked that has a handler to
 * run, or 0; those ignored meanwhile are dropped, and one whose default
 * action is to end the process ends it (the disposition changed after
 * sysd reported it).
 */
static int
next_signal(void)
{
	uint64_t ready = linux_pending & ~linux_sigblocked;

	for (int sig = 1; sig < NSIG && ready; sig++) {
		uint64_t bit = 1UL << (sig - 1);
		if (!(ready & bit))
			continue;
		linux_pending &= ~bit;
		uint64_t h = actions[sig].handler;
		if (h == SIG_IGN)
			continue;
		if (h == SIG_DFL) {
			if (sig == 17 || sig == 18 || sig == 23 || sig == 28 ||
			    (sig >= 19 && sig <= 22))
				continue;
			linux_exit(sig);
		}
		return sig;
	}
	return 0;
}

/* Who sent sig: si_pid, si_uid, si_status and si_code, from sysd. */
static void
fill_siginfo(struct lx_siginfo *si, int sig)
{
	uint64_t w[6] = { SYSD_SIGINFO, (uint64_t)sig, 0, 0, 0, 0 };

	if (!linux_have_sysd)
		return;
	int64_t pid = linux_sysd_call(w);
	if (pid >= 0) {
		si->code = (int32_t)w[2];
		si->addr = (uint32_t)pid; /* si_pid; si_uid 0 */
		memcpy(si->rest, &w[3], 4); /* si_status */
	}
}

/*
 * As a system call returns (f holds its result): runs the handler of the
 * lowest pending signal not linux_sigblocked, restoring mask when it returns.
 */
void
linux_deliver(struct exo_excframe *f, uint64_t mask)
{
	int sig = next_signal();

	if (sig == 0)
		return;
	push_frame(f, sig, -1, 0 /* SI_USER */, 0, mask);
	fill_siginfo((struct lx_siginfo *)SAVED(f, 2), sig);
}

/* Was c interrupted in the program's own code, not in the runtime? */
static int
in_program(const struct exo_context *c)
{
	return !(c->rip >= EXOS_RUNTIME_BASE && c->rip < EXOS_RUNTIME_BASE + (1UL << 30)) &&
	    !(c->rsp >= EXOS_EXC_STACK_LO && c->rsp < EXOS_AUX_STACKS_END);
}

/*
 * The start of a slice (the prologue upcall), with the context it
 * interrupted: a program running its own code, which makes no system
 * call that would bring it signals, gets them here.  sysd is asked only
 * when its event word has moved since we last looked.
 */
static void
linux_slice(struct exo_context *c)
{
	static uint64_t seen;

	if (!linux_have_sysd || !in_program(c))
		return;
	uint64_t ev = *(const volatile uint64_t *)SYSD_EVENT_VA;
	if (ev != seen) {
		seen = ev;
		linux_sysd(SYSD_GETPPID, 0, 0, 0, 0); /* brings what is pending */
	}
	int sig = next_signal();
	if (sig == 0)
		return;
	uint64_t mask = linux_sigblocked;
	push_frame_ctx(c, sig, mask);
	fill_siginfo((struct lx_siginfo *)c->rsi, sig);
}

/*
 * Registers the prologue (once a handler is installed; again in a forked
 * child, whose kernel registration starts empty).
 */
static int slice_on;

int
linux_slice_upcalls(void)
{
	if (slice_on)
		return 0;
	int r = exos_upcalls(linux_slice, NULL);
	slice_on = r == 0;
	return r;
}

void
linux_slice_reregister(void)
{
	if (slice_on) {
		slice_on = 0;
		linux_slice_upcalls();
	}
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
	linux_sigblocked = uc->sigmask;
	/*
	 * The SSE state goes where the exception trampoline saved the
	 * program's at this call's entry (EXOS_SYSCALL_FXSAVE), which it
	 * restores on the way out; a reserved MXCSR bit would fault there.
	 */
	uint64_t fp = uc->fpregs;
	if (fp && !(fp & 15) && !EXO_SELF->fpu_off && linux_uok(fp, FPSTATE_SIZE, 0)) {
		if (*(const uint32_t *)(fp + FP_MXCSR) & ~mxcsr_mask) {
			/* As Linux: a state that cannot be restored kills. */
			printf("exos: rt_sigreturn with a reserved MXCSR bit set: "
			       "terminated\n");
			linux_exit(11);
		}
		memcpy(EXOS_SYSCALL_FXSAVE(f), (const void *)fp, FPSTATE_SIZE);
	}
}

int
linux_signals_init(void)
{
	static uint8_t probe[FPSTATE_SIZE] __attribute__((aligned(16)));
	__asm__ volatile("fxsave64 %0" : "=m"(probe));
	uint32_t m = *(uint32_t *)(probe + 28); /* MXCSR_MASK, 0: the default */
	if (m)
		mxcsr_mask = m;
	static const int classes[] = { EXO_EXC_DE, EXO_EXC_DB, EXO_EXC_BP,
		EXO_EXC_UD, EXO_EXC_GP, EXO_EXC_PF, EXO_EXC_MF, EXO_EXC_AC,
		EXO_EXC_XM, EXO_EXC_SS };

	for (unsigned i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (exos_exc_handle(classes[i], on_exception) < 0)
			return -1;
	return 0;
}
