/*
 * A tiny unit-test harness for the host tests (tests/host/test_*.c).
 *
 *   TEST(name) { CHECK(x == 1); CHECKF(a == b, "a=%d b=%d", a, b); }
 *   int main(int argc, char **argv) { return unit_main(argc, argv); }
 *
 * Each test prints exactly one line to stdout, "ok NAME" or
 * "FAIL NAME: file:line: reason" (the first failed check, plus how many more
 * failed), which tools/test.sh counts.  The program exits 1 if any test
 * failed.  A CHECK records a failure and goes on; a REQUIRE returns from the
 * test.  With an argument, only the tests whose names contain it run.
 * Each test runs in its own child process (see unit_run_one), so tests
 * share no state and a crash, leak or hang is charged to one test.
 */
#ifndef TESTS_HOST_UNIT_H
#define TESTS_HOST_UNIT_H

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Seconds one test may run before it is reported as hung. */
#ifndef UNIT_TIMEOUT
#define UNIT_TIMEOUT 30
#endif

#define UNIT_MAXTESTS 256

struct unit_test {
	const char *name;
	void (*fn)(void);
};

static struct unit_test unit_tests[UNIT_MAXTESTS];
static int unit_ntests;
static int unit_nfail;         /* failed checks in the running test */
static char unit_first[512];   /* the first failure's message */
static int unit_checks;        /* checks evaluated in the running test */

static void
unit_register(const char *name, void (*fn)(void))
{
	if (unit_ntests == UNIT_MAXTESTS) {
		fprintf(stderr, "unit.h: too many tests\n");
		abort();
	}
	unit_tests[unit_ntests].name = name;
	unit_tests[unit_ntests++].fn = fn;
}

