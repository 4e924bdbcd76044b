/*
 * Processes for Linux programs: fork by copy-on-write, wait4, at user
 * level.  fork creates an environment, binds every page of ours into it —
 * writable ones read-only in both, marked copy-on-write in the page-table
 * entry's library bits, the stacks the kernel writes to copied at once —
 * and starts it in fork_child, which takes its registers (all of them, as
 * they were at the system call, with rax 0) from a snapshot copied with
 * it.  A write to a copy-on-write page faults; linux_cow_fault gives the
 * writer its own copy.
 *
 * sysd (libos/sysd/) makes the child's environment, owns its pid and
 * keeps the process table; the parent's runtime fills and starts it.
 * exec and wait are sysd's (files.c).
 */
#include "../exos.h"
#include "../internal.h"
#include "../sysd/proto.h"
#include "linux.h"

#define COW ((uint64_t)LINUX_SOFT_COW << EXO_PTE_SOFT_SHIFT)
#define EAGAIN 11
#define ENOMEM 12
/* A page of stack a forked child starts on, off the exception stack. */
#define FORK_STACK_VA 0x00007b0000400000UL

/* The registers the child starts with (carried over by the copy). */
static struct exo_context fork_ctx;
static uint64_t fork_fs;
static int64_t fork_pid; /* the child's pid, for the child */
uint64_t linux_fork_settid; /* clone's CHILD_SETTID address, or 0 */


/*
 * Pages copied at once rather than shared copy-on-write: the stacks the
 * kernel writes frames to, and the runtime's own writable pages, which its
 * handlers write while on the exception stack (where a fault cannot be
 * handled).
 */
static int
copy_now(uint64_t va, uint64_t pte)
{
	if (va >= EXOS_EXC_STACK_LO && va < EXOS_AUX_STACKS_END)
		return 1;
	if (va >= PAGEMAP_VA && va < VMR_VA + VMR_SIZE)
		return 1; /* the page map and the demand-zero ranges */
	return (pte & EXO_PTE_W) && va >= EXOS_RUNTIME_BASE &&
	    va < EXOS_RUNTIME_BASE + (1UL << 30);
}

#define PAGE_RIGHTS (EXO_R_READ | EXO_R_WRITE | EXO_R_EXEC | EXO_R_GRANT)

/*
 * Page-table operations gathered into batched calls, one per address
 * space (ours: copy-on-write marks; the child's: its mappings), so that
 * fork makes a few hundred kernel calls fewer.  (The runtime's own pages,
 * where these live, are copied at once, never marked.)
 */
struct batch {
	struct exo_ptop op[256];
	uint64_t n;
};
static struct batch ours, theirs;

static int
batch_flush(struct batch *b, exo_slot_t vs)
{
	int64_t r = b->n ? exo_pt_batch(vs, b->op, b->n) : 0;

	b->n = 0;
	return r < 0 ? -1 : 0;
}

static int
batch_add(struct batch *b, exo_slot_t vs, struct exo_ptop op)
{
	b->op[b->n++] = op;
	return b->n == 256 ? batch_flush(b, vs) : 0;
}

/*
 * Binds our page at va into c, copy-on-write unless it is shared, and
 * gives c a capability for it in the slot ours is in: c's copy of the
 * page map (pagemap.c) is then right for it as it stands.
 */
