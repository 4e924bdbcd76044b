/*
 * Starting programs from the boot image, entirely at user level: create an
 * environment, fill pages with its segments through a scratch window in our
 * own address space, bind them into its address space, give it the console
 * and start it.  Pages are bound into the child and our capabilities for
 * them dropped, so they are freed with the child.
 *
 * The pages are given to the child (page_give): it owns them, so revocation
 * asks it, not us, for them.  Init holds capabilities for the boot image's
 * pages (from the kernel) and binds the image into its children too.
 */
#include "../lib/bootimg.h"
#include "../lib/elf.h"
#include "exos.h"
#include "internal.h"

uint64_t exos_bootimg_size;
static int64_t img_slot = -1; /* our capabilities for the image pages */
static uint64_t img_pages;

/*
 * We hold read-only capabilities for the image's pages from slot first:
 * init from the kernel (EXO_INFO->bootimg_slot), a program init passed the
 * image on to (SPAWN_CAP_BOOTIMG) from EXOS_IMG_SLOT0.
 */
void
bootimg_adopt(uint64_t first)
{
	const struct exo_bootimg *k = (const void *)EXO_BOOTIMG_VA;

	exos_bootimg_size = k->size;
	img_slot = (int64_t)first;
	img_pages = EXO_INFO->bootimg_pages;
	for (uint64_t i = 0; i < img_pages; i++)
		slot_mark_used((uint64_t)img_slot + i);
}

const void *
bootimg_file(const char *name, uint64_t *size)
{
	const struct exo_bootimg *img = (const void *)EXO_BOOTIMG_VA;
	const struct exo_bootimg_file *f;

	if (exos_bootimg_size == 0 || bootimg_check(img, exos_bootimg_size) < 0 ||
	    (f = bootimg_find(img, name)) == NULL)
		return NULL;
	*size = f->size;
	return (const char *)img + f->offset;
}

/*
 * Allocates npages pages, lets fill() write them through the scratch
 * window, then binds them at va in the child with perm, gives the child
 * ownership and a capability for each (from slot EXOS_PAGE_SLOT0 on, in
 * the order its pages were made), and drops ours.
 */
static int64_t
give_pages(struct child *c, uint64_t va, uint64_t npages, int perm,
    void (*fill)(uint8_t *win, void *arg), void *arg)
{
	exo_slot_t s;
	int64_t r = page_alloc_map(EXOS_SCRATCH, npages, EXO_PERM_W, &s);

	if (r < 0)
		return r;
	fill((uint8_t *)EXOS_SCRATCH, arg);
	page_unmap(EXOS_SCRATCH, npages);
	struct exo_ptop o = { va, s, (uint32_t)npages, EXO_PT_MAP,
		(uint8_t)perm, 0, 0 };
	r = exo_pt_batch(c->vspace, &o, 1);
	for (uint64_t i = 0; i < npages; i++) {
		if (r >= 0)
			r = exo_cap_copy(s + i, c->env, EXOS_PAGE_SLOT0 + c->npages++,
			    EXO_R_READ | EXO_R_WRITE | EXO_R_EXEC | EXO_R_GRANT);
		if (r >= 0)
			r = exo_page_give(s + i, c->env);
		exo_cap_delete(s + i);
	}
	slot_free_range(s, npages);
	return r;
}

/* The pages from va on that hold part of a segment, filled from the file. */
struct segfill {
	const uint8_t *file;
	const struct elf_seg *seg;
	uint64_t va;
	uint64_t npages;
};

static void
fill_segment(uint8_t *win, void *arg)
{
	struct segfill *f = arg;
	uint64_t lo = f->seg->vaddr, hi = f->seg->vaddr + f->seg->filesz;

	if (lo < f->va)
		lo = f->va;
	if (hi > f->va + f->npages * EXO_PGSIZE)
		hi = f->va + f->npages * EXO_PGSIZE;
	if (lo < hi)
		memcpy(win + (lo - f->va), f->file + f->seg->offset + (lo - f->seg->vaddr),
		    hi - lo);
}

