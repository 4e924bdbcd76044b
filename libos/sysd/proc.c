/*
 * The process table: Linux processes as sysd sees them.  A process is an
 * environment sysd created and holds capabilities for, plus what must
 * outlive that environment — the pid (exec replaces the environment and
 * keeps the pid), the parent, the group and session, the exit status until
 * the parent collects it, the open files, the signal dispositions.
 *
 * fork is built by the parent's own runtime (libos/linux/process.c): sysd
 * only makes the empty environment, gives it a window and the way back to
 * sysd, and hands the parent capabilities to fill and start it.  exec is
 * built here: sysd has the file.
 *
 * A process that dies without saying so (the kernel destroyed it, or it
 * scribbled over its runtime) is found by proc_reap_dead, which every call
 * that waits runs first: its files are closed and its parent told, as for
 * any other death.
 */
#include "../../lib/elf.h"
#include "../internal.h"
#include "sysd.h"

#define WIN_BASE 0x0000080000000000UL /* the windows, in sysd */
#define MAXSCRIPT 4                    /* nested #! interpreters */

struct proc procs[NPROC];
static struct proc *by_env[NPROC]; /* by the low bits of the env id */
static int32_t next_pid = 1;
static int nlive;
int32_t first_status;
volatile int shutdown_requested;

struct proc *
proc_of_env(exo_envid_t env)
{
	struct proc *p = by_env[env & (NPROC - 1)];

	return p && p->state == P_LIVE && p->env == env ? p : NULL;
}

struct proc *
proc_by_pid(int32_t pid)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state != P_FREE && procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

int
proc_count(void)
{
	return nlive;
}

static int32_t
pid_alloc(void)
{
	for (;;) {
		int32_t pid = next_pid++;
		if (next_pid >= 4194304)
			next_pid = 2;
		if (proc_by_pid(pid) == NULL)
			return pid;
	}
}

static struct proc *
proc_alloc(void)
{
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &procs[i];
		if (p->state != P_FREE)
			continue;
		memset(p, 0, sizeof(*p));
		p->win = (uint8_t *)(WIN_BASE + (uint64_t)i * SYSD_WIN_SIZE);
		p->nofile = NOFILE_DEF;
		p->nproc = NPROC;
		return p;
	}
	return NULL;
}

/*
 * The window's pages: in sysd, and (window_bind) in the process at
 * SYSD_WIN_VA, with the event page read-only beside them.
 */
static int
window_make(struct proc *p)
{
	exo_slot_t first;

	if (page_alloc_map((uint64_t)p->win, SYSD_WIN_PAGES, EXO_PERM_W, &first) < 0)
		return LX_ENOMEM;
	p->winslot = first;
	return 0;
}

static int
window_bind(struct proc *p, exo_slot_t vs)
{
	struct exo_ptop o[2] = {
		{ SYSD_WIN_VA, p->winslot, SYSD_WIN_PAGES, EXO_PT_MAP, EXO_PERM_W, 0, 0 },
		{ SYSD_EVENT_VA, sysd_events_slot, 1, EXO_PT_MAP, 0, 0, 0 },
	};

	return exo_pt_batch(vs, o, 2) < 0 ? LX_ENOMEM : 0;
}

static void
window_drop(struct proc *p)
{
	if (p->winslot == 0)
		return;
	page_unmap((uint64_t)p->win, SYSD_WIN_PAGES);
	for (int i = 0; i < SYSD_WIN_PAGES; i++)
		exo_cap_delete(p->winslot + (uint64_t)i);
	slot_free_range(p->winslot, SYSD_WIN_PAGES);
	p->winslot = 0;
}

static void
env_forget(exo_slot_t envslot, exo_slot_t vsslot)
{
	exo_cap_delete(envslot);
	exo_cap_delete(vsslot);
	slot_free(envslot);
	slot_free(vsslot);
}

static void
proc_bind_env(struct proc *p, exo_envid_t env, exo_slot_t es, exo_slot_t vs)
{
	p->env = env;
	p->envslot = es;
	p->vsslot = vs;
	by_env[env & (NPROC - 1)] = p;
}

