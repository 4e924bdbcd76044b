/*
 * Looks for a broken start of Linux programs: an unmodified static musl
 * program (lhello) must run on ExOS's Linux system-call layer — stack,
 * auxv, TLS (arch_prctl), brk and mmap for malloc, uname, writev to the
 * console — and end with its own exit status, also without sysd (here it
 * is started directly, with the console only); and everything it had must
 * come back.  A name that is not in the boot image gives EXO_ENOENT.
 * (The Linux test programs, lsys, lfork and the others, run under sysd as
 * entries of their own in init's suite.)
 */
#include "tutil.h"

int
main(int argc, char **argv)
{
	char *args[] = { "lhello", "from", "t_linux", NULL };
	char *envp[] = { "HOME=/home/test", NULL };
	struct exo_envinfo in;
	struct child c;

	(void)argc;
	(void)argv;
	CHECK(bootimg_is_linux("lhello"));
	CHECK(!bootimg_is_linux("hello"));
	/* A first run grows our own slot and page tables; then count. */
	CHECK_EQ(spawn_linux("lhello", args, envp, NULL, 0, &c), 0);
	CHECK_EQ(child_wait(&c, 30ULL * 1000000000ULL, &in), 0);
	child_release(&c);
	uint64_t before = EXO_INFO->free_pages;
	CHECK_EQ(spawn_linux("lhello", args, envp, NULL, 0, &c), 0);
	CHECK_EQ(child_wait(&c, 30ULL * 1000000000ULL, &in), 0);
	child_release(&c);
	CHECK_EQ(in.cause, EXO_CAUSE_EXIT);
	CHECK_EQ(in.status, 7);
	CHECK_EQ(EXO_INFO->free_pages, before);
	CHECK_EQ(spawn_linux("no-such-program", args, envp, NULL, 0, &c), EXO_ENOENT);
	printf("t_linux: a static musl program ran and exited with its status\n");
	return 0;
}
