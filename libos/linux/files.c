/*
 * The runtime's side of sysd (libos/sysd/proto.h): files, pipes, the
 * terminal and the process calls that need the shared process table.
 * Each call checks the program's pointers against its own page table
 * (EFAULT, never a fault inside the runtime), copies what sysd needs into
 * the window, transfers to sysd and copies the answer back.  A call sysd
 * says would wait yields and asks again; a signal that arrives meanwhile
 * ends it with EINTR (or restarts it, with SA_RESTART).
 */
#include "../exos.h"
#include "../internal.h"
#include "../sysd/lxsig.h"
#include "../sysd/proto.h"
#include "linux.h"

#define WIN ((uint8_t *)SYSD_WIN_VA)
#define EFAULT 14
#define EINTR 4
#define EINVAL 22
#define ENOSYS 38
#define ENAMETOOLONG 36
#define E2BIG 7
#define EBADF 9
#define AT_FDCWD (-100)

int linux_have_sysd;
int64_t linux_pid;
static exo_envid_t sysd_env;

/* Is [va, va+len) the program's memory, writable if write?  (A page
 * shared copy-on-write that the program may write is copied now.) */
int
linux_uok(uint64_t va, uint64_t len, int write)
{
	if (len == 0)
		return 1;
	if (va >= EXO_ULIM || len > EXO_ULIM - va)
		return 0;
	for (uint64_t pg = va & ~(EXO_PGSIZE - 1); pg < va + len; pg += EXO_PGSIZE) {
		uint64_t pte = exos_pte(pg);
		if (!(pte & EXO_PTE_P) && vmr_fault(pg) == 0)
			pte = exos_pte(pg); /* demand-zero: filled now */
		if ((pte & (EXO_PTE_P | EXO_PTE_U)) != (EXO_PTE_P | EXO_PTE_U))
			return 0;
		if (write && !(pte & EXO_PTE_W) && linux_cow_fault(pg, 2) < 0)
			return 0;
	}
	return 1;
}

/* Copies the program's string s into the window at off; its length + 1. */
static int64_t
put_str(const char *s, uint64_t off, uint64_t max)
{
	uint64_t i = 0;

	if (s == NULL)
		return -EFAULT;
	for (;; i++) {
		uint64_t va = (uint64_t)s + i;
		if ((i == 0 || (va & (EXO_PGSIZE - 1)) == 0) && !linux_uok(va, 1, 0))
			return -EFAULT;
		if (i >= max || off + i >= SYSD_WIN_SIZE)
			return -ENAMETOOLONG;
		WIN[off + i] = (uint8_t)s[i];
		if (s[i] == 0)
			return (int64_t)i + 1;
	}
}

/*
 * One request; the reply replaces w.  Signals it reports become pending.
 * While sysd is in another call (preempted) or busy with its own work,
 * yield to it and ask again.
 */
static int64_t
call(uint64_t w[6])
{
	uint64_t req[6];
	int64_t r;

	memcpy(req, w, sizeof(req));
	for (;;) {
		r = exos_pct_call(SYSD_SLOT, w);
		if (r == 0 && (int64_t)w[0] != SYSD_BUSY)
			break;
		if (r < 0 && r != EXO_EBUSY) {
			/* sysd is gone: nobody can serve us any more. */
			exo_env_exit(128 + LX_SIGKILL);
		}
		memcpy(w, req, sizeof(req));
		linux_yield(sysd_env);
	}
	linux_pending |= w[5];
	if (linux_pending & (1UL << (LX_SIGSTOP - 1))) {
		/* sysd stopped us while we were calling it: stop here, until
		 * it lets us run again (SIGCONT). */
		linux_pending &= ~(1UL << (LX_SIGSTOP - 1));
		exo_env_stop(EXO_SLOT_SELF, 1);
	}
	return (int64_t)w[0];
}

int64_t
linux_sysd_call(uint64_t w[6])
{
	return call(w);
}