/* Frees the slot of a process nobody will ask about any more. */
static void
proc_free(struct proc *p)
{
	exec_drop(p);
	heap_free(p->cmdline, p->cmdlen ? p->cmdlen : 1);
	p->cmdline = NULL;
	p->cmdlen = 0;
	heap_free(p->exe, p->exelen);
	p->exe = NULL;
	p->exelen = 0;
	p->state = P_FREE;
}

/*
 * Ends p with wait status status: its environment goes, its files close
 * (a pipe's reader sees the end), its children lose their parent, and the
 * parent learns of it.
 */
void
proc_exit(struct proc *p, int32_t status)
{
	if (p->state != P_LIVE)
		return;
	sysd_event(); /* for wait4, and through its files for pipes */
	if (by_env[p->env & (NPROC - 1)] == p)
		by_env[p->env & (NPROC - 1)] = NULL;
	exo_env_destroy(p->envslot);
	env_forget(p->envslot, p->vsslot);
	window_drop(p);
	fifo_unwait(p);
	fd_close_all(p);
	if (p->cwd)
		fs_iput(&fs, p->cwd);
	p->cwd = NULL;
	nlive--;
	p->status = status;
	if (p->pid == 1)
		first_status = status;
	for (int i = 0; i < NPROC; i++) {
		struct proc *c = &procs[i];
		if (c->state == P_FREE || c->ppid != p->pid || c == p)
			continue;
		if (c->state == P_ZOMBIE)
			proc_free(c);
		else
			c->ppid = 0; /* nobody waits: freed when it exits */
	}
	struct proc *parent = p->ppid ? proc_by_pid(p->ppid) : NULL;
	if (parent == NULL || parent->state != P_LIVE ||
	    (parent->ignored & (1UL << (LX_SIGCHLD - 1)))) {
		proc_free(p);
		return;
	}
	p->state = P_ZOMBIE;
	/* CLD_EXITED with the code, or CLD_KILLED with the signal. */
	if (status & 0x7f)
		proc_signal(parent, LX_SIGCHLD, p->pid, 2, status & 0x7f);
	else
		proc_signal(parent, LX_SIGCHLD, p->pid, 1, (status >> 8) & 0xff);
}

/* Processes whose environment died without telling us. */
void
proc_reap_dead(void)
{
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &procs[i];
		struct exo_envinfo in;
		if (p->state != P_LIVE || exo_env_info(p->envslot, &in) < 0 ||
		    in.state != EXO_ENV_DEAD)
			continue;
		int32_t st = LX_SIGKILL;
		if (in.cause == EXO_CAUSE_EXIT)
			st = (int32_t)((in.status & 0xff) << 8);
		else if (in.cause == EXO_CAUSE_FAULT)
			st = LX_SIGSEGV;
		proc_exit(p, st);
	}
}

/* Which signals end a process when nobody handles them. */
static int
sig_default_ignored(int sig)
{
	return sig == LX_SIGCHLD || sig == LX_SIGURG || sig == LX_SIGWINCH ||
	    sig == LX_SIGCONT;
}

static int
sig_default_stops(int sig)
{
	return sig == LX_SIGSTOP || sig == LX_SIGTSTP || sig == LX_SIGTTIN ||
	    sig == LX_SIGTTOU;
}

/* Tells p's parent (wait4 with WUNTRACED/WCONTINUED, and SIGCHLD). */
static void
tell_parent(struct proc *p, int32_t code, int32_t status)
{
	struct proc *parent = p->ppid ? proc_by_pid(p->ppid) : NULL;

	if (parent && parent->state == P_LIVE)
		proc_signal(parent, LX_SIGCHLD, p->pid, code, status);
}

/*
 * Stops p (the kernel schedules it no more: env_stop).  A process in the
 * middle of a call to us cannot be stopped from here: it is told to stop
 * itself (pending SIGSTOP, which no program can handle, means that).
 */
static void
proc_stop(struct proc *p, int sig)
{
	if (p->stopped)
		return;
	if (exo_env_stop(p->envslot, 1) < 0)
		p->pending |= 1UL << (LX_SIGSTOP - 1);
	p->stopped = sig;
	p->report = P_REPORT_STOP;
	sysd_event();
	tell_parent(p, 5 /* CLD_STOPPED */, sig);
}

