/*
 * Environments: an address space, a capability space, a saved context and
 * the slices that run it.  The kernel keeps no other per-process state:
 * everything else is the library OS's.
 */
#ifndef KERN_ENV_H
#define KERN_ENV_H

#include <stdint.h>

#include <exo/abi.h>

#include "arch.h"
#include "cap.h"

#define NENV 1024
#define ENVX_BITS 12
#define ENVX(id) ((uint32_t)(id) & (NENV - 1))

/* entry.S reads these through exc_table: handler at 0, stack at 8. */
struct exc_entry {
	uint64_t handler, stack;
};

struct env {
	struct trapframe tf; /* saved user context while not running */
	struct fpstate fp;
	uint64_t fsbase, gsbase;
	struct exc_entry exc[EXO_NEXC];
	/*
	 * Three flags in one word, in this order, so that entry.S's transfer
	 * fast path tests them with one load (asm_offsets.c checks).
	 */
	uint8_t in_act;      /* running an activation: act_tf is current */
	uint8_t in_epilogue; /* running its epilogue, deadline armed */
	uint8_t fpu_off;     /* it turned the FPU off (exo_fpu) */
	uint8_t flags_pad;

	/* Slice upcalls (sched.c). */
	uint64_t up_prologue, up_epilogue, up_stack, up_save;
	struct trapframe intr_tf; /* what the epilogue interrupted */
	struct fpstate intr_fp;   /* ... and its FPU state */
	int prologue_pending;     /* run the prologue before it resumes */

	/* Protected control transfer (pct.c). */
	uint64_t pct_entry, pct_stack;
	struct trapframe act_tf;
	exo_envid_t act_caller;    /* waiting for our reply; 0 after pct_send */
	struct env *waiting_on;    /* blocked in pct_call until it replies */

	exo_envid_t id;
	exo_envid_t parent;
	uint32_t state;   /* enum exo_envstate */
	uint32_t refs;      /* capabilities naming it or its address space */
	uint32_t self_refs; /* of them, the ones in its own list */
	int dying;        /* in env_destroy: keep the record */
	uint64_t root;    /* top page table, physical */
	uint64_t self_pa; /* its struct exo_self page */
	struct exo_self *self;
	struct cspace cs;
	struct env *run_next, *run_prev; /* run queue, while runnable */
	struct env *free_next;

	/* Revocation (revoke.c); the requests themselves show in self. */
	uint32_t owned_head;   /* pages it owns, oldest first (pmem.c) */
	uint32_t owned_tail;
	/*
	 * Kernel-raised exceptions waiting to be delivered, one bit and one
	 * addr per (class, kind): REVOKE and REPOSSESS, of pages and of slices.
	 */
	uint32_t exc_pending;
	uint64_t exc_arg[4];
	/*
	 * Slices the environment was preempted in while answering a request
	 * for pages: the abort waits for one, so that a starved but prompt
	 * answer is not mistaken for no answer.
	 */
	uint32_t revoke_ran;
	int revoke_delivered;

	/* Asleep (sched.c): its own context waits for one of nwake conditions. */
	uint32_t nwake; /* 0 while awake */
	struct exo_wake wake[EXO_WAKE_MAX];

	/* Why it died, for env_info. */
	uint32_t cause, trapno;
	int64_t status;
	uint64_t fault_rip, fault_addr, fault_err;
};

extern struct env envs[NENV];
extern struct env *curenv;
extern struct trapframe *cur_tf; /* the frame of the current kernel entry */
extern const struct exc_entry *exc_table; /* curenv's handlers, for entry.S */

void env_init(void);
int env_create(struct env *parent, struct env **out);
int env_lookup(exo_envid_t id, struct env **out);
void env_start(struct env *e, uint64_t rip, uint64_t rsp, uint64_t arg);
void env_destroy(struct env *e, uint32_t cause, int64_t status);
void env_run(struct env *e) __attribute__((noreturn));
void env_switch(struct env *e);
struct trapframe *env_ctx(struct env *e);
int env_copyout(struct env *e, uint64_t va, const void *src, uint64_t len);
void env_get(struct env *e, const struct env *holder);
void env_put(struct env *e, const struct env *holder);
int env_map_kernel_page(struct env *e, uint64_t va, uint64_t pa, uint64_t perm);

#endif
