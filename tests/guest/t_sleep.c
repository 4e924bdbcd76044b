/*
 * Looks for a sleep that never ends, one that ends too early, and one
 * that a hostile argument turns into a kernel fault: exo_sleep refuses bad
 * conditions (counts, ops, padding, alignment, unmapped or kernel words,
 * an unreadable array) with its errors; returns at once when a condition
 * already holds; wakes at a counter deadline with nothing else to run
 * (the kernel idles); wakes when another environment writes the word and
 * not at the deadline; wakes when an environment ends (env_exits) and
 * when the word is unmapped under it; runs transfers into a sleeper while
 * its own context stays asleep, refuses to sleep in an activation, and
 * refuses directed yields to a sleeper until its condition holds; a
 * revocation request reaches a sleeper at once.
 */
#include "tutil.h"

#define FLAG_VA (CHILD_VA + 0x10000)  /* the child's report page */
#define SPARE_VA (CHILD_VA + 0x20000) /* a page it gives back when asked */

/* Asked for a page while asleep: give the spare one back, say so. */
static void
on_revoke(int cls, struct exo_excframe *f)
{
	uint64_t ppn = (exos_pte(SPARE_VA) & EXO_PTE_ADDR) >> EXO_PGSHIFT;

	(void)cls, (void)f;
	if (exo_page_return(&ppn, 1) == 1)
		((volatile uint64_t *)FLAG_VA)[4] = 1;
}

static void
answer(exo_envid_t caller, uint64_t w[6])
{
	volatile uint64_t *flag = (volatile uint64_t *)FLAG_VA;
	struct exo_wake c = { FLAG_VA, 0, EXO_WAKE_NE, 0 };

	(void)caller;
	flag[1]++;
	w[0] = 77;
	w[1] = (uint64_t)exo_sleep(&c, 1); /* not here: EXO_EBUSY */
}

/* The child: reports on FLAG_VA, sleeps on the word at CHILD_VA. */
static int
child(const char *how)
{
	volatile uint64_t *word = (volatile uint64_t *)CHILD_VA;
	volatile uint64_t *flag = (volatile uint64_t *)FLAG_VA;

	if (strcmp(how, "--server") == 0 && exos_pct_serve(answer) < 0)
		return 1;
	exo_slot_t spare;
	if (strcmp(how, "--rv") == 0 &&
	    (exos_exc_handle(EXO_EXC_REVOKE, on_revoke) < 0 ||
		page_alloc_map(SPARE_VA, 1, EXO_PERM_W, &spare) < 0))
		return 1;
	while (!(exos_pte(FLAG_VA) & EXO_PTE_P) || !(exos_pte(CHILD_VA) & EXO_PTE_P))
		exo_yield(EXO_ENV_ANY);
	if (strcmp(how, "--writer") == 0) {
		for (int i = 0; i < 20; i++)
			exo_yield(EXO_ENV_ANY);
		word[0] = 42;
		return 0;
	}
	flag[0] = 1; /* about to sleep; once: the word may go away */
	flag[2] = (uint64_t)exos_sleep_change(word, 0, 0);
	flag[3] = 1; /* woken */
	for (;;)
		exo_yield(EXO_ENV_ANY);
}

/* Spawns the child with how, its word page and report page mapped. */
static void
start(const char *how, struct child *c, exo_slot_t word, exo_slot_t flag)
{
	char *argv[] = { "t_sleep", (char *)how, NULL };
	struct exo_ptop o[2] = {
		{ CHILD_VA, word, 1, EXO_PT_MAP, EXO_PERM_W, 0, 0 },
		{ FLAG_VA, flag, 1, EXO_PT_MAP, EXO_PERM_W, 0, 0 },
	};

	CHECK_EQ(spawn("t_sleep", argv, c), 0);
	CHECK_EQ(exo_pt_batch(c->vspace, o, 2), 2);
}

/* Yields to the child until it is asleep: a directed yield is refused. */
static int
asleep(struct child *c, volatile uint64_t *flag)
{
	for (int i = 0; i < 2000; i++) {
		int64_t r = exo_yield(c->id);
		if (r == EXO_EAGAIN && flag[0] == 1)
			return 1;
	}
	return 0;
}

