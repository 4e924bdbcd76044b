/*
 * The file-system calls, on fs.c's tree: paths come from the caller's
 * window (copied out once, NUL-checked), relative ones resolved from the
 * caller's working directory or a directory descriptor.  The tree is
 * populated at start: the boot image's programs in /bin and its files
 * named with a slash (etc/motd) at that path, their contents borrowed from
 * the image until written; busybox's applets as links to /bin/busybox
 * (etc/busybox.links says where each goes); the devices in /dev, /tmp.
 */
#include "../internal.h"
#include "sysd.h"

#define DEV_NULL ((1u << 8) | 3)
#define DEV_ZERO ((1u << 8) | 5)
#define DEV_FULL ((1u << 8) | 7)
#define DEV_RANDOM ((1u << 8) | 8)
#define DEV_URANDOM ((1u << 8) | 9)
#define DEV_TTY ((5u << 8) | 0)
#define DEV_CONSOLE ((5u << 8) | 1)

struct fs fs;
static char path1[4097], path2[4097];

/* Copies the NUL-terminated string at window offset off into buf. */
static int
win_path(struct proc *p, uint64_t off, char *buf)
{
	const char *s = (const char *)p->win + off;
	uint64_t max = SYSD_WIN_SIZE - off;

	for (uint64_t i = 0; i < max && i < 4096; i++) {
		buf[i] = s[i];
		if (s[i] == 0)
			return (int)i + 1;
	}
	return -LX_ENAMETOOLONG;
}

struct fs_inode *
fs_dir_of(struct proc *p, int64_t dirfd, int *err)
{
	struct file *f;
	struct fs_stat st;

	if (dirfd == LX_AT_FDCWD)
		return p->cwd;
	if ((f = fd_get(p, dirfd)) == NULL) {
		*err = -LX_EBADF;
		return NULL;
	}
	if (f->kind != F_INODE) {
		*err = -LX_ENOTDIR;
		return NULL;
	}
	fs_stat(f->ino, &st);
	if ((st.mode & LX_S_IFMT) != LX_S_IFDIR) {
		*err = -LX_ENOTDIR;
		return NULL;
	}
	return f->ino;
}

/*
 * The directory a path is relative to (absolute paths need none); and
 * if the path leads under /proc, /proc brought up to date first.
 */
static struct fs_inode *
base_of(struct proc *p, int64_t dirfd, const char *path, int *err)
{
	struct fs_inode *dir = path[0] == '/' ? fs.root : fs_dir_of(p, dirfd, err);

	if (dir && procfs_wanted(dir, path))
		procfs_refresh(p);
	return dir;
}

static void
stat_out(struct proc *p, const struct fs_stat *st)
{
	struct lx_stat *o = (struct lx_stat *)p->win;

	memset(o, 0, sizeof(*o));
	o->dev = 1;
	o->ino = st->ino;
	o->nlink = st->nlink;
	o->mode = st->mode;
	o->rdev = st->rdev;
	o->size = (int64_t)st->size;
	o->blksize = 4096;
	o->blocks = (int64_t)st->blocks;
	o->atime = (uint64_t)st->atime / 1000000000UL;
	o->atime_ns = (uint64_t)st->atime % 1000000000UL;
	o->mtime = (uint64_t)st->mtime / 1000000000UL;
	o->mtime_ns = (uint64_t)st->mtime % 1000000000UL;
	o->ctime = (uint64_t)st->ctime / 1000000000UL;
	o->ctime_ns = (uint64_t)st->ctime % 1000000000UL;
}

static int64_t
stat_file(struct proc *p, struct file *f)
{
	struct fs_stat st;

	if (f->ino) {
		fs_stat(f->ino, &st);
	} else {
		memset(&st, 0, sizeof(st));
		st.ino = (uint64_t)f->pipe >> 4;
		st.nlink = 1;
		st.mode = f->kind == F_TTY ? LX_S_IFCHR | 0620 : LX_S_IFIFO | 0600;
		st.rdev = f->kind == F_TTY ? DEV_CONSOLE : 0;
	}
	stat_out(p, &st);
	return 0;
}