int64_t
linux_sysd(uint64_t op, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	uint64_t w[6] = { op, a, b, c, d, 0 };

	return call(w);
}

/*
 * A request that may have to wait: repeated until sysd answers or a
 * signal the program handles arrives (-EINTR).  The first time it would
 * wait, yield to whom sysd names (the other end of a pipe, likely to
 * change things at once); after that, sleep until sysd's event word moves.
 * out gets the reply's words.
 */
static int64_t
call_wait(const uint64_t req[6], uint64_t out[6])
{
	for (int tries = 0;; tries++) {
		uint64_t seen = linux_events();
		memcpy(out, req, 6 * sizeof(uint64_t));
		int64_t r = call(out);
		if (r != SYSD_BLOCK)
			return r;
		if (linux_signal_deliverable())
			return -EINTR;
		if (tries == 0 && out[4])
			linux_yield((exo_envid_t)out[4]);
		else
			linux_wait(seen, 0);
	}
}

int
linux_sysd_init(void)
{
	struct exo_capinfo ci;

	if (exo_cap_info(SYSD_SLOT, &ci) < 0 || ci.type != EXO_CAP_ENV)
		return 0; /* started without sysd: the console only */
	sysd_env = (exo_envid_t)ci.name;
	linux_have_sysd = 1;
	uint64_t w[6] = { SYSD_HELLO, 0, 0, 0, 0, 0 };
	linux_pid = call(w);
	linux_signals_inherit(w[2], w[3]);
	return 0;
}

/* --- reading and writing --- */

static int64_t
rw(uint64_t op, int64_t fd, uint8_t *buf, uint64_t n, int64_t off)
{
	int rd = op == SYSD_READ || op == SYSD_PREAD;
	uint64_t done = 0, w[6];

	if (!linux_uok((uint64_t)buf, n, rd))
		return -EFAULT;
	do {
		uint64_t k = n - done > SYSD_WIN_SIZE ? SYSD_WIN_SIZE : n - done;
		uint64_t req[6] = { op, (uint64_t)fd, k,
			(uint64_t)(off >= 0 ? off + (int64_t)done : 0), 0, 0 };
		int64_t r;
		if (!rd)
			memcpy(WIN, buf + done, k);
		if (done == 0 || !rd) {
			r = call_wait(req, w);
		} else {
			/* More of a file that filled the window: never wait. */
			memcpy(w, req, sizeof(req));
			r = call(w);
			if (r == SYSD_BLOCK)
				break;
		}
		if (r < 0)
			return done ? (int64_t)done : r;
		if (rd)
			memcpy(buf + done, WIN, (uint64_t)r);
		done += (uint64_t)r;
		if ((uint64_t)r < k && rd)
			break;
		if (r == 0)
			break;
	} while (done < n);
	return (int64_t)done;
}

int64_t
linux_read(int64_t fd, void *buf, uint64_t n)
{
	return rw(SYSD_READ, fd, buf, n, -1);
}

int64_t
linux_write(int64_t fd, const void *buf, uint64_t n)
{
	return rw(SYSD_WRITE, fd, (uint8_t *)buf, n, -1);
}

int64_t
linux_pread(int64_t fd, void *buf, uint64_t n, int64_t off, int write)
{
	if (off < 0)
		return -EINVAL;
	return rw(write ? SYSD_PWRITE : SYSD_PREAD, fd, buf, n, off);
}

struct iovec {
	uint8_t *base;
	uint64_t len;
};

int64_t
linux_rwv(int64_t fd, const struct iovec *iov, int64_t n, int write)
{
	int64_t total = 0;

	if (n < 0 || n > 1024)
		return -EINVAL;
	if (!linux_uok((uint64_t)iov, (uint64_t)n * sizeof(*iov), 0))
		return -EFAULT;
	for (int64_t i = 0; i < n; i++) {
		if (iov[i].len == 0)
			continue;
		int64_t r = rw(write ? SYSD_WRITE : SYSD_READ, fd, iov[i].base,
		    iov[i].len, -1);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((uint64_t)r < iov[i].len)
			break;
	}
	if (total == 0 && n > 0) {
		/* Nothing to move: still say whether fd is good. */
		return rw(write ? SYSD_WRITE : SYSD_READ, fd, WIN, 0, -1);
	}
	return total;
}

