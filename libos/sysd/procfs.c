/*
 * /proc, as much of it as ps, top, free, uptime and pidof read: a
 * directory per process (stat, status, cmdline, comm, exe, and fd with a
 * symbolic link per open file: opening one goes to fscalls.c's fd_path,
 * not through the link), self, meminfo,
 * stat, uptime, loadavg, mounts, version.  They are ordinary files and
 * directories of the in-memory tree, brought up to date by procfs_refresh
 * just before any call that looks under /proc (so getdents, stat, open and
 * read need nothing special).  Directories of processes that are gone are
 * removed, new ones added, the rest rewritten in place; /proc/self is made
 * to name the caller each time (sysd serves one call at a time).
 */
#include "sysd.h"

#define BUF 1024

static struct fs_inode *proc_dir;

/* Writes path (under /proc) with s, creating it if need be. */
static void
put(const char *path, const char *s, uint64_t n)
{
	struct fs_inode *ino;

	if (fs_open(&fs, fs.root, path, LX_O_CREAT | LX_O_WRONLY, 0444, 0, &ino) < 0)
		return;
	fs_truncate(&fs, ino, 0);
	fs_write(&fs, ino, 0, s, n);
	fs_iput(&fs, ino);
}

static void
put_str(const char *path, const char *s)
{
	put(path, s, strlen(s));
}

/*
 * Names of the entries of a directory, a batch at a time; with gone set,
 * only those of /proc's process directories whose process is gone.
 */
struct names {
	char name[64][16];
	int n;
	int gone;
};

static int
pid_gone(const char *name, size_t len)
{
	int32_t pid = 0;

	if (name[0] < '1' || name[0] > '9')
		return 0;
	for (size_t i = 0; i < len; i++)
		pid = pid * 10 + (name[i] - '0');
	struct proc *p = proc_by_pid(pid);
	return p == NULL || p->state == P_FREE;
}

static int
collect_name(void *arg, uint64_t ino, uint64_t next, unsigned type,
    const char *name, size_t len)
{
	struct names *nm = arg;
	(void)ino, (void)next, (void)type;

	if (len == 0 || len >= 16 || name[0] == '.' || (nm->gone && !pid_gone(name, len)))
		return 0;
	if (nm->n == 64)
		return 1; /* the rest next time */
	memcpy(nm->name[nm->n], name, len);
	nm->name[nm->n][len] = 0;
	nm->n++;
	return 0;
}

/* Removes every entry of the directory at path (files and links only). */
static void
clear_dir(const char *path)
{
	struct fs_inode *dir;
	struct names nm = { .gone = 0 };
	char sub[96];

	if (fs_lookup(&fs, fs.root, path, 0, &dir) < 0)
		return;
	do {
		uint64_t cookie = 0;
		nm.n = 0;
		fs_readdir(dir, &cookie, collect_name, &nm);
		for (int i = 0; i < nm.n; i++) {
			snprintf(sub, sizeof(sub), "%s/%s", path, nm.name[i]);
			fs_unlink(&fs, fs.root, sub);
		}
	} while (nm.n == 64);
	fs_iput(&fs, dir);
}

/* What /proc/PID/fd/N shows for an open file, as Linux words it. */
static void
fd_name(const struct file *f, char *buf, size_t n)
{
	static const char *const dev[] = {
		[F_NULL] = "/dev/null", [F_ZERO] = "/dev/zero",
		[F_TTY] = "/dev/console", [F_FULL] = "/dev/full",
		[F_RANDOM] = "/dev/urandom",
	};
	struct fs_stat st;

	if (f->pipe) {
		snprintf(buf, n, "pipe:[%lu]", (uint64_t)f->pipe >> 4);
	} else if (f->kind != F_INODE && f->kind < (int)(sizeof(dev) / sizeof(dev[0])) &&
	    dev[f->kind]) {
		snprintf(buf, n, "%s", dev[f->kind]);
	} else {
		fs_stat(f->ino, &st);
		if ((st.mode & LX_S_IFMT) != LX_S_IFDIR ||
		    fs_getcwd(&fs, f->ino, buf, n) < 0)
			snprintf(buf, n, "file:[%lu]", st.ino); /* no path kept */
	}
}

/*
 * /proc/PID/fd: a link per open descriptor.  Links that have not changed
 * stay as they are (a listing under way must not meet them again with a
 * new place in the directory); those of closed descriptors go.
 */
static void
write_fds(const struct proc *p)
{
	char path[64], sub[96], link[256], was[256];
	struct fs_inode *dir;
	struct names nm = { .gone = 0 };
	uint64_t cookie = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", p->pid);
	fs_mkdir(&fs, fs.root, path, 0500, 0); /* EEXIST is fine */
	if (fs_lookup(&fs, fs.root, path, 0, &dir) < 0)
		return;
	do {
		nm.n = 0;
		fs_readdir(dir, &cookie, collect_name, &nm);
		for (int i = 0; i < nm.n; i++) {
			int fd = 0;
			for (const char *c = nm.name[i]; *c >= '0' && *c <= '9'; c++)
				fd = fd * 10 + (*c - '0');
			if (fd < p->nfd && p->fd[fd])
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, nm.name[i]);
			fs_unlink(&fs, fs.root, sub);
		}
	} while (nm.n == 64);
	fs_iput(&fs, dir);
	for (int i = 0; i < p->nfd; i++) {
		if (p->fd[i] == NULL)
			continue;
		fd_name(p->fd[i], link, sizeof(link));
		snprintf(sub, sizeof(sub), "%s/%d", path, i);
		int64_t k = fs_readlink(&fs, fs.root, sub, was, sizeof(was) - 1);
		if (k >= 0 && (size_t)k == strlen(link) && memcmp(was, link, (size_t)k) == 0)
			continue;
		fs_unlink(&fs, fs.root, sub);
		fs_symlink(&fs, link, fs.root, sub);
	}
}

static char
state_of(const struct proc *p)
{
	return p->state == P_ZOMBIE ? 'Z' : p->stopped ? 'T' : 'R';
}

static void
write_proc(const struct proc *p)
{
	char path[64], buf[BUF];
	int n;

	snprintf(path, sizeof(path), "/proc/%d", p->pid);
	fs_mkdir(&fs, fs.root, path, 0555, 0); /* EEXIST is fine */
	snprintf(path, sizeof(path), "/proc/%d/stat", p->pid);
	n = snprintf(buf, sizeof(buf),
	    "%d (%s) %c %d %d %d 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 0 0 0 "
	    "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n",
	    p->pid, p->comm, state_of(p), p->ppid, p->pgid, p->sid);
	put(path, buf, (uint64_t)n);
	snprintf(path, sizeof(path), "/proc/%d/status", p->pid);
	n = snprintf(buf, sizeof(buf),
	    "Name:\t%s\nState:\t%c (%s)\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n"
	    "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nThreads:\t1\n"
	    "SigPnd:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n",
	    p->comm, state_of(p), p->state == P_ZOMBIE ? "zombie"
	    : p->stopped ? "stopped" : "running",
	    p->pid, p->pid, p->ppid, p->pending, p->ignored, p->handled);
	put(path, buf, (uint64_t)n);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", p->pid);
	put(path, p->cmdline ? p->cmdline : "", p->cmdlen);
	snprintf(path, sizeof(path), "/proc/%d/comm", p->pid);
	n = snprintf(buf, sizeof(buf), "%s\n", p->comm);
	put(path, buf, (uint64_t)n);
	snprintf(path, sizeof(path), "/proc/%d/exe", p->pid);
	char was[4096];
	int64_t k = fs_readlink(&fs, fs.root, path, was, sizeof(was) - 1);
	if (p->exe && (k < 0 || (size_t)k != strlen(p->exe) ||
	    memcmp(was, p->exe, (size_t)k) != 0)) {
		fs_unlink(&fs, fs.root, path);
		fs_symlink(&fs, p->exe, fs.root, path);
	}
	write_fds(p); /* a zombie's is empty */
}