/* What a child gets for an image page it shares: no right to write it. */
#define SHARED_RIGHTS (EXO_R_READ | EXO_R_EXEC | EXO_R_GRANT)

/*
 * Can page k of read-only segment i (its bytes from file offset off on)
 * be the boot image's own page?  Only if the file is in the image, the
 * segment's offset and address agree within a page (they must, for
 * mmap), nothing of it is zero-filled, and no other segment's bytes share
 * that page of the file (they would appear at two addresses).
 */
static int
shareable(const uint8_t *file, const struct elf_image *elf, int i, uint64_t off)
{
	const struct elf_seg *sg = &elf->seg[i];

	if (img_slot < 0 || (uint64_t)file < EXO_BOOTIMG_VA ||
	    (uint64_t)file - EXO_BOOTIMG_VA >= exos_bootimg_size ||
	    ((uint64_t)file & (EXO_PGSIZE - 1)) || (sg->flags & PF_W) ||
	    sg->filesz != sg->memsz ||
	    (sg->offset & (EXO_PGSIZE - 1)) != (sg->vaddr & (EXO_PGSIZE - 1)))
		return 0;
	for (int j = 0; j < elf->nsegs; j++)
		if (j != i && elf->seg[j].filesz &&
		    elf->seg[j].offset < off + EXO_PGSIZE &&
		    off < elf->seg[j].offset + elf->seg[j].filesz)
			return 0;
	return 1;
}

/* Binds npages image pages, the first at image offset off, at va in c. */
static int64_t
share_pages(struct child *c, const uint8_t *file, uint64_t off, uint64_t va,
    uint64_t npages, int perm)
{
	uint64_t first = (uint64_t)img_slot + ((uint64_t)file - EXO_BOOTIMG_VA + off) /
	    EXO_PGSIZE;
	struct exo_ptop o = { va, first, (uint32_t)npages, EXO_PT_MAP, (uint8_t)perm, 0, 0 };
	int64_t r = exo_pt_batch(c->vspace, &o, 1);

	for (uint64_t i = 0; i < npages && r >= 0; i++)
		r = exo_cap_copy(first + i, c->env, EXOS_PAGE_SLOT0 + c->npages++,
		    SHARED_RIGHTS);
	return r;
}

struct argfill {
	char *const *argv;
	uint64_t argc, strbytes, bootimg_size;
	uint64_t npages; /* capabilities for its pages the child will hold */
};

/* The start block and the strings, in the stack's top page. */
static void
fill_args(uint8_t *win, void *arg)
{
	struct argfill *a = arg;
	uint8_t *top = win + EXOS_STACK_PAGES * EXO_PGSIZE;
	uint64_t top_va = EXOS_STACK_TOP;
	char *str = (char *)top - a->strbytes;
	uint64_t str_va = top_va - a->strbytes;
	struct exos_startblock *sb =
	    (void *)(((uint64_t)str - sizeof(*sb) - (a->argc + 1) * 8) & ~15UL);

	sb->argc = a->argc;
	sb->bootimg_size = a->bootimg_size;
	sb->npages = a->npages;
	for (uint64_t i = 0; i < a->argc; i++) {
		size_t n = strlen(a->argv[i]) + 1;
		memcpy(str, a->argv[i], n);
		sb->argv[i] = (char *)str_va;
		str += n;
		str_va += n;
	}
	sb->argv[a->argc] = NULL;
}

static uint64_t
startblock_va(const struct argfill *a)
{
	return (EXOS_STACK_TOP - a->strbytes - sizeof(struct exos_startblock) -
	    (a->argc + 1) * 8) & ~15UL;
}

/*
 * Gives the child its loadable segments: pages of its own, filled from the
 * file, except that the pages of a read-only segment (text, read-only
 * data) of a file in the boot image are the image's pages themselves,
 * shared by every process that runs it, as a page cache lets Linux share
 * them.  Runs of either kind go in one call each.
 */