/*
 * The paths that name an open file of a process rather than a file of
 * the tree: /dev/stdin, /dev/stdout, /dev/stderr, /dev/fd/N,
 * /proc/self/fd/N and /proc/PID/fd/N.  In the tree they are symbolic
 * links (the last to a description such as "pipe:[N]" that names
 * nothing), so opening and stat look at the path itself first.  Returns
 * the file, NULL with *err = 0 for any other path, or NULL with an error.
 */
static struct file *
fd_path(struct proc *p, const char *path, int *err)
{
	static const char *const std[] = { "/dev/stdin", "/dev/stdout", "/dev/stderr" };
	struct proc *q = p;
	const char *s;
	int64_t fd = -1;

	*err = 0;
	for (int i = 0; i < 3; i++)
		if (strcmp(path, std[i]) == 0)
			fd = i;
	if (fd < 0) {
		if (strncmp(path, "/dev/fd/", 8) == 0) {
			s = path + 8;
		} else if (strncmp(path, "/proc/self/fd/", 14) == 0) {
			s = path + 14;
		} else if (strncmp(path, "/proc/", 6) == 0 && path[6] >= '0' && path[6] <= '9') {
			int64_t pid = 0;
			for (s = path + 6; *s >= '0' && *s <= '9' && pid < (1 << 22); s++)
				pid = pid * 10 + (*s - '0');
			if (strncmp(s, "/fd/", 4) != 0)
				return NULL;
			s += 4;
			if ((q = proc_by_pid((int32_t)pid)) == NULL || q->state != P_LIVE) {
				*err = -LX_ENOENT;
				return NULL;
			}
		} else {
			return NULL;
		}
		if (*s < '0' || *s > '9')
			return NULL;
		for (fd = 0; *s >= '0' && *s <= '9' && fd < NOFILE_MAX; s++)
			fd = fd * 10 + (*s - '0');
		if (*s != 0)
			return NULL;
	}
	struct file *f = fd_get(q, fd);
	if (f == NULL)
		*err = -LX_ENOENT;
	return f;
}

/*
 * Opens what an open file f names, as Linux does for /proc/PID/fd/N: a
 * file or device afresh (its own offset; O_TRUNC truncates), a pipe at the
 * end the access mode asks for.
 */
static int64_t
fd_reopen(struct proc *p, struct file *f, uint64_t flags)
{
	uint32_t acc = (uint32_t)flags & LX_O_ACCMODE;
	int kind = f->kind;

	if (f->pipe) {
		kind = acc == LX_O_RDONLY ? F_PIPE_R : acc == LX_O_WRONLY ? F_PIPE_W
		    : F_PIPE_RW;
	} else if (f->ino) {
		struct fs_stat st;
		fs_stat(f->ino, &st);
		if ((st.mode & LX_S_IFMT) == LX_S_IFDIR && acc != LX_O_RDONLY)
			return -LX_EISDIR;
		if ((flags & LX_O_TRUNC) && acc != LX_O_RDONLY &&
		    (st.mode & LX_S_IFMT) == LX_S_IFREG)
			fs_truncate(&fs, f->ino, 0);
	}
	struct file *nf = file_new(kind, (uint32_t)(flags & ~(uint64_t)(LX_O_CREAT |
	    LX_O_EXCL | LX_O_NOCTTY | LX_O_TRUNC | LX_O_CLOEXEC)));
	if (nf == NULL)
		return -LX_ENFILE;
	if (f->ino) {
		fs_iget(f->ino);
		nf->ino = f->ino;
	}
	if (f->pipe) {
		nf->pipe = f->pipe;
		if (kind != F_PIPE_W)
			f->pipe->readers++;
		if (kind != F_PIPE_R)
			f->pipe->writers++;
		sysd_event();
	}
	int fd = fd_alloc(p, nf, 0, (flags & LX_O_CLOEXEC) != 0);
	if (fd < 0)
		file_put(nf);
	return fd;
}