static void
remove_stale(void)
{
	static const char *files[] = { "stat", "status", "cmdline", "comm", "exe" };
	struct names st = { .gone = 1 };
	char path[64];

	do {
		uint64_t cookie = 0;
		st.n = 0;
		fs_readdir(proc_dir, &cookie, collect_name, &st);
		for (int i = 0; i < st.n; i++) {
			for (int k = 0; k < 5; k++) {
				snprintf(path, sizeof(path), "/proc/%s/%s", st.name[i], files[k]);
				fs_unlink(&fs, fs.root, path);
			}
			snprintf(path, sizeof(path), "/proc/%s/fd", st.name[i]);
			clear_dir(path);
			fs_rmdir(&fs, fs.root, path);
			snprintf(path, sizeof(path), "/proc/%s", st.name[i]);
			fs_rmdir(&fs, fs.root, path);
		}
	} while (st.n == 64);
}

void
procfs_refresh(struct proc *caller)
{
	char buf[BUF], self[16];
	int n;

	if (proc_dir == NULL) {
		fs_mkdir(&fs, fs.root, "/proc", 0555, 0);
		if (fs_lookup(&fs, fs.root, "/proc", 1, &proc_dir) < 0) {
			proc_dir = NULL;
			return;
		}
		put_str("/proc/mounts", "rootfs / tmpfs rw 0 0\n");
		put_str("/proc/version", "ExOS version 0.1 (exokernel, x86_64)\n");
	}
	remove_stale();
	int live = 0;
	for (int i = 0; i < NPROC; i++) {
		if (procs[i].state == P_FREE)
			continue;
		write_proc(&procs[i]);
		live++;
	}
	/* A new name only when it changes: a directory being listed would
	 * otherwise grow a fresh "self" at its end at every look. */
	char was[16];
	int64_t k = fs_readlink(&fs, fs.root, "/proc/self", was, sizeof(was) - 1);
	snprintf(self, sizeof(self), "%d", caller->pid);
	if (k < 0 || (size_t)k != strlen(self) || memcmp(was, self, (size_t)k) != 0) {
		fs_unlink(&fs, fs.root, "/proc/self");
		fs_symlink(&fs, self, fs.root, "/proc/self");
	}
	uint64_t ns = time_ns(), total = EXO_INFO->npages * 4, freek = EXO_INFO->free_pages * 4;
	n = snprintf(buf, sizeof(buf), "%lu.%02lu 0.00\n", ns / 1000000000UL,
	    ns / 10000000UL % 100);
	put("/proc/uptime", buf, (uint64_t)n);
	n = snprintf(buf, sizeof(buf), "0.00 0.00 0.00 1/%d %d\n", live, caller->pid);
	put("/proc/loadavg", buf, (uint64_t)n);
	n = snprintf(buf, sizeof(buf),
	    "MemTotal:       %8lu kB\nMemFree:        %8lu kB\n"
	    "MemAvailable:   %8lu kB\nBuffers:               0 kB\n"
	    "Cached:                0 kB\nSwapTotal:             0 kB\n"
	    "SwapFree:              0 kB\n", total, freek, freek);
	put("/proc/meminfo", buf, (uint64_t)n);
	/* No per-process accounting yet: all time is idle. */
	uint64_t ticks = ns / 10000000UL;
	n = snprintf(buf, sizeof(buf),
	    "cpu  0 0 0 %lu 0 0 0 0 0 0\ncpu0 0 0 0 %lu 0 0 0 0 0 0\n"
	    "btime %lu\nprocesses %d\nprocs_running 1\nprocs_blocked 0\n",
	    ticks, ticks, EXO_INFO->boot_epoch, live);
	put("/proc/stat", buf, (uint64_t)n);
}

/* Does a call on path (relative to dir) look under /proc? */
int
procfs_wanted(struct fs_inode *dir, const char *path)
{
	char cwd[64];

	if (path[0] == '/')
		return strncmp(path, "/proc", 5) == 0 && (path[5] == 0 || path[5] == '/');
	if (dir == fs.root)
		return strncmp(path, "proc", 4) == 0 && (path[4] == 0 || path[4] == '/');
	if (proc_dir == NULL || fs_getcwd(&fs, dir, cwd, sizeof(cwd)) < 0)
		return 0;
	return strncmp(cwd, "/proc", 5) == 0 && (cwd[5] == 0 || cwd[5] == '/');
}
