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

/* Init: the kernel gave us read-only capabilities for the image's pages. */
void
bootimg_adopt(void)
{
	const struct exo_bootimg *k = (const void *)EXO_BOOTIMG_VA;

	exos_bootimg_size = k->size;
	img_slot = (int64_t)EXO_INFO->bootimg_slot;
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

struct segfill {
	const uint8_t *file;
	const struct elf_seg *seg;
	uint64_t base; /* page-aligned start of the segment */
};

static void
fill_segment(uint8_t *win, void *arg)
{
	struct segfill *f = arg;

	memcpy(win + (f->seg->vaddr - f->base), f->file + f->seg->offset,
	    f->seg->filesz);
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

static int
load(struct child *c, const uint8_t *file, uint64_t size, struct argfill *a,
    uint64_t *entry)
{
	struct elf_image elf;
	int64_t r;

	if (elf_parse(file, size, EXOS_SCRATCH, &elf) < 0)
		return EXO_EINVAL;
	for (int i = 0; i < elf.nsegs; i++) {
		const struct elf_seg *sg = &elf.seg[i];
		uint64_t base = sg->vaddr & ~(EXO_PGSIZE - 1);
		uint64_t end = (sg->vaddr + sg->memsz + EXO_PGSIZE - 1) & ~(EXO_PGSIZE - 1);
		struct segfill f = { file, sg, base };
		int perm = (sg->flags & PF_W ? EXO_PERM_W : 0) |
		    (sg->flags & PF_X ? EXO_PERM_X : 0);
		r = give_pages(c, base, (end - base) / EXO_PGSIZE, perm,
		    fill_segment, &f);
		if (r < 0)
			return (int)r;
	}
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

static int
copy_caps(struct child *c, const struct spawn_cap *caps, int n)
{
	for (int i = 0; i < n; i++) {
		int64_t r = exo_cap_copy(caps[i].src, c->env, caps[i].dst, caps[i].rights);
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
	int64_t r, se, sv;

	for (; argv[a.argc]; a.argc++)
		a.strbytes += strlen(argv[a.argc]) + 1;
	if (a.strbytes + sizeof(struct exos_startblock) + (a.argc + 3) * 8 >
	    EXO_PGSIZE)
		return EXO_ERANGE;
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

int
spawn(const char *name, char *const argv[], struct child *out)
{
	return spawn_caps(name, argv, NULL, 0, out);
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
 * Waits, yielding to the child, until it has exited or timeout_ns has
 * passed (0: forever).  Returns 0 with its record in *out, or EXO_EAGAIN on
 * timeout.
 */
int
child_wait(struct child *c, uint64_t timeout_ns, struct exo_envinfo *out)
{
	uint64_t start = time_ns();
	int r;

	for (;;) {
		if ((r = (int)exo_env_info(c->env, out)) < 0)
			return r;
		if (out->state == EXO_ENV_DEAD)
			return 0;
		if (timeout_ns && time_ns() - start > timeout_ns)
			return EXO_EAGAIN;
		exo_yield(c->id);
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
