/*
 * Looks for a broken start of Linux programs: an unmodified static musl
 * program (lhello) must run on ExOS's Linux system-call layer — stack,
 * auxv, TLS (arch_prctl), brk and mmap for malloc, uname, writev to the
 * console — and end with its own exit status; lsys and lfork must find the
 * layer behaving as Linux does (they pass on the host too); and everything
 * each had, a forked child's too, must come back.  A name that is not in
 * the boot image gives EXO_ENOENT.
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
	/*
	 * lsys checks the calls the layer implements behave as on Linux;
	 * lfork that fork and wait4 do (copy-on-write both ways, exit status)
	 * and, counted here, that a forked child's pages all come back.
	 */
	const char *progs[] = { "lsys", "lfork" };
	for (int i = 0; i < 2; i++) {
		char *pargv[] = { (char *)progs[i], NULL };
		before = EXO_INFO->free_pages;
		CHECK_EQ(spawn_linux(progs[i], pargv, envp, NULL, 0, &c), 0);
		CHECK_EQ(child_wait(&c, 30ULL * 1000000000ULL, &in), 0);
		child_release(&c);
		CHECK_EQ(in.cause, EXO_CAUSE_EXIT);
		CHECK_EQ(in.status, 0);
		CHECK_EQ(EXO_INFO->free_pages, before);
	}
	printf("t_linux: a static musl program ran and exited with its status\n");
	return 0;
}
