/*
 * lforkbomb: RLIMIT_NPROC contains a fork bomb (make test runs it on the
 * host as the unprivileged user nobody, the oracle; ExOS's library OS must
 * enforce the limit too).  It sets RLIMIT_NPROC to 64 and reads it back
 * (getrlimit, prlimit), then starts a fork bomb in a process group of its
 * own: every process forks in a loop until fork fails, reporting each
 * start, fork and failure through a pipe.  It checks that fork failed with
 * EAGAIN, that the bomb and this test together stayed within the limit,
 * that killing the group ends every process and that all are reaped, and
 * that the system is still usable after it (fork, exec and wait; a pipe).
 * The bomb is bounded whatever the limit does: each process forks at most
 * DEPTH times (2^DEPTH processes in all, 2048 by default), every process
 * exits once this test ends, and the test gives up after 60 s; an
 * unenforced limit is a failure.  Prints one line per failed check and a
 * summary; exits 0 only if every check passed.
 *
 * Root (and any process that may raise its hard limit) ignores
 * RLIMIT_NPROC, so it refuses to run privileged (exit 77) unless
 * LFORKBOMB_ALLOW_ROOT is set, as for ExOS, where everything is uid 0 and
 * the library OS enforces the limit.
 *   lforkbomb [--help] [--depth N]   (N from 1 to 11; small N are for testing)
 *   lforkbomb --exit N               (the mode it execs itself in)
 * It re-executes itself as $LTEST_SELF if set, else as argv[0].
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { LIMIT = 64 };

#define LTEST_NAME "lforkbomb"
#include "ltest.h"

static uint64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * One process of the bomb: it reports S when it starts, F for each fork
 * that succeeds, then A (fork failed with EAGAIN), O (failed otherwise) or
 * D (forked `left` times without a failure), and waits until the test
 * ends: killed, or the lifeline (whose write end only the test holds)
 * reaching end of file.  A child goes on with its parent's loop, so the
 * whole bomb is at most 2^depth processes.
 */