/* --- paths --- */

/* A call whose window holds one path (and w[1..3] as given). */
int64_t
linux_path_call(uint64_t op, const char *path, uint64_t a, uint64_t b, uint64_t c)
{
	int64_t n = put_str(path, 0, 4096);

	if (n < 0)
		return n;
	return linux_sysd(op, a, b, c, 0);
}

int64_t
linux_two_path_call(uint64_t op, const char *p1, const char *p2, uint64_t a,
    uint64_t b, uint64_t c)
{
	int64_t n = put_str(p1, 0, 4096), m;

	if (n < 0)
		return n;
	if ((m = put_str(p2, (uint64_t)n, 4096)) < 0)
		return m;
	return linux_sysd(op, a, b, c, 0);
}

/* open may wait: a named pipe's other end (the path stays in the window). */
int64_t
linux_openat(int64_t dirfd, const char *path, uint64_t flags, uint64_t mode)
{
	uint64_t req[6] = { SYSD_OPENAT, (uint64_t)dirfd, flags, mode, 0, 0 }, w[6];
	int64_t n = put_str(path, 0, 4096);

	if (n < 0)
		return n;
	return call_wait(req, w);
}

#define STAT_SIZE sizeof(struct lx_stat)

int64_t
linux_fstatat(int64_t dirfd, const char *path, void *st, uint64_t flags)
{
	int64_t r;

	if (!linux_uok((uint64_t)st, STAT_SIZE, 1))
		return -EFAULT;
	if ((r = linux_path_call(SYSD_FSTATAT, path, (uint64_t)dirfd, flags, 0)) == 0)
		memcpy(st, WIN, STAT_SIZE);
	return r;
}

struct lx_statx_ts {
	int64_t sec;
	uint32_t nsec;
	int32_t pad;
};

struct lx_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, pad1;
	uint64_t ino, size, blocks, attributes_mask;
	struct lx_statx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[14];
};

/* statx: newfstatat's answer in statx's shape (the basic fields). */
int64_t
linux_statx(int64_t dirfd, const char *path, uint64_t flags, uint64_t mask,
    struct lx_statx *out)
{
	struct lx_stat st;
	int64_t r;

	(void)mask;
	if (!linux_uok((uint64_t)out, sizeof(*out), 1))
		return -EFAULT;
	if ((r = linux_fstatat(dirfd, path, &st, flags & 0x1100)) < 0)
		return r;
	memset(out, 0, sizeof(*out));
	out->mask = 0x7ff; /* STATX_BASIC_STATS */
	out->blksize = (uint32_t)st.blksize;
	out->nlink = (uint32_t)st.nlink;
	out->mode = (uint16_t)st.mode;
	out->ino = st.ino;
	out->size = (uint64_t)st.size;
	out->blocks = (uint64_t)st.blocks;
	out->atime = (struct lx_statx_ts){ (int64_t)st.atime, (uint32_t)st.atime_ns, 0 };
	out->mtime = (struct lx_statx_ts){ (int64_t)st.mtime, (uint32_t)st.mtime_ns, 0 };
	out->ctime = (struct lx_statx_ts){ (int64_t)st.ctime, (uint32_t)st.ctime_ns, 0 };
	out->rdev_major = (uint32_t)(st.rdev >> 8) & 0xfff;
	out->rdev_minor = (uint32_t)(st.rdev & 0xff);
	out->dev_minor = (uint32_t)st.dev;
	return 0;
}