static void
proc_continue(struct proc *p)
{
	if (!p->stopped)
		return;
	exo_env_stop(p->envslot, 0);
	p->pending &= ~(1UL << (LX_SIGSTOP - 1));
	p->stopped = 0;
	p->report = P_REPORT_CONT;
	sysd_event();
	tell_parent(p, 6 /* CLD_CONTINUED */, LX_SIGCONT);
}

/*
 * Raises sig for p: handled ones become pending (the process delivers
 * them when its next call returns), ignored ones vanish, the rest take
 * their default action here.  Stopping is not implemented: the stop
 * signals are ignored by default.
 */
void
proc_signal(struct proc *p, int sig, int32_t from, int32_t code, int32_t status)
{
	uint64_t bit = 1UL << (sig - 1);

	if (p->state != P_LIVE)
		return;
	sysd_event(); /* a wait it is in may end with EINTR */
	p->sinfo[sig] = (struct sinfo){ from, code, status };
	if (sig == LX_SIGCONT && p->pid != 1)
		proc_continue(p); /* whatever its disposition */
	if (p->handled & bit) {
		p->pending |= bit;
		return;
	}
	if (p->pid == 1) {
		/*
		 * As for Linux's init, a signal pid 1 does not handle does not
		 * kill it; but the ones halt, poweroff and reboot send to init
		 * end the system, which is what they ask.
		 */
		if (sig == LX_SIGUSR1 || sig == LX_SIGUSR2 || sig == LX_SIGTERM)
			shutdown_requested = 1;
		return;
	}
	if (sig == LX_SIGKILL) {
		proc_exit(p, LX_SIGKILL);
		return;
	}
	if ((p->ignored & bit) || sig_default_ignored(sig))
		return;
	if (sig_default_stops(sig)) {
		proc_stop(p, sig);
		return;
	}
	proc_exit(p, sig);
}

void
proc_signal_group(int32_t pgid, int sig)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state == P_LIVE && procs[i].pgid == pgid)
			proc_signal(&procs[i], sig, 0, 0x80 /* SI_KERNEL */, 0);
}

int64_t
proc_kill(struct proc *self, int64_t pid, int sig)
{
	int found = 0;

	if (sig < 0 || sig >= NSIG)
		return -LX_EINVAL;
	if (pid == 0)
		pid = -(int64_t)self->pgid;
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &procs[i];
		if (p->state != P_LIVE)
			continue;
		if (pid > 0 ? p->pid != pid
			    : pid == -1 ? (p->pid == 1 || p == self)
					: p->pgid != -pid)
			continue;
		found = 1;
		if (sig)
			proc_signal(p, sig, self->pid, 0 /* SI_USER */, 0);
	}
	return found ? 0 : -LX_ESRCH;
}

/*
 * fork, sysd's part: a new environment for the child, its window and its
 * capability for sysd, and for the parent (in the two empty slots it
 * names) capabilities to fill and start it.  The child shares the
 * parent's open files.  Returns the child's pid, its env id in w[1].
 */
