/*
 * lbench: the benchmarks of ../shared/BENCHMARKS.md through the Linux
 * system-call ABI.  One static binary (musl-gcc -static) that runs
 * unmodified as PID 1 on Linux booted in the same QEMU (tools/bench.sh),
 * and — once ExOS implements the Linux ABI — on the exokernel too.  It
 * prints one line per benchmark:
 *   bench NAME sys=SYS mode=MODE med=N min=N max=N
 * with the cost per operation in time-stamp-counter ticks (instructions in
 * icount mode).  Every benchmark checks its operation happened (the handler
 * ran, the page became writable, the byte arrived) and fails otherwise.
 *   lbench [--sys NAME] [--mode icount|kvm|tcg] [--check] [--help]
 * --check runs each once, for the test suite.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "../bench_ops.h"

#define RUNS 15
#define PAGE 4096

static int runs = RUNS, iters = 1000, failed;
static const char *sys_name = "linux", *mode = "icount";
static volatile uint64_t handled;
static long skip; /* bytes of the faulting instruction the handler skips */

static inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static int
cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void
report(const char *name, uint64_t *v)
{
	qsort(v, (size_t)runs, sizeof(*v), cmp64);
	printf("bench %s sys=%s mode=%s med=%llu min=%llu max=%llu\n", name,
	    sys_name, mode, (unsigned long long)v[runs / 2],
	    (unsigned long long)v[0], (unsigned long long)v[runs - 1]);
	fflush(stdout);
}

static void
na(const char *name)
{
	printf("bench %s sys=%s n/a\n", name, sys_name);
	fflush(stdout);
}

static void
fail(const char *name, const char *why)
{
	printf("lbench: %s: %s\n", name, why);
	fflush(stdout);
	failed = 1;
}

/* Times runs x iters calls of op after one warm-up run. */
static void
measure(const char *name, void (*op)(void), uint64_t handled_per_op)
{
	uint64_t v[RUNS];

	for (int r = -1; r < runs; r++) {
		handled = 0;
		uint64_t t0 = rdtsc();
		for (int i = 0; i < iters; i++)
			op();
		uint64_t t1 = rdtsc();
		if (handled != handled_per_op * (uint64_t)iters) {
			fail(name, "the handler did not run once per operation");
			return;
		}
		if (r >= 0)
			v[r] = (t1 - t0) / (uint64_t)iters;
	}
	report(name, v);
}

__attribute__((noinline)) void
empty_function(void)
{
	__asm__ volatile("");
}

static void
op_proc_call(void)
{
	empty_function();
}

static void
op_getpid(void)
{
	long r = SYS_getpid;
	__asm__ volatile("syscall" : "+a"(r) : : "rcx", "r11", "memory");
}

static void
on_signal(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;

	(void)sig;
	(void)si;
	handled++;
	uc->uc_mcontext.gregs[REG_RIP] += skip;
	if (sig == SIGBUS)
		uc->uc_mcontext.gregs[REG_EFL] &= ~0x40000L;
}

static void
catch(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(sig, &sa, NULL);
}

static char *ro_page;

static void
op_prot(void)
{
	bench_op_store(ro_page);
}

static char unaligned_buf[16] __attribute__((aligned(16)));

static void
op_unalign(void)
{
	bench_op_unalign(unaligned_buf);
}

static void
bench_exceptions(void)
{
	catch(SIGFPE);
	catch(SIGILL);
	catch(SIGTRAP);
	catch(SIGSEGV);
	catch(SIGBUS);
	ro_page = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	skip = BENCH_DIVIDE_LEN;
	measure("exc_divide", bench_op_divide, 1);
	skip = BENCH_ILLEGAL_LEN;
	measure("exc_illegal", bench_op_illegal, 1);
	skip = 0;
	measure("exc_breakpoint", bench_op_breakpoint, 1);
	skip = BENCH_STORE_LEN;
	measure("exc_prot", op_prot, 1);
	na("exc_coproc");
	handled = 0;
	skip = 0;
	op_unalign();
	if (handled == 0)
		na("exc_unalign"); /* TCG never raises #AC */
	else
		measure("exc_unalign", op_unalign, 1);
	signal(SIGSEGV, SIG_DFL);
	munmap(ro_page, PAGE);
}

/* Virtual memory, the way Appel and Li use it. */
#define NP 100
static char *area;
static volatile int appel_next; /* read by the handler */

static int
writable(char *p)
{
	/* The store must complete: read it back. */
	return *(volatile char *)p == 7;
}

static void
on_trap(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	handled++;
	char *page = (char *)((uintptr_t)si->si_addr & ~(uintptr_t)(PAGE - 1));
	mprotect(page, PAGE, PROT_READ | PROT_WRITE);
}

static void
on_appel1(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	handled++;
	char *page = (char *)((uintptr_t)si->si_addr & ~(uintptr_t)(PAGE - 1));
	/* Protect another page, unprotect the faulting one. */
	char *other = area + (size_t)appel_next * PAGE;
	if (other == page)
		other = area + (size_t)((appel_next + 1) % NP) * PAGE;
	mprotect(other, PAGE, PROT_READ);
	mprotect(page, PAGE, PROT_READ | PROT_WRITE);
}


