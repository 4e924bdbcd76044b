/*
 * The virtual memory map every environment sees, and the page-table entry
 * bits the exokernel exports.  The kernel half is the same in every address
 * space; the user half belongs to the environment, except for the two
 * read-only view slots at the top, which the kernel fills.
 *
 *  0xffffffffffffffff +------------------------------------+
 *                     | kernel image (-mcmodel=kernel)     |
 *  0xffffffff80000000 +------------------------------------+ KERNBASE
 *                     | ...                                |
 *                     | all physical memory, direct map    |
 *  0xffff800000000000 +------------------------------------+ PHYSMAP
 *                     | (non-canonical hole)               |
 *  0x0000800000000000 +------------------------------------+
 *                     | EXO_UVPT: own page tables, r/o     |  PML4 slot 255
 *  0x00007f8000000000 +------------------------------------+
 *                     | EXO_UFREEMAP: free-page bitmap r/o |
 *  0x00007f0000100000 +------------------------------------+
 *                     | EXO_USELF: this environment, r/o   |
 *  0x00007f0000001000 +------------------------------------+
 *                     | EXO_UINFO: the machine, r/o        |  PML4 slot 254
 *  0x00007f0000000000 +------------------------------------+ EXO_ULIM
 *                     | user mappings: anything the        |
 *                     | environment binds                  |
 *  0x0000000000000000 +------------------------------------+
 *
 * Nothing can be mapped at or above EXO_ULIM by user calls, so code can never
 * sit at the very top of the canonical lower half (which keeps sysret safe).
 */
#ifndef EXO_MEMLAYOUT_H
#define EXO_MEMLAYOUT_H

#define EXO_PGSHIFT 12
#define EXO_PGSIZE 4096UL

#define EXO_ULIM 0x00007f0000000000UL
#define EXO_UINFO 0x00007f0000000000UL
#define EXO_USELF 0x00007f0000001000UL
#define EXO_UFREEMAP 0x00007f0000100000UL
#define EXO_UFREEMAP_MAX (496UL * EXO_PGSIZE) /* bitmap for 64 GiB */
#define EXO_UVPT 0x00007f8000000000UL

/*
 * EXO_UVPT is a recursive mapping: the page-table entry for user address va
 * is the 64-bit word exo_uvpt[va >> 12].  The entry is present only if the
 * page-directory levels above it are; check those first with exo_uvpd,
 * exo_uvpdp and exo_uvpml4, or use exo_pte() from libos.
 */
#define EXO_UVPD (EXO_UVPT + (EXO_UVPT >> 9))
#define EXO_UVPDP (EXO_UVPD + (EXO_UVPT >> 18))
#define EXO_UVPML4 (EXO_UVPDP + (EXO_UVPT >> 27))

/*
 * Page-table entry bits as they appear in EXO_UVPT.  EXO_PTE_W, EXO_PTE_X
 * and the software bits are what a mapping call sets; A and D are set by
 * the processor.  EXO_PTE_MAYW and EXO_PTE_MAYX record the rights the
 * capability granted when the page was bound, so that a later protection
 * change within them needs no capability (the secure binding).
 */
#define EXO_PTE_P 0x001UL
#define EXO_PTE_W 0x002UL
#define EXO_PTE_U 0x004UL
#define EXO_PTE_A 0x020UL
#define EXO_PTE_D 0x040UL
#define EXO_PTE_MAYW 0x200UL
#define EXO_PTE_MAYX 0x400UL
#define EXO_PTE_NX (1UL << 63)
#define EXO_PTE_ADDR 0x000ffffffffff000UL
/* Seven bits the library OS owns (e.g. copy-on-write), bits 52..58. */
#define EXO_PTE_SOFT_SHIFT 52
#define EXO_PTE_SOFT_MASK (0x7fUL << EXO_PTE_SOFT_SHIFT)

#endif
