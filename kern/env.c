/*
 * The environment table.  An id is its index plus a generation above
 * ENVX_BITS, so a stale id never names a new environment.  A destroyed
 * environment gives back everything at once; only its record stays (state
 * DEAD, with why it died) until no capability names it, so that whoever
 * held it can still ask how it ended.
 */
#include "env.h"
#include "kern.h"
#include "pmem.h"
#include "revoke.h"
#include "sched.h"
#include "vm.h"

struct env envs[NENV];
struct env *curenv;
struct trapframe *cur_tf;
static const struct exc_entry no_handlers[EXO_NEXC];
const struct exc_entry *exc_table = no_handlers;
static struct env *env_free_list;

void
env_init(void)
{
	for (int i = NENV - 1; i >= 1; i--) {
		envs[i].id = i; /* generation 0: the first use makes it 1 */
		envs[i].free_next = env_free_list;
		env_free_list = &envs[i];
	}
	info->nenv = NENV;
}

int
env_lookup(exo_envid_t id, struct env **out)
{
	struct env *e = &envs[ENVX(id)];

	if (id <= 0 || e->id != id || e->state == EXO_ENV_FREE)
		return EXO_ENOENT;
	*out = e;
	return 0;
}

/* Maps a kernel page read-only and user-visible at va (the views). */
int
env_map_kernel_page(struct env *e, uint64_t va, uint64_t pa, uint64_t perm)
{
	uint64_t *pte = arch_pte(e->root, va, 1);

	if (pte == NULL)
		return EXO_ENOMEM;
	*pte = pa | EXO_PTE_P | EXO_PTE_U | perm;
	return 0;
}