static int
give_segments(struct child *c, const uint8_t *file, const struct elf_image *elf)
{
	int64_t r;

	for (int i = 0; i < elf->nsegs; i++) {
		const struct elf_seg *sg = &elf->seg[i];
		uint64_t base = sg->vaddr & ~(EXO_PGSIZE - 1);
		uint64_t end = (sg->vaddr + sg->memsz + EXO_PGSIZE - 1) & ~(EXO_PGSIZE - 1);
		uint64_t off0 = sg->offset - (sg->vaddr - base); /* of base's bytes */
		int perm = (sg->flags & PF_W ? EXO_PERM_W : 0) |
		    (sg->flags & PF_X ? EXO_PERM_X : 0);
		for (uint64_t va = base; va < end;) {
			int share = shareable(file, elf, i, off0 + (va - base));
			uint64_t n = 1;
			while (va + n * EXO_PGSIZE < end &&
			    shareable(file, elf, i, off0 + (va - base) + n * EXO_PGSIZE) == share)
				n++;
			if (share) {
				r = share_pages(c, file, off0 + (va - base), va, n, perm);
			} else {
				struct segfill f = { file, sg, va, n };
				r = give_pages(c, va, n, perm, fill_segment, &f);
			}
			if (r < 0)
				return (int)r;
			va += n * EXO_PGSIZE;
		}
	}
	return 0;
}

/* Gives the child the loadable segments of an ELF file; fills *elf. */
static int
load_segments(struct child *c, const uint8_t *file, uint64_t size,
    struct elf_image *elf)
{
	if (elf_parse(file, size, EXOS_SCRATCH, elf) < 0)
		return EXO_EINVAL;
	return give_segments(c, file, elf);
}

static int
load(struct child *c, const uint8_t *file, uint64_t size, struct argfill *a,
    uint64_t *entry)
{
	struct elf_image elf;
	int64_t r;

	if ((r = load_segments(c, file, size, &elf)) < 0)
		return (int)r;
	a->npages = c->npages + EXOS_STACK_PAGES;
	r = give_pages(c, EXOS_STACK_TOP - EXOS_STACK_PAGES * EXO_PGSIZE,
	    EXOS_STACK_PAGES, EXO_PERM_W, fill_args, a);
	if (r < 0)
		return (int)r;
	if (a->bootimg_size && img_slot >= 0) {
		struct exo_ptop o = { EXO_BOOTIMG_VA, (uint64_t)img_slot,
			(uint32_t)img_pages, EXO_PT_MAP, EXO_PERM_R, 0, 0 };
		if ((r = exo_pt_batch(c->vspace, &o, 1)) < 0)
			return (int)r;
	}
	*entry = elf.entry;
	return 0;
}

/* A new, empty environment, with our capabilities for it in two new slots. */
static int
child_create(struct child *out)
{
	int64_t r, se, sv;

	if ((se = slot_alloc()) < 0)
		return (int)se;
	if ((sv = slot_alloc()) < 0) {
		slot_free((uint64_t)se);
		return (int)sv;
	}
	out->env = (uint64_t)se;
	out->vspace = (uint64_t)sv;
	if ((r = exo_env_create(out->env, out->vspace)) < 0) {
		slot_free(out->env);
		slot_free(out->vspace);
		return (int)r;
	}
	out->id = (exo_envid_t)r;
	out->npages = 0;
	return 0;
}

/*
 * The boot image's page capabilities, into the child's slots from
 * EXOS_IMG_SLOT0, so that it can pass the image on to programs it starts.
 */
static int
share_image(struct child *c)
{
	struct exo_capinfo ci;

	if (img_slot < 0 || exo_cap_info((uint64_t)img_slot, &ci) < 0)
		return EXO_ENOENT;
	for (uint64_t i = 0; i < img_pages; i++) {
		int64_t r = exo_cap_copy((uint64_t)img_slot + i, c->env,
		    EXOS_IMG_SLOT0 + i, ci.rights);
		if (r < 0)
			return (int)r;
	}
	return 0;
}

static int
copy_caps(struct child *c, const struct spawn_cap *caps, int n)
{
	for (int i = 0; i < n; i++) {
		int64_t r = caps[i].src == SPAWN_CAP_BOOTIMG ? share_image(c)
		    : exo_cap_copy(caps[i].src, c->env, caps[i].dst, caps[i].rights);
		if (r < 0)
			return (int)r;
	}
	return 0;
}

