/*
 * Slices asked back.  Looks for: a slice_reclaim that does not reach the
 * environment the slice runs (EXO_SELF->revoke_slice, the EXO_EXC_REVOKE
 * handler with addr = the index and err = EXO_REVOKE_SLICE); a
 * slice_return of a different slice that does not satisfy the request (the
 * named slice must then stay bound, the returned one be free with every
 * capability for it gone, ours included, and nothing taken at the
 * deadline); a slice that an environment ignoring the request keeps past
 * the deadline (it must be unbound, our capability for it gone, its other
 * slice untouched, and EXO_EXC_REPOSSESS raised with err
 * EXO_REVOKE_SLICE); the errors of slice_reclaim (index out of range, a
 * free slice, a request already pending for that environment) and of
 * slice_return (a slice that does not run the caller, out of range).
 * Last, a request for pages and one for a slice made together must each
 * run the revocation handler, with its own count or index.
 *
 * The child is this program again, with the argument "child" and a mode:
 * "coop" answers, "ignore" only notes what it is told, "none" has no
 * handlers at all.
 */
#define TEST_NAME "t_rv_slice"
#include "rvutil.h"

#define SH_VA (TEST_VA + 0x100000)   /* the shared page, in the parent */
#define DATA_VA (CHILD_VA + 0x100000) /* the child's pages */
#define NDATA 8
#define MAXLOG 8

#define FINISH 1

struct logent {
	uint64_t cls, addr, err;
	int64_t revoke_slice;   /* the self page at the handler's entry */
	uint64_t revoke_pages;
	int64_t returned;       /* coop: the slice it gave back, or -1 */
	int64_t r;              /* ... and slice_return's result */
};

struct shared {
	uint64_t ready, cmd, done;
	uint64_t nlog;
	struct logent log[MAXLOG];
	int64_t seen_revoke_slice; /* the first request seen in the self page */
	uint64_t answered_pages;
	uint64_t nslices, slices; /* at the end */
	int64_t revoke_slice;
};

/* ---- the child ---- */

static volatile struct shared *sh;
static uint64_t slots[NDATA], ppns[NDATA], live;

static volatile struct logent *
note(int cls, struct exo_excframe *f)
{
	uint64_t n = sh->nlog;

	if (n >= MAXLOG)
		exit(80);
	volatile struct logent *e = &sh->log[n];
	e->cls = (uint64_t)cls;
	e->addr = f->addr;
	e->err = f->err;
	e->revoke_slice = EXO_SELF->revoke_slice;
	e->revoke_pages = EXO_SELF->revoke_pages;
	e->returned = -1;
	sh->nlog = n + 1;
	return e;
}

/* Answers whatever the self page says is asked: a slice (another one
 * than the one named, if it has one) and pages. */
static void
on_revoke_coop(int cls, struct exo_excframe *f)
{
	volatile struct logent *e = note(cls, f);
	int64_t want = EXO_SELF->revoke_slice;

	if (want >= 0) {
		int64_t give = want;
		for (int64_t i = 0; i < EXO_NSLICES; i++)
			if (i != want && (EXO_SELF->slices[i / 64] >> (i % 64) & 1)) {
				give = i;
				break;
			}
		e->returned = give;
		e->r = exo_slice_return((uint64_t)give);
	}
	uint64_t n = EXO_SELF->revoke_pages;
	if (n && n <= live) {
		uint64_t list[NDATA];
		for (uint64_t i = 0; i < n; i++)
			list[i] = ppns[live - n + i];
		if (exo_page_return(list, n) == (int64_t)n) {
			live -= n;
			sh->answered_pages += n;
		}
	}
}

static void
on_note(int cls, struct exo_excframe *f)
{
	note(cls, f);
}