static int
env_setup_vm(struct env *e)
{
	int r;

	if ((e->root = pmem_alloc_kernel()) == 0)
		return EXO_ENOMEM;
	arch_vspace_init(e->root);
	if ((e->self_pa = pmem_alloc_kernel()) == 0)
		return EXO_ENOMEM;
	e->self = arch_kva(e->self_pa);
	if ((r = env_map_kernel_page(e, EXO_UINFO, info_pa, EXO_PTE_NX)) < 0 ||
	    (r = env_map_kernel_page(e, EXO_USELF, e->self_pa, EXO_PTE_NX)) < 0)
		return r;
	for (uint64_t i = 0; i < freemap_npages; i++) {
		r = env_map_kernel_page(e, EXO_UFREEMAP + i * PGSIZE,
		    freemap_pa + i * PGSIZE, EXO_PTE_NX);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Gives back the address space; safe on a half-built one. */
static void
env_free_vm(struct env *e)
{
	if (e->root) {
		if (arch_vspace_current() == e->root)
			arch_vspace_load(arch_kernel_vspace());
		arch_vspace_free(e->root, pmem_decref_pa);
		e->root = 0;
	}
	if (e->self_pa) {
		pmem_free_kernel(e->self_pa);
		e->self_pa = 0;
		e->self = NULL;
	}
}

static void
env_free_record(struct env *e)
{
	e->state = EXO_ENV_FREE;
	e->free_next = env_free_list;
	env_free_list = e;
}

/*
 * Creates an environment whose own slots 0 and 1 name itself and its
 * address space.  Its record holds no reference until the caller fills its
 * own slots; the self slots count.
 */
int
env_create(struct env *parent, struct env **out)
{
	struct env *e = env_free_list;
	struct cap *c0, *c1;
	int r;

	if (e == NULL)
		return EXO_ENOENV;
	uint32_t gen = ((uint32_t)e->id >> ENVX_BITS) + 1;
	if (gen >= (1U << (31 - ENVX_BITS)))
		gen = 1;
	exo_envid_t id = (exo_envid_t)(gen << ENVX_BITS | ENVX(e->id));
	env_free_list = e->free_next;
	memset(e, 0, sizeof(*e));
	e->id = id;
	e->parent = parent ? parent->id : 0;
	e->state = EXO_ENV_NEW;
	e->owned_head = e->owned_tail = PG_NIL;
	cspace_init(&e->cs, e);
	if ((r = env_setup_vm(e)) < 0)
		goto fail_vm;
	if ((r = cap_empty_slot(&e->cs, EXO_SLOT_SELF, &c0)) < 0 ||
	    (r = cap_empty_slot(&e->cs, EXO_SLOT_VSPACE, &c1)) < 0)
		goto fail_cs;
	arch_fpu_init(&e->fp);
	e->self->id = id;
	e->self->parent = e->parent;
	e->self->state = EXO_ENV_NEW;
	e->self->revoke_slice = -1;
	cap_fill(c0, NULL, EXO_CAP_ENV, EXO_R_ALL, (uint64_t)id);
	cap_fill(c1, NULL, EXO_CAP_VSPACE, EXO_R_ALL, (uint64_t)id);
	*out = e;
	return 0;

fail_cs:
	cspace_destroy(&e->cs);
fail_vm:
	env_free_vm(e);
	env_free_record(e);
	return r;
}

void
env_start(struct env *e, uint64_t rip, uint64_t rsp, uint64_t arg)
{
	arch_user_frame(&e->tf, rip, rsp, arg);
	e->state = EXO_ENV_RUNNABLE;
	e->self->state = EXO_ENV_RUNNABLE;
	sched_add(e);
}

/* A capability held by holder names e (or its address space). */
void
env_get(struct env *e, const struct env *holder)
{
	e->refs++;
	if (holder == e)
		e->self_refs++;
}

/*
 * One fewer capability names e.  A dead record goes with the last one; an
 * environment never started goes with the last one held outside it, since
 * nothing could start it any more.
 */
void
env_put(struct env *e, const struct env *holder)
{
	assert(e->refs > 0);
	e->refs--;
	if (holder == e)
		e->self_refs--;
	if (e->dying)
		return;
	if (e->state == EXO_ENV_DEAD && e->refs == 0)
		env_free_record(e);
	else if (e->state == EXO_ENV_NEW && e->refs == e->self_refs)
		env_destroy(e, EXO_CAUSE_DESTROYED, 0);
}

/* The context that runs when e runs: its activation's, if it is in one. */
struct trapframe *
env_ctx(struct env *e)
{
	return e->in_act ? &e->act_tf : &e->tf;
}

/*
 * Copies len bytes to user address va of e's address space, which need
 * not be the one loaded.  EXO_EFAULT unless every page is mapped writable.
 */
int
env_copyout(struct env *e, uint64_t va, const void *src, uint64_t len)
{
	const uint8_t *p = src;
	int r;

	if ((r = vm_user_range(e, va, len, 1)) < 0)
		return r;
	while (len > 0) {
		uint64_t *pte = arch_pte(e->root, va, 0);
		uint64_t off = va & (PGSIZE - 1), n = PGSIZE - off;
		if (n > len)
			n = len;
		memcpy((uint8_t *)arch_kva(*pte & EXO_PTE_ADDR) + off, p, n);
		p += n;
		va += n;
		len -= n;
	}
	return 0;
}

/* Environments blocked in a call to e get EXO_EDEAD and run again. */
static void
env_wake_callers(struct env *e)
{
	for (int i = 1; i < NENV; i++) {
		struct env *w = &envs[i];
		if (w->state == EXO_ENV_RUNNABLE && w->waiting_on == e) {
			w->waiting_on = NULL;
			env_ctx(w)->rax = (uint64_t)(int64_t)EXO_EDEAD;
		}
	}
}

/*
 * Frees everything the environment holds.  If it is the one running, the
 * caller must schedule another (sched_run) instead of returning to it.
 */
void
env_destroy(struct env *e, uint32_t cause, int64_t status)
{
	assert(e->state == EXO_ENV_NEW || e->state == EXO_ENV_RUNNABLE);
	if (e->state == EXO_ENV_RUNNABLE)
		sched_remove(e);
	if (e->in_epilogue)
		sched_epilogue_end(e);
	env_wake_callers(e);
	e->state = EXO_ENV_DEAD;
	e->nwake = 0;
	info->env_exits++; /* after the state: a sleeper that wakes sees it */
	e->dying = 1;
	e->cause = cause;
	e->status = status;
	revoke_env_gone(e);
	sched_env_gone(e);
	cspace_destroy(&e->cs);
	env_free_vm(e);
	if (curenv == e) {
		curenv = NULL;
		exc_table = no_handlers;
	}
	e->dying = 0;
	if (e->refs == 0)
		env_free_record(e);
}

/*
 * Switches to e and resumes it in user mode.  The FPU state moves eagerly;
 * CR0.TS is set only for an environment that turned its FPU off, so every
 * #NM from user mode is that environment's own exception.
 */
void
env_run(struct env *e)
{
	env_switch(e);
	if (e->prologue_pending && !e->in_act) {
		struct trapframe ctx = e->tf;
		e->prologue_pending = 0;
		if (sched_upcall(e, &ctx, e->up_prologue, EXO_UPCALL_PROLOGUE) < 0)
			sched_run();
	}
	if (e->exc_pending && revoke_deliver(e) < 0)
		sched_run();
	arch_env_pop(env_ctx(e));
}

/* Makes e the running environment: its FPU, segment bases, page tables. */
void
env_switch(struct env *e)
{
	assert(e->state == EXO_ENV_RUNNABLE && e->waiting_on == NULL);
	if (curenv != e) {
		if (curenv) {
			if (curenv->fpu_off)
				arch_fpu_trap(0);
			arch_fpu_save(&curenv->fp);
			arch_fs_gs_save(&curenv->fsbase, &curenv->gsbase);
		} else {
			arch_fpu_trap(0);
		}
		arch_fpu_restore(&e->fp);
		if (e->fpu_off)
			arch_fpu_trap(1);
		arch_fs_gs_restore(e->fsbase, e->gsbase);
		arch_floor_off();
		exc_table = e->exc;
		curenv = e;
	}
	arch_vspace_load(e->root);
}