int
spawn_image(const void *file, uint64_t size, char *const argv[],
    struct child *out)
{
	return spawn_image_caps(file, size, argv, NULL, 0, out);
}

/*
 * As spawn_image, and copies ncaps capabilities into the child's list
 * before it starts.
 */
int
spawn_image_caps(const void *file, uint64_t size, char *const argv[],
    const struct spawn_cap *caps, int ncaps, struct child *out)
{
	struct argfill a = { argv, 0, 0, img_slot >= 0 ? exos_bootimg_size : 0, 0 };
	uint64_t entry;
	int64_t r;

	for (; argv[a.argc]; a.argc++)
		a.strbytes += strlen(argv[a.argc]) + 1;
	if (a.strbytes + sizeof(struct exos_startblock) + (a.argc + 3) * 8 >
	    EXO_PGSIZE)
		return EXO_ERANGE;
	if ((r = child_create(out)) < 0)
		return (int)r;
	if ((r = load(out, file, size, &a, &entry)) < 0 ||
	    (r = exo_cap_copy(EXO_SLOT_CONSOLE, out->env, EXO_SLOT_CONSOLE,
		 EXO_R_READ | EXO_R_WRITE | EXO_R_GRANT)) < 0 ||
	    (r = copy_caps(out, caps, ncaps)) < 0 ||
	    (r = exo_env_start(out->env, entry, startblock_va(&a),
		 startblock_va(&a))) < 0) {
		exo_env_destroy(out->env);
		child_release(out);
		return (int)r;
	}
	return 0;
}

/* What fill_linux lays out on a Linux program's stack. */
struct linuxfill {
	struct argfill rt;        /* the runtime's own start block */
	char *const *argv, *const *envp;
	uint64_t argc, envc, strbytes;
	uint64_t npages;          /* of the stack, all made now */
	uint64_t phdr, phnum, entry, brk, base;
	uint64_t handoff_va;      /* out */
	uint64_t sp;              /* out: the program's initial rsp */
};

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_SECURE 23
#define AT_RANDOM 25
#define NAUXV 13

/* As Linux's ARG_MAX: what argv and envp may take together. */
#define LINUX_ARG_MAX (2UL << 20)

/*
 * The stack Linux gives a new program (argc, argv, envp, auxv, then the
 * strings and 16 random bytes above them) below EXOS_LINUX_SP_TOP, the
 * handoff above it, and the runtime's own start block at the very top.
 */
static void
fill_linux(uint8_t *win, void *arg)
{
	struct linuxfill *l = arg;
	uint64_t lo = EXOS_STACK_TOP - l->npages * EXO_PGSIZE;
#define VA2WIN(va) (win + ((va) - lo))
	uint64_t top = EXOS_LINUX_SP_TOP - sizeof(struct exos_linux_handoff);
	struct exos_linux_handoff *h = (void *)VA2WIN(top);
	uint64_t strva = top - l->strbytes, random_va = (strva - 16) & ~15UL;
	uint64_t x = rdtsc() ^ 0x9e3779b97f4a7c15UL;

	l->handoff_va = top;
	for (int i = 0; i < 16; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		*VA2WIN(random_va + (uint64_t)i) = (uint8_t)x;
	}
	uint64_t auxv[NAUXV][2] = {
		{ AT_PHDR, l->phdr }, { AT_PHENT, 56 }, { AT_PHNUM, l->phnum },
		{ AT_PAGESZ, EXO_PGSIZE }, { AT_BASE, 0 }, { AT_ENTRY, l->entry },
		{ AT_UID, 0 }, { AT_EUID, 0 }, { AT_GID, 0 }, { AT_EGID, 0 },
		{ AT_SECURE, 0 }, { AT_RANDOM, random_va }, { AT_NULL, 0 },
	};
	uint64_t words = 1 + l->argc + 1 + l->envc + 1 + NAUXV * 2;
	uint64_t va = (random_va - words * 8) & ~15UL;
	l->sp = va;
	uint64_t *w = (uint64_t *)VA2WIN(va);
	*w++ = l->argc;
	if (l->argc == 0)
		*w++ = 0;
	for (uint64_t i = 0; i < l->argc + l->envc; i++) {
		const char *str = i < l->argc ? l->argv[i] : l->envp[i - l->argc];
		size_t n = strlen(str) + 1;
		memcpy(VA2WIN(strva), str, n);
		*w++ = strva;
		strva += n;
		if (i + 1 == l->argc)
			*w++ = 0;
	}
	*w++ = 0;
	memcpy(w, auxv, sizeof(auxv));
	h->entry = l->entry;
	h->sp = l->sp;
	h->brk = l->brk;
	h->stack_lo = lo;
#undef VA2WIN
	/* The runtime's start block, at the top of the window. */
	uint8_t *topwin = win + (l->npages - EXOS_STACK_PAGES) * EXO_PGSIZE;
	fill_args(topwin, &l->rt);
}

