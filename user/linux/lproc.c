/*
 * lproc: processes behave as POSIX and Linux say (make test runs it on the
 * host, the oracle; ExOS's exec, signals and process groups must pass it
 * too).  It checks fork/exec/wait exit statuses (0, 1, 42, 255, through an
 * exec of this program); execve errors (ENOENT, ENOEXEC for a text file
 * without "#!", EACCES, ENOTDIR); argv and envp passed exactly through exec
 * (empty and long strings); O_CLOEXEC descriptors closed by exec, plain ones
 * kept with their offset; death by SIGSEGV (status 139 to a shell), SIGKILL
 * and SIGTERM; a handler running for a signal from another process while
 * blocked in read (EINTR, or restarted with SA_RESTART), pause or
 * sigsuspend, or spinning without a system call (its SSE registers intact
 * afterwards); a blocked signal staying pending; SIGCHLD with its siginfo;
 * waitpid with WNOHANG, for one child, for any (-1) and ECHILD; getppid;
 * process groups (setpgid/getpgid/getpgrp, kill(-pgid) reaching every member
 * and not the sender); setsid/getsid; 64 processes at once; and copy-on-
 * write isolation both ways for globals, heap, stack and a 4 MiB region.
 * Files it needs go in a fresh directory under $TMPDIR (or /tmp), removed at
 * the end.  Prints one line per failed check and a summary; exits 0 only if
 * every check passed.
 *   lproc [--help]
 *   lproc --exit N | --args ... | --fds A B KEEP   (modes it execs itself in)
 * It re-executes itself as $LTEST_SELF if set, else as argv[0].
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <ucontext.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define LTEST_NAME "lproc"
#include "ltest.h"

static const char *self;
static char dir[PATH_MAX];

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Waits for pid (blocking); its status, or -1. */
static int
reap(pid_t pid)
{
	int st;
	pid_t r;
	if (pid <= 0)
		return -1; /* fork failed: there is nothing to wait for */
	while ((r = waitpid(pid, &st, 0)) == -1 && errno == EINTR)
		;
	return r == pid ? st : -1;
}

/* Polls for pid's end for about ms: 1 and its status if it came. */
static int
poll_reap(pid_t pid, int ms, int *st)
{
	for (int t = 0; pid > 0 && t < ms; t += 2) {
		pid_t r = waitpid(pid, st, WNOHANG);
		if (r == pid)
			return 1;
		if (r == -1 && errno != EINTR)
			return 0;
		sleep_ms(2);
	}
	return 0;
}

/* Children that could not even be killed: blocking waits would hang. */
static int strays;

/* Kills a child that hung, and reaps it if that works within 1 s. */
static void
abandon(pid_t pid)
{
	int st;
	kill(pid, SIGKILL);
	if (!poll_reap(pid, 1000, &st))
		strays++;
}

/* Waits at most ms for pid, then kills it; its status, or -1 if it hung. */
static int
reap_within(pid_t pid, int ms)
{
	int st;
	if (poll_reap(pid, ms, &st))
		return st;
	abandon(pid);
	return -1;
}

/*
 * Sends sig to pid until it ends (a child that catches it may not yet be
 * waiting for it: it then gets it again), at most 5 s; its status or -1.
 */
static int
signal_until_exit(pid_t pid, int sig)
{
	sleep_ms(20);
	for (int i = 0; i < 250; i++) {
		int st;
		kill(pid, sig);
		if (poll_reap(pid, 20, &st))
			return st;
	}
	abandon(pid);
	return -1;
}

/* Reads n bytes children write when ready: 1 if they came within 5 s. */
static int
ready_within(int fd, char *buf, size_t n)
{
	size_t got = 0;
	for (int t = 0; got < n && t < 250; t++) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 20) != 1)
			continue;
		ssize_t r = read(fd, buf + got, n - got);
		if (r <= 0)
			return 0;
		got += (size_t)r;
	}
	return got == n;
}

