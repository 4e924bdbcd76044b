/*
 * init: the first environment, started by the kernel from the boot image.
 * What it does depends on the kernel command line (the info page):
 *
 *   test [NAME...]   run the in-guest tests (every t_* program, then every
 *                    b_* benchmark once as a check of its operation; or
 *                    those named), each in its own environment with a
 *                    timeout, checking that each gives back every page;
 *                    print "ok NAME" / "FAIL NAME: why" and a total, power off
 *   bench [NAME...]  run the benchmark programs (b_*), power off
 *   run=PROG ARGS    run one program of the boot image, power off with
 *                    its exit status; anything else after run= is a shell
 *                    command, run by /bin/sh -c under sysd
 *   prompt           a small command prompt: type a program's name
 *   (nothing)        the shell: busybox sh, interactive, under sysd
 */
#include "exos.h"

#define TEST_TIMEOUT_NS (120ULL * 1000000000ULL)
#define MAXARGS 32

/*
 * Every program init starts gets, beside the console, a machine capability
 * that can only ask environments for resources back (exo_reclaim) and be
 * passed on: tests and demonstrations of revocation need it.  Powering off
 * stays init's.
 */
static const struct spawn_cap machine_cap = {
	EXO_SLOT_MACHINE, EXO_SLOT_MACHINE, EXO_R_CALL | EXO_R_GRANT,
};

/*
 * Linux programs run under sysd, ExOS's system server (libos/sysd/), which
 * gives them a file system, pipes, a terminal and a process table; it
 * exits with the program's status.
 */
/*
 * The fork bomb test runs only where the limit binds root too, as it
 * does on ExOS (where everything is uid 0): it is told so.
 */
static char *
linux_env_for(const char *name)
{
	return strcmp(name, "lforkbomb") == 0 ? "LFORKBOMB_ALLOW_ROOT=1" : NULL;
}

static int
run_program(char **argv, uint64_t timeout_ns, struct exo_envinfo *info)
{
	char *sysd_argv[MAXARGS + 5] = { "sysd" };
	struct child c;
	int r, n = 0, k = 1;

	if (bootimg_is_linux(argv[0])) {
		char *env = linux_env_for(argv[0]);
		if (env) {
			sysd_argv[k++] = "-e";
			sysd_argv[k++] = env;
		}
		sysd_argv[k++] = "--";
		while (argv[n] && n < MAXARGS)
			sysd_argv[k++] = argv[n++];
		sysd_argv[k] = NULL;
		argv = sysd_argv;
	}
	/* The image goes with it, so that it can start programs in turn
	 * (sysd does, and tests that run sysd). */
	struct spawn_cap caps[2] = { machine_cap, { SPAWN_CAP_BOOTIMG, 0, 0 } };
	if ((r = spawn_caps(argv[0], argv, caps, 2, &c)) < 0)
		return r;
	r = child_wait(&c, timeout_ns, info);
	if (r == EXO_EAGAIN)
		exo_env_destroy(c.env);
	child_release(&c);
	return r;
}

static const char *
describe(const struct exo_envinfo *in, char *buf, size_t n)
{
	if (in->cause == EXO_CAUSE_EXIT)
		snprintf(buf, n, "exit status %ld", (long)in->status);
	else if (in->cause == EXO_CAUSE_FAULT)
		snprintf(buf, n, "killed by exception %u at rip %lx",
		    in->trapno, in->fault_rip);
	else
		snprintf(buf, n, "destroyed");
	return buf;
}

/*
 * Splits s in place into words at blanks, as a shell would: '...' keeps
 * everything inside, "..." too but for \" and \\; returns the count.
 */
static int
split(char *s, char **argv, int max)
{
	int n = 0;

	while (*s && n < max - 1) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		char *out = s;
		argv[n++] = out;
		char q = 0;
		for (; *s && (q || *s != ' '); s++) {
			if (!q && (*s == '\'' || *s == '"')) {
				q = *s;
			} else if (q && *s == q) {
				q = 0;
			} else if (q == '"' && *s == '\\' && (s[1] == '"' || s[1] == '\\')) {
				*out++ = *++s;
			} else {
				*out++ = *s;
			}
		}
		if (*s)
			s++;
		*out = 0;
	}
	argv[n] = NULL;
	return n;
}