static int64_t
do_fstatat(struct proc *p, int64_t dirfd, uint64_t flags)
{
	struct fs_inode *ino, *dir;
	struct fs_stat st;
	int err = 0;

	if (flags & ~(uint64_t)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH | 0x800))
		return -LX_EINVAL;
	if ((err = win_path(p, 0, path1)) < 0)
		return err;
	if (path1[0] == 0 && (flags & LX_AT_EMPTY_PATH)) {
		struct file *f;
		if (dirfd == LX_AT_FDCWD)
			ino = p->cwd;
		else if ((f = fd_get(p, dirfd)) == NULL)
			return -LX_EBADF;
		else
			return stat_file(p, f);
		fs_stat(ino, &st);
		stat_out(p, &st);
		return 0;
	}
	if (!(flags & LX_AT_SYMLINK_NOFOLLOW)) {
		struct file *f = fd_path(p, path1, &err);
		if (f)
			return stat_file(p, f);
		if (err)
			return err;
	}
	if ((dir = base_of(p, dirfd, path1, &err)) == NULL)
		return err;
	if ((err = fs_lookup(&fs, dir, path1,
		 !(flags & LX_AT_SYMLINK_NOFOLLOW), &ino)) < 0)
		return err;
	fs_stat(ino, &st);
	fs_iput(&fs, ino);
	stat_out(p, &st);
	return 0;
}

