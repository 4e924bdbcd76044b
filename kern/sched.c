/*
 * CPU multiplexing.  Time is a vector of EXO_NSLICES slices that repeats;
 * the local APIC timer marks each boundary.  A slice allocated to an
 * environment runs it whenever that environment is runnable; every other
 * slice (free, or whose environment is not runnable) goes round-robin to
 * the runnable environments.  A directed yield hands the rest of the current
 * slice to a named environment.  Policy beyond that is the library OS's.
 *
 * The run queue is a circular list of the started environments; rr_last
 * is the one the round-robin picked last.
 */
#include "env.h"
#include "kern.h"
#include "pmem.h"
#include "revoke.h"
#include "sched.h"

static struct env *slice_env[EXO_NSLICES];
static uint32_t slice_refs[EXO_NSLICES]; /* capabilities naming the slice */
/* How far below its top an upcall or exception stack is taken to reach. */
#define UPCALL_STACK_GUARD 65536

static struct env *runq, *rr_last;
static int deadline_armed; /* the next timer interrupt ends an epilogue */

void
sched_init(void)
{
	info->nslices = EXO_NSLICES;
}

void
sched_add(struct env *e)
{
	if (runq == NULL) {
		e->run_next = e->run_prev = e;
		runq = e;
		return;
	}
	e->run_next = runq;
	e->run_prev = runq->run_prev;
	runq->run_prev->run_next = e;
	runq->run_prev = e;
}

void
sched_remove(struct env *e)
{
	if (rr_last == e)
		rr_last = e->run_prev != e ? e->run_prev : NULL;
	if (runq == e)
		runq = e->run_next != e ? e->run_next : NULL;
	e->run_prev->run_next = e->run_next;
	e->run_next->run_prev = e->run_prev;
	e->run_next = e->run_prev = NULL;
}

static void
slice_bind(uint64_t i, struct env *e)
{
	if (slice_env[i]) {
		struct exo_self *s = slice_env[i]->self;
		s->slices[i / 64] &= ~(1UL << (i % 64));
		s->nslices--;
	}
	slice_env[i] = e;
	info->slice_env[i] = e ? e->id : 0;
	if (e) {
		e->self->slices[i / 64] |= 1UL << (i % 64);
		e->self->nslices++;
	}
}

/* Unbinds the slices that ran e; they stay allocated to their holders. */
void
sched_env_gone(struct env *e)
{
	for (uint64_t i = 0; i < EXO_NSLICES; i++)
		if (slice_env[i] == e)
			slice_bind(i, NULL);
}

int64_t
sched_slice_alloc(uint64_t index, struct env *e)
{
	if (index == EXO_SLICE_ANY) {
		for (index = 0; index < EXO_NSLICES; index++)
			if (slice_refs[index] == 0)
				break;
		if (index == EXO_NSLICES)
			return EXO_EAGAIN;
	} else if (index >= EXO_NSLICES) {
		return EXO_ERANGE;
	} else if (slice_refs[index]) {
		return EXO_EBUSY;
	}
	slice_bind(index, e);
	return (int64_t)index;
}

struct env *
sched_slice_env(uint64_t i)
{
	return slice_env[i];
}

void
sched_slice_get(uint64_t i)
{
	slice_refs[i]++;
}

void
sched_slice_put(uint64_t i)
{
	assert(slice_refs[i] > 0);
	if (--slice_refs[i] == 0)
		slice_bind(i, NULL);
}

/*
 * Does one of sleeping e's conditions hold?  A kernel-raised exception
 * waiting for it counts: sleeping must not delay an answer to revocation.
 * So does a word that is no longer mapped readable (e finds out itself).
 */