int64_t
proc_fork(struct proc *p, uint64_t w[6])
{
	uint64_t pes = w[1], pvs = w[2];
	int64_t es = slot_alloc(), vs = slot_alloc(), r;
	struct proc *c;

	if (es < 0 || vs < 0) {
		if (es >= 0)
			slot_free((uint64_t)es);
		if (vs >= 0)
			slot_free((uint64_t)vs);
		return -LX_ENOMEM;
	}
	if ((uint64_t)nlive >= p->nproc || (c = proc_alloc()) == NULL) {
		slot_free((uint64_t)es);
		slot_free((uint64_t)vs);
		return -LX_EAGAIN;
	}
	if ((r = exo_env_create((uint64_t)es, (uint64_t)vs)) < 0) {
		slot_free((uint64_t)es);
		slot_free((uint64_t)vs);
		return r == EXO_ENOMEM || r == EXO_ENOENV ? -LX_EAGAIN : -LX_ENOMEM;
	}
	exo_envid_t id = (exo_envid_t)r;
	c->state = P_LIVE; /* from here on proc_exit undoes it all */
	nlive++;
	proc_bind_env(c, id, (uint64_t)es, (uint64_t)vs);
	c->pid = pid_alloc();
	c->ppid = p->pid;
	c->pgid = p->pgid;
	c->sid = p->sid;
	c->umask = p->umask;
	c->ignored = p->ignored;
	c->handled = p->handled;
	c->nofile = p->nofile;
	c->nproc = p->nproc;
	c->cwd = p->cwd;
	fs_iget(c->cwd);
	memcpy(c->comm, p->comm, sizeof(c->comm));
	if (p->exe && (c->exe = heap_alloc(p->exelen)) != NULL) {
		memcpy(c->exe, p->exe, p->exelen);
		c->exelen = p->exelen;
	}
	if (p->cmdline && (c->cmdline = heap_alloc(p->cmdlen ? p->cmdlen : 1)) != NULL) {
		memcpy(c->cmdline, p->cmdline, p->cmdlen);
		c->cmdlen = p->cmdlen;
	}
	if (window_make(c) < 0 || window_bind(c, (uint64_t)vs) < 0 ||
	    fd_copy_table(c, p) < 0 ||
	    exo_cap_copy(EXO_SLOT_SELF, (uint64_t)es, SYSD_SLOT, EXO_R_CALL) < 0 ||
	    exo_cap_copy((uint64_t)es, p->envslot, pes,
		EXO_R_CTRL | EXO_R_CALL | EXO_R_READ) < 0 ||
	    exo_cap_copy((uint64_t)vs, p->envslot, pvs, EXO_R_READ | EXO_R_WRITE) < 0) {
		c->ppid = 0;
		proc_exit(c, LX_SIGKILL);
		return -LX_ENOMEM;
	}
	w[1] = (uint64_t)id;
	return c->pid;
}

/* The parent could not build the child: it never ran. */
int64_t
proc_fork_abort(struct proc *p, int32_t pid)
{
	struct proc *c = proc_by_pid(pid);

	if (c == NULL || c->ppid != p->pid || c->state != P_LIVE)
		return -LX_ESRCH;
	c->ppid = 0;
	proc_exit(c, LX_SIGKILL);
	return 0;
}

/* The point of no return of exec: the old image goes, the new one is p. */
/* What /proc shows of the program: its name and its arguments. */
static void
set_cmdline(struct proc *p, char **argv)
{
	uint64_t n = 0;
	const char *base = argv[0] ? argv[0] : "";

	for (const char *s = base; *s; s++)
		if (*s == '/' && s[1])
			base = s + 1;
	snprintf(p->comm, sizeof(p->comm), "%s", base);
	for (int i = 0; argv[i] && n < 4096; i++)
		n += strlen(argv[i]) + 1;
	if (n > 4096)
		n = 4096;
	char *c = heap_alloc(n ? n : 1);
	if (c == NULL)
		return;
	uint64_t k = 0;
	for (int i = 0; argv[i] && k < n; i++) {
		uint64_t l = strlen(argv[i]) + 1;
		if (l > n - k)
			l = n - k;
		memcpy(c + k, argv[i], l);
		k += l;
	}
	heap_free(p->cmdline, p->cmdlen ? p->cmdlen : 1);
	p->cmdline = c;
	p->cmdlen = (uint32_t)n;
}

/*
 * The program's absolute path, for /proc/PID/exe: from the working
 * directory if relative, and through a final symbolic link (busybox runs
 * itself as /proc/self/exe) to the file itself.
 */
static void
set_exe(struct proc *p, const char *path)
{
	static char abs[4096], link[4096];
	int64_t n = 0;

	if (path[0] != '/' && (n = fs_getcwd(&fs, p->cwd, abs, sizeof(abs))) <= 0)
		return;
	if (path[0] == '/')
		snprintf(abs, sizeof(abs), "%s", path);
	else
		snprintf(abs + n - 1, sizeof(abs) - (uint64_t)n + 1, "%s%s",
		    n == 2 ? "" : "/", path);
	for (int hops = 0; hops < 40; hops++) {
		int64_t k = fs_readlink(&fs, fs.root, abs, link, sizeof(link) - 1);
		if (k <= 0)
			break;
		link[k] = 0;
		if (link[0] == '/') {
			memcpy(abs, link, (uint64_t)k + 1);
		} else {
			uint64_t dir = 0;
			for (uint64_t i = 0; abs[i]; i++)
				if (abs[i] == '/')
					dir = i + 1;
			if (dir + (uint64_t)k + 1 > sizeof(abs))
				break;
			memcpy(abs + dir, link, (uint64_t)k + 1);
		}
	}
	uint64_t len = strlen(abs) + 1;
	char *e = heap_alloc(len);
	if (e == NULL)
		return;
	memcpy(e, abs, len);
	heap_free(p->exe, p->exelen);
	p->exe = e;
	p->exelen = len;
}