static void
errors(void)
{
	volatile uint64_t *word = (volatile uint64_t *)TEST_VA;
	struct exo_wake c[EXO_WAKE_MAX + 1];

	for (int i = 0; i <= EXO_WAKE_MAX; i++)
		c[i] = (struct exo_wake){ TEST_VA, 0, EXO_WAKE_EQ, 0 };
	word[0] = 5; /* nothing below holds, so a bug would sleep for ever */
	CHECK_EQ(exo_sleep(c, 0), EXO_EINVAL);
	CHECK_EQ(exo_sleep(c, EXO_WAKE_MAX + 1), EXO_EINVAL);
	CHECK_EQ(exo_sleep(NULL, 1), EXO_EFAULT);
	CHECK_EQ(exo_sleep((void *)KADDR_KERNBASE, 1), EXO_EFAULT);
	CHECK_EQ(exo_sleep((void *)(TEST_VA + 0x100000), 1), EXO_EFAULT);
	/* The array runs off the end of the mapped page. */
	struct exo_wake *edge = (struct exo_wake *)(TEST_VA + 4096 - sizeof(*edge));
	*edge = c[0];
	CHECK_EQ(exo_sleep(edge, 2), EXO_EFAULT);
	c[1].op = EXO_WAKE_TSC + 1;
	CHECK_EQ(exo_sleep(c, 2), EXO_EINVAL);
	c[1].op = EXO_WAKE_EQ;
	c[1].pad = 1;
	CHECK_EQ(exo_sleep(c, 2), EXO_EINVAL);
	c[1].pad = 0;
	c[1].addr = TEST_VA + 4;
	CHECK_EQ(exo_sleep(c, 2), EXO_EINVAL);
	c[1].addr = TEST_VA + 0x100000; /* not mapped */
	CHECK_EQ(exo_sleep(c, 2), EXO_EFAULT);
	c[1].addr = KADDR_PHYSMAP;
	CHECK_EQ(exo_sleep(c, 2), EXO_EFAULT);
	/* The page-table view: a walk through it would meet large pages. */
	c[1].addr = EXO_UVPML4;
	CHECK_EQ(exo_sleep(c, 2), EXO_EFAULT);
	c[1].addr = EXO_UVPT + (256UL << 30); /* the kernel half's tables */
	CHECK_EQ(exo_sleep(c, 2), EXO_EFAULT);
	c[1].addr = 0x0000800000000000UL; /* not canonical */
	CHECK_EQ(exo_sleep(c, 2), EXO_EFAULT);
	c[1] = (struct exo_wake){ TEST_VA, 0, EXO_WAKE_TSC, 0 };
	CHECK_EQ(exo_sleep(c, 2), EXO_EINVAL); /* a counter has no address */
}

static void
at_once(void)
{
	volatile uint64_t *word = (volatile uint64_t *)TEST_VA;
	struct exo_wake c[4] = {
		{ TEST_VA, 5, EXO_WAKE_NE, 0 },
		{ TEST_VA, 7, EXO_WAKE_EQ, 0 },
		{ TEST_VA, 7, EXO_WAKE_GE, 0 },
		{ TEST_VA, 8, EXO_WAKE_LT, 0 },
	};

	word[0] = 7;
	for (int i = 0; i < 4; i++)
		CHECK_EQ(exo_sleep(&c[i], 1), 0);
	struct exo_wake past = { 0, rdtsc(), EXO_WAKE_TSC, 0 };
	CHECK_EQ(exo_sleep(&past, 1), 0);
	/* One holding among several that do not is enough. */
	struct exo_wake some[3] = {
		{ TEST_VA, 7, EXO_WAKE_NE, 0 },
		{ (uint64_t)&EXO_INFO->env_exits, EXO_INFO->env_exits, EXO_WAKE_NE, 0 },
		{ TEST_VA, 7, EXO_WAKE_EQ, 0 },
	};
	CHECK_EQ(exo_sleep(some, 3), 0);
}

