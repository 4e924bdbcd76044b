/*
 * System-call handlers.  Each checks every argument, capability and right
 * before it changes anything; the errors each returns are listed with the
 * call in include/exo/syscalls.tbl, which also generates the dispatch table
 * included below.  The null call never gets here: entry.S answers it.
 */
#include <exo/syscall.h>

#include "cap.h"
#include "env.h"
#include "kern.h"
#include "pmem.h"
#include "revoke.h"
#include "sched.h"
#include "syscall_table.h"
#include "vm.h"

/* Bytes one cons_write takes: the kernel prints them with interrupts off. */
#define CONS_WRITE_MAX 65536

/* The environment named by an environment or address-space capability. */
static struct env *
cap_env(const struct cap *c)
{
	struct env *e = &envs[ENVX(c->name)];

	assert(e->id == (exo_envid_t)c->name && e->state != EXO_ENV_FREE);
	return e;
}

/* Looks up a capability for a live environment. */
static int
lookup_env(exo_slot_t slot, int type, uint32_t rights, struct env **out)
{
	struct cap *c;
	int r = cap_lookup(&curenv->cs, slot, type, rights, &c);

	if (r < 0)
		return r;
	*out = cap_env(c);
	return (*out)->state == EXO_ENV_DEAD ? EXO_EDEAD : 0;
}

int64_t
sys_null(void)
{
	return 0;
}

int64_t
sys_cons_write(exo_slot_t cons, const void *buf, uint64_t len)
{
	struct cap *c;
	int r;

	if ((r = cap_lookup(&curenv->cs, cons, EXO_CAP_CONSOLE, EXO_R_WRITE, &c)) < 0)
		return r;
	if (len > CONS_WRITE_MAX)
		len = CONS_WRITE_MAX;
	if ((r = vm_user_ok((uint64_t)buf, len, 0)) < 0)
		return r;
	for (uint64_t i = 0; i < len; i++)
		cons_putc(((const char *)buf)[i]);
	return (int64_t)len;
}

int64_t
sys_cons_read(exo_slot_t cons, void *buf, uint64_t len)
{
	struct cap *c;
	int r, ch;
	uint64_t n = 0;

	if ((r = cap_lookup(&curenv->cs, cons, EXO_CAP_CONSOLE, EXO_R_READ, &c)) < 0)
		return r;
	if ((r = vm_user_ok((uint64_t)buf, len, 1)) < 0)
		return r;
	while (n < len && (ch = cons_getc()) >= 0)
		((char *)buf)[n++] = (char)ch;
	return (int64_t)n;
}

int64_t
sys_cap_copy(exo_slot_t src, exo_slot_t env, exo_slot_t dst, uint64_t rights)
{
	struct cap *s, *d;
	struct env *target;
	int r;

	if ((r = cap_lookup(&curenv->cs, src, EXO_CAP_NONE, 0, &s)) < 0)
		return r;
	if ((r = lookup_env(env, EXO_CAP_ENV, EXO_R_CTRL, &target)) < 0)
		return r;
	if (rights & ~(uint64_t)s->rights)
		return EXO_EINVAL;
	if (target != curenv && !(s->rights & EXO_R_GRANT))
		return EXO_EPERM;
	if ((r = cap_empty_slot(&target->cs, dst, &d)) < 0)
		return r;
	cap_fill(d, s, s->type, (uint32_t)rights, s->name);
	return 0;
}

int64_t
sys_cap_revoke(exo_slot_t slot)
{
	struct cap *c;
	int r;

	if ((r = cap_lookup(&curenv->cs, slot, EXO_CAP_NONE, 0, &c)) < 0)
		return r;
	return cap_revoke(c);
}

int64_t
sys_cap_delete(exo_slot_t slot)
{
	struct cap *c;
	int r;

	if ((r = cap_lookup(&curenv->cs, slot, EXO_CAP_NONE, 0, &c)) < 0)
		return r;
	cap_delete(c);
	return 0;
}