static void
exec_commit(struct proc *p, struct child *c, char **argv, const char *path)
{
	set_cmdline(p, argv);
	set_exe(p, path);
	if (p->envslot) {
		if (by_env[p->env & (NPROC - 1)] == p)
			by_env[p->env & (NPROC - 1)] = NULL;
		exo_env_destroy(p->envslot);
		env_forget(p->envslot, p->vsslot);
	}
	proc_bind_env(p, c->id, c->env, c->vspace);
	fd_close_exec(p);
	p->handled = 0; /* handlers do not survive exec; ignoring does */
}

/*
 * One of our own programs (linked with libos, not Linux's ABI): it runs
 * on the exokernel directly, with the console, the image and the machine
 * capability for reclaim, and never calls sysd; sysd still keeps its pid,
 * sees it end (proc_reap_dead) and can signal it (only to end it).  Its
 * output goes to the console itself, not through the terminal's file
 * descriptors, so redirections do not apply to it.
 */
static int64_t
exec_native(struct proc *p, const void *data, uint64_t size, char **argv,
    const char *path, struct child *c)
{
	struct spawn_cap caps[2] = {
		{ EXO_SLOT_MACHINE, EXO_SLOT_MACHINE, EXO_R_CALL | EXO_R_GRANT },
		{ SPAWN_CAP_BOOTIMG, 0, 0 },
	};
	struct exo_capinfo ci;
	int n = exo_cap_info(EXO_SLOT_MACHINE, &ci) == 0 ? 2 : 0;

	if (n == 0)
		caps[0] = caps[1], n = 1;
	int r = spawn_image_caps(data, size, argv, caps, n, c);
	if (r == EXO_ENOENT && n == 2) /* no image to pass on */
		r = spawn_image_caps(data, size, argv, caps, 1, c);
	if (r < 0)
		return r == EXO_EINVAL ? -LX_ENOEXEC : -LX_ENOMEM;
	exec_commit(p, c, argv, path);
	return 0;
}

/*
 * Builds program file (a static ELF, or a #! script run by its
 * interpreter) with argv and envp in a new environment for p, with its
 * window and capability for sysd, and starts it.  On success the old
 * environment (if any) is destroyed.
 */