static int
child(const char *mode)
{
	if (strcmp(mode, "coop") == 0) {
		CHECK_EQ(exos_exc_handle(EXO_EXC_REVOKE, on_revoke_coop), 0);
		CHECK_EQ(exos_exc_handle(EXO_EXC_REPOSSESS, on_note), 0);
	} else if (strcmp(mode, "ignore") == 0) {
		CHECK_EQ(exos_exc_handle(EXO_EXC_REVOKE, on_note), 0);
		CHECK_EQ(exos_exc_handle(EXO_EXC_REPOSSESS, on_note), 0);
	} else if (strcmp(mode, "none") != 0) {
		printf("t_rv_slice child: unknown mode %s\n", mode);
		return 2;
	}
	sh = child_map_shared();
	sh->seen_revoke_slice = -1;
	CHECK_EQ(EXO_SELF->revoke_slice, -1);
	for (uint64_t i = 0; i < NDATA; i++)
		ppns[i] = child_page(DATA_VA + i * EXO_PGSIZE, &slots[i]);
	live = NDATA;
	sh->ready = 1;
	uint64_t t0 = time_ns();
	while (sh->cmd != FINISH) {
		if (sh->seen_revoke_slice < 0)
			sh->seen_revoke_slice = EXO_SELF->revoke_slice;
		if (time_ns() - t0 > CHILD_TIMEOUT_NS)
			exit(91);
		child_idle();
	}
	sh->nslices = EXO_SELF->nslices;
	sh->slices = EXO_SELF->slices[0];
	sh->revoke_slice = EXO_SELF->revoke_slice;
	sh->done = 1;
	return 0;
}

/* ---- the parent ---- */

static volatile struct shared *psh = (volatile struct shared *)SH_VA;
static exo_slot_t shs;

/* A free slice, searching down from the top, other than not. */
static uint64_t
free_slice(int64_t not1, int64_t not2)
{
	for (int64_t i = EXO_NSLICES - 1; i >= 0; i--)
		if (EXO_INFO->slice_env[i] == 0 && i != not1 && i != not2)
			return (uint64_t)i;
	printf("t_rv_slice: no free slice\n");
	exit(1);
}

static void
start(const char *mode, struct child *c)
{
	char *args[] = { "t_rv_slice", "child", (char *)mode, NULL };

	memset((void *)psh, 0, EXO_PGSIZE);
	CHECK_EQ(spawn("t_rv_slice", args, c), 0);
	CHECK_EQ(exo_cap_copy(shs, c->env, CHILD_SLOT, EXO_R_READ | EXO_R_WRITE), 0);
	wait_until(c, &psh->ready, 1, "the child to be ready");
}

static void
finish(struct child *c)
{
	struct exo_envinfo in;

	psh->cmd = FINISH;
	CHECK_WAIT(c, &in);
	CHECK_EXITED(&in, 0);
	CHECK_EQ(psh->done, 1);
	CHECK_EQ(psh->revoke_slice, -1);
	child_release(c);
}

static void
check_log(uint64_t k, int cls, uint64_t addr, uint64_t err)
{
	volatile struct logent *e = &psh->log[k];

	if (psh->nlog <= k || e->cls != (uint64_t)cls || e->addr != addr ||
	    e->err != err) {
		printf("t_rv_slice: handler run %lu: want class %d addr %lu err "
		       "%lu; have %lu runs", k, cls, addr, err, psh->nlog);
		if (psh->nlog > k)
			printf(", this one class %lu addr %lu err %lu", e->cls,
			    e->addr, e->err);
		printf("\n");
		exit(1);
	}
}

