/*
 * lpipe: pipes behave as POSIX and Linux say (make test runs it on the
 * host, the oracle; ExOS's pipes must pass it too).  It checks pipe and
 * pipe2 (O_CLOEXEC, O_NONBLOCK) and what each end allows; 1 MiB of a
 * pseudo-random pattern from a forked child to the parent, byte-exact,
 * with writes and reads of assorted sizes; end of file once every writer
 * has closed, also waking a blocked reader; EPIPE with SIGPIPE ignored or
 * caught and death by SIGPIPE with the default action, also for a writer
 * blocked on a full pipe; EAGAIN on an empty or full O_NONBLOCK pipe;
 * poll and select on both ends (readable, writable, POLLHUP, POLLERR,
 * POLLNVAL, woken by another process's write); writes of PIPE_BUF bytes or
 * less from several processes never interleave; a pipeline parent ->
 * child1 -> child2 -> parent; and pipe ends dup2'ed onto 0 and 1 surviving
 * exec of this program as a filter ("--cat": stdin to stdout), while an
 * O_CLOEXEC end does not.  Prints one line per failed check and a summary;
 * exits 0 only if every check passed.
 *   lpipe [--help]
 *   lpipe --cat [FD]   (the filter: copies stdin to stdout; FD must be closed)
 * It re-executes itself as $LTEST_SELF if set, else as argv[0].
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LTEST_NAME "lpipe"
#include "ltest.h"

static const char *self;

/* The child's exit status is exactly `code`. */
static int
exited(pid_t pid, int code)
{
	int st;
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == code;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static uint32_t
rnd(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* Writes all n bytes (a blocking descriptor); 0 on success. */
static int
writeall(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n > 0) {
		ssize_t r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Reads exactly n bytes unless end of file or an error comes first. */
static ssize_t
readn(int fd, void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/*
 * Feeds data to wfd (made non-blocking, closed when all is written) while
 * collecting what comes back on rfd until its end of file, so neither side
 * can fill up and stall the other.  Returns the bytes read, or -1 on an
 * error, on more than cap bytes, or after 10 s without progress.
 */
static ssize_t
pump(int wfd, const char *data, size_t n, int rfd, char *out, size_t cap)
{
	size_t sent = 0, got = 0;
	ssize_t ret = -1;
	/* A reader that died must give EPIPE here, not kill the test. */
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);

	fcntl(wfd, F_SETFL, fcntl(wfd, F_GETFL) | O_NONBLOCK);
	if (n == 0) {
		close(wfd);
		wfd = -1;
	}
	for (;;) {
		struct pollfd p[2] = { { rfd, POLLIN, 0 }, { wfd, POLLOUT, 0 } };
		int r = poll(p, wfd >= 0 ? 2 : 1, 10000);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto out;
		if (wfd >= 0 && p[1].revents) {
			size_t chunk = n - sent < 8192 ? n - sent : 8192;
			ssize_t w = write(wfd, data + sent, chunk);
			if (w > 0)
				sent += (size_t)w;
			else if (w < 0 && errno != EAGAIN && errno != EINTR)
				goto out;
			if (sent == n) {
				close(wfd);
				wfd = -1;
			}
		}
		if (p[0].revents) {
			if (got == cap)
				goto out;
			ssize_t rd = read(rfd, out + got, cap - got);
			if (rd == 0)
				break;
			if (rd > 0)
				got += (size_t)rd;
			else if (errno != EAGAIN && errno != EINTR)
				goto out;
		}
	}
	if (sent == n)
		ret = (ssize_t)got;
out:
	if (wfd >= 0)
		close(wfd);
	signal(SIGPIPE, old);
	return ret;
}

/* --cat [FD]: the filter run by exec. */
static int
filter(int argc, char **argv)
{
	static char buf[70000];
	struct stat st;
	uint32_t s = 99;

	if (fstat(0, &st) != 0 || !S_ISFIFO(st.st_mode) || fstat(1, &st) != 0 ||
	    !S_ISFIFO(st.st_mode))
		return 3;
	if (argc > 2 && (fcntl(atoi(argv[2]), F_GETFD) != -1 || errno != EBADF))
		return 4;
	for (;;) {
		ssize_t r = read(0, buf, 1 + rnd(&s) % sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return 5;
		if (r == 0)
			return 0;
		if (writeall(1, buf, (size_t)r) != 0)
			return 5;
	}
}

/* Both ends, their modes and flags; pipe2's flags; EAGAIN; EOF. */
static void
test_basic(void)
{
	int p[2];
	char buf[100];
	struct stat st;

	NEED(pipe(p) == 0 && p[0] >= 0 && p[1] >= 0 && p[0] != p[1]);
	CHECK((fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY);
	CHECK((fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY);
	CHECK(fcntl(p[0], F_GETFD) == 0 && fcntl(p[1], F_GETFD) == 0);
	CHECK(!(fcntl(p[0], F_GETFL) & O_NONBLOCK));
	CHECK(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode));
	CHECK(fstat(p[1], &st) == 0 && S_ISFIFO(st.st_mode));
	CHECK(write(p[1], "abc", 3) == 3);
	CHECK(read(p[0], buf, sizeof(buf)) == 3 && memcmp(buf, "abc", 3) == 0);
	CHECK(write(p[1], "de", 2) == 2 && write(p[1], "f", 1) == 1);
	CHECK(read(p[0], buf, 2) == 2 && memcmp(buf, "de", 2) == 0);
	CHECK(read(p[0], buf, sizeof(buf)) == 1 && buf[0] == 'f');
	CHECK_ERR(read(p[1], buf, 1), EBADF);
	CHECK_ERR(write(p[0], "x", 1), EBADF);
	CHECK_ERR(lseek(p[0], 0, SEEK_CUR), ESPIPE);
	CHECK_ERR(pread(p[0], buf, 1, 0), ESPIPE);
	CHECK_ERR(pwrite(p[1], "x", 1, 0), ESPIPE);
	CHECK(close(p[0]) == 0 && close(p[1]) == 0);
	CHECK_ERR(syscall(SYS_pipe, (void *)1), EFAULT);

	NEED(pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0);
	CHECK(fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC);
	CHECK((fcntl(p[0], F_GETFL) & O_NONBLOCK) && (fcntl(p[1], F_GETFL) & O_NONBLOCK));
	CHECK_ERR(read(p[0], buf, 1), EAGAIN);
	CHECK(write(p[1], "q", 1) == 1);
	CHECK(read(p[0], buf, sizeof(buf)) == 1 && buf[0] == 'q');
	CHECK_ERR(read(p[0], buf, 1), EAGAIN);
	CHECK(close(p[1]) == 0);
	CHECK(read(p[0], buf, 1) == 0); /* no writer: end of file, not EAGAIN */
	close(p[0]);
	CHECK_ERR(pipe2(p, 1), EINVAL);

	/* O_NONBLOCK set later with F_SETFL works too. */
	NEED(pipe(p) == 0);
	CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
	CHECK_ERR(read(p[0], buf, 1), EAGAIN);
	close(p[0]);
	close(p[1]);
}

/* A non-blocking writer fills the pipe to EAGAIN; the bytes stay in order. */
static void
test_full(void)
{
	int p[2];
	unsigned char buf[1024], in[4096];
	size_t total = 0;
	ssize_t r = 0;
	int e;

	NEED(pipe2(p, O_NONBLOCK) == 0);
	while (total < (16u << 20)) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (unsigned char)((total + i) % 251);
		r = write(p[1], buf, sizeof(buf));
		if (r <= 0)
			break;
		total += (size_t)r;
	}
	e = errno;
	CHECK(r == -1 && e == EAGAIN);
	CHECK(total >= PIPE_BUF && total < (16u << 20));
	struct pollfd pw = { p[1], POLLOUT, 0 };
	CHECK(poll(&pw, 1, 0) == 0 && pw.revents == 0); /* full: not writable */
	/* Room for PIPE_BUF bytes lets a small write in. */
	CHECK(read(p[0], in, sizeof(in)) == (ssize_t)sizeof(in));
	int order = 1;
	for (size_t i = 0; i < sizeof(in); i++)
		if (in[i] != i % 251)
			order = 0;
	CHECK(order);
	CHECK(write(p[1], "x", 1) == 1);
	/* Drain it all: everything arrives, in order, then EAGAIN. */
	size_t got = sizeof(in), bad = 0;
	while ((r = read(p[0], in, sizeof(in))) > 0) {
		for (ssize_t i = 0; i < r; i++, got++)
			if (got < total && in[i] != got % 251)
				bad++;
	}
	e = errno;
	CHECK(r == -1 && e == EAGAIN);
	CHECK(got == total + 1 && bad == 0);
	CHECK(poll(&pw, 1, 0) == 1 && (pw.revents & POLLOUT));
	close(p[0]);
	close(p[1]);
}

/* 1 MiB from a child to the parent, byte-exact, in assorted sizes. */
static void
test_bulk(void)
{
	enum { TOTAL = 1 << 20 };
	static char buf[70001];
	int p[2];

	NEED(pipe(p) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		uint32_t data = 12345, sizes = 777;
		close(p[0]);
		for (size_t sent = 0; sent < TOTAL;) {
			size_t n = 1 + rnd(&sizes) % 70000;
			if (n > TOTAL - sent)
				n = TOTAL - sent;
			for (size_t i = 0; i < n; i++)
				buf[i] = (char)(rnd(&data) >> 24);
			if (writeall(p[1], buf, n) != 0)
				_exit(1);
			sent += n;
		}
		_exit(0);
	}
	close(p[1]);
	uint32_t data = 12345, sizes = 4242, sum = 0, want = 0;
	size_t got = 0, bad = 0;
	ssize_t r;
	while ((r = read(p[0], buf, 1 + rnd(&sizes) % 50000)) > 0) {
		for (ssize_t i = 0; i < r; i++, got++) {
			unsigned char e = (unsigned char)(rnd(&data) >> 24);
			unsigned char c = (unsigned char)buf[i];
			bad += c != e;
			sum = sum * 31 + c;
			want = want * 31 + e;
		}
	}
	CHECK(r == 0);
	CHECK(got == TOTAL);
	CHECK(bad == 0 && sum == want);
	CHECK(exited(pid, 0));
	close(p[0]);
}

/* End of file comes when the last writer closes, and wakes a reader. */
static void
test_eof(void)
{
	int p[2];
	char buf[8];

	NEED(pipe(p) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
	}
	close(p[1]);
	CHECK(read(p[0], buf, sizeof(buf)) == 1 && buf[0] == 'x');
	CHECK(read(p[0], buf, sizeof(buf)) == 0);
	CHECK(exited(pid, 0));
	close(p[0]);

	/* A dup'ed write end keeps the pipe open until it closes too. */
	NEED(pipe2(p, O_NONBLOCK) == 0);
	int w2 = dup(p[1]);
	CHECK(close(p[1]) == 0 && write(w2, "y", 1) == 1);
	CHECK(read(p[0], buf, sizeof(buf)) == 1 && buf[0] == 'y');
	CHECK_ERR(read(p[0], buf, sizeof(buf)), EAGAIN);
	CHECK(close(w2) == 0);
	CHECK(read(p[0], buf, sizeof(buf)) == 0);
	close(p[0]);

	/* A reader blocked on an empty pipe wakes when the writer exits. */
	NEED(pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		sleep_ms(30);
		_exit(0);
	}
	close(p[1]);
	CHECK(read(p[0], buf, sizeof(buf)) == 0);
	CHECK(exited(pid, 0));
	close(p[0]);
}

static volatile sig_atomic_t got_sigpipe;

static void
on_sigpipe(int sig)
{
	(void)sig;
	got_sigpipe = 1;
}

/* Writing with no reader: EPIPE and SIGPIPE. */
static void
test_epipe(void)
{
	int p[2];
	int st;

	/* Ignored: the write fails with EPIPE and the writer lives on. */
	signal(SIGPIPE, SIG_IGN);
	NEED(pipe(p) == 0 && close(p[0]) == 0);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	close(p[1]);
	signal(SIGPIPE, SIG_DFL);

	/* Caught: the handler runs and the write fails with EPIPE. */
	NEED(pipe(p) == 0 && close(p[0]) == 0); /* no reader from the start */
	pid_t pid = fork();
	if (pid == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_sigpipe;
		sigaction(SIGPIPE, &sa, NULL);
		ssize_t r = write(p[1], "x", 1);
		_exit(r == -1 && errno == EPIPE && got_sigpipe ? 0 : 1);
	}
	close(p[1]);
	CHECK(exited(pid, 0));

	/* The default action: the writer dies of SIGPIPE. */
	NEED(pipe(p) == 0 && close(p[0]) == 0);
	pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		write(p[1], "x", 1);
		_exit(1);
	}
	close(p[1]);
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);

	/* A writer blocked on a full pipe gets EPIPE once the reader closes. */
	NEED(pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		static char big[1 << 16];
		signal(SIGPIPE, SIG_IGN);
		close(p[0]);
		for (int i = 0; i < 64; i++)
			if (write(p[1], big, sizeof(big)) < 0)
				_exit(errno == EPIPE ? 0 : 2);
		_exit(1);
	}
	close(p[1]);
	sleep_ms(30);
	close(p[0]);
	CHECK(exited(pid, 0));
}

/* poll and select on both ends. */
static void
test_poll_select(void)
{
	int p[2];
	char buf[8];

	NEED(pipe(p) == 0);
	struct pollfd f[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
	CHECK(poll(f, 2, 0) == 1 && f[0].revents == 0 && f[1].revents == POLLOUT);
	CHECK(poll(f, 1, 20) == 0); /* empty: times out */
	CHECK(write(p[1], "z", 1) == 1);
	CHECK(poll(f, 2, 0) == 2 && f[0].revents == POLLIN);
	CHECK(read(p[0], buf, 1) == 1);

	fd_set r, w;
	struct timeval tv = { 0, 0 };
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	CHECK(select(p[1] + 1, &r, &w, NULL, &tv) == 1 && !FD_ISSET(p[0], &r) &&
	    FD_ISSET(p[1], &w));
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv.tv_sec = 0;
	tv.tv_usec = 20000;
	CHECK(select(p[0] + 1, &r, NULL, NULL, &tv) == 0 && !FD_ISSET(p[0], &r));
	CHECK(write(p[1], "z", 1) == 1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv.tv_sec = tv.tv_usec = 0;
	CHECK(select(p[0] + 1, &r, NULL, NULL, &tv) == 1 && FD_ISSET(p[0], &r));
	CHECK(read(p[0], buf, 1) == 1);

	/* Blocked in poll or select, woken by another process's write. */
	for (int use_select = 0; use_select < 2; use_select++) {
		pid_t pid = fork();
		if (pid == 0) {
			sleep_ms(30);
			_exit(write(p[1], "w", 1) == 1 ? 0 : 1);
		}
		if (use_select) {
			FD_ZERO(&r);
			FD_SET(p[0], &r);
			tv.tv_sec = 10;
			tv.tv_usec = 0;
			CHECK(select(p[0] + 1, &r, NULL, NULL, &tv) == 1 && FD_ISSET(p[0], &r));
		} else {
			f[0].revents = 0;
			CHECK(poll(f, 1, 10000) == 1 && f[0].revents == POLLIN);
		}
		CHECK(read(p[0], buf, sizeof(buf)) == 1 && buf[0] == 'w');
		CHECK(exited(pid, 0));
	}

	/* The writer gone: POLLHUP, with POLLIN while data is left. */
	CHECK(write(p[1], "z", 1) == 1 && close(p[1]) == 0);
	CHECK(poll(f, 1, 0) == 1 && (f[0].revents & POLLIN) && (f[0].revents & POLLHUP));
	CHECK(read(p[0], buf, sizeof(buf)) == 1);
	CHECK(poll(f, 1, 0) == 1 && (f[0].revents & POLLHUP) && !(f[0].revents & POLLIN));
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK(select(p[0] + 1, &r, NULL, NULL, &tv) == 1 && FD_ISSET(p[0], &r));
	close(p[0]);

	/* The reader gone: POLLERR on the write end. */
	NEED(pipe(p) == 0 && close(p[0]) == 0);
	f[1].fd = p[1];
	CHECK(poll(&f[1], 1, 0) == 1 && (f[1].revents & POLLERR));
	close(p[1]);

	/* A closed descriptor is POLLNVAL; a negative one is skipped. */
	struct pollfd bad[2] = { { 1000, POLLIN, 0 }, { -1, POLLIN, 0 } };
	CHECK(poll(bad, 2, 0) == 1 && bad[0].revents == POLLNVAL && bad[1].revents == 0);
}

/* Writes of at most PIPE_BUF bytes from several writers never interleave. */
static void
test_atomic(void)
{
	enum { WRITERS = 4, RECORDS = 100, SIZE = 512 };
	int p[2], last[WRITERS + 1], count[WRITERS + 1];
	unsigned char rec[SIZE];
	pid_t pid[WRITERS + 1];

	NEED(pipe(p) == 0);
	for (int id = 1; id <= WRITERS; id++) {
		pid[id] = fork();
		if (pid[id] == 0) {
			close(p[0]);
			for (int seq = 0; seq < RECORDS; seq++) {
				rec[0] = (unsigned char)id;
				rec[1] = (unsigned char)seq;
				memset(rec + 2, (id * 37 + seq) & 0xff, SIZE - 2);
				if (write(p[1], rec, SIZE) != SIZE)
					_exit(1);
			}
			_exit(0);
		}
		last[id] = -1;
		count[id] = 0;
	}
	close(p[1]);
	int bad = 0, records = 0;
	ssize_t r;
	while ((r = readn(p[0], rec, SIZE)) == SIZE) {
		int id = rec[0], seq = rec[1];
		records++;
		if (id < 1 || id > WRITERS || seq != last[id] + 1) {
			bad++;
			continue;
		}
		last[id] = seq;
		count[id]++;
		for (int i = 2; i < SIZE; i++)
			if (rec[i] != ((id * 37 + seq) & 0xff))
				bad++;
	}
	CHECK(r == 0);
	CHECK(bad == 0 && records == WRITERS * RECORDS);
	for (int id = 1; id <= WRITERS; id++)
		CHECK(exited(pid[id], 0) && count[id] == RECORDS);
	close(p[0]);
}

/* parent -> child1 (adds 1) -> child2 (xors 0x5a) -> parent. */
static void
test_pipeline(void)
{
	enum { N = 256 * 1024 };
	static char in[N], out[N + 1];
	int a[2], b[2], c[2];
	uint32_t s = 2024;

	for (int i = 0; i < N; i++)
		in[i] = (char)(rnd(&s) >> 24);
	NEED(pipe(a) == 0 && pipe(b) == 0 && pipe(c) == 0);
	pid_t p1 = fork();
	if (p1 == 0) {
		char buf[5000];
		ssize_t r;
		close(a[1]);
		close(b[0]);
		close(c[0]);
		close(c[1]);
		while ((r = read(a[0], buf, sizeof(buf))) > 0) {
			for (ssize_t i = 0; i < r; i++)
				buf[i] = (char)(buf[i] + 1);
			if (writeall(b[1], buf, (size_t)r) != 0)
				_exit(1);
		}
		_exit(r == 0 ? 0 : 2);
	}
	pid_t p2 = fork();
	if (p2 == 0) {
		char buf[3000];
		ssize_t r;
		close(a[0]);
		close(a[1]);
		close(b[1]);
		close(c[0]);
		while ((r = read(b[0], buf, sizeof(buf))) > 0) {
			for (ssize_t i = 0; i < r; i++)
				buf[i] ^= 0x5a;
			if (writeall(c[1], buf, (size_t)r) != 0)
				_exit(1);
		}
		_exit(r == 0 ? 0 : 2);
	}
	close(a[0]);
	close(b[0]);
	close(b[1]);
	close(c[1]);
	ssize_t got = pump(a[1], in, N, c[0], out, sizeof(out));
	CHECK(got == N);
	int bad = 0;
	for (int i = 0; i < N && i < got; i++)
		if (out[i] != (char)((char)(in[i] + 1) ^ 0x5a))
			bad++;
	CHECK(bad == 0);
	CHECK(exited(p1, 0) && exited(p2, 0));
	close(c[0]);
}

/* Pipe ends dup2'ed onto 0 and 1 survive exec; an O_CLOEXEC one does not. */
static void
test_exec_filter(void)
{
	enum { N = 100 * 1024 };
	static char in[N], out[N + 1];
	int to[2], from[2], ce[2];
	uint32_t s = 31337;
	char cefd[16];

	for (int i = 0; i < N; i++)
		in[i] = (char)(rnd(&s) >> 24);
	NEED(pipe(to) == 0 && pipe(from) == 0 && pipe2(ce, O_CLOEXEC) == 0);
	snprintf(cefd, sizeof(cefd), "%d", ce[0]);
	pid_t pid = fork();
	if (pid == 0) {
		if (dup2(to[0], 0) != 0 || dup2(from[1], 1) != 1)
			_exit(126);
		close(to[0]);
		close(to[1]);
		close(from[0]);
		close(from[1]);
		char *args[] = { (char *)self, "--cat", cefd, NULL };
		execv(self, args);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	close(ce[0]);
	close(ce[1]);
	ssize_t got = pump(to[1], in, N, from[0], out, sizeof(out));
	CHECK(got == N && memcmp(in, out, N) == 0);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
	if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
		printf("lpipe: the --cat filter exited %d (3: 0/1 not pipes, "
		       "4: the O_CLOEXEC end survived, 127: exec failed)\n",
		    WEXITSTATUS(st));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(from[0]);
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--cat") == 0)
		return filter(argc, argv);
	if (argc > 1) {
		printf("usage: lpipe\nChecks pipes behave as on Linux; prints each "
		       "failed check and exits 0 if there were none.\n"
		       "lpipe --cat [FD]: copies stdin to stdout (FD must be "
		       "closed); lpipe runs itself so, as $LTEST_SELF or argv[0].\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	self = getenv("LTEST_SELF");
	if (self == NULL || *self == 0)
		self = argv[0];
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	test_basic();
	test_full();
	test_bulk();
	test_eof();
	test_epipe();
	test_poll_select();
	test_atomic();
	test_pipeline();
	test_exec_filter();
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD); /* all reaped */
	return ltest_summary();
}
