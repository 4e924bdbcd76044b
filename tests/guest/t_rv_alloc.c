/*
 * Memory pressure, with nobody holding a machine capability: the kernel
 * asks on its own.  A child A with an EXO_EXC_REVOKE handler that gives
 * back what it is asked holds 2000 pages; a child B allocates pages until
 * it gets EXO_ENOMEM, retrying after a yield whenever it gets EXO_EAGAIN.
 * Looks for: page_alloc failing with EXO_ENOMEM while an environment
 * with a revocation handler still has pages it could give (B must see
 * EXO_EAGAIN first, and A's handler must run, with err EXO_REVOKE_PAGES
 * and a count, and its owned count drop by what it gave); pages given
 * back that do not reach B (B must end up with every page there was:
 * the free count 0, B's total = what was free + what A gave); A's
 * remaining pages disturbed; EXO_ENOMEM not coming at all once A has
 * taken its handler away (the kernel must not ask environments without
 * one); a cooperative owner that loses pages by force because it was
 * not run before the deadline (at most a tenth of what A loses may go
 * that way); pages leaked when both are gone.  Last, a page_alloc that
 * also needs a new capability table while memory is out must say
 * EXO_EAGAIN, not EXO_ENOMEM, when pages are being asked back.
 *
 * The children are this program again, with "holder" or "eater".  A is
 * started by a loader of our own that does not give it the pages of its
 * image (libos's spawn does), and it guarantees its exception stack: it
 * owns only its 2000 pages, so whatever the kernel takes, A survives.
 */
#include "../lib/elf.h"
#include "internal.h"
#undef PF_W /* tutil.h's page-fault bit; ELF's segment flag is the same 2 */
#include "tutil.h"

#define SH_VA (TEST_VA + 0x100000)   /* the shared page, in the parent */
#define DATA_VA (CHILD_VA + 0x100000) /* A's pages */
#define NHOLD 2000
#define PAT 0x686f6c6400000000UL
#define EAT_FIRST 65536UL     /* B's slots: past libos's slot allocator */
#define FAR_SLOT 8000000UL    /* a slot whose tables B never made */
#define WAIT_NS (100ULL * 1000000000ULL)

struct shared {
	uint64_t cmd;
	/* A */
	uint64_t a_ready, a_owned0, a_calls, a_bad, a_answered, a_owned;
	uint64_t a_gave_up, a_last_ask, a_checked;
	int64_t a_err;                /* page_return's error, if it failed */
	uint64_t a_late;              /* handler runs that found pages taken */
	uint64_t a_repossessed;       /* pages the kernel took from A by force */
	/* B */
	uint64_t b_free0, b_got, b_eagain, b_enomem, b_free_end, b_done;
	int64_t b_other, b_far;
	uint64_t b_ms;
};

/* ---- A: the holder ---- */

/* Yields to the parent; ends this child if the parent is gone (failed). */
static void
child_idle(void)
{
	int64_t r = exo_yield(EXO_SELF->parent);

	if (r == EXO_EDEAD || r == EXO_ENOENT)
		exit(93);
}

static volatile struct shared *sh;
static uint64_t ppns[NHOLD], slot_of[NHOLD], live; /* our pages 0..live-1 */
static exo_slot_t first;

static void
map_shared(void)
{
	struct exo_capinfo ci;
	uint64_t t0 = time_ns();

	while (exo_cap_info(CHILD_SLOT, &ci) != 0) {
		if (time_ns() - t0 > CHILD_TIMEOUT_NS)
			exit(90);
		child_idle();
	}
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, CHILD_VA, CHILD_SLOT, 1, EXO_PT_MAP,
		     EXO_PERM_W, 0), 1);
	sh = (volatile struct shared *)CHILD_VA;
	slot_mark_used(CHILD_SLOT); /* filled by the parent, not by slot_alloc */
}

/*
 * Gives back what is still owed, newest first; when what is left could
 * not pay another request like the last, stops being asked.  If the
 * kernel took pages by force meanwhile (we ran too late), it first finds
 * out which are gone.
 */
