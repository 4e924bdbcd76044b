/*
 * Host tests for kern/cap.c: capability spaces and the derivation tree.
 *
 * Bugs looked for:
 *  - slot arithmetic: slots 0, EXO_NSLOTS-1 and leaf/table boundaries
 *    aliasing each other; EXO_NSLOTS and larger not rejected (EXO_ERANGE);
 *    a lookup that allocates tables; tables leaked or double-freed (the
 *    hooks count them and ASan's leak checker runs);
 *  - cap_lookup returning the wrong error (EXO_ECAP for empty/wrong type,
 *    EXO_EPERM for missing rights) or accepting a cap without every right;
 *  - cap_empty_slot not reporting EXO_EBUSY / EXO_ENOMEM, or leaving a
 *    half-filled slot behind when a table allocation fails;
 *  - broken parent/child/sibling links after fill, delete, revoke and
 *    cspace_destroy (a full link checker runs after every operation, also
 *    from inside cap_obj_put, where the tree must already be consistent);
 *  - delete not handing children to the parent, so a later revoke of an
 *    ancestor misses them; revoke not crossing cspaces, not going deepest
 *    first, miscounting, or putting references with the wrong "revoked" flag;
 *  - cspace_destroy losing or corrupting children that live in other
 *    cspaces;
 *  - reference counts on objects drifting (cap_obj_get/put imbalance),
 *    checked against a reference model over 20000 random operations.
 */
#include "../../kern/cap.c"

#include "unit.h"

/* ---- The hooks: fake objects, counted tables. ---- */

#define NNAMES 4096

static long refs[NNAMES];    /* references per object name */
static long n_gets, n_puts, n_revoked_puts;
static long hook_bad;        /* hook calls that broke a rule */
static char hook_why[256];   /* the first such rule */
static long tables_live, tables_allocated, tables_freed;
static long alloc_fail_after = -1; /* allocations still allowed; -1: all */

/* The last call of each hook, for the tests that look at arguments. */
static struct cap last_get, last_put;
static int last_put_revoked;

/* The order of puts: names, for checking "deepest first". */
#define PUTLOG 8192
static uint64_t putlog[PUTLOG];
static int putlog_revoked[PUTLOG];
static int nputlog;

/* Every cspace the current test uses, for the link checker. */
static struct cspace *world[8];
static int nworld;
static int check_in_put; /* run the link checker from cap_obj_put */

static int check_world(char *why, size_t n);

/* A slot whose put (recognised by its name) must find it emptied. */
static struct cap *watch;
static uint64_t watch_name;
static uint64_t watch_used;
static int watch_seen;

static void
hook_fail(const char *why)
{
	if (hook_bad++ == 0)
		snprintf(hook_why, sizeof(hook_why), "%s", why);
}

void
cap_obj_get(const struct cap *c)
{
	n_gets++;
	last_get = *c;
	if (c->type == EXO_CAP_NONE)
		hook_fail("cap_obj_get on an empty cap");
	if (c->name >= NNAMES) {
		hook_fail("cap_obj_get: name out of range");
		return;
	}
	refs[c->name]++;
}

void
cap_obj_put(const struct cap *c, int revoked)
{
	n_puts++;
	last_put = *c;
	last_put_revoked = revoked;
	if (revoked)
		n_revoked_puts++;
	if (nputlog < PUTLOG) {
		putlog_revoked[nputlog] = revoked;
		putlog[nputlog++] = c->name;
	}
	if (c->type == EXO_CAP_NONE)
		hook_fail("cap_obj_put on an empty cap");
	if (c->space == NULL)
		hook_fail("cap_obj_put: cap without a space");
	if (c->name >= NNAMES) {
		hook_fail("cap_obj_put: name out of range");
		return;
	}
	if (--refs[c->name] < 0)
		hook_fail("cap_obj_put: reference count below zero");
	if (watch && c->name == watch_name) {
		/* The slot this put is for must already be empty and counted. */
		watch_seen++;
		if (watch->type != EXO_CAP_NONE || watch->parent || watch->child ||
		    watch->next || watch->prev)
			hook_fail("cap_obj_put before its slot was emptied");
		if (watch->space->used != watch_used)
			hook_fail("cap_obj_put before used was decremented");
	}
	if (check_in_put) {
		char why[200];
		if (check_world(why, sizeof(why)) < 0) {
			char msg[256];
			snprintf(msg, sizeof(msg), "inconsistent inside put: %s",
			    why);
			hook_fail(msg);
		}
	}
}

void *
cap_table_alloc(void)
{
	if (alloc_fail_after == 0)
		return NULL;
	if (alloc_fail_after > 0)
		alloc_fail_after--;
	void *t = calloc(1, 4096);
	if (t) {
		tables_live++;
		tables_allocated++;
	}
	return t;
}

void
cap_table_free(void *t)
{
	if (t == NULL)
		hook_fail("cap_table_free(NULL)");
	tables_live--;
	tables_freed++;
	free(t);
}

/* ---- The link checker: walks every allocated table of every cspace. ---- */

struct leaf {
	uintptr_t base;
	struct cspace *cs;
};
static struct leaf leaves[1 << 14];
static int nleaves;

static int
leaf_cmp(const void *a, const void *b)
{
	const struct leaf *x = a, *y = b;
	return x->base < y->base ? -1 : x->base > y->base;
}

/* The space p's slot belongs to, or NULL if p is not a slot. */
static struct cspace *
slot_space(const struct cap *p)
{
	uintptr_t v = (uintptr_t)p;
	int lo = 0, hi = nleaves - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		uintptr_t b = leaves[mid].base;
		if (v < b)
			hi = mid - 1;
		else if (v >= b + CAP_LEAF * sizeof(struct cap))
			lo = mid + 1;
		else
			return (v - b) % sizeof(struct cap) ? NULL : leaves[mid].cs;
	}
	return NULL;
}

#define BAD(...)                                   \
	do {                                       \
		snprintf(why, n, __VA_ARGS__);     \
		return -1;                         \
	} while (0)

