/*
 * sysd: ExOS's system server for Linux programs.  init starts it with the
 * program to run as pid 1 ("sysd [--] PROG ARGS..."); it builds the file
 * system from the boot image, starts PROG with the console as its
 * terminal, serves every process's requests (proto.h) until pid 1 exits,
 * then ends the remaining processes and exits with pid 1's status (the
 * exit code, or 128 + the signal that ended it).
 *
 * Its own context only watches, asleep in between: it takes what arrives
 * on the serial line so that an interrupt key reaches the foreground group
 * even when nobody reads, and notices processes that died without saying
 * so.
 */
#include "sysd.h"

#define MAXENV 16

volatile int main_busy;
exo_envid_t sysd_id;
volatile uint64_t *sysd_events;
exo_slot_t sysd_events_slot;
#define EVENTS_VA 0x000007f000000000UL /* in sysd, below the windows */

static void
shutdown_all(int32_t status)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state == P_LIVE)
			proc_exit(&procs[i], LX_SIGKILL);
	exit(status & 0x7f ? 128 + (status & 0x7f) : (status >> 8) & 0xff);
}

/*
 * Has pid 1 gone?  Then our own context ends everything (not a request's
 * activation: it only notes it).
 */
static volatile uint64_t finished; /* a word to sleep on */
static volatile int32_t final_status;

static void
check_first(void)
{
	struct proc *p = proc_by_pid(1);

	if (finished)
		return;
	if (shutdown_requested) {
		final_status = 0;
		finished = 1;
	} else if (p == NULL || p->state == P_ZOMBIE) {
		final_status = p ? p->status : first_status;
		finished = 1;
	}
}

static void
serve(exo_envid_t caller, uint64_t w[6])
{
	struct proc *p;
	int64_t r;

	if (main_busy) {
		/* Our own context was interrupted mid-change: let it finish. */
		w[0] = (uint64_t)SYSD_BUSY;
		w[4] = (uint64_t)sysd_id;
		w[5] = 0;
		return;
	}
	if ((p = proc_of_env(caller)) == NULL) {
		w[0] = (uint64_t)-LX_ESRCH;
		w[5] = 0;
		return;
	}
	uint64_t op = w[0];
	if (p->fifo_wait && op != SYSD_OPENAT)
		fifo_unwait(p); /* it gave up waiting for a named pipe */
	if (op == SYSD_HELLO || op == SYSD_SIGINFO || op == SYSD_REBOOT ||
	    op == SYSD_EXEC_MORE ||
	    (op >= SYSD_FORK && op <= SYSD_PRLIMIT))
		r = proc_call(p, w);
	else if (op == SYSD_CLOSE || op == SYSD_READ || op == SYSD_WRITE ||
	    op == SYSD_PREAD || op == SYSD_PWRITE || op == SYSD_LSEEK ||
	    op == SYSD_DUP || op == SYSD_DUP3 || op == SYSD_FCNTL ||
	    op == SYSD_PIPE2 || op == SYSD_IOCTL || op == SYSD_POLL)
		r = file_call(p, w);
	else
		r = fs_call(p, w);
	w[0] = (uint64_t)r;
	if (r != SYSD_BLOCK)
		w[4] = 0; /* the hint means something only then */
	w[5] = 0;
	if (p->state == P_LIVE && p->env == caller) {
		w[5] = p->pending;
		p->pending = 0;
	}
	check_first();
}

int
main(int argc, char **argv)
{
	static char *envp[MAXENV + 4] = { "HOME=/",
		"PATH=/bin:/usr/bin:/sbin:/usr/sbin", "TERM=vt100" };
	int r, nenv = 3;

	/* -e NAME=VALUE adds to the first program's environment. */
	while (argc > 2 && strcmp(argv[1], "-e") == 0 && nenv < MAXENV) {
		envp[nenv++] = argv[2];
		argv += 2, argc -= 2;
	}
	envp[nenv] = NULL;
	if (argc > 1 && strcmp(argv[1], "--") == 0)
		argv++, argc--;
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		printf("usage: sysd [-e NAME=VALUE]... [--] PROGRAM [ARGS...]\n"
		       "ExOS's system server: runs PROGRAM (a static Linux "
		       "program in /bin) as pid 1 with the console as its "
		       "terminal, and serves the file system, pipes and "
		       "processes of it and its descendants; exits with its "
		       "status.\n");
		return argc < 2 ? 2 : 0;
	}
	if (EXO_INFO->nenv > NPROC) {
		printf("sysd: the kernel has more environments than the process "
		       "table has room for\n");
		return 1;
	}
	sysd_id = EXO_SELF->id;
	if (page_alloc_map(EVENTS_VA, 1, EXO_PERM_W, &sysd_events_slot) < 0) {
		printf("sysd: no memory\n");
		return 1;
	}
	sysd_events = (volatile uint64_t *)EVENTS_VA;
	tty_init();
	if ((r = fscalls_populate()) < 0) {
		printf("sysd: cannot build the file system (error %d)\n", -r);
		return 1;
	}
	char path[128];
	snprintf(path, sizeof(path), "%s%s", strchr(argv[1], '/') ? "" : "/bin/",
	    argv[1]);
	argv[1] = path; /* as a shell would run it: by its path */
	if (exos_pct_serve(serve) < 0) {
		printf("sysd: cannot take requests\n");
		return 1;
	}
	if ((r = proc_first(path, argv + 1, envp)) < 0) {
		printf("sysd: cannot start %s (error %d)\n", argv[1], -r);
		return 127;
	}
	for (;;) {
		/* What we last looked at, before looking. */
		struct exo_wake w[3] = {
			{ (uint64_t)&EXO_INFO->cons_in, EXO_INFO->cons_in, EXO_WAKE_NE, 0 },
			{ (uint64_t)&EXO_INFO->env_exits, EXO_INFO->env_exits, EXO_WAKE_NE, 0 },
			{ (uint64_t)&finished, 0, EXO_WAKE_NE, 0 },
		};
		if (finished)
			shutdown_all(final_status);
		main_busy = 1;
		__asm__ volatile("" ::: "memory");
		tty_poll();
		proc_reap_dead();
		check_first();
		__asm__ volatile("" ::: "memory");
		main_busy = 0;
		exo_sleep(w, 3);
	}
}
