/*
 * Stride scheduling at user level, in the slice prologue (declarations and
 * usage in stride.h; the reasoning in docs/scheduling.md).
 *
 * The kernel runs a slice's owner whenever it is runnable, enters it
 * through its prologue at the slice start, and lets it hand the rest of
 * the slice to anyone with a directed yield.  The scheduler owns slices;
 * its prologue picks the client with the smallest pass, advances that pass
 * by the client's stride and yields to it.  The yield returns when the
 * scheduler runs again, normally at the start of its next slice: the
 * kernel delivers no prologue while the scheduler is still on its upcall
 * stack, so it simply resumes here and makes the next decision.  One
 * upcall thus serves many decisions, and the prologue returns (the
 * program's own code runs again) only when the scheduler picks itself,
 * nobody can run, the decisions asked for are made, or the program is
 * changing the scheduler (locked).  stride_run also decides from the
 * program's own code, at the start of a slice someone passed to it.
 *
 * What must hold: the prologue and the program's own code never run at the
 * same time (one processor; the prologue runs only while the program is
 * interrupted, and the program only once the prologue has returned), so
 * the locked flag around every change is all the exclusion needed; a
 * client's pass is charged only for a slice it was actually given (a
 * refused yield is undone).
 */
#include "stride.h"

static struct stride_sched *active; /* whose prologue is registered */

void
stride_init(struct stride_sched *s)
{
	memset(s, 0, sizeof(*s));
}

/* Keeps the prologue out while the program changes the scheduler. */
static void
stride_lock(struct stride_sched *s)
{
	s->locked = 1;
	__asm__ volatile("" ::: "memory");
}

static void
stride_unlock(struct stride_sched *s)
{
	__asm__ volatile("" ::: "memory");
	s->locked = 0;
}

/* The client with id (the latest, if the id was added again), or NULL. */
struct stride_client *
stride_client(struct stride_sched *s, exo_envid_t id)
{
	for (int i = s->nclients - 1; i >= 0; i--)
		if (s->client[i].id == id)
			return &s->client[i];
	return NULL;
}

/*
 * Adds environment id with tickets.  It starts one stride after the
 * current global pass, as if it had always been there, so that it neither
 * catches up on time it was not present for nor waits behind the others.
 * EXO_EINVAL: bad id or tickets.  EXO_EBUSY: already a client.
 * EXO_ELIMIT: STRIDE_MAX_CLIENTS clients already.
 */
int
stride_add(struct stride_sched *s, exo_envid_t id, uint32_t tickets)
{
	struct stride_client *c = stride_client(s, id);

	if (id <= 0 || tickets == 0 || tickets > STRIDE_MAX_TICKETS)
		return EXO_EINVAL;
	if (c && !c->gone)
		return EXO_EBUSY;
	if (s->nclients == STRIDE_MAX_CLIENTS)
		return EXO_ELIMIT;
	stride_lock(s);
	c = &s->client[s->nclients];
	c->id = id;
	c->tickets = tickets;
	c->stride = STRIDE1 / tickets;
	c->pass = s->global_pass + c->stride;
	c->picks = 0;
	c->gone = 0;
	s->tickets += tickets;
	s->nclients++;
	stride_unlock(s);
	return 0;
}

/* Drops a client that has died (idempotent: both sides may find it). */
static void
client_gone(struct stride_sched *s, struct stride_client *c)
{
	if (!c->gone) {
		c->gone = 1;
		s->tickets -= c->tickets;
	}
}

/* Stops scheduling id (its counters stay readable).  EXO_ENOENT: none. */
int
stride_remove(struct stride_sched *s, exo_envid_t id)
{
	struct stride_client *c = stride_client(s, id);

	if (c == NULL || c->gone)
		return EXO_ENOENT;
	stride_lock(s);
	client_gone(s, c);
	stride_unlock(s);
	return 0;
}

/* The client with the smallest pass (ties: the first added), or NULL. */
static struct stride_client *
stride_pick(struct stride_sched *s, uint32_t refused)
{
	struct stride_client *best = NULL;

	for (int i = 0; i < s->nclients; i++) {
		struct stride_client *c = &s->client[i];
		if (c->gone || (refused >> i & 1))
			continue;
		if (best == NULL || c->pass < best->pass)
			best = c;
	}
	return best;
}

/* Charges c one slice; returns what the global pass advanced by. */
static uint64_t
stride_charge(struct stride_sched *s, struct stride_client *c)
{
	uint64_t g = STRIDE1 / s->tickets;

	c->pass += c->stride;
	c->picks++;
	s->decisions++;
	s->global_pass += g;
	return g;
}

static void
stride_uncharge(struct stride_sched *s, struct stride_client *c, uint64_t g)
{
	c->pass -= c->stride;
	c->picks--;
	s->decisions--;
	s->global_pass -= g;
}

/*
 * One decision, if any is left to make.  Returns 1 after giving the slice
 * to another environment (it is over: we run again), 0 if the rest of the
 * slice is the program's own (it picked itself, no client could run, or
 * the decisions asked for are made).  A client that has died is dropped;
 * one that cannot run now (blocked in a protected control transfer) is
 * passed over for this slice, without charge.  The bookkeeping is done
 * under the lock: stride_run decides from the program's own code too, and
 * the prologue may interrupt it anywhere, even parked in its yield.
 */
