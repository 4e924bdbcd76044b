/*
 * Visible revocation and the abort protocol.  The kernel never takes a
 * resource back silently: it asks the owner first (a request in its self
 * page and, if it registered one, its EXO_EXC_REVOKE handler), lets it
 * choose what to give up, and only at the deadline takes what is still
 * owed — never a guaranteed page — recording what it took in the owner's
 * repossession ring and raising EXO_EXC_REPOSSESS so the library OS can
 * repair its state.
 *
 * Taking a page breaks every binding to it: each mapping, in every address
 * space, and each capability, in every list.  The pages being taken are
 * marked PGF_TAKING and held by one extra reference while the sweeps run,
 * so that none is freed (and its mark lost) before every binding is gone.
 * Requests are checked against their deadlines at every slice boundary.
 */
#include "arch.h"
#include "cap.h"
#include "env.h"
#include "kern.h"
#include "pmem.h"
#include "revoke.h"
#include "sched.h"
#include "vm.h"

#define ALLOC_ASK 64 /* pages asked of one environment when memory runs out */

static struct env *
env_alive(int i)
{
	struct env *e = &envs[i];

	return e->state == EXO_ENV_NEW || e->state == EXO_ENV_RUNNABLE ? e : NULL;
}

/* Which of e->exc_arg a (class, kind) uses. */
static int
queue_index(int cls, uint64_t kind)
{
	return (cls - EXO_EXC_REVOKE) * 2 + (int)(kind - EXO_REVOKE_PAGES);
}

/*
 * Queues a kernel-raised exception (EXO_EXC_REVOKE or REPOSSESS, about
 * pages or a slice) for e.  A request also moves e to the front of the
 * round-robin, so that it can answer well before its deadline.
 */
static void
raise(struct env *e, int cls, uint64_t addr, uint64_t kind)
{
	int q = queue_index(cls, kind);

	e->exc_pending |= 1U << q;
	e->exc_arg[q] = addr;
	if (cls == EXO_EXC_REVOKE)
		sched_soon(e);
}

/*
 * Delivers one queued exception to e, about to run: its frame goes on the
 * class's exception stack, as entry.S would push it, and e resumes in the
 * handler.  Without a handler the request stays visible in the self page
 * only.  While e runs on that stack (a handler of its own is running) the
 * delivery waits.  Returns -1 if e had to be destroyed.
 */
int
revoke_deliver(struct env *e)
{
	for (int q = 0; q < 4; q++) {
		uint32_t bit = 1U << q;
		int cls = EXO_EXC_REVOKE + q / 2;
		uint64_t kind = EXO_REVOKE_PAGES + (uint64_t)(q % 2);
		if (!(e->exc_pending & bit))
			continue;
		const struct exc_entry *h = &e->exc[cls];
		struct trapframe *t = env_ctx(e);
		if (h->handler == 0) {
			e->exc_pending &= ~bit;
			continue;
		}
		if (t->rsp <= h->stack && t->rsp > h->stack - 65536)
			return 0;
		struct exo_excframe f = {
			e->exc_arg[q], t->r11, t->rcx, t->rax, kind, t->rip,
			t->rflags, t->rsp,
		};
		e->exc_pending &= ~bit;
		if (env_copyout(e, h->stack - sizeof(f), &f, sizeof(f)) < 0) {
			kprintf("env %x: exception stack at %lx not writable: "
				"destroyed\n", e->id, h->stack);
			env_destroy(e, EXO_CAUSE_FAULT, 0);
			return -1;
		}
		t->rip = t->rcx = h->handler;
		t->rsp = h->stack - sizeof(f);
		t->rflags = t->r11 = 0x202;
		/*
		 * The time to answer runs from now, when the handler has the
		 * processor, not from when the request was made: a busy
		 * machine must not make a prompt answer late.
		 */
		if (cls == EXO_EXC_REVOKE && kind == EXO_REVOKE_PAGES) {
			e->self->revoke_deadline = arch_cycles() + info->revoke_tsc;
			e->revoke_delivered = 1;
			e->revoke_ran = 0;
		}
		else if (cls == EXO_EXC_REVOKE)
			e->self->slice_deadline = arch_cycles() + info->revoke_tsc;
		return 0;
	}
	return 0;
}

