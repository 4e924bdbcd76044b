/*
 * The kernel starts exactly one program itself: the boot image's "init".
 * Everything after that (loading other programs, giving them capabilities)
 * is done by user code.  Init gets its code and data pages, a stack, the
 * whole boot image mapped read-only at EXO_BOOTIMG_VA (its address in rdi),
 * capabilities for the console and the machine in slots 2 and 3, and
 * capabilities to read and execute (not write) the image's pages from
 * EXO_UINFO's bootimg_slot on: programs' text runs from them, shared.  Its pages are bound with every right, so init may change
 * their protection; it owns them and they are guaranteed.
 */
#include "../lib/bootimg.h"
#include "../lib/elf.h"
#include "arch.h"
#include "bootinfo.h"
#include "env.h"
#include "kern.h"
#include "loader.h"
#include "pmem.h"

#define INIT_STACK_TOP 0x00007d0000000000UL
#define BOOTIMG_SLOT 64
#define INIT_STACK_PAGES 16

/* Maps a fresh zeroed page at va in e, or returns the page already there. */
static void *
init_page(struct env *e, uint64_t va, uint32_t flags)
{
	uint64_t *pte = arch_pte(e->root, va, 1);

	if (pte == NULL)
		panic("loader: out of memory starting init");
	if (!(*pte & EXO_PTE_P)) {
		int64_t ppn = pmem_alloc_user(EXO_PPN_ANY, e);
		if (ppn < 0)
			panic("loader: out of memory starting init");
		pmem_incref((uint64_t)ppn);
		if (pmem_guarantee((uint64_t)ppn, 1) < 0)
			panic("loader: init needs more than %lu guaranteed pages",
			    info->guarantee_max);
		*pte = (uint64_t)ppn << PGSHIFT | EXO_PTE_P | EXO_PTE_U |
		    EXO_PTE_MAYW | EXO_PTE_MAYX | EXO_PTE_NX;
	}
	if (flags & PF_W)
		*pte |= EXO_PTE_W;
	if (flags & PF_X)
		*pte &= ~EXO_PTE_NX;
	return arch_kva(*pte & EXO_PTE_ADDR);
}

static void
load_segment(struct env *e, const uint8_t *file, const struct elf_seg *s)
{
	for (uint64_t va = ROUNDDOWN(s->vaddr, PGSIZE); va < s->vaddr + s->memsz;
	     va += PGSIZE) {
		uint8_t *page = init_page(e, va, s->flags);
		/* The part of the file that lands in this page. */
		uint64_t lo = va > s->vaddr ? va : s->vaddr;
		uint64_t hi = va + PGSIZE;
		if (hi > s->vaddr + s->filesz)
			hi = s->vaddr + s->filesz;
		if (lo < hi)
			memcpy(page + (lo - va), file + s->offset + (lo - s->vaddr),
			    hi - lo);
	}
}

static void
grant(struct env *e, exo_slot_t slot, int type, uint32_t rights, uint64_t name)
{
	struct cap *c;

	if (cap_empty_slot(&e->cs, slot, &c) < 0)
		panic("loader: cannot fill init's slot %lu", slot);
	cap_fill(c, NULL, type, rights, name);
}

void
loader_start_init(const struct bootinfo *bi)
{
	const struct exo_bootimg *img = arch_kva(bi->image_pa);
	const struct exo_bootimg_file *f;
	struct elf_image elf;
	struct env *e;
	int r;

	if (bootimg_check(img, bi->image_size) < 0)
		panic("loader: the boot module is not a valid boot image");
	if ((f = bootimg_find(img, "init")) == NULL)
		panic("loader: the boot image has no file named init");
	const uint8_t *file = (const uint8_t *)img + f->offset;
	if ((r = elf_parse(file, f->size, EXO_BOOTIMG_VA, &elf)) < 0)
		panic("loader: init: %s", elf_strerror(r));
	if (elf.type != ET_EXEC)
		panic("loader: init must be a static ET_EXEC executable");
	if ((r = env_create(NULL, &e)) < 0)
		panic("loader: cannot create init: %s", exo_strerror(r));
	for (int i = 0; i < elf.nsegs; i++)
		load_segment(e, file, &elf.seg[i]);
	for (uint64_t i = 1; i <= INIT_STACK_PAGES; i++)
		init_page(e, INIT_STACK_TOP - i * PGSIZE, PF_W);
	for (uint64_t off = 0; off < bi->image_size; off += PGSIZE)
		if (env_map_kernel_page(e, EXO_BOOTIMG_VA + off,
			bi->image_pa + off, EXO_PTE_NX) < 0)
			panic("loader: out of memory mapping the boot image");
	grant(e, EXO_SLOT_CONSOLE, EXO_CAP_CONSOLE, EXO_R_ALL, 0);
	grant(e, EXO_SLOT_MACHINE, EXO_CAP_MACHINE, EXO_R_ALL, 0);
	/* The image's pages, so init can bind them into the programs it starts. */
	info->bootimg_slot = BOOTIMG_SLOT;
	info->bootimg_pages = ROUNDUP(bi->image_size, PGSIZE) / PGSIZE;
	for (uint64_t i = 0; i < info->bootimg_pages; i++)
		grant(e, BOOTIMG_SLOT + i, EXO_CAP_PAGE,
		    EXO_R_READ | EXO_R_EXEC | EXO_R_GRANT,
		    (bi->image_pa >> PGSHIFT) + i);
	env_start(e, elf.entry, INIT_STACK_TOP, EXO_BOOTIMG_VA);
	kprintf("loader: init is env %x, %lu bytes of boot image\n", e->id,
	    bi->image_size);
}