static void
bench_vm(void)
{
	uint64_t p1[RUNS], p100[RUNS], u100[RUNS], trap[RUNS], a1[RUNS], a2[RUNS];
	struct sigaction sa;

	area = mmap(NULL, NP * PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(area, 0, NP * PAGE);
	na("vm_dirty");
	for (int r = -1; r < runs; r++) {
		uint64_t c1 = 0, c100 = 0, cu = 0;
		for (int i = 0; i < iters / 10; i++) {
			uint64_t t0 = rdtsc();
			mprotect(area, PAGE, PROT_READ);
			uint64_t t1 = rdtsc();
			mprotect(area, PAGE, PROT_READ | PROT_WRITE);
			uint64_t t2 = rdtsc();
			mprotect(area, NP * PAGE, PROT_READ);
			uint64_t t3 = rdtsc();
			mprotect(area, NP * PAGE, PROT_READ | PROT_WRITE);
			uint64_t t4 = rdtsc();
			c1 += t1 - t0;
			c100 += t3 - t2;
			cu += t4 - t3;
		}
		area[0] = 7;
		if (!writable(area))
			fail("vm_unprot100", "the page is not writable again");
		if (r >= 0) {
			p1[r] = c1 / (uint64_t)(iters / 10);
			p100[r] = c100 / (uint64_t)(iters / 10);
			u100[r] = cu / (uint64_t)(iters / 10);
		}
	}
	report("vm_prot1", p1);
	report("vm_prot100", p100);
	report("vm_unprot100", u100);

	memset(&sa, 0, sizeof(sa));
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sa.sa_sigaction = on_trap;
	sigaction(SIGSEGV, &sa, NULL);
	for (int r = -1; r < runs; r++) {
		uint64_t c = 0;
		handled = 0;
		for (int i = 0; i < iters; i++) {
			mprotect(area, PAGE, PROT_READ);
			uint64_t t0 = rdtsc();
			area[0] = 7;
			c += rdtsc() - t0;
		}
		if (handled != (uint64_t)iters || !writable(area))
			fail("vm_trap", "the handler did not unprotect every page");
		if (r >= 0)
			trap[r] = c / (uint64_t)iters;
	}
	report("vm_trap", trap);

	sa.sa_sigaction = on_appel1;
	sigaction(SIGSEGV, &sa, NULL);
	mprotect(area, NP * PAGE, PROT_READ);
	for (int r = -1; r < runs; r++) {
		uint64_t c = 0, faults = 0;
		handled = 0;
		for (int i = 0; i < iters; i++) {
			int k = (int)(bench_rng() % NP);
			appel_next = (int)(bench_rng() % NP);
			char *p = area + (size_t)k * PAGE;
			uint64_t before = handled, t0 = rdtsc();
			*(volatile char *)p = 7;
			c += rdtsc() - t0;
			faults += handled - before;
			if (!writable(p))
				fail("vm_appel1", "a store did not complete");
		}
		if (r >= 0)
			a1[r] = faults ? c / faults : 0;
	}
	report("vm_appel1", a1);

	sa.sa_sigaction = on_trap;
	sigaction(SIGSEGV, &sa, NULL);
	for (int r = -1; r < runs; r++) {
		int order[NP];
		bench_shuffle(order, NP);
		handled = 0;
		uint64_t t0 = rdtsc();
		mprotect(area, NP * PAGE, PROT_READ);
		for (int i = 0; i < NP; i++)
			area[(size_t)order[i] * PAGE] = 7;
		uint64_t t1 = rdtsc();
		if (handled != NP)
			fail("vm_appel2", "not every page faulted once");
		if (r >= 0)
			a2[r] = (t1 - t0) / NP;
	}
	report("vm_appel2", a2);
	signal(SIGSEGV, SIG_DFL);
	munmap(area, NP * PAGE);
}

/*
 * Two processes: the parent measures round trips, the child echoes.  A
 * system that lacks what one needs (fork, shared mappings, pipes, sockets:
 * ExOS's Linux layer, so far, has the first two) prints n/a for it.
 */
static void
bench_shm_yield(void)
{
	uint64_t v[RUNS];
	volatile uint64_t *w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (w == MAP_FAILED) {
		na("ipc_shm"), na("yield");
		return;
	}
	/* ipc_shm: a shared word, yielding while waiting */
	w[0] = 0;
	pid_t pid = fork();
	if (pid < 0) {
		na("ipc_shm"), na("yield");
		return;
	}
	if (pid == 0) {
		for (uint64_t n = 1;; n += 2) {
			while (w[0] != n)
				sched_yield();
			if (w[1])
				_exit(0);
			w[0] = n + 1;
		}
	}
	uint64_t n = 0;
	for (int r = -1; r < runs; r++) {
		uint64_t t0 = rdtsc();
		for (int i = 0; i < iters; i++) {
			w[0] = ++n;
			while (w[0] != n + 1)
				sched_yield();
			n++;
		}
		if (r >= 0)
			v[r] = (rdtsc() - t0) / (uint64_t)iters;
	}
	w[1] = 1;
	w[0] = n + 1;
	waitpid(pid, NULL, 0);
	report("ipc_shm", v);

	/* yield: both sides only yield; one round trip per iteration */
	pid = fork();
	if (pid == 0) {
		while (w[2] == 0)
			sched_yield();
		_exit(0);
	}
	for (int r = -1; r < runs; r++) {
		uint64_t t0 = rdtsc();
		for (int i = 0; i < iters; i++)
			sched_yield();
		if (r >= 0)
			v[r] = (rdtsc() - t0) / (uint64_t)iters;
	}
	w[2] = 1;
	waitpid(pid, NULL, 0);
	report("yield", v);
	munmap((void *)w, PAGE);
}

static void
bench_pipe(void)
{
	uint64_t v[RUNS];
	int ab[2], ba[2];
	char c = 0;

	if (pipe(ab) < 0 || pipe(ba) < 0) {
		na("ipc_pipe");
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		na("ipc_pipe");
		return;
	}
	if (pid == 0) {
		close(ab[1]);
		close(ba[0]);
		while (read(ab[0], &c, 1) == 1) {
			c++;
			write(ba[1], &c, 1);
		}
		_exit(0);
	}
	close(ab[0]);
	close(ba[1]);
	for (int r = -1; r < runs; r++) {
		uint64_t t0 = rdtsc();
		for (int i = 0; i < iters; i++) {
			char out = (char)i, in;
			write(ab[1], &out, 1);
			if (read(ba[0], &in, 1) != 1 || in != (char)(out + 1))
				fail("ipc_pipe", "the byte did not come back");
		}
		if (r >= 0)
			v[r] = (rdtsc() - t0) / (uint64_t)iters;
	}
	close(ab[1]);
	waitpid(pid, NULL, 0);
	close(ba[0]);
	report("ipc_pipe", v);
}

/* ipc_rpc: UNIX-domain socket request/reply */
static void
bench_rpc(void)
{
	uint64_t v[RUNS];
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		na("ipc_rpc");
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		na("ipc_rpc");
		return;
	}
	if (pid == 0) {
		uint64_t q;
		close(sv[0]);
		while (read(sv[1], &q, sizeof(q)) == sizeof(q)) {
			q++;
			write(sv[1], &q, sizeof(q));
		}
		_exit(0);
	}
	close(sv[1]);
	for (int r = -1; r < runs; r++) {
		uint64_t t0 = rdtsc();
		for (int i = 0; i < iters; i++) {
			uint64_t q = (uint64_t)i, a;
			write(sv[0], &q, sizeof(q));
			if (read(sv[0], &a, sizeof(a)) != sizeof(a) || a != q + 1)
				fail("ipc_rpc", "the reply did not come back");
		}
		if (r >= 0)
			v[r] = (rdtsc() - t0) / (uint64_t)iters;
	}
	close(sv[0]);
	waitpid(pid, NULL, 0);
	report("ipc_rpc", v);
}

