/*
 * Every way into the kernel from user mode, and the way back.
 *
 * Interrupts and exceptions arrive through the 256 stubs below, which push
 * an error code (zero where the processor pushes none) and the vector, then
 * save the general registers into a struct trapframe (frame.h) and call
 * trap().  `syscall` arrives at syscall_entry: the null call is answered at
 * once; anything else builds the same trapframe on the kernel stack and
 * calls syscall_trap(), returning with sysret if it comes back.  The kernel
 * runs with interrupts off, on one stack, and never blocks: a switch to
 * another environment is env_pop_tf, which does not return.
 */
#include <exo/syscall.h>

#define GD_KCODE 0x08
#define GD_UDATA 0x18
#define GD_UCODE 0x20
#define T_SYSCALL 256

.macro PUSH_REGS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro POP_REGS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
.endm

	.text
/* Vector n: push a zero error code unless the processor pushed one. */
.macro VECTOR n
	.align 16
vector\n:
	.if (\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
	.else
	pushq $0
	.endif
	pushq $\n
	jmp trap_common
.endm

	.globl trap_vectors_start
trap_vectors_start:
	.altmacro
.set i, 0
.rept 256
	VECTOR %i
	.set i, i + 1
.endr
	.noaltmacro

trap_common:
	cld
	PUSH_REGS
	movq %rsp, %rdi
	call trap
	/* trap() returns only for interrupts taken in kernel mode. */
	POP_REGS
	addq $16, %rsp
	iretq

/* env_pop_tf(struct trapframe *tf): resume user code; never returns. */
	.globl env_pop_tf
env_pop_tf:
	movq %rdi, %rsp
	POP_REGS
	addq $16, %rsp
	iretq

	.globl syscall_entry
syscall_entry:
	cmpq $EXO_SYS_null, %rax
	jne 1f
	xorl %eax, %eax
	sysretq
1:	movq %rsp, syscall_user_rsp(%rip)
	leaq kstack_top(%rip), %rsp
	pushq $(GD_UDATA | 3)
	pushq syscall_user_rsp(%rip)
	pushq %r11
	pushq $(GD_UCODE | 3)
	pushq %rcx
	pushq $0
	pushq $T_SYSCALL
	cld
	PUSH_REGS
	movq %rsp, %rdi
	call syscall_trap
	POP_REGS
	addq $16, %rsp
	popq %rcx /* rip */
	addq $8, %rsp
	popq %r11 /* rflags */
	popq %rsp
	sysretq

	.bss
	.align 16
syscall_user_rsp:
	.quad 0
	.globl kstack, kstack_top
	.align 4096
kstack:
	.space 32768
kstack_top:
	.globl ist_stack_top
	.space 8192
ist_stack_top:
