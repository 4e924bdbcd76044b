/*
 * Helpers shared by the in-guest tests (header only: every .c file in
 * tests/guest becomes a program).  Parsing numbers from argv, running a
 * helper program to its end, and the fixed addresses the tests and their
 * helpers agree on.
 */
#ifndef TESTS_GUEST_TUTIL_H
#define TESTS_GUEST_TUTIL_H

#include "check.h"

/* Virtual address ranges nothing else in a test program uses. */
#define TEST_VA 0x0000500000000000UL  /* a test's own mappings */
#define CHILD_VA 0x0000510000000000UL /* where helpers map what they get */

/* A helper's capability slot for things its parent grants it. */
#define CHILD_SLOT 1000UL

/* How long a test waits for a helper that should end by itself. */
#define CHILD_TIMEOUT_NS (20ULL * 1000000000ULL)

/* Kernel addresses: the direct map and the kernel image. */
#define KADDR_PHYSMAP 0xffff800000000000UL
#define KADDR_KERNBASE 0xffffffff80000000UL

/* Slices of the time-slice vector that nobody holds. */
static inline int
free_slices(void)
{
	int n = 0;

	for (int i = 0; i < EXO_NSLICES; i++)
		n += EXO_INFO->slice_env[i] == 0;
	return n;
}

/* Reads a decimal or 0x-prefixed hexadecimal number, optionally negative. */
static inline int64_t
parse_num(const char *s)
{
	int neg = 0;
	uint64_t v = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (s += 2; *s; s++) {
			int d;
			if (*s >= '0' && *s <= '9')
				d = *s - '0';
			else if (*s >= 'a' && *s <= 'f')
				d = *s - 'a' + 10;
			else if (*s >= 'A' && *s <= 'F')
				d = *s - 'A' + 10;
			else
				break;
			v = v * 16 + (uint64_t)d;
		}
	} else {
		for (; *s >= '0' && *s <= '9'; s++)
			v = v * 10 + (uint64_t)(*s - '0');
	}
	return neg ? -(int64_t)v : (int64_t)v;
}

/* Formats v as 0x... into buf (at least 19 bytes). */
static inline char *
fmt_hex(char *buf, size_t n, uint64_t v)
{
	snprintf(buf, n, "0x%lx", v);
	return buf;
}

/*
 * Spawns argv[0] with argv, waits up to timeout_ns for it to end
 * (destroying it if it does not) and releases it.  Returns 0 with its
 * record in *in, EXO_EAGAIN if it had to be destroyed, or spawn's error.
 */
static inline int
run_child_for(char **argv, uint64_t timeout_ns, struct exo_envinfo *in)
{
	struct child c;
	int r = spawn(argv[0], argv, &c);

	if (r < 0)
		return r;
	r = child_wait(&c, timeout_ns, in);
	if (r == EXO_EAGAIN)
		exo_env_destroy(c.env);
	child_release(&c);
	return r;
}

/* The same, waiting up to CHILD_TIMEOUT_NS. */
static inline int
run_child(char **argv, struct exo_envinfo *in)
{
	return run_child_for(argv, CHILD_TIMEOUT_NS, in);
}

/*
 * Spawns and reaps one trivial child, so that the page tables spawn() needs
 * in our own address space (for its scratch window) exist before a test
 * starts counting free pages.
 */
static inline void
warm_spawn(void)
{
	char *argv[] = { "h_exit", "0", NULL };
	struct exo_envinfo in;

	CHECK_EQ(run_child(argv, &in), 0);
	CHECK_EQ(in.cause, EXO_CAUSE_EXIT);
	CHECK_EQ(in.status, 0);
}

/* Waits for a child that should end by itself; fails the test if not. */
#define CHECK_WAIT(c, in)                                                \
	do {                                                             \
		int wr_ = child_wait((c), CHILD_TIMEOUT_NS, (in));       \
		if (wr_ == EXO_EAGAIN)                                   \
			exo_env_destroy((c)->env);                       \
		CHECK_EQ(wr_, 0);                                        \
	} while (0)

/* The record says the environment exited by itself with status st. */
#define CHECK_EXITED(in, st)                                             \
	do {                                                             \
		CHECK_EQ((in)->state, EXO_ENV_DEAD);                     \
		CHECK_EQ((in)->cause, EXO_CAUSE_EXIT);                   \
		CHECK_EQ((in)->status, (st));                            \
	} while (0)

/* The record says the environment died of exception trap. */
#define CHECK_FAULTED(in, trap)                                          \
	do {                                                             \
		CHECK_EQ((in)->state, EXO_ENV_DEAD);                     \
		if ((in)->cause != EXO_CAUSE_FAULT) {                    \
			printf("%s:%d: child ended with cause %u status " \
			    "%ld, want a fault (exception %d)\n",        \
			    __FILE__, __LINE__, (in)->cause,             \
			    (long)(in)->status, (trap));                 \
			exit(1);                                         \
		}                                                        \
		CHECK_EQ((in)->trapno, (trap));                          \
	} while (0)

/* Page-fault error-code bits. */
#define PF_P 0x1 /* the page was present: a protection violation */
#define PF_W 0x2 /* the access was a write */
#define PF_U 0x4 /* from user mode */
#define PF_I 0x10 /* an instruction fetch */

/* Unmaps the one page at va and deletes and frees slot s, which held it. */
static inline void
unmap_free(uint64_t va, exo_slot_t s)
{
	CHECK_EQ(page_unmap(va, 1), 1);
	CHECK_EQ(exo_cap_delete(s), 0);
	slot_free(s);
}

/*
 * Makes sure the page tables covering va exist, so that later exact counts
 * of free pages are not disturbed by the kernel allocating them: maps a
 * fresh page there and unmaps it again (page tables are never freed before
 * the address space is).
 */
static inline void
prepare_tables(uint64_t va)
{
	exo_slot_t s;

	CHECK_EQ(page_alloc_map(va, 1, EXO_PERM_W, &s), 0);
	unmap_free(va, s);
}

/* One page-table operation, all fields given. */
static inline int64_t
pt_op(exo_slot_t vspace, uint64_t va, uint64_t slot, uint32_t npages,
    uint8_t op, uint8_t perm, uint8_t soft)
{
	struct exo_ptop o = { va, slot, npages, op, perm, soft, 0 };

	return exo_pt_batch(vspace, &o, 1);
}

/*
 * An EXO_EXC_NM handler for programs that turn the FPU off: turns it back
 * on (lazy switching), counting the times in nm_count.
 */
static volatile uint64_t nm_count;

static inline void
nm_on(int cls, struct exo_excframe *f)
{
	(void)cls;
	(void)f;
	nm_count++;
	exo_fpu(1);
}

/* Is slot empty? */
static inline int
empty(uint64_t slot)
{
	struct exo_capinfo ci;

	return exo_cap_info(slot, &ci) == EXO_ECAP;
}

/* Is bit ppn set in the kernel's free map? */
static inline int
freemap_bit(uint64_t ppn)
{
	return (int)(EXO_FREEMAP[ppn / 64] >> (ppn % 64) & 1);
}

#endif