static int64_t
bind_one(struct child *c, uint64_t va, uint64_t pte)
{
	int perm = (pte & EXO_PTE_NX) ? 0 : EXO_PERM_X;
	int64_t s = pagemap_get(va);

	if (copy_now(va, pte)) {
		/* The child's own copy, through our scratch window. */
		int64_t ns = slot_alloc();
		if (ns < 0 || exo_page_alloc((uint64_t)ns, EXO_PPN_ANY) < 0) {
			if (ns >= 0)
				slot_free((uint64_t)ns);
			return -ENOMEM;
		}
		struct exo_ptop w = { EXOS_SCRATCH, (uint64_t)ns, 1, EXO_PT_MAP, EXO_PERM_W, 0, 0 };
		int64_t r = exo_pt_batch(EXO_SLOT_VSPACE, &w, 1);
		if (r >= 0) {
			memcpy((void *)EXOS_SCRATCH, (void *)va, EXO_PGSIZE);
			page_unmap(EXOS_SCRATCH, 1);
			struct exo_ptop o = { va, (uint64_t)ns, 1, EXO_PT_MAP,
				(uint8_t)(EXO_PERM_W | perm), 0, 0 };
			r = exo_pt_batch(c->vspace, &o, 1);
		}
		if (r >= 0 && s >= 0)
			r = exo_cap_copy((uint64_t)ns, c->env, (uint64_t)s, PAGE_RIGHTS);
		exo_cap_delete((uint64_t)ns);
		slot_free((uint64_t)ns);
		return r < 0 ? -ENOMEM : 0;
	}
	if (s < 0)
		return -ENOMEM; /* a page we hold no capability for */
	uint8_t soft = 0;
	uint64_t bits = (pte & EXO_PTE_SOFT_MASK) >> EXO_PTE_SOFT_SHIFT;
	if (bits & LINUX_SOFT_SHARED) {
		/* MAP_SHARED: the child binds the very same page, as it is. */
		perm |= pte & EXO_PTE_W ? EXO_PERM_W : 0;
		soft = LINUX_SOFT_SHARED;
	} else if (pte & (EXO_PTE_MAYW | COW)) {
		/*
		 * Any page that could be written (now, or after an mprotect)
		 * is shared read-only and copied on the first write; whether
		 * the program may write it is kept in LINUX_SOFT_WANTW.
		 */
		soft = LINUX_SOFT_COW |
		    ((pte & EXO_PTE_W) || (bits & LINUX_SOFT_WANTW) ? LINUX_SOFT_WANTW : 0);
		if (batch_add(&ours, EXO_SLOT_VSPACE,
			(struct exo_ptop){ va, 0, 1, EXO_PT_PROT, (uint8_t)perm, soft, 0 }) < 0)
			return -ENOMEM;
	}
	/* A page we may not write (text shared from the boot image) passes
	 * on with the rights we hold for it. */
	uint64_t rights = pte & EXO_PTE_MAYW ? PAGE_RIGHTS
	    : EXO_R_READ | EXO_R_EXEC | EXO_R_GRANT;
	if (batch_add(&theirs, c->vspace,
		(struct exo_ptop){ va, (uint64_t)s, 1, EXO_PT_MAP, (uint8_t)perm, soft, 0 }) < 0 ||
	    exo_cap_copy((uint64_t)s, c->env, (uint64_t)s, rights) < 0)
		return -ENOMEM;
	return 0;
}

struct bindarg {
	struct child *c;
};

static int
bind_page(uint64_t va, uint64_t pte, void *arg)
{
	struct bindarg *b = arg;

	/* Not the scratch window, not sysd's window (the child has its own),
	 * not a forked child's start stack (each gets a fresh one). */
	if (va >> 39 == EXOS_SCRATCH >> 39 || va >> 39 == SYSD_WIN_VA >> 39 ||
	    va == FORK_STACK_VA)
		return 0;
	return (int)bind_one(b->c, va, pte);
}

/* Binds every page of ours into c. */
static int64_t
bind_all(struct child *c)
{
	struct bindarg b = { c };

	ours.n = theirs.n = 0;
	int r = pagemap_walk(bind_page, &b);
	if (batch_flush(&ours, EXO_SLOT_VSPACE) < 0 || batch_flush(&theirs, c->vspace) < 0)
		r = -ENOMEM;
	return r;
}

/* The child's start stack: a fresh page, its own. */
static int
start_stack(struct child *c)
{
	int64_t s = slot_alloc();

	if (s < 0 || exo_page_alloc((uint64_t)s, EXO_PPN_ANY) < 0)
		return -1;
	struct exo_ptop o = { FORK_STACK_VA, (uint64_t)s, 1, EXO_PT_MAP, EXO_PERM_W, 0, 0 };
	int64_t r = exo_pt_batch(c->vspace, &o, 1);
	exo_cap_delete((uint64_t)s);
	slot_free((uint64_t)s);
	return r < 0 ? -1 : 0;
}

/* Where a forked child starts: its handlers, its FS base, its registers. */
static void __attribute__((noreturn))
fork_child(void)
{
	linux_reregister();
	linux_pid = fork_pid;
	linux_pending = 0; /* signals pending for the parent stay its own */
	if (linux_fork_settid && linux_uok(linux_fork_settid, 4, 1))
		*(int32_t *)linux_fork_settid = (int32_t)fork_pid; /* its tid */
	__asm__ volatile("wrfsbase %0" : : "r"(fork_fs));
	exos_ctx_resume(&fork_ctx);
}

