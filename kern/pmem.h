/*
 * Physical pages: who may use each one and how many references it has.
 */
#ifndef KERN_PMEM_H
#define KERN_PMEM_H

#include <stdint.h>

#include <exo/abi.h>

struct bootinfo;
struct env;

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

/*
 * A user page has an owner (the environment that allocated it or was given
 * it) whom the kernel asks when it wants the page back; the owner's pages
 * are linked through next and prev, as free pages are on the free list.
 */
struct page {
	uint32_t refs;
	uint16_t kind;  /* PG_* */
	uint16_t flags; /* PGF_* */
	uint32_t next, prev; /* free list or owner's list, as page numbers */
	uint32_t owner;      /* ENVX of the owner, 0 for none */
};

#define PGF_GUARANTEED 0x1 /* the abort protocol never takes it */
#define PGF_TAKING 0x2     /* being taken back (revoke.c) */
#define PGF_RECORDED 0x4   /* ... and its mapping recorded */
#define PG_NIL 0xffffffffU

extern struct page *pages;
extern uint64_t npages;
extern struct exo_info *info; /* the read-only info page (EXO_UINFO) */
extern uint64_t info_pa;
extern uint64_t freemap_pa, freemap_npages;

void pmem_init(const struct bootinfo *bi);
int64_t pmem_alloc_user(uint64_t ppn, struct env *owner);
void pmem_set_owner(uint64_t ppn, struct env *owner);
int pmem_guarantee(uint64_t ppn, int on);
void pmem_incref(uint64_t ppn);
void pmem_decref(uint64_t ppn);
void pmem_decref_pa(uint64_t pa);
int pmem_is_user(uint64_t ppn);

#endif
