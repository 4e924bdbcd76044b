/*
 * Declarations every kernel file uses: the kernel's half of the memory map,
 * console output, panics and assertions, and the boot-time page allocator.
 */
#ifndef KERN_KERN_H
#define KERN_KERN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/lib.h"

#define KERNBASE 0xffffffff80000000UL
#define PHYSMAP 0xffff800000000000UL
#define PGSIZE 4096UL
#define PGSHIFT 12

#define ROUNDUP(x, a) (((x) + (a) - 1) / (a) * (a))
#define ROUNDDOWN(x, a) ((x) / (a) * (a))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

#define assert(x)                                                       \
	do {                                                            \
		if (!(x))                                               \
			panic("%s:%d: assertion failed: %s", __FILE__,  \
			    __LINE__, #x);                              \
	} while (0)

/* Boot-time pages, before the page allocator runs (main.c). */
uint64_t boot_alloc_page(void);

/* Pages for the kernel's own use: page tables, capability lists (pmem.c). */
uint64_t pmem_alloc_kernel(void);
void pmem_free_kernel(uint64_t pa);

/* The console (console.c). */
void cons_init(void);
void cons_putc(int c);
int cons_getc(void); /* -1 if nothing has arrived */
void cons_poll(void);

/* The wall clock at boot, seconds since 1970 (rtc.c). */
uint64_t rtc_epoch(void);

#endif