/* Answers by returning another slice; then, holding one, that one. */
static void
cooperative(uint64_t s1, uint64_t s2)
{
	struct child c;
	uint64_t i = free_slice(-1, -1), j = free_slice((int64_t)i, -1);

	start("coop", &c);
	CHECK_EQ(exo_slice_alloc(s1, i, c.env), (int64_t)i);
	CHECK_EQ(exo_slice_alloc(s2, j, c.env), (int64_t)j);
	CHECK_EQ(EXO_INFO->slice_env[i], c.id);
	CHECK_EQ(EXO_INFO->slice_env[j], c.id);
	/* Not ours to return. */
	CHECK_EQ(exo_slice_return(i), EXO_EPERM);
	CHECK_EQ(EXO_INFO->slice_env[i], c.id);

	CHECK_EQ(exo_slice_reclaim(EXO_SLOT_MACHINE, i), 0);
	wait_until(&c, &psh->nlog, 1, "the revocation handler");
	check_log(0, EXO_EXC_REVOKE, i, EXO_REVOKE_SLICE);
	CHECK_EQ(psh->log[0].revoke_slice, (int64_t)i);
	CHECK_EQ(psh->log[0].returned, (int64_t)j);
	CHECK_EQ(psh->log[0].r, 0);
	/* j is free, every capability for it gone; i stays. */
	CHECK_EQ(EXO_INFO->slice_env[j], 0);
	CHECK(empty(s2));
	CHECK_EQ(EXO_INFO->slice_env[i], c.id);
	CHECK(!empty(s1));
	sleep_ms(100);
	CHECK_EQ(EXO_INFO->slice_env[i], c.id);
	CHECK(!empty(s1));
	CHECK_EQ(psh->nlog, 1); /* no repossession */
	/* The request is over: another one is accepted.  Its only slice
	 * now, it gives that one back. */
	CHECK_EQ(exo_slice_reclaim(EXO_SLOT_MACHINE, i), 0);
	wait_until(&c, &psh->nlog, 2, "the second revocation");
	check_log(1, EXO_EXC_REVOKE, i, EXO_REVOKE_SLICE);
	CHECK_EQ(psh->log[1].returned, (int64_t)i);
	CHECK_EQ(psh->log[1].r, 0);
	CHECK_EQ(EXO_INFO->slice_env[i], 0);
	CHECK(empty(s1));
	CHECK_EQ(exo_slice_reclaim(EXO_SLOT_MACHINE, i), EXO_ENOENT);
	sleep_ms(60);
	CHECK_EQ(psh->nlog, 2);
	finish(&c);
	CHECK_EQ(psh->nslices, 0);
	CHECK_EQ(psh->slices, 0);
	printf("t_rv_slice: a cooperative owner returned another slice, then "
	       "its last\n");
}

/* Keeps what is asked (with handlers, or none): loses it at the deadline. */
static void
ignoring(const char *mode, uint64_t s1, uint64_t s2)
{
	struct child c;
	uint64_t i = free_slice(-1, -1), j = free_slice((int64_t)i, -1);
	int handlers = strcmp(mode, "none") != 0;

	start(mode, &c);
	CHECK_EQ(exo_slice_alloc(s1, i, c.env), (int64_t)i);
	CHECK_EQ(exo_slice_alloc(s2, j, c.env), (int64_t)j);
	CHECK_EQ(exo_slice_reclaim(EXO_SLOT_MACHINE, i), 0);
	/* One slice request at a time per environment. */
	CHECK_EQ(exo_slice_reclaim(EXO_SLOT_MACHINE, i), EXO_EBUSY);
	CHECK_EQ(exo_slice_reclaim(EXO_SLOT_MACHINE, j), EXO_EBUSY);
	exo_yield(c.id);
	sleep_ms(100);
	CHECK_EQ(EXO_INFO->slice_env[i], 0);
	CHECK(empty(s1));
	CHECK_EQ(EXO_INFO->slice_env[j], c.id);
	CHECK(!empty(s2));
	CHECK_EQ(exo_slice_reclaim(EXO_SLOT_MACHINE, i), EXO_ENOENT);
	CHECK_EQ(psh->seen_revoke_slice, (int64_t)i);
	if (handlers) {
		wait_until(&c, &psh->nlog, 2, "the repossession handler");
		check_log(0, EXO_EXC_REVOKE, i, EXO_REVOKE_SLICE);
		CHECK_EQ(psh->log[0].revoke_slice, (int64_t)i);
		check_log(1, EXO_EXC_REPOSSESS, i, EXO_REVOKE_SLICE);
		CHECK_EQ(psh->log[1].revoke_slice, -1);
	}
	/* It still has j, and can be asked for it. */
	CHECK_EQ(exo_slice_reclaim(EXO_SLOT_MACHINE, j), 0);
	exo_yield(c.id);
	sleep_ms(100);
	CHECK_EQ(EXO_INFO->slice_env[j], 0);
	CHECK(empty(s2));
	if (handlers) {
		wait_until(&c, &psh->nlog, 4, "the second repossession");
		check_log(2, EXO_EXC_REVOKE, j, EXO_REVOKE_SLICE);
		check_log(3, EXO_EXC_REPOSSESS, j, EXO_REVOKE_SLICE);
	}
	finish(&c);
	CHECK_EQ(psh->nslices, 0);
	CHECK_EQ(psh->slices, 0);
	CHECK_EQ(psh->nlog, handlers ? 4 : 0);
	printf("t_rv_slice: an owner that ignored the request (%s) lost the "
	       "slice\n", mode);
}