static void
on_revoke(int cls, struct exo_excframe *f)
{
	(void)cls;
	sh->a_calls++;
	if (f->err != EXO_REVOKE_PAGES || f->addr == 0) {
		sh->a_bad++;
		return;
	}
	sh->a_last_ask = f->addr;
	if (EXO_SELF->repossessed != sh->a_repossessed) {
		sh->a_repossessed = EXO_SELF->repossessed;
		sh->a_late++;
		uint64_t k = 0;
		struct exo_capinfo ci;
		for (uint64_t i = 0; i < live; i++)
			if (exo_cap_info(slot_of[i], &ci) == 0) {
				slot_of[k] = slot_of[i];
				ppns[k++] = ppns[i];
			}
		live = k;
	}
	uint64_t owed = EXO_SELF->revoke_pages;
	uint64_t n = owed < live ? owed : live;
	if (n) {
		int64_t r = exo_page_return(&ppns[live - n], n);
		if (r == (int64_t)n) {
			live -= n;
			sh->a_answered += n;
		} else {
			sh->a_bad++;
			sh->a_err = r;
		}
	}
	sh->a_owned = EXO_SELF->owned;
	if (live < f->addr) {
		exos_exc_handle(EXO_EXC_REVOKE, NULL);
		sh->a_gave_up = 1;
	}
}

/* Guarantees the pages libos allocated for our exception stack. */
static void
guarantee_exc_stack(void)
{
	uint64_t want = EXOS_EXC_STACK_SIZE / EXO_PGSIZE, found = 0;
	struct exo_capinfo ci;

	for (uint64_t s = SLOT_FIRST_FREE; s < 1024; s++) {
		if (exo_cap_info(s, &ci) != 0 || ci.type != EXO_CAP_PAGE)
			continue;
		for (uint64_t va = EXOS_EXC_STACK_LO; va < EXOS_EXC_STACK_TOP;
		     va += EXO_PGSIZE)
			if ((exos_pte(va) & EXO_PTE_ADDR) >> 12 == ci.name) {
				CHECK_EQ(exo_page_guarantee(s, 1), 0);
				found++;
			}
	}
	CHECK_EQ(found, want);
	CHECK_EQ(EXO_SELF->guaranteed, want);
}

static int
holder(void)
{
	struct exo_capinfo ci;

	CHECK_EQ(exos_exc_handle(EXO_EXC_REVOKE, on_revoke), 0);
	guarantee_exc_stack();
	CHECK_EQ(EXO_SELF->owned, EXOS_EXC_STACK_SIZE / EXO_PGSIZE);
	map_shared();
	CHECK_EQ(page_alloc_map(DATA_VA, NHOLD, EXO_PERM_W, &first), 0);
	for (uint64_t i = 0; i < NHOLD; i++) {
		volatile uint64_t *w = (volatile uint64_t *)(DATA_VA + i * EXO_PGSIZE);
		ppns[i] = (exos_pte(DATA_VA + i * EXO_PGSIZE) & EXO_PTE_ADDR) >> 12;
		slot_of[i] = first + i;
		w[0] = PAT ^ i;
	}
	live = NHOLD;
	sh->a_owned0 = sh->a_owned = EXO_SELF->owned;
	sh->a_ready = 1;
	uint64_t t0 = time_ns();
	while (sh->cmd == 0) {
		if (time_ns() - t0 > WAIT_NS)
			exit(91);
		child_idle();
	}
	/* What we kept is intact (pages 0..live-1 are the oldest we kept,
	 * in order); the rest is gone. */
	for (uint64_t i = 0, k = 0; i < NHOLD; i++) {
		uint64_t va = DATA_VA + i * EXO_PGSIZE;
		if (k < live && slot_of[k] == first + i) {
			CHECK_EQ((exos_pte(va) & EXO_PTE_ADDR) >> 12, ppns[k]);
			CHECK_EQ(*(volatile uint64_t *)va, PAT ^ i);
			k++;
		} else {
			CHECK_EQ(exos_pte(va), 0);
			CHECK_EQ(exo_cap_info(first + i, &ci), EXO_ECAP);
		}
	}
	CHECK_EQ(EXO_SELF->repossessed, sh->a_repossessed);
	CHECK_EQ(EXO_SELF->revoke_pages, 0);
	sh->a_checked = 1;
	return 0;
}

