/*
 * demo_cache: the exokernel's argument for visible revocation, run.
 *
 * A program caches blocks of a data set in pages.  Its workload is a hot
 * set read over and over, mixed with a long scan that touches each block
 * once.  Memory pressure comes as revocation requests for 32 pages every
 * 500 accesses (asked of itself through exo_reclaim).  The same program
 * runs three times, on the same accesses:
 *
 *   own      it answers with the pages it knows are least valuable: blocks
 *            seen once (the scan) before the hot set (frequency counts)
 *   lru      it answers with its least recently used pages
 *   abort    it ignores the request; at the deadline the kernel takes pages
 *            of its own choosing, and the program repairs its state from
 *            the repossession ring
 *
 * and prints the hit rate of each.  A miss "reads the disk" (fills the
 * page); a hit checks the page's contents, so a page the kernel took and
 * the program failed to forget would show up as an error, not a hit.
 *   demo_cache [--help]
 */
#include "exos.h"

#define CACHE_VA 0x0000600000000000UL
#define CAPACITY 96
#define HOT 64
#define BLOCKS 4096
#define ACCESSES 12000
#define PRESSURE_EVERY 500
#define PRESSURE_PAGES 32

enum policy { OWN, LRU, ABORT };
static const char *const names[] = { "own", "lru", "abort" };

struct entry {
	int64_t block; /* -1: empty */
	uint64_t slot, ppn;
	uint64_t last_use, uses;
};

static struct entry cache[CAPACITY];
static enum policy policy;
static uint64_t now, repo_seen, errors;

static uint64_t
va_of(int i)
{
	return CACHE_VA + (uint64_t)i * EXO_PGSIZE;
}

static uint64_t
block_word(int64_t block)
{
	return (uint64_t)block * 0x9e3779b97f4a7c15UL + 1;
}

/* Lower is a better victim.  Own: the scan's once-seen blocks first. */
static uint64_t
value(const struct entry *e)
{
	if (policy == LRU)
		return e->last_use;
	return e->uses * 1000000 + e->last_use;
}

static int
victim(void)
{
	int best = -1;

	for (int i = 0; i < CAPACITY; i++)
		if (cache[i].block >= 0 && (best < 0 || value(&cache[i]) < value(&cache[best])))
			best = i;
	return best;
}

/* Drops entry i: its page goes back to the kernel. */
static void
drop(int i)
{
	if (exo_page_return(&cache[i].ppn, 1) < 0)
		errors++;
	slot_free(cache[i].slot);
	cache[i].block = -1;
}

static void
on_revoke(int cls, struct exo_excframe *f)
{
	(void)cls;
	if (policy == ABORT || f->err != EXO_REVOKE_PAGES)
		return; /* ignore it: the kernel will choose */
	for (uint64_t n = 0; n < f->addr; n++) {
		int v = victim();
		if (v < 0)
			break;
		drop(v);
	}
}

/* The kernel took pages: forget the blocks that were in them. */
static void
on_repossess(int cls, struct exo_excframe *f)
{
	(void)cls;
	(void)f;
	for (; repo_seen < EXO_SELF->repo_head; repo_seen++) {
		const volatile struct exo_repo *r = &EXO_SELF->repo[repo_seen % EXO_REPO_RING];
		for (int i = 0; i < CAPACITY; i++)
			if (cache[i].block >= 0 && va_of(i) == r->va) {
				slot_free(cache[i].slot);
				cache[i].block = -1;
			}
	}
}

/* Fills entry i with block: a fresh page (the "disk read"). */
static int
load(int i, int64_t block)
{
	int64_t s = slot_alloc(), ppn;

	if (s < 0)
		return -1;
	while ((ppn = exo_page_alloc((uint64_t)s, EXO_PPN_ANY)) == EXO_EAGAIN)
		exo_yield(EXO_ENV_ANY);
	if (ppn < 0) {
		slot_free((uint64_t)s);
		return -1;
	}
	struct exo_ptop o = { va_of(i), (uint64_t)s, 1, EXO_PT_MAP, EXO_PERM_W, 0, 0 };
	if (exo_pt_batch(EXO_SLOT_VSPACE, &o, 1) < 0)
		return -1;
	*(volatile uint64_t *)va_of(i) = block_word(block);
	cache[i] = (struct entry){ block, (uint64_t)s, (uint64_t)ppn, now, 1 };
	return 0;
}

static int
access_block(int64_t block)
{
	int free_i = -1;

	now++;
	for (int i = 0; i < CAPACITY; i++) {
		if (cache[i].block == block) {
			if (*(volatile uint64_t *)va_of(i) != block_word(block))
				errors++;
			cache[i].last_use = now;
			cache[i].uses++;
			return 1;
		}
		if (cache[i].block < 0 && free_i < 0)
			free_i = i;
	}
	if (free_i < 0) {
		free_i = victim();
		drop(free_i);
	}
	if (load(free_i, block) < 0)
		errors++;
	return 0;
}

/* Runs the workload once under p; returns hits per thousand. */
static uint64_t
run(enum policy p)
{
	uint64_t rng = 0x2545f4914f6cdd1dUL, hits = 0, scan = HOT;

	policy = p;
	now = 0;
	repo_seen = EXO_SELF->repo_head;
	for (int i = 0; i < CAPACITY; i++)
		cache[i].block = -1;
	for (int n = 0; n < ACCESSES; n++) {
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		int64_t block = rng % 100 < 80 ? (int64_t)(rng >> 8) % HOT : (int64_t)scan++;
		if (scan == BLOCKS)
			scan = HOT;
		hits += (uint64_t)access_block(block);
		if (n % PRESSURE_EVERY == PRESSURE_EVERY - 1) {
			exo_reclaim(EXO_SLOT_MACHINE, EXO_SLOT_SELF, PRESSURE_PAGES);
			/* Wait until it is answered, by us or by the kernel. */
			while (EXO_SELF->revoke_pages)
				exo_yield(EXO_ENV_ANY);
		}
	}
	for (int i = 0; i < CAPACITY; i++)
		if (cache[i].block >= 0)
			drop(i);
	return hits * 1000 / ACCESSES;
}

int
main(int argc, char **argv)
{
	uint64_t rate[3];

	if (argc > 1) {
		printf("usage: demo_cache\nRuns a cache under memory pressure "
		       "three ways and prints each hit rate: its own revocation "
		       "policy, LRU, and the kernel's abort protocol.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	/* Its code, data and stack are vital: the abort protocol must spare them. */
	exos_guarantee_image();
	if (exos_exc_handle(EXO_EXC_REVOKE, on_revoke) < 0 ||
	    exos_exc_handle(EXO_EXC_REPOSSESS, on_repossess) < 0) {
		printf("demo_cache: cannot register handlers\n");
		return 1;
	}
	for (int p = OWN; p <= ABORT; p++) {
		uint64_t t0 = EXO_SELF->repossessed;
		rate[p] = run((enum policy)p);
		printf("demo_cache: %-5s hit rate %lu.%lu%% (%lu pages repossessed)\n",
		    names[p], rate[p] / 10, rate[p] % 10, EXO_SELF->repossessed - t0);
	}
	if (errors) {
		printf("demo_cache: %lu errors (wrong contents or failed calls)\n", errors);
		return 1;
	}
	printf("demo_cache: the program's own policy %s LRU and the abort protocol\n",
	    rate[OWN] > rate[LRU] && rate[OWN] > rate[ABORT] ? "beats" : "does NOT beat");
	return rate[OWN] > rate[LRU] && rate[OWN] > rate[ABORT] ? 0 : 1;
}