/* A request for pages and one for a slice, made one after the other. */
static void
both(uint64_t s1)
{
	struct child c;
	uint64_t i = free_slice(-1, -1);

	start("coop", &c);
	CHECK_EQ(exo_slice_alloc(s1, i, c.env), (int64_t)i);
	uint64_t f0 = EXO_INFO->free_pages;
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, c.env, 3), 0);
	CHECK_EQ(exo_slice_reclaim(EXO_SLOT_MACHINE, i), 0);
	wait_until(&c, &psh->nlog, 1, "the revocation handler");
	sleep_ms(100);
	/* Whatever it was told, it answered both from its self page. */
	CHECK_EQ(psh->answered_pages, 3);
	CHECK_EQ(EXO_INFO->free_pages, f0 + 3);
	CHECK_EQ(EXO_INFO->slice_env[i], 0);
	CHECK(empty(s1));
	uint64_t n = psh->nlog;
	struct logent l0 = { psh->log[0].cls, psh->log[0].addr, psh->log[0].err,
		0, 0, 0, 0 };
	int pages_first = psh->log[0].err == EXO_REVOKE_PAGES;
	finish(&c);
	/* But it must have been told of each. */
	if (n != 2) {
		printf("t_rv_slice: requests for 3 pages and for slice %lu: the "
		       "revocation handler ran %lu times (addr %lu err %lu), "
		       "want once for each\n", i, n, l0.addr, l0.err);
		exit(1);
	}
	check_log(pages_first ? 0 : 1, EXO_EXC_REVOKE, 3, EXO_REVOKE_PAGES);
	check_log(pages_first ? 1 : 0, EXO_EXC_REVOKE, i, EXO_REVOKE_SLICE);
	printf("t_rv_slice: a page request and a slice request each reached "
	       "the handler\n");
}

int
main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "child") == 0)
		return child(argv[2]);

	int64_t r0 = slot_alloc_range(4);
	CHECK(r0 >= 0);
	uint64_t s1 = (uint64_t)r0, s2 = s1 + 1, s3 = s1 + 2;

	prepare_tables(SH_VA);
	warm_spawn();
	uint64_t before = EXO_INFO->free_pages;
	CHECK_EQ(page_alloc_map(SH_VA, 1, EXO_PERM_W, &shs), 0);

	/* Errors that need nobody. */
	uint64_t k = free_slice(-1, -1);
	CHECK_EQ(exo_slice_reclaim(EXO_SLOT_MACHINE, EXO_NSLICES), EXO_ERANGE);
	CHECK_EQ(exo_slice_reclaim(EXO_SLOT_MACHINE, ~0UL), EXO_ERANGE);
	CHECK_EQ(exo_slice_reclaim(EXO_SLOT_MACHINE, k), EXO_ENOENT);
	CHECK_EQ(exo_slice_reclaim(EXO_SLOT_CONSOLE, k), EXO_ECAP);
	CHECK_EQ(exo_slice_return(k), EXO_EPERM);
	CHECK_EQ(exo_slice_return(EXO_NSLICES), EXO_ERANGE);
	CHECK_EQ(exo_slice_return(~0UL), EXO_ERANGE);
	/* Our own slice, returned without being asked: freed. */
	CHECK_EQ(exo_slice_alloc(s3, k, EXO_SLOT_SELF), (int64_t)k);
	CHECK_EQ(EXO_SELF->revoke_slice, -1);
	CHECK_EQ(exo_slice_return(k), 0);
	CHECK_EQ(EXO_INFO->slice_env[k], 0);
	CHECK(empty(s3));
	CHECK_EQ(exo_slice_return(k), EXO_EPERM);
	CHECK_EQ(EXO_SELF->revoke_slice, -1);

	ignoring("none", s1, s2);
	cooperative(s1, s2);
	ignoring("ignore", s1, s2);
	CHECK_EQ(EXO_INFO->free_pages, before - 1);
	both(s1);

	unmap_free(SH_VA, shs);
	slot_free_range(s1, 4);
	CHECK_EQ(EXO_INFO->free_pages, before);
	printf("t_rv_slice: slices asked back, returned and taken\n");
	return 0;
}
