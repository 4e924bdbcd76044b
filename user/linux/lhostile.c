/*
 * lhostile: requests to sysd that no correct runtime would make.  On
 * ExOS a program can bypass its runtime and transfer to sysd itself (the
 * kernel's pct_call, with the capability its runtime uses, slot 4): this
 * sends every operation, and numbers past the last, with hostile
 * arguments — file descriptors and pids that do not exist, counts and
 * offsets far past the window, negative sizes — and a window full of
 * bytes with no NUL.  Looks for sysd crashing, hanging or acting on them:
 * afterwards the process and sysd must still work (getppid, a file
 * written and read back, a pipe, a fork), and no request may have
 * succeeded where it could only be wrong.  On Linux there is no sysd and
 * nothing to attack; the checks after it run all the same.
 *   lhostile [--help]
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXO_PCT_CALL (0x1000 + 21) /* include/exo/syscalls.tbl */
#define SYSD_SLOT 4UL              /* libos/sysd/proto.h */
#define SYSD_WIN ((volatile uint8_t *)0x00007b8000000000UL)
#define SYSD_WIN_SIZE (16 * 4096)
#define NOPS 64                    /* past the last operation */
/* Operations whose success would end or change us (fork, fork_abort,
 * exec, exit, kill, setsid, reboot: libos/sysd/proto.h's numbering). */
#define SKIP(op) ((op) == 33 || (op) == 34 || (op) == 35 || (op) == 36 || \
	(op) == 38 || (op) == 41 || (op) == 49)

static int failed, checks;

#define CHECK(c)                                                         \
	do {                                                             \
		checks++;                                                \
		if (!(c)) {                                              \
			failed++;                                        \
			printf("lhostile: line %d: %s\n", __LINE__, #c); \
		}                                                        \
	} while (0)

static int64_t
pct(uint64_t w[6])
{
	register uint64_t r10 __asm__("r10") = w[3];
	register uint64_t r8 __asm__("r8") = w[4];
	register uint64_t r9 __asm__("r9") = w[5];
	uint64_t rdi = w[0], rsi = w[1], rdx = w[2];
	int64_t rax = (int64_t)(EXO_PCT_CALL | SYSD_SLOT << 32);

	__asm__ volatile("syscall"
			 : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10),
			 "+r"(r8), "+r"(r9)
			 :
			 : "rcx", "r11", "memory");
	w[0] = rdi;
	return rax;
}

static void
attack(void)
{
	static const uint64_t bad[] = { (uint64_t)-1, 1000000, 1UL << 40,
		(uint64_t)-100, SYSD_WIN_SIZE + 1, 0x7fffffff, (uint64_t)INT64_MIN };
	int answered = 0;

	for (int op = 0; op < NOPS; op++) {
		if (SKIP(op))
			continue;
		for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			for (int i = 0; i < SYSD_WIN_SIZE; i++)
				SYSD_WIN[i] = (uint8_t)(0x41 + (i + op + (int)k) % 26);
			uint64_t w[6] = { (uint64_t)op, bad[k], bad[(k + 1) % 7],
				bad[(k + 2) % 7], bad[(k + 3) % 7], bad[(k + 4) % 7] };
			int64_t r = pct(w);
			if (r == 0)
				answered++;
			/* No request with such arguments can succeed, but
			 * those that take none or mask them (hello, getcwd
			 * with any room above its need, umask, getppid,
			 * statfs). */
			if (r == 0 && (int64_t)w[0] >= 0 && op != 1 && op != 30 &&
			    op != 31 && op != 43 && op != 47) {
				printf("lhostile: op %d with %lx succeeded: %ld\n", op,
				    (unsigned long)bad[k], (long)w[0]);
				failed++;
			}
		}
	}
	CHECK(answered > 0); /* sysd answered them, it did not refuse us */
}

int
main(int argc, char **argv)
{
	struct utsname u;

	if (argc > 1) {
		printf("usage: lhostile\nSends sysd requests no runtime would "
		       "make, then checks everything still works; exits 0 if "
		       "so.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	if (uname(&u) == 0 && strcmp(u.sysname, "ExOS") == 0)
		attack();
	/* Everything still works. */
	CHECK(getppid() >= 0);
	char path[64], buf[8] = { 0 };
	snprintf(path, sizeof(path), "%s/lhostile.%d",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);
	CHECK(fd >= 0 && write(fd, "kept", 4) == 4 && pread(fd, buf, 4, 0) == 4 &&
	    memcmp(buf, "kept", 4) == 0);
	close(fd);
	CHECK(unlink(path) == 0);
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		_exit(write(p[1], "x", 1) == 1 ? 5 : 6);
	}
	int st;
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 5);
	CHECK(read(p[0], buf, 1) == 1 && buf[0] == 'x');
	if (failed)
		printf("lhostile: FAILED: %d of %d checks\n", failed, checks);
	else
		printf("lhostile: all %d checks passed\n", checks);
	return failed != 0;
}
