/*
 * CPU multiplexing.  Time is a vector of EXO_NSLICES slices that repeats;
 * the local APIC timer marks each boundary.  A slice allocated to an
 * environment runs it whenever that environment is runnable; every other
 * slice (free, or whose environment is not runnable) goes round-robin to
 * the runnable environments.  A directed yield hands the rest of the current
 * slice to a named environment.  Policy beyond that is the library OS's.
 *
 * The run queue is a circular list of the runnable environments; rr_last is
 * the one the round-robin picked last.
 */
#include "env.h"
#include "kern.h"
#include "pmem.h"
#include "sched.h"

static struct env *slice_env[EXO_NSLICES];
static uint32_t slice_refs[EXO_NSLICES]; /* capabilities naming the slice */
static struct env *runq, *rr_last;

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

static struct env *
pick(void)
{
	struct env *e = slice_env[info->cur_slice];

	if (e && e->state == EXO_ENV_RUNNABLE)
		return e;
	if (runq == NULL)
		return NULL;
	rr_last = rr_last ? rr_last->run_next : runq;
	return rr_last;
}

/*
 * Saves the running environment's context from the current kernel entry,
 * so that it can be resumed later with env_run.
 */
void
sched_leave(void)
{
	if (curenv && curenv->state == EXO_ENV_RUNNABLE)
		curenv->tf = *cur_tf;
}

/*
 * Runs the next environment.  Nothing waits inside the kernel, so an empty
 * run queue means nothing can ever run again: the machine powers off, with
 * the exit status of the first environment (init) as its code.
 */
void
sched_run(void)
{
	struct env *e = pick();

	if (e == NULL) {
		int64_t status = envs[1].cause == EXO_CAUSE_EXIT ? envs[1].status : 1;
		kprintf("kernel: no environment left to run; powering off\n");
		arch_poweroff((uint64_t)status & 0x7f);
	}
	env_run(e);
}

/* A slice boundary: called from the timer interrupt. */
void
sched_tick(void)
{
	info->ticks++;
	info->cur_slice = (info->cur_slice + 1) % EXO_NSLICES;
	cons_poll();
}