static int
wake_due(const struct env *e)
{
	const uint64_t need = EXO_PTE_P | EXO_PTE_U;

	if (e->exc_pending)
		return 1;
	for (uint32_t i = 0; i < e->nwake; i++) {
		const struct exo_wake *w = &e->wake[i];
		if (w->op == EXO_WAKE_TSC) {
			if (arch_cycles() >= w->value)
				return 1;
			continue;
		}
		uint64_t *pte = arch_pte(e->root, w->addr, 0);
		if (pte == NULL || (*pte & need) != need)
			return 1;
		uint64_t v = *(volatile uint64_t *)((uint8_t *)arch_kva(
		    *pte & EXO_PTE_ADDR) + (w->addr & (PGSIZE - 1)));
		if ((w->op == EXO_WAKE_NE && v != w->value) ||
		    (w->op == EXO_WAKE_EQ && v == w->value) ||
		    (w->op == EXO_WAKE_GE && v >= w->value) ||
		    (w->op == EXO_WAKE_LT && v < w->value))
			return 1;
	}
	return 0;
}

/* sched_ready's slow path: sleeping e wakes if a condition holds. */
int
sched_wake(struct env *e)
{
	if (!wake_due(e))
		return 0;
	e->nwake = 0;
	return 1;
}

/*
 * Puts curenv to sleep on its n conditions (sys_sleep checked them) and
 * runs something else; it returns 0 from its call once woken.  Returns
 * without sleeping if a condition holds already.
 */
void
sched_sleep(const struct exo_wake *conds, uint32_t n)
{
	struct env *e = curenv;

	memcpy(e->wake, conds, n * sizeof(*conds));
	e->nwake = n;
	if (wake_due(e)) {
		e->nwake = 0;
		return;
	}
	cur_tf->rax = 0;
	sched_leave();
	sched_run();
}

/*
 * The next environment to run, or NULL if none can run now.  An
 * environment blocked in a protected control transfer stays on the run
 * queue (so the transfer fast path need not touch it) but is passed over,
 * as is one asleep.
 */
static struct env *
pick(void)
{
	struct env *e = slice_env[info->cur_slice];

	if (e && e->state == EXO_ENV_RUNNABLE && sched_ready(e))
		return e;
	if (runq == NULL)
		return NULL;
	e = rr_last ? rr_last->run_next : runq;
	for (struct env *start = e; !sched_ready(e);) {
		e = e->run_next;
		if (e == start)
			return NULL;
	}
	rr_last = e;
	return e;
}

/* Makes e the round-robin's next pick, if it is waiting its turn. */
void
sched_soon(struct env *e)
{
	if (e->state == EXO_ENV_RUNNABLE && e->run_prev && e != curenv)
		rr_last = e->run_prev;
}

/*
 * Saves the running environment's context from the current kernel entry,
 * so that it can be resumed later with env_run.
 */
void
sched_leave(void)
{
	if (curenv && curenv->state == EXO_ENV_RUNNABLE)
		*env_ctx(curenv) = *cur_tf;
}

static int idling; /* halted in sched_go, waiting for an interrupt */

int
sched_idling(void)
{
	return idling;
}

/*
 * Runs e, or, if nothing can run now, halts until an interrupt (a slice
 * boundary: conditions are looked at again) and tries again.  An empty
 * run queue means nothing can ever run again: the machine powers off,
 * with the exit status of the first environment (init) as its code.
 */
static void __attribute__((noreturn))
sched_go(struct env *e)
{
	while (e == NULL) {
		if (runq == NULL) {
			int64_t status = envs[1].cause == EXO_CAUSE_EXIT ? envs[1].status : 1;
			kprintf("kernel: no environment left to run; powering off\n");
			arch_poweroff((uint64_t)status & 0x7f);
		}
		idling = 1;
		arch_idle();
		idling = 0;
		if ((e = pick()) != NULL && e->up_prologue)
			e->prologue_pending = 1;
	}
	env_run(e);
}

void
sched_run(void)
{
	sched_go(pick());
}

/* A slice boundary: called from the timer interrupt. */
void
sched_tick(void)
{
	info->ticks++;
	info->cur_slice = (info->cur_slice + 1) % EXO_NSLICES;
	cons_poll();
	revoke_tick();
}

/*
 * Writes ctx into e's registered save area and points e at the upcall
 * entry on its upcall stack.  A save area that is no longer writable ends
 * the environment.  Returns 0 if e can run.
 */
