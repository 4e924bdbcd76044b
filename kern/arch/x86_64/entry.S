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

#include "asm_offsets.h"

#define NENV 1024 /* kern/env.h; checked in asm_offsets.c */

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
	.if \n == 14
	/* A fault fetching the handler itself would come straight back. */
	cmpq %rcx, 40(%rsp)
	je nohandler\n
	.endif
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
	/* pct_fast_nr: EXO_SYS_pct_call, or ~0 without FSGSBASE (cpu.c) */
	cmpl pct_fast_nr(%rip), %eax
	je pct_fast_call
	cmpl pct_fast_nr + 4(%rip), %eax
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
 * Protected control transfer, the common case, all in assembly: neither
 * side in an epilogue or with its FPU off, the caller not itself in an
 * activation, the processor with FSGSBASE (else pct_fast_nr keeps these
 * paths shut).  While a benchmark floor is on, syscall never reaches here.
 * Anything else — including every error — goes the general way
 * (kern/pct.c), which gives the proper answer.  Only what a system call
 * preserves is saved (rbx, rbp, r12-r15, rsp, and rip and rflags from rcx
 * and r11); the six words stay in rdi, rsi, rdx, r10, r8, r9 throughout.
 * The callee's activation context (act_tf) is written only if it is
 * preempted.
 */
.macro SWITCH_TO from, to, scratch
	fxsave64 ENV_FP(\from)
	fxrstor64 ENV_FP(\to)
	rdfsbase \scratch
	movq \scratch, ENV_FSBASE(\from)
	rdgsbase \scratch
	movq \scratch, ENV_GSBASE(\from)
	movq ENV_FSBASE(\to), \scratch
	wrfsbase \scratch
	movq ENV_GSBASE(\to), \scratch
	wrgsbase \scratch
	leaq ENV_EXC(\to), \scratch
	movq \scratch, exc_table(%rip)
	movq \to, curenv(%rip)
	movq ENV_ROOT(\to), \scratch
	movq \scratch, %cr3
.endm

pct_fast_call:
	movq %rsp, syscall_user_rsp(%rip)
	movq curenv(%rip), %rsp /* A, the caller: the base register throughout */
	/*
	 * in_act, in_epilogue and fpu_off, in one word, before anything is
	 * written: A in an activation has its own context in act_tf, and tf
	 * must stay as it is.
	 */
	cmpl $0, ENV_IN_ACT(%rsp)
	jne 8f
	movq %rbx, ENV_TF + TF_RBX(%rsp)
	movq %rbp, ENV_TF + TF_RBP(%rsp)
	movq %r12, ENV_TF + TF_R12(%rsp)
	movq %r13, ENV_TF + TF_R13(%rsp)
	movq %r14, ENV_TF + TF_R14(%rsp)
	movq %r15, ENV_TF + TF_R15(%rsp)
	movq %rcx, ENV_TF + TF_RIP(%rsp)
	movq %r11, ENV_TF + TF_RFLAGS(%rsp)
	movq syscall_user_rsp(%rip), %rbx
	movq %rbx, ENV_TF + TF_RSP(%rsp)
	/* The capability: cs.root[slot >> 15][slot >> 6 & 511][slot & 63]. */
	movq %rax, %rbp
	shrq $ABI_PCT_SLOT_SHIFT, %rbp
	movq %rbp, %r12
	shrq $15, %r12
	cmpq $512, %r12
	jae 9f
	movq ENV_CS_ROOT(%rsp, %r12, 8), %r12
	testq %r12, %r12
	jz 9f
	movq %rbp, %r13
	shrq $6, %r13
	andl $511, %r13d
	movq (%r12, %r13, 8), %r12
	testq %r12, %r12
	jz 9f
	andl $63, %ebp
	imull $CAP_SIZE, %ebp, %ebp
	addq %rbp, %r12
	cmpw $ABI_CAP_ENV, CAP_TYPE(%r12)
	jne 9f
	testw $ABI_R_CALL, CAP_RIGHTS(%r12)
	jz 9f
	/* B, the callee: envs[name & (NENV - 1)]. */
	movl CAP_NAME(%r12), %r13d
	andl $(NENV - 1), %r13d
	imulq $ENV_SIZE, %r13, %r13
	leaq envs(%rip), %r12
	addq %r13, %r12
	cmpq %r12, %rsp
	je 9f
	cmpl $ABI_ENV_RUNNABLE, ENV_STATE(%r12)
	jne 9f
	cmpq $0, ENV_PCT_ENTRY(%r12)
	je 9f
	cmpl $0, ENV_IN_ACT(%r12)
	jne 9f
	cmpq $0, ENV_WAITING_ON(%r12)
	jne 9f
	/* Commit: A waits for B; B starts an activation for A. */
	movq %r12, ENV_WAITING_ON(%rsp)
	movb $1, ENV_IN_ACT(%r12)
	movl ENV_ID(%rsp), %eax
	movl %eax, ENV_ACT_CALLER(%r12)
	movq ENV_SELF(%r12), %rbp
	incq SELF_CALLS_IN(%rbp)
	SWITCH_TO %rsp, %r12, %rbp
	movq ENV_PCT_ENTRY(%r12), %rcx
	movq ENV_PCT_STACK(%r12), %rsp
	xorl %ebx, %ebx /* rbx = 0: the callee's FPU is on (see <exo/abi.h>) */
	xorl %ebp, %ebp
	xorl %r12d, %r12d
	xorl %r13d, %r13d
	xorl %r14d, %r14d
	xorl %r15d, %r15d
	movl $USER_RFLAGS, %r11d
	sysretq