/* Where a static-PIE program goes; a fixed-address one stays put. */
#define PIE_BASE 0x0000555555554000UL

/*
 * Builds, in a new environment, the static Linux program prog with ExOS's
 * runtime (the boot image's "exos") beside it to answer its system calls,
 * and the stack Linux would give it; does not start it.  The caller adds
 * what else the program needs (capabilities, mappings), then starts it at
 * *rip with *arg (exo_env_start(out->env, *rip, *arg, *arg)).
 * EXO_ENOENT: no runtime.  EXO_EINVAL: prog is not a static x86-64 ELF
 * program.  EXO_ERANGE: argv and envp do not fit the stack.
 */
int
spawn_linux_image(const void *prog, uint64_t psize, char *const argv[],
    char *const envp[], struct child *out, uint64_t *rip, uint64_t *arg)
{
	uint64_t rsize;
	const uint8_t *rfile = bootimg_file("exos", &rsize);
	struct elf_image le, re;
	struct linuxfill l;
	char hex[24];
	char *rtargv[] = { "exos", "--linux", hex, NULL };
	int64_t r;

	if (rfile == NULL)
		return EXO_ENOENT;
	memset(&l, 0, sizeof(l));
	l.argv = argv;
	l.envp = envp;
	for (; argv[l.argc]; l.argc++)
		l.strbytes += strlen(argv[l.argc]) + 1;
	for (; envp[l.envc]; l.envc++)
		l.strbytes += strlen(envp[l.envc]) + 1;
	uint64_t argbytes = l.strbytes + (l.argc + l.envc + 3 + NAUXV * 2) * 8 + 64;
	if (argbytes > LINUX_ARG_MAX)
		return EXO_ERANGE;
	/* The usual stack, and as many pages again as the arguments take. */
	l.npages = EXOS_LINUX_STACK_PAGES + (argbytes + EXO_PGSIZE - 1) / EXO_PGSIZE;
	if (elf_parse(prog, psize, EXOS_SCRATCH, &le) < 0 || le.native)
		return EXO_EINVAL;
	if (le.type == ET_DYN) {
		/* Static PIE: it relocates itself from AT_PHDR. */
		le.entry += PIE_BASE;
		for (int i = 0; i < le.nsegs; i++)
			le.seg[i].vaddr += PIE_BASE;
		l.base = PIE_BASE;
	}
	if ((r = child_create(out)) < 0)
		return (int)r;
	if ((r = give_segments(out, prog, &le)) < 0 ||
	    (r = load_segments(out, rfile, rsize, &re)) < 0)
		goto fail;
	/* Where the program headers are mapped, and where its data ends. */
	const struct elf64_ehdr *eh = prog;
	for (int i = 0; i < le.nsegs; i++) {
		if (le.seg[i].offset == 0)
			l.phdr = le.seg[i].vaddr + eh->e_phoff;
		uint64_t end = le.seg[i].vaddr + le.seg[i].memsz;
		if (end > l.brk)
			l.brk = end;
	}
	l.phnum = eh->e_phnum;
	l.entry = le.entry;
	l.brk = (l.brk + EXO_PGSIZE - 1) & ~(EXO_PGSIZE - 1);
	/* The handoff's address is known before the stack is filled. */
	l.handoff_va = EXOS_LINUX_SP_TOP - sizeof(struct exos_linux_handoff);
	snprintf(hex, sizeof(hex), "%lx", l.handoff_va);
	l.rt = (struct argfill){ rtargv, 3, 0, 0, 0 };
	for (int i = 0; i < 3; i++)
		l.rt.strbytes += strlen(rtargv[i]) + 1;
	l.rt.npages = out->npages + l.npages;
	r = give_pages(out, EXOS_STACK_TOP - l.npages * EXO_PGSIZE, l.npages,
	    EXO_PERM_W, fill_linux, &l);
	if (r < 0 ||
	    (r = exo_cap_copy(EXO_SLOT_CONSOLE, out->env, EXO_SLOT_CONSOLE,
		 EXO_R_READ | EXO_R_WRITE | EXO_R_GRANT)) < 0)
		goto fail;
	*rip = re.entry;
	*arg = startblock_va(&l.rt);
	return 0;
fail:
	exo_env_destroy(out->env);
	child_release(out);
	return (int)r;
}