int
revoke_request_pages(struct env *e, uint64_t npages)
{
	if (e->self->revoke_pages)
		return EXO_EBUSY;
	e->self->revoke_pages = npages;
	e->self->revoke_deadline = arch_cycles() + info->revoke_tsc;
	e->revoke_delivered = 0;
	raise(e, EXO_EXC_REVOKE, npages, EXO_REVOKE_PAGES);
	return 0;
}

int
revoke_request_slice(struct env *e, uint64_t index)
{
	if (e->self->revoke_slice >= 0)
		return EXO_EBUSY;
	e->self->revoke_slice = (int64_t)index;
	e->self->slice_deadline = arch_cycles() + info->revoke_tsc;
	raise(e, EXO_EXC_REVOKE, index, EXO_REVOKE_SLICE);
	return 0;
}

/*
 * An allocation found no free page.  While any request is outstanding the
 * answer is "try again"; otherwise ask the environment (with a revocation
 * handler, other than the asker) that has the most pages it could lose.
 */
int
revoke_for_alloc(struct env *asker)
{
	struct env *best = NULL;
	uint64_t most = 0;

	for (int i = 1; i < NENV; i++) {
		struct env *e = env_alive(i);
		if (e == NULL)
			continue;
		if (e->self->revoke_pages)
			return EXO_EAGAIN;
		uint64_t can = e->self->owned - e->self->guaranteed;
		if (e != asker && e->exc[EXO_EXC_REVOKE].handler && can > most) {
			most = can;
			best = e;
		}
	}
	if (best == NULL)
		return EXO_ENOMEM;
	revoke_request_pages(best, most < ALLOC_ASK ? most : ALLOC_ASK);
	return EXO_EAGAIN;
}

struct sweep {
	struct env *owner; /* whose repossession ring records the mappings */
	struct env *e;     /* the address space being swept */
};

static void
record(struct env *owner, uint64_t ppn, uint64_t va)
{
	struct exo_self *s = owner->self;

	s->repo[s->repo_head % EXO_REPO_RING] = (struct exo_repo){ ppn, va };
	s->repo_head++;
}

static void
unbind_pte(uint64_t va, uint64_t *pte, void *arg)
{
	struct sweep *sw = arg;
	uint64_t ppn = (*pte & EXO_PTE_ADDR) >> PGSHIFT;

	if (ppn >= npages || !(pages[ppn].flags & PGF_TAKING))
		return;
	if (sw->owner && sw->e == sw->owner) {
		record(sw->owner, ppn, va);
		pages[ppn].flags |= PGF_RECORDED;
	}
	*pte = 0;
	pmem_decref(ppn);
}

static int
names_taken_page(const struct cap *c, void *arg)
{
	(void)arg;
	return c->type == EXO_CAP_PAGE && (pages[c->name].flags & PGF_TAKING);
}

/*
 * Takes every page of o marked PGF_TAKING: sweeps every address space and
 * every capability list, then lets the pages go.  With repo set, records
 * each in o's repossession ring.  Returns how many were taken.
 */
static uint64_t
take_marked(struct env *o, int repo)
{
	struct sweep sw = { repo ? o : NULL, NULL };
	uint64_t n = 0;

	for (int i = 1; i < NENV; i++) {
		struct env *e = env_alive(i);
		if (e == NULL || e->root == 0)
			continue;
		sw.e = e;
		arch_vspace_each(e->root, unbind_pte, &sw);
		cspace_delete_if(&e->cs, names_taken_page, NULL);
	}
	arch_tlb_flush_all();
	for (uint32_t p = o->owned_head, next; p != PG_NIL; p = next) {
		next = pages[p].next;
		if (!(pages[p].flags & PGF_TAKING))
			continue;
		if (repo && !(pages[p].flags & PGF_RECORDED))
			record(o, p, ~0UL);
		pages[p].flags &= ~(PGF_TAKING | PGF_RECORDED);
		n++;
		pmem_decref(p); /* the hold: the last reference */
	}
	return n;
}

