/*
 * Every way into the kernel from user mode, and the way back.
 *
 * Exceptions a user program raises go straight back to it when it has a
 * handler for the class: the stub copies the processor's frame from the
 * kernel stack (at a fixed address, since user-mode entries always start
 * at the top of their stack) onto the environment's exception stack as a
 * struct exo_excframe and leaves by sysret to the handler.  That is the
 * whole of the kernel's part (docs/exceptions.md counts it).  If writing
 * the frame faults — the stack is unmapped or read-only — the page fault
 * arrives on its own stack (IST 2) with rip between exc_fast_start and
 * exc_fast_end, and trap() destroys the environment.
 *
 * Everything else (interrupts, exceptions without a handler, exceptions in
 * kernel mode) saves a struct trapframe (frame.h) and calls trap().
 *
 * `syscall` arrives at syscall_entry: the null call is answered at once; a
 * number below EXO_SYSCALL_BASE (Linux's) goes to the environment's
 * EXO_EXC_SYSCALL handler the same way as an exception, or gets -ENOSYS;
 * anything else builds a trapframe on the kernel stack and calls
 * syscall_trap(), returning with sysret if it comes back.  The kernel runs
 * with interrupts off, on one stack, and never blocks: a switch to another
 * environment is env_pop_tf, which does not return.
 */
#include <exo/syscall.h>

#define GD_KCODE 0x08
#define GD_UDATA 0x18
#define GD_UCODE 0x20
#define T_SYSCALL 256
#define USER_RFLAGS 0x202 /* IF; handlers start with clean flags */
#define LINUX_ENOSYS 38
#define MSR_LSTAR 0xc0000082

/*
 * The hardware floors of the benchmarks (../shared/BENCHMARKS.md): vector
 * T_FLOOR_EXC only returns; T_FLOOR_ON points `syscall` at syscall_floor,
 * which only returns, until T_FLOOR_OFF or the next switch of environment
 * (env_run calls arch_floor_off) puts syscall_entry back.  Harmless to
 * anyone: they affect only the environment that asks, and only timing.
 */
/* Offsets in struct trapframe (frame.h; checked in cpu.c). */
#define TF_R15 0
#define TF_R14 8
#define TF_R13 16
#define TF_R12 24
#define TF_RBP 64
#define TF_RBX 104
#define TF_RIP 136
#define TF_RFLAGS 152
#define TF_RSP 160