9:	/* The general way, with the registers as they came. */
	movq ENV_TF + TF_RBX(%rsp), %rbx
	movq ENV_TF + TF_RBP(%rsp), %rbp
	movq ENV_TF + TF_R12(%rsp), %r12
	movq ENV_TF + TF_R13(%rsp), %r13
8:	movq syscall_user_rsp(%rip), %rsp
	jmp syscall_general

/*
 * pct_fast_reply: once the callee is known to be in an activation its own
 * registers are dropped whatever happens, so rbx and rbp serve as scratch;
 * rcx and r11 stay intact for the general way.
 */
pct_fast_reply:
	movq %rsp, syscall_user_rsp(%rip)
	movq curenv(%rip), %rsp /* B, the callee */
	cmpb $0, ENV_IN_ACT(%rsp)
	je 9f
	movl ENV_ACT_CALLER(%rsp), %ebx
	testl %ebx, %ebx
	jz 9f
	cmpb $0, ENV_FPU_OFF(%rsp)
	jne 9f
	/* A, the caller: envs[id & (NENV - 1)], still waiting for B. */
	movl %ebx, %ebp
	andl $(NENV - 1), %ebp
	imulq $ENV_SIZE, %rbp, %rbp
	leaq envs(%rip), %rax
	addq %rax, %rbp
	cmpl %ebx, ENV_ID(%rbp)
	jne 9f
	cmpl $ABI_ENV_RUNNABLE, ENV_STATE(%rbp)
	jne 9f
	cmpq %rsp, ENV_WAITING_ON(%rbp)
	jne 9f
	cmpl $0, ENV_IN_ACT(%rbp)
	jne 9f
	movb $0, ENV_IN_ACT(%rsp)
	movq $0, ENV_WAITING_ON(%rbp)
	SWITCH_TO %rsp, %rbp, %rax
	movq %rbp, %rsp
	movq ENV_TF + TF_RBX(%rsp), %rbx
	movq ENV_TF + TF_RBP(%rsp), %rbp
	movq ENV_TF + TF_R12(%rsp), %r12
	movq ENV_TF + TF_R13(%rsp), %r13
	movq ENV_TF + TF_R14(%rsp), %r14
	movq ENV_TF + TF_R15(%rsp), %r15
	movq ENV_TF + TF_RIP(%rsp), %rcx
	movq ENV_TF + TF_RFLAGS(%rsp), %r11
	movq ENV_TF + TF_RSP(%rsp), %rsp
	xorl %eax, %eax
	sysretq
9:	movq syscall_user_rsp(%rip), %rsp
	movq $EXO_SYS_pct_reply, %rax
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