int
sched_upcall(struct env *e, const struct trapframe *ctx, uint64_t entry, uint64_t kind)
{
	/*
	 * Not while it runs on its upcall stack (an upcall handler, or its
	 * way back): a second upcall would overwrite the first's stack and
	 * save area.  Returns 1: nothing delivered, ctx stays as it is.
	 */
	if (ctx->rsp <= e->up_stack && ctx->rsp > e->up_stack - UPCALL_STACK_GUARD)
		return 1;
	/*
	 * Nor in an exception handler: an exception raised during the
	 * upcall would then find its stack looking free and overwrite the
	 * handler that is using it.
	 */
	for (int cls = 0; cls < EXO_NEXC; cls++) {
		uint64_t s = e->exc[cls].stack;
		if (s && ctx->rsp <= s && ctx->rsp > s - UPCALL_STACK_GUARD)
			return 1;
	}
	struct exo_context c = {
		ctx->r15, ctx->r14, ctx->r13, ctx->r12, ctx->r11, ctx->r10,
		ctx->r9, ctx->r8, ctx->rbp, ctx->rdi, ctx->rsi, ctx->rdx,
		ctx->rcx, ctx->rbx, ctx->rax, ctx->rip, ctx->rflags, ctx->rsp,
		kind,
	};

	if (env_copyout(e, e->up_save, &c, sizeof(c)) < 0) {
		kprintf("env %x: slice upcall save area %lx not writable: "
			"destroyed\n", e->id, e->up_save);
		env_destroy(e, EXO_CAUSE_FAULT, 0);
		return -1;
	}
	arch_user_frame(&e->tf, entry, e->up_stack, kind);
	e->self->upcalls++;
	return 0;
}

/*
 * The start of a slice: run the next environment, through its prologue
 * if it has one (env_run delivers it).
 */
void
sched_slice_start(void)
{
	struct env *e = pick();

	if (e && e->up_prologue)
		e->prologue_pending = 1;
	sched_go(e);
}

/*
 * The end of curenv's slice: enter its epilogue, which must yield before
 * the deadline.  Returns if it has no epilogue (the caller preempts it).
 */
void
sched_slice_end(void)
{
	struct env *e = curenv;

	if (!e->up_epilogue || e->in_act || e->in_epilogue)
		return;
	int r = sched_upcall(e, cur_tf, e->up_epilogue, EXO_UPCALL_EPILOGUE);
	if (r < 0)
		sched_slice_start();
	if (r > 0)
		return; /* on its upcall stack: simply preempted */
	e->intr_tf = *cur_tf;
	if (e->fpu_off)
		arch_fpu_trap(0);
	arch_fpu_save(&e->intr_fp);
	if (e->fpu_off)
		arch_fpu_trap(1);
	e->in_epilogue = 1;
	e->self->overran = 0;
	deadline_armed = 1;
	arch_timer_deadline(info->epilogue_tsc * 1000000 / (info->tsc_hz / 1000));
	env_run(e);
}

/*
 * The epilogue is over (it yielded, overran or died): the environment's
 * context is again the one the epilogue interrupted (general and FPU
 * registers), it will next run from its prologue if it has one, and the
 * next environment gets a whole slice.
 */
void
sched_epilogue_end(struct env *e)
{
	e->in_epilogue = 0;
	e->tf = e->intr_tf;
	/* The epilogue's FPU state goes too: the interrupted one comes back. */
	if (e == curenv) {
		if (e->fpu_off)
			arch_fpu_trap(0);
		arch_fpu_restore(&e->intr_fp);
		if (e->fpu_off)
			arch_fpu_trap(1);
	} else {
		e->fp = e->intr_fp;
	}
	if (e->up_prologue)
		e->prologue_pending = 1;
	deadline_armed = 0;
	arch_timer_restart();
}

int
sched_deadline_armed(void)
{
	return deadline_armed;
}

/* The epilogue's deadline passed: preempt by force and say so. */
void
sched_deadline(void)
{
	struct env *e = curenv;

	if (e && e->in_epilogue) {
		e->self->overruns++;
		e->self->overran = 1;
		kprintf("env %x: epilogue overran its deadline: preempted\n", e->id);
		sched_epilogue_end(e);
	} else {
		deadline_armed = 0;
		arch_timer_restart();
		sched_leave();
	}
	sched_slice_start();
}