/* As PID 1 on Linux: power the machine off through isa-debug-exit. */
static void
finish(void)
{
	fflush(stdout);
	/* PID 1 of the Linux peer powers the machine off; elsewhere (also
	 * as ExOS's pid 1, where ioperm does not exist) exit. */
	if (getpid() != 1 || ioperm(0xf4, 4, 1) != 0)
		exit(failed);
	outl((unsigned)failed, 0xf4);
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

int
main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			printf("usage: lbench [--sys NAME] [--mode icount|kvm|tcg] [--check]\n"
			       "Runs the benchmarks of BENCHMARKS.md through the Linux "
			       "system-call ABI and prints one line each.\n");
			return 0;
		} else if (strcmp(argv[i], "--sys") == 0 && i + 1 < argc) {
			sys_name = argv[++i];
		} else if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc) {
			mode = argv[++i];
		} else if (strcmp(argv[i], "--check") == 0) {
			runs = 1;
			iters = 20;
		} else if (strncmp(argv[i], "mode=", 5) == 0) {
			mode = argv[i] + 5; /* from the kernel command line as PID 1 */
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	uint64_t v[RUNS];
	for (int r = -1; r < runs; r++) {
		uint64_t t0 = rdtsc();
		for (int i = 0; i < iters; i++)
			op_proc_call();
		if (r >= 0)
			v[r] = (rdtsc() - t0) / (uint64_t)iters;
	}
	report("proc_call", v);
	na("floor_syscall");
	na("floor_exc");
	handled = 0;
	for (int r = -1; r < runs; r++) {
		uint64_t t0 = rdtsc();
		for (int i = 0; i < iters; i++)
			op_getpid();
		if (r >= 0)
			v[r] = (rdtsc() - t0) / (uint64_t)iters;
	}
	report("null_syscall", v);
	bench_exceptions();
	bench_vm();
	bench_pipe();
	bench_shm_yield();
	bench_rpc();
	na("net_rtt");
	printf("lbench: %s\n", failed ? "FAILED" : "done");
	finish();
	return failed;
}
