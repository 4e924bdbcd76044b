/*
 * A long computation for the upcall tests: iters rounds of a mix that
 * keeps every general register but rsp, three SSE registers and the carry
 * flag live from one instruction to the next, so that a context resumed
 * with anything changed gives a different result.  state[] holds rax,
 * rbx, rcx, rdx, rsi, rdi, rbp, r8..r14 (0..13) and xmm0, xmm1 (14..17)
 * in and out.  Included by exactly one file of each program.
 */
#ifndef TESTS_GUEST_MIX_H
#define TESTS_GUEST_MIX_H

#include <stdint.h>

#define MIX_WORDS 18

void mix(uint64_t iters, uint64_t state[MIX_WORDS]);
__asm__(".text\n"
	".globl mix\n"
	"mix:\n\t"
	"pushq %rbx\n\t"
	"pushq %rbp\n\t"
	"pushq %r12\n\t"
	"pushq %r13\n\t"
	"pushq %r14\n\t"
	"pushq %r15\n\t"
	"pushq %rsi\n\t"
	"movq %rdi, %r15\n\t"
	"movdqu 112(%rsi), %xmm0\n\t"
	"movdqu 128(%rsi), %xmm1\n\t"
	"pxor %xmm2, %xmm2\n\t"
	"movq 0(%rsi), %rax\n\t"
	"movq 8(%rsi), %rbx\n\t"
	"movq 16(%rsi), %rcx\n\t"
	"movq 24(%rsi), %rdx\n\t"
	"movq 40(%rsi), %rdi\n\t"
	"movq 48(%rsi), %rbp\n\t"
	"movq 56(%rsi), %r8\n\t"
	"movq 64(%rsi), %r9\n\t"
	"movq 72(%rsi), %r10\n\t"
	"movq 80(%rsi), %r11\n\t"
	"movq 88(%rsi), %r12\n\t"
	"movq 96(%rsi), %r13\n\t"
	"movq 104(%rsi), %r14\n\t"
	"movq 32(%rsi), %rsi\n\t"
	"orq $1, %r12\n\t"
	"testq %r15, %r15\n\t"
	"jz 2f\n"
	"1:\taddq %r8, %rax\n\t"
	"adcq %r9, %rbx\n\t"
	"rolq $7, %rax\n\t"
	"xorq %rax, %rcx\n\t"
	"addq %rbx, %rdx\n\t"
	"adcq %rcx, %rsi\n\t"
	"rorq $11, %rsi\n\t"
	"leaq 1(%rdi,%rsi,2), %rdi\n\t"
	"xorq %rdi, %rbp\n\t"
	"addq %rbp, %r10\n\t"
	"adcq %r10, %r11\n\t"
	"imulq %r12, %r11\n\t"
	"xorq %r11, %r13\n\t"
	"addq %r13, %r14\n\t"
	"adcq $0, %r8\n\t"
	"incq %r9\n\t"
	"paddq %xmm1, %xmm0\n\t"
	"pshufd $0x4e, %xmm0, %xmm2\n\t"
	"pxor %xmm2, %xmm1\n\t"
	"movq %r14, %xmm2\n\t"
	"paddq %xmm2, %xmm1\n\t"
	"decq %r15\n\t"
	"jnz 1b\n"
	"2:\txchgq %rsi, (%rsp)\n\t"
	"movq %rax, 0(%rsi)\n\t"
	"movq %rbx, 8(%rsi)\n\t"
	"movq %rcx, 16(%rsi)\n\t"
	"movq %rdx, 24(%rsi)\n\t"
	"movq %rdi, 40(%rsi)\n\t"
	"movq %rbp, 48(%rsi)\n\t"
	"movq %r8, 56(%rsi)\n\t"
	"movq %r9, 64(%rsi)\n\t"
	"movq %r10, 72(%rsi)\n\t"
	"movq %r11, 80(%rsi)\n\t"
	"movq %r12, 88(%rsi)\n\t"
	"movq %r13, 96(%rsi)\n\t"
	"movq %r14, 104(%rsi)\n\t"
	"movdqu %xmm0, 112(%rsi)\n\t"
	"movdqu %xmm1, 128(%rsi)\n\t"
	"popq %rax\n\t"
	"movq %rax, 32(%rsi)\n\t"
	"popq %r15\n\t"
	"popq %r14\n\t"
	"popq %r13\n\t"
	"popq %r12\n\t"
	"popq %rbp\n\t"
	"popq %rbx\n\t"
	"ret\n");

/* A fixed starting state. */
static inline void
mix_init(uint64_t state[MIX_WORDS])
{
	for (int i = 0; i < MIX_WORDS; i++)
		state[i] = 0x9e3779b97f4a7c15UL * (uint64_t)(i + 1);
}

#endif
