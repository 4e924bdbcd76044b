/*
 * int64_t exo_syscall6(num, a1, ..., a6): the one way into the kernel.
 * The C convention passes the fourth argument in rcx, which `syscall`
 * overwrites, so it moves to r10 as the kernel's convention wants.
 */
	.text
	.globl exo_syscall6
exo_syscall6:
	movq %rdi, %rax
	movq %rsi, %rdi
	movq %rdx, %rsi
	movq %rcx, %rdx
	movq %r8, %r10
	movq %r9, %r8
	movq 8(%rsp), %r9
	syscall
	ret