static void
check_status_(int st, int code, int sig, int line)
{
	int ok = st != -1 && (sig ? WIFSIGNALED(st) && WTERMSIG(st) == sig :
				    WIFEXITED(st) && WEXITSTATUS(st) == code);
	nchecks++;
	if (ok)
		return;
	nfailed++;
	if (st == -1)
		printf("lproc: line %d: the child hung or was not there", line);
	else if (WIFEXITED(st))
		printf("lproc: line %d: the child exited %d", line, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("lproc: line %d: the child died of signal %d", line, WTERMSIG(st));
	else
		printf("lproc: line %d: the child's status is %#x", line, st);
	if (sig)
		printf(", want death by signal %d\n", sig);
	else
		printf(", want exit %d\n", code);
}

/* CHECK_EXIT(status, N): exited N.  CHECK_KILLED(status, S): died of S. */
#define CHECK_EXIT(st, code) check_status_((st), (code), 0, __LINE__)
#define CHECK_KILLED(st, sig) check_status_((st), 0, (sig), __LINE__)

/* A child that runs this program with the given arguments. */
static pid_t
spawn_self(char *const args[], char *const envp[])
{
	pid_t pid = fork();
	if (pid == 0) {
		if (envp)
			execve(self, args, envp);
		else
			execv(self, args);
		_exit(127);
	}
	return pid;
}

/* The argument and environment lists --args must receive, exactly. */
static char long_arg[3001], long_env[2001];

static void
make_long(void)
{
	for (int i = 0; i < 3000; i++)
		long_arg[i] = (char)('a' + i % 26);
	memcpy(long_env, "LONG=", 5);
	for (int i = 5; i < 2000; i++)
		long_env[i] = (char)('0' + i % 10);
}

static char *exp_argv[] = { "custom-argv0", "--args", "", "hello world", long_arg,
	"", "tab\tnew\nline", "\xc3\xbc\xc3\xa4", "*?[$HOME]", "-", NULL };
static char *exp_envp[] = { "A=1", "EMPTY=", long_env, "SPACES=a b  c",
	"NOEQUALS", "A=again", NULL };

static int
mode_args(int argc, char **argv)
{
	int n = (int)(sizeof(exp_argv) / sizeof(exp_argv[0])) - 1;
	int bad = argc != n || argv[argc] != NULL;
	for (int i = 0; !bad && i < n; i++)
		if (strcmp(argv[i], exp_argv[i]) != 0) {
			printf("lproc --args: argv[%d] differs\n", i);
			bad = 1;
		}
	int e = 0;
	for (; environ[e] != NULL && exp_envp[e] != NULL; e++)
		if (strcmp(environ[e], exp_envp[e]) != 0) {
			printf("lproc --args: environ[%d] differs\n", e);
			bad = 1;
		}
	if (environ[e] != NULL || exp_envp[e] != NULL) {
		printf("lproc --args: environ has the wrong length\n");
		bad = 1;
	}
	return bad;
}

/* --fds A B KEEP: A and B were O_CLOEXEC; KEEP was not and is at "ep". */
static int
mode_fds(char **argv)
{
	char buf[4];
	if (fcntl(atoi(argv[2]), F_GETFD) != -1 || errno != EBADF ||
	    fcntl(atoi(argv[3]), F_GETFD) != -1 || errno != EBADF)
		return 3;
	int keep = atoi(argv[4]);
	if (fcntl(keep, F_GETFD) != 0)
		return 4;
	if (read(keep, buf, 2) != 2 || memcmp(buf, "ep", 2) != 0)
		return 5;
	return 0;
}

/*
 * A child's execve of path: the error it returned (the child exits with
 * it), or -1 if the child ended otherwise.
 */
static int
exec_errno(const char *path)
{
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = { "x", NULL };
		char *env[] = { NULL };
		execve(path, args, env);
		_exit(errno);
	}
	int st = reap(pid);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Exit statuses through fork, exec and wait; argv and envp through exec. */
static void
test_exec(void)
{
	static const char *codes[] = { "0", "1", "42", "255" };

	for (int i = 0; i < 4; i++) {
		char *args[] = { (char *)self, "--exit", (char *)codes[i], NULL };
		CHECK_EXIT(reap(spawn_self(args, NULL)), atoi(codes[i]));
	}
	pid_t pid = fork();
	if (pid == 0)
		_exit(300); /* only the low 8 bits reach the parent */
	CHECK_EXIT(reap(pid), 300 & 0xff);

	/* argv and envp arrive exactly as given. */
	make_long();
	CHECK_EXIT(reap(spawn_self(exp_argv, exp_envp)), 0);
	char *few[] = { "lproc", "--args", NULL };
	CHECK_EXIT(reap(spawn_self(few, exp_envp)), 1); /* and --args can fail */
}

/* execve's errors; O_CLOEXEC at exec (these need files of their own). */
static void
test_exec_files(void)
{
	char path[PATH_MAX + 32];

	/* A failed execve returns its error to the caller, which goes on. */
	snprintf(path, sizeof(path), "%s/nosuch", dir);
	CHECK(exec_errno(path) == ENOENT);
	snprintf(path, sizeof(path), "%s/text", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	CHECK(fd >= 0 && write(fd, "echo not a program\n", 19) == 19);
	close(fd);
	CHECK(chmod(path, 0755) == 0);
	CHECK(exec_errno(path) == ENOEXEC);
	snprintf(path, sizeof(path), "%s/empty", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	close(fd);
	CHECK(chmod(path, 0755) == 0);
	CHECK(exec_errno(path) == ENOEXEC);
	CHECK(chmod(path, 0644) == 0);
	CHECK(exec_errno(path) == EACCES); /* root too: no x bit */
	CHECK(exec_errno(dir) == EACCES);  /* a directory */
	snprintf(path, sizeof(path), "%s/empty/x", dir);
	CHECK(exec_errno(path) == ENOTDIR);

	/* O_CLOEXEC descriptors close at exec; the others stay, offset too. */
	snprintf(path, sizeof(path), "%s/keep", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, "keep-me", 7) == 7 && lseek(fd, 2, SEEK_SET) == 2);
	int ce1 = open(path, O_RDONLY | O_CLOEXEC);
	int ce2 = open(path, O_RDONLY);
	CHECK(ce1 >= 0 && ce2 >= 0 && fcntl(ce2, F_SETFD, FD_CLOEXEC) == 0);
	char a1[16], a2[16], a3[16];
	snprintf(a1, sizeof(a1), "%d", ce1);
	snprintf(a2, sizeof(a2), "%d", ce2);
	snprintf(a3, sizeof(a3), "%d", fd);
	char *fargs[] = { (char *)self, "--fds", a1, a2, a3, NULL };
	CHECK_EXIT(reap(spawn_self(fargs, NULL)), 0);
	CHECK(lseek(fd, 0, SEEK_CUR) == 4); /* the child read through our offset */
	CHECK(fcntl(ce1, F_GETFD) == FD_CLOEXEC); /* ours are still open */
	close(ce1);
	close(ce2);
	close(fd);
}

static volatile sig_atomic_t got_usr1, got_usr2;
static int notify_fd = -1;

static void
on_usr1(int sig)
{
	(void)sig;
	got_usr1++;
	if (notify_fd >= 0)
		write(notify_fd, "h", 1);
}

static void
on_usr2(int sig)
{
	(void)sig;
	got_usr2++;
}

/* Installs fn for sig: an sa_sigaction if flags has SA_SIGINFO. */
static int
catch(int sig, void *fn, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	if (flags & SA_SIGINFO)
		sa.sa_sigaction = (void (*)(int, siginfo_t *, void *))fn;
	else
		sa.sa_handler = (void (*)(int))fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

/* Deaths by signal; handlers run for signals from another process. */
static void
test_signals(void)
{
	int ready[2], block[2], notify[2];
	char c;

	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		volatile int *volatile bad = (volatile int *)8;
		*bad = 1;
		_exit(1);
	}
	int st = reap(pid);
	CHECK_KILLED(st, SIGSEGV);
	CHECK(st != -1 && WIFSIGNALED(st) && 128 + WTERMSIG(st) == 139);

	/* SIGKILL and SIGTERM end a waiting child; WNOHANG sees it running. */
	int sigs[] = { SIGKILL, SIGTERM };
	for (int i = 0; i < 2; i++) {
		NEED(pipe(block) == 0);
		pid = fork();
		if (pid == 0) {
			signal(SIGTERM, SIG_DFL);
			close(block[1]);
			read(block[0], &c, 1);
			_exit(1);
		}
		close(block[0]);
		CHECK(waitpid(pid, &st, WNOHANG) == 0);
		CHECK(kill(pid, 0) == 0);
		CHECK(kill(pid, sigs[i]) == 0);
		CHECK_KILLED(reap_within(pid, 5000), sigs[i]);
		close(block[1]);
	}
	/* WNOHANG gives 0 while the child runs, then the child once it ends. */
	NEED(pipe(block) == 0);
	pid = fork();
	if (pid == 0) {
		close(block[1]);
		_exit(read(block[0], &c, 1) == 0 ? 17 : 1);
	}
	close(block[0]);
	CHECK(waitpid(pid, &st, WNOHANG) == 0);
	CHECK(waitpid(-1, &st, WNOHANG) == 0);
	close(block[1]);
	CHECK_EXIT(reap(pid), 17);

	/* A handler interrupts a blocked read: EINTR without SA_RESTART... */
	NEED(pipe(ready) == 0 && pipe(block) == 0);
	pid = fork();
	if (pid == 0) {
		catch(SIGUSR1, on_usr1, 0);
		close(block[1]);
		write(ready[1], "r", 1);
		ssize_t r = read(block[0], &c, 1);
		_exit(r == -1 && errno == EINTR && got_usr1 ? 50 : 1);
	}
	CHECK(ready_within(ready[0], &c, 1));
	CHECK_EXIT(signal_until_exit(pid, SIGUSR1), 50);
	close(block[0]);
	close(block[1]);

	/* ...and the read goes on with SA_RESTART. */
	NEED(pipe(block) == 0 && pipe(notify) == 0);
	pid = fork();
	if (pid == 0) {
		notify_fd = notify[1];
		catch(SIGUSR1, on_usr1, SA_RESTART);
		close(block[1]);
		write(ready[1], "r", 1);
		ssize_t r = read(block[0], &c, 1);
		_exit(r == 1 && c == 'b' && got_usr1 ? 51 : 1);
	}
	close(notify[1]);
	CHECK(ready_within(ready[0], &c, 1));
	sleep_ms(20);
	int handled = 0;
	for (int i = 0; i < 250 && !handled; i++) {
		struct pollfd p = { notify[0], POLLIN, 0 };
		kill(pid, SIGUSR1);
		handled = poll(&p, 1, 20) == 1;
	}
	CHECK(handled);
	CHECK(write(block[1], "b", 1) == 1);
	CHECK_EXIT(reap_within(pid, 5000), 51);
	close(block[0]);
	close(block[1]);
	close(notify[0]);

	/* pause returns EINTR after the handler. */
	pid = fork();
	if (pid == 0) {
		catch(SIGUSR1, on_usr1, 0);
		write(ready[1], "r", 1);
		while (!got_usr1)
			if (pause() != -1 || errno != EINTR)
				_exit(2);
		_exit(52);
	}
	CHECK(ready_within(ready[0], &c, 1));
	CHECK_EXIT(signal_until_exit(pid, SIGUSR1), 52);

	/* sigsuspend: a blocked signal is delivered when it unblocks it. */
	pid = fork();
	if (pid == 0) {
		sigset_t set, old, cur;
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		catch(SIGUSR1, on_usr1, 0);
		sigprocmask(SIG_BLOCK, &set, &old);
		write(ready[1], "r", 1);
		sigdelset(&old, SIGUSR1);
		int r = sigsuspend(&old);
		sigprocmask(SIG_SETMASK, NULL, &cur);
		_exit(r == -1 && errno == EINTR && got_usr1 == 1 &&
			sigismember(&cur, SIGUSR1) ? 53 : 1);
	}
	CHECK(ready_within(ready[0], &c, 1));
	CHECK(kill(pid, SIGUSR1) == 0);
	CHECK_EXIT(reap_within(pid, 5000), 53);
	close(ready[0]);
	close(ready[1]);

	/* A blocked signal stays pending, then runs its handler on unblock. */
	sigset_t set, pend;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	catch(SIGUSR2, on_usr2, 0);
	got_usr2 = 0;
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	CHECK(kill(getpid(), SIGUSR2) == 0);
	CHECK(got_usr2 == 0);
	CHECK(sigpending(&pend) == 0 && sigismember(&pend, SIGUSR2));
	CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
	CHECK(got_usr2 == 1);
	/* After the handler, the mask is the one the unblock left. */
	sigset_t now;
	CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0 && !sigismember(&now, SIGUSR2));
	CHECK(sigpending(&pend) == 0 && !sigismember(&pend, SIGUSR2));
	signal(SIGUSR2, SIG_DFL);
}

static volatile sig_atomic_t busy_flag;

/* A handler that uses the SSE registers the interrupted loop keeps live. */
static void
on_usr1_busy(int sig)
{
	(void)sig;
	__asm__ volatile("pxor %%xmm9, %%xmm9; pcmpeqd %%xmm10, %%xmm10"
	    : : : "xmm9", "xmm10");
	busy_flag = 1;
}

/*
 * A child spinning in its own code, with no system call, still runs its
 * handler for a signal from another process, and gets its SSE registers
 * back as they were when the handler returns (status 0; 3 if they
 * changed; 4 if the signal never came).
 */
static int
busy_child(void)
{
	const uint64_t a = 0x0123456789abcdefUL, b = 0xfedcba9876543210UL;
	uint64_t x = 0, y = 0;

	catch(SIGUSR1, on_usr1_busy, 0);
	__asm__ volatile("movq %0, %%xmm9; movq %1, %%xmm10" : : "r"(a), "r"(b)
	    : "xmm9", "xmm10");
	for (uint64_t i = 0; !busy_flag; i++)
		if (i == (1UL << 40))
			return 4;
	__asm__ volatile("movq %%xmm9, %0; movq %%xmm10, %1" : "=r"(x), "=r"(y));
	return x == a && y == b ? 0 : 3;
}

/* A handler that asks rt_sigreturn for an MXCSR with reserved bits set. */
static void
on_usr2_mxcsr(int sig, siginfo_t *si, void *uc)
{
	ucontext_t *u = uc;

	(void)sig;
	(void)si;
	if (u->uc_mcontext.fpregs)
		u->uc_mcontext.fpregs->mxcsr = 0xffffffffu;
}

/*
 * rt_sigreturn takes the SSE state from the frame, which the handler may
 * have written anything into: an MXCSR with reserved bits set cannot be
 * restored, and as on Linux the process dies of SIGSEGV (it must not
 * fault inside the library OS, nor go on with a state it did not ask for).
 */
static void
test_sigreturn_mxcsr(void)
{
	int st = 0;
	pid_t pid = fork();

	if (pid == 0) {
		catch(SIGUSR2, on_usr2_mxcsr, SA_SIGINFO);
		raise(SIGUSR2);
		_exit(0);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
}

static void
test_busy_signal(void)
{
	int st = 0;
	pid_t pid = fork();

	if (pid == 0)
		_exit(busy_child());
	CHECK(pid > 0);
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	nanosleep(&ts, NULL); /* let it start spinning */
	CHECK(kill(pid, SIGUSR1) == 0);
	pid_t w = 0;
	for (int i = 0; i < 1000 && (w = waitpid(pid, &st, WNOHANG)) == 0; i++) {
		ts.tv_nsec = 10 * 1000 * 1000;
		nanosleep(&ts, NULL);
	}
	if (w == 0) {
		kill(pid, SIGKILL);
		w = waitpid(pid, &st, 0);
		CHECK(!"the spinning child never ran its handler");
	}
	CHECK(w == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static volatile sig_atomic_t chld_count, chld_code, chld_status;
static volatile pid_t chld_pid;

static void
on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	chld_code = si->si_code;
	chld_status = si->si_status;
	chld_pid = si->si_pid;
	chld_count++;
}

/* SIGCHLD; waitpid for one, for any, and with none left; getppid. */
static void
test_wait(void)
{
	CHECK(catch(SIGCHLD, on_chld, SA_SIGINFO | SA_RESTART) == 0);
	for (int i = 0; i < 2; i++) {
		chld_count = 0;
		pid_t pid = fork();
		if (pid == 0) {
			if (i == 0)
				_exit(33);
			for (;;)
				pause();
		}
		if (i == 1)
			kill(pid, SIGKILL);
		int st = reap_within(pid, 5000);
		CHECK(st != -1);
		for (int t = 0; t < 2000 && chld_count == 0; t++)
			sleep_ms(1);
		CHECK(chld_count == 1 && chld_pid == pid);
		if (i == 0)
			CHECK(chld_code == CLD_EXITED && chld_status == 33);
		else
			CHECK(chld_code == CLD_KILLED && chld_status == SIGKILL);
	}
	signal(SIGCHLD, SIG_DFL);

	/* waitpid(-1) reaps each child once, whatever the order. */
	enum { N = 5 };
	pid_t pids[N];
	int seen[N] = { 0 }, st;
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(10 + i);
	}
	int bad = 0;
	for (int k = 0; k < N; k++) {
		pid_t r = k == 0 ? wait(&st) : waitpid(-1, &st, 0);
		int i = 0;
		while (i < N && pids[i] != r)
			i++;
		if (i == N || seen[i]++ || !WIFEXITED(st) || WEXITSTATUS(st) != 10 + i)
			bad++;
	}
	CHECK(bad == 0);
	if (strays) {
		printf("lproc: %d children could not be killed; skipping the "
		       "blocking waits for none\n", strays);
		nchecks++;
		nfailed++;
	} else {
		CHECK_ERR(waitpid(-1, &st, 0), ECHILD);
		CHECK_ERR(wait(&st), ECHILD);
	}
	CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
	CHECK_ERR(waitpid(getpid(), &st, 0), ECHILD);

	/* waitpid for one child takes that one, though another ended first. */
	pid_t first = fork();
	if (first == 0)
		_exit(1);
	pid_t second = fork();
	if (second == 0) {
		sleep_ms(20);
		_exit(2);
	}
	sleep_ms(10);
	CHECK_EXIT(reap(second), 2);
	CHECK_EXIT(reap(first), 1);

	pid_t me = getpid();
	pid_t pid = fork();
	if (pid == 0)
		_exit(getppid() == me && getpid() != me ? 0 : 1);
	CHECK_EXIT(reap(pid), 0);
}

/* Process groups and sessions. */
static void
test_groups(void)
{
	int ready[2];
	char buf[8];
	pid_t pids[3];

	CHECK(getpgid(0) == getpgrp());
	got_usr1 = 0;
	catch(SIGUSR1, on_usr1, 0); /* ours: must not run */
	NEED(pipe(ready) == 0);
	for (int i = 0; i < 3; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			pid_t want = i == 0 ? getpid() : pids[0];
			signal(SIGUSR1, SIG_DFL);
			setpgid(0, want);
			write(ready[1], getpgrp() == want ? "r" : "x", 1);
			for (;;)
				pause();
		}
		/* Both sides set it: whichever runs first, it is set before use. */
		CHECK(setpgid(pids[i], pids[0]) == 0);
	}
	pid_t pg = pids[0];
	CHECK(ready_within(ready[0], buf, 3) && memcmp(buf, "rrr", 3) == 0);
	for (int i = 0; i < 3; i++)
		CHECK(getpgid(pids[i]) == pg);
	CHECK(getpgrp() != pg);
	CHECK(kill(-pg, 0) == 0);
	CHECK(kill(-pg, SIGUSR1) == 0);
	for (int i = 0; i < 3; i++)
		CHECK_KILLED(reap_within(pids[i], 5000), SIGUSR1);
	CHECK(got_usr1 == 0);
	CHECK_ERR(kill(-pg, 0), ESRCH); /* the group is gone */
	signal(SIGUSR1, SIG_DFL);
	close(ready[0]);
	close(ready[1]);
	CHECK_ERR(setpgid(0, -1), EINVAL);
	if (getppid() > 0)
		CHECK_ERR(setpgid(getppid(), getppid()), ESRCH); /* not ours */

	/* setsid: a new session and group led by the caller. */
	pid_t sid = getsid(0);
	CHECK(sid != -1);
	pid_t pid = fork();
	if (pid == 0) {
		if (getsid(0) != sid)
			_exit(2);
		if (setsid() != getpid())
			_exit(3);
		if (getsid(0) != getpid() || getpgrp() != getpid())
			_exit(4);
		if (setsid() != -1 || errno != EPERM)
			_exit(5); /* already a group leader */
		_exit(0);
	}
	CHECK_EXIT(reap(pid), 0);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		_exit(setsid() == -1 && errno == EPERM ? 0 : 1);
	}
	CHECK_EXIT(reap(pid), 0);
}

