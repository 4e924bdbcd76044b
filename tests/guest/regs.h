/*
 * Register images for the tests that check every register across an
 * exception or a system call (t_exc, t_linux_syscall): the image layout,
 * the pattern loaded before the instruction, the globals the assembly
 * reads and writes, and pieces of that assembly (loading the pattern,
 * storing what is left, a raw handler recording what the kernel hands it
 * and resuming).  It defines those globals: included by exactly one file
 * of each program.
 */
#ifndef TESTS_GUEST_REGS_H
#define TESTS_GUEST_REGS_H

#include "exos.h"

#define FL_CF 0x001UL
#define FL_PF 0x004UL
#define FL_AF 0x010UL
#define FL_ZF 0x040UL
#define FL_SF 0x080UL
#define FL_TF 0x100UL
#define FL_DF 0x400UL
#define FL_OF 0x800UL
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_DF | FL_OF)

/* Register images; offsets used by the assembly below. */
struct regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;      /*  0 .. 56 */
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;        /* 64 .. 120 */
	uint64_t rflags;                                      /* 128 */
};

/* Read and written by the assembly, so global and kept. */
__attribute__((used)) struct regs pat;    /* loaded before the instruction */
__attribute__((used)) struct regs after;  /* stored right after it */
__attribute__((used)) uint64_t host[8];   /* the compiler's registers */
__attribute__((used)) uint64_t next_at;   /* the instruction after it */
__attribute__((used)) struct regs raw_seen; /* the raw handler's view */
__attribute__((used)) uint64_t raw_count, raw_resume;

/* Names of the general registers, in the order of struct regs. */
static const char *const reg_names[16] = { "rax", "rbx", "rcx", "rdx", "rsi",
	"rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
	"r15" };

/* Fills pat with a pattern for every register, rax as given, with every
 * arithmetic flag and DF set, IF and bit 1. */
static inline void
fill_pattern(uint64_t rax)
{
	pat = (struct regs){
		.rax = rax, .rbx = 0x0202020202020202UL,
		.rcx = 0x0303030303030303UL, .rdx = 0x0404040404040404UL,
		.rsi = 0x0505050505050505UL, .rdi = 0x0606060606060606UL,
		.rbp = 0x0707070707070707UL, .r8 = 0x0808080808080808UL,
		.r9 = 0x0909090909090909UL, .r10 = 0x0a0a0a0a0a0a0a0aUL,
		.r11 = 0x0b0b0b0b0b0b0b0bUL, .r12 = 0x0c0c0c0c0c0c0c0cUL,
		.r13 = 0x0d0d0d0d0d0d0d0dUL, .r14 = 0x0e0e0e0e0e0e0e0eUL,
		.r15 = 0x0f0f0f0f0f0f0f0fUL, .rflags = 0x202 | FL_ARITH,
	};
}

/*
 * Pieces of extended asm (%% for %).  REGS_SAVE_HOST saves the registers
 * the compiler expects kept, and rsp (host[6]); REGS_LOAD_PAT loads every
 * register and the flags from pat, rax last; REGS_STORE_AFTER stores every
 * register and the flags into after (clearing DF); REGS_RESTORE_HOST
 * restores the compiler's registers.  Clobbers: rax, rcx, rdx, rsi, rdi,
 * r8 to r11, memory and flags.
 */
#define REGS_SAVE_HOST                                                         \
	"movq %%rbx, host+0(%%rip)\n\t"                                        \
	"movq %%rbp, host+8(%%rip)\n\t"                                        \
	"movq %%r12, host+16(%%rip)\n\t"                                       \
	"movq %%r13, host+24(%%rip)\n\t"                                       \
	"movq %%r14, host+32(%%rip)\n\t"                                       \
	"movq %%r15, host+40(%%rip)\n\t"                                       \
	"movq %%rsp, host+48(%%rip)\n\t"

#define REGS_LOAD_PAT                                                          \
	"movq pat+8(%%rip), %%rbx\n\t"                                         \
	"movq pat+16(%%rip), %%rcx\n\t"                                        \
	"movq pat+24(%%rip), %%rdx\n\t"                                        \
	"movq pat+32(%%rip), %%rsi\n\t"                                        \
	"movq pat+40(%%rip), %%rdi\n\t"                                        \
	"movq pat+48(%%rip), %%rbp\n\t"                                        \
	"movq pat+64(%%rip), %%r8\n\t"                                         \
	"movq pat+72(%%rip), %%r9\n\t"                                         \
	"movq pat+80(%%rip), %%r10\n\t"                                        \
	"movq pat+88(%%rip), %%r11\n\t"                                        \
	"movq pat+96(%%rip), %%r12\n\t"                                        \
	"movq pat+104(%%rip), %%r13\n\t"                                       \
	"movq pat+112(%%rip), %%r14\n\t"                                       \
	"movq pat+120(%%rip), %%r15\n\t"                                       \
	"pushq pat+128(%%rip)\n\t"                                             \
	"popfq\n\t"                                                            \
	"movq pat+0(%%rip), %%rax\n"