int64_t
linux_fork(struct exo_excframe *f)
{
	const uint64_t *r = (const uint64_t *)f;
	struct child c;
	int64_t err = -EAGAIN, pid;

	if (!linux_have_sysd)
		return -38; /* ENOSYS: nobody to keep the process table */
	/* The registers as at the system call; the child sees fork return 0. */
	fork_ctx = (struct exo_context){
		r[-12], r[-11], r[-10], r[-9], f->r11, r[-6], r[-5], r[-4],
		r[-8], r[-1], r[-2], r[-3], f->rcx, r[-7], 0, f->rip,
		f->rflags, f->rsp, 0,
	};
	__asm__ volatile("rdfsbase %0" : "=r"(fork_fs));
	int64_t se = slot_alloc(), sv = slot_alloc();
	if (se < 0 || sv < 0) {
		if (se >= 0)
			slot_free((uint64_t)se);
		return -ENOMEM;
	}
	uint64_t w[6] = { SYSD_FORK, (uint64_t)se, (uint64_t)sv, 0, 0, 0 };
	if ((pid = linux_sysd_call(w)) < 0) {
		slot_free((uint64_t)se);
		slot_free((uint64_t)sv);
		return pid;
	}
	c.env = (uint64_t)se;
	c.vspace = (uint64_t)sv;
	c.id = (exo_envid_t)w[1];
	fork_pid = pid;
	linux_stack_ok = 0; /* our pages are copy-on-write now, the child's too */
	if (pagemap_adopt() < 0 || (err = bind_all(&c)) < 0 || start_stack(&c) < 0 ||
	    exo_cap_copy(EXO_SLOT_CONSOLE, c.env, EXO_SLOT_CONSOLE,
		EXO_R_READ | EXO_R_WRITE | EXO_R_GRANT) < 0 ||
	    exo_env_start(c.env, (uint64_t)fork_child,
		FORK_STACK_VA + EXO_PGSIZE - 8, 0) < 0) { /* as after a call */
		child_release(&c);
		linux_sysd(SYSD_FORK_ABORT, (uint64_t)pid, 0, 0, 0);
		return err < 0 ? err : -EAGAIN;
	}
	child_release(&c); /* sysd keeps the child; we need no hold on it */
	/*
	 * The child runs first, for the rest of our slice (as Linux's
	 * sched_child_runs_first): what it does right after fork — a shell's
	 * child ignoring SIGINT before exec — is done before we go on.
	 */
	exo_yield((exo_envid_t)w[1]);
	return pid;
}

/*
 * A write to a copy-on-write page: the writer gets its own copy (first
 * into the scratch window, then in place, in one batched call).  Returns 0
 * if it was that, -1 if not a copy-on-write fault.  The copy's slot
 * replaces the original's in the page map, and our capability for the
 * original goes: it stays only with those still sharing it.
 */
int
linux_cow_fault(uint64_t addr, uint64_t err)
{
	uint64_t va = addr & ~(EXO_PGSIZE - 1), pte = exos_pte(va);
	exo_slot_t s;

	uint64_t soft = (pte & EXO_PTE_SOFT_MASK) >> EXO_PTE_SOFT_SHIFT;
	if (!(err & 2) || !(pte & EXO_PTE_P) || !(soft & LINUX_SOFT_COW) ||
	    !(soft & LINUX_SOFT_WANTW))
		return -1; /* not ours to fix: a real protection fault */
	if (page_alloc_map(EXOS_SCRATCH, 1, EXO_PERM_W, &s) < 0)
		return -1;
	memcpy((void *)EXOS_SCRATCH, (void *)va, EXO_PGSIZE);
	int perm = EXO_PERM_W | ((pte & EXO_PTE_NX) ? 0 : EXO_PERM_X);
	/* One batch may touch a page once: unbind both, then bind the copy. */
	struct exo_ptop o[2] = {
		{ EXOS_SCRATCH, 0, 1, EXO_PT_UNMAP, 0, 0, 0 },
		{ va, 0, 1, EXO_PT_UNMAP, 0, 0, 0 },
	};
	struct exo_ptop m = { va, s, 1, EXO_PT_MAP, (uint8_t)perm, 0, 0 };
	int64_t old = pagemap_get(va);
	if (exo_pt_batch(EXO_SLOT_VSPACE, o, 2) != 2 ||
	    exo_pt_batch(EXO_SLOT_VSPACE, &m, 1) != 1)
		return -1;
	/* Our hold on the shared original goes; the copy takes its place. */
	if (pagemap_set(va, s) < 0)
		return -1;
	if (old >= 0) {
		exo_cap_delete((uint64_t)old);
		slot_free((uint64_t)old);
	}
	return 0;
}

/*
 * The way back to the program (trampoline.S) writes two words just below
 * its red zone, from the exception stack, where a fault cannot be taken:
 * before any handler returns, the page(s) there must be writable —
 * copied now if shared copy-on-write, filled if demand-zero.
 */
uint64_t linux_stack_ok; /* a page known to be writable: no need to look */

void
linux_resume_prepare(uint64_t rsp)
{
	uint64_t lo = (rsp - 144) & ~(EXO_PGSIZE - 1), hi = (rsp - 129) & ~(EXO_PGSIZE - 1);

	if (lo == linux_stack_ok && hi == lo)
		return;
	for (uint64_t va = lo; va <= hi; va += EXO_PGSIZE) {
		uint64_t pte = exos_pte(va);
		if (!(pte & EXO_PTE_P))
			vmr_fault(va);
		else if (!(pte & EXO_PTE_W))
			linux_cow_fault(va, 2);
	}
	if (exos_pte(hi) & EXO_PTE_W)
		linux_stack_ok = hi;
}
