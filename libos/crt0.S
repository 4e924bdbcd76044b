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