/* 0 if every link of every slot in the world is consistent. */
static int
check_world(char *why, size_t n)
{
	long total = 0;

	nleaves = 0;
	for (int w = 0; w < nworld; w++) {
		struct cspace *cs = world[w];
		for (int i = 0; i < 512; i++) {
			if (cs->root[i] == NULL)
				continue;
			for (int j = 0; j < 512; j++) {
				if (cs->root[i][j] == NULL)
					continue;
				if (nleaves == (int)(sizeof(leaves) / sizeof(leaves[0])))
					BAD("too many leaf tables for the checker");
				leaves[nleaves].base = (uintptr_t)cs->root[i][j];
				leaves[nleaves++].cs = cs;
			}
		}
	}
	qsort(leaves, (size_t)nleaves, sizeof(leaves[0]), leaf_cmp);
	for (int w = 0; w < nworld; w++) {
		uint64_t used = 0;
		for (int l = 0; l < nleaves; l++)
			if (leaves[l].cs == world[w])
				for (int k = 0; k < CAP_LEAF; k++)
					used += ((struct cap *)leaves[l].base)[k].type !=
					    EXO_CAP_NONE;
		if (used != world[w]->used)
			BAD("space %d: used %lu but %lu slots are filled", w,
			    (unsigned long)world[w]->used, (unsigned long)used);
		total += (long)used;
	}
	for (int l = 0; l < nleaves; l++) {
		struct cap *t = (struct cap *)leaves[l].base;
		for (int k = 0; k < CAP_LEAF; k++) {
			struct cap *c = &t[k];
			if (c->type == EXO_CAP_NONE) {
				if (c->parent || c->child || c->next || c->prev)
					BAD("empty slot %p still linked", (void *)c);
				continue;
			}
			if (c->space != leaves[l].cs)
				BAD("cap %p: space %p, lives in %p", (void *)c,
				    (void *)c->space, (void *)leaves[l].cs);
			struct cap *ptrs[4] = { c->parent, c->child, c->next,
				c->prev };
			for (int p = 0; p < 4; p++) {
				if (ptrs[p] == NULL)
					continue;
				if (slot_space(ptrs[p]) == NULL)
					BAD("cap %p: link %d to %p, not a slot", (void *)c,
					    p, (void *)ptrs[p]);
				if (ptrs[p]->type == EXO_CAP_NONE)
					BAD("cap %p: link %d to an empty slot", (void *)c, p);
			}
			if (c->parent == NULL && (c->next || c->prev))
				BAD("root cap %p has siblings", (void *)c);
			if (c->prev) {
				if (c->prev->next != c)
					BAD("cap %p: prev->next is not it", (void *)c);
				if (c->prev->parent != c->parent)
					BAD("cap %p: sibling with another parent", (void *)c);
			} else if (c->parent && c->parent->child != c) {
				BAD("cap %p: first sibling but not parent's child",
				    (void *)c);
			}
			if (c->next && c->next->prev != c)
				BAD("cap %p: next->prev is not it", (void *)c);
			if (c->child && (c->child->parent != c || c->child->prev))
				BAD("cap %p: child's parent/prev wrong", (void *)c);
			/* No cycles up the tree, and c is in its parent's list. */
			long up = 0;
			for (struct cap *a = c->parent; a; a = a->parent)
				if (++up > total)
					BAD("cap %p: cycle above it", (void *)c);
			if (c->parent) {
				long steps = 0;
				struct cap *s = c->parent->child;
				while (s && s != c) {
					s = s->next;
					if (++steps > total)
						BAD("cap %p: sibling list loops", (void *)c);
				}
				if (s != c)
					BAD("cap %p: not in its parent's child list",
					    (void *)c);
			}
		}
	}
	return 0;
}

#define CHECK_WORLD()                                                     \
	do {                                                              \
		char why_[200];                                           \
		int r_ = check_world(why_, sizeof(why_));                 \
		CHECKF(r_ == 0, "%s", why_);                              \
	} while (0)

#define CHECK_HOOKS() CHECKF(hook_bad == 0, "%s", hook_why)

/* ---- Helpers. ---- */

static void
reset(void)
{
	memset(refs, 0, sizeof(refs));
	n_gets = n_puts = n_revoked_puts = 0;
	hook_bad = 0;
	hook_why[0] = 0;
	tables_live = tables_allocated = tables_freed = 0;
	alloc_fail_after = -1;
	nputlog = 0;
	nworld = 0;
	check_in_put = 1;
	watch = NULL;
	watch_seen = 0;
}

static void
add_space(struct cspace *cs)
{
	cspace_init(cs, cs);
	world[nworld++] = cs;
}

/* Fills slot s of cs under parent; NULL (and a failed check) on error. */
#define FILL(cs, s, parent, type, rights, name) \
	fill_at(__LINE__, cs, s, parent, type, rights, name)

static struct cap *
fill_at(int line, struct cspace *cs, exo_slot_t s, struct cap *parent, int type,
    uint32_t rights, uint64_t name)
{
	struct cap *c = NULL;
	int r = cap_empty_slot(cs, s, &c);

	if (!unit_count(r == 0 && c != NULL)) {
		unit_failf(__FILE__, line, "cap_empty_slot(slot %lu) = %d",
		    (unsigned long)s, r);
		return NULL;
	}
	cap_fill(c, parent, type, rights, name);
	return c;
}

/* The children of c, in list order; returns how many. */
static int
children(struct cap *c, struct cap **out, int max)
{
	int n = 0;

	for (struct cap *ch = c->child; ch && n < max; ch = ch->next)
		out[n++] = ch;
	return n;
}

static int
has_child(struct cap *p, struct cap *c)
{
	for (struct cap *ch = p->child; ch; ch = ch->next)
		if (ch == c)
			return 1;
	return 0;
}

/* Destroys every space, then checks nothing is left: tables, references. */
static void
teardown(void)
{
	for (int w = 0; w < nworld; w++)
		cspace_destroy(world[w]);
	CHECK_EQ(tables_live, 0);
	CHECK_EQ(tables_freed, tables_allocated);
	for (int w = 0; w < nworld; w++)
		CHECK_EQ(world[w]->used, 0);
	long left = 0;
	for (int i = 0; i < NNAMES; i++)
		left += refs[i] != 0;
	CHECKF(left == 0, "%ld objects still referenced", left);
	CHECK_EQ(n_gets, n_puts);
	CHECK_HOOKS();
}

static int
slot_empty(struct cspace *cs, exo_slot_t s)
{
	struct cap *c;
	return cap_lookup(cs, s, EXO_CAP_NONE, 0, &c) == EXO_ECAP;
}

/* ---- Directed tests. ---- */

TEST(cap_empty_space)
{
	static struct cspace a;
	struct cap *c = (struct cap *)&c;

	reset();
	add_space(&a);
	CHECK_EQ(a.used, 0);
	CHECK_EQ(cap_lookup(&a, 0, EXO_CAP_NONE, 0, &c), EXO_ECAP);
	CHECK_EQ(cap_lookup(&a, 12345, EXO_CAP_PAGE, 0, &c), EXO_ECAP);
	CHECK_EQ(cap_lookup(&a, EXO_NSLOTS - 1, EXO_CAP_NONE, 0, &c), EXO_ECAP);
	CHECK(c == (struct cap *)&c); /* not written on error */
	CHECK_EQ(tables_allocated, 0); /* lookups allocate nothing */
	cspace_destroy(&a); /* destroying an empty space is fine */
	CHECK_EQ(tables_freed, 0);
	teardown();
}