/* 64 processes at once, released together, each with its own status. */
static void
test_many(void)
{
	enum { N = 64 };
	pid_t pids[N];
	int gate[2], seen[N] = { 0 }, made = 0;

	NEED(pipe(gate) == 0);
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			char c;
			close(gate[1]);
			_exit(read(gate[0], &c, 1) == 0 ? i + 1 : 200);
		}
		if (pids[i] > 0)
			made++;
	}
	CHECK(made == N);
	int st;
	CHECK(waitpid(-1, &st, WNOHANG) == 0); /* all still held */
	close(gate[0]);
	close(gate[1]);
	int bad = 0;
	for (int k = 0; k < made; k++) {
		pid_t r = waitpid(-1, &st, 0);
		int i = 0;
		while (i < N && pids[i] != r)
			i++;
		if (i == N || seen[i]++ || !WIFEXITED(st) || WEXITSTATUS(st) != i + 1)
			bad++;
	}
	CHECK(bad == 0);
	CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
}

/* Copy-on-write both ways: globals, heap, stack, a large region. */
static int g_val = 1;
static char g_arr[10000];

static int
all(const char *p, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

/* Each page of big holds its number plus tag in its first and last byte. */
static void
mark(char *big, size_t n, int tag)
{
	for (size_t pg = 0; pg < n / 4096; pg++)
		big[pg * 4096] = big[pg * 4096 + 4095] = (char)(pg * 3 + tag);
}

static int
marked(const char *big, size_t n, int tag)
{
	for (size_t pg = 0; pg < n / 4096; pg++)
		if (big[pg * 4096] != (char)(pg * 3 + tag) ||
		    big[pg * 4096 + 4095] != (char)(pg * 3 + tag))
			return 0;
	return 1;
}

static void
test_cow(void)
{
	enum { HEAP = 100000, BIG = 4 << 20 };
	volatile char stk[12000];
	char *heap = malloc(HEAP), *big = malloc(BIG);
	int p2c[2], c2p[2];
	char c;

	NEED(heap != NULL && big != NULL && pipe(p2c) == 0 && pipe(c2p) == 0);
	if (heap == NULL || big == NULL)
		return;
	g_val = 1;
	memset(g_arr, 'g', sizeof(g_arr));
	memset(heap, 'h', HEAP);
	memset((char *)stk, 's', sizeof(stk));
	mark(big, BIG, 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p2c[1]);
		close(c2p[0]);
		/* The parent has written its values: we must not see them. */
		if (read(p2c[0], &c, 1) != 1)
			_exit(2);
		if (g_val != 1 || !all(g_arr, sizeof(g_arr), 'g') ||
		    !all(heap, HEAP, 'h') || !all((char *)stk, sizeof(stk), 's') ||
		    !marked(big, BIG, 0))
			_exit(3);
		g_val = 3;
		memset(g_arr, 'G', sizeof(g_arr));
		memset(heap, 'H', HEAP);
		memset((char *)stk, 'S', sizeof(stk));
		mark(big, BIG, 2);
		write(c2p[1], "c", 1);
		/* The parent has written again: ours must be intact. */
		if (read(p2c[0], &c, 1) != 1)
			_exit(2);
		if (g_val != 3 || !all(g_arr, sizeof(g_arr), 'G') ||
		    !all(heap, HEAP, 'H') || !all((char *)stk, sizeof(stk), 'S') ||
		    !marked(big, BIG, 2))
			_exit(4);
		_exit(0);
	}
	close(p2c[0]); /* so a child that died gives EOF, not a hang */
	close(c2p[1]);
	g_val = 2;
	memset(g_arr, 'P', sizeof(g_arr));
	memset(heap, 'p', HEAP);
	memset((char *)stk, 'q', sizeof(stk));
	mark(big, BIG, 1);
	CHECK(write(p2c[1], "g", 1) == 1);
	CHECK(read(c2p[0], &c, 1) == 1);
	CHECK(g_val == 2 && all(g_arr, sizeof(g_arr), 'P'));
	CHECK(all(heap, HEAP, 'p') && all((char *)stk, sizeof(stk), 'q'));
	CHECK(marked(big, BIG, 1));
	g_val = 5;
	memset(heap, 'r', HEAP);
	mark(big, BIG, 4);
	CHECK(write(p2c[1], "d", 1) == 1);
	CHECK_EXIT(reap(pid), 0);
	CHECK(g_val == 5 && all(heap, HEAP, 'r') && marked(big, BIG, 4));
	free(heap);
	free(big);
	close(p2c[1]);
	close(c2p[0]);
}

