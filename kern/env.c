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
#include "sched.h"

struct env envs[NENV];
struct env *curenv;
struct trapframe *cur_tf;
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

void
env_get(struct env *e)
{
	e->refs++;
}

void
env_put(struct env *e)
{
	assert(e->refs > 0);
	if (--e->refs == 0 && e->state == EXO_ENV_DEAD && !e->dying)
		env_free_record(e);
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
	e->state = EXO_ENV_DEAD;
	e->dying = 1;
	e->cause = cause;
	e->status = status;
	sched_env_gone(e);
	cspace_destroy(&e->cs);
	env_free_vm(e);
	if (curenv == e)
		curenv = NULL;
	e->dying = 0;
	if (e->refs == 0)
		env_free_record(e);
}

/* Switches to e and resumes it in user mode. */
void
env_run(struct env *e)
{
	assert(e->state == EXO_ENV_RUNNABLE);
	if (curenv != e) {
		if (curenv) {
			arch_fpu_save(&curenv->fp);
			arch_fs_gs_save(&curenv->fsbase, &curenv->gsbase);
		}
		arch_fpu_restore(&e->fp);
		arch_fs_gs_restore(e->fsbase, e->gsbase);
		curenv = e;
	}
	arch_vspace_load(e->root);
	arch_env_pop(&e->tf);
}
