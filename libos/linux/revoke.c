/*
 * The kernel's requests for pages back (EXO_EXC_REVOKE), answered by the
 * runtime with its own choice: pages it can give without losing anything.
 * Those are demand-zero pages that were touched but never written — the
 * page-table entry's dirty bit is still clear, so they hold nothing but
 * zeros — and the next touch makes them again (vmr.c).  A page shared
 * with another process, copy-on-write or MAP_SHARED, is never one.  There
 * is no backing store for anything else: what we cannot give, the abort
 * protocol takes when the deadline passes (docs/revocation.md), and a
 * process that loses pages by force cannot go on correctly, so it ends.
 */
#include "../exos.h"
#include "../internal.h"
#include "../sysd/proto.h"
#include "linux.h"

#define BATCH 256

struct pick {
	uint64_t want, n;
	uint64_t va[BATCH], ppn[BATCH];
};

static int
pick_clean(uint64_t va, uint64_t pte, void *arg)
{
	struct pick *p = arg;
	int perm;

	if (p->n == p->want)
		return -1; /* enough: stop the walk */
	if ((pte & (EXO_PTE_D | EXO_PTE_SOFT_MASK)) || !vmr_covers(va, &perm) ||
	    pagemap_peek(va) < 0) /* demand-zero pages are ours, in the map */
		return 0;
	p->va[p->n] = va;
	p->ppn[p->n] = (pte & EXO_PTE_ADDR) >> EXO_PGSHIFT;
	p->n++;
	return 0;
}

/* Gives back up to want clean pages; returns how many. */
static uint64_t
give_clean(uint64_t want)
{
	static struct pick p; /* handlers do not nest */
	uint64_t given = 0;

	while (given < want) {
		p.want = want - given < BATCH ? want - given : BATCH;
		p.n = 0;
		pagemap_walk(pick_clean, &p);
		if (p.n == 0 || exo_page_return(p.ppn, p.n) != (int64_t)p.n)
			break;
		for (uint64_t i = 0; i < p.n; i++) {
			/* page_return removed our capability: the slot is free. */
			slot_free((uint64_t)pagemap_peek(p.va[i]));
			pagemap_del(p.va[i]);
		}
		linux_stack_ok = 0;
		given += p.n;
	}
	return given;
}

static void
on_revoke(int cls, struct exo_excframe *f)
{
	(void)cls;
	if (f->err != EXO_REVOKE_PAGES)
		return; /* slices: a Linux process owns none */
	uint64_t owed = EXO_SELF->revoke_pages;
	if (give_clean(owed) < owed) {
		/* Nothing more we can spare: stop being asked; the rest of this
		 * request goes by the abort protocol. */
		exos_exc_handle(EXO_EXC_REVOKE, NULL);
	}
}

static void
on_repossess(int cls, struct exo_excframe *f)
{
	(void)cls;
	printf("exos: %lu pages taken by force (revocation not answered in "
	       "time): terminated\n", f->addr);
	linux_exit(9); /* SIGKILL: its memory is no longer whole */
}

/*
 * The kernel raises EXO_EXC_REVOKE only when we are not already on the
 * exception stack; a program waiting in a system call (sleep, read, wait)
 * is, for as long as it waits.  So every waiting loop answers here too,
 * from the request the self page shows.
 */
static void
revoke_poll(void)
{
	uint64_t owed = EXO_SELF->revoke_pages;

	if (owed && exos_exc_handlers[EXO_EXC_REVOKE] && give_clean(owed) < owed)
		exos_exc_handle(EXO_EXC_REVOKE, NULL);
}

/* Every wait in the runtime yields or sleeps through here, answering first. */
void
linux_yield(exo_envid_t to)
{
	revoke_poll();
	exo_yield(to);
}

/*
 * Environments ended when linux_events was last called: sysd's own end
 * moves no event word, so a wait watches this counter too.
 */
static uint64_t exits_seen;

uint64_t
linux_events(void)
{
	exits_seen = EXO_INFO->env_exits;
	return linux_have_sysd ? *(const volatile uint64_t *)SYSD_EVENT_VA : 0;
}

/*
 * Without sysd nothing moves the word: yield instead.  If the page is
 * missing the sleep fails at once, and the wait degrades to yielding.
 */
void
linux_wait(uint64_t seen, uint64_t deadline_tsc)
{
	struct exo_wake w[3] = {
		{ SYSD_EVENT_VA, seen, EXO_WAKE_NE, 0 },
		{ (uint64_t)&EXO_INFO->env_exits, exits_seen, EXO_WAKE_NE, 0 },
		{ 0, deadline_tsc, EXO_WAKE_TSC, 0 },
	};

	revoke_poll();
	if (!linux_have_sysd || exo_sleep(w, deadline_tsc ? 3 : 2) < 0)
		exo_yield(EXO_ENV_ANY);
}

int
linux_revoke_init(void)
{
	if (exos_exc_handle(EXO_EXC_REVOKE, on_revoke) < 0 ||
	    exos_exc_handle(EXO_EXC_REPOSSESS, on_repossess) < 0)
		return -1;
	return 0;
}
