/*
 * What capabilities mean to the resources they name: each filled slot holds
 * one reference on its page, environment or slice (cap.c calls these hooks).
 * A page capability removed by revocation also takes the page out of the
 * holder's address space, unless the holder still has another capability
 * for it: the binding it authorised is broken.  References an environment
 * holds on itself are counted apart, so that one nobody else can start is
 * destroyed (env_put).
 */
#include "arch.h"
#include "cap.h"
#include "env.h"
#include "kern.h"
#include "pmem.h"
#include "sched.h"
#include "vm.h"

void
cap_obj_get(const struct cap *c)
{
	switch (c->type) {
	case EXO_CAP_PAGE:
		pmem_incref(c->name);
		break;
	case EXO_CAP_ENV:
	case EXO_CAP_VSPACE:
		env_get(&envs[ENVX(c->name)], c->space->owner);
		break;
	case EXO_CAP_SLICE:
		sched_slice_get(c->name);
		break;
	}
}

void
cap_obj_put(const struct cap *c, int revoked)
{
	struct env *holder = c->space->owner;

	switch (c->type) {
	case EXO_CAP_PAGE:
		if (revoked && !cspace_holds(&holder->cs, EXO_CAP_PAGE, c->name))
			vm_unmap_page(holder, c->name);
		pmem_decref(c->name);
		break;
	case EXO_CAP_ENV:
	case EXO_CAP_VSPACE:
		env_put(&envs[ENVX(c->name)], holder);
		break;
	case EXO_CAP_SLICE:
		sched_slice_put(c->name);
		break;
	}
}

void *
cap_table_alloc(void)
{
	uint64_t pa = pmem_alloc_kernel();

	return pa ? arch_kva(pa) : NULL;
}

void
cap_table_free(void *t)
{
	pmem_free_kernel((uint64_t)t - PHYSMAP);
}
