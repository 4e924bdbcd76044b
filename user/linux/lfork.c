/*
 * lfork: fork and wait4 behave as on Linux (make test runs it on the host
 * too): the child gets 0 and its own copy of memory, the parent the
 * child's id; the child's writes do not reach the parent and the parent's
 * not the child; wait4 returns the child's exit status.
 *   lfork [--help]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int shared_global = 1;

int
main(int argc, char **argv)
{
	if (argc > 1) {
		printf("usage: lfork\nChecks fork and wait4; exits 0 if they "
		       "behave as on Linux.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	char *heap = malloc(100000);
	memset(heap, 'p', 100000);
	int local = 10, failed = 0;
	pid_t me = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		printf("lfork: fork failed\n");
		return 1;
	}
	if (pid == 0) {
		/* The child: its own copy of everything. */
		if (getppid() != me || shared_global != 1 || local != 10 ||
		    heap[99999] != 'p')
			_exit(100);
		shared_global = 2;
		local = 20;
		memset(heap, 'c', 100000);
		_exit(shared_global == 2 && local == 20 && heap[5] == 'c' ? 42 : 101);
	}
	int status = 0;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 42) {
		printf("lfork: child status %x\n", status);
		failed = 1;
	}
	if (shared_global != 1 || local != 10 || heap[99999] != 'p') {
		printf("lfork: the child's writes reached the parent\n");
		failed = 1;
	}
	heap[0] = 'q'; /* and the parent can still write */

	/*
	 * After a fork, protection changes must not leak between the two:
	 * the child makes a page read-only then writable again and writes
	 * it; the parent's copy must not change, and a read-only page must
	 * still fault for the writer.
	 */
	char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m[0] = 'P';
	pid = fork();
	if (pid == 0) {
		mprotect(m, 4096, PROT_READ);
		mprotect(m, 4096, PROT_READ | PROT_WRITE);
		m[0] = 'C';
		_exit(m[0] == 'C' ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) != pid || status != 0 || m[0] != 'P') {
		printf("lfork: after mprotect in the child, parent sees %c, status %x\n",
		    m[0], status);
		failed = 1;
	}
	mprotect(m, 4096, PROT_READ);
	pid = fork();
	if (pid == 0) {
		/* Read-only in the parent at the fork: a write must fault. */
		signal(SIGSEGV, SIG_DFL);
		m[0] = 'X';
		_exit(3);
	}
	if (waitpid(pid, &status, 0) != pid || (WIFEXITED(status) && WEXITSTATUS(status) == 3)) {
		printf("lfork: a write to a read-only page after fork succeeded\n");
		failed = 1;
	}
	if (m[0] != 'P') {
		printf("lfork: the read-only page changed\n");
		failed = 1;
	}
	/* A MAP_SHARED page stays one page: the child's write reaches us. */
	volatile char *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED) {
		printf("lfork: MAP_SHARED mmap failed\n");
		failed = 1;
	} else {
		s[0] = 'P';
		pid = fork();
		if (pid == 0) {
			s[0] = s[0] == 'P' ? 'C' : 'E';
			_exit(0);
		}
		if (waitpid(pid, &status, 0) != pid || s[0] != 'C') {
			printf("lfork: shared page after the child wrote: %c\n", s[0]);
			failed = 1;
		}
	}
	if (waitpid(-1, &status, WNOHANG) != -1) {
		printf("lfork: waitpid with no children left did not fail\n");
		failed = 1;
	}
	printf("lfork: %s\n", failed ? "FAILED" : "fork and wait as on Linux");
	return failed;
}