TEST(cap_fill_lookup)
{
	static struct cspace a;
	struct cap *c, *out;

	reset();
	add_space(&a);
	c = FILL(&a, 5, NULL, EXO_CAP_PAGE, EXO_R_READ | EXO_R_WRITE, 77);
	REQUIRE(c);
	CHECK_EQ(a.used, 1);
	CHECK_EQ(refs[77], 1);
	CHECK_EQ(n_gets, 1);
	/* cap_obj_get saw the filled cap. */
	CHECK_EQ(last_get.type, EXO_CAP_PAGE);
	CHECK_EQ(last_get.name, 77);
	CHECK(last_get.space == &a);
	CHECK_EQ(c->type, EXO_CAP_PAGE);
	CHECK_EQ(c->rights, EXO_R_READ | EXO_R_WRITE);
	CHECK_EQ(c->name, 77);
	CHECK(c->parent == NULL && c->child == NULL && c->next == NULL &&
	    c->prev == NULL);
	CHECK(c->space == &a);
	CHECK_EQ(tables_allocated, 2); /* one root-level table, one leaf */

	out = NULL;
	CHECK_EQ(cap_lookup(&a, 5, EXO_CAP_PAGE, EXO_R_READ, &out), 0);
	CHECK(out == c);
	out = NULL;
	CHECK_EQ(cap_lookup(&a, 5, EXO_CAP_NONE, 0, &out), 0); /* any type */
	CHECK(out == c);
	CHECK_EQ(cap_lookup(&a, 5, EXO_CAP_PAGE, EXO_R_READ | EXO_R_WRITE, &out), 0);
	CHECK_EQ(cap_lookup(&a, 5, EXO_CAP_ENV, 0, &out), EXO_ECAP);
	CHECK_EQ(cap_lookup(&a, 5, EXO_CAP_MACHINE, 0, &out), EXO_ECAP);
	/* Wrong type beats missing rights. */
	CHECK_EQ(cap_lookup(&a, 5, EXO_CAP_ENV, EXO_R_EXEC, &out), EXO_ECAP);
	CHECK_EQ(cap_lookup(&a, 5, EXO_CAP_PAGE, EXO_R_EXEC, &out), EXO_EPERM);
	CHECK_EQ(cap_lookup(&a, 5, EXO_CAP_PAGE, EXO_R_READ | EXO_R_EXEC, &out),
	    EXO_EPERM);
	/* Neighbours in the same leaf table are still empty. */
	CHECK_EQ(cap_lookup(&a, 4, EXO_CAP_NONE, 0, &out), EXO_ECAP);
	CHECK_EQ(cap_lookup(&a, 6, EXO_CAP_NONE, 0, &out), EXO_ECAP);
	/* A filled slot is busy. */
	out = NULL;
	CHECK_EQ(cap_empty_slot(&a, 5, &out), EXO_EBUSY);
	CHECK_EQ(a.used, 1);
	CHECK_EQ(refs[77], 1);
	/* An empty slot's struct is handed out again by cap_empty_slot. */
	CHECK_EQ(cap_empty_slot(&a, 6, &out), 0);
	CHECK(out == c + 1);
	CHECK_EQ(a.used, 1); /* not filled until cap_fill */
	CHECK_WORLD();
	teardown();
}