/* utimensat: times (or now) for a path, or for dirfd with a NULL path. */
int64_t
linux_utimensat(int64_t dirfd, const char *path, const int64_t *ts,
    uint64_t flags)
{
	int64_t t[4] = { 0, 0x3fffffff, 0, 0x3fffffff }; /* UTIME_NOW */

	if (ts) {
		if (!linux_uok((uint64_t)ts, 32, 0))
			return -EFAULT;
		memcpy(t, ts, sizeof(t));
	}
	if (path == NULL) {
		WIN[0] = 0;
		flags |= 0x1000; /* AT_EMPTY_PATH */
	} else {
		int64_t n = put_str(path, 0, 4096);
		if (n < 0)
			return n;
	}
	memcpy(WIN + 4096, t, sizeof(t));
	return linux_sysd(SYSD_UTIMENSAT, (uint64_t)dirfd, flags, 0, 0);
}

int64_t
linux_fstat(int64_t fd, void *st)
{
	WIN[0] = 0;
	if (!linux_uok((uint64_t)st, STAT_SIZE, 1))
		return -EFAULT;
	int64_t r = linux_sysd(SYSD_FSTATAT, (uint64_t)fd, 0x1000, 0, 0);
	if (r == 0)
		memcpy(st, WIN, STAT_SIZE);
	return r;
}

int64_t
linux_getdents(int64_t fd, void *buf, uint64_t n)
{
	int64_t r;

	if (!linux_uok((uint64_t)buf, n, 1))
		return -EFAULT;
	r = linux_sysd(SYSD_GETDENTS, (uint64_t)fd, n > SYSD_WIN_SIZE ? SYSD_WIN_SIZE : n, 0, 0);
	if (r > 0)
		memcpy(buf, WIN, (uint64_t)r);
	return r;
}

int64_t
linux_readlinkat(int64_t dirfd, const char *path, char *buf, int64_t n)
{
	int64_t r;

	if (n <= 0)
		return -EINVAL;
	if (!linux_uok((uint64_t)buf, (uint64_t)n, 1))
		return -EFAULT;
	if ((r = linux_path_call(SYSD_READLINKAT, path, (uint64_t)dirfd, (uint64_t)n, 0)) > 0)
		memcpy(buf, WIN, (uint64_t)r);
	return r;
}

int64_t
linux_getcwd(char *buf, uint64_t n)
{
	int64_t r;

	if (!linux_uok((uint64_t)buf, n, 1))
		return -EFAULT;
	if ((r = linux_sysd(SYSD_GETCWD, n, 0, 0, 0)) > 0)
		memcpy(buf, WIN, (uint64_t)r);
	return r;
}

int64_t
linux_pipe2(int *fds, uint64_t flags)
{
	uint64_t w[6] = { SYSD_PIPE2, flags, 0, 0, 0, 0 };
	int64_t r;

	if (!linux_uok((uint64_t)fds, 8, 1))
		return -EFAULT;
	if ((r = call(w)) < 0)
		return r;
	fds[0] = (int)r;
	fds[1] = (int)w[1];
	return 0;
}

/* ioctl: the argument's size by request. */
int64_t
linux_ioctl(int64_t fd, uint64_t req, void *arg)
{
	uint64_t size;
	int in = 0;

	switch (req) {
	case LX_TCGETS: size = sizeof(struct lx_termios); break;
	case LX_TCSETS:
	case LX_TCSETSW:
	case LX_TCSETSF: size = sizeof(struct lx_termios); in = 1; break;
	case LX_TIOCGPGRP: size = 4; break;
	case LX_TIOCSPGRP: size = 4; in = 1; break;
	case LX_TIOCGWINSZ: size = 8; break;
	case LX_TIOCSWINSZ: size = 8; in = 1; break;
	case LX_FIONREAD: size = 4; break;
	case LX_FIONBIO: size = 4; in = 1; break;
	default:
		if (linux_sysd(SYSD_FCNTL, (uint64_t)fd, LX_F_GETFD, 0, 0) < 0)
			return -EBADF;
		return -25; /* ENOTTY */
	}
	if (!linux_uok((uint64_t)arg, size, !in))
		return -EFAULT;
	if (in)
		memcpy(WIN, arg, size);
	int64_t r = linux_sysd(SYSD_IOCTL, (uint64_t)fd, req, 0, 0);
	if (r == 0 && !in)
		memcpy(arg, WIN, size);
	return r;
}

