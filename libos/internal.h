/*
 * Definitions private to libos.
 */
#ifndef EXOS_INTERNAL_H
#define EXOS_INTERNAL_H

/*
 * The exception stack, shared by every class (exc.c, trampoline.S): 32 KiB
 * aligned on its size, so rsp >> 15 says whether rsp is on it.
 */
#define EXOS_EXC_STACK_TOP 0x00007b0000000000
#define EXOS_EXC_STACK_SIZE 0x8000
#define EXOS_EXC_STACK_LO (EXOS_EXC_STACK_TOP - EXOS_EXC_STACK_SIZE)
/* The upcall and transfer stacks (exc.c) follow it; all end here. */
#define EXOS_AUX_STACKS_END 0x00007b0000300000UL
/*
 * Where trampoline.S's EXO_EXC_SYSCALL entry saved the program's SSE
 * state (fxsave), given the handler's frame f: below the twelve registers
 * it pushed.  Valid while the program's FPU is on (not EXO_SELF's
 * fpu_off); fxrstor restores it on the way back.
 */
#define EXOS_SYSCALL_FXSAVE(f) ((uint8_t *)(f) - 96 - 512)

/* Where the self page's fpu_off is, for trampoline.S (checked in exc.c). */
#define SELF_FPU_OFF_ADDR 0x00007f000000103c

#ifndef __ASSEMBLER__
#include "exos.h"

/* The Linux runtime's map from page to capability slot (linux/pagemap.c). */
#define PAGEMAP_VA 0x00007b4000000000UL
#define PAGEMAP_SIZE (1UL << 30)
/* ... and its demand-zero ranges (linux/vmr.c), just above. */
#define VMR_VA (PAGEMAP_VA + PAGEMAP_SIZE)
#define VMR_SIZE (1UL << 30)

/* Where the spawner copies pages through before handing them over. */
#define EXOS_SCRATCH 0x00007c0000000000UL
#define EXOS_STACK_TOP 0x00007d0000000000UL
#define EXOS_STACK_PAGES 16

/*
 * The block a spawned program finds at its start argument, at the top of
 * its stack: argc, the size of the boot image mapped at EXO_BOOTIMG_VA (0
 * if none was given), how many page capabilities it holds, then the argv
 * pointers and a NULL.
 */
struct exos_startblock {
	uint64_t argc;
	uint64_t bootimg_size;
	uint64_t npages; /* page capabilities from EXOS_PAGE_SLOT0 on */
	char *argv[];
};

/* Where a spawned program finds capabilities for its own pages. */
#define EXOS_PAGE_SLOT0 1024
/* ... and for the boot image's, if its spawner passed the image on. */
#define EXOS_IMG_SLOT0 (1UL << 20)
extern uint64_t exos_npages;

/*
 * A Linux program runs with ExOS's runtime (the boot image's "exos",
 * linked high, at EXOS_RUNTIME_BASE) in its address space: the runtime
 * starts first, with argv { "exos", "--linux", HEX } where HEX is the
 * address of this handoff, installs the Linux system-call handler and
 * jumps to the program with the stack Linux would give it.
 */
#define EXOS_RUNTIME_BASE 0x00007a0000000000
#define EXOS_LINUX_STACK_PAGES 64
#define EXOS_LINUX_SP_TOP (EXOS_STACK_TOP - 16 * 4096) /* the runtime's above */

struct exos_linux_handoff {
	uint64_t entry; /* the program's */
	uint64_t sp;    /* its initial stack: argc, argv, envp, auxv */
	uint64_t brk;   /* the end of its highest segment */
	uint64_t stack_lo; /* the lowest page of its stack, as made */
};

extern uint64_t exos_bootimg_size;
extern exos_exc_fn exos_exc_handlers[EXO_NEXC];
void bootimg_adopt(uint64_t first);

#endif /* __ASSEMBLER__ */
#endif