/* ---- B: the eater ---- */

static int
eater(void)
{
	map_shared();
	/*
	 * Make the capability tables for every slot we will fill first, so
	 * that running out of memory can only mean running out of pages.
	 */
	uint64_t nslots = EXO_INFO->free_pages + 3 * NHOLD;
	for (uint64_t s = EAT_FIRST; s < EAT_FIRST + nslots; s += 64) {
		CHECK_EQ(exo_cap_copy(EXO_SLOT_CONSOLE, EXO_SLOT_SELF, s, 0), 0);
		CHECK_EQ(exo_cap_delete(s), 0);
	}
	uint64_t t0 = time_ns(), slot = EAT_FIRST;
	sh->b_free0 = EXO_INFO->free_pages;
	sh->b_far = 1;
	for (;;) {
		int64_t r = exo_page_alloc(slot, EXO_PPN_ANY);
		if (r >= 0) {
			slot++;
			CHECK(slot < EAT_FIRST + nslots);
			continue;
		}
		if (r == EXO_ENOMEM) {
			sh->b_enomem = 1;
			break;
		}
		if (r != EXO_EAGAIN) {
			sh->b_other = r;
			break;
		}
		if (sh->b_eagain++ == 0) {
			/* While pages are being asked back, a slot that needs
			 * new tables. */
			sh->b_far = exo_page_alloc(FAR_SLOT, EXO_PPN_ANY);
			if (sh->b_far >= 0)
				CHECK_EQ(exo_cap_delete(FAR_SLOT), 0);
		}
		if (time_ns() - t0 > WAIT_NS)
			break;
		exo_yield(EXO_ENV_ANY);
	}
	sh->b_free_end = EXO_INFO->free_pages;
	sh->b_got = slot - EAT_FIRST;
	sh->b_ms = (time_ns() - t0) / 1000000;
	sh->b_done = 1;
	return 0; /* holding it all */
}

/* ---- the parent ---- */

static volatile struct shared *psh = (volatile struct shared *)SH_VA;

static void
wait_for(struct child *c, volatile uint64_t *w, const char *what)
{
	struct exo_envinfo in;
	uint64_t t0 = time_ns();

	while (*w == 0) {
		CHECK_EQ(exo_env_info(c->env, &in), 0);
		if (in.state == EXO_ENV_DEAD) {
			printf("t_rv_alloc: child died waiting for %s: cause %u "
			       "status %ld trap %u addr %lx\n", what, in.cause,
			    (long)in.status, in.trapno, in.fault_addr);
			exit(1);
		}
		if (time_ns() - t0 > WAIT_NS) {
			printf("t_rv_alloc: timed out waiting for %s\n", what);
			exo_env_destroy(c->env);
			exit(1);
		}
		exo_yield(c->id);
	}
}

static void
load_pages(struct child *c, uint64_t va, uint64_t n, int perm, const void *src,
    uint64_t off, uint64_t len)
{
	exo_slot_t s;

	CHECK_EQ(page_alloc_map(EXOS_SCRATCH, n, EXO_PERM_W, &s), 0);
	memcpy((uint8_t *)EXOS_SCRATCH + off, src, len);
	CHECK_EQ(page_unmap(EXOS_SCRATCH, n), 1);
	CHECK_EQ(pt_op(c->vspace, va, s, (uint32_t)n, EXO_PT_MAP, (uint8_t)perm, 0), 1);
	for (uint64_t i = 0; i < n; i++)
		CHECK_EQ(exo_cap_delete(s + i), 0);
	slot_free_range(s, n);
}

