/*
 * The operations the exception and virtual-memory benchmarks time, shared
 * by the native programs (b_exc.c, b_vm.c) and the Linux one
 * (linux/lbench.c) so that both sides execute exactly the same faulting
 * instructions.  Each fault's instruction length is what the handlers
 * skip: divq %rcx and movb $1,(%rdi) are 3 bytes, ud2 2, int3 a trap.
 */
#ifndef USER_BENCH_OPS_H
#define USER_BENCH_OPS_H

#include <stdint.h>

#define BENCH_DIVIDE_LEN 3
#define BENCH_ILLEGAL_LEN 2
#define BENCH_STORE_LEN 3

/* Division by zero: #DE. */
static inline void
bench_op_divide(void)
{
	__asm__ volatile("xorl %%ecx, %%ecx\n\tmovl $1, %%eax\n\txorl %%edx, %%edx\n\t"
			 "divq %%rcx" ::: "rax", "rcx", "rdx");
}

/* An invalid opcode: #UD. */
static inline void
bench_op_illegal(void)
{
	__asm__ volatile("ud2");
}

/* A breakpoint: #BP, which leaves rip after the int3. */
static inline void
bench_op_breakpoint(void)
{
	__asm__ volatile("int3");
}

/* A one-byte store to p, through rdi so that it encodes in 3 bytes. */
static inline void
bench_op_store(volatile void *p)
{
	__asm__ volatile("movb $1, (%0)" : : "D"(p) : "memory");
}

/* A misaligned load with EFLAGS.AC set: #AC where the processor checks. */
static inline void
bench_op_unalign(const void *aligned16)
{
	__asm__ volatile("pushfq\n\torl $0x40000, (%%rsp)\n\tpopfq\n\t"
			 "movl 1(%0), %%eax" : : "r"(aligned16) : "rax", "memory", "cc");
}

/* The benchmarks' random numbers: xorshift, the same sequence everywhere. */
static inline uint64_t
bench_rng(void)
{
	static uint64_t x = 88172645463325252ULL;

	x ^= x << 13, x ^= x >> 7, x ^= x << 17;
	return x;
}

/* A random order of 0..n-1 in order[] (for vm_appel2). */
static inline void
bench_shuffle(int *order, int n)
{
	for (int i = 0; i < n; i++)
		order[i] = i;
	for (int i = n - 1; i > 0; i--) {
		int j = (int)(bench_rng() % (uint64_t)(i + 1)), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
}

#endif