int
main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "--exit") == 0)
		return atoi(argv[2]);
	if (argc > 1 && strcmp(argv[1], "--args") == 0) {
		make_long();
		return mode_args(argc, argv);
	}
	if (argc > 4 && strcmp(argv[1], "--fds") == 0)
		return mode_fds(argv);
	if (argc > 1) {
		printf("usage: lproc\nChecks processes, exec, wait, signals and "
		       "process groups behave as on Linux;\nprints each failed check "
		       "and exits 0 if there were none.  It runs itself (as\n"
		       "$LTEST_SELF or argv[0]) with --exit N, --args ... or --fds "
		       "A B KEEP.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	self = getenv("LTEST_SELF");
	if (self == NULL || *self == 0)
		self = argv[0];
	signal(SIGCHLD, SIG_DFL);
	/* A child that died early must not take the test with it. */
	signal(SIGPIPE, SIG_IGN);
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/lproc.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int have_dir = mkdtemp(dir) != NULL;
	if (!have_dir) {
		printf("lproc: cannot make a directory %s: %s; skipping the checks "
		       "that need files\n", dir, strerror(errno));
		nchecks++;
		nfailed++;
	}
	test_exec();
	if (have_dir)
		test_exec_files();
	test_signals();
	test_busy_signal();
	test_sigreturn_mxcsr();
	test_wait();
	test_groups();
	test_many();
	test_cow();

	if (have_dir) {
		char path[PATH_MAX + 16];
		static const char *files[] = { "text", "empty", "keep" };
		for (int i = 0; i < 3; i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
			unlink(path);
		}
		CHECK(rmdir(dir) == 0);
	}
	return ltest_summary();
}