static int64_t
do_openat(struct proc *p, int64_t dirfd, uint64_t flags, uint64_t mode)
{
	struct fs_inode *dir, *ino;
	struct fs_stat st;
	int err = 0, kind = F_INODE;

	if ((err = win_path(p, 0, path1)) < 0)
		return err;
	if (!(flags & LX_O_NOFOLLOW)) {
		struct file *f = fd_path(p, path1, &err);
		if (f)
			return fd_reopen(p, f, flags);
		if (err)
			return err;
	}
	if ((dir = base_of(p, dirfd, path1, &err)) == NULL)
		return err;
	if ((err = fs_open(&fs, dir, path1, (int)flags, (uint32_t)mode & 07777,
		 p->umask, &ino)) < 0)
		return err;
	fs_stat(ino, &st);
	if ((st.mode & LX_S_IFMT) == LX_S_IFCHR) {
		kind = st.rdev == DEV_NULL ? F_NULL : st.rdev == DEV_ZERO ? F_ZERO
		    : st.rdev == DEV_FULL ? F_FULL
		    : st.rdev == DEV_RANDOM || st.rdev == DEV_URANDOM ? F_RANDOM
		    : st.rdev == DEV_TTY || st.rdev == DEV_CONSOLE ? F_TTY : -1;
		if (kind < 0) {
			fs_iput(&fs, ino);
			return -LX_ENXIO;
		}
	} else if ((st.mode & LX_S_IFMT) == LX_S_IFIFO) {
		struct file *pf;
		int64_t r = fifo_open(p, ino, (uint32_t)(flags & ~(uint64_t)(LX_O_CREAT |
		    LX_O_EXCL | LX_O_NOCTTY | LX_O_TRUNC | LX_O_CLOEXEC)), &pf);
		fs_iput(&fs, ino);
		if (r < 0)
			return r; /* SYSD_BLOCK too: the other end is not open yet */
		int fd = fd_alloc(p, pf, 0, (flags & LX_O_CLOEXEC) != 0);
		if (fd < 0)
			file_put(pf);
		return fd;
	}
	struct file *f = file_new(kind, (uint32_t)(flags & ~(uint64_t)(LX_O_CREAT |
	    LX_O_EXCL | LX_O_NOCTTY | LX_O_TRUNC | LX_O_CLOEXEC)));
	if (f == NULL) {
		fs_iput(&fs, ino);
		return -LX_ENFILE;
	}
	f->ino = ino;
	int fd = fd_alloc(p, f, 0, (flags & LX_O_CLOEXEC) != 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

struct getdents_ctx {
	uint8_t *buf;
	uint64_t size, used;
	uint64_t *cookie;
};

static int
getdents_emit(void *arg, uint64_t ino, uint64_t next, unsigned type,
    const char *name, size_t len)
{
	struct getdents_ctx *c = arg;
	uint64_t rec = (19 + len + 1 + 7) & ~7UL;

	if (c->used + rec > c->size)
		return 1;
	uint8_t *d = c->buf + c->used;
	memset(d, 0, rec);
	memcpy(d, &ino, 8);
	memcpy(d + 8, &next, 8);
	uint16_t r16 = (uint16_t)rec;
	memcpy(d + 16, &r16, 2);
	d[18] = (uint8_t)type;
	memcpy(d + 19, name, len);
	c->used += rec;
	*c->cookie = next;
	return 0;
}

static int64_t
do_getdents(struct proc *p, int64_t fd, uint64_t n)
{
	struct file *f = fd_get(p, fd);
	struct fs_stat st;

	if (f == NULL)
		return -LX_EBADF;
	if (f->kind != F_INODE)
		return -LX_ENOTDIR;
	fs_stat(f->ino, &st);
	if ((st.mode & LX_S_IFMT) != LX_S_IFDIR)
		return -LX_ENOTDIR;
	if (n > SYSD_WIN_SIZE)
		n = SYSD_WIN_SIZE;
	if (f->dircookie == 0 && procfs_wanted(f->ino, "."))
		procfs_refresh(p); /* ls /proc, ps: a fresh list */
	struct getdents_ctx c = { p->win, n, 0, &f->dircookie };
	int r = fs_readdir(f->ino, &f->dircookie, getdents_emit, &c);
	if (r < 0)
		return r;
	if (c.used == 0 && r > 0)
		return -LX_EINVAL; /* not even one entry fits */
	return (int64_t)c.used;
}

static int64_t
do_two_paths(struct proc *p, uint64_t w[6])
{
	struct fs_inode *d1, *d2;
	int err = 0, n1;

	if ((n1 = win_path(p, 0, path1)) < 0)
		return n1;
	if ((err = win_path(p, (uint64_t)n1, path2)) < 0)
		return err;
	if (w[0] == SYSD_SYMLINKAT) {
		if ((d2 = base_of(p, (int64_t)w[1], path2, &err)) == NULL)
			return err;
		return fs_symlink(&fs, path1, d2, path2);
	}
	if ((d1 = base_of(p, (int64_t)w[1], path1, &err)) == NULL ||
	    (d2 = base_of(p, (int64_t)w[2], path2, &err)) == NULL)
		return err;
	if (w[0] == SYSD_RENAMEAT)
		return fs_rename(&fs, d1, path1, d2, path2, (unsigned)w[3]);
	if (w[3] & ~(uint64_t)(LX_AT_SYMLINK_FOLLOW | LX_AT_EMPTY_PATH))
		return -LX_EINVAL;
	return fs_link(&fs, d1, path1, d2, path2, (w[3] & LX_AT_SYMLINK_FOLLOW) != 0);
}

/* The calls that take one path, relative to dirfd w[1]. */
static int64_t
do_path(struct proc *p, uint64_t w[6])
{
	struct fs_inode *dir, *ino;
	int err = 0;

	if ((err = win_path(p, 0, path1)) < 0)
		return err;
	if (w[0] == SYSD_FCHMODAT && path1[0] == 0) {
		/* fchmod: the descriptor's own file. */
		struct file *f = fd_get(p, (int64_t)w[1]);
		if (f == NULL)
			return -LX_EBADF;
		return f->ino ? fs_chmod(f->ino, (uint32_t)w[2] & 07777) : 0;
	}
	if ((dir = base_of(p, w[0] == SYSD_TRUNCATE || w[0] == SYSD_CHDIR
		     ? LX_AT_FDCWD : (int64_t)w[1], path1, &err)) == NULL)
		return err;
	switch (w[0]) {
	case SYSD_MKDIRAT:
		return fs_mkdir(&fs, dir, path1, (uint32_t)w[2] & 07777, p->umask);
	case SYSD_MKNODAT:
		return fs_mknod(&fs, dir, path1, (uint32_t)w[2], p->umask, w[3]);
	case SYSD_UNLINKAT:
		if (w[2] & ~(uint64_t)LX_AT_REMOVEDIR)
			return -LX_EINVAL;
		return w[2] & LX_AT_REMOVEDIR ? fs_rmdir(&fs, dir, path1)
					      : fs_unlink(&fs, dir, path1);
	case SYSD_READLINKAT: {
		static char buf[4096];
		uint64_t n = w[2] > sizeof(buf) ? sizeof(buf) : w[2];
		int64_t r = fs_readlink(&fs, dir, path1, buf, n);
		if (r > 0)
			memcpy(p->win, buf, (size_t)r);
		return r;
	}
	case SYSD_FACCESSAT:
		if (w[2] & ~7UL)
			return -LX_EINVAL;
		if ((err = fs_lookup(&fs, dir, path1,
			 !(w[3] & LX_AT_SYMLINK_NOFOLLOW), &ino)) < 0)
			return err;
		struct fs_stat st;
		fs_stat(ino, &st);
		fs_iput(&fs, ino);
		/* Root may read and write anything, and run what anyone may. */
		if ((w[2] & 1) && (st.mode & LX_S_IFMT) != LX_S_IFDIR && !(st.mode & 0111))
			return -LX_EACCES;
		return 0;
	case SYSD_FCHMODAT:
		if ((err = fs_lookup(&fs, dir, path1, 1, &ino)) < 0)
			return err;
		err = fs_chmod(ino, (uint32_t)w[2] & 07777);
		fs_iput(&fs, ino);
		return err;
	case SYSD_TRUNCATE:
		if ((int64_t)w[1] < 0)
			return -LX_EINVAL;
		if ((err = fs_lookup(&fs, dir, path1, 1, &ino)) < 0)
			return err;
		err = fs_truncate(&fs, ino, w[1]);
		fs_iput(&fs, ino);
		return err;
	case SYSD_CHDIR:
		if ((err = fs_lookup(&fs, dir, path1, 1, &ino)) < 0)
			return err;
		struct fs_stat ds;
		fs_stat(ino, &ds);
		if ((ds.mode & LX_S_IFMT) != LX_S_IFDIR) {
			fs_iput(&fs, ino);
			return -LX_ENOTDIR;
		}
		fs_iput(&fs, p->cwd);
		p->cwd = ino;
		return 0;
	}
	return -LX_ENOSYS;
}

/* utimensat: the times at window offset 4096 (UTIME_NOW, UTIME_OMIT). */
static int64_t
do_utimens(struct proc *p, uint64_t w[6])
{
	int64_t t[4], ns[2];
	struct fs_inode *dir, *ino;
	int err = 0;

	if (w[2] & ~(uint64_t)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
		return -LX_EINVAL;
	memcpy(t, p->win + 4096, sizeof(t));
	for (int i = 0; i < 2; i++) {
		if (t[2 * i + 1] == 0x3fffffff)
			ns[i] = FS_UTIME_NOW;
		else if (t[2 * i + 1] == 0x3ffffffe)
			ns[i] = FS_UTIME_OMIT;
		else if (t[2 * i + 1] < 0 || t[2 * i + 1] >= 1000000000)
			return -LX_EINVAL;
		else
			ns[i] = t[2 * i] * 1000000000 + t[2 * i + 1];
	}
	if ((err = win_path(p, 0, path1)) < 0)
		return err;
	if (path1[0] == 0 && (w[2] & LX_AT_EMPTY_PATH)) {
		struct file *f = fd_get(p, (int64_t)w[1]);
		if (f == NULL)
			return -LX_EBADF;
		if (f->ino == NULL)
			return 0;
		fs_utimens(f->ino, ns[0], ns[1]);
		return 0;
	}
	if ((dir = base_of(p, (int64_t)w[1], path1, &err)) == NULL)
		return err;
	if ((err = fs_lookup(&fs, dir, path1, !(w[2] & LX_AT_SYMLINK_NOFOLLOW), &ino)) < 0)
		return err;
	fs_utimens(ino, ns[0], ns[1]);
	fs_iput(&fs, ino);
	return 0;
}

static int64_t
do_fd_inode(struct proc *p, uint64_t w[6])
{
	struct file *f = fd_get(p, (int64_t)w[1]);
	struct fs_stat st;

	if (f == NULL)
		return -LX_EBADF;
	switch (w[0]) {
	case SYSD_FTRUNCATE:
		if (f->kind != F_INODE || (f->flags & LX_O_ACCMODE) == LX_O_RDONLY)
			return -LX_EINVAL;
		if ((int64_t)w[2] < 0)
			return -LX_EINVAL;
		return fs_truncate(&fs, f->ino, w[2]);
	case SYSD_FCHDIR:
		if (f->kind != F_INODE)
			return -LX_ENOTDIR;
		fs_stat(f->ino, &st);
		if ((st.mode & LX_S_IFMT) != LX_S_IFDIR)
			return -LX_ENOTDIR;
		fs_iget(f->ino);
		fs_iput(&fs, p->cwd);
		p->cwd = f->ino;
		return 0;
	}
	return -LX_ENOSYS;
}

/* sendfile: in's bytes to out, through sysd's own buffer. */
static int64_t
do_sendfile(struct proc *p, uint64_t w[6])
{
	static uint8_t buf[SYSD_WIN_SIZE];
	struct file *out = fd_get(p, (int64_t)w[1]), *in = fd_get(p, (int64_t)w[2]);
	uint64_t n = w[3] > sizeof(buf) ? sizeof(buf) : w[3];
	int64_t off = (int64_t)w[4], r;

	if (out == NULL || in == NULL)
		return -LX_EBADF;
	if (in->kind != F_INODE || (in->flags & LX_O_ACCMODE) == LX_O_WRONLY ||
	    (out->flags & LX_O_ACCMODE) == LX_O_RDONLY)
		return -LX_EBADF;
	r = fs_read(in->ino, off >= 0 ? (uint64_t)off : in->off, buf, n);
	if (r <= 0)
		return r;
	memcpy(p->win, buf, (size_t)r);
	uint64_t wr[6] = { SYSD_WRITE, w[1], (uint64_t)r, 0, 0, 0 };
	int64_t k = file_call(p, wr);
	if (k == SYSD_BLOCK) {
		w[4] = wr[4];
		return SYSD_BLOCK;
	}
	if (k > 0) {
		if (off >= 0)
			w[1] = (uint64_t)off + (uint64_t)k;
		else
			in->off += (uint64_t)k;
	}
	return k;
}

int64_t
fs_call(struct proc *p, uint64_t w[6])
{
	switch (w[0]) {
	case SYSD_OPENAT:
		return do_openat(p, (int64_t)w[1], w[2], w[3]);
	case SYSD_FSTATAT:
		return do_fstatat(p, (int64_t)w[1], w[2]);
	case SYSD_GETDENTS:
		return do_getdents(p, (int64_t)w[1], w[2]);
	case SYSD_RENAMEAT:
	case SYSD_LINKAT:
	case SYSD_SYMLINKAT:
		return do_two_paths(p, w);
	case SYSD_MKDIRAT:
	case SYSD_MKNODAT:
	case SYSD_UNLINKAT:
	case SYSD_READLINKAT:
	case SYSD_FACCESSAT:
	case SYSD_FCHMODAT:
	case SYSD_TRUNCATE:
	case SYSD_CHDIR:
		return do_path(p, w);
	case SYSD_FTRUNCATE:
	case SYSD_FCHDIR:
		return do_fd_inode(p, w);
	case SYSD_GETCWD: {
		static char buf[4096];
		uint64_t n = w[1] > sizeof(buf) ? sizeof(buf) : w[1];
		int64_t r = fs_getcwd(&fs, p->cwd, buf, n);
		if (r > 0)
			memcpy(p->win, buf, (size_t)r);
		return r;
	}
	case SYSD_UMASK: {
		uint32_t old = p->umask;
		p->umask = (uint32_t)w[1] & 0777;
		return old;
	}
	case SYSD_SENDFILE:
		return do_sendfile(p, w);
	case SYSD_UTIMENSAT:
		return do_utimens(p, w);
	case SYSD_STATFS:
		w[1] = fs.ninodes;
		w[2] = fs.data_bytes;
		w[3] = EXO_INFO->free_pages;
		return 0;
	}
	return -LX_ENOSYS;
}

static int
mkdev(const char *path, uint32_t mode, uint32_t rdev)
{
	return fs_mknod(&fs, fs.root, path, mode, 0, rdev);
}

/* Makes every directory above path (which it leaves alone). */
static int
mkdir_parents(char *path)
{
	for (char *s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		int r = fs_mkdir(&fs, fs.root, path, 0755, 0);
		*s = '/';
		if (r < 0 && r != -LX_EEXIST)
			return r;
	}
	return 0;
}

/* busybox's applets: a link to /bin/busybox for each line of the list. */
static int
busybox_links(void)
{
	struct fs_inode *ino;
	uint64_t size;
	char path[128];

	if (fs_lookup(&fs, fs.root, "/etc/busybox.links", 1, &ino) < 0)
		return 0;
	const char *list = fs_file_data(ino, &size);
	for (uint64_t i = 0; list && i < size;) {
		uint64_t n = 0;
		path[n++] = '/';
		while (i < size && list[i] != '\n' && n < sizeof(path) - 1)
			path[n++] = list[i++];
		path[n] = 0;
		i++;
		if (n > 1 && mkdir_parents(path) == 0)
			fs_symlink(&fs, "/bin/busybox", fs.root, path); /* ours first */
	}
	fs_iput(&fs, ino);
	return 0;
}

/* The tree every process starts with. */
int
fscalls_populate(void)
{
	const struct exo_bootimg *img = (const void *)EXO_BOOTIMG_VA;
	char path[64];
	int r;

	if ((r = fs_init(&fs)) < 0)
		return r;
	if ((r = fs_mkdir(&fs, fs.root, "/bin", 0755, 0)) < 0 ||
	    (r = fs_mkdir(&fs, fs.root, "/dev", 0755, 0)) < 0 ||
	    (r = fs_mkdir(&fs, fs.root, "/tmp", 01777, 0)) < 0 ||
	    (r = fs_mkdir(&fs, fs.root, "/etc", 0755, 0)) < 0 ||
	    (r = fs_mkdir(&fs, fs.root, "/root", 0700, 0)) < 0 ||
	    (r = mkdev("/dev/null", LX_S_IFCHR | 0666, DEV_NULL)) < 0 ||
	    (r = mkdev("/dev/zero", LX_S_IFCHR | 0666, DEV_ZERO)) < 0 ||
	    (r = mkdev("/dev/full", LX_S_IFCHR | 0666, DEV_FULL)) < 0 ||
	    (r = mkdev("/dev/random", LX_S_IFCHR | 0666, DEV_RANDOM)) < 0 ||
	    (r = mkdev("/dev/urandom", LX_S_IFCHR | 0666, DEV_URANDOM)) < 0 ||
	    (r = mkdev("/dev/tty", LX_S_IFCHR | 0666, DEV_TTY)) < 0 ||
	    (r = mkdev("/dev/console", LX_S_IFCHR | 0620, DEV_CONSOLE)) < 0 ||
	    (r = fs_symlink(&fs, "/proc/self/fd", fs.root, "/dev/fd")) < 0 ||
	    (r = fs_symlink(&fs, "/proc/self/fd/0", fs.root, "/dev/stdin")) < 0 ||
	    (r = fs_symlink(&fs, "/proc/self/fd/1", fs.root, "/dev/stdout")) < 0 ||
	    (r = fs_symlink(&fs, "/proc/self/fd/2", fs.root, "/dev/stderr")) < 0)
		return r;
	for (uint32_t i = 0; exos_bootimg_size && i < img->nfiles; i++) {
		const struct exo_bootimg_file *bf = &img->file[i];
		int named = strchr(bf->name, '/') != NULL;
		snprintf(path, sizeof(path), "%s%s", named ? "/" : "/bin/", bf->name);
		if (named && (r = mkdir_parents(path)) < 0)
			return r;
		r = fs_create_file_ro(&fs, fs.root, path, named ? 0644 : 0755,
		    (const uint8_t *)img + bf->offset, bf->size);
		if (r < 0)
			return r;
	}
	return busybox_links();
}