#define REGS_STORE_AFTER                                                       \
	"pushfq\n\t"                                                           \
	"popq after+128(%%rip)\n\t"                                            \
	"cld\n\t"                                                              \
	"movq %%rax, after+0(%%rip)\n\t"                                       \
	"movq %%rbx, after+8(%%rip)\n\t"                                       \
	"movq %%rcx, after+16(%%rip)\n\t"                                      \
	"movq %%rdx, after+24(%%rip)\n\t"                                      \
	"movq %%rsi, after+32(%%rip)\n\t"                                      \
	"movq %%rdi, after+40(%%rip)\n\t"                                      \
	"movq %%rbp, after+48(%%rip)\n\t"                                      \
	"movq %%rsp, after+56(%%rip)\n\t"                                      \
	"movq %%r8, after+64(%%rip)\n\t"                                       \
	"movq %%r9, after+72(%%rip)\n\t"                                       \
	"movq %%r10, after+80(%%rip)\n\t"                                      \
	"movq %%r11, after+88(%%rip)\n\t"                                      \
	"movq %%r12, after+96(%%rip)\n\t"                                      \
	"movq %%r13, after+104(%%rip)\n\t"                                     \
	"movq %%r14, after+112(%%rip)\n\t"                                     \
	"movq %%r15, after+120(%%rip)\n\t"

#define REGS_RESTORE_HOST                                                      \
	"movq host+0(%%rip), %%rbx\n\t"                                        \
	"movq host+8(%%rip), %%rbp\n\t"                                        \
	"movq host+16(%%rip), %%r12\n\t"                                       \
	"movq host+24(%%rip), %%r13\n\t"                                       \
	"movq host+32(%%rip), %%r14\n\t"                                       \
	"movq host+40(%%rip), %%r15\n\t"

/*
 * Pieces of a raw handler, in basic asm (% for %).  RAW_RECORD stores
 * every register and the flags as the kernel hands them over into
 * raw_seen and counts the run in raw_count; RAW_RESUME_RAX resumes at the
 * address in rax with the frame's rax, rcx, r11, rflags and rsp.
 */
#define RAW_RECORD                                                             \
	"movq %rax, raw_seen+0(%rip)\n\t"                                      \
	"movq %rbx, raw_seen+8(%rip)\n\t"                                      \
	"movq %rcx, raw_seen+16(%rip)\n\t"                                     \
	"movq %rdx, raw_seen+24(%rip)\n\t"                                     \
	"movq %rsi, raw_seen+32(%rip)\n\t"                                     \
	"movq %rdi, raw_seen+40(%rip)\n\t"                                     \
	"movq %rbp, raw_seen+48(%rip)\n\t"                                     \
	"movq %rsp, raw_seen+56(%rip)\n\t"                                     \
	"movq %r8, raw_seen+64(%rip)\n\t"                                      \
	"movq %r9, raw_seen+72(%rip)\n\t"                                      \
	"movq %r10, raw_seen+80(%rip)\n\t"                                     \
	"movq %r11, raw_seen+88(%rip)\n\t"                                     \
	"movq %r12, raw_seen+96(%rip)\n\t"                                     \
	"movq %r13, raw_seen+104(%rip)\n\t"                                    \
	"movq %r14, raw_seen+112(%rip)\n\t"                                    \
	"movq %r15, raw_seen+120(%rip)\n\t"                                    \
	"pushfq\n\t"                                                           \
	"popq raw_seen+128(%rip)\n\t"                                          \
	"incq raw_count(%rip)\n\t"

#define RAW_RESUME_RAX                                                         \
	"movq %rax, raw_resume(%rip)\n\t"                                      \
	"movq 8(%rsp), %r11\n\t"                                               \
	"movq 16(%rsp), %rcx\n\t"                                              \
	"movq 24(%rsp), %rax\n\t"                                              \
	"addq $48, %rsp\n\t"                                                   \
	"popfq\n\t"                                                            \
	"popq %rsp\n\t"                                                        \
	"jmp *raw_resume(%rip)\n"

#endif