static int64_t
exec_image(struct proc *p, const char *path, char **argv, int argc,
    char *const envp[], int depth)
{
	struct fs_inode *ino;
	struct fs_stat st;
	int err;

	if (procfs_wanted(p->cwd, path))
		procfs_refresh(p); /* /proc/self/exe: ours, now */
	if ((err = fs_lookup(&fs, p->cwd, path, 1, &ino)) < 0)
		return err;
	fs_stat(ino, &st);
	if ((st.mode & LX_S_IFMT) == LX_S_IFDIR) {
		fs_iput(&fs, ino);
		return -LX_EACCES;
	}
	if ((st.mode & LX_S_IFMT) != LX_S_IFREG || !(st.mode & 0111)) {
		fs_iput(&fs, ino);
		return -LX_EACCES;
	}
	uint64_t size;
	const uint8_t *data = fs_file_data(ino, &size);
	if (size > 2 && data[0] == '#' && data[1] == '!') {
		/* "#!interp [arg]": run interp [arg] path argv[1..]. */
		char line[256];
		uint64_t n = 2;
		int k = 0;
		while (n < size && data[n] != '\n' && k < (int)sizeof(line) - 1)
			line[k++] = (char)data[n++];
		line[k] = 0;
		fs_iput(&fs, ino);
		if (depth >= MAXSCRIPT)
			return -LX_ELOOP;
		char *s = line, *interp, *iarg = NULL;
		while (*s == ' ' || *s == '\t')
			s++;
		interp = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s) {
			*s++ = 0;
			while (*s == ' ' || *s == '\t')
				s++;
			if (*s) {
				iarg = s;
				for (char *e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t');)
					*--e = 0;
			}
		}
		if (*interp == 0)
			return -LX_ENOEXEC;
		char **nargv = heap_alloc((size_t)(argc + 3) * sizeof(char *));
		if (nargv == NULL)
			return -LX_ENOMEM;
		int m = 0;
		nargv[m++] = interp;
		if (iarg)
			nargv[m++] = iarg;
		nargv[m++] = (char *)path;
		for (int i = 1; i < argc; i++)
			nargv[m++] = argv[i];
		nargv[m] = NULL;
		int64_t r = exec_image(p, interp, nargv, m, envp, depth + 1);
		heap_free(nargv, (size_t)(argc + 3) * sizeof(char *));
		return r;
	}
	struct child c;
	uint64_t rip, arg;
	struct elf_image elf;
	if (elf_parse(data, size, EXOS_SCRATCH, &elf) == 0 && elf.native) {
		int64_t r = exec_native(p, data, size, argv, path, &c);
		fs_iput(&fs, ino);
		return r;
	}
	int r = spawn_linux_image(data, size, argv, envp, &c, &rip, &arg);
	fs_iput(&fs, ino);
	if (r == EXO_EINVAL)
		return -LX_ENOEXEC;
	if (r == EXO_ERANGE)
		return -LX_E2BIG;
	if (r < 0)
		return -LX_ENOMEM;
	if (window_bind(p, c.vspace) < 0 ||
	    exo_cap_copy(EXO_SLOT_SELF, c.env, SYSD_SLOT, EXO_R_CALL) < 0) {
		exo_env_destroy(c.env);
		child_release(&c);
		return -LX_ENOMEM;
	}
	/*
	 * p is the new environment before it starts: its first call to us
	 * (which may come before we run again) must find it.
	 */
	exec_commit(p, &c, argv, path);
	if (exo_env_start(c.env, rip, arg, arg) < 0) {
		proc_exit(p, LX_SIGKILL); /* the old image is gone: it ends */
		return -LX_ENOMEM;
	}
	return 0;
}

/* Splits the window's "path\0argv...\0envp...\0" into arrays. */
static int64_t
exec_args(char *buf, uint64_t len, uint64_t argc, uint64_t envc, char ***argv,
    char ***envp)
{
	char **v = heap_alloc((argc + envc + 2) * sizeof(char *));
	char *s = buf, *end = buf + len;

	if (v == NULL)
		return -LX_ENOMEM;
	s += strlen(s) + 1; /* the path */
	for (uint64_t i = 0; i < argc + envc; i++) {
		if (s >= end) {
			heap_free(v, (argc + envc + 2) * sizeof(char *));
			return -LX_EINVAL;
		}
		v[i + (i >= argc)] = s;
		s += strlen(s) + 1;
	}
	v[argc] = NULL;
	v[argc + envc + 1] = NULL;
	*argv = v;
	*envp = v + argc + 1;
	return 0;
}

/* exec's arguments, a window at a time (SYSD_EXEC_MORE). */
static int64_t
exec_append(struct proc *p, uint64_t n)
{
	if (n > SYSD_WIN_SIZE)
		return -LX_EINVAL;
	if (p->execlen + n > EXEC_MAX) {
		exec_drop(p);
		return -LX_E2BIG;
	}
	if (p->execlen + n + 1 > p->execcap) {
		uint64_t cap = p->execcap ? p->execcap : SYSD_WIN_SIZE + 1;
		while (cap < p->execlen + n + 1)
			cap *= 2;
		char *nb = heap_alloc(cap);
		if (nb == NULL)
			return -LX_ENOMEM;
		memcpy(nb, p->execbuf, p->execlen);
		heap_free(p->execbuf, p->execcap);
		p->execbuf = nb;
		p->execcap = cap;
	}
	memcpy(p->execbuf + p->execlen, p->win, n);
	p->execlen += n;
	p->execbuf[p->execlen] = 0;
	return 0;
}

void
exec_drop(struct proc *p)
{
	heap_free(p->execbuf, p->execcap);
	p->execbuf = NULL;
	p->execlen = p->execcap = 0;
}

