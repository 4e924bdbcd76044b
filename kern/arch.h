/*
 * What an architecture must provide to the rest of the kernel, one line per
 * function.  Only kern/arch/x86_64/ implements it; nothing outside that
 * folder includes its other headers.
 */
#ifndef KERN_ARCH_H
#define KERN_ARCH_H

#include <stdint.h>

#include "arch/x86_64/frame.h" /* struct trapframe, struct fpstate, T_* */

struct bootinfo;

void arch_init(void);                         /* CPU tables, features, FPU */
void arch_timer_init(uint64_t slice_ns);      /* calibrate, start the slice timer */
void arch_timer_deadline(uint64_t ns);        /* next interrupt ns from now */
void arch_timer_restart(void);                /* next interrupt a slice from now */
uint64_t arch_tsc_hz(void);                   /* counter ticks per second */
uint64_t arch_cycles(void);                   /* the time-stamp counter */
void arch_eoi(void);                          /* end of an interrupt */
void arch_poweroff(uint64_t code) __attribute__((noreturn));
void arch_idle(void);                         /* halt until an interrupt */
void arch_outb(uint16_t port, uint8_t v);     /* for drivers */
uint8_t arch_inb(uint16_t port);

void arch_user_frame(struct trapframe *tf, uint64_t rip, uint64_t rsp, uint64_t arg);
void arch_env_pop(struct trapframe *tf) __attribute__((noreturn));
void arch_fpu_save(struct fpstate *fp);
void arch_fpu_restore(const struct fpstate *fp);
void arch_fpu_init(struct fpstate *fp);
void arch_fpu_trap(int on);                   /* make FPU use raise #NM */
int arch_in_exc_fast_path(uint64_t rip);      /* a fault while pushing a user frame? */
void arch_floor_off(void);                    /* syscall goes to the kernel again */
uint64_t arch_fault_addr(void);               /* the address of the last page fault */
int arch_frame_is_user(const struct trapframe *tf);
void arch_fs_gs_save(uint64_t *fs, uint64_t *gs);
void arch_fs_gs_restore(uint64_t fs, uint64_t gs);

/* Page tables (pmap.c).  Addresses named pa are physical. */
void arch_pmap_init(uint64_t max_pa);         /* the kernel's direct map */
void *arch_kva(uint64_t pa);                  /* kernel address of physical pa */
uint64_t *arch_pte(uint64_t root, uint64_t va, int create); /* leaf entry slot */
uint64_t arch_pte_span(uint64_t va);          /* leaf entries from va to its table's end */
int arch_vspace_init(uint64_t root);          /* kernel half, UVPT */
uint64_t arch_kernel_vspace(void);            /* the kernel's own root */
void arch_vspace_free(uint64_t root, void (*put)(uint64_t pa));
void arch_vspace_each(uint64_t root, void (*fn)(uint64_t va, uint64_t *pte, void *arg), void *arg);
void arch_vspace_load(uint64_t root);
uint64_t arch_vspace_current(void);
void arch_tlb_flush_page(uint64_t va);
void arch_tlb_flush_all(void);
void *arch_map_mmio(uint64_t pa);

#endif
