/*
 * The library OS's ends of the kernel's upcalls: exceptions, protected
 * control transfers, slice upcalls.  Each saves what C code may clobber,
 * calls the C handler, and resumes without entering the kernel (exceptions,
 * interrupted contexts) or replies through it (transfers).
 */
#include <exo/syscall.h>

#include "internal.h"

/*
 * FPU_SAVE: 528 bytes of stack (16-byte aligned if rsp was): the fxsave
 * area and a word saying whether it was used, which it is not while the
 * program has its FPU turned off (EXO_USELF's fpu_off) — touching the FPU
 * then would raise #NM.  Clobbers the scratch register.  FPU_RESTORE undoes
 * it, touching no register.
 */
.macro FPU_SAVE scratch32, scratch
	subq $528, %rsp
	movabsq $SELF_FPU_OFF_ADDR, \scratch
	movl (\scratch), \scratch32
	movq \scratch, 512(%rsp)
	testl \scratch32, \scratch32
	jnz 1f
	fxsave64 (%rsp)
1:
.endm

.macro FPU_RESTORE
	cmpq $0, 512(%rsp)
	jnz 1f
	fxrstor64 (%rsp)
1:	addq $528, %rsp
.endm

/*
 * Exceptions: the kernel enters exos_exc_entry_N with rsp at a struct
 * exo_excframe (offsets: addr 0, r11 8, rcx 16, rax 24, err 32, rip 40,
 * rflags 48, rsp 56) and every other register as at the fault.
 */
/*
 * The way back, with rsp at the frame: no global state, so that it is
 * reentrant.  rflags and rip go below the target stack's red zone; then
 * popfq and ret $128 land on the target with its stack pointer exact.
 */
.macro EXC_RESUME n
	.if \n == EXO_EXC_SYSCALL
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	.endif
	popq %r10
	popq %r9
	popq %r8
	popq %rdx
	popq %rsi
	popq %rdi
	movq 56(%rsp), %rax
	subq $144, %rax
	movq 40(%rsp), %rcx
	movq %rcx, 8(%rax)
	movq 48(%rsp), %rcx
	movq %rcx, (%rax)
	movq %rax, 56(%rsp)
	movq 8(%rsp), %r11
	movq 16(%rsp), %rcx
	movq 24(%rsp), %rax
	movq 56(%rsp), %rsp
	popfq
	ret $128
.endm

/*
 * Class n: save what C may clobber (and the SSE state, unless the program
 * has its FPU turned off: touching it then would raise #NM), call the
 * handler with the class and the frame, resume.  A fault on the exception
 * stack itself (the 32 KiB below EXOS_EXC_STACK_TOP) cannot be handled.
 */
.macro EXC_ENTRY n
	.globl exos_exc_entry_\n
exos_exc_entry_\n:
	movq 56(%rsp), %rax
	shrq $15, %rax
	cmpl $(EXOS_EXC_STACK_LO >> 15), %eax
	je 8f
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %r8
	pushq %r9
	pushq %r10
	/*
	 * A Linux system call may need every register (fork copies them,
	 * rt_sigreturn restores them): the callee-saved ones go below.
	 */
	.if \n == EXO_EXC_SYSCALL
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	leaq 96(%rsp), %rsi
	.else
	leaq 48(%rsp), %rsi
	.endif
	movl $\n, %edi
	movabs SELF_FPU_OFF_ADDR, %eax
	testl %eax, %eax
	jnz 7f
	subq $512, %rsp
	fxsave64 (%rsp)
	call *exos_exc_handlers + 8 * \n(%rip)
	fxrstor64 (%rsp)
	addq $512, %rsp
	EXC_RESUME \n
7:	call *exos_exc_handlers + 8 * \n(%rip)
	EXC_RESUME \n
8:	movl $\n, %ecx
	jmp exc_nested
.endm

	.text
	.altmacro