#define T_FLOOR_EXC 240
#define T_FLOOR_ON 241
#define T_FLOOR_OFF 242

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
/* Vectors that push an error code themselves. */
.macro HAS_ERR n
	.if (\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
	.set has_err, 1
	.else
	.set has_err, 0
	.endif
.endm

/* Vectors a user program may handle itself (see exc_register). */
.macro USER_CLASS n
	.if (\n <= 1 || (\n >= 3 && \n <= 7) || (\n >= 10 && \n <= 14) || \n == 16 || \n == 17 || \n == 19)
	.set user_class, 1
	.else
	.set user_class, 0
	.endif
.endm

/*
 * Vector n.  top is the top of the stack the processor switched to (the
 * TSS's rsp0 or IST 2 for page faults); the frame sits just below it:
 * top-48 error code, -40 rip, -32 cs, -24 rflags, -16 rsp, -8 ss.
 */
.macro VECTOR n
	.align 16
vector\n:
	.if \n == T_FLOOR_EXC
	iretq
	.exitm
	.endif
	.if \n == T_FLOOR_ON || \n == T_FLOOR_OFF
	pushq %rax
	pushq %rcx
	pushq %rdx
	.if \n == T_FLOOR_ON
	leaq syscall_floor(%rip), %rax
	movl $1, floor_on(%rip)
	.else
	leaq syscall_entry(%rip), %rax
	movl $0, floor_on(%rip)
	.endif
	movq %rax, %rdx
	shrq $32, %rdx
	movl $MSR_LSTAR, %ecx
	wrmsr
	popq %rdx
	popq %rcx
	popq %rax
	iretq
	.exitm
	.endif
	HAS_ERR \n
	USER_CLASS \n
	.if !has_err
	pushq $0
	.endif
	.if user_class
	.if \n == 14
	.set top, ist_pf_top
	.else
	.set top, kstack_top
	.endif
	testb $3, 16(%rsp)
	jz slow\n
	movq exc_table(%rip), %rsp
	movq 16 * \n + 8(%rsp), %rsp /* the class's stack top, 0 if none */
	testq %rsp, %rsp
	jz nohandler\n
	pushq top - 16(%rip) /* rsp */
	pushq top - 24(%rip) /* rflags */
	pushq top - 40(%rip) /* rip */
	pushq top - 48(%rip) /* error code */
	pushq %rax
	pushq %rcx
	pushq %r11
	.if \n == 14
	movq %cr2, %rcx
	pushq %rcx
	.else
	pushq $0
	.endif
	movq exc_table(%rip), %rcx
	movq 16 * \n(%rcx), %rcx
	movl $USER_RFLAGS, %r11d
	sysretq
nohandler\n:
	leaq top - 48(%rip), %rsp
	.endif
slow\n:
	pushq $\n
	jmp trap_common
.endm

	.globl exc_fast_start, exc_fast_end
exc_fast_start:
	.altmacro
.set i, 0
.rept 256
	VECTOR %i
	.set i, i + 1
.endr
	.noaltmacro

/*
 * A Linux system call: to the EXO_EXC_SYSCALL handler with the same frame
 * as an exception (rip = the instruction after the syscall, rcx and r11 as
 * the syscall instruction left them), or -ENOSYS if there is none.
 */
syscall_linux:
	movq %rsp, syscall_user_rsp(%rip)
	movq exc_table(%rip), %rsp
	movq 16 * EXO_EXC_SYSCALL + 8(%rsp), %rsp
	testq %rsp, %rsp
	jz 1f
	pushq syscall_user_rsp(%rip)
	pushq %r11 /* rflags */
	pushq %rcx /* rip */
	pushq $0
	pushq %rax
	pushq %rcx
	pushq %r11
	pushq $0
	movq exc_table(%rip), %rcx
	movq 16 * EXO_EXC_SYSCALL(%rcx), %rcx
	movl $USER_RFLAGS, %r11d
	sysretq
1:	movq syscall_user_rsp(%rip), %rsp
	movq $-LINUX_ENOSYS, %rax
	sysretq
exc_fast_end:

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

	.globl syscall_floor
syscall_floor:
	sysretq

	.globl syscall_entry
syscall_entry:
	cmpq $EXO_SYS_null, %rax
	jne 1f
	xorl %eax, %eax
	sysretq
1:	cmpq $EXO_SYSCALL_BASE, %rax
	jb syscall_linux
	cmpl $EXO_SYS_pct_call, %eax
	je pct_fast_call
	cmpl $EXO_SYS_pct_reply, %eax
	je pct_fast_reply
syscall_general:
	movq %rsp, syscall_user_rsp(%rip)
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

/*
 * Protected control transfer, the common case (kern/pct.c says which).
 * pct_fast_call saves the caller's preserved registers as a struct
 * pct_lean for pct_fast_call_c and enters the callee with the six words
 * still in rdi, rsi, rdx, r10, r8, r9, its caller's id in rax and every
 * other register cleared.
 */
pct_fast_call:
	movq %rsp, syscall_user_rsp(%rip)
	leaq kstack_top(%rip), %rsp
	pushq %rax
	pushq syscall_user_rsp(%rip)
	pushq %r11
	pushq %rcx
	pushq %r15
	pushq %r14
	pushq %r13
	pushq %r12
	pushq %rbp
	pushq %rbx
	movq %rsp, %rbx /* the struct pct_lean */
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %r10
	pushq %r8
	pushq %r9
	movq %rbx, %rdi
	call pct_fast_call_c
	popq %r9
	popq %r8
	popq %r10
	popq %rdx
	popq %rsi
	popq %rdi
	testl %eax, %eax
	jz 1f
	xorl %ebx, %ebx
	xorl %ebp, %ebp
	xorl %r12d, %r12d
	xorl %r13d, %r13d
	xorl %r14d, %r14d
	xorl %r15d, %r15d
	xorl %r11d, %r11d /* no flags leak either */
	movq pct_next_rax(%rip), %rax
	movq pct_next_rip(%rip), %rcx
	movl $USER_RFLAGS, %r11d
	movq pct_next_rsp(%rip), %rsp
	sysretq
1:	popq %rbx /* not taken: restore and do it the general way */
	popq %rbp
	popq %r12
	popq %r13
	popq %r14
	popq %r15
	popq %rcx
	popq %r11
	popq %rax /* the user's rsp: put back below */
	movq %rax, syscall_user_rsp(%rip)
	popq %rax
	movq syscall_user_rsp(%rip), %rsp
	jmp syscall_general

/*
 * pct_fast_reply: the callee's own registers are dropped; the caller's
 * come back from its saved context, with the six words in their registers.
 */
pct_fast_reply:
	movq %rsp, syscall_user_rsp(%rip)
	leaq kstack_top(%rip), %rsp
	pushq %rax
	pushq %rcx
	pushq %r11
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %r10
	pushq %r8
	pushq %r9
	pushq %r9 /* alignment */
	call pct_fast_reply_c
	popq %r9
	popq %r9
	popq %r8
	popq %r10
	popq %rdx
	popq %rsi
	popq %rdi
	popq %r11
	popq %rcx
	testq %rax, %rax
	jz 1f
	addq $8, %rsp
	movq TF_RBX(%rax), %rbx
	movq TF_RBP(%rax), %rbp
	movq TF_R12(%rax), %r12
	movq TF_R13(%rax), %r13
	movq TF_R14(%rax), %r14
	movq TF_R15(%rax), %r15
	movq TF_RIP(%rax), %rcx
	movq TF_RFLAGS(%rax), %r11
	movq TF_RSP(%rax), %rsp
	xorl %eax, %eax
	sysretq
1:	popq %rax
	movq syscall_user_rsp(%rip), %rsp
	jmp syscall_general

	.section .rodata
	.align 8
	.globl trap_vectors
.macro VECTOR_ADDR n
	.quad vector\n
.endm
trap_vectors:
	.altmacro
.set i, 0
.rept 256
	VECTOR_ADDR %i
	.set i, i + 1
.endr
	.noaltmacro

	.bss
	.align 16
syscall_user_rsp:
	.quad 0
	.globl floor_on
floor_on:
	.long 0
	.globl kstack, kstack_top, ist_stack_top, ist_pf_top
	.align 4096
kstack:
	.space 32768
kstack_top:
	.space 8192
ist_stack_top:
	.space 8192
ist_pf_top:
