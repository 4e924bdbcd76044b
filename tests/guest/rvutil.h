/*
 * Helpers shared by the revocation tests (t_rv_*), header only like
 * tutil.h.  Each test runs itself again as its child(ren) and shares one
 * page with it.  For the child: yielding to the parent, waiting for a slot
 * or a command, mapping the shared page, making pages of its own,
 * guaranteeing its exception stack and reading an address that may fault.
 * For the parent: waiting for the child to set a word, sleeping, its own
 * pages that nothing may touch, and a loader that starts the program
 * without giving the child the pages of its image and stack (libos's
 * spawn does), so that the child owns only what it allocates.
 *
 * The including file defines TEST_NAME, its program name, first: the
 * loader starts that program and messages begin with it.
 */
#ifndef TESTS_GUEST_RVUTIL_H
#define TESTS_GUEST_RVUTIL_H

#ifndef TEST_NAME
#error "define TEST_NAME before including rvutil.h"
#endif

#include "../lib/elf.h"
#include "internal.h"
#undef PF_W /* tutil.h's page-fault bit; ELF's segment flag is the same 2 */
#include "tutil.h"

/* The parent's own pages, which nothing the children do may touch. */
#define MY_VA (TEST_VA + 0x200000)
#define NMINE 8
#define MYPAT 0x706172656e740000UL

/* What probe() reads from an address that faults. */
#define PROBE_FAULT 0xdeadfa17deadfa17UL

/* ---- the child ---- */

/* Yields to the parent; ends this child if the parent is gone (failed). */
static inline void
child_idle(void)
{
	int64_t r = exo_yield(EXO_SELF->parent);

	if (r == EXO_EDEAD || r == EXO_ENOENT)
		exit(93);
}

/* Waits for the parent to fill slot; ends this child (90) if it never does. */
static inline void
child_wait_slot(uint64_t slot)
{
	struct exo_capinfo ci;
	uint64_t t0 = time_ns();

	while (exo_cap_info(slot, &ci) != 0) {
		if (time_ns() - t0 > CHILD_TIMEOUT_NS) {
			printf(TEST_NAME " child: slot %lu never filled\n",
			    slot);
			exit(90);
		}
		child_idle();
	}
}

/*
 * Waits for the parent's page in CHILD_SLOT and maps it writable at
 * CHILD_VA, where the child finds the page parent and child share.
 */
static inline volatile void *
child_map_shared(void)
{
	child_wait_slot(CHILD_SLOT);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, CHILD_VA, CHILD_SLOT, 1, EXO_PT_MAP,
		     EXO_PERM_W, 0), 1);
	return (volatile void *)CHILD_VA;
}

/* Waits, yielding to the parent, until *w is at least v; ends this child
 * (91) if that takes longer than timeout_ns. */
static inline void
child_wait_word(volatile uint64_t *w, uint64_t v, uint64_t timeout_ns)
{
	uint64_t t0 = time_ns();

	while (*w < v) {
		if (time_ns() - t0 > timeout_ns)
			exit(91);
		child_idle();
	}
}

/* A fresh page of our own in a new slot (*slot), mapped writable at va;
 * returns its number. */
static inline uint64_t
child_page(uint64_t va, uint64_t *slot)
{
	int64_t s = slot_alloc();
	CHECK(s >= 0);
	*slot = (uint64_t)s;
	int64_t p = exo_page_alloc(*slot, EXO_PPN_ANY);
	CHECK(p > 0);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, va, *slot, 1, EXO_PT_MAP, EXO_PERM_W,
		     0), 1);
	return (uint64_t)p;
}

/* Guarantees the pages libos allocated for our exception stack. */
static inline void
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

extern char probe_insn[], probe_done[];

/* Reads va; PROBE_FAULT if that faults and the page-fault handler lets
 * probe_resume() have the fault. */
static uint64_t __attribute__((noinline, unused))
probe(uint64_t va)
{
	uint64_t v;

	__asm__ volatile(".globl probe_insn, probe_done\n"
			 "probe_insn: movq (%1), %0\n"
			 "probe_done:"
			 : "=a"(v)
			 : "r"(va)
			 : "memory");
	return v;
}

/* For a page-fault handler: if f is probe()'s load, makes it return
 * PROBE_FAULT and says 1; any other fault is left alone (0). */
static inline int
probe_resume(struct exo_excframe *f)
{
	if (f->rip != (uint64_t)probe_insn)
		return 0;
	f->rip = (uint64_t)probe_done;
	f->rax = PROBE_FAULT;
	return 1;
}

/* ---- the parent ---- */

static inline void
sleep_ms(uint64_t ms)
{
	uint64_t t0 = time_ns();

	while (time_ns() - t0 < ms * 1000000)
		exo_yield(EXO_ENV_ANY);
}

/*
 * Waits, yielding to the child, until *w is at least v; fails the test if
 * the child dies first or timeout_ns pass (destroying it).
 */
static inline void
wait_word(struct child *c, volatile uint64_t *w, uint64_t v,
    uint64_t timeout_ns, const char *what)
{
	struct exo_envinfo in;
	uint64_t t0 = time_ns();

	while (*w < v) {
		CHECK_EQ(exo_env_info(c->env, &in), 0);
		if (in.state == EXO_ENV_DEAD) {
			printf(TEST_NAME ": child died waiting for %s: "
			       "cause %u status %ld trap %u addr %lx\n", what,
			    in.cause, (long)in.status, in.trapno,
			    in.fault_addr);
			exit(1);
		}
		if (time_ns() - t0 > timeout_ns) {
			printf(TEST_NAME ": timed out waiting for %s\n", what);
			exo_env_destroy(c->env);
			exit(1);
		}
		exo_yield(c->id);
	}
}

/* The same, for at most CHILD_TIMEOUT_NS. */
static inline void
wait_until(struct child *c, volatile uint64_t *w, uint64_t v, const char *what)
{
	wait_word(c, w, v, CHILD_TIMEOUT_NS, what);
}

/* Waits, yielding to the child, until *w is nonzero; fails if it dies. */
static inline void
wait_for(struct child *c, volatile uint64_t *w, const char *what)
{
	wait_until(c, w, 1, what);
}

/* Maps NMINE fresh pages at MY_VA, page i holding MYPAT ^ i; returns the
 * first of their slots. */
static inline exo_slot_t
mine_alloc(void)
{
	exo_slot_t mine;

	CHECK_EQ(page_alloc_map(MY_VA, NMINE, EXO_PERM_W, &mine), 0);
	for (uint64_t i = 0; i < NMINE; i++)
		*(volatile uint64_t *)(MY_VA + i * EXO_PGSIZE) = MYPAT ^ i;
	return mine;
}

/* Our own pages still hold what mine_alloc put there. */
static inline void
check_mine(void)
{
	for (uint64_t i = 0; i < NMINE; i++)
		CHECK_EQ(*(volatile uint64_t *)(MY_VA + i * EXO_PGSIZE), MYPAT ^ i);
}

/* Checks our own pages one last time, then unmaps and frees them. */
static inline void
mine_free(exo_slot_t mine)
{
	check_mine();
	CHECK_EQ(page_unmap(MY_VA, NMINE), 1);
	for (uint64_t i = 0; i < NMINE; i++)
		CHECK_EQ(exo_cap_delete(mine + i), 0);
	slot_free_range(mine, NMINE);
}

/* Fresh pages, filled from src at off, bound at va in the child, and
 * left to it: our capabilities go, but the pages stay ours. */
static inline void
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
static inline void
spawn_unowned(char **argv, struct child *c)
{
	uint64_t size;
	const uint8_t *file = bootimg_file(TEST_NAME, &size);
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
	/* The start block and the strings at the top of the stack. */
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

#endif