TEST(cap_rights_every_combination)
{
	static struct cspace a;
	struct cap *c;
	int bad = 0;

	reset();
	add_space(&a);
	for (uint32_t have = 0; have <= EXO_R_ALL; have++)
		FILL(&a, 100 + have, NULL, EXO_CAP_CONSOLE, have, 1);
	for (uint32_t have = 0; have <= EXO_R_ALL; have++) {
		for (uint32_t want = 0; want <= EXO_R_ALL; want++) {
			int r = cap_lookup(&a, 100 + have, EXO_CAP_CONSOLE, want, &c);
			int expect = (want & ~have) ? EXO_EPERM : 0;
			if (r != expect && bad++ == 0)
				CHECKF(0, "have %#x want %#x: %d, expected %d", have,
				    want, r, expect);
		}
		/* A right the ABI does not define is never held. */
		CHECK_EQ(cap_lookup(&a, 100 + have, EXO_CAP_CONSOLE, 0x10000, &c),
		    EXO_EPERM);
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(refs[1], EXO_R_ALL + 1);
	teardown();
}

TEST(cap_slot_bounds)
{
	static struct cspace a;
	struct cap *c = NULL, *lo, *hi, *out;

	reset();
	add_space(&a);
	lo = FILL(&a, 0, NULL, EXO_CAP_PAGE, EXO_R_READ, 10);
	hi = FILL(&a, EXO_NSLOTS - 1, NULL, EXO_CAP_ENV, EXO_R_CTRL, 11);
	REQUIRE(lo && hi);
	CHECK(lo != hi);
	CHECK_EQ(tables_allocated, 4);
	CHECK_EQ(cap_lookup(&a, 0, EXO_CAP_PAGE, EXO_R_READ, &out), 0);
	CHECK(out == lo);
	CHECK_EQ(cap_lookup(&a, EXO_NSLOTS - 1, EXO_CAP_ENV, EXO_R_CTRL, &out), 0);
	CHECK(out == hi);
	CHECK_EQ(out->name, 11);
	/* Past the end: EXO_ERANGE, for lookups and fills alike. */
	exo_slot_t past[] = { EXO_NSLOTS, EXO_NSLOTS + 1, EXO_NSLOTS + 64,
		EXO_NSLOTS << 1, 1UL << 32, 1UL << 63, ~0UL, ~0UL - 63 };
	for (unsigned i = 0; i < sizeof(past) / sizeof(past[0]); i++) {
		CHECKF(cap_lookup(&a, past[i], EXO_CAP_NONE, 0, &out) == EXO_ERANGE,
		    "lookup slot %#lx", (unsigned long)past[i]);
		CHECKF(cap_empty_slot(&a, past[i], &c) == EXO_ERANGE,
		    "empty_slot %#lx", (unsigned long)past[i]);
	}
	CHECK_EQ(tables_allocated, 4);
	CHECK_EQ(a.used, 2);
	/*
	 * Slots either side of every table boundary are distinct caps, and
	 * filling one leaves the others empty.
	 */
	exo_slot_t edge[] = { 63, 64, 127, 128, 32767, 32768, 32769, 65535,
		65536, EXO_NSLOTS - 64, EXO_NSLOTS - 65, EXO_NSLOTS - 32768,
		EXO_NSLOTS - 32769, 1UL << 23, (1UL << 23) - 1 };
	int nedge = sizeof(edge) / sizeof(edge[0]);
	struct cap *got[sizeof(edge) / sizeof(edge[0])];
	for (int i = 0; i < nedge; i++) {
		got[i] = FILL(&a, edge[i], NULL, EXO_CAP_PAGE, EXO_R_READ,
		    100 + i);
		for (int j = i + 1; j < nedge; j++)
			CHECKF(slot_empty(&a, edge[j]), "slot %lu filled early",
			    (unsigned long)edge[j]);
	}
	for (int i = 0; i < nedge; i++) {
		CHECK_EQ(cap_lookup(&a, edge[i], EXO_CAP_PAGE, 0, &out), 0);
		CHECK(out == got[i]);
		CHECK_EQ(out->name, 100 + i);
		for (int j = 0; j < i; j++)
			CHECK(got[i] != got[j]);
	}
	CHECK_EQ(a.used, 2 + nedge);
	CHECK_WORLD();
	teardown();
}

TEST(cap_enomem)
{
	static struct cspace a;
	struct cap *c = (struct cap *)&c, *out;

	reset();
	add_space(&a);
	/* The root-level table cannot be allocated. */
	alloc_fail_after = 0;
	CHECK_EQ(cap_empty_slot(&a, 70000, &c), EXO_ENOMEM);
	CHECK(c == (struct cap *)&c);
	CHECK_EQ(tables_live, 0);
	/* The leaf cannot: the root-level one stays, nothing is filled. */
	alloc_fail_after = 1;
	CHECK_EQ(cap_empty_slot(&a, 70000, &c), EXO_ENOMEM);
	CHECK(c == (struct cap *)&c);
	CHECK_EQ(tables_live, 1);
	CHECK_EQ(a.used, 0);
	CHECK_EQ(cap_lookup(&a, 70000, EXO_CAP_NONE, 0, &out), EXO_ECAP);
	/* With memory again, the slot fills. */
	alloc_fail_after = -1;
	CHECK(FILL(&a, 70000, NULL, EXO_CAP_PAGE, EXO_R_READ, 3) != NULL);
	CHECK_EQ(tables_live, 2);
	/* A slot whose tables exist needs no memory. */
	alloc_fail_after = 0;
	CHECK(FILL(&a, 70001, NULL, EXO_CAP_PAGE, EXO_R_READ, 3) != NULL);
	/* A new leaf under an existing root-level table does. */
	CHECK_EQ(cap_empty_slot(&a, 70000 + 64, &c), EXO_ENOMEM);
	CHECK_EQ(cap_empty_slot(&a, 70001, &c), EXO_EBUSY);
	/* Out of range stays out of range even without memory. */
	CHECK_EQ(cap_empty_slot(&a, EXO_NSLOTS, &c), EXO_ERANGE);
	alloc_fail_after = -1;
	CHECK_EQ(refs[3], 2);
	CHECK_EQ(a.used, 2);
	CHECK_WORLD();
	teardown();
}

/*
 * A derivation chain through three cspaces, with a sibling:
 *   A:1 (root) -> B:10 -> C:20 -> A:2
 *              -> C:21
 */
TEST(cap_derivation_across_spaces)
{
	static struct cspace a, b, c;
	struct cap *r, *b10, *c20, *a2, *c21, *out;

	reset();
	add_space(&a);
	add_space(&b);
	add_space(&c);
	r = FILL(&a, 1, NULL, EXO_CAP_PAGE, EXO_R_ALL, 9);
	REQUIRE(r);
	b10 = FILL(&b, 10, r, EXO_CAP_PAGE, EXO_R_READ | EXO_R_GRANT, 9);
	REQUIRE(b10);
	c20 = FILL(&c, 20, b10, EXO_CAP_PAGE, EXO_R_READ, 9);
	REQUIRE(c20);
	a2 = FILL(&a, 2, c20, EXO_CAP_PAGE, EXO_R_READ, 9);
	c21 = FILL(&c, 21, r, EXO_CAP_PAGE, EXO_R_WRITE, 9);
	REQUIRE(a2 && c21);
	CHECK_EQ(refs[9], 5);
	CHECK(b10->parent == r && c20->parent == b10 && a2->parent == c20 &&
	    c21->parent == r);
	CHECK(has_child(r, b10) && has_child(r, c21) && has_child(b10, c20) &&
	    has_child(c20, a2));
	CHECK(b10->space == &b && c20->space == &c && a2->space == &a);
	CHECK_EQ(a.used, 2);
	CHECK_EQ(b.used, 1);
	CHECK_EQ(c.used, 2);
	CHECK_WORLD();

	/* Revoking B:10 takes C:20 and A:2, deepest first, and nothing else. */
	nputlog = 0;
	CHECK_EQ(cap_revoke(b10), 2);
	CHECK_EQ(nputlog, 2);
	CHECK(slot_empty(&c, 20) && slot_empty(&a, 2));
	CHECK_EQ(cap_lookup(&b, 10, EXO_CAP_PAGE, EXO_R_READ, &out), 0);
	CHECK_EQ(cap_lookup(&c, 21, EXO_CAP_PAGE, EXO_R_WRITE, &out), 0);
	CHECK(b10->child == NULL);
	CHECK_EQ(refs[9], 3);
	CHECK_EQ(n_revoked_puts, 2);
	CHECK(last_put_revoked == 1);
	CHECK_EQ(a.used, 1);
	CHECK_EQ(c.used, 1);
	CHECK_WORLD();

	/* Revoking the root takes the rest, in every space. */
	CHECK_EQ(cap_revoke(r), 2);
	CHECK(slot_empty(&b, 10) && slot_empty(&c, 21));
	CHECK(r->child == NULL);
	CHECK_EQ(refs[9], 1);
	CHECK_EQ(n_revoked_puts, 4);
	CHECK_EQ(a.used, 1);
	CHECK_EQ(b.used, 0);
	CHECK_EQ(c.used, 0);
	CHECK_EQ(cap_lookup(&a, 1, EXO_CAP_PAGE, EXO_R_ALL, &out), 0);
	CHECK_WORLD();
	teardown();
}

/* Deleting the middle of root -> mid -> leaf; revoking root still gets leaf. */
TEST(cap_delete_middle_then_revoke)
{
	static struct cspace a, b, c;
	struct cap *r, *mid, *leaf, *out;

	reset();
	add_space(&a);
	add_space(&b);
	add_space(&c);
	r = FILL(&a, 0, NULL, EXO_CAP_ENV, EXO_R_ALL, 1);
	REQUIRE(r);
	mid = FILL(&b, 7, r, EXO_CAP_ENV, EXO_R_ALL, 1);
	REQUIRE(mid);
	leaf = FILL(&c, 9, mid, EXO_CAP_ENV, EXO_R_CTRL, 1);
	REQUIRE(leaf);

	cap_delete(mid);
	CHECK(slot_empty(&b, 7));
	CHECK_EQ(n_puts, 1);
	CHECK_EQ(last_put_revoked, 0);
	CHECK_EQ(n_revoked_puts, 0);
	CHECK_EQ(last_put.name, 1);
	CHECK(last_put.space == &b);
	CHECK(leaf->parent == r);
	CHECK(r->child == leaf && leaf->next == NULL && leaf->prev == NULL);
	CHECK_EQ(refs[1], 2);
	CHECK_EQ(b.used, 0);
	CHECK_WORLD();

	CHECK_EQ(cap_revoke(r), 1);
	CHECK(slot_empty(&c, 9));
	CHECK_EQ(n_revoked_puts, 1);
	CHECK_EQ(refs[1], 1);
	CHECK_EQ(cap_lookup(&a, 0, EXO_CAP_ENV, EXO_R_ALL, &out), 0);
	CHECK(r->child == NULL);
	CHECK_WORLD();
	teardown();
}

/* Deleting a node with several children keeps the parent's other children. */
TEST(cap_delete_reparents_all_children)
{
	static struct cspace a, b;
	struct cap *r, *x, *y, *kid[5], *list[16], *out;

	reset();
	add_space(&a);
	add_space(&b);
	r = FILL(&a, 0, NULL, EXO_CAP_SLICE, EXO_R_ALL, 3);
	REQUIRE(r);
	x = FILL(&a, 1, r, EXO_CAP_SLICE, EXO_R_ALL, 3);
	y = FILL(&b, 2, r, EXO_CAP_SLICE, EXO_R_ALL, 3);
	REQUIRE(x && y);
	for (int i = 0; i < 5; i++) {
		kid[i] = FILL(i & 1 ? &a : &b, 100 + i, x, EXO_CAP_SLICE,
		    EXO_R_CTRL, 3);
		REQUIRE(kid[i]);
	}
	struct cap *gk = FILL(&b, 200, kid[2], EXO_CAP_SLICE, EXO_R_CTRL, 3);
	REQUIRE(gk);
	CHECK_EQ(children(x, list, 16), 5);
	CHECK_EQ(children(r, list, 16), 2);

	cap_delete(x);
	CHECK(slot_empty(&a, 1));
	CHECK_EQ(children(r, list, 16), 6);
	for (int i = 0; i < 5; i++)
		CHECK(kid[i]->parent == r && has_child(r, kid[i]));
	CHECK(has_child(r, y));
	CHECK(gk->parent == kid[2]); /* grandchildren stay where they were */
	CHECK_EQ(refs[3], 8);
	CHECK_WORLD();

	/* Deleting a root makes its children roots, unlinked from each other. */
	cap_delete(r);
	CHECK(slot_empty(&a, 0));
	CHECK(y->parent == NULL && y->next == NULL && y->prev == NULL);
	for (int i = 0; i < 5; i++)
		CHECK(kid[i]->parent == NULL && kid[i]->next == NULL &&
		    kid[i]->prev == NULL);
	CHECK(kid[2]->child == gk);
	CHECK_EQ(refs[3], 7);
	CHECK_EQ(n_revoked_puts, 0);
	CHECK_WORLD();

	/* A deleted slot can be filled again and is a fresh cap. */
	struct cap *again = FILL(&a, 1, y, EXO_CAP_PAGE, EXO_R_READ, 4);
	REQUIRE(again);
	CHECK(again == x);
	CHECK(again->child == NULL && again->parent == y);
	CHECK_EQ(cap_lookup(&a, 1, EXO_CAP_PAGE, EXO_R_READ, &out), 0);
	CHECK_WORLD();
	teardown();
}

/* cap_obj_put may destroy things: the slot must be empty when it runs. */
TEST(cap_put_after_slot_emptied)
{
	static struct cspace a, b;
	struct cap *r, *mid, *leaf;

	reset();
	add_space(&a);
	add_space(&b);
	r = FILL(&a, 0, NULL, EXO_CAP_PAGE, EXO_R_ALL, 1);
	REQUIRE(r);
	mid = FILL(&b, 1, r, EXO_CAP_PAGE, EXO_R_ALL, 2);
	REQUIRE(mid);
	leaf = FILL(&b, 2, mid, EXO_CAP_PAGE, EXO_R_ALL, 3);
	REQUIRE(leaf);
	/* Delete. */
	watch = mid;
	watch_name = 2;
	watch_used = 1;
	cap_delete(mid);
	CHECK_EQ(watch_seen, 1);
	/* Revoke. */
	watch = leaf;
	watch_name = 3;
	watch_used = 0;
	CHECK_EQ(cap_revoke(r), 1);
	CHECK_EQ(watch_seen, 2);
	/* cspace_destroy. */
	watch = r;
	watch_name = 1;
	watch_used = 0;
	cspace_destroy(&a);
	CHECK_EQ(watch_seen, 3);
	watch = NULL;
	CHECK_HOOKS();
	teardown();
}

TEST(cap_revoke_leaf_and_childless)
{
	static struct cspace a;
	struct cap *r, *l, *out;

	reset();
	add_space(&a);
	r = FILL(&a, 3, NULL, EXO_CAP_PAGE, EXO_R_ALL, 5);
	REQUIRE(r);
	CHECK_EQ(cap_revoke(r), 0); /* a root without children */
	l = FILL(&a, 4, r, EXO_CAP_PAGE, EXO_R_READ, 5);
	REQUIRE(l);
	CHECK_EQ(cap_revoke(l), 0); /* a leaf */
	CHECK_EQ(n_puts, 0);
	CHECK_EQ(refs[5], 2);
	CHECK_EQ(cap_lookup(&a, 4, EXO_CAP_PAGE, EXO_R_READ, &out), 0);
	CHECK(out == l && l->parent == r && r->child == l);
	CHECK_WORLD();
	teardown();
}

/*
 * Revoke of a bushy tree counts every descendant and removes each only
 * after all of its own descendants.  Names encode the node, parent[] the
 * shape.
 */
TEST(cap_revoke_count_and_order)
{
	static struct cspace sp[3];
	enum { N = 200 };
	struct cap *node[N];
	int parent[N], pos[N];

	reset();
	for (int i = 0; i < 3; i++)
		add_space(&sp[i]);
	struct unit_rng rng = { 0x9e3779b97f4a7c15ULL };
	node[0] = FILL(&sp[0], 0, NULL, EXO_CAP_PAGE, EXO_R_ALL, 0);
	REQUIRE(node[0]);
	parent[0] = -1;
	for (int i = 1; i < N; i++) {
		/* Mostly recent nodes as parents: deep and bushy. */
		int p = i < 4 ? 0 : (int)(i - 1 - unit_below(&rng, i < 8 ? i : 8));
		parent[i] = p;
		node[i] = FILL(&sp[i % 3], 1000 + (exo_slot_t)i * 97, node[p],
		    EXO_CAP_PAGE, EXO_R_READ, (uint64_t)i);
		REQUIRE(node[i]);
	}
	CHECK_WORLD();
	/*
	 * Revoke a middle node first (the child of the root with the biggest
	 * subtree): exactly its subtree goes.
	 */
	int mid = -1, sub = 0, depth = 0;
	for (int m = 1; m < N; m++) {
		if (parent[m] != 0)
			continue;
		int size = 0, deep = 0;
		for (int i = 0; i < N; i++) {
			int d = 0;
			for (int a = i; a >= 0; a = parent[a], d++)
				if (a == m && i != m) {
					size++;
					deep = d > deep ? d : deep;
					break;
				}
		}
		if (size > sub) {
			mid = m;
			sub = size;
			depth = deep;
		}
	}
	REQUIRE(mid > 0);
	CHECKF(sub >= 50 && depth >= 10, "subtree %d deep %d", sub, depth);
	nputlog = 0;
	CHECK_EQ(cap_revoke(node[mid]), sub);
	CHECK_EQ(nputlog, sub);
	for (int i = 0; i < N; i++) {
		int in = 0;
		for (int a = parent[i]; a >= 0; a = parent[a])
			if (a == mid)
				in = 1;
		CHECKF(slot_empty(&sp[i % 3], 1000 + (exo_slot_t)i * 97) == in ||
		    i == 0, "node %d", i);
		CHECK_EQ(refs[i], !in);
	}
	for (int i = 0; i < N; i++)
		pos[i] = -1;
	for (int k = 0; k < nputlog; k++)
		pos[putlog[k]] = k;
	for (int k = 0; k < nputlog; k++) {
		CHECK_EQ(putlog_revoked[k], 1);
		for (int a = parent[putlog[k]]; a != mid && a >= 0; a = parent[a])
			CHECKF(pos[a] > k, "node %d revoked before its descendant %d",
			    a, (int)putlog[k]);
	}
	CHECK_WORLD();
	/* The rest from the root. */
	int left = N - 1 - sub;
	CHECK_EQ(cap_revoke(node[0]), left);
	CHECK_EQ(n_revoked_puts, N - 1);
	CHECK_EQ(sp[0].used + sp[1].used + sp[2].used, 1);
	CHECK(node[0]->child == NULL);
	CHECK_EQ(refs[0], 1);
	CHECK_WORLD();
	teardown();
}

/* A long chain and a wide fan: no recursion, the counts hold. */
TEST(cap_revoke_long_chain_and_wide_fan)
{
	static struct cspace a, b;
	enum { N = 3000 };
	struct cap *r, *prev, *out;

	reset();
	add_space(&a);
	add_space(&b);
	check_in_put = 0; /* the checker is quadratic here */
	r = FILL(&a, 0, NULL, EXO_CAP_PAGE, EXO_R_ALL, 1);
	REQUIRE(r);
	prev = r;
	for (int i = 1; i <= N; i++) {
		prev = FILL(i & 1 ? &b : &a, (exo_slot_t)i, prev, EXO_CAP_PAGE,
		    EXO_R_ALL, 1);
		REQUIRE(prev);
	}
	CHECK_EQ(refs[1], N + 1);
	CHECK_EQ(cap_revoke(r), N);
	CHECK_EQ(refs[1], 1);
	for (int i = 1; i <= N; i++)
		FILL(&b, (exo_slot_t)(1 << 20) + (exo_slot_t)i * 3, r,
		    EXO_CAP_PAGE, EXO_R_READ, 2);
	CHECK_EQ(refs[2], N);
	/* Deleting the root of the fan makes N roots. */
	cap_delete(r);
	CHECK_EQ(refs[1], 0);
	CHECK_EQ(cap_lookup(&b, (1 << 20) + 3, EXO_CAP_PAGE, 0, &out), 0);
	CHECK(out->parent == NULL);
	CHECK_EQ(b.used, N);
	CHECK_WORLD();
	teardown();
}

/*
 * cspace_destroy: everything in the space goes, every table is freed, and
 * the children living elsewhere survive under their nearest surviving
 * ancestor (or as roots).
 *   A:10 (root) -> A:3 -> B:1 -> C:2
 *               -> B:6
 *   B:9 (root) -> A:40000 -> C:5
 *   C:7 (root) -> A:8
 */
TEST(cap_cspace_destroy_children_elsewhere)
{
	static struct cspace a, b, c;
	struct cap *a10, *a3, *b1, *c2, *b6, *b9, *a4, *c5, *c7, *a8, *out;

	reset();
	add_space(&a);
	add_space(&b);
	add_space(&c);
	a10 = FILL(&a, 10, NULL, EXO_CAP_PAGE, EXO_R_ALL, 1);
	REQUIRE(a10);
	a3 = FILL(&a, 3, a10, EXO_CAP_PAGE, EXO_R_ALL, 1);
	REQUIRE(a3);
	b1 = FILL(&b, 1, a3, EXO_CAP_PAGE, EXO_R_READ, 1);
	REQUIRE(b1);
	c2 = FILL(&c, 2, b1, EXO_CAP_PAGE, EXO_R_READ, 1);
	b6 = FILL(&b, 6, a10, EXO_CAP_PAGE, EXO_R_READ, 1);
	b9 = FILL(&b, 9, NULL, EXO_CAP_ENV, EXO_R_ALL, 2);
	REQUIRE(c2 && b6 && b9);
	a4 = FILL(&a, 40000, b9, EXO_CAP_ENV, EXO_R_ALL, 2);
	REQUIRE(a4);
	c5 = FILL(&c, 5, a4, EXO_CAP_ENV, EXO_R_CTRL, 2);
	c7 = FILL(&c, 7, NULL, EXO_CAP_SLICE, EXO_R_ALL, 3);
	REQUIRE(c5 && c7);
	a8 = FILL(&a, 8, c7, EXO_CAP_SLICE, EXO_R_CTRL, 3);
	REQUIRE(a8);
	CHECK_EQ(a.used, 4);
	CHECK_WORLD();
	long before = tables_live;

	n_puts = 0;
	cspace_destroy(&a);
	CHECK_EQ(n_puts, 4);
	CHECK_EQ(n_revoked_puts, 0);
	CHECK_EQ(a.used, 0);
	for (int i = 0; i < 512; i++)
		CHECKF(a.root[i] == NULL, "root[%d] left", i);
	CHECK_EQ(tables_live, before - 4); /* A had tables for slot 0.., 40000 */
	CHECK(slot_empty(&a, 10) && slot_empty(&a, 3) && slot_empty(&a, 40000));
	/* Survivors in B and C, re-parented. */
	CHECK_EQ(cap_lookup(&b, 1, EXO_CAP_PAGE, EXO_R_READ, &out), 0);
	CHECK(b1->parent == NULL && b1->child == c2 && c2->parent == b1);
	CHECK(b6->parent == NULL && b6->next == NULL && b6->prev == NULL);
	CHECK(c5->parent == b9 && b9->child == c5 && c5->next == NULL);
	CHECK(c7->child == NULL);
	CHECK_EQ(refs[1], 3);
	CHECK_EQ(refs[2], 2);
	CHECK_EQ(refs[3], 1);
	CHECK_EQ(b.used, 3);
	CHECK_EQ(c.used, 3);
	CHECK_WORLD();

	/* The survivors still revoke properly from their new parents. */
	CHECK_EQ(cap_revoke(b9), 1);
	CHECK(slot_empty(&c, 5));
	CHECK_EQ(cap_revoke(b1), 1);
	CHECK(slot_empty(&c, 2));

	/* A destroyed space can be filled again. */
	CHECK(FILL(&a, 10, b6, EXO_CAP_PAGE, EXO_R_READ, 1) != NULL);
	CHECK(b6->child != NULL);
	CHECK_EQ(a.used, 1);
	CHECK_WORLD();
	teardown();
}

/* Children inside the same space at lower and higher slots than parents. */
TEST(cap_cspace_destroy_internal_order)
{
	static struct cspace a, b;

	reset();
	add_space(&a);
	add_space(&b);
	struct cap *top = FILL(&b, 0, NULL, EXO_CAP_PAGE, EXO_R_ALL, 1);
	REQUIRE(top);
	/* A chain in A going down in slot order, ending in B, and one up. */
	struct cap *p = top;
	for (int i = 0; i < 10; i++) {
		p = FILL(&a, (exo_slot_t)(EXO_NSLOTS - 1 - (unsigned)i * 5000), p,
		    EXO_CAP_PAGE, EXO_R_ALL, 1);
		REQUIRE(p);
	}
	struct cap *end = FILL(&b, 1, p, EXO_CAP_PAGE, EXO_R_READ, 1);
	REQUIRE(end);
	for (int i = 0; i < 10; i++) {
		p = FILL(&a, (exo_slot_t)i * 70, p, EXO_CAP_PAGE, EXO_R_ALL, 1);
		REQUIRE(p);
	}
	struct cap *end2 = FILL(&b, 2, p, EXO_CAP_PAGE, EXO_R_READ, 1);
	REQUIRE(end2);
	CHECK_EQ(refs[1], 23);
	cspace_destroy(&a);
	CHECK_EQ(a.used, 0);
	CHECK(end->parent == top && end2->parent == top);
	CHECK_EQ(refs[1], 3);
	CHECK_EQ(cap_revoke(top), 2);
	CHECK_WORLD();
	teardown();
}

/* ---- Randomized differential test against a reference model. ---- */

#define NSP 4
#define NS 300
#define NG (NSP * NS)
#define NREFS 64

struct mslot {
	int filled, type, rights, parent; /* parent: global index or -1 */
	uint64_t name;
};

static struct mslot model[NG];
static long mrefs[NREFS];
static long mrevoked, mtables;
static unsigned char mroot[NSP][512];
static unsigned char mleaf[NSP][512 * 512];

/* Slots in three regions: the first tables, the middle, the very end. */
static exo_slot_t
slotnum(int s)
{
	if (s < 220)
		return (exo_slot_t)s;
	if (s < 260)
		return 3 * 32768 + (exo_slot_t)(s - 220) * 70;
	return EXO_NSLOTS - 1 - (exo_slot_t)(s - 260) * 997;
}

static int mchild_head[NG], mchild_next[NG];

static void
model_children(void)
{
	for (int g = 0; g < NG; g++)
		mchild_head[g] = -1;
	for (int g = NG - 1; g >= 0; g--)
		if (model[g].filled && model[g].parent >= 0) {
			mchild_next[g] = mchild_head[model[g].parent];
			mchild_head[model[g].parent] = g;
		}
}

static void
model_remove(int g)
{
	for (int h = 0; h < NG; h++)
		if (model[h].filled && model[h].parent == g)
			model[h].parent = model[g].parent;
	mrefs[model[g].name]--;
	model[g].filled = 0;
}

/* Random filled slot, or -1. */
static int
pick_filled(struct unit_rng *rng)
{
	int start = (int)unit_below(rng, NG);
	for (int k = 0; k < NG; k++) {
		int g = (start + k) % NG;
		if (model[g].filled)
			return g;
	}
	return -1;
}

static struct cap *ptr[NG];

/* Compares everything with the model; returns 0 or writes why. */
static int
compare_model(struct cspace *sp, char *why, size_t n)
{
	long used[NSP] = { 0 };
	long nfilled = 0;

	for (int g = 0; g < NG; g++) {
		struct cspace *cs = &sp[g / NS];
		exo_slot_t s = slotnum(g % NS);
		struct cap *c = NULL;
		int r = cap_lookup(cs, s, EXO_CAP_NONE, 0, &c);
		uint64_t i = s >> 15, j = s >> 6 & 511;

		if ((cs->root[i] != NULL) != mroot[g / NS][i])
			BAD("slot %d/%lu: root table presence differs", g / NS,
			    (unsigned long)s);
		if (cs->root[i] &&
		    (cs->root[i][j] != NULL) != mleaf[g / NS][i * 512 + j])
			BAD("slot %d/%lu: leaf table presence differs", g / NS,
			    (unsigned long)s);
		ptr[g] = NULL;
		if (!model[g].filled) {
			if (r != EXO_ECAP)
				BAD("slot %d/%lu: lookup %d, should be empty", g / NS,
				    (unsigned long)s, r);
			if (cs->root[i] && cs->root[i][j]) {
				c = &cs->root[i][j][s & 63];
				if (c->parent || c->child || c->next || c->prev)
					BAD("empty slot %d/%lu still linked", g / NS,
					    (unsigned long)s);
			}
			continue;
		}
		if (r != 0)
			BAD("slot %d/%lu: lookup %d, should be filled", g / NS,
			    (unsigned long)s, r);
		if (c->type != model[g].type || c->rights != model[g].rights ||
		    c->name != model[g].name || c->space != cs)
			BAD("slot %d/%lu: contents differ", g / NS, (unsigned long)s);
		ptr[g] = c;
		used[g / NS]++;
		nfilled++;
	}
	for (int w = 0; w < NSP; w++)
		if ((long)sp[w].used != used[w])
			BAD("space %d: used %lu, model %ld", w,
			    (unsigned long)sp[w].used, used[w]);
	model_children();
	for (int g = 0; g < NG; g++) {
		if (!model[g].filled)
			continue;
		struct cap *c = ptr[g];
		int p = model[g].parent;
		if (c->parent != (p < 0 ? NULL : ptr[p]))
			BAD("slot %d/%lu: wrong parent", g / NS,
			    (unsigned long)slotnum(g % NS));
		if (p < 0 && (c->next || c->prev))
			BAD("root %d has siblings", g);
		if (c->next && c->next->prev != c)
			BAD("slot %d: next->prev", g);
		if (c->prev && c->prev->next != c)
			BAD("slot %d: prev->next", g);
		if (p >= 0 && c->prev == NULL && ptr[p]->child != c)
			BAD("slot %d: first child not linked from parent", g);
		/* The child list holds exactly the model's children. */
		long want = 0, have = 0;
		for (int h = mchild_head[g]; h >= 0; h = mchild_next[h])
			want++;
		for (struct cap *ch = c->child; ch; ch = ch->next) {
			if (++have > nfilled)
				BAD("slot %d: child list loops", g);
			if (ch->parent != c)
				BAD("slot %d: a child points elsewhere", g);
		}
		if (have != want)
			BAD("slot %d: %ld children, model %ld", g, have, want);
	}
	for (int k = 0; k < NREFS; k++)
		if (refs[k] != mrefs[k])
			BAD("object %d: %ld refs, model %ld", k, refs[k], mrefs[k]);
	if (n_revoked_puts != mrevoked)
		BAD("%ld revoked puts, model %ld", n_revoked_puts, mrevoked);
	if (tables_live != mtables)
		BAD("%ld tables live, model %ld", tables_live, mtables);
	return 0;
}

/* Records the first failure and leaves the loop, so teardown still runs. */
#define STEPFAIL(...)                                            \
	{                                                        \
		snprintf(err, sizeof(err), __VA_ARGS__);         \
		break;                                           \
	}

TEST(cap_random_vs_model)
{
	char err[300] = "";
	static struct cspace sp[NSP];
	struct unit_rng rng = { 0x0123456789abcdefULL };
	char why[200];
	long ops[7] = { 0 }; /* root, copy, delete, revoke, lookup, destroy, ENOMEM */
	enum { STEPS = 20000 };

	reset();
	check_in_put = 0;
	for (int w = 0; w < NSP; w++)
		add_space(&sp[w]);
	memset(model, 0, sizeof(model));
	memset(mrefs, 0, sizeof(mrefs));
	memset(mroot, 0, sizeof(mroot));
	memset(mleaf, 0, sizeof(mleaf));
	mrevoked = mtables = 0;

	for (int step = 0; step < STEPS; step++) {
		int op = (int)unit_below(&rng, 1000);
		int g = (int)unit_below(&rng, NG), w = g / NS;
		exo_slot_t s = slotnum(g % NS);
		uint64_t i = s >> 15, j = s >> 6 & 511;
		struct cap *c = NULL, *src = NULL;
		int r, src_g = -1, kind;

		if (op < 550) {
			/* Fill: a root, or a copy of a random filled slot. */
			kind = op < 250 ? 0 : 1;
			if (kind == 1 && (src_g = pick_filled(&rng)) < 0)
				kind = 0;
			int fail = unit_below(&rng, 16) == 0;
			long fail_after = fail ? (long)unit_below(&rng, 2) : -1;
			alloc_fail_after = fail_after;
			r = cap_empty_slot(&sp[w], s, &c);
			alloc_fail_after = -1;
			int expect;
			if (model[g].filled) {
				expect = EXO_EBUSY;
			} else if (mroot[w][i] && mleaf[w][i * 512 + j]) {
				expect = 0;
			} else if (fail && fail_after < !mroot[w][i] +
			    !mleaf[w][i * 512 + j]) {
				/* Root-level table first; only it may fit. */
				expect = EXO_ENOMEM;
				if (!mroot[w][i] && fail_after == 1) {
					mroot[w][i] = 1;
					mtables++;
				}
			} else {
				expect = 0;
				mtables += !mroot[w][i] + !mleaf[w][i * 512 + j];
				mroot[w][i] = mleaf[w][i * 512 + j] = 1;
			}
			if (r != expect)
				STEPFAIL("step %d: cap_empty_slot(%d/%lu) = %d, model %d",
				    step, w, (unsigned long)s, r, expect);
			ops[6] += r == EXO_ENOMEM;
			if (r == 0) {
				struct mslot m = { 1, 0, 0, -1, 0 };
				if (kind == 1) {
					struct mslot *ms = &model[src_g];
					uint32_t want = ms->rights &
					    (uint32_t)unit_below(&rng, 32);
					r = cap_lookup(&sp[src_g / NS],
					    slotnum(src_g % NS), ms->type, want, &src);
					if (r != 0)
						STEPFAIL("step %d: lookup of copy source: %d",
						    step, r);
					m.type = ms->type;
					m.rights = (int)(ms->rights &
					    (uint32_t)unit_below(&rng, 32));
					m.name = ms->name;
					m.parent = src_g;
				} else {
					m.type = 1 + (int)unit_below(&rng, 6);
					m.rights = (int)unit_below(&rng, 32);
					m.name = unit_below(&rng, NREFS);
				}
				cap_fill(c, src, m.type, (uint32_t)m.rights, m.name);
				model[g] = m;
				mrefs[m.name]++;
			}
			ops[kind]++;
		} else if (op < 750) {
			/* Delete. */
			if ((g = pick_filled(&rng)) < 0)
				continue;
			r = cap_lookup(&sp[g / NS], slotnum(g % NS), EXO_CAP_NONE, 0,
			    &c);
			if (r != 0)
				STEPFAIL("step %d: lookup for delete: %d", step, r);
			cap_delete(c);
			model_remove(g);
			ops[2]++;
		} else if (op < 930) {
			/* Revoke: the model removes the subtree. */
			if ((g = pick_filled(&rng)) < 0)
				continue;
			r = cap_lookup(&sp[g / NS], slotnum(g % NS), EXO_CAP_NONE, 0,
			    &c);
			if (r != 0)
				STEPFAIL("step %d: lookup for revoke: %d", step, r);
			long got = cap_revoke(c);
			model_children();
			static int stack[NG];
			int top = 0;
			long count = 0;
			for (int h = mchild_head[g]; h >= 0; h = mchild_next[h])
				stack[top++] = h;
			while (top) {
				int h = stack[--top];
				for (int k = mchild_head[h]; k >= 0; k = mchild_next[k])
					stack[top++] = k;
				model[h].filled = 0;
				mrefs[model[h].name]--;
				count++;
			}
			mrevoked += count;
			if (got != count)
				STEPFAIL("step %d: cap_revoke = %ld, model %ld", step, got,
				    count);
			ops[3]++;
		} else if (op < 998) {
			/* Lookup with a random type and rights. */
			int type = (int)unit_below(&rng, 7);
			uint32_t want = (uint32_t)unit_below(&rng, 32);
			int expect = 0;
			if (!model[g].filled ||
			    (type != 0 && type != model[g].type))
				expect = EXO_ECAP;
			else if (want & ~(uint32_t)model[g].rights)
				expect = EXO_EPERM;
			r = cap_lookup(&sp[w], s, type, want, &c);
			if (r != expect)
				STEPFAIL("step %d: cap_lookup = %d, model %d", step, r,
				    expect);
			ops[4]++;
		} else {
			/* Destroy a whole space. */
			for (int h = 0; h < NG; h++) {
				if (!model[h].filled || h / NS == w)
					continue;
				int p = model[h].parent;
				while (p >= 0 && p / NS == w)
					p = model[p].parent;
				model[h].parent = p;
			}
			for (int h = w * NS; h < (w + 1) * NS; h++)
				if (model[h].filled) {
					model[h].filled = 0;
					mrefs[model[h].name]--;
				}
			for (int k = 0; k < 512; k++)
				mtables -= mroot[w][k];
			for (int k = 0; k < 512 * 512; k++)
				mtables -= mleaf[w][k];
			memset(mroot[w], 0, sizeof(mroot[w]));
			memset(mleaf[w], 0, sizeof(mleaf[w]));
			cspace_destroy(&sp[w]);
			ops[5]++;
		}
		if (compare_model(sp, why, sizeof(why)) < 0)
			STEPFAIL("step %d (op %d): %s", step, op, why);
		if (step % 1000 == 999 && check_world(why, sizeof(why)) < 0)
			STEPFAIL("step %d: %s", step, why);
		if (hook_bad)
			STEPFAIL("step %d: %s", step, hook_why);
	}
	CHECKF(err[0] == 0, "%s", err);
	/* Every kind of operation ran many times. */
	for (int k = 0; err[0] == 0 && k < 7; k++)
		CHECKF(ops[k] > (k >= 5 ? 5 : 1000), "operation %d ran %ld times",
		    k, ops[k]);
	teardown();
}

int
main(int argc, char **argv)
{
	return unit_main(argc, argv);
}