/* The same, for a program in the boot image, started at once. */
int
spawn_linux(const char *name, char *const argv[], char *const envp[],
    const struct spawn_cap *caps, int ncaps, struct child *out)
{
	uint64_t size, rip, arg;
	const uint8_t *file = bootimg_file(name, &size);
	int r;

	if (file == NULL)
		return EXO_ENOENT;
	if ((r = spawn_linux_image(file, size, argv, envp, out, &rip, &arg)) < 0)
		return r;
	if ((r = copy_caps(out, caps, ncaps)) < 0 ||
	    (r = (int)exo_env_start(out->env, rip, arg, arg)) < 0) {
		exo_env_destroy(out->env);
		child_release(out);
	}
	return r;
}

int
spawn(const char *name, char *const argv[], struct child *out)
{
	return spawn_caps(name, argv, NULL, 0, out);
}

/* Is name in the boot image a Linux program rather than a native one? */
int
bootimg_is_linux(const char *name)
{
	uint64_t size;
	const void *file = bootimg_file(name, &size);
	struct elf_image elf;

	return file && elf_parse(file, size, EXOS_SCRATCH, &elf) == 0 && !elf.native;
}

int
spawn_caps(const char *name, char *const argv[], const struct spawn_cap *caps,
    int ncaps, struct child *out)
{
	uint64_t size;
	const void *file = bootimg_file(name, &size);

	if (file == NULL)
		return EXO_ENOENT;
	return spawn_image_caps(file, size, argv, caps, ncaps, out);
}

/*
 * Waits, yielding to the child (or asleep while it cannot run), until it
 * has exited or timeout_ns has passed (0: forever).  Returns 0 with its
 * record in *out, or EXO_EAGAIN on timeout.
 */
int
child_wait(struct child *c, uint64_t timeout_ns, struct exo_envinfo *out)
{
	uint64_t deadline = timeout_ns ? tsc_after_ns(timeout_ns) : 0;
	int r;

	for (;;) {
		uint64_t exits = EXO_INFO->env_exits;
		if ((r = (int)exo_env_info(c->env, out)) < 0)
			return r;
		if (out->state == EXO_ENV_DEAD)
			return 0;
		if (deadline && rdtsc() >= deadline)
			return EXO_EAGAIN;
		/* It cannot run now (asleep, stopped, waiting for a reply):
		 * sleep until something ends. */
		if (exo_yield(c->id) == EXO_EAGAIN)
			exos_sleep_change(&EXO_INFO->env_exits, exits, deadline);
	}
}

/* Drops our capabilities for the child; its record goes with them. */
void
child_release(struct child *c)
{
	exo_cap_delete(c->env);
	exo_cap_delete(c->vspace);
	slot_free(c->env);
	slot_free(c->vspace);
}