int64_t
proc_exec_more(struct proc *p, uint64_t n)
{
	if (n == 0) {
		exec_drop(p);
		return 0;
	}
	return exec_append(p, n);
}

int64_t
proc_exec(struct proc *p, uint64_t w[6])
{
	uint64_t argc = w[1], envc = w[2];
	char **argv, **envp;
	int64_t r;

	if ((r = exec_append(p, w[4])) < 0)
		return r;
	if (argc + envc > p->execlen) {
		exec_drop(p);
		return -LX_E2BIG;
	}
	if ((r = exec_args(p->execbuf, p->execlen, argc, envc, &argv, &envp)) < 0) {
		exec_drop(p);
		return r;
	}
	r = exec_image(p, p->execbuf, argv, (int)argc, envp, 0);
	if (r == 0)
		p->exec_mask = w[3];
	heap_free(argv, (argc + envc + 2) * sizeof(char *));
	exec_drop(p);
	return r;
}

/* The first process, pid 1: a session and a group of its own. */
int
proc_first(const char *path, char *const argv[], char *const envp[])
{
	struct proc *p = proc_alloc();
	int argc = 0;
	int64_t r;

	while (argv[argc])
		argc++;
	p->pid = pid_alloc();
	p->pgid = p->sid = p->pid;
	p->umask = 022;
	p->cwd = fs.root;
	fs_iget(fs.root);
	if (window_make(p) < 0 || tty_attach(p) < 0)
		return -LX_ENOMEM;
	/* Live before it starts: its first call may come at once. */
	p->state = P_LIVE;
	nlive++;
	r = exec_image(p, path, (char **)argv, argc, envp, 0);
	if (r < 0) {
		p->state = P_FREE;
		nlive--;
		return (int)r;
	}
	return 0;
}

int64_t
proc_wait4(struct proc *p, uint64_t w[6])
{
	int64_t pid = (int64_t)w[1];
	int options = (int)w[2], any = 0;

	if (options & ~(LX_WNOHANG | LX_WUNTRACED | LX_WCONTINUED | LX_WALL |
			   LX_WCLONE | LX_WNOTHREAD))
		return -LX_EINVAL;
	proc_reap_dead();
	if (p->state != P_LIVE)
		return -LX_ESRCH;
	for (int i = 0; i < NPROC; i++) {
		struct proc *c = &procs[i];
		if (c->state == P_FREE || c->ppid != p->pid)
			continue;
		if (pid > 0 ? c->pid != pid
			    : pid == 0 ? c->pgid != p->pgid
				       : pid < -1 && c->pgid != -pid)
			continue;
		any = 1;
		if (c->state == P_LIVE && c->report == P_REPORT_STOP &&
		    (options & LX_WUNTRACED)) {
			c->report = 0;
			w[1] = (uint64_t)(uint32_t)(c->stopped << 8 | 0x7f);
			return c->pid;
		}
		if (c->state == P_LIVE && c->report == P_REPORT_CONT &&
		    (options & LX_WCONTINUED)) {
			c->report = 0;
			w[1] = 0xffff;
			return c->pid;
		}
		if (c->state != P_ZOMBIE)
			continue;
		w[1] = (uint64_t)(uint32_t)c->status;
		int32_t done = c->pid;
		proc_free(c);
		return done;
	}
	if (!any)
		return -LX_ECHILD;
	if (options & LX_WNOHANG)
		return 0;
	w[4] = 0;
	return SYSD_BLOCK;
}

static int64_t
proc_setpgid(struct proc *p, int64_t pid, int64_t pgid)
{
	struct proc *t = pid == 0 ? p : proc_by_pid((int32_t)pid);

	if (pgid < 0)
		return -LX_EINVAL;
	if (t == NULL || t->state != P_LIVE || (t != p && t->ppid != p->pid))
		return -LX_ESRCH;
	if (t->sid != p->sid || t->pid == t->sid)
		return -LX_EPERM;
	if (pgid == 0)
		pgid = t->pid;
	if (pgid != t->pid) {
		int ok = 0;
		for (int i = 0; i < NPROC; i++)
			if (procs[i].state != P_FREE && procs[i].pgid == pgid &&
			    procs[i].sid == p->sid)
				ok = 1;
		if (!ok)
			return -LX_EPERM;
	}
	t->pgid = (int32_t)pgid;
	return 0;
}

