/*
 * x86-64 page tables.  The kernel's own tables map all physical memory at
 * PHYSMAP (2 MiB pages) and the kernel image at KERNBASE; every address
 * space shares those kernel-half entries (PML4 slots 256 and 511), so they
 * are created once, here, and never change.  An environment's user half is
 * built by kern/vm.c through arch_pte(); slot 255 maps the PML4 onto itself,
 * read-only and user-visible: that is EXO_UVPT (include/exo/memlayout.h).
 */
#include <exo/memlayout.h>

#include "../../arch.h"
#include "../../kern.h"
#include "x86.h"

#define PTE_P 0x001UL
#define PTE_W 0x002UL
#define PTE_U 0x004UL
#define PTE_PWT 0x008UL
#define PTE_PCD 0x010UL
#define PTE_PS 0x080UL
#define PTE_G 0x100UL
#define PTE_NX (1UL << 63)
#define PTE_ADDR 0x000ffffffffff000UL

#define SLOT_UVPT 255
#define SLOT_PHYSMAP 256
#define SLOT_KERN 511
#define IDX(va, level) ((va) >> (12 + 9 * (level)) & 511)

static uint64_t kern_pml4;

void *
arch_kva(uint64_t pa)
{
	return (void *)(PHYSMAP + pa);
}

static uint64_t *
table(uint64_t entry)
{
	return arch_kva(entry & PTE_ADDR);
}

/* Before the direct map exists, boot pages are reached through KERNBASE. */
static void *
boot_kva(uint64_t pa)
{
	assert(pa < (1UL << 30));
	return (void *)(KERNBASE + pa);
}

void
arch_pmap_init(uint64_t max_pa)
{
	uint64_t *pml4, *pdpt_phys, *pdpt_kern, *pd;

	kern_pml4 = boot_alloc_page();
	pml4 = boot_kva(kern_pml4);
	uint64_t pa = boot_alloc_page();
	pdpt_phys = boot_kva(pa);
	pml4[SLOT_PHYSMAP] = pa | PTE_P | PTE_W;
	pa = boot_alloc_page();
	pdpt_kern = boot_kva(pa);
	pml4[SLOT_KERN] = pa | PTE_P | PTE_W;

	/* The direct map, with 2 MiB pages over whole GiBs. */
	uint64_t gib = (max_pa + (1UL << 30) - 1) >> 30;
	if (gib > 512)
		panic("pmap: %lu GiB of physical memory; at most 512 supported", gib);
	for (uint64_t g = 0; g < gib; g++) {
		pa = boot_alloc_page();
		pd = boot_kva(pa);
		pdpt_phys[g] = pa | PTE_P | PTE_W;
		for (uint64_t i = 0; i < 512; i++)
			pd[i] = (g << 30 | i << 21) | PTE_P | PTE_W | PTE_PS |
			    PTE_G | PTE_NX;
	}
	/* The kernel image: the first GiB again, at KERNBASE. */
	pa = boot_alloc_page();
	pd = boot_kva(pa);
	pdpt_kern[510] = pa | PTE_P | PTE_W;
	for (uint64_t i = 0; i < 512; i++)
		pd[i] = (i << 21) | PTE_P | PTE_W | PTE_PS | PTE_G;
	lcr3(kern_pml4);
}

/* Walks to the leaf entry for va, creating tables on the way if asked. */
uint64_t *
arch_pte(uint64_t root, uint64_t va, int create)
{
	uint64_t *t = arch_kva(root);
	uint64_t user = va < (1UL << 47) ? PTE_U : 0;

	for (int level = 3; level > 0; level--) {
		uint64_t *e = &t[IDX(va, level)];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			uint64_t pa = pmem_alloc_kernel();
			if (pa == 0)
				return NULL;
			*e = pa | PTE_P | PTE_W | user;
		}
		if (*e & PTE_PS)
			panic("arch_pte: %lx is in a large page", va);
		t = table(*e);
	}
	return &t[IDX(va, 0)];
}

uint64_t
arch_pte_span(uint64_t va)
{
	return 512 - IDX(va, 0);
}

int
arch_vspace_init(uint64_t root)
{
	uint64_t *pml4 = arch_kva(root), *kpml4 = arch_kva(kern_pml4);

	for (int i = 256; i < 512; i++)
		pml4[i] = kpml4[i];
	pml4[SLOT_UVPT] = root | PTE_P | PTE_U | PTE_NX;
	return 0;
}

/*
 * Frees every page-table page of the user half, calling put() on each page
 * mapped below EXO_ULIM (the view pages above it belong to the kernel).
 */
void
arch_vspace_free(uint64_t root, void (*put)(uint64_t pa))
{
	uint64_t *pml4 = arch_kva(root);

	for (uint64_t i = 0; i < SLOT_UVPT; i++) {
		if (!(pml4[i] & PTE_P))
			continue;
		uint64_t *pdpt = table(pml4[i]);
		for (int j = 0; j < 512; j++) {
			if (!(pdpt[j] & PTE_P))
				continue;
			uint64_t *pd = table(pdpt[j]);
			for (int k = 0; k < 512; k++) {
				if (!(pd[k] & PTE_P))
					continue;
				uint64_t *pt = table(pd[k]);
				for (int l = 0; l < 512 && i << 39 < EXO_ULIM; l++)
					if (pt[l] & PTE_P)
						put(pt[l] & PTE_ADDR);
				pmem_free_kernel(pd[k] & PTE_ADDR);
			}
			pmem_free_kernel(pdpt[j] & PTE_ADDR);
		}
		pmem_free_kernel(pml4[i] & PTE_ADDR);
	}
	pmem_free_kernel(root);
}

/* Calls fn on every present leaf entry below EXO_ULIM. */
void
arch_vspace_each(uint64_t root, void (*fn)(uint64_t, uint64_t *, void *),
    void *arg)
{
	uint64_t *pml4 = arch_kva(root);

	for (uint64_t i = 0; i < (EXO_ULIM >> 39); i++) {
		if (!(pml4[i] & PTE_P))
			continue;
		uint64_t *pdpt = table(pml4[i]);
		for (uint64_t j = 0; j < 512; j++) {
			if (!(pdpt[j] & PTE_P))
				continue;
			uint64_t *pd = table(pdpt[j]);
			for (uint64_t k = 0; k < 512; k++) {
				if (!(pd[k] & PTE_P))
					continue;
				uint64_t *pt = table(pd[k]);
				for (uint64_t l = 0; l < 512; l++)
					if (pt[l] & PTE_P)
						fn(i << 39 | j << 30 | k << 21 | l << 12,
						    &pt[l], arg);
			}
		}
	}
}

void
arch_vspace_load(uint64_t root)
{
	if (rcr3() != root)
		lcr3(root);
}

uint64_t
arch_vspace_current(void)
{
	return rcr3();
}

uint64_t
arch_kernel_vspace(void)
{
	return kern_pml4;
}

void
arch_tlb_flush_page(uint64_t va)
{
	invlpg(va);
}

void
arch_tlb_flush_all(void)
{
	lcr3(rcr3());
}

/* Maps one page of device registers, uncached, at PHYSMAP + pa. */
void *
arch_map_mmio(uint64_t pa)
{
	uint64_t va = PHYSMAP + pa;
	uint64_t *pte = arch_pte(kern_pml4, va, 1);

	if (pte == NULL)
		panic("arch_map_mmio: no memory for %lx", pa);
	*pte = pa | PTE_P | PTE_W | PTE_PCD | PTE_PWT | PTE_G | PTE_NX;
	invlpg(va);
	return (void *)va;
}