static int
stride_decide(struct stride_sched *s)
{
	exo_envid_t me = EXO_SELF->id;
	uint32_t refused = 0;
	struct stride_client *c;
	uint64_t g = 0;

	for (;;) {
		stride_lock(s);
		c = s->decisions < s->limit ? stride_pick(s, refused) : NULL;
		if (c)
			g = stride_charge(s, c);
		stride_unlock(s);
		if (c == NULL || c->id == me)
			return 0;
		int64_t r = exo_yield(c->id);
		if (r == 0)
			return 1;
		stride_lock(s);
		stride_uncharge(s, c, g);
		if (r == EXO_EAGAIN) {
			refused |= 1U << (c - s->client);
			s->blocked++;
		} else {
			client_gone(s, c);
		}
		stride_unlock(s);
	}
}

static void
stride_prologue(struct exo_context *interrupted)
{
	struct stride_sched *s = active;

	(void)interrupted;
	while (s && !s->locked && stride_decide(s))
		;
}

/*
 * Takes up to max_slices free slices of the time-slice vector for this
 * environment and registers the prologue.  Nothing is scheduled until
 * stride_go or stride_run.  Returns the number of slices taken (perhaps 0:
 * the scheduler then decides only in time the kernel's round-robin or
 * others give it).  EXO_EBUSY: a scheduler is already running here.
 * EXO_EINVAL: max_slices out of 0..EXO_NSLICES.  Or the error of a call.
 */
int
stride_start(struct stride_sched *s, int max_slices)
{
	int64_t r = 0;

	if (active)
		return EXO_EBUSY;
	if (max_slices < 0 || max_slices > EXO_NSLICES)
		return EXO_EINVAL;
	s->nslices = 0;
	if (max_slices > 0) {
		if ((r = slot_alloc_range((uint64_t)max_slices)) < 0)
			return (int)r;
		s->slot0 = (exo_slot_t)r;
	}
	while (s->nslices < max_slices &&
	    (r = exo_slice_alloc(s->slot0 + (uint64_t)s->nslices,
		 EXO_SLICE_ANY, EXO_SLOT_SELF)) >= 0)
		s->nslices++;
	if (s->nslices < max_slices)
		slot_free_range(s->slot0 + (uint64_t)s->nslices,
		    (uint64_t)(max_slices - s->nslices));
	if (r < 0 && r != EXO_EAGAIN)
		goto fail;
	s->limit = s->decisions;
	active = s;
	if ((r = exos_upcalls(stride_prologue, NULL)) < 0) {
		active = NULL;
		goto fail;
	}
	return s->nslices;
fail:
	stride_stop(s);
	return (int)r;
}

/*
 * Lets the scheduler make n more decisions, from the next slice start on
 * (STRIDE_FOREVER: until stride_stop), and returns at once: for a program
 * that is itself a client and goes on with its own work.
 */
void
stride_go(struct stride_sched *s, uint64_t n)
{
	uint64_t d = s->decisions;

	s->limit = n > STRIDE_FOREVER - d ? STRIDE_FOREVER : d + n;
}

/*
 * Makes n decisions and returns; afterwards nothing is scheduled until the
 * next call.  The program's own code decides too, but only at the start
 * of a slice someone passed to it (a client's guard, or a parent waiting
 * for it): the slice it was called in is its own, and at the start of a
 * slice it owns the prologue takes over.  Returns 0, or EXO_EDEAD if
 * every client died first.
 */
int
stride_run(struct stride_sched *s, uint64_t n)
{
	uint64_t tick = EXO_INFO->ticks;

	stride_go(s, n);
	while (s->decisions < s->limit) {
		if (s->tickets == 0) {
			s->limit = s->decisions;
			return EXO_EDEAD;
		}
		if (EXO_INFO->ticks == tick)
			__asm__ volatile("pause" ::: "memory");
		else if (!stride_decide(s))
			tick = EXO_INFO->ticks;
	}
	return 0;
}

/* Stops scheduling, unregisters the prologue and gives every slice back. */
void
stride_stop(struct stride_sched *s)
{
	s->limit = s->decisions;
	if (active == s) {
		exos_upcalls(NULL, NULL);
		active = NULL;
	}
	for (int i = 0; i < s->nslices; i++)
		exo_cap_delete(s->slot0 + (uint64_t)i);
	if (s->nslices > 0)
		slot_free_range(s->slot0, (uint64_t)s->nslices);
	s->nslices = 0;
}

/*
 * The client's side.  The guard's prologue runs when the kernel picked the
 * client at a slice start: a slice that is not the scheduler's to give
 * (free, or its owner could not run).  It passes the processor to the
 * scheduler until someone yields to the client, which is how the
 * scheduler gives time.  Woken otherwise (the kernel picks it again while
 * it waits here, where no new prologue is delivered), it passes again.
 *
 * A prologue can also start late: delivered at a slice start, the client
 * preempted before its first instruction (under a loaded host the next
 * timer tick may follow at once), and resumed later by the scheduler's
 * yield.  In a slice the scheduler owns that can only be the scheduler's
 * gift (or it could not run itself), so the guard looks at the slice
 * vector first and keeps such a slice.
 */
static exo_envid_t guard_sched;
static volatile uint64_t *guard_count;

static void
guard_prologue(struct exo_context *interrupted)
{
	uint64_t y = EXO_SELF->yields_in;

	(void)interrupted;
	if (EXO_INFO->slice_env[EXO_INFO->cur_slice] == guard_sched)
		return;
	if (guard_count)
		(*guard_count)++;
	while (EXO_SELF->yields_in == y && exo_yield(guard_sched) == 0)
		;
}

int
stride_client_guard(exo_envid_t sched, volatile uint64_t *redirects)
{
	guard_sched = sched;
	guard_count = redirects;
	if (sched == 0)
		return exos_upcalls(NULL, NULL);
	return exos_upcalls(guard_prologue, NULL);
}
