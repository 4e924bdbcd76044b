/*
 * The time-slice vector and the run queue.
 */
#ifndef KERN_SCHED_H
#define KERN_SCHED_H

#include <stdint.h>

struct env;

void sched_init(void);
void sched_add(struct env *e);
void sched_remove(struct env *e);
void sched_env_gone(struct env *e);
void sched_tick(void);
void sched_run(void) __attribute__((noreturn));
void sched_leave(void);
void sched_soon(struct env *e);
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

#endif