int
main(int argc, char **argv)
{
	if (argc == 2)
		return child(argv[1]);
	exo_slot_t s, sw, sf;
	CHECK_EQ(page_alloc_map(TEST_VA, 1, EXO_PERM_W, &s), 0);
	errors();
	at_once();

	/* A deadline, with nothing else to run: the kernel idles, then wakes us. */
	uint64_t ticks = EXO_INFO->ticks, deadline = tsc_after_ns(30000000);
	struct exo_wake t = { 0, deadline, EXO_WAKE_TSC, 0 };
	CHECK_EQ(exo_sleep(&t, 1), 0);
	CHECK(rdtsc() >= deadline);
	CHECK(EXO_INFO->ticks > ticks);

	/* Another environment writes the word: woken by it, long before the
	 * deadline. */
	uint64_t *word = (uint64_t *)(TEST_VA + 0x1000);
	volatile uint64_t *flag = (volatile uint64_t *)(TEST_VA + 0x2000);
	CHECK_EQ(page_alloc_map(TEST_VA + 0x1000, 1, EXO_PERM_W, &sw), 0);
	CHECK_EQ(page_alloc_map(TEST_VA + 0x2000, 1, EXO_PERM_W, &sf), 0);
	struct child c;
	struct exo_envinfo in;
	start("--writer", &c, sw, sf);
	deadline = tsc_after_ns(10000000000ULL);
	while (*(volatile uint64_t *)word == 0)
		CHECK_EQ(exos_sleep_change(word, 0, deadline), 0);
	CHECK_EQ(*word, 42);
	CHECK(rdtsc() < deadline);

	/* An environment ending moves env_exits. */
	CHECK_EQ(child_wait(&c, CHILD_TIMEOUT_NS, &in), 0);
	CHECK_EQ(in.cause, EXO_CAUSE_EXIT);
	child_release(&c);
	uint64_t exits = EXO_INFO->env_exits;
	char *hello[] = { "hello", "t_sleep", NULL };
	CHECK_EQ(spawn("hello", hello, &c), 0);
	while (EXO_INFO->env_exits == exits)
		CHECK_EQ(exos_sleep_change(&EXO_INFO->env_exits, exits,
		    tsc_after_ns(CHILD_TIMEOUT_NS)), 0);
	CHECK_EQ(exo_env_info(c.env, &in), 0);
	CHECK_EQ(in.state, EXO_ENV_DEAD);
	child_release(&c);

	/* A sleeping server: transfers run, its own context stays asleep,
	 * directed yields are refused until its word changes. */
	*word = 0;
	start("--server", &c, sw, sf);
	CHECK(asleep(&c, flag));
	uint64_t w[6] = { 0 };
	CHECK_EQ(exos_pct_call(c.env, w), 0);
	CHECK_EQ(w[0], 77);
	CHECK_EQ(w[1], EXO_EBUSY);
	CHECK_EQ(flag[1], 1);
	for (int i = 0; i < 50; i++)
		CHECK_EQ(exo_yield(c.id), EXO_EAGAIN);
	CHECK_EQ(flag[3], 0);
	*word = 1;
	for (int i = 0; i < 1000 && flag[3] == 0; i++)
		exo_yield(c.id);
	CHECK_EQ(flag[3], 1);
	CHECK_EQ(flag[2], 0);
	CHECK_EQ(exo_env_destroy(c.env), 0);
	child_release(&c);

	/* The word unmapped under a sleeper wakes it. */
	*word = 0;
	flag[0] = flag[3] = 0;
	start("--sleeper", &c, sw, sf);
	CHECK(asleep(&c, flag));
	struct exo_ptop un = { CHILD_VA, 0, 1, EXO_PT_UNMAP, 0, 0, 0 };
	CHECK_EQ(exo_pt_batch(c.vspace, &un, 1), 1);
	for (int i = 0; i < 1000 && flag[3] == 0; i++)
		exo_yield(EXO_ENV_ANY);
	CHECK_EQ(flag[3], 1);
	CHECK_EQ(exo_env_destroy(c.env), 0);
	child_release(&c);

	/* A revocation request reaches a sleeper at once (and wakes it). */
	*word = 0;
	flag[0] = flag[3] = 0;
	start("--rv", &c, sw, sf);
	CHECK(asleep(&c, flag));
	CHECK_EQ(exo_reclaim(EXO_SLOT_MACHINE, c.env, 1), 0);
	for (int i = 0; i < 1000 && flag[3] == 0; i++)
		exo_yield(EXO_ENV_ANY);
	CHECK_EQ(flag[4], 1);
	CHECK_EQ(flag[3], 1);
	CHECK_EQ(*word, 0);
	CHECK_EQ(exo_env_destroy(c.env), 0);
	child_release(&c);

	page_unmap(TEST_VA, 3);
	exo_cap_delete(s);
	exo_cap_delete(sw);
	exo_cap_delete(sf);
	printf("t_sleep: sleepers wake when their word changes, at their "
	       "deadline, and not otherwise\n");
	return 0;
}