/* Starts this program with argv, as libos's spawn does, but without
 * giving the child the pages of its image and stack. */
static void
spawn_unowned(char **argv, struct child *c)
{
	uint64_t size;
	const uint8_t *file = bootimg_file("t_rv_alloc", &size);
	struct elf_image elf;
	uint8_t argpage[EXO_PGSIZE];

	CHECK(file != NULL);
	CHECK_EQ(elf_parse(file, size, EXOS_SCRATCH, &elf), 0);
	int64_t se = slot_alloc(), sv = slot_alloc();
	CHECK(se >= 0 && sv >= 0);
	c->env = (uint64_t)se;
	c->vspace = (uint64_t)sv;
	int64_t id = exo_env_create(c->env, c->vspace);
	CHECK(id > 0);
	c->id = (exo_envid_t)id;
	for (int i = 0; i < elf.nsegs; i++) {
		const struct elf_seg *g = &elf.seg[i];
		uint64_t base = g->vaddr & ~(EXO_PGSIZE - 1);
		uint64_t end = (g->vaddr + g->memsz + EXO_PGSIZE - 1) & ~(EXO_PGSIZE - 1);
		int perm = (g->flags & PF_W ? EXO_PERM_W : 0) |
		    (g->flags & PF_X ? EXO_PERM_X : 0);
		load_pages(c, base, (end - base) / EXO_PGSIZE, perm, file + g->offset,
		    g->vaddr - base, g->filesz);
	}
	uint64_t argc = 0, strbytes = 0;
	for (; argv[argc]; argc++)
		strbytes += strlen(argv[argc]) + 1;
	memset(argpage, 0, sizeof(argpage));
	uint64_t top_va = EXOS_STACK_TOP;
	uint64_t str_off = EXO_PGSIZE - strbytes, str_va = top_va - strbytes;
	uint64_t sb_va = (str_va - sizeof(struct exos_startblock) - (argc + 1) * 8) &
	    ~15UL;
	struct exos_startblock *sb =
	    (void *)(argpage + (sb_va - (top_va - EXO_PGSIZE)));
	sb->argc = argc;
	sb->bootimg_size = 0;
	sb->npages = 0;
	for (uint64_t i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;
		memcpy(argpage + str_off, argv[i], n);
		sb->argv[i] = (char *)str_va;
		str_off += n;
		str_va += n;
	}
	sb->argv[argc] = NULL;
	load_pages(c, EXOS_STACK_TOP - EXOS_STACK_PAGES * EXO_PGSIZE,
	    EXOS_STACK_PAGES, EXO_PERM_W, argpage,
	    (EXOS_STACK_PAGES - 1) * EXO_PGSIZE, EXO_PGSIZE);
	CHECK_EQ(exo_cap_copy(EXO_SLOT_CONSOLE, c->env, EXO_SLOT_CONSOLE,
		     EXO_R_READ | EXO_R_WRITE | EXO_R_GRANT), 0);
	CHECK_EQ(exo_env_start(c->env, elf.entry, sb_va, sb_va), 0);
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "holder") == 0)
		return holder();
	if (argc > 1 && strcmp(argv[1], "eater") == 0)
		return eater();

	struct exo_envinfo in;
	exo_slot_t shs;

	prepare_tables(SH_VA);
	warm_spawn();
	uint64_t before = EXO_INFO->free_pages;
	CHECK_EQ(page_alloc_map(SH_VA, 1, EXO_PERM_W, &shs), 0);

	char *aargs[] = { "t_rv_alloc", "holder", NULL };
	char *bargs[] = { "t_rv_alloc", "eater", NULL };
	struct child a, b;
	spawn_unowned(aargs, &a);
	CHECK_EQ(exo_cap_copy(shs, a.env, CHILD_SLOT, EXO_R_READ | EXO_R_WRITE), 0);
	wait_for(&a, &psh->a_ready, "A to take its pages");
	CHECK_EQ(psh->a_owned0, NHOLD + EXOS_EXC_STACK_SIZE / EXO_PGSIZE);

	CHECK_EQ(spawn("t_rv_alloc", bargs, &b), 0);
	CHECK_EQ(exo_cap_copy(shs, b.env, CHILD_SLOT, EXO_R_READ | EXO_R_WRITE), 0);
	wait_for(&b, &psh->b_done, "B to run out");
	CHECK_WAIT(&b, &in);
	struct exo_envinfo bin = in;
	child_release(&b);
	/* A checks that it kept the rest intact and lost nothing by force. */
	psh->cmd = 1;
	CHECK_WAIT(&a, &in);
	child_release(&a);
	struct exo_envinfo ain = in;
	struct shared r;
	memcpy(&r, (const void *)psh, sizeof(r));
	CHECK_EQ(page_unmap(SH_VA, 1), 1);
	CHECK_EQ(exo_cap_delete(shs), 0);
	slot_free(shs);
	CHECK_EQ(EXO_INFO->free_pages, before);

	printf("t_rv_alloc: B took %lu pages in %lu ms: %lu free at its start, "
	       "%lu EAGAIN; A answered %lu requests with %lu pages\n",
	    r.b_got, r.b_ms, r.b_free0, r.b_eagain, r.a_calls,
	    r.a_answered);
	if (r.b_other != 0) {
		printf("t_rv_alloc: B's page_alloc failed with %s\n",
		    exo_strerror(r.b_other));
		exit(1);
	}
	CHECK_EQ(r.b_enomem, 1);
	/* The kernel asked A, A gave, and B got what A gave. */
	CHECK(r.b_eagain >= 1);
	CHECK(r.a_calls >= 1);
	if (r.a_repossessed)
		printf("t_rv_alloc: A ran too late %lu times and lost %lu pages "
		       "by force\n", r.a_late, r.a_repossessed);
	if (r.a_bad) {
		printf("t_rv_alloc: A's handler failed to answer %lu times "
		       "(page_return: %s)\n", r.a_bad, exo_strerror(r.a_err));
		exit(1);
	}
	CHECK_EXITED(&bin, 0);
	CHECK_EXITED(&ain, 0);
	CHECK_EQ(r.a_checked, 1);
	if (r.a_answered == 0) {
		printf("t_rv_alloc: A's revocation handler ran %lu times but "
		       "never in time to give anything back\n", r.a_calls);
		exit(1);
	}
	/*
	 * A answers at once whenever it runs, and nothing else here needs
	 * the processor: nearly all it lost must have gone through its
	 * handler (one request missed by timer jitter is tolerated).
	 */
	if (r.a_answered * 10 < (r.a_answered + r.a_repossessed) * 9) {
		printf("t_rv_alloc: A, which answers every request at once, gave "
		       "back %lu pages itself but lost %lu by force: it was not "
		       "run before the deadline %lu times\n", r.a_answered,
		    r.a_repossessed, r.a_late);
		exit(1);
	}
	CHECK(r.a_last_ask >= 1);
	CHECK_EQ(r.a_owned, r.a_owned0 - r.a_answered - r.a_repossessed);
	/* Asked until it stopped answering: it had less left than the last
	 * request, and took its handler away. */
	CHECK_EQ(r.a_gave_up, 1);
	CHECK(NHOLD - r.a_answered - r.a_repossessed < r.a_last_ask);
	CHECK_EQ(r.b_free_end, 0);
	CHECK_EQ(r.b_got, r.b_free0 + r.a_answered + r.a_repossessed);

	/* A slot needing new tables while pages are being asked back. */
	if (r.b_far == EXO_ENOMEM) {
		printf("t_rv_alloc: page_alloc into a slot without capability "
		       "tables, while the kernel was asking A for pages, gave "
		       "ENOMEM, not EAGAIN\n");
		exit(1);
	}
	CHECK(r.b_far == EXO_EAGAIN || r.b_far > 0);
	printf("t_rv_alloc: memory pressure asked the holder, not the caller\n");
	return 0;
}
