/*
 * exos: ExOS's runtime for Linux programs.  spawn_linux (libos/spawn.c)
 * loads it, linked high (EXOS_RUNTIME_BASE), beside a static Linux
 * program; it starts first, installs the Linux system-call layer
 * (syscall.c) as its EXO_EXC_SYSCALL handler and jumps to the program's
 * entry with the stack Linux would have given it.
 */
#include "../exos.h"
#include "../internal.h"
#include "linux.h"

static uint64_t
hex(const char *s)
{
	uint64_t v = 0;

	for (; *s; s++)
		v = v * 16 + (uint64_t)(*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
	return v;
}

int
main(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "--linux") != 0) {
		printf("usage: exos --linux HANDOFF\nExOS's runtime for static "
		       "Linux programs; spawn_linux starts it, not a person.\n");
		return argc > 1 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	const struct exos_linux_handoff *h = (const void *)hex(argv[2]);
	if (linux_init(h->brk, h->stack_lo) < 0) {
		printf("exos: cannot set up the Linux system-call layer\n");
		return 127;
	}
	/* The program starts with rdx = 0 (no exit handler) and clean flags. */
	__asm__ volatile("movq %0, %%rsp\n\t"
			 "xorl %%edx, %%edx\n\t"
			 "xorl %%ebp, %%ebp\n\t"
			 "jmp *%1"
			 :
			 : "a"(h->sp), "c"(h->entry)
			 : "memory");
	__builtin_unreachable();
}
