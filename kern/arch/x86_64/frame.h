/*
 * The saved user context of an environment: every general register, then
 * what the processor pushes on an interrupt.  entry.S builds it in this
 * order for interrupts, exceptions and system calls alike; the offsets are
 * checked against entry.S by the static asserts in cpu.c.
 */
#ifndef X86_FRAME_H
#define X86_FRAME_H

#include <stdint.h>

struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t trapno, err;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* The FPU/SSE state, as fxsave stores it. */
struct fpstate {
	uint8_t area[512];
} __attribute__((aligned(16)));

#define T_DIVIDE 0
#define T_DEBUG 1
#define T_NMI 2
#define T_BRKPT 3
#define T_ILLOP 6
#define T_DEVICE 7
#define T_DBLFLT 8
#define T_GPFLT 13
#define T_PGFLT 14
#define T_FPERR 16
#define T_ALIGN 17
#define T_MCHK 18
#define T_SIMDERR 19
#define T_IRQ0 32
#define T_TIMER 32
#define T_FLOOR_EXC 240 /* 240..242: benchmark floors (entry.S) */
#define T_SPURIOUS 255
#define T_SYSCALL 256 /* not a vector: marks frames built by syscall */

#endif
