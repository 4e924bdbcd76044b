/*
 * lsys: checks the Linux system calls ExOS's layer implements, the same
 * way on Linux and on ExOS (make test runs it on the host, the oracle, and
 * in the guest).  Exits 0 if everything behaved as Linux behaves, else
 * prints what did not and exits 1.
 *   lsys [--help]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "../bench_ops.h"

static int failed;
static volatile int got_sig, got_code;
static volatile uintptr_t got_addr;

#define EXPECT(cond)                                                     \
	do {                                                             \
		if (!(cond)) {                                           \
			printf("lsys: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			failed = 1;                                      \
		}                                                        \
	} while (0)

static void
on_signal(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;

	got_sig = sig;
	got_code = si->si_code;
	got_addr = (uintptr_t)si->si_addr;
	uc->uc_mcontext.gregs[REG_RIP] += sig == SIGFPE ? BENCH_DIVIDE_LEN : BENCH_STORE_LEN;
}

static uint64_t
now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int
main(int argc, char **argv)
{
	if (argc > 1) {
		printf("usage: lsys\nChecks Linux system calls behave as on Linux; "
		       "exits 0 if they do.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	/* Identity. */
	EXPECT(getpid() > 0);
	EXPECT(getppid() >= 0);
	EXPECT(getuid() == geteuid() && getgid() == getegid());
	struct utsname u;
	EXPECT(uname(&u) == 0 && strcmp(u.machine, "x86_64") == 0);

	/* Time: monotonic, and a 20 ms sleep takes at least 20 ms. */
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	struct timespec req = { 0, 20 * 1000 * 1000 };
	EXPECT(nanosleep(&req, NULL) == 0);
	uint64_t t1 = now_ns(CLOCK_MONOTONIC);
	EXPECT(t1 - t0 >= 20 * 1000 * 1000);
	EXPECT(now_ns(CLOCK_REALTIME) > 1600000000ULL * 1000000000ULL);
	req.tv_nsec = 1000000000L;
	EXPECT(nanosleep(&req, NULL) == -1 && errno == EINVAL);

	/* Memory: the heap grows; mmap'd memory is zeroed; protection holds. */
	char *heap = malloc(1 << 20);
	EXPECT(heap != NULL);
	memset(heap, 1, 1 << 20);
	free(heap);
	char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(m != MAP_FAILED && m[0] == 0 && m[3 * 4096 - 1] == 0);
	m[4096] = 5;
	EXPECT(mprotect(m + 4096, 4096, PROT_READ) == 0);
	EXPECT(m[4096] == 5);
	/* Raw: musl's wrapper would round SIZE_MAX to a length of 0. */
	EXPECT(syscall(SYS_mprotect, m, SIZE_MAX, PROT_READ) == -1 && errno == ENOMEM);
	EXPECT(mprotect((void *)0x1000, (size_t)1 << 62, PROT_READ) == -1 &&
	    errno == ENOMEM);
	m[0] = 6; /* still writable: the refused calls changed nothing */
	/* Impossible requests fail cleanly and leave room for the next one. */
	int rw = PROT_READ | PROT_WRITE, pa = MAP_PRIVATE | MAP_ANONYMOUS;
	EXPECT(mmap(NULL, SIZE_MAX, rw, pa, -1, 0) == MAP_FAILED && errno == ENOMEM);
	EXPECT(mmap(NULL, (size_t)1 << 47, rw, pa, -1, 0) == MAP_FAILED && errno == ENOMEM);
	EXPECT(mmap(NULL, 0, rw, pa, -1, 0) == MAP_FAILED && errno == EINVAL);
	EXPECT(mmap((void *)0x12345, 4096, rw, pa | MAP_FIXED, -1, 0) == MAP_FAILED &&
	    errno == EINVAL);
	char *m2 = mmap(NULL, 4096, rw, pa, -1, 0);
	EXPECT(m2 != MAP_FAILED && m2[0] == 0);
	if (m2 != MAP_FAILED) {
		m2[0] = 7;
		EXPECT(m2[0] == 7 && munmap(m2, 4096) == 0);
	}

	/* Signals from faults, with the right code and address. */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	EXPECT(sigaction(SIGSEGV, &sa, NULL) == 0);
	EXPECT(sigaction(SIGFPE, &sa, NULL) == 0);
	bench_op_store(m + 4096);
	EXPECT(got_sig == SIGSEGV && got_code == SEGV_ACCERR &&
	    got_addr == (uintptr_t)(m + 4096));
	EXPECT(m[4096] == 5);
	got_sig = 0;
	bench_op_divide();
	EXPECT(got_sig == SIGFPE && got_code == FPE_INTDIV);
	EXPECT(sigaction(SIGKILL, &sa, NULL) == -1 && errno == EINVAL);
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	EXPECT(sigprocmask(SIG_BLOCK, &set, &old) == 0);
	EXPECT(sigprocmask(SIG_SETMASK, &old, &set) == 0 && sigismember(&set, SIGUSR1));
	EXPECT(munmap(m, 3 * 4096) == 0);
	/* A range reaching past the user half is refused, not walked. */
	EXPECT(munmap((void *)0x1000, (size_t)1 << 62) == -1 && errno == EINVAL);
	EXPECT(munmap(m, 0) == -1 && errno == EINVAL);

	printf("lsys: %s\n", failed ? "FAILED" : "all as on Linux");
	return failed;
}