struct pollfd {
	int32_t fd;
	int16_t events, revents;
};

/* poll: asks sysd, and if nothing is ready, sleeps and asks again. */
int64_t
linux_poll(struct pollfd *fds, uint64_t n, int64_t timeout_ms)
{
	uint64_t deadline = timeout_ms > 0 ? time_ns() + (uint64_t)timeout_ms * 1000000 : 0;
	uint64_t dl_tsc = timeout_ms > 0 ? tsc_after_ns((uint64_t)timeout_ms * 1000000) : 0;

	if (n > SYSD_WIN_SIZE / sizeof(*fds))
		return -EINVAL;
	if (!linux_uok((uint64_t)fds, n * sizeof(*fds), 1))
		return -EFAULT;
	for (;;) {
		uint64_t seen = linux_events();
		memcpy(WIN, fds, n * sizeof(*fds));
		uint64_t w[6] = { SYSD_POLL, n, 0, 0, 0, 0 };
		int64_t r = call(w);
		if (r != 0 || timeout_ms == 0 ||
		    (timeout_ms > 0 && time_ns() >= deadline)) {
			if (r >= 0)
				memcpy(fds, WIN, n * sizeof(*fds));
			return r;
		}
		if (linux_signal_deliverable())
			return -EINTR;
		linux_wait(seen, dl_tsc);
	}
}

/* select, on top of poll: fd_sets in, fd_sets out. */
int64_t
linux_select(int64_t n, uint64_t *rd, uint64_t *wr, uint64_t *ex,
    int64_t timeout_ms)
{
	static struct pollfd pf[1024];
	uint64_t k = 0;

	if (n < 0 || n > 1024)
		return -EINVAL;
	uint64_t bytes = ((uint64_t)n + 63) / 64 * 8;
	if ((rd && !linux_uok((uint64_t)rd, bytes, 1)) ||
	    (wr && !linux_uok((uint64_t)wr, bytes, 1)) ||
	    (ex && !linux_uok((uint64_t)ex, bytes, 1)))
		return -EFAULT;
	for (int64_t fd = 0; fd < n; fd++) {
		uint64_t bit = 1UL << (fd % 64);
		int16_t ev = 0;
		if (rd && (rd[fd / 64] & bit))
			ev |= LX_POLLIN;
		if (wr && (wr[fd / 64] & bit))
			ev |= LX_POLLOUT;
		if (ex && (ex[fd / 64] & bit))
			ev |= LX_POLLPRI;
		if (ev)
			pf[k++] = (struct pollfd){ (int32_t)fd, ev, 0 };
	}
	int64_t r = linux_poll(pf, k, timeout_ms);
	if (r < 0)
		return r;
	for (uint64_t i = 0; i < bytes / 8; i++) {
		if (rd)
			rd[i] = 0;
		if (wr)
			wr[i] = 0;
		if (ex)
			ex[i] = 0;
	}
	int64_t count = 0;
	for (uint64_t i = 0; i < k; i++) {
		int fd = pf[i].fd;
		uint64_t bit = 1UL << (fd % 64);
		if (pf[i].revents & LX_POLLNVAL)
			return -EBADF;
		if (rd && (pf[i].events & LX_POLLIN) &&
		    (pf[i].revents & (LX_POLLIN | LX_POLLHUP | LX_POLLERR)))
			rd[fd / 64] |= bit, count++;
		if (wr && (pf[i].events & LX_POLLOUT) &&
		    (pf[i].revents & (LX_POLLOUT | LX_POLLERR)))
			wr[fd / 64] |= bit, count++;
		if (ex && (pf[i].events & LX_POLLPRI) && (pf[i].revents & LX_POLLPRI))
			ex[fd / 64] |= bit, count++;
	}
	return count;
}

/* --- processes --- */

