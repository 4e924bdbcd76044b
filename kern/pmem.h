/*
 * Physical pages: who may use each one and how many references it has.
 */
#ifndef KERN_PMEM_H
#define KERN_PMEM_H

#include <stdint.h>

#include <exo/abi.h>

struct bootinfo;

/*
 * Every physical page has a struct page.  A user page's refs counts the
 * capabilities that name it plus the page-table entries that map it; it is
 * freed when that reaches zero.  Kernel pages (page tables, capability
 * tables, environment pages) are never mapped writable into user space and
 * are freed explicitly.
 */
enum {
	PG_FREE = 1,
	PG_USER = 2,
	PG_KERNEL = 3,
	PG_RESERVED = 4, /* firmware, the kernel image, boot modules */
};

struct page {
	uint32_t refs;
	uint32_t kind; /* PG_* */
	uint32_t next, prev; /* free list, as page numbers */
};

extern struct page *pages;
extern uint64_t npages;
extern struct exo_info *info; /* the read-only info page (EXO_UINFO) */
extern uint64_t info_pa;
extern uint64_t freemap_pa, freemap_npages;

void pmem_init(const struct bootinfo *bi);
int64_t pmem_alloc_user(uint64_t ppn);
void pmem_incref(uint64_t ppn);
void pmem_decref(uint64_t ppn);
void pmem_decref_pa(uint64_t pa);
int pmem_is_user(uint64_t ppn);

#endif