int64_t
sys_cap_info(exo_slot_t slot, struct exo_capinfo *out)
{
	struct cap *c;
	int r;

	if ((r = vm_user_ok((uint64_t)out, sizeof(*out), 1)) < 0)
		return r;
	if ((r = cap_lookup(&curenv->cs, slot, EXO_CAP_NONE, 0, &c)) < 0)
		return r;
	out->type = c->type;
	out->rights = c->rights;
	out->name = c->name;
	return 0;
}

int64_t
sys_page_alloc(exo_slot_t dst, uint64_t ppn)
{
	struct cap *d;
	int r;

	/* A slot table needs a page too: either way, ask for pages back. */
	if ((r = cap_empty_slot(&curenv->cs, dst, &d)) < 0)
		return r == EXO_ENOMEM && ppn == EXO_PPN_ANY ? revoke_for_alloc(curenv) : r;
	int64_t got = pmem_alloc_user(ppn, curenv);
	if (got == EXO_ENOMEM && ppn == EXO_PPN_ANY)
		return revoke_for_alloc(curenv);
	if (got < 0)
		return got;
	cap_fill(d, NULL, EXO_CAP_PAGE,
	    EXO_R_READ | EXO_R_WRITE | EXO_R_EXEC | EXO_R_GRANT, (uint64_t)got);
	return got;
}

int64_t
sys_pt_batch(exo_slot_t vspace, const struct exo_ptop *ops, uint64_t nops)
{
	struct env *target;
	int r;

	if ((r = lookup_env(vspace, EXO_CAP_VSPACE, EXO_R_WRITE, &target)) < 0)
		return r;
	if (nops == 0 || nops > EXO_PT_MAXOPS)
		return EXO_EINVAL;
	if ((r = vm_user_ok((uint64_t)ops, nops * sizeof(*ops), 0)) < 0)
		return r;
	return vm_batch(target, ops, nops);
}

int64_t
sys_env_create(exo_slot_t envdst, exo_slot_t vsdst)
{
	struct cap *ce, *cv;
	struct env *e;
	int r;

	if (envdst >= EXO_NSLOTS || vsdst >= EXO_NSLOTS)
		return EXO_ERANGE;
	if (envdst == vsdst)
		return EXO_EBUSY;
	if ((r = cap_empty_slot(&curenv->cs, envdst, &ce)) < 0 ||
	    (r = cap_empty_slot(&curenv->cs, vsdst, &cv)) < 0)
		return r;
	if ((r = env_create(curenv, &e)) < 0)
		return r;
	cap_fill(ce, NULL, EXO_CAP_ENV, EXO_R_ALL, (uint64_t)e->id);
	cap_fill(cv, NULL, EXO_CAP_VSPACE, EXO_R_ALL, (uint64_t)e->id);
	return e->id;
}

int64_t
sys_env_start(exo_slot_t env, uint64_t rip, uint64_t rsp, uint64_t arg)
{
	struct env *e;
	int r;

	if ((r = lookup_env(env, EXO_CAP_ENV, EXO_R_CTRL, &e)) < 0)
		return r;
	if (e->state != EXO_ENV_NEW)
		return EXO_EBUSY;
	if (rip >= EXO_ULIM || rsp > EXO_ULIM)
		return EXO_ERANGE;
	env_start(e, rip, rsp, arg);
	return 0;
}

int64_t
sys_env_destroy(exo_slot_t env)
{
	struct env *e;
	int r;

	if ((r = lookup_env(env, EXO_CAP_ENV, EXO_R_CTRL, &e)) < 0)
		return r;
	env_destroy(e, EXO_CAUSE_DESTROYED, 0);
	if (curenv == NULL)
		sched_run();
	return 0;
}

int64_t
sys_env_exit(int64_t status)
{
	env_destroy(curenv, EXO_CAUSE_EXIT, status);
	sched_run();
}