static int
wanted(const char *name, const char *prefix, char **names, int nnames)
{
	if (nnames == 0)
		return strncmp(name, prefix, strlen(prefix)) == 0;
	for (int i = 0; i < nnames; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

/*
 * The leak check compares free pages before and after each program, so the
 * kernel tables that our own bookkeeping grows into (capability-slot
 * tables, the scratch window's page tables) must exist before the first
 * measurement: fill and empty one slot in each of the first slot tables.
 */
static void
warm_up(void)
{
	int64_t first = slot_alloc_range(4096);

	if (first < 0)
		return;
	for (uint64_t s = (uint64_t)first; s < (uint64_t)first + 4096; s += 64) {
		exo_cap_copy(EXO_SLOT_CONSOLE, EXO_SLOT_SELF, s, 0);
		exo_cap_delete(s);
	}
	slot_free_range((uint64_t)first, 4096);
	char *argv[] = { "hello", "warm-up", NULL };
	struct exo_envinfo in;
	run_program(argv, 0, &in);
}

/*
 * Runs every program matching prefix (or named) and reports on each.
 * extra, if not NULL, is passed to each as its arguments.
 */
static void
run_suite(const char *prefix, char **names, int nnames, char **extra,
    int *passed, int *failed)
{
	const struct exo_bootimg *img = (const void *)EXO_BOOTIMG_VA;
	char why[96];

	warm_up();

	for (uint32_t i = 0; i < img->nfiles; i++) {
		const char *name = img->file[i].name;
		if (!wanted(name, prefix, names, nnames))
			continue;
		char *argv[MAXARGS] = { (char *)name, NULL };
		for (int k = 0; extra && extra[k] && k + 2 < MAXARGS; k++) {
			argv[k + 1] = extra[k];
			argv[k + 2] = NULL;
		}
		struct exo_envinfo in;
		uint64_t before = EXO_INFO->free_pages, t0 = time_ns();
		int r = run_program(argv, TEST_TIMEOUT_NS, &in);
		uint64_t ms = (time_ns() - t0) / 1000000;
		int64_t leaked = (int64_t)before - (int64_t)EXO_INFO->free_pages;
		if (r == EXO_EAGAIN) {
			printf("FAIL %s: timed out after %llu s\n", name,
			    TEST_TIMEOUT_NS / 1000000000ULL);
		} else if (r < 0) {
			printf("FAIL %s: cannot run: %s\n", name, exo_strerror(r));
		} else if (in.cause != EXO_CAUSE_EXIT || in.status != 0) {
			printf("FAIL %s: %s\n", name, describe(&in, why, sizeof(why)));
		} else if (leaked != 0) {
			printf("FAIL %s: %ld pages not given back\n", name, (long)leaked);
		} else {
			printf("ok %s (%lu ms)\n", name, ms);
			(*passed)++;
			continue;
		}
		(*failed)++;
	}
}

static void
list_programs(void)
{
	const struct exo_bootimg *img = (const void *)EXO_BOOTIMG_VA;

	for (uint32_t i = 0; i < img->nfiles; i++)
		printf("%s%s", img->file[i].name, i + 1 < img->nfiles ? " " : "\n");
}

static void
read_line(char *buf, size_t n)
{
	size_t len = 0;

	for (;;) {
		int c = getchar();
		if (c == '\r' || c == '\n') {
			printf("\n");
			break;
		}
		if ((c == 127 || c == 8) && len > 0) {
			len--;
			printf("\b \b");
		} else if (c >= ' ' && c < 127 && len + 1 < n) {
			buf[len++] = (char)c;
			printf("%c", c);
		}
	}
	buf[len] = 0;
}

static void
prompt(void)
{
	char line[256], *argv[MAXARGS];
	struct exo_envinfo in;
	char why[96];

	printf("\nExokernel: init is running.  Programs in the boot image:\n");
	list_programs();
	printf("Type a program's name (with arguments) to run it, 'help' for "
	       "help, 'poweroff' to stop.\n");
	for (;;) {
		printf("exo> ");
		read_line(line, sizeof(line));
		int argc = split(line, argv, MAXARGS);
		if (argc == 0)
			continue;
		if (strcmp(argv[0], "help") == 0) {
			printf("help       this text\nls         list the programs\n"
			       "poweroff   power the machine off\n"
			       "PROG ARGS  run a program and wait for it\n");
		} else if (strcmp(argv[0], "ls") == 0) {
			list_programs();
		} else if (strcmp(argv[0], "poweroff") == 0 ||
		    strcmp(argv[0], "exit") == 0) {
			exo_machine_exit(EXO_SLOT_MACHINE, 0);
		} else {
			int r = run_program(argv, 0, &in);
			if (r == EXO_ENOENT)
				printf("%s: no such program (try 'ls')\n", argv[0]);
			else if (r < 0)
				printf("%s: %s\n", argv[0], exo_strerror(r));
			else if (in.cause != EXO_CAUSE_EXIT || in.status != 0)
				printf("%s: %s\n", argv[0], describe(&in, why, sizeof(why)));
		}
	}
}

int
main(int argc, char **argv)
{
	static char cmdline[sizeof(EXO_INFO->cmdline)];
	char *words[MAXARGS];
	int status;

	(void)argc;
	(void)argv;
	static char raw[sizeof(cmdline)];
	memcpy(cmdline, (const void *)EXO_INFO->cmdline, sizeof(cmdline));
	cmdline[sizeof(cmdline) - 1] = 0;
	memcpy(raw, cmdline, sizeof(raw));
	int n = split(cmdline, words, MAXARGS);
	int passed = 0, failed = 0;
	if (n > 0 && strcmp(words[0], "test") == 0) {
		/*
		 * The tests, then every benchmark once as a check: each b_*
		 * verifies its own operation and fails if it did not happen.
		 */
		char *extra[] = { "--mode", "tcg", NULL };
		char *lcheck[] = { "lbench", NULL };
		char *lextra[] = { "--sys", "exo-linux", "--check", NULL };
		/* Linux programs that check POSIX behaviour (Linux is their
		 * oracle: make test runs them on the host too), under sysd. */
		char *ltests[] = { "lsys", "lsys-pie", "lfork", "lhostile", "lfile", "lpipe", "lproc",
			"lforkbomb", "lscribble" };
		run_suite("t_", words + 1, n - 1, NULL, &passed, &failed);
		if (n == 1) {
			run_suite("", ltests, sizeof(ltests) / sizeof(ltests[0]),
			    NULL, &passed, &failed);
			run_suite("b_", NULL, 0, extra, &passed, &failed);
			run_suite("", lcheck, 1, lextra, &passed, &failed);
		}
		printf("guest: %d passed, %d failed\n", passed, failed);
		status = failed ? 1 : 0;
	} else if (n > 0 && strcmp(words[0], "bench") == 0) {
		/* "bench mode=M NAME...": each benchmark gets --mode M. */
		char *extra[] = { "--mode", "tcg", NULL };
		int first = 1;
		if (n > 1 && strncmp(words[1], "mode=", 5) == 0) {
			extra[1] = words[1] + 5;
			first = 2;
		}
		run_suite("b_", words + first, n - first, extra, &passed, &failed);
		/* The same Linux binary that runs on Linux, on ExOS's Linux layer. */
		if (n == first && bootimg_is_linux("lbench")) {
			char *lb[] = { "lbench", NULL };
			char *lextra[] = { "--sys", "exo-linux", "--mode", extra[1], NULL };
			run_suite("", lb, 1, lextra, &passed, &failed);
		}
		printf("guest: %d passed, %d failed\n", passed, failed);
		status = failed ? 1 : 0;
	} else if (n > 0 && strncmp(words[0], "run=", 4) == 0) {
		struct exo_envinfo in;
		uint64_t size;
		words[0] += 4;
		char *sh[] = { "sysd", "--", "/bin/sh", "-c", raw + 4, NULL };
		char *const *prog = bootimg_file(words[0], &size) ? words : sh;
		int r = run_program((char **)prog, 0, &in);
		if (r < 0) {
			printf("init: %s: %s\n", words[0], exo_strerror(r));
			status = 127;
		} else {
			status = in.cause == EXO_CAUSE_EXIT ? (int)(in.status & 0x7f) : 126;
		}
	} else if (n > 0 && strcmp(words[0], "prompt") == 0) {
		prompt();
		status = 0;
	} else {
		/* The shell, as a login shell: /etc/profile greets. */
		char *sh[] = { "sysd", "--", "/bin/sh", "-l", NULL };
		struct exo_envinfo in;
		int r = run_program(sh, 0, &in);
		status = r < 0 ? 127 : in.cause == EXO_CAUSE_EXIT ? (int)(in.status & 0x7f) : 126;
	}
	exo_machine_exit(EXO_SLOT_MACHINE, (uint64_t)status);
	return status;
}
