/*
 * The time-slice vector and the run queue.
 */
#ifndef KERN_SCHED_H
#define KERN_SCHED_H

#include <stdint.h>

#include <exo/abi.h>

#include "env.h"

void sched_init(void);
void sched_add(struct env *e);
void sched_remove(struct env *e);
void sched_env_gone(struct env *e);
void sched_tick(void);
void sched_run(void) __attribute__((noreturn));
void sched_leave(void);
void sched_soon(struct env *e);
int sched_wake(struct env *e);
void sched_sleep(const struct exo_wake *conds, uint32_t n);
int sched_idling(void);
void sched_slice_start(void) __attribute__((noreturn));
void sched_slice_end(void);
void sched_epilogue_end(struct env *e);
void sched_deadline(void) __attribute__((noreturn));
int sched_deadline_armed(void);
int sched_upcall(struct env *e, const struct trapframe *ctx, uint64_t entry,
    uint64_t kind);
int64_t sched_slice_alloc(uint64_t index, struct env *e);
struct env *sched_slice_env(uint64_t index);
void sched_slice_get(uint64_t index);
void sched_slice_put(uint64_t index);

/*
 * Can e run now?  Not while it waits for a reply (or is stopped), nor
 * while it sleeps, unless a transfer's activation is what would run or a
 * condition now holds (which wakes it).  Inline: every yield asks.
 */
static inline int
sched_ready(struct env *e)
{
	if (e->waiting_on)
		return 0;
	if (e->nwake == 0 || e->in_act)
		return 1;
	return sched_wake(e);
}

#endif