static void __attribute__((noreturn))
bomb(int depth, int rep, int life)
{
	char c;
	const char *end = "D";

	write(rep, "S", 1);
	for (int i = 0; i < depth; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			write(rep, "S", 1);
			continue;
		}
		if (pid < 0) {
			end = errno == EAGAIN ? "A" : "O";
			break;
		}
		write(rep, "F", 1);
	}
	write(rep, end, 1);
	while (read(life, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

int
main(int argc, char **argv)
{
	int depth = 11;

	if (argc > 2 && strcmp(argv[1], "--exit") == 0)
		return atoi(argv[2]);
	if (argc == 3 && strcmp(argv[1], "--depth") == 0) {
		depth = atoi(argv[2]);
		if (depth < 1 || depth > 11)
			depth = -1;
	}
	if ((argc > 1 && argc != 3) || depth < 0 ||
	    (argc == 3 && strcmp(argv[1], "--depth") != 0)) {
		printf("usage: lforkbomb [--depth N]\nChecks RLIMIT_NPROC (%d) "
		       "contains a fork bomb of at most 2^N processes (N <= 11,\n"
		       "default 11); exits 0 if it did.  Refuses to run privileged "
		       "(exit 77) unless\nLFORKBOMB_ALLOW_ROOT is set.  It runs "
		       "itself (as $LTEST_SELF or argv[0]) with --exit N.\n",
		    LIMIT);
		return argc > 1 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	const char *self = getenv("LTEST_SELF");
	if (self == NULL || *self == 0)
		self = argv[0];
	uint64_t start = now_ms();

	/* The limit, read back both ways. */
	struct rlimit rl = { LIMIT, LIMIT }, got;
	CHECK(setrlimit(RLIMIT_NPROC, &rl) == 0);
	CHECK(getrlimit(RLIMIT_NPROC, &got) == 0 && got.rlim_cur == LIMIT &&
	    got.rlim_max == LIMIT);
	memset(&got, 0, sizeof(got));
	CHECK(prlimit(0, RLIMIT_NPROC, NULL, &got) == 0 && got.rlim_cur == LIMIT &&
	    got.rlim_max == LIMIT);
	/* Who may raise a hard limit may also fork past it. */
	struct rlimit more = { LIMIT, LIMIT + 1 };
	int privileged = getuid() == 0 || geteuid() == 0 ||
	    setrlimit(RLIMIT_NPROC, &more) == 0;
	setrlimit(RLIMIT_NPROC, &rl);
	if (privileged && getenv("LFORKBOMB_ALLOW_ROOT") == NULL) {
		printf("lforkbomb: refusing to run privileged, where RLIMIT_NPROC "
		       "does not apply;\nrun it as an ordinary user, or set "
		       "LFORKBOMB_ALLOW_ROOT where the limit binds root too\n");
		return 77;
	}
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	/* Orphans of the bomb come to us, so we can reap them (Linux). */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

	int rep[2], life[2];
	CHECK(pipe(rep) == 0 && pipe(life) == 0);
	if (nfailed)
		return 1;
	pid_t lead = fork();
	if (lead == 0) {
		setpgid(0, 0);
		close(rep[0]);
		close(life[1]);
		bomb(depth, rep[1], life[0]);
	}
	CHECK(lead > 0);
	if (lead < 0)
		return 1;
	setpgid(lead, lead);
	close(rep[1]);
	close(life[0]);

	/*
	 * Read the reports until the bomb is quiet: every process that
	 * started has ended its loop and each successful fork's child has
	 * started.  Give up after 40 s.
	 */
	long n[256] = { 0 };
	char buf[4096];
	int quiet = 0, eof = 0;
	while (!quiet && !eof) {
		int64_t left = 40000 - (int64_t)(now_ms() - start);
		if (left <= 0)
			break;
		struct pollfd p = { rep[0], POLLIN, 0 };
		int r = poll(&p, 1, (int)(left < 1000 ? left : 1000));
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		ssize_t k = read(rep[0], buf, sizeof(buf));
		if (k <= 0) {
			eof = k == 0;
			break;
		}
		for (ssize_t i = 0; i < k; i++)
			n[(unsigned char)buf[i]]++;
		long ends = n['A'] + n['O'] + n['D'];
		quiet = n['S'] > 0 && ends == n['S'] && n['S'] == n['F'] + 1;
	}
	CHECK(quiet);
	if (!quiet)
		printf("lforkbomb: the bomb did not settle in 40 s (%ld started, "
		       "%ld ended)\n", n['S'], n['A'] + n['O'] + n['D']);

	/* Kill the group; reap until none of it is left (at most 10 s). */
	int gone = 0;
	uint64_t kill_at = now_ms();
	while (!gone && now_ms() - kill_at < 10000) {
		kill(-lead, SIGKILL);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		gone = kill(-lead, 0) == -1 && errno == ESRCH;
		if (!gone)
			sleep_ms(5);
	}
	CHECK(gone);
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	close(life[1]); /* anything left of the bomb ends now */
	/* Count every report, now that all writers are gone. */
	for (;;) {
		struct pollfd p = { rep[0], POLLIN, 0 };
		if (poll(&p, 1, 2000) <= 0)
			break;
		ssize_t k = read(rep[0], buf, sizeof(buf));
		if (k <= 0)
			break;
		for (ssize_t i = 0; i < k; i++)
			n[(unsigned char)buf[i]]++;
	}
	close(rep[0]);
	CHECK(n['A'] > 0);  /* fork failed with EAGAIN */
	CHECK(n['O'] == 0); /* and with nothing else */
	CHECK(n['S'] < LIMIT); /* the bomb and this test stayed within it */
	if (n['A'] == 0 || n['S'] >= LIMIT)
		printf("lforkbomb: the limit was not enforced: %ld processes "
		       "started, %ld forks failed with EAGAIN\n", n['S'], n['A']);

	/* Still usable: fork, exec and wait; a pipe. */
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = { (char *)self, "--exit", "7", NULL };
		execv(self, args);
		_exit(127);
	}
	int st = 0;
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 7);
	int p[2] = { -1, -1 };
	char c[3] = { 0 };
	CHECK(pipe(p) == 0 && write(p[1], "ok", 2) == 2 && read(p[0], c, 2) == 2 &&
	    strcmp(c, "ok") == 0);
	close(p[0]);
	close(p[1]);
	CHECK(now_ms() - start < 60000);
	if (nfailed)
		printf("lforkbomb: FAILED: %d of %d checks\n", nfailed, nchecks);
	else
		printf("lforkbomb: all %d checks passed (%ld processes, fork "
		       "failed %ld times with EAGAIN)\n", nchecks, n['S'], n['A']);
	return nfailed != 0;
}