#define TEST(name)                                                        \
	static void unit_test_##name(void);                               \
	__attribute__((constructor)) static void unit_reg_##name(void)    \
	{                                                                 \
		unit_register(#name, unit_test_##name);                   \
	}                                                                 \
	static void unit_test_##name(void)

__attribute__((format(printf, 3, 4))) static void
unit_failf(const char *file, int line, const char *fmt, ...)
{
	if (unit_nfail++ == 0) {
		va_list ap;
		int n = snprintf(unit_first, sizeof(unit_first), "%s:%d: ",
		    file, line);
		va_start(ap, fmt);
		vsnprintf(unit_first + n, sizeof(unit_first) - (size_t)n, fmt,
		    ap);
		va_end(ap);
		/* One line per test: no newlines in the reason. */
		for (char *p = unit_first; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
	}
}

/* Counts a check, so that a test that checked nothing is reported. */
static inline int
unit_count(int cond)
{
	unit_checks++;
	return cond;
}

#define CHECK(cond)                                                       \
	do {                                                              \
		if (!unit_count(!!(cond)))                                \
			unit_failf(__FILE__, __LINE__, "%s", #cond);      \
	} while (0)

#define CHECKF(cond, fmt, ...)                                            \
	do {                                                              \
		if (!unit_count(!!(cond)))                                \
			unit_failf(__FILE__, __LINE__, "%s: " fmt, #cond, \
			    ##__VA_ARGS__);                               \
	} while (0)

/* Integers compared as long long, both values shown on failure. */
#define CHECK_EQ(a, b)                                                    \
	do {                                                              \
		long long unit_a_ = (long long)(a), unit_b_ = (long long)(b); \
		if (!unit_count(unit_a_ == unit_b_))                      \
			unit_failf(__FILE__, __LINE__, "%s == %s: %lld != %lld", \
			    #a, #b, unit_a_, unit_b_);                    \
	} while (0)

#define REQUIRE(cond)                                                     \
	do {                                                              \
		if (!unit_count(!!(cond))) {                              \
			unit_failf(__FILE__, __LINE__, "%s", #cond);      \
			return;                                           \
		}                                                         \
	} while (0)

/* Fails (and stops the test) without a condition. */
#define FAILF(...)                                                        \
	do {                                                              \
		unit_count(0);                                            \
		unit_failf(__FILE__, __LINE__, __VA_ARGS__);              \
		return;                                                   \
	} while (0)

/*
 * Runs one test in a child process, so that a crash (an ASan or UBSan
 * report, a signal), a leak (LeakSanitizer fails the child's exit) or a
 * hang (SIGALRM after UNIT_TIMEOUT seconds) fails that test alone, still
 * with its one line.  The child sends its verdict through a pipe.
 */
static int
unit_run_one(const struct unit_test *t)
{
	int fd[2], status;
	char msg[700];
	size_t got = 0;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if (pipe(fd) < 0 || (pid = fork()) < 0) {
		printf("FAIL %s: cannot fork\n", t->name);
		return 1;
	}
	if (pid == 0) {
		close(fd[0]);
		alarm(UNIT_TIMEOUT);
		unit_nfail = 0;
		unit_checks = 0;
		unit_first[0] = 0;
		t->fn();
		if (unit_nfail == 0 && unit_checks == 0) {
			snprintf(unit_first, sizeof(unit_first),
			    "the test checked nothing");
			unit_nfail = 1;
		}
		if (unit_nfail > 1)
			snprintf(msg, sizeof(msg), "FAIL %s (and %d more failed checks)",
			    unit_first, unit_nfail - 1);
		else if (unit_nfail)
			snprintf(msg, sizeof(msg), "FAIL %s", unit_first);
		else
			snprintf(msg, sizeof(msg), "ok");
		if (write(fd[1], msg, strlen(msg)) < 0)
			_exit(3);
		close(fd[1]);
		exit(0); /* exit, not _exit: the leak checker runs now */
	}
	close(fd[1]);
	for (;;) {
		ssize_t n = read(fd[0], msg + got, sizeof(msg) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	msg[got] = 0;
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0)
		;
	fflush(stderr);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
		printf("FAIL %s: timed out after %d s (hung?)\n", t->name,
		    UNIT_TIMEOUT);
		return 1;
	}
	if (got == 0) {
		if (WIFSIGNALED(status))
			printf("FAIL %s: crashed with signal %d (see stderr)\n",
			    t->name, WTERMSIG(status));
		else
			printf("FAIL %s: crashed, exit status %d (a sanitizer "
			       "report on stderr?)\n", t->name, WEXITSTATUS(status));
		return 1;
	}
	if (strcmp(msg, "ok") == 0 && !(WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0)) {
		printf("FAIL %s: passed, but exited with status %d (a leak? see "
		       "stderr)\n", t->name, WIFEXITED(status) ?
		    WEXITSTATUS(status) : 128 + WTERMSIG(status));
		return 1;
	}
	if (strcmp(msg, "ok") == 0) {
		printf("ok %s\n", t->name);
		return 0;
	}
	printf("FAIL %s: %s\n", t->name, msg + 5);
	return 1;
}

static int
unit_main(int argc, char **argv)
{
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < unit_ntests; i++) {
		if (argc > 1 && strstr(unit_tests[i].name, argv[1]) == NULL)
			continue;
		failed += unit_run_one(&unit_tests[i]);
	}
	return failed ? 1 : 0;
}

/*
 * A fresh directory /tmp/PREFIX.XXXXXX in buf (at least 64 bytes), removed
 * with everything in it when the test's process exits, also after a failed
 * REQUIRE.  0 or -1.
 */
static char unit_tmpdirs[4][64];
static int unit_ntmpdirs;

static void
unit_tmpdir_cleanup(void)
{
	char cmd[100];

	for (int i = 0; i < unit_ntmpdirs; i++) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", unit_tmpdirs[i]);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", unit_tmpdirs[i]);
	}
	unit_ntmpdirs = 0;
}

__attribute__((unused)) static int
unit_tmpdir(char *buf, const char *prefix)
{
	if (unit_ntmpdirs == 4 || strlen(prefix) > 40)
		return -1;
	snprintf(buf, 64, "/tmp/%s.XXXXXX", prefix);
	if (mkdtemp(buf) == NULL)
		return -1;
	if (unit_ntmpdirs == 0)
		atexit(unit_tmpdir_cleanup);
	snprintf(unit_tmpdirs[unit_ntmpdirs++], 64, "%s", buf);
	return 0;
}

/* A fixed-seed generator (xorshift64*), the same on every run. */
struct unit_rng {
	unsigned long long s;
};

static inline unsigned long long
unit_rand(struct unit_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 2685821657736338717ULL;
}

/* Uniform-ish in [0, n), n > 0. */
static inline unsigned long long
unit_below(struct unit_rng *r, unsigned long long n)
{
	return unit_rand(r) % n;
}

/*
 * The repository's root, found from this program's path
 * (ROOT/build/host/test_NAME), so the tests can run from any directory.
 */
__attribute__((unused)) static const char *
unit_root(void)
{
	static char root[4096];
	ssize_t n;

	if (root[0])
		return root;
	n = readlink("/proc/self/exe", root, sizeof(root) - 1);
	if (n <= 0) {
		strcpy(root, ".");
		return root;
	}
	root[n] = 0;
	for (int up = 0; up < 3; up++) {
		char *slash = strrchr(root, '/');
		if (slash == NULL || slash == root) {
			strcpy(root, ".");
			return root;
		}
		*slash = 0;
	}
	return root;
}

#endif