static void
mark(uint64_t ppn)
{
	pages[ppn].flags |= PGF_TAKING;
	pmem_incref(ppn);
}

/* page_return: all or none; the caller checked the pointer and count. */
int64_t
revoke_return(struct env *e, const uint64_t *ppns, uint64_t n)
{
	uint64_t i;
	int r = 0;

	for (i = 0; i < n; i++) {
		uint64_t p = ppns[i];
		if (p >= npages || pages[p].kind != PG_USER ||
		    pages[p].owner != ENVX(e->id)) {
			r = EXO_EPERM;
			break;
		}
		if (pages[p].flags & PGF_TAKING) {
			r = EXO_EINVAL;
			break;
		}
		mark(p);
	}
	if (r < 0) {
		while (i-- > 0) {
			pages[ppns[i]].flags &= ~PGF_TAKING;
			pmem_decref(ppns[i]);
		}
		return r;
	}
	take_marked(e, 0);
	return (int64_t)n;
}

/*
 * The deadline passed: take what is still owed, oldest pages first (the
 * kernel knows nothing of their value), sparing guaranteed pages.
 */
static void
abort_pages(struct env *e)
{
	uint64_t want = e->self->revoke_pages, n = 0, t0 = arch_cycles();

	for (uint32_t p = e->owned_head; p != PG_NIL && n < want; p = pages[p].next)
		if (!(pages[p].flags & PGF_GUARANTEED)) {
			mark(p);
			n++;
		}
	uint64_t took = take_marked(e, 1);
	e->self->revoke_pages = 0; /* what only guaranteed pages could pay is forgiven */
	e->revoke_delivered = 0;
	e->self->repossessed += took;
	e->self->repo_cycles = arch_cycles() - t0;
	kprintf("env %x: %lu pages not returned by the deadline: repossessed %lu\n",
	    e->id, want, took);
	raise(e, EXO_EXC_REPOSSESS, took, EXO_REVOKE_PAGES);
}

static int
names_slice(const struct cap *c, void *arg)
{
	return c->type == EXO_CAP_SLICE && c->name == *(uint64_t *)arg;
}

/* Takes slice index: every capability for it goes, so it is free again. */
static void
take_slice(uint64_t index)
{
	for (int i = 1; i < NENV; i++) {
		struct env *e = env_alive(i);
		if (e)
			cspace_delete_if(&e->cs, names_slice, &index);
	}
}

void
revoke_slice_return(struct env *e, uint64_t index)
{
	take_slice(index);
	e->self->revoke_slice = -1;
}

void
revoke_tick(void)
{
	uint64_t now = arch_cycles();

	for (int i = 1; i < NENV; i++) {
		struct env *e = env_alive(i);
		if (e == NULL)
			continue;
		/*
		 * Past the deadline, take what is owed if nobody is answering
		 * (no handler delivered) or the handler has had a slice of its
		 * own; regardless, once it is far past (16 deadlines).
		 */
		if (e->self->revoke_pages && now >= e->self->revoke_deadline &&
		    (!e->revoke_delivered || e->revoke_ran > 0 ||
			now >= e->self->revoke_deadline + 15 * info->revoke_tsc))
			abort_pages(e);
		if (e->self->revoke_slice >= 0 && now >= e->self->slice_deadline) {
			uint64_t s = (uint64_t)e->self->revoke_slice;
			if (sched_slice_env(s) == e)
				take_slice(s);
			e->self->revoke_slice = -1;
			kprintf("env %x: slice %lu not returned by the deadline: "
				"taken\n", e->id, s);
			raise(e, EXO_EXC_REPOSSESS, s, EXO_REVOKE_SLICE);
		}
	}
}

/* e is being destroyed: the pages it owned belong to nobody now. */
void
revoke_env_gone(struct env *e)
{
	while (e->owned_head != PG_NIL)
		pmem_set_owner(e->owned_head, NULL);
	e->exc_pending = 0;
}