int64_t
sys_env_info(exo_slot_t env, struct exo_envinfo *out)
{
	struct cap *c;
	int r;

	if ((r = vm_user_ok((uint64_t)out, sizeof(*out), 1)) < 0)
		return r;
	if ((r = cap_lookup(&curenv->cs, env, EXO_CAP_ENV, 0, &c)) < 0)
		return r;
	struct env *e = cap_env(c);
	*out = (struct exo_envinfo){
		.id = e->id,
		.state = e->state,
		.cause = e->cause,
		.trapno = e->trapno,
		.status = e->status,
		.fault_rip = e->fault_rip,
		.fault_addr = e->fault_addr,
		.fault_err = e->fault_err,
	};
	return 0;
}

/*
 * A yield from an epilogue ends it: the epilogue's own state is dropped
 * and the environment will resume from what the epilogue interrupted.
 */
int64_t
sys_yield(exo_envid_t target)
{
	struct env *e;
	int r;

	if (target == EXO_ENV_ANY) {
		/* The next one that can run (callers in a transfer wait). */
		for (e = curenv->run_next; e != curenv && !sched_ready(e);)
			e = e->run_next;
	} else {
		if ((r = env_lookup(target, &e)) < 0)
			return r;
		if (e->state == EXO_ENV_DEAD)
			return EXO_EDEAD;
		if (e->state == EXO_ENV_NEW || (e != curenv && !sched_ready(e)))
			return EXO_EAGAIN;
	}
	if (curenv->in_epilogue) {
		sched_epilogue_end(curenv);
		if (e == curenv)
			sched_slice_start();
	} else {
		if (e == curenv)
			return 0;
		cur_tf->rax = 0;
		sched_leave();
	}
	e->self->yields_in++;
	env_run(e);
}

static int
user_addr(uint64_t va)
{
	return va < EXO_ULIM;
}

/* A stack top: 16-byte aligned, in user space, with room below it. */
static int
check_stack(uint64_t top)
{
	if (top < PGSIZE || top > EXO_ULIM)
		return EXO_ERANGE;
	return top & 15 ? EXO_EINVAL : 0;
}

int64_t
sys_exc_register(uint64_t cls, uint64_t handler, uint64_t stack)
{
	/* The vectors user code can raise, as in entry.S's USER_CLASS. */
	static const uint64_t user_classes = 0x1UL << EXO_EXC_SYSCALL |
	    0x1UL << EXO_EXC_REVOKE | 0x1UL << EXO_EXC_REPOSSESS |
	    0xb7cfbUL; /* 0,1,3-7,10-14,16,17,19 */
	int r;

	if (cls >= EXO_NEXC)
		return EXO_ERANGE;
	if (!(user_classes >> cls & 1))
		return EXO_EINVAL;
	if (handler == 0) {
		curenv->exc[cls] = (struct exc_entry){ 0, 0 };
		return 0;
	}
	if (!user_addr(handler))
		return EXO_ERANGE;
	if ((r = check_stack(stack)) < 0)
		return r;
	curenv->exc[cls] = (struct exc_entry){ handler, stack };
	return 0;
}

int64_t
sys_fpu(uint64_t on)
{
	if (on > 1)
		return EXO_EINVAL;
	curenv->fpu_off = !on;
	curenv->self->fpu_off = !on;
	arch_fpu_trap(!on);
	return 0;
}

int64_t
sys_upcall_register(uint64_t prologue, uint64_t epilogue, uint64_t stack,
    struct exo_context *save)
{
	int r;

	if (prologue == 0 && epilogue == 0) {
		curenv->up_prologue = curenv->up_epilogue = 0;
		return 0;
	}
	if ((prologue && !user_addr(prologue)) || (epilogue && !user_addr(epilogue)))
		return EXO_ERANGE;
	if ((r = check_stack(stack)) < 0)
		return r;
	if ((r = vm_user_ok((uint64_t)save, sizeof(*save), 1)) < 0)
		return r;
	curenv->up_prologue = prologue;
	curenv->up_epilogue = epilogue;
	curenv->up_stack = stack;
	curenv->up_save = (uint64_t)save;
	return 0;
}