.set i, 0
.rept EXO_NEXC
	EXC_ENTRY %i
	.set i, i + 1
.endr
	.noaltmacro

exc_nested: /* ecx = the class */
	movl %ecx, %edi
	movq %rsp, %rsi
	andq $-16, %rsp
	call exos_exc_nested

/*
 * exos_ctx_resume(const struct exo_context *c): continue an interrupted
 * context (the slice upcalls hand one over) entirely at user level.
 * Offsets as in struct exo_context: r15 0 ... rax 112, rip 120, rflags 128,
 * rsp 136.
 */
	.globl exos_ctx_resume
exos_ctx_resume:
	/*
	 * Everything is read from c (a global the next upcall overwrites)
	 * while rsp is still on the upcall stack, where the kernel delivers
	 * no upcall; rax, rdi, rflags and rip go below the target's red zone
	 * first, so that after the switch only the target stack is used.
	 */
	movq 136(%rdi), %rax
	subq $160, %rax
	movq 112(%rdi), %rcx
	movq %rcx, 0(%rax)  /* rax */
	movq 72(%rdi), %rcx
	movq %rcx, 8(%rax)  /* rdi */
	movq 128(%rdi), %rcx
	movq %rcx, 16(%rax) /* rflags */
	movq 120(%rdi), %rcx
	movq %rcx, 24(%rax) /* rip */
	movq 0(%rdi), %r15
	movq 8(%rdi), %r14
	movq 16(%rdi), %r13
	movq 24(%rdi), %r12
	movq 32(%rdi), %r11
	movq 40(%rdi), %r10
	movq 48(%rdi), %r9
	movq 56(%rdi), %r8
	movq 64(%rdi), %rbp
	movq 80(%rdi), %rsi
	movq 88(%rdi), %rdx
	movq 96(%rdi), %rcx
	movq 104(%rdi), %rbx
	movq %rax, %rsp
	popq %rax
	popq %rdi
	popfq
	ret $128

/*
 * Slice upcalls: entered on the upcall stack with rdi = the kind.  The
 * FPU state is the interrupted context's: keep it.
 */
	.globl exos_upcall_entry
exos_upcall_entry:
	FPU_SAVE %eax, %rax
	call exos_upcall_dispatch
	FPU_RESTORE
	cmpq $EXO_UPCALL_EPILOGUE, %rax
	je 1f
	leaq exos_upcall_save(%rip), %rdi
	jmp exos_ctx_resume
1:	movl $-1, %edi /* EXO_ENV_ANY */
	movq $EXO_SYS_yield, %rax
	syscall
	ud2

/*
 * Protected control transfer: entered on the transfer stack with the six
 * words in rdi, rsi, rdx, r10, r8, r9, the caller's id in rax and rbx
 * saying whether the FPU is off.  The
 * handler gets them as an array it may overwrite with the reply.
 */
	.globl exos_pct_entry
exos_pct_entry:
	subq $528, %rsp /* FPU_SAVE, with the kernel's word on the FPU in rbx */
	movq %rbx, 512(%rsp)
	testl %ebx, %ebx
	jnz 1f
	fxsave64 (%rsp)
1:	subq $48, %rsp
	movq %rdi, 0(%rsp)
	movq %rsi, 8(%rsp)
	movq %rdx, 16(%rsp)
	movq %r10, 24(%rsp)
	movq %r8, 32(%rsp)
	movq %r9, 40(%rsp)
	movl %eax, %edi
	movq %rsp, %rsi
	call *exos_pct_fn(%rip)
	movq 0(%rsp), %rdi
	movq 8(%rsp), %rsi
	movq 16(%rsp), %rdx
	movq 24(%rsp), %r10
	movq 32(%rsp), %r8
	movq 40(%rsp), %r9
	addq $48, %rsp
	FPU_RESTORE
	movq $EXO_SYS_pct_reply, %rax
	syscall
	ud2

