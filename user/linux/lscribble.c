/*
 * lscribble: a process that scribbles over its own copy of the library OS
 * harms nobody else.  A child overwrites every page it can write in the
 * region where ExOS's runtime lives beside it (on Linux nothing is there,
 * and the child simply finishes), then keeps making system calls.  The
 * parent checks that the child ended one way or another (it kills it after
 * a few seconds if not), and that everything else still works: a file
 * written before is intact, fork, exec, wait and a pipe work, and getppid
 * still answers.  Then a child makes the page of the program's read-only
 * data writable and changes it: its parent, and the program run afresh,
 * must still read the original (ExOS shares that page from the boot image
 * between every process running the program).  make test runs it on the
 * host too.
 *   lscribble [--help]
 *   lscribble --exit N   (the mode it execs itself in)
 *   lscribble --motto    (prints the read-only string, for the last check)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNTIME_BASE 0x00007a0000000000UL /* libos/internal.h */
#define REGION (64UL << 20)

static int failed, checks;

/* Read-only data, in a page of the program's file. */
static const char motto[] = "shared text stays put";

#define CHECK(c)                                                              \
	do {                                                                  \
		checks++;                                                     \
		if (!(c)) {                                                   \
			failed++;                                             \
			printf("lscribble: line %d: %s (errno %d)\n", __LINE__, \
			    #c, errno);                                       \
		}                                                             \
	} while (0)

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* The child: zero, then fill with 0xcc, every writable page of the region. */
static void
scribble(void)
{
	int zero = open("/dev/zero", O_RDONLY);
	long n = 0;

	for (uintptr_t a = RUNTIME_BASE; a < RUNTIME_BASE + REGION; a += 4096) {
		/* read() into it says whether it is there and writable
		 * without faulting: EFAULT if not. */
		if (read(zero, (void *)a, 4096) != 4096)
			continue;
		memset((void *)a, 0xcc, 4096);
		n++;
	}
	/* Now ask the broken runtime for things. */
	for (int i = 0; i < 100; i++) {
		getpid();
		write(1, "", 0);
	}
	_exit(n > 0 ? 3 : 0);
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		printf("usage: lscribble\nChecks that a process that overwrites "
		       "its own copy of the library OS harms nobody else; exits 0 "
		       "if so.\n");
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "--exit") == 0)
		return atoi(argv[2]);
	if (argc > 1 && strcmp(argv[1], "--motto") == 0) {
		printf("%s", ((volatile const char *)motto)[0] == 's' ? motto : "changed");
		return 0;
	}
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char path[512];
	snprintf(path, sizeof(path), "%s/lscribble.%d", tmp, (int)getpid());
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK(fd >= 0 && write(fd, "intact", 6) == 6);
	close(fd);

	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		scribble();
	CHECK(pid > 0);
	int st = 0, waited = 0;
	pid_t w = 0;
	for (; waited < 5000 && (w = waitpid(pid, &st, WNOHANG)) == 0; waited += 10)
		sleep_ms(10);
	if (w == 0) {
		/* It hangs in its broken runtime: it can still be killed. */
		CHECK(kill(pid, SIGKILL) == 0);
		w = waitpid(pid, &st, 0);
	}
	CHECK(w == pid && (WIFEXITED(st) || WIFSIGNALED(st)));

	/* Everything else still works. */
	char buf[16] = { 0 };
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 6 && memcmp(buf, "intact", 6) == 0);
	close(fd);
	CHECK(unlink(path) == 0);
	CHECK(getppid() >= 0);
	int p[2];
	CHECK(pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], 1);
		char *args[] = { argv[0], "--exit", "7", NULL };
		printf("ok");
		fflush(stdout);
		execvp(argv[0], args); /* by its path, or found in PATH */
		_exit(99);
	}
	close(p[1]);
	memset(buf, 0, sizeof(buf));
	CHECK(read(p[0], buf, sizeof(buf)) == 2 && strcmp(buf, "ok") == 0);
	close(p[0]);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7);

	/* A child writes its read-only data, made writable: only its copy. */
	volatile char *m = (volatile char *)motto;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		uintptr_t page = (uintptr_t)motto & ~(uintptr_t)4095;
		if (mprotect((void *)page, 4096, PROT_READ | PROT_WRITE) != 0)
			_exit(2);
		m[0] = 'X';
		_exit(m[0] == 'X' ? 0 : 3);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(m[0] == 's');
	CHECK(pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], 1);
		char *args[] = { argv[0], "--motto", NULL };
		execvp(argv[0], args);
		_exit(99);
	}
	close(p[1]);
	char got[64] = { 0 };
	for (size_t n = 0; n < sizeof(got) - 1;) {
		ssize_t k = read(p[0], got + n, sizeof(got) - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	close(p[0]);
	CHECK(strcmp(got, motto) == 0);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (failed)
		printf("lscribble: FAILED: %d of %d checks\n", failed, checks);
	else
		printf("lscribble: all %d checks passed\n", checks);
	return failed != 0;
}