int64_t
sys_pct_register(uint64_t entry, uint64_t stack)
{
	int r;

	if (entry == 0) {
		curenv->pct_entry = 0;
		return 0;
	}
	if (!user_addr(entry))
		return EXO_ERANGE;
	if ((r = check_stack(stack)) < 0)
		return r;
	curenv->pct_entry = entry;
	curenv->pct_stack = stack;
	return 0;
}

int64_t
sys_slice_alloc(exo_slot_t dst, uint64_t index, exo_slot_t env)
{
	struct cap *d;
	struct env *e;
	int r;

	if ((r = lookup_env(env, EXO_CAP_ENV, EXO_R_CTRL, &e)) < 0)
		return r;
	if ((r = cap_empty_slot(&curenv->cs, dst, &d)) < 0)
		return r;
	int64_t got = sched_slice_alloc(index, e);
	if (got < 0)
		return got;
	cap_fill(d, NULL, EXO_CAP_SLICE, EXO_R_ALL, (uint64_t)got);
	return got;
}

int64_t
sys_machine_exit(exo_slot_t machine, uint64_t code)
{
	struct cap *c;
	int r;

	if ((r = cap_lookup(&curenv->cs, machine, EXO_CAP_MACHINE, EXO_R_CTRL, &c)) < 0)
		return r;
	if (code > 127)
		return EXO_EINVAL;
	arch_poweroff(code);
}

/* Called by entry.S for every call but the null one. */
void
syscall_trap(struct trapframe *tf)
{
	/* The upper half of rax carries pct's target slot. */
	uint64_t n = (uint32_t)tf->rax - EXO_SYSCALL_BASE;

	cur_tf = tf;
	if (n >= SYSCALL_COUNT || syscall_table[n] == NULL) {
		tf->rax = (uint64_t)(int64_t)EXO_ENOSYS;
		return;
	}
	uint64_t a[6] = { tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9 };
	tf->rax = (uint64_t)syscall_table[n](a);
	/* A revocation request for the caller itself is delivered now. */
	if (curenv->exc_pending) {
		sched_leave();
		env_run(curenv);
	}
}

/* The page named by a page capability, if the caller owns it. */
static int
owned_page(exo_slot_t slot, uint64_t *ppn)
{
	struct cap *c;
	int r;

	if ((r = cap_lookup(&curenv->cs, slot, EXO_CAP_PAGE, 0, &c)) < 0)
		return r;
	if (pages[c->name].kind != PG_USER || pages[c->name].owner != ENVX(curenv->id))
		return EXO_EPERM;
	*ppn = c->name;
	return 0;
}

int64_t
sys_page_guarantee(exo_slot_t slot, uint64_t on)
{
	uint64_t ppn;
	int r;

	if (on > 1)
		return EXO_EINVAL;
	if ((r = owned_page(slot, &ppn)) < 0)
		return r;
	return pmem_guarantee(ppn, (int)on);
}

int64_t
sys_page_give(exo_slot_t slot, exo_slot_t env)
{
	struct env *e;
	uint64_t ppn;
	int r;

	if ((r = owned_page(slot, &ppn)) < 0)
		return r;
	if ((r = lookup_env(env, EXO_CAP_ENV, EXO_R_CTRL, &e)) < 0)
		return r;
	pmem_set_owner(ppn, e);
	return 0;
}

int64_t
sys_page_return(const uint64_t *ppns, uint64_t n)
{
	int r;

	if (n == 0 || n > 4096)
		return EXO_EINVAL;
	if ((r = vm_user_ok((uint64_t)ppns, n * sizeof(*ppns), 0)) < 0)
		return r;
	return revoke_return(curenv, ppns, n);
}