static int64_t
proc_setsid(struct proc *p)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state != P_FREE && procs[i].pgid == p->pid)
			return -LX_EPERM;
	p->sid = p->pgid = p->pid;
	return p->sid;
}

static int64_t
proc_rlimit(struct proc *p, uint64_t w[6])
{
	uint64_t *lim = (uint64_t *)p->win; /* new {cur, max} at 0, old at 16 */
	uint64_t res = w[1], cur, max;

	switch (res) {
	case LX_RLIMIT_NOFILE: cur = p->nofile, max = NOFILE_MAX; break;
	case LX_RLIMIT_NPROC: cur = max = p->nproc; break;
	case LX_RLIMIT_STACK: cur = 8UL << 20, max = LX_RLIM_INFINITY; break;
	default:
		if (res >= 16)
			return -LX_EINVAL;
		cur = max = LX_RLIM_INFINITY;
	}
	lim[2] = cur;
	lim[3] = max;
	if (w[2] == 0)
		return 0;
	uint64_t ncur = lim[0], nmax = lim[1];
	if (ncur > nmax)
		return -LX_EINVAL;
	if (res == LX_RLIMIT_NOFILE) {
		if (nmax > NOFILE_MAX)
			return -LX_EPERM;
		p->nofile = ncur;
	} else if (res == LX_RLIMIT_NPROC) {
		p->nproc = ncur;
	}
	return 0;
}

/* The process calls that are not about files. */
int64_t
proc_call(struct proc *p, uint64_t w[6])
{
	struct proc *t;

	switch (w[0]) {
	case SYSD_HELLO:
		w[1] = (uint64_t)p->ppid;
		w[2] = p->ignored;
		w[3] = p->exec_mask;
		return p->pid;
	case SYSD_GETPPID:
		return p->ppid;
	case SYSD_FORK:
		return proc_fork(p, w);
	case SYSD_FORK_ABORT:
		return proc_fork_abort(p, (int32_t)w[1]);
	case SYSD_EXEC:
		return proc_exec(p, w);
	case SYSD_EXEC_MORE:
		return proc_exec_more(p, w[1]);
	case SYSD_EXIT:
		proc_exit(p, (int32_t)w[1]);
		return 0;
	case SYSD_WAIT4:
		return proc_wait4(p, w);
	case SYSD_KILL:
		return proc_kill(p, (int64_t)w[1], (int)w[2]);
	case SYSD_GETPGID:
	case SYSD_GETSID:
		t = w[1] == 0 ? p : proc_by_pid((int32_t)w[1]);
		if (t == NULL || t->state != P_LIVE)
			return -LX_ESRCH;
		return w[0] == SYSD_GETPGID ? t->pgid : t->sid;
	case SYSD_SETPGID:
		return proc_setpgid(p, (int64_t)w[1], (int64_t)w[2]);
	case SYSD_SETSID:
		return proc_setsid(p);
	case SYSD_SIGDISP: {
		uint64_t sig = w[1], bit;
		if (sig < 1 || sig >= NSIG)
			return -LX_EINVAL;
		bit = 1UL << (sig - 1);
		p->ignored &= ~bit;
		p->handled &= ~bit;
		if (w[2] == SYSD_SIG_IGN)
			p->ignored |= bit;
		else if (w[2] == SYSD_SIG_HANDLE)
			p->handled |= bit;
		return 0;
	}
	case SYSD_PRLIMIT:
		return proc_rlimit(p, w);
	case SYSD_REBOOT:
		if (w[1] != 0x4321fedc && w[1] != 0xcdef0123 && w[1] != 0x01234567)
			return -LX_EINVAL; /* power off, halt, restart: all stop */
		shutdown_requested = 1;
		return 0;
	case SYSD_SIGINFO:
		if (w[1] < 1 || w[1] >= NSIG)
			return -LX_EINVAL;
		w[2] = (uint64_t)(int64_t)p->sinfo[w[1]].code;
		w[3] = (uint64_t)(int64_t)p->sinfo[w[1]].status;
		return p->sinfo[w[1]].pid;
	}
	return -LX_ENOSYS;
}
