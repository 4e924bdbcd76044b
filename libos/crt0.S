/*
 * Entry of every native program.  The spawner (spawn.c) or, for init, the
 * kernel starts us with rdi = the start argument and rsp at the top of a
 * fresh stack.
 */
	.text
	.globl _start
_start:
	xorl %ebp, %ebp
	andq $-16, %rsp
	call exos_start
	ud2

/*
 * A note that marks this file as a native ExOS program (lib/elf.c finds
 * it), so that init knows not to start it as a Linux program.
 */
	.section .note.exos, "a", @note
	.align 4
	.long 5 /* name size */
	.long 4 /* descriptor size */
	.long 1 /* type */
	.asciz "ExOS"
	.align 4
	.long 1