int64_t
sys_reclaim(exo_slot_t machine, exo_slot_t env, uint64_t npages)
{
	struct cap *c;
	struct env *e;
	int r;

	if ((r = cap_lookup(&curenv->cs, machine, EXO_CAP_MACHINE, EXO_R_CALL, &c)) < 0)
		return r;
	if ((r = lookup_env(env, EXO_CAP_ENV, 0, &e)) < 0)
		return r;
	if (npages == 0)
		return EXO_EINVAL;
	return revoke_request_pages(e, npages);
}

int64_t
sys_slice_reclaim(exo_slot_t machine, uint64_t index)
{
	struct cap *c;
	struct env *e;
	int r;

	if ((r = cap_lookup(&curenv->cs, machine, EXO_CAP_MACHINE, EXO_R_CALL, &c)) < 0)
		return r;
	if (index >= EXO_NSLICES)
		return EXO_ERANGE;
	if ((e = sched_slice_env(index)) == NULL)
		return EXO_ENOENT;
	return revoke_request_slice(e, index);
}

int64_t
sys_slice_return(uint64_t index)
{
	if (index >= EXO_NSLICES)
		return EXO_ERANGE;
	if (sched_slice_env(index) != curenv)
		return EXO_EPERM;
	revoke_slice_return(curenv, index);
	return 0;
}

/*
 * A stopped environment waits on env_stopped, which never replies: the
 * scheduler, transfers and directed yields already pass over an
 * environment that waits, so stopping needs nothing more.
 */
struct env env_stopped;

int64_t
sys_env_stop(exo_slot_t env, uint64_t on)
{
	struct env *e;
	int r;

	if ((r = lookup_env(env, EXO_CAP_ENV, EXO_R_CTRL, &e)) < 0)
		return r;
	if (on > 1)
		return EXO_EINVAL;
	if (e->state == EXO_ENV_DEAD)
		return EXO_EDEAD;
	if (e->state == EXO_ENV_NEW)
		return EXO_EAGAIN;
	if (e->in_act || (e->waiting_on && e->waiting_on != &env_stopped))
		return EXO_EBUSY;
	if (!on) {
		if (e->waiting_on == &env_stopped)
			e->waiting_on = NULL;
		return 0;
	}
	e->waiting_on = &env_stopped;
	if (e == curenv) {
		cur_tf->rax = 0; /* what it sees when let run again */
		sched_leave();
		sched_run();
	}
	return 0;
}

int64_t
sys_sleep(const struct exo_wake *conds, uint64_t n)
{
	struct exo_wake w[EXO_WAKE_MAX];
	int r;

	if (n == 0 || n > EXO_WAKE_MAX)
		return EXO_EINVAL;
	if ((r = vm_user_ok((uint64_t)conds, n * sizeof(*conds), 0)) < 0)
		return r;
	memcpy(w, conds, n * sizeof(*conds));
	for (uint64_t i = 0; i < n; i++) {
		if (w[i].op > EXO_WAKE_TSC || w[i].pad != 0)
			return EXO_EINVAL;
		if (w[i].op == EXO_WAKE_TSC) {
			if (w[i].addr != 0)
				return EXO_EINVAL;
			continue;
		}
		if (w[i].addr & 7)
			return EXO_EINVAL;
		/*
		 * Not vm_user_ok: the read-only views between EXO_ULIM and
		 * EXO_UVPT (the info page's counters) are words worth
		 * waiting on.  The page-table view is not: a walk through
		 * its recursive slot would meet the kernel's large pages.
		 */
		uint64_t *pte = w[i].addr < EXO_UVPT ?
		    arch_pte(curenv->root, w[i].addr, 0) : NULL;
		if (pte == NULL || (*pte & (EXO_PTE_P | EXO_PTE_U)) !=
		    (EXO_PTE_P | EXO_PTE_U))
			return EXO_EFAULT;
	}
	if (curenv->in_act || curenv->in_epilogue)
		return EXO_EBUSY;
	sched_sleep(w, (uint32_t)n);
	return 0;
}
