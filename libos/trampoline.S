/*
 * The library OS's ends of the kernel's upcalls: exceptions, protected
 * control transfers, slice upcalls.  Each saves what C code may clobber,
 * calls the C handler, and resumes without entering the kernel (exceptions,
 * interrupted contexts) or replies through it (transfers).
 */
#include <exo/syscall.h>

#include "internal.h"

/*
 * Exceptions: the kernel enters exos_exc_entry_N with rsp at a struct
 * exo_excframe (offsets: addr 0, r11 8, rcx 16, rax 24, err 32, rip 40,
 * rflags 48, rsp 56) and every other register as at the fault.
 */
.macro EXC_ENTRY n
	.globl exos_exc_entry_\n
exos_exc_entry_\n:
	/* A fault on the exception stack itself cannot be handled. */
	movq 56(%rsp), %rax
	movabsq $EXOS_EXC_STACK_LO, %rcx
	subq %rcx, %rax
	cmpq $EXOS_EXC_STACK_SIZE, %rax
	jb exc_nested
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %r8
	pushq %r9
	pushq %r10
	/* The SSE state too, unless the FPU is off (that is what #NM means). */
	.if \n != EXO_EXC_NM
	subq $512, %rsp
	fxsave64 (%rsp)
	.set fx, 512
	.else
	.set fx, 0
	.endif
	movl $\n, %edi
	leaq fx + 48(%rsp), %rsi
	call *exos_exc_handlers + 8 * \n(%rip)
	.if \n != EXO_EXC_NM
	fxrstor64 (%rsp)
	addq $512, %rsp
	.endif
	jmp exc_resume
.endm

	.text
	.altmacro
.set i, 0
.rept EXO_NEXC
	EXC_ENTRY %i
	.set i, i + 1
.endr
	.noaltmacro

exc_resume:
	popq %r10
	popq %r9
	popq %r8
	popq %rdx
	popq %rsi
	popq %rdi
	/* rsp is at the frame again: resume at its rip. */
	movq 40(%rsp), %rax
	movq %rax, exos_resume_rip(%rip)
	movq 8(%rsp), %r11
	movq 16(%rsp), %rcx
	movq 24(%rsp), %rax
	addq $48, %rsp
	popfq
	popq %rsp
	jmp *exos_resume_rip(%rip)

exc_nested:
	movq %rsp, %rdi
	call exos_exc_nested

/*
 * exos_ctx_resume(const struct exo_context *c): continue an interrupted
 * context (the slice upcalls hand one over) entirely at user level.
 * Offsets as in struct exo_context: r15 0 ... rax 112, rip 120, rflags 128,
 * rsp 136.
 */
	.globl exos_ctx_resume
exos_ctx_resume:
	movq 120(%rdi), %rax
	movq %rax, exos_resume_rip(%rip)
	pushq 128(%rdi)
	popfq
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
	movq 112(%rdi), %rax
	movq 136(%rdi), %rsp
	movq 72(%rdi), %rdi
	jmp *exos_resume_rip(%rip)

/*
 * Slice upcalls: entered on the upcall stack with rdi = the kind.  The
 * FPU state is the interrupted context's: keep it.
 */
	.globl exos_upcall_entry
exos_upcall_entry:
	subq $512, %rsp
	fxsave64 (%rsp)
	call exos_upcall_dispatch
	fxrstor64 (%rsp)
	addq $512, %rsp
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
 * words in rdi, rsi, rdx, r10, r8, r9 and the caller's id in rax.  The
 * handler gets them as an array it may overwrite with the reply.
 */
	.globl exos_pct_entry
exos_pct_entry:
	subq $512 + 48, %rsp
	fxsave64 48(%rsp)
	movq %rdi, 0(%rsp)
	movq %rsi, 8(%rsp)
	movq %rdx, 16(%rsp)
	movq %r10, 24(%rsp)
	movq %r8, 32(%rsp)
	movq %r9, 40(%rsp)
	movl %eax, %edi
	movq %rsp, %rsi
	call *exos_pct_fn(%rip)
	fxrstor64 48(%rsp)
	movq 0(%rsp), %rdi
	movq 8(%rsp), %rsi
	movq 16(%rsp), %rdx
	movq 24(%rsp), %r10
	movq 32(%rsp), %r8
	movq 40(%rsp), %r9
	movq $EXO_SYS_pct_reply, %rax
	syscall
	ud2

	.bss
	.align 8
	.globl exos_resume_rip
exos_resume_rip:
	.quad 0
