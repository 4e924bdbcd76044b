/*
 * Protected control transfer: a call into another environment at the entry
 * it registered, with six words in registers each way.  The callee runs an
 * activation — a second context beside its own, started fresh at the entry
 * with every register but the six words and the caller's id cleared, so
 * nothing of the caller leaks — until it replies.  A synchronous caller is
 * blocked (waiting_on: the scheduler passes it over) until then and
 * donates the rest of its slice;
 * if the callee dies first, the caller resumes with EXO_EDEAD.
 *
 * These are the general paths; entry.S has fast paths for the common case
 * of pct_call and pct_reply, which must keep the same rules.
 */
#include "cap.h"
#include "env.h"
#include "kern.h"
#include "sched.h"

/* Finds and checks the target named by the slot in rax's upper half. */
static int
pct_target(struct env **out)
{
	exo_slot_t slot = cur_tf->rax >> EXO_PCT_SLOT_SHIFT;
	struct cap *c;
	struct env *e;
	int r;

	if ((r = cap_lookup(&curenv->cs, slot, EXO_CAP_ENV, EXO_R_CALL, &c)) < 0)
		return r;
	e = &envs[ENVX(c->name)];
	if (e == curenv)
		return EXO_EINVAL;
	if (e->state == EXO_ENV_DEAD)
		return EXO_EDEAD;
	if (e->state == EXO_ENV_NEW)
		return EXO_EAGAIN;
	if (e->pct_entry == 0)
		return EXO_ENOENT;
	if (e->in_act || e->waiting_on)
		return EXO_EBUSY;
	*out = e;
	return 0;
}

/* Starts e's activation with the six words of the current call. */
static void
pct_activate(struct env *e, exo_envid_t caller)
{
	struct trapframe *t = &e->act_tf;
	const struct trapframe *a = cur_tf;

	arch_user_frame(t, e->pct_entry, e->pct_stack, a->rdi);
	t->rsi = a->rsi;
	t->rdx = a->rdx;
	t->r10 = a->r10;
	t->r8 = a->r8;
	t->r9 = a->r9;
	t->rax = (uint64_t)curenv->id;
	t->rbx = (uint64_t)e->fpu_off;
	t->rcx = t->rip; /* as the fast path's sysret leaves them */
	t->r11 = t->rflags;
	e->in_act = 1;
	e->act_caller = caller;
	e->self->calls_in++;
}

/*
 * Both calls take their six words from the saved registers (cur_tf), where
 * they also stay for the callee; the C arguments are unused.
 */
static int64_t
pct_transfer(int wait)
{
	struct env *e;
	int r;

	if ((r = pct_target(&e)) < 0)
		return r;
	if (!wait) {
		pct_activate(e, 0);
		return 0;
	}
	if (curenv->in_epilogue)
		return EXO_EBUSY;
	pct_activate(e, curenv->id);
	cur_tf->rax = 0;
	sched_leave();
	curenv->waiting_on = e;
	env_run(e);
}

int64_t
sys_pct_call(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
    uint64_t a5)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return pct_transfer(1);
}

int64_t
sys_pct_send(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
    uint64_t a5)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return pct_transfer(0);
}

int64_t
sys_pct_reply(uint64_t r0, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
    uint64_t r5)
{
	struct env *self = curenv, *caller;

	if (!self->in_act)
		return EXO_ENOENT;
	self->in_act = 0;
	if (self->act_caller && env_lookup(self->act_caller, &caller) == 0 &&
	    caller->state == EXO_ENV_RUNNABLE && caller->waiting_on == self) {
		struct trapframe *t = env_ctx(caller);
		t->rax = 0;
		t->rdi = r0;
		t->rsi = r1;
		t->rdx = r2;
		t->r10 = r3;
		t->r8 = r4;
		t->r9 = r5;
		caller->waiting_on = NULL;
		env_run(caller);
	}
	sched_run();
}