/*
 * execve's "path\0argv...\0envp...\0" goes to sysd through the window,
 * in as many window-sized pieces as it takes (SYSD_EXEC_MORE each), up to
 * Linux's ARG_MAX; the last piece comes with SYSD_EXEC itself.
 */
struct xbuf {
	uint64_t off;  /* bytes in the window not yet sent */
	uint64_t total;
};

static int64_t
xput(struct xbuf *x, const char *s, uint64_t max)
{
	for (uint64_t i = 0;; i++) {
		uint64_t va = (uint64_t)s + i;
		if ((i == 0 || (va & (EXO_PGSIZE - 1)) == 0) && !linux_uok(va, 1, 0))
			return -EFAULT;
		if (i >= max || x->total >= (2UL << 20))
			return -E2BIG;
		if (x->off == SYSD_WIN_SIZE) {
			int64_t r = linux_sysd(SYSD_EXEC_MORE, x->off, 0, 0, 0);
			if (r < 0)
				return r;
			x->off = 0;
		}
		WIN[x->off++] = (uint8_t)s[i];
		x->total++;
		if (s[i] == 0)
			return 0;
	}
}

int64_t
linux_execve(const char *path, char *const *argv, char *const *envp,
    uint64_t blocked)
{
	struct xbuf x = { 0, 0 };
	uint64_t argc = 0, envc = 0;
	int64_t r;

	linux_sysd(SYSD_EXEC_MORE, 0, 0, 0, 0); /* a fresh start */
	if ((r = xput(&x, path, 4096)) < 0)
		return r == -E2BIG ? -ENAMETOOLONG : r;
	for (int pass = 0; pass < 2; pass++) {
		char *const *v = pass ? envp : argv;
		uint64_t *count = pass ? &envc : &argc;
		for (uint64_t i = 0; v; i++) {
			if (!linux_uok((uint64_t)&v[i], 8, 0))
				return -EFAULT;
			if (v[i] == NULL)
				break;
			if ((r = xput(&x, v[i], 128 * 1024)) < 0) /* MAX_ARG_STRLEN */
				return r;
			(*count)++;
		}
	}
	return linux_sysd(SYSD_EXEC, argc, envc, blocked, x.off);
}

int64_t
linux_wait4(int64_t pid, int *status, int options, void *rusage)
{
	uint64_t req[6] = { SYSD_WAIT4, (uint64_t)pid, (uint64_t)options, 0, 0, 0 };
	uint64_t w[6];

	if ((status && !linux_uok((uint64_t)status, 4, 1)) ||
	    (rusage && !linux_uok((uint64_t)rusage, 144, 1)))
		return -EFAULT;
	int64_t r = call_wait(req, w);
	if (r > 0) {
		if (status)
			*status = (int)w[1];
		if (rusage)
			memset(rusage, 0, 144);
	}
	return r;
}

int64_t
linux_prlimit(int64_t pid, uint64_t res, const uint64_t *nw, uint64_t *old)
{
	uint64_t *lim = (uint64_t *)WIN;

	if (pid != 0 && pid != linux_pid)
		return -3; /* ESRCH: only our own */
	if ((nw && !linux_uok((uint64_t)nw, 16, 0)) ||
	    (old && !linux_uok((uint64_t)old, 16, 1)))
		return -EFAULT;
	if (nw)
		lim[0] = nw[0], lim[1] = nw[1];
	int64_t r = linux_sysd(SYSD_PRLIMIT, res, nw != NULL, 0, 0);
	if (r == 0 && old)
		old[0] = lim[2], old[1] = lim[3];
	return r;
}

/* exit: sysd ends us (and our environment) and tells the parent. */
void
linux_exit(int32_t wstatus)
{
	if (linux_have_sysd)
		linux_sysd(SYSD_EXIT, (uint64_t)(uint32_t)wstatus, 0, 0, 0);
	exo_env_exit(wstatus & 0x7f ? 128 + (wstatus & 0x7f) : (wstatus >> 8) & 0xff);
	__builtin_unreachable();
}
