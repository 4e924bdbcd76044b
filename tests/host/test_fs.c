/*
 * Host tests for libos/sysd/fs.c, ExOS's in-memory file system.
 *
 * Three kinds of test:
 *  - directed tests, one per function and error of fs.h, each saying what
 *    bug it looks for;
 *  - a differential test: thousands of random operations over a few
 *    names, applied both to fs.c and, through the real system calls, to a
 *    fresh directory on the host that the test chroots into (on tmpfs
 *    when /dev/shm is one, and on /tmp), so that Linux is the oracle for
 *    every return value, errno and resulting tree (a failure prints the
 *    seed and the operation);
 *  - fault injection: the allocation hooks below fail after N
 *    allocations, and every call that then fails with ENOMEM or ENOSPC
 *    must leave the tree exactly as it was.
 * Every test ends with fs_destroy and checks that the hooks got back every
 * allocation, and LeakSanitizer watches the rest.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "../../libos/sysd/fs.c"

#include "unit.h"

/*
 * The embedder's hooks, with bookkeeping: each small allocation carries
 * its size, so that fs_mfree is checked to give back what it got; fresh
 * memory is filled with 0xa5, so that missing zero-fills show.
 * alloc_budget >= 0 makes every allocation after that many fail.
 */
#define T_MAGIC 0x5eedf00dUL

static long alloc_budget = -1;
static long nallocs_live;
static uint64_t data_live;
static uint64_t data_limit = UINT64_MAX; /* largest fs_data_alloc */
static int64_t t_clock = 1000000000;

static int
t_alloc_ok(void)
{
	if (alloc_budget < 0)
		return 1;
	if (alloc_budget == 0)
		return 0;
	alloc_budget--;
	return 1;
}

void *
fs_malloc(size_t n)
{
	size_t *p;

	if (!t_alloc_ok() || (p = malloc(n + 2 * sizeof(size_t))) == NULL)
		return NULL;
	p[0] = n;
	p[1] = T_MAGIC;
	memset(p + 2, 0xa5, n);
	nallocs_live++;
	return p + 2;
}

void
fs_mfree(void *q, size_t n)
{
	size_t *p = (size_t *)q - 2;

	if (p[1] != T_MAGIC || p[0] != n) {
		fprintf(stderr, "fs_mfree(%p, %zu): allocated with %zu\n", q, n,
		    p[0]);
		abort();
	}
	p[1] = 0;
	free(p);
	nallocs_live--;
}

/* Data buffers: one page in front holds the capacity. */
void *
fs_data_alloc(size_t cap)
{
	unsigned char *p;

	if (cap == 0 || cap % FS_PAGE != 0) {
		fprintf(stderr, "fs_data_alloc(%zu): not whole pages\n", cap);
		abort();
	}
	if (cap > data_limit || !t_alloc_ok())
		return NULL;
	if ((p = aligned_alloc(FS_PAGE, cap + FS_PAGE)) == NULL)
		return NULL;
	*(size_t *)p = cap;
	memset(p + FS_PAGE, 0xa5, cap);
	data_live += cap;
	return p + FS_PAGE;
}

void
fs_data_free(void *q, size_t cap)
{
	unsigned char *p = (unsigned char *)q - FS_PAGE;

	if (*(size_t *)p != cap) {
		fprintf(stderr, "fs_data_free(%p, %zu): allocated with %zu\n",
		    q, cap, *(size_t *)p);
		abort();
	}
	data_live -= cap;
	free(p);
}

uint64_t
fs_now_ns(void)
{
	return (uint64_t)(t_clock += 1000);
}

/* Helpers for the directed tests, all on one file system. */

static struct fs F;

#define SETUP() REQUIRE(fs_init(&F) == 0)
#define TEARDOWN()                                                             \
	do {                                                                   \
		fs_destroy(&F);                                                \
		CHECK_EQ(nallocs_live, 0);                                     \
		CHECK_EQ(data_live, 0);                                        \
	} while (0)

static int
t_mkdir(const char *path)
{
	return fs_mkdir(&F, F.root, path, 0755, 022);
}

/* Opens path with flags from the root and drops the reference at once. */
static int
t_open(const char *path, int flags)
{
	struct fs_inode *ip;
	int err = fs_open(&F, F.root, path, flags, 0644, 022, &ip);

	if (err == 0)
		fs_iput(&F, ip);
	return err;
}

/* A regular file at path holding text. */
static int
t_file(const char *path, const char *text)
{
	struct fs_inode *ip;
	int err = fs_open(&F, F.root, path,
	    LX_O_CREAT | LX_O_WRONLY | LX_O_TRUNC, 0644, 022, &ip);

	if (err)
		return err;
	if (fs_write(&F, ip, 0, text, strlen(text)) != (int64_t)strlen(text))
		err = -1000;
	fs_iput(&F, ip);
	return err;
}

/* The inode at path (a final link not followed), or NULL; no reference. */
static struct fs_inode *
t_ip(const char *path)
{
	struct fs_inode *ip;

	if (fs_lookup(&F, F.root, path, FS_NOFOLLOW, &ip) != 0)
		return NULL;
	fs_iput(&F, ip);
	return ip;
}

/* The error of looking path up, 0 if it exists. */
static int
t_err(const char *path, enum fs_follow follow)
{
	struct fs_inode *ip;
	int err = fs_lookup(&F, F.root, path, follow, &ip);

	if (err == 0)
		fs_iput(&F, ip);
	return err;
}

/* A file's contents, NUL-terminated, in a static buffer ("?" if none). */
static const char *
t_text(const char *path)
{
	static char buf[8192];
	struct fs_inode *ip;
	int64_t n;

	if (fs_lookup(&F, F.root, path, FS_FOLLOW, &ip) != 0)
		return "?";
	n = fs_read(ip, 0, buf, sizeof(buf) - 1);
	fs_iput(&F, ip);
	if (n < 0)
		return "?";
	buf[n] = 0;
	return buf;
}

static uint32_t
t_type(const char *path)
{
	struct fs_inode *ip = t_ip(path);

	return ip ? ip->mode & LX_S_IFMT : 0;
}

/* A readdir listing, with an optional limit of entries per call. */
struct t_ent {
	uint64_t ino, next;
	unsigned type;
	char name[LX_NAME_MAX + 1];
};

struct t_list {
	struct t_ent *v;
	int n, cap;
	int room; /* entries this call may still take; < 0: any number */
};

static int
t_emit(void *arg, uint64_t ino, uint64_t next, unsigned type, const char *name,
    size_t len)
{
	struct t_list *l = arg;

	if (l->room == 0)
		return 1;
	if (l->room > 0)
		l->room--;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, (size_t)l->cap * sizeof(*l->v));
	}
	l->v[l->n].ino = ino;
	l->v[l->n].next = next;
	l->v[l->n].type = type;
	memcpy(l->v[l->n].name, name, len);
	l->v[l->n].name[len] = 0;
	if (strlen(l->v[l->n].name) != len)
		abort();
	l->n++;
	return 0;
}

/* All of dir's entries; the count, or the error. */
static int
t_list_all(struct fs_inode *dp, struct t_list *l)
{
	uint64_t cookie = 0;
	int err;

	memset(l, 0, sizeof(*l));
	l->room = -1;
	err = fs_readdir(dp, &cookie, t_emit, l);
	return err ? err : l->n;
}

static int
t_has(struct t_list *l, const char *name)
{
	int k = 0;

	for (int i = 0; i < l->n; i++)
		k += strcmp(l->v[i].name, name) == 0;
	return k;
}

/* The constants, against the host's own headers. */

/* Looks for a wrong Linux value in lx.h, which would reach programs. */
TEST(lx_constants)
{
	CHECK_EQ(LX_EPERM, EPERM);
	CHECK_EQ(LX_ENOENT, ENOENT);
	CHECK_EQ(LX_EBADF, EBADF);
	CHECK_EQ(LX_ENOMEM, ENOMEM);
	CHECK_EQ(LX_EACCES, EACCES);
	CHECK_EQ(LX_EBUSY, EBUSY);
	CHECK_EQ(LX_EEXIST, EEXIST);
	CHECK_EQ(LX_EXDEV, EXDEV);
	CHECK_EQ(LX_ENOTDIR, ENOTDIR);
	CHECK_EQ(LX_EISDIR, EISDIR);
	CHECK_EQ(LX_EINVAL, EINVAL);
	CHECK_EQ(LX_ETXTBSY, ETXTBSY);
	CHECK_EQ(LX_EFBIG, EFBIG);
	CHECK_EQ(LX_ENOSPC, ENOSPC);
	CHECK_EQ(LX_EMLINK, EMLINK);
	CHECK_EQ(LX_ERANGE, ERANGE);
	CHECK_EQ(LX_ENAMETOOLONG, ENAMETOOLONG);
	CHECK_EQ(LX_ENOSYS, ENOSYS);
	CHECK_EQ(LX_ENOTEMPTY, ENOTEMPTY);
	CHECK_EQ(LX_ELOOP, ELOOP);
	CHECK_EQ(LX_EOVERFLOW, EOVERFLOW);
	CHECK_EQ(LX_EOPNOTSUPP, EOPNOTSUPP);
	CHECK_EQ(LX_ENXIO, ENXIO);
	CHECK_EQ(LX_ESPIPE, ESPIPE);
	CHECK_EQ(LX_EROFS, EROFS);
	CHECK_EQ(LX_EPIPE, EPIPE);
	CHECK_EQ(LX_EAGAIN, EAGAIN);
	CHECK_EQ(LX_O_ACCMODE, O_ACCMODE);
	CHECK_EQ(LX_O_RDONLY, O_RDONLY);
	CHECK_EQ(LX_O_WRONLY, O_WRONLY);
	CHECK_EQ(LX_O_RDWR, O_RDWR);
	CHECK_EQ(LX_O_CREAT, O_CREAT);
	CHECK_EQ(LX_O_EXCL, O_EXCL);
	CHECK_EQ(LX_O_NOCTTY, O_NOCTTY);
	CHECK_EQ(LX_O_TRUNC, O_TRUNC);
	CHECK_EQ(LX_O_APPEND, O_APPEND);
	CHECK_EQ(LX_O_NONBLOCK, O_NONBLOCK);
	CHECK_EQ(LX_O_DSYNC, O_DSYNC);
	CHECK_EQ(LX_O_ASYNC, O_ASYNC);
	CHECK_EQ(LX_O_DIRECT, O_DIRECT);
	CHECK_EQ(LX_O_DIRECTORY, O_DIRECTORY);
	CHECK_EQ(LX_O_NOFOLLOW, O_NOFOLLOW);
	CHECK_EQ(LX_O_NOATIME, O_NOATIME);
	CHECK_EQ(LX_O_CLOEXEC, O_CLOEXEC);
	CHECK_EQ(LX_O_SYNC, O_SYNC);
	CHECK_EQ(LX_O_PATH, O_PATH);
	CHECK_EQ(LX_O_TMPFILE, O_TMPFILE);
	CHECK_EQ(LX_S_IFMT, S_IFMT);
	CHECK_EQ(LX_S_IFSOCK, S_IFSOCK);
	CHECK_EQ(LX_S_IFLNK, S_IFLNK);
	CHECK_EQ(LX_S_IFREG, S_IFREG);
	CHECK_EQ(LX_S_IFBLK, S_IFBLK);
	CHECK_EQ(LX_S_IFDIR, S_IFDIR);
	CHECK_EQ(LX_S_IFCHR, S_IFCHR);
	CHECK_EQ(LX_S_IFIFO, S_IFIFO);
	CHECK_EQ(LX_S_ISUID, S_ISUID);
	CHECK_EQ(LX_S_ISGID, S_ISGID);
	CHECK_EQ(LX_S_ISVTX, S_ISVTX);
	CHECK_EQ(LX_F_OK, F_OK);
	CHECK_EQ(LX_X_OK, X_OK);
	CHECK_EQ(LX_W_OK, W_OK);
	CHECK_EQ(LX_R_OK, R_OK);
	CHECK_EQ(LX_AT_FDCWD, AT_FDCWD);
	CHECK_EQ(LX_AT_SYMLINK_NOFOLLOW, AT_SYMLINK_NOFOLLOW);
	CHECK_EQ(LX_AT_REMOVEDIR, AT_REMOVEDIR);
	CHECK_EQ(LX_AT_EACCESS, AT_EACCESS);
	CHECK_EQ(LX_AT_SYMLINK_FOLLOW, AT_SYMLINK_FOLLOW);
	CHECK_EQ(LX_AT_NO_AUTOMOUNT, AT_NO_AUTOMOUNT);
	CHECK_EQ(LX_AT_EMPTY_PATH, AT_EMPTY_PATH);
	CHECK_EQ(LX_RENAME_NOREPLACE, RENAME_NOREPLACE);
	CHECK_EQ(LX_RENAME_EXCHANGE, RENAME_EXCHANGE);
	CHECK_EQ(LX_RENAME_WHITEOUT, RENAME_WHITEOUT);
	CHECK_EQ(LX_UTIME_NOW, UTIME_NOW);
	CHECK_EQ(LX_UTIME_OMIT, UTIME_OMIT);
	CHECK_EQ(LX_DT_UNKNOWN, DT_UNKNOWN);
	CHECK_EQ(LX_DT_FIFO, DT_FIFO);
	CHECK_EQ(LX_DT_CHR, DT_CHR);
	CHECK_EQ(LX_DT_DIR, DT_DIR);
	CHECK_EQ(LX_DT_BLK, DT_BLK);
	CHECK_EQ(LX_DT_REG, DT_REG);
	CHECK_EQ(LX_DT_LNK, DT_LNK);
	CHECK_EQ(LX_DT_SOCK, DT_SOCK);
	CHECK_EQ(LX_PATH_MAX, PATH_MAX);
	CHECK_EQ(LX_NAME_MAX, NAME_MAX);
}

/* The root and the basics of paths. */

/* Looks for a root that is not a 0755 directory or whose ".." leaves it. */
TEST(init_root)
{
	struct fs_stat st;
	char buf[8];

	SETUP();
	fs_stat(F.root, &st);
	CHECK_EQ(st.mode, LX_S_IFDIR | 0755);
	CHECK_EQ(st.nlink, 2);
	CHECK(t_ip("..") == F.root);
	CHECK(t_ip("/..") == F.root);
	CHECK(t_ip("/../../.") == F.root);
	CHECK(t_ip("/") == F.root);
	CHECK(t_ip("///") == F.root);
	CHECK_EQ(fs_getcwd(&F, F.root, buf, sizeof(buf)), 2);
	CHECK(strcmp(buf, "/") == 0);
	CHECK_EQ(F.ninodes, 1);
	TEARDOWN();
}

/*
 * Looks for mistakes in walking: ".", "..", repeated and trailing
 * slashes, where relative and absolute paths start, and errors in the
 * middle of a path.
 */
TEST(path_walk)
{
	struct fs_inode *a, *b, *ip;

	SETUP();
	CHECK_EQ(t_mkdir("a"), 0);
	CHECK_EQ(t_mkdir("a/b"), 0);
	CHECK_EQ(t_file("a/b/f", "x"), 0);
	a = t_ip("a");
	b = t_ip("a/b");
	REQUIRE(a && b);
	CHECK(t_ip("a//b") == b);
	CHECK(t_ip("/a/./b/") == b);
	CHECK(t_ip("a/b/..") == a);
	CHECK(t_ip("a/b/../b/./../..") == F.root);
	CHECK(t_ip("a/b/f") != NULL);
	/* Relative to a directory; absolute from the root whatever dir is. */
	CHECK_EQ(fs_lookup(&F, b, "f", FS_NOFOLLOW, &ip), 0);
	fs_iput(&F, ip);
	CHECK_EQ(fs_lookup(&F, b, "../../a", FS_NOFOLLOW, &ip), 0);
	CHECK(ip == a);
	fs_iput(&F, ip);
	CHECK_EQ(fs_lookup(&F, b, "/a/b/f", FS_NOFOLLOW, &ip), 0);
	fs_iput(&F, ip);
	/* A file as the starting point: relative ENOTDIR, absolute fine. */
	ip = t_ip("a/b/f");
	REQUIRE(ip);
	CHECK_EQ(t_err("a/b/f", FS_NOFOLLOW), 0);
	CHECK_EQ(fs_lookup(&F, ip, "x", FS_NOFOLLOW, &b), -LX_ENOTDIR);
	CHECK_EQ(fs_lookup(&F, ip, "/a", FS_NOFOLLOW, &b), 0);
	fs_iput(&F, b);
	/* Errors. */
	CHECK_EQ(t_err("", FS_FOLLOW), -LX_ENOENT);
	CHECK_EQ(t_err("nope", FS_FOLLOW), -LX_ENOENT);
	CHECK_EQ(t_err("nope/x", FS_FOLLOW), -LX_ENOENT);
	CHECK_EQ(t_err("a/b/f/", FS_FOLLOW), -LX_ENOTDIR);
	CHECK_EQ(t_err("a/b/f/.", FS_FOLLOW), -LX_ENOTDIR);
	CHECK_EQ(t_err("a/b/f/..", FS_FOLLOW), -LX_ENOTDIR);
	CHECK_EQ(t_err("a/b/f/x", FS_FOLLOW), -LX_ENOTDIR);
	CHECK_EQ(t_err("a/b/", FS_FOLLOW), 0);
	CHECK_EQ(t_err("a/b//", FS_NOFOLLOW), 0);
	TEARDOWN();
}

/*
 * Looks for off-by-one limits: a 255-byte name works and 256 is
 * ENAMETOOLONG even when it does not exist; a path of 4095 bytes works
 * and 4096 does not.
 */
TEST(path_limits)
{
	char name[300], path[5000];

	SETUP();
	memset(name, 'n', 255);
	name[255] = 0;
	CHECK_EQ(t_file(name, "x"), 0);
	CHECK_EQ(t_err(name, FS_FOLLOW), 0);
	name[255] = 'n';
	name[256] = 0;
	CHECK_EQ(t_err(name, FS_FOLLOW), -LX_ENAMETOOLONG);
	CHECK_EQ(t_mkdir(name), -LX_ENAMETOOLONG);
	CHECK_EQ(t_open(name, LX_O_CREAT | LX_O_RDWR), -LX_ENAMETOOLONG);
	snprintf(path, sizeof(path), "%s/x", name);
	CHECK_EQ(t_err(path, FS_FOLLOW), -LX_ENAMETOOLONG);
	/* A missing directory before the long name comes first. */
	snprintf(path, sizeof(path), "nope/%s", name);
	CHECK_EQ(t_err(path, FS_FOLLOW), -LX_ENOENT);
	CHECK_EQ(t_file("f", "x"), 0);
	memset(path, '/', 4094);
	strcpy(path + 4094, "f");
	CHECK_EQ(strlen(path), 4095);
	CHECK_EQ(t_err(path, FS_FOLLOW), 0);
	memset(path, '/', 4095);
	strcpy(path + 4095, "f");
	CHECK_EQ(t_err(path, FS_FOLLOW), -LX_ENAMETOOLONG);
	CHECK_EQ(t_mkdir(path), -LX_ENAMETOOLONG);
	CHECK_EQ(fs_unlink(&F, F.root, path), -LX_ENAMETOOLONG);
	TEARDOWN();
}

/* Symbolic links. */

/*
 * Looks for links resolved from the wrong directory: a relative body is
 * read from the link's directory, not the caller's; an absolute one from
 * the root.  Also that lookups follow or not as asked, and that a
 * trailing slash follows a final link even with FS_NOFOLLOW.
 */
TEST(symlink_follow)
{
	struct fs_inode *d, *ip;

	SETUP();
	CHECK_EQ(t_mkdir("d"), 0);
	CHECK_EQ(t_mkdir("d/sub"), 0);
	CHECK_EQ(t_file("d/f", "in d"), 0);
	CHECK_EQ(t_file("f", "in root"), 0);
	CHECK_EQ(fs_symlink(&F, "f", F.root, "d/rel"), 0);
	CHECK_EQ(fs_symlink(&F, "/f", F.root, "d/abs"), 0);
	CHECK_EQ(fs_symlink(&F, "sub", F.root, "d/tosub"), 0);
	CHECK_EQ(fs_symlink(&F, "../tosub/..", F.root, "d/sub/up"), 0);
	CHECK(strcmp(t_text("d/rel"), "in d") == 0);
	CHECK(strcmp(t_text("d/abs"), "in root") == 0);
	CHECK(t_ip("d/tosub/.") == t_ip("d/sub"));
	CHECK(t_ip("d/sub/up/") == t_ip("d"));
	CHECK_EQ(t_type("d/rel"), LX_S_IFLNK);
	CHECK_EQ(t_type("d/tosub/"), LX_S_IFDIR);
	CHECK_EQ(t_err("d/rel/", FS_NOFOLLOW), -LX_ENOTDIR);
	/* Resolved relative to d, the body reads from d too. */
	d = t_ip("d");
	REQUIRE(d);
	CHECK_EQ(fs_lookup(&F, d, "rel", FS_FOLLOW, &ip), 0);
	CHECK(ip == t_ip("d/f"));
	fs_iput(&F, ip);
	/* Dangling links. */
	CHECK_EQ(fs_symlink(&F, "nowhere", F.root, "dang"), 0);
	CHECK_EQ(t_err("dang", FS_FOLLOW), -LX_ENOENT);
	CHECK_EQ(t_err("dang", FS_NOFOLLOW), 0);
	CHECK_EQ(t_err("dang/", FS_NOFOLLOW), -LX_ENOENT);
	CHECK_EQ(fs_symlink(&F, "f/x", F.root, "through_file"), 0);
	CHECK_EQ(t_err("through_file", FS_FOLLOW), -LX_ENOTDIR);
	TEARDOWN();
}

/*
 * Looks for the wrong link limit: Linux follows 40 links in one lookup
 * and fails the 41st with ELOOP; checked against the host as well.  A
 * link to itself loops.
 */
TEST(symlink_loop)
{
	char tmp[64], name[32], body[32], path[128];
	int fd;

	SETUP();
	REQUIRE(unit_tmpdir(tmp, "test_fs") == 0);
	CHECK_EQ(t_file("l41", "end"), 0);
	snprintf(path, sizeof(path), "%s/l41", tmp);
	REQUIRE((fd = creat(path, 0644)) >= 0);
	close(fd);
	for (int i = 40; i >= 0; i--) {
		snprintf(name, sizeof(name), "l%d", i);
		snprintf(body, sizeof(body), "l%d", i + 1);
		CHECK_EQ(fs_symlink(&F, body, F.root, name), 0);
		snprintf(path, sizeof(path), "%s/%s", tmp, name);
		CHECK_EQ(symlink(body, path), 0);
	}
	/* l1 .. l40 are 40 links, l0 one more. */
	CHECK_EQ(t_err("l1", FS_FOLLOW), 0);
	CHECK_EQ(t_err("l0", FS_FOLLOW), -LX_ELOOP);
	CHECK_EQ(t_err("l0", FS_NOFOLLOW), 0);
	snprintf(path, sizeof(path), "%s/l1", tmp);
	CHECK((fd = open(path, O_RDONLY)) >= 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/l0", tmp);
	CHECK(open(path, O_RDONLY) < 0 && errno == ELOOP);
	/* Links counted across the middle of a path too. */
	CHECK_EQ(t_mkdir("dir"), 0);
	CHECK_EQ(fs_symlink(&F, "dir", F.root, "m40"), 0);
	for (int i = 39; i >= 0; i--) {
		snprintf(name, sizeof(name), "m%d", i);
		snprintf(body, sizeof(body), "m%d", i + 1);
		CHECK_EQ(fs_symlink(&F, body, F.root, name), 0);
	}
	CHECK_EQ(t_err("m1/.", FS_FOLLOW), 0);
	CHECK_EQ(t_err("m0/.", FS_FOLLOW), -LX_ELOOP);
	CHECK_EQ(fs_symlink(&F, "self", F.root, "self"), 0);
	CHECK_EQ(t_err("self", FS_FOLLOW), -LX_ELOOP);
	CHECK_EQ(t_err("self/x", FS_NOFOLLOW), -LX_ELOOP);
	CHECK_EQ(t_open("self", LX_O_CREAT | LX_O_WRONLY), -LX_ELOOP);
	TEARDOWN();
}

/* Looks for bad symlink() arguments accepted or a name clobbered. */
TEST(symlink_errors)
{
	char body[5000];

	SETUP();
	CHECK_EQ(t_file("f", "x"), 0);
	CHECK_EQ(fs_symlink(&F, "", F.root, "l"), -LX_ENOENT);
	memset(body, 'b', 4095);
	body[4095] = 0;
	CHECK_EQ(fs_symlink(&F, body, F.root, "long"), 0);
	CHECK_EQ(t_ip("long")->size, 4095);
	body[4095] = 'b';
	body[4096] = 0;
	CHECK_EQ(fs_symlink(&F, body, F.root, "toolong"), -LX_ENAMETOOLONG);
	CHECK_EQ(fs_symlink(&F, "x", F.root, "f"), -LX_EEXIST);
	CHECK_EQ(fs_symlink(&F, "x", F.root, "long"), -LX_EEXIST);
	CHECK_EQ(fs_symlink(&F, "x", F.root, "."), -LX_EEXIST);
	CHECK_EQ(fs_symlink(&F, "x", F.root, "/"), -LX_EEXIST);
	CHECK_EQ(fs_symlink(&F, "x", F.root, "new/"), -LX_ENOENT);
	CHECK_EQ(fs_symlink(&F, "x", F.root, "f/"), -LX_EEXIST);
	CHECK_EQ(fs_symlink(&F, "x", F.root, "no/l"), -LX_ENOENT);
	CHECK_EQ(strcmp(t_text("f"), "x"), 0);
	TEARDOWN();
}

/*
 * Looks for readlink mistakes: Linux truncates silently and returns the
 * count, adds no NUL, refuses non-links and a zero size with EINVAL, and
 * follows a link only with a trailing slash.
 */
TEST(readlink)
{
	char buf[16];

	SETUP();
	CHECK_EQ(t_mkdir("d"), 0);
	CHECK_EQ(fs_symlink(&F, "target", F.root, "l"), 0);
	CHECK_EQ(fs_symlink(&F, "d", F.root, "ld"), 0);
	memset(buf, '#', sizeof(buf));
	CHECK_EQ(fs_readlink(&F, F.root, "l", buf, sizeof(buf)), 6);
	CHECK(memcmp(buf, "target#", 7) == 0);
	CHECK_EQ(fs_readlink(&F, F.root, "l", buf, 3), 3);
	CHECK(memcmp(buf, "tar", 3) == 0);
	CHECK_EQ(fs_readlink(&F, F.root, "l", buf, 0), -LX_EINVAL);
	CHECK_EQ(fs_readlink(&F, F.root, "d", buf, 16), -LX_EINVAL);
	CHECK_EQ(fs_readlink(&F, F.root, "ld", buf, 16), 1);
	CHECK_EQ(fs_readlink(&F, F.root, "ld/", buf, 16), -LX_EINVAL);
	CHECK_EQ(fs_readlink(&F, F.root, "l/", buf, 16), -LX_ENOENT);
	CHECK_EQ(fs_readlink(&F, F.root, "", buf, 16), -LX_ENOENT);
	CHECK_EQ(fs_readlink(&F, F.root, "none", buf, 16), -LX_ENOENT);
	CHECK_EQ(fs_readlink_inode(t_ip("l"), buf, 16), 6);
	CHECK_EQ(fs_readlink_inode(t_ip("d"), buf, 16), -LX_EINVAL);
	TEARDOWN();
}

/* open(2). */

/*
 * Looks for O_CREAT mistakes: the mode with the umask, EEXIST with
 * O_EXCL (also on a dangling link, which O_EXCL must not follow),
 * creating through a dangling link without O_EXCL, EISDIR for a trailing
 * slash or an existing directory, EINVAL with O_DIRECTORY, and the
 * parent's times.
 */
TEST(open_creat)
{
	struct fs_inode *ip;
	int64_t t0;

	SETUP();
	CHECK_EQ(t_mkdir("d"), 0);
	t0 = t_clock;
	CHECK_EQ(
	    fs_open(&F, F.root, "d/f", LX_O_CREAT | LX_O_RDWR, 0777, 027, &ip),
	    0);
	CHECK_EQ(ip->mode, LX_S_IFREG | 0750);
	CHECK_EQ(ip->refs, 1);
	CHECK_EQ(ip->nlink, 1);
	CHECK(ip->mtime > t0 && ip->ctime > t0);
	CHECK(t_ip("d")->mtime > t0 && t_ip("d")->ctime > t0);
	fs_iput(&F, ip);
	CHECK_EQ(t_open("d/f", LX_O_CREAT | LX_O_RDWR), 0);
	CHECK_EQ(t_open("d/f", LX_O_CREAT | LX_O_EXCL | LX_O_RDWR), -LX_EEXIST);
	CHECK_EQ(t_open("d", LX_O_CREAT | LX_O_EXCL), -LX_EEXIST);
	CHECK_EQ(t_open("d", LX_O_CREAT), -LX_EISDIR);
	CHECK_EQ(t_open("d/.", LX_O_CREAT), -LX_EISDIR);
	CHECK_EQ(t_open("/", LX_O_CREAT), -LX_EISDIR);
	CHECK_EQ(t_open("new/", LX_O_CREAT), -LX_EISDIR);
	CHECK_EQ(t_open("d/", LX_O_CREAT), -LX_EISDIR);
	CHECK_EQ(t_open("d/f/", LX_O_CREAT), -LX_EISDIR);
	CHECK_EQ(t_open("new", LX_O_CREAT | LX_O_DIRECTORY), -LX_EINVAL);
	CHECK(t_ip("new") == NULL);
	CHECK_EQ(t_open("nodir/new", LX_O_CREAT), -LX_ENOENT);
	CHECK_EQ(t_open("d/f/new", LX_O_CREAT), -LX_ENOTDIR);
	/* Dangling links. */
	CHECK_EQ(fs_symlink(&F, "d/made", F.root, "dang"), 0);
	CHECK_EQ(
	    t_open("dang", LX_O_CREAT | LX_O_EXCL | LX_O_WRONLY), -LX_EEXIST);
	CHECK(t_ip("d/made") == NULL);
	CHECK_EQ(t_open("dang", LX_O_CREAT | LX_O_NOFOLLOW | LX_O_WRONLY),
	    -LX_ELOOP);
	CHECK(t_ip("d/made") == NULL);
	CHECK_EQ(t_open("dang", LX_O_CREAT | LX_O_WRONLY), 0);
	CHECK_EQ(t_type("d/made"), LX_S_IFREG);
	CHECK_EQ(t_type("dang"), LX_S_IFLNK);
	CHECK_EQ(fs_symlink(&F, "d/slash/", F.root, "dang2"), 0);
	CHECK_EQ(t_open("dang2", LX_O_CREAT | LX_O_WRONLY), -LX_EISDIR);
	/* The open file has a name and a reference. */
	CHECK_EQ(fs_open(&F, F.root, "d/made", LX_O_RDONLY, 0, 0, &ip), 0);
	CHECK_EQ(ip->refs, 1);
	fs_iput(&F, ip);
	CHECK_EQ(ip->refs, 0);
	TEARDOWN();
}

/*
 * Looks for the checks on what an open finds: O_DIRECTORY, O_NOFOLLOW
 * (ELOOP, but ENOTDIR first with O_DIRECTORY), EISDIR for directories
 * opened to write or truncate, O_TRUNC emptying regular files only, and
 * O_PATH giving the link itself.
 */
TEST(open_existing)
{
	struct fs_inode *ip;
	int64_t t0;

	SETUP();
	CHECK_EQ(t_mkdir("d"), 0);
	CHECK_EQ(t_file("f", "hello"), 0);
	CHECK_EQ(fs_symlink(&F, "f", F.root, "lf"), 0);
	CHECK_EQ(fs_symlink(&F, "d", F.root, "ld"), 0);
	CHECK_EQ(fs_mknod(&F, F.root, "fifo", LX_S_IFIFO | 0644, 0, 0), 0);
	CHECK_EQ(t_open("f", LX_O_DIRECTORY), -LX_ENOTDIR);
	CHECK_EQ(t_open("f/", LX_O_RDONLY), -LX_ENOTDIR);
	CHECK_EQ(t_open("lf/", LX_O_RDONLY), -LX_ENOTDIR);
	CHECK_EQ(t_open("d", LX_O_DIRECTORY), 0);
	CHECK_EQ(t_open("ld", LX_O_DIRECTORY), 0);
	CHECK_EQ(t_open("ld/", LX_O_NOFOLLOW), 0);
	CHECK_EQ(t_open("lf", LX_O_NOFOLLOW), -LX_ELOOP);
	CHECK_EQ(t_open("ld", LX_O_NOFOLLOW | LX_O_DIRECTORY), -LX_ENOTDIR);
	CHECK_EQ(t_open("lf", LX_O_RDONLY), 0);
	CHECK_EQ(t_open("d", LX_O_RDONLY), 0);
	CHECK_EQ(t_open("d", LX_O_WRONLY), -LX_EISDIR);
	CHECK_EQ(t_open("d", LX_O_RDWR), -LX_EISDIR);
	CHECK_EQ(t_open("d", 3), -LX_EISDIR);
	CHECK_EQ(t_open("d", LX_O_RDONLY | LX_O_TRUNC), -LX_EISDIR);
	CHECK_EQ(t_open("missing", LX_O_RDONLY), -LX_ENOENT);
	CHECK_EQ(t_open("", LX_O_RDONLY), -LX_ENOENT);
	CHECK_EQ(t_open("d", LX_O_TMPFILE | LX_O_RDWR), -LX_EOPNOTSUPP);
	/* O_TRUNC, even read-only, even when already empty (times move). */
	t0 = t_clock;
	CHECK_EQ(t_open("lf", LX_O_RDONLY | LX_O_TRUNC), 0);
	CHECK_EQ(t_ip("f")->size, 0);
	CHECK(t_ip("f")->mtime > t0);
	t0 = t_clock;
	CHECK_EQ(t_open("f", LX_O_WRONLY | LX_O_TRUNC), 0);
	CHECK(t_ip("f")->mtime > t0 && t_ip("f")->ctime > t0);
	CHECK_EQ(t_open("fifo", LX_O_RDONLY | LX_O_TRUNC), 0);
	/* O_PATH. */
	CHECK_EQ(
	    fs_open(&F, F.root, "lf", LX_O_PATH | LX_O_NOFOLLOW, 0, 0, &ip), 0);
	CHECK_EQ(ip->mode & LX_S_IFMT, LX_S_IFLNK);
	fs_iput(&F, ip);
	CHECK_EQ(fs_open(&F, F.root, "d", LX_O_PATH | LX_O_RDWR | LX_O_CREAT, 0,
		     0, &ip),
	    0);
	fs_iput(&F, ip);
	CHECK_EQ(t_open("lf", LX_O_PATH | LX_O_DIRECTORY), -LX_ENOTDIR);
	CHECK_EQ(t_open("d", LX_O_PATH | LX_O_CREAT | LX_O_DIRECTORY), 0);
	CHECK_EQ(t_open("d", LX_O_PATH | LX_O_TMPFILE), 0);
	CHECK_EQ(t_open("new", LX_O_PATH | LX_O_CREAT), -LX_ENOENT);
	TEARDOWN();
}

/* Reading, writing, truncating. */

/*
 * Looks for write bugs: a gap after the end must read as zeros (the
 * hooks hand out 0xa5 garbage), reads stop at the end, the buffer stays
 * one contiguous piece as it grows, capacities are whole pages that at
 * least double, and mtime/ctime move on writes but not on empty ones.
 */
TEST(read_write)
{
	struct fs_inode *ip;
	unsigned char buf[20000], big[20000];
	uint64_t size, cap;
	const unsigned char *p;
	int64_t t0;

	SETUP();
	REQUIRE(fs_open(&F, F.root, "f", LX_O_CREAT | LX_O_RDWR, 0644, 0,
		    &ip) == 0);
	CHECK_EQ(fs_write(&F, ip, 0, "abc", 3), 3);
	CHECK_EQ(ip->u.reg.cap, FS_PAGE);
	CHECK_EQ(fs_write(&F, ip, 10, "xyz", 3), 3);
	CHECK_EQ(ip->size, 13);
	CHECK_EQ(fs_read(ip, 0, buf, sizeof(buf)), 13);
	CHECK(memcmp(buf, "abc\0\0\0\0\0\0\0xyz", 13) == 0);
	CHECK_EQ(fs_read(ip, 11, buf, 1), 1);
	CHECK_EQ(buf[0], 'y');
	CHECK_EQ(fs_read(ip, 13, buf, 10), 0);
	CHECK_EQ(fs_read(ip, 1000, buf, 10), 0);
	CHECK_EQ(fs_read(ip, 5, buf, 0), 0);
	/* Growing: a gap that crosses into the new buffer is zeros too. */
	for (int i = 0; i < (int)sizeof(big); i++)
		big[i] = (unsigned char)(i * 7 + 1);
	CHECK_EQ(fs_write(&F, ip, 6000, big, 100), 100);
	cap = ip->u.reg.cap;
	CHECK(cap >= 6100 && cap % FS_PAGE == 0);
	CHECK_EQ(fs_read(ip, 0, buf, sizeof(buf)), 6100);
	for (int i = 13; i < 6000; i++)
		if (buf[i] != 0)
			FAILF("byte %d is %d", i, buf[i]);
	CHECK(memcmp(buf + 6000, big, 100) == 0);
	CHECK_EQ(fs_write(&F, ip, 6100, big, sizeof(big)), sizeof(big));
	CHECK(ip->u.reg.cap >= 2 * cap);
	p = fs_file_data(ip, &size);
	CHECK_EQ(size, 26100);
	CHECK(p != NULL && memcmp(p, "abc", 3) == 0 &&
	    memcmp(p + 6100, big, sizeof(big)) == 0);
	CHECK_EQ(F.data_bytes, ip->u.reg.cap);
	t0 = t_clock;
	CHECK_EQ(fs_write(&F, ip, 0, "", 0), 0);
	CHECK(ip->mtime <= t0);
	CHECK_EQ(fs_write(&F, ip, 1, "B", 1), 1);
	CHECK(ip->mtime > t0 && ip->ctime > t0);
	CHECK_EQ(ip->size, 26100);
	/* Type checks. */
	CHECK_EQ(fs_read(F.root, 0, buf, 1), -LX_EISDIR);
	CHECK_EQ(fs_write(&F, F.root, 0, "x", 1), -LX_EISDIR);
	CHECK_EQ(fs_mknod(&F, F.root, "p", LX_S_IFIFO | 0600, 0, 0), 0);
	CHECK_EQ(fs_read(t_ip("p"), 0, buf, 1), -LX_EINVAL);
	CHECK_EQ(fs_write(&F, t_ip("p"), 0, "x", 1), -LX_EINVAL);
	CHECK_EQ(fs_symlink(&F, "f", F.root, "l"), 0);
	CHECK_EQ(fs_write(&F, t_ip("l"), 0, "x", 1), -LX_EINVAL);
	CHECK_EQ(fs_truncate(&F, t_ip("l"), 0), -LX_EINVAL);
	fs_iput(&F, ip);
	TEARDOWN();
}

/*
 * Looks for a write whose source is the file's own bytes (a server doing
 * copy_file_range within one file) reading a buffer that growing the
 * file just freed: ASan would see it.
 */
TEST(write_from_itself)
{
	struct fs_inode *ip;
	const unsigned char *p;
	unsigned char buf[3 * FS_PAGE];
	uint64_t size;

	SETUP();
	REQUIRE(fs_open(&F, F.root, "f", LX_O_CREAT | LX_O_RDWR, 0644, 0,
		    &ip) == 0);
	for (int i = 0; i < FS_PAGE; i++)
		buf[i] = (unsigned char)(i % 251);
	CHECK_EQ(fs_write(&F, ip, 0, buf, FS_PAGE), FS_PAGE);
	p = fs_file_data(ip, &size);
	CHECK_EQ(fs_write(&F, ip, 2 * FS_PAGE, p, size), FS_PAGE);
	CHECK(fs_file_data(ip, &size) != p);
	p = fs_file_data(ip, &size);
	CHECK_EQ(fs_write(&F, ip, 10, p, 100), 100);
	CHECK_EQ(fs_read(ip, 0, buf, sizeof(buf)), 3 * FS_PAGE);
	for (int i = 0; i < 100; i++)
		if (buf[10 + i] != i % 251)
			FAILF("byte %d", 10 + i);
	CHECK(memcmp(buf + 2 * FS_PAGE + 110, buf + 110, FS_PAGE - 110) == 0);
	CHECK_EQ(buf[FS_PAGE + 7], 0);
	fs_iput(&F, ip);
	CHECK_EQ(
	    fs_create_file_ro(&F, F.root, "ro", 0644, "0123456789", 10), 0);
	ip = t_ip("ro");
	p = fs_file_data(ip, &size);
	CHECK_EQ(fs_write(&F, ip, 2, p, 8), 8);
	CHECK(strcmp(t_text("ro"), "0101234567") == 0);
	TEARDOWN();
}

/*
 * Looks for size-limit bugs: a write at or past FS_MAXSIZE is EFBIG, one
 * that crosses it is cut short, and a file that cannot grow is ENOSPC
 * with nothing changed.
 */
TEST(write_limits)
{
	struct fs_inode *ip;
	char buf[8];

	SETUP();
	REQUIRE(fs_open(&F, F.root, "f", LX_O_CREAT | LX_O_RDWR, 0644, 0,
		    &ip) == 0);
	CHECK_EQ(fs_write(&F, ip, FS_MAXSIZE, "x", 1), -LX_EFBIG);
	CHECK_EQ(fs_write(&F, ip, UINT64_MAX, "x", 1), -LX_EFBIG);
	CHECK_EQ(fs_truncate(&F, ip, FS_MAXSIZE + 1), -LX_EFBIG);
	data_limit = 1 << 20;
	CHECK_EQ(fs_write(&F, ip, 0, "hello", 5), 5);
	CHECK_EQ(fs_write(&F, ip, FS_MAXSIZE - 2, "xyz", 3), -LX_ENOSPC);
	CHECK_EQ(fs_truncate(&F, ip, 2 << 20), -LX_ENOSPC);
	CHECK_EQ(ip->size, 5);
	CHECK_EQ(fs_read(ip, 0, buf, 8), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	/* Doubling is a wish: near the limit the exact size still fits. */
	CHECK_EQ(fs_truncate(&F, ip, 600000), 0);
	CHECK_EQ(ip->u.reg.cap, 602112);
	CHECK_EQ(fs_write(&F, ip, 700000, "x", 1), 1);
	CHECK_EQ(ip->u.reg.cap, 700416);
	CHECK_EQ(fs_read(ip, 0, buf, 8), 8);
	CHECK(memcmp(buf, "hello\0\0\0", 8) == 0);
	data_limit = UINT64_MAX;
	fs_iput(&F, ip);
	TEARDOWN();
}

/*
 * Looks for truncate bugs: growing zero-fills even over bytes a shrink
 * left behind in the buffer, shrinking keeps the rest, emptying frees
 * the buffer, and the times move every time.
 */
TEST(truncate)
{
	struct fs_inode *ip;
	char buf[100];
	int64_t t0;

	SETUP();
	CHECK_EQ(t_file("f", "0123456789"), 0);
	ip = t_ip("f");
	REQUIRE(ip);
	CHECK_EQ(fs_truncate(&F, ip, 4), 0);
	CHECK_EQ(ip->size, 4);
	CHECK_EQ(fs_truncate(&F, ip, 8), 0);
	CHECK_EQ(fs_read(ip, 0, buf, sizeof(buf)), 8);
	CHECK(memcmp(buf, "0123\0\0\0\0", 8) == 0);
	t0 = t_clock;
	CHECK_EQ(fs_truncate(&F, ip, 8), 0);
	CHECK(ip->mtime > t0 && ip->ctime > t0);
	CHECK_EQ(fs_truncate(&F, ip, 0), 0);
	CHECK(ip->u.reg.data == NULL && F.data_bytes == 0);
	CHECK_EQ(fs_truncate(&F, ip, 5000), 0);
	CHECK_EQ(fs_read(ip, 4990, buf, 100), 10);
	CHECK(memcmp(buf, "\0\0\0\0\0\0\0\0\0\0", 10) == 0);
	CHECK_EQ(fs_truncate(&F, F.root, 0), -LX_EISDIR);
	TEARDOWN();
}

/*
 * Looks for borrowed boot-image files being written in place: reads and
 * fs_file_data use the borrowed bytes, the first write or growth copies
 * them into an owned buffer and leaves the original untouched, and
 * freeing never hands the borrowed bytes to fs_data_free (the hook would
 * abort).
 */
TEST(file_ro)
{
	static const char image[] = "ELF pretend contents";
	uint64_t size;
	struct fs_inode *ip;
	char buf[64];

	SETUP();
	CHECK_EQ(t_mkdir("bin"), 0);
	CHECK_EQ(fs_create_file_ro(&F, F.root, "bin/prog", 0755, image, 20), 0);
	CHECK_EQ(fs_create_file_ro(&F, F.root, "bin/prog", 0755, image, 20),
	    -LX_EEXIST);
	CHECK_EQ(fs_create_file_ro(&F, F.root, "bin/x/", 0755, image, 20),
	    -LX_ENOENT);
	CHECK_EQ(fs_create_file_ro(
		     &F, F.root, "bin/big", 0755, image, FS_MAXSIZE + 1),
	    -LX_EFBIG);
	CHECK_EQ(fs_create_file_ro(&F, F.root, "bin/other", 0755, image, 3), 0);
	ip = t_ip("bin/prog");
	REQUIRE(ip);
	CHECK_EQ(ip->mode, LX_S_IFREG | 0755);
	CHECK(fs_file_data(ip, &size) == image && size == 20);
	CHECK_EQ(fs_read(ip, 4, buf, 8), 8);
	CHECK(memcmp(buf, "pretend ", 8) == 0);
	CHECK_EQ(F.data_bytes, 0);
	/* Shrinking needs no copy; writing does. */
	CHECK_EQ(fs_truncate(&F, ip, 11), 0);
	CHECK(fs_file_data(ip, &size) == image && size == 11);
	CHECK_EQ(fs_write(&F, ip, 0, "elf", 3), 3);
	CHECK(fs_file_data(ip, &size) != image && size == 11);
	CHECK_EQ(fs_read(ip, 0, buf, 64), 11);
	CHECK(memcmp(buf, "elf pretend", 11) == 0);
	CHECK(strcmp(image, "ELF pretend contents") == 0);
	/* Growing a borrowed file copies it too. */
	ip = t_ip("bin/other");
	CHECK_EQ(fs_truncate(&F, ip, 6), 0);
	CHECK(fs_file_data(ip, &size) != image && size == 6);
	CHECK_EQ(fs_read(ip, 0, buf, 64), 6);
	CHECK(memcmp(buf, "ELF\0\0\0", 6) == 0);
	CHECK_EQ(fs_create_file_ro(&F, F.root, "bin/empty", 0644, image, 0), 0);
	CHECK(fs_file_data(t_ip("bin/empty"), &size) == NULL && size == 0);
	CHECK_EQ(t_open("bin/prog", LX_O_WRONLY | LX_O_TRUNC), 0);
	CHECK_EQ(fs_create_file_ro(&F, F.root, "bin/gone", 0644, image, 20), 0);
	CHECK_EQ(fs_unlink(&F, F.root, "bin/gone"), 0);
	TEARDOWN();
}

/* Making names. */

/*
 * Looks for mkdir bugs: EEXIST for every existing name (a dangling link,
 * ".", "..", "/"), a trailing slash accepted, ENOENT in a missing
 * directory, the parent's link count and times, the mode with the umask
 * and the sticky bit kept, S_ISGID inherited.
 */
TEST(mkdir)
{
	struct fs_inode *d;
	int64_t t0;

	SETUP();
	t0 = t_clock;
	CHECK_EQ(fs_mkdir(&F, F.root, "d/", 01777, 022), 0);
	d = t_ip("d");
	REQUIRE(d);
	CHECK_EQ(d->mode, LX_S_IFDIR | 01755);
	CHECK_EQ(d->nlink, 2);
	CHECK_EQ(F.root->nlink, 3);
	CHECK(F.root->mtime > t0 && F.root->ctime > t0);
	CHECK_EQ(t_mkdir("d"), -LX_EEXIST);
	CHECK_EQ(t_mkdir("d/."), -LX_EEXIST);
	CHECK_EQ(t_mkdir("d/.."), -LX_EEXIST);
	CHECK_EQ(t_mkdir("/"), -LX_EEXIST);
	CHECK_EQ(fs_symlink(&F, "nowhere", F.root, "dang"), 0);
	CHECK_EQ(t_mkdir("dang"), -LX_EEXIST);
	CHECK_EQ(t_mkdir("dang/"), -LX_EEXIST);
	CHECK(t_ip("nowhere") == NULL);
	CHECK_EQ(t_mkdir("x/y"), -LX_ENOENT);
	CHECK_EQ(t_mkdir(""), -LX_ENOENT);
	CHECK_EQ(t_file("f", ""), 0);
	CHECK_EQ(t_mkdir("f/y"), -LX_ENOTDIR);
	CHECK_EQ(t_mkdir("d/e//"), 0);
	CHECK_EQ(d->nlink, 3);
	CHECK_EQ(fs_chmod(d, 02755), 0);
	CHECK_EQ(fs_mkdir(&F, F.root, "d/g", 0700, 0), 0);
	CHECK_EQ(t_ip("d/g")->mode, LX_S_IFDIR | 02700);
	TEARDOWN();
}

/*
 * Looks for mknod bugs: each allowed type made with its rdev, type 0
 * meaning a regular file, S_IFDIR refused with EPERM and nonsense types
 * with EINVAL before the path is even looked at.
 */
TEST(mknod)
{
	struct fs_stat st;

	SETUP();
	CHECK_EQ(fs_mknod(&F, F.root, "c", LX_S_IFCHR | 0666, 022, 0x103), 0);
	fs_stat(t_ip("c"), &st);
	CHECK_EQ(st.mode, LX_S_IFCHR | 0644);
	CHECK_EQ(st.rdev, 0x103);
	CHECK_EQ(fs_mknod(&F, F.root, "b", LX_S_IFBLK | 0600, 0, 7), 0);
	CHECK_EQ(t_ip("b")->rdev, 7);
	CHECK_EQ(fs_mknod(&F, F.root, "p", LX_S_IFIFO | 0600, 0, 7), 0);
	CHECK_EQ(t_ip("p")->rdev, 0);
	CHECK_EQ(t_type("p"), LX_S_IFIFO);
	CHECK_EQ(fs_mknod(&F, F.root, "s", LX_S_IFSOCK | 0600, 0, 0), 0);
	CHECK_EQ(t_type("s"), LX_S_IFSOCK);
	CHECK_EQ(fs_mknod(&F, F.root, "r", 0644, 0, 0), 0);
	CHECK_EQ(t_type("r"), LX_S_IFREG);
	CHECK_EQ(fs_mknod(&F, F.root, "r2", LX_S_IFREG | 0644, 0, 0), 0);
	CHECK_EQ(fs_mknod(&F, F.root, "d", LX_S_IFDIR | 0755, 0, 0), -LX_EPERM);
	CHECK_EQ(fs_mknod(&F, F.root, "", LX_S_IFDIR | 0755, 0, 0), -LX_EPERM);
	CHECK_EQ(fs_mknod(&F, F.root, "x", 0170000, 0, 0), -LX_EINVAL);
	CHECK_EQ(fs_mknod(&F, F.root, "", 0030000, 0, 0), -LX_EINVAL);
	CHECK_EQ(fs_mknod(&F, F.root, "p", LX_S_IFIFO, 0, 0), -LX_EEXIST);
	CHECK_EQ(fs_mknod(&F, F.root, "q/", LX_S_IFIFO, 0, 0), -LX_ENOENT);
	CHECK_EQ(fs_mknod(&F, F.root, "p/", LX_S_IFIFO, 0, 0), -LX_EEXIST);
	CHECK_EQ(fs_mknod(&F, F.root, "..", LX_S_IFIFO, 0, 0), -LX_EEXIST);
	TEARDOWN();
}

/*
 * Looks for link bugs: nlink and ctime of the inode, both names showing
 * the same bytes, EPERM for directories, EEXIST, following a final link
 * only with FS_FOLLOW, and no link to an inode that lost its last name.
 */
TEST(link)
{
	struct fs_inode *f, *ip;
	int64_t t0;

	SETUP();
	CHECK_EQ(t_mkdir("d"), 0);
	CHECK_EQ(t_file("f", "data"), 0);
	f = t_ip("f");
	t0 = t_clock;
	CHECK_EQ(fs_link(&F, F.root, "f", F.root, "d/g", FS_NOFOLLOW), 0);
	CHECK_EQ(f->nlink, 2);
	CHECK(f->ctime > t0 && t_ip("d")->mtime > t0);
	CHECK(t_ip("d/g") == f);
	CHECK_EQ(t_file("d/g", "new"), 0);
	CHECK(strcmp(t_text("f"), "new") == 0);
	CHECK_EQ(
	    fs_link(&F, F.root, "d", F.root, "d2", FS_NOFOLLOW), -LX_EPERM);
	CHECK_EQ(
	    fs_link(&F, F.root, "f", F.root, "d/g", FS_NOFOLLOW), -LX_EEXIST);
	CHECK_EQ(
	    fs_link(&F, F.root, "d", F.root, "f", FS_NOFOLLOW), -LX_EEXIST);
	CHECK_EQ(
	    fs_link(&F, F.root, "f", F.root, "d/.", FS_NOFOLLOW), -LX_EEXIST);
	CHECK_EQ(
	    fs_link(&F, F.root, "f", F.root, "new/", FS_NOFOLLOW), -LX_ENOENT);
	CHECK_EQ(
	    fs_link(&F, F.root, "none", F.root, "x", FS_NOFOLLOW), -LX_ENOENT);
	CHECK_EQ(fs_link(&F, F.root, "f", F.root, "none/x", FS_NOFOLLOW),
	    -LX_ENOENT);
	CHECK_EQ(fs_symlink(&F, "f", F.root, "l"), 0);
	CHECK_EQ(fs_link(&F, F.root, "l", F.root, "hl", FS_NOFOLLOW), 0);
	CHECK(t_ip("hl") == t_ip("l"));
	CHECK_EQ(fs_link(&F, F.root, "l", F.root, "hf", FS_FOLLOW), 0);
	CHECK(t_ip("hf") == f);
	CHECK_EQ(f->nlink, 3);
	CHECK_EQ(fs_symlink(&F, "d", F.root, "ld"), 0);
	CHECK_EQ(fs_link(&F, F.root, "ld", F.root, "x", FS_FOLLOW), -LX_EPERM);
	/* AT_EMPTY_PATH of an open file with no name left. */
	REQUIRE(fs_open(&F, F.root, "tmp", LX_O_CREAT | LX_O_RDWR, 0600, 0,
		    &ip) == 0);
	CHECK_EQ(fs_unlink(&F, F.root, "tmp"), 0);
	CHECK_EQ(fs_link_inode(&F, ip, F.root, "back"), -LX_ENOENT);
	CHECK_EQ(fs_link_inode(&F, f, F.root, "back"), 0);
	CHECK_EQ(fs_link_inode(&F, F.root, F.root, "r"), -LX_EPERM);
	fs_iput(&F, ip);
	TEARDOWN();
}

/* Removing names. */

/*
 * Looks for unlink bugs: Linux's unlink says EISDIR for a directory (and
 * ".", "..", "/"), and with a trailing slash ENOTDIR for anything but a
 * directory, a link to one included; it removes a link, not its
 * target; it updates the times.
 */
TEST(unlink)
{
	struct fs_inode *f;
	int64_t t0;

	SETUP();
	CHECK_EQ(t_mkdir("d"), 0);
	CHECK_EQ(t_file("f", "x"), 0);
	CHECK_EQ(fs_link(&F, F.root, "f", F.root, "g", FS_NOFOLLOW), 0);
	CHECK_EQ(fs_symlink(&F, "d", F.root, "ld"), 0);
	CHECK_EQ(fs_symlink(&F, "f", F.root, "lf"), 0);
	CHECK_EQ(fs_unlink(&F, F.root, "d"), -LX_EISDIR);
	CHECK_EQ(fs_unlink(&F, F.root, "d/"), -LX_EISDIR);
	CHECK_EQ(fs_unlink(&F, F.root, "d/."), -LX_EISDIR);
	CHECK_EQ(fs_unlink(&F, F.root, "d/.."), -LX_EISDIR);
	CHECK_EQ(fs_unlink(&F, F.root, "/"), -LX_EISDIR);
	CHECK_EQ(fs_unlink(&F, F.root, "f/"), -LX_ENOTDIR);
	CHECK_EQ(fs_unlink(&F, F.root, "ld/"), -LX_ENOTDIR);
	CHECK_EQ(fs_unlink(&F, F.root, "none/"), -LX_ENOENT);
	CHECK_EQ(fs_unlink(&F, F.root, "none"), -LX_ENOENT);
	CHECK_EQ(fs_unlink(&F, F.root, "f/x"), -LX_ENOTDIR);
	CHECK_EQ(fs_unlink(&F, F.root, ""), -LX_ENOENT);
	f = t_ip("f");
	t0 = t_clock;
	CHECK_EQ(fs_unlink(&F, F.root, "lf"), 0);
	CHECK(t_ip("lf") == NULL && t_ip("f") == f);
	CHECK_EQ(fs_unlink(&F, F.root, "ld"), 0);
	CHECK_EQ(t_type("d"), LX_S_IFDIR);
	CHECK_EQ(fs_unlink(&F, F.root, "f"), 0);
	CHECK_EQ(f->nlink, 1);
	CHECK(f->ctime > t0 && F.root->mtime > t0 && F.root->ctime > t0);
	CHECK_EQ(F.ninodes, 3);
	CHECK_EQ(fs_unlink(&F, F.root, "g"), 0);
	CHECK_EQ(F.ninodes, 2);
	TEARDOWN();
}

/*
 * Looks for an unlinked open file freed too early (ASan would see the
 * use after free) or never (the inode count and leak check would): it
 * stays readable and writable until the last reference goes.
 */
TEST(unlink_open_file)
{
	struct fs_inode *a, *b;
	char buf[8];

	SETUP();
	CHECK_EQ(t_file("f", "keep"), 0);
	REQUIRE(fs_open(&F, F.root, "f", LX_O_RDWR, 0, 0, &a) == 0);
	REQUIRE(fs_open(&F, F.root, "f", LX_O_RDONLY, 0, 0, &b) == 0);
	CHECK_EQ(a->refs, 2);
	CHECK_EQ(fs_unlink(&F, F.root, "f"), 0);
	CHECK_EQ(a->nlink, 0);
	CHECK_EQ(F.ninodes, 2);
	CHECK_EQ(fs_write(&F, a, 4, "!!", 2), 2);
	fs_iput(&F, a);
	CHECK_EQ(fs_read(b, 0, buf, 8), 6);
	CHECK(memcmp(buf, "keep!!", 6) == 0);
	CHECK(t_ip("f") == NULL);
	fs_iput(&F, b);
	CHECK_EQ(F.ninodes, 1);
	CHECK_EQ(F.data_bytes, 0);
	TEARDOWN();
}

/*
 * Looks for rmdir bugs: ENOTEMPTY, ENOTDIR (a link to a directory too),
 * and Linux's odd errors for the special last components: "." EINVAL,
 * ".." ENOTEMPTY, "/" EBUSY; the parent's link count.
 */
TEST(rmdir)
{
	SETUP();
	CHECK_EQ(t_mkdir("d"), 0);
	CHECK_EQ(t_mkdir("d/e"), 0);
	CHECK_EQ(t_file("f", ""), 0);
	CHECK_EQ(fs_symlink(&F, "d/e", F.root, "le"), 0);
	CHECK_EQ(F.root->nlink, 3);
	CHECK_EQ(fs_rmdir(&F, F.root, "d"), -LX_ENOTEMPTY);
	CHECK_EQ(fs_rmdir(&F, F.root, "f"), -LX_ENOTDIR);
	CHECK_EQ(fs_rmdir(&F, F.root, "f/"), -LX_ENOTDIR);
	CHECK_EQ(fs_rmdir(&F, F.root, "le"), -LX_ENOTDIR);
	CHECK_EQ(fs_rmdir(&F, F.root, "le/"), -LX_ENOTDIR);
	CHECK_EQ(fs_rmdir(&F, F.root, "d/e/."), -LX_EINVAL);
	CHECK_EQ(fs_rmdir(&F, F.root, "."), -LX_EINVAL);
	CHECK_EQ(fs_rmdir(&F, F.root, "d/e/.."), -LX_ENOTEMPTY);
	CHECK_EQ(fs_rmdir(&F, F.root, "/"), -LX_EBUSY);
	CHECK_EQ(fs_rmdir(&F, F.root, "none"), -LX_ENOENT);
	CHECK_EQ(fs_rmdir(&F, F.root, ""), -LX_ENOENT);
	CHECK_EQ(t_ip("d")->nlink, 3);
	CHECK_EQ(fs_rmdir(&F, F.root, "d/e/"), 0);
	CHECK_EQ(t_ip("d")->nlink, 2);
	CHECK_EQ(fs_rmdir(&F, F.root, "d"), 0);
	CHECK_EQ(F.root->nlink, 2);
	CHECK_EQ(F.ninodes, 3);
	TEARDOWN();
}

/*
 * Looks for a removed directory that is still a working directory going
 * wrong: getcwd and readdir say ENOENT, nothing can be created in it, its
 * ".." still leads to the old parent (which must stay alive even when
 * removed in turn), and everything is freed at the last reference.
 */
TEST(rmdir_cwd)
{
	struct fs_inode *cwd, *ip, *up;
	struct t_list l;
	uint64_t cookie = 0;
	char buf[64];

	SETUP();
	CHECK_EQ(t_mkdir("p"), 0);
	CHECK_EQ(t_mkdir("p/c"), 0);
	REQUIRE(fs_lookup(&F, F.root, "p/c", FS_FOLLOW, &cwd) == 0);
	CHECK_EQ(fs_getcwd(&F, cwd, buf, sizeof(buf)), 5);
	CHECK(strcmp(buf, "/p/c") == 0);
	CHECK_EQ(fs_rmdir(&F, F.root, "p/c"), 0);
	CHECK_EQ(cwd->nlink, 0);
	CHECK_EQ(fs_getcwd(&F, cwd, buf, sizeof(buf)), -LX_ENOENT);
	CHECK_EQ(fs_readdir(cwd, &cookie, t_emit, &l), -LX_ENOENT);
	CHECK_EQ(fs_mkdir(&F, cwd, "x", 0755, 0), -LX_ENOENT);
	CHECK_EQ(fs_open(&F, cwd, "x", LX_O_CREAT | LX_O_RDWR, 0644, 0, &ip),
	    -LX_ENOENT);
	CHECK_EQ(fs_symlink(&F, "x", cwd, "x"), -LX_ENOENT);
	CHECK_EQ(fs_lookup(&F, cwd, ".", FS_FOLLOW, &ip), 0);
	CHECK(ip == cwd);
	fs_iput(&F, ip);
	CHECK_EQ(fs_lookup(&F, cwd, "..", FS_FOLLOW, &up), 0);
	CHECK(up == t_ip("p"));
	fs_iput(&F, up);
	CHECK_EQ(fs_rmdir(&F, cwd, "."), -LX_EINVAL);
	/* The old parent goes too, but lives on for our "..". */
	CHECK_EQ(fs_rmdir(&F, F.root, "p"), 0);
	CHECK_EQ(F.ninodes, 3);
	CHECK_EQ(fs_lookup(&F, cwd, "../..", FS_FOLLOW, &ip), 0);
	CHECK(ip == F.root);
	fs_iput(&F, ip);
	CHECK_EQ(fs_mkdir(&F, cwd, "../x", 0755, 0), -LX_ENOENT);
	fs_iput(&F, cwd);
	CHECK_EQ(F.ninodes, 1);
	CHECK_EQ(F.root->refs, 0);
	memset(&l, 0, sizeof(l));
	CHECK_EQ(t_list_all(F.root, &l), 2);
	CHECK(t_has(&l, "..") == 1 && t_has(&l, "p") == 0);
	free(l.v);
	TEARDOWN();
}

/* Renaming. */

/*
 * Looks for rename bugs in the plain cases: a file moved and its old
 * name gone, a file replaced (the old one freed), two names of one inode
 * (nothing happens, both stay), directories moved with their link counts
 * and getcwd following, an empty directory replaced, and the times.
 */
TEST(rename_basic)
{
	struct fs_inode *f, *d;
	char buf[64];
	int64_t t0;

	SETUP();
	CHECK_EQ(t_mkdir("a"), 0);
	CHECK_EQ(t_mkdir("b"), 0);
	CHECK_EQ(t_file("a/f", "one"), 0);
	CHECK_EQ(t_file("b/g", "two"), 0);
	f = t_ip("a/f");
	t0 = t_clock;
	CHECK_EQ(fs_rename(&F, F.root, "a/f", F.root, "b/f2", 0), 0);
	CHECK(t_ip("a/f") == NULL && t_ip("b/f2") == f);
	CHECK(f->ctime > t0 && t_ip("a")->mtime > t0 && t_ip("b")->mtime > t0);
	CHECK_EQ(fs_rename(&F, F.root, "b/f2", F.root, "b/g", 0), 0);
	CHECK(t_ip("b/g") == f && t_ip("b/f2") == NULL);
	CHECK(strcmp(t_text("b/g"), "one") == 0);
	CHECK_EQ(F.ninodes, 4);
	/* Two names of one file: a no-op. */
	CHECK_EQ(fs_link(&F, F.root, "b/g", F.root, "a/h", FS_NOFOLLOW), 0);
	CHECK_EQ(fs_rename(&F, F.root, "b/g", F.root, "a/h", 0), 0);
	CHECK(t_ip("b/g") == f && t_ip("a/h") == f && f->nlink == 2);
	CHECK_EQ(fs_rename(&F, F.root, "b/g", F.root, "b/g", 0), 0);
	/* Directories. */
	CHECK_EQ(t_mkdir("a/sub"), 0);
	CHECK_EQ(t_mkdir("a/sub/deep"), 0);
	d = t_ip("a/sub/deep");
	CHECK_EQ(fs_rename(&F, F.root, "a/sub", F.root, "b/moved", 0), 0);
	CHECK_EQ(t_ip("a")->nlink, 2);
	CHECK_EQ(t_ip("b")->nlink, 3);
	CHECK_EQ(fs_getcwd(&F, d, buf, sizeof(buf)), 14);
	CHECK(strcmp(buf, "/b/moved/deep") == 0);
	CHECK(t_ip("b/moved/deep/../..") == t_ip("b"));
	CHECK_EQ(t_mkdir("a/empty"), 0);
	CHECK_EQ(fs_rename(&F, F.root, "b/moved", F.root, "a/empty", 0), 0);
	CHECK_EQ(t_ip("a")->nlink, 3);
	CHECK_EQ(t_ip("b")->nlink, 2);
	CHECK_EQ(fs_getcwd(&F, d, buf, sizeof(buf)), 14);
	CHECK(strcmp(buf, "/a/empty/deep") == 0);
	/* Within one directory, with trailing slashes on directories. */
	CHECK_EQ(fs_rename(&F, F.root, "a/empty/", F.root, "a/e2/", 0), 0);
	CHECK_EQ(t_ip("a")->nlink, 3);
	CHECK(t_ip("a/e2/deep") == d);
	CHECK_EQ(F.ninodes, 6);
	TEARDOWN();
}

/*
 * Looks for every rename error in Linux's order: bad flags first, then
 * the two paths, then ".", "..", "/", missing source, NOREPLACE, trailing
 * slashes on non-directories, moving a directory under itself (EINVAL),
 * onto its own ancestor (ENOTEMPTY), type mismatches, non-empty target.
 */
TEST(rename_errors)
{
	SETUP();
	CHECK_EQ(t_mkdir("d"), 0);
	CHECK_EQ(t_mkdir("d/sub"), 0);
	CHECK_EQ(t_mkdir("e"), 0);
	CHECK_EQ(t_file("d/sub/f", "x"), 0);
	CHECK_EQ(t_file("f", "y"), 0);
	CHECK_EQ(fs_rename(&F, F.root, "f", F.root, "g", 4), -LX_EINVAL);
	CHECK_EQ(fs_rename(&F, F.root, "f", F.root, "g", 8), -LX_EINVAL);
	CHECK_EQ(fs_rename(&F, F.root, "", F.root, "", 3), -LX_EINVAL);
	CHECK_EQ(fs_rename(&F, F.root, "", F.root, "g", 0), -LX_ENOENT);
	CHECK_EQ(fs_rename(&F, F.root, "f", F.root, "", 0), -LX_ENOENT);
	CHECK_EQ(fs_rename(&F, F.root, "x/f", F.root, "g", 0), -LX_ENOENT);
	CHECK_EQ(fs_rename(&F, F.root, "d/.", F.root, "g", 0), -LX_EBUSY);
	CHECK_EQ(fs_rename(&F, F.root, "d/..", F.root, "g", 0), -LX_EBUSY);
	CHECK_EQ(fs_rename(&F, F.root, "/", F.root, "g", 0), -LX_EBUSY);
	CHECK_EQ(fs_rename(&F, F.root, "f", F.root, ".", 0), -LX_EBUSY);
	CHECK_EQ(
	    fs_rename(&F, F.root, "f", F.root, "d/..", LX_RENAME_NOREPLACE),
	    -LX_EEXIST);
	CHECK_EQ(fs_rename(&F, F.root, "f", F.root, "/", LX_RENAME_EXCHANGE),
	    -LX_EBUSY);
	CHECK_EQ(fs_rename(&F, F.root, "none", F.root, "g", 0), -LX_ENOENT);
	CHECK_EQ(fs_rename(&F, F.root, "f", F.root, "d", LX_RENAME_NOREPLACE),
	    -LX_EEXIST);
	CHECK_EQ(fs_rename(&F, F.root, "f/", F.root, "g", 0), -LX_ENOTDIR);
	CHECK_EQ(fs_rename(&F, F.root, "f", F.root, "g/", 0), -LX_ENOTDIR);
	CHECK_EQ(fs_rename(&F, F.root, "e/", F.root, "e2/", 0), 0);
	CHECK_EQ(fs_rename(&F, F.root, "d", F.root, "d/sub/x", 0), -LX_EINVAL);
	CHECK_EQ(fs_rename(&F, F.root, "d", F.root, "d/x", 0), -LX_EINVAL);
	CHECK_EQ(
	    fs_rename(&F, F.root, "d/sub", F.root, "d/sub/x", 0), -LX_EINVAL);
	CHECK_EQ(
	    fs_rename(&F, F.root, "d/sub/f", F.root, "d", 0), -LX_ENOTEMPTY);
	CHECK_EQ(fs_rename(&F, F.root, "d/sub", F.root, "d", 0), -LX_ENOTEMPTY);
	CHECK_EQ(
	    fs_rename(&F, F.root, "d/sub/f", F.root, "d", LX_RENAME_EXCHANGE),
	    -LX_EINVAL);
	CHECK_EQ(fs_rename(&F, F.root, "d", F.root, "f", 0), -LX_ENOTDIR);
	CHECK_EQ(fs_rename(&F, F.root, "f", F.root, "e2", 0), -LX_EISDIR);
	CHECK_EQ(fs_rename(&F, F.root, "e2", F.root, "d", 0), -LX_ENOTEMPTY);
	CHECK_EQ(fs_rename(&F, F.root, "f", F.root, "nodir/g", 0), -LX_ENOENT);
	CHECK_EQ(fs_rename(&F, F.root, "f", F.root, "f/g", 0), -LX_ENOTDIR);
	/* Nothing moved. */
	CHECK_EQ(t_type("f"), LX_S_IFREG);
	CHECK_EQ(t_type("d/sub/f"), LX_S_IFREG);
	CHECK_EQ(t_ip("d")->nlink, 3);
	TEARDOWN();
}

/*
 * Looks for RENAME_EXCHANGE bugs: both names swap, even a directory with
 * a file across directories (each parent's link count moves), ENOENT
 * when either is missing, a trailing slash on a non-directory target.
 */
TEST(rename_exchange)
{
	struct fs_inode *d, *f;
	char buf[32];

	SETUP();
	CHECK_EQ(t_mkdir("a"), 0);
	CHECK_EQ(t_mkdir("a/d"), 0);
	CHECK_EQ(t_mkdir("b"), 0);
	CHECK_EQ(t_file("b/f", "file"), 0);
	d = t_ip("a/d");
	f = t_ip("b/f");
	CHECK_EQ(
	    fs_rename(&F, F.root, "a/d", F.root, "b/none", LX_RENAME_EXCHANGE),
	    -LX_ENOENT);
	CHECK_EQ(
	    fs_rename(&F, F.root, "a/none", F.root, "b/f", LX_RENAME_EXCHANGE),
	    -LX_ENOENT);
	CHECK_EQ(
	    fs_rename(&F, F.root, "a/d", F.root, "b/f/", LX_RENAME_EXCHANGE),
	    -LX_ENOTDIR);
	CHECK_EQ(
	    fs_rename(&F, F.root, "a/d/", F.root, "b/f", LX_RENAME_EXCHANGE),
	    0);
	CHECK(t_ip("a/d") == f && t_ip("b/f") == d);
	CHECK_EQ(t_ip("a")->nlink, 2);
	CHECK_EQ(t_ip("b")->nlink, 3);
	CHECK_EQ(fs_getcwd(&F, d, buf, sizeof(buf)), 5);
	CHECK(strcmp(buf, "/b/f") == 0);
	CHECK(t_ip("b/f/..") == t_ip("b"));
	/* Two directories. */
	CHECK_EQ(t_mkdir("a/x"), 0);
	CHECK_EQ(
	    fs_rename(&F, F.root, "a/x", F.root, "b/f", LX_RENAME_EXCHANGE), 0);
	CHECK(t_ip("a/x") == d);
	CHECK_EQ(fs_getcwd(&F, d, buf, sizeof(buf)), 5);
	CHECK(strcmp(buf, "/a/x") == 0);
	CHECK_EQ(t_ip("a")->nlink, 3);
	CHECK_EQ(t_ip("b")->nlink, 3);
	CHECK_EQ(fs_rename(&F, F.root, "a/x", F.root, "a/d",
		     LX_RENAME_EXCHANGE | LX_RENAME_NOREPLACE),
	    -LX_EINVAL);
	CHECK_EQ(fs_rename(&F, F.root, "a", F.root, "a/x", LX_RENAME_EXCHANGE),
	    -LX_EINVAL);
	TEARDOWN();
}

/* Reading the tree. */

/*
 * Looks for wrong stat fields: types, modes, link counts, sizes (a
 * directory's counts entries as tmpfs does), blocks in 512-byte units.
 */
TEST(stat)
{
	struct fs_stat st;

	SETUP();
	CHECK_EQ(t_mkdir("d"), 0);
	CHECK_EQ(t_file("d/f", "12345"), 0);
	fs_stat(t_ip("d/f"), &st);
	CHECK_EQ(st.mode, LX_S_IFREG | 0644);
	CHECK_EQ(st.nlink, 1);
	CHECK_EQ(st.size, 5);
	CHECK_EQ(st.blocks, 8);
	CHECK_EQ(st.blksize, 4096);
	CHECK(st.ino != F.root->ino && st.ino == t_ip("d/f")->ino);
	fs_stat(t_ip("d"), &st);
	CHECK_EQ(st.size, 60);
	CHECK_EQ(st.blocks, 0);
	CHECK_EQ(fs_symlink(&F, "d/f", F.root, "l"), 0);
	fs_stat(t_ip("l"), &st);
	CHECK_EQ(st.mode, LX_S_IFLNK | 0777);
	CHECK_EQ(st.size, 3);
	TEARDOWN();
}

/*
 * Looks for chmod, utimens and access mistakes: type bits kept, ctime
 * moved, links refused, UTIME_NOW/OMIT, and root's execute rule.
 */
TEST(chmod_utimens_access)
{
	struct fs_inode *f;
	int64_t t0;

	SETUP();
	CHECK_EQ(t_file("f", ""), 0);
	f = t_ip("f");
	t0 = t_clock;
	CHECK_EQ(fs_chmod(f, 0104755), 0);
	CHECK_EQ(f->mode, LX_S_IFREG | 04755);
	CHECK(f->ctime > t0);
	CHECK_EQ(fs_symlink(&F, "f", F.root, "l"), 0);
	CHECK_EQ(fs_chmod(t_ip("l"), 0600), -LX_EOPNOTSUPP);
	fs_utimens(f, 5, FS_UTIME_OMIT);
	CHECK_EQ(f->atime, 5);
	CHECK(f->mtime < t0 + 100000);
	t0 = t_clock;
	fs_utimens(f, FS_UTIME_OMIT, FS_UTIME_NOW);
	CHECK(f->mtime > t0 && f->ctime == f->mtime && f->atime == 5);
	t0 = t_clock;
	fs_utimens(f, FS_UTIME_OMIT, FS_UTIME_OMIT);
	CHECK(f->ctime <= t0);
	fs_utimens(f, -7, 9);
	CHECK(f->atime == -7 && f->mtime == 9);
	CHECK_EQ(fs_access(f, LX_X_OK), 0);
	CHECK_EQ(fs_chmod(f, 0666), 0);
	CHECK_EQ(fs_access(f, LX_X_OK), -LX_EACCES);
	CHECK_EQ(fs_access(f, LX_R_OK | LX_W_OK), 0);
	CHECK_EQ(fs_chmod(f, 0), 0);
	CHECK_EQ(fs_access(f, LX_R_OK | LX_W_OK), 0);
	CHECK_EQ(fs_chmod(f, 0010), 0);
	CHECK_EQ(fs_access(f, LX_X_OK), 0);
	CHECK_EQ(fs_chmod(F.root, 0), 0);
	CHECK_EQ(fs_access(F.root, LX_X_OK), 0);
	TEARDOWN();
}

/*
 * Looks for getcwd off-by-ones: the returned length counts the NUL, a
 * buffer exactly that big works and one byte less is ERANGE.
 */
TEST(getcwd)
{
	struct fs_inode *d;
	char buf[64];

	SETUP();
	CHECK_EQ(t_mkdir("abc"), 0);
	CHECK_EQ(t_mkdir("abc/de"), 0);
	d = t_ip("abc/de");
	CHECK_EQ(fs_getcwd(&F, d, buf, 8), 8);
	CHECK(strcmp(buf, "/abc/de") == 0);
	CHECK_EQ(fs_getcwd(&F, d, buf, 7), -LX_ERANGE);
	CHECK_EQ(fs_getcwd(&F, F.root, buf, 2), 2);
	CHECK_EQ(fs_getcwd(&F, F.root, buf, 1), -LX_ERANGE);
	CHECK_EQ(fs_getcwd(&F, F.root, buf, 0), -LX_ERANGE);
	CHECK_EQ(t_file("f", ""), 0);
	CHECK_EQ(fs_getcwd(&F, t_ip("f"), buf, 64), -LX_ENOTDIR);
	TEARDOWN();
}

/*
 * Looks for getcwd writing a path longer than Linux allows: a directory
 * deeper than LX_PATH_MAX bytes (made with relative paths) is
 * ENAMETOOLONG, however big the buffer.
 */
TEST(getcwd_too_long)
{
	static char buf[3 * LX_PATH_MAX];
	struct fs_inode *cur;
	char name[256];

	SETUP();
	memset(name, 'x', 255);
	name[255] = 0;
	cur = F.root;
	for (int depth = 1; depth <= 16; depth++) {
		REQUIRE(fs_mkdir(&F, cur, name, 0755, 0) == 0);
		REQUIRE(fs_lookup(&F, cur, name, FS_FOLLOW, &cur) == 0);
		fs_iput(&F, cur);
		if (depth == 15)
			CHECK_EQ(
			    fs_getcwd(&F, cur, buf, sizeof(buf)), 15 * 256 + 1);
	}
	CHECK_EQ(fs_getcwd(&F, cur, buf, sizeof(buf)), -LX_ENAMETOOLONG);
	CHECK_EQ(fs_lookup(&F, cur, "../../..", FS_FOLLOW, &cur), 0);
	fs_iput(&F, cur);
	CHECK_EQ(fs_getcwd(&F, cur, buf, sizeof(buf)), 13 * 256 + 1);
	TEARDOWN();
}

/*
 * Looks for readdir bugs: "." and ".." first with the right inodes,
 * every entry once with its type, cookies that resume where a full
 * buffer stopped (also at "." and ".."), ENOTDIR on a file.
 */
TEST(readdir_basic)
{
	struct fs_inode *d;
	struct t_list l;
	uint64_t cookie = 0;
	int calls = 0;

	SETUP();
	CHECK_EQ(t_mkdir("d"), 0);
	CHECK_EQ(t_mkdir("d/s"), 0);
	CHECK_EQ(t_file("d/f", ""), 0);
	CHECK_EQ(fs_symlink(&F, "f", F.root, "d/l"), 0);
	CHECK_EQ(fs_mknod(&F, F.root, "d/c", LX_S_IFCHR, 0, 0), 0);
	CHECK_EQ(fs_mknod(&F, F.root, "d/p", LX_S_IFIFO, 0, 0), 0);
	d = t_ip("d");
	CHECK_EQ(t_list_all(d, &l), 7);
	CHECK(strcmp(l.v[0].name, ".") == 0 && l.v[0].ino == d->ino);
	CHECK(strcmp(l.v[1].name, "..") == 0 && l.v[1].ino == F.root->ino);
	CHECK(strcmp(l.v[2].name, "s") == 0 && l.v[2].type == LX_DT_DIR);
	CHECK(strcmp(l.v[3].name, "f") == 0 && l.v[3].type == LX_DT_REG);
	CHECK(strcmp(l.v[4].name, "l") == 0 && l.v[4].type == LX_DT_LNK);
	CHECK(strcmp(l.v[5].name, "c") == 0 && l.v[5].type == LX_DT_CHR);
	CHECK(strcmp(l.v[6].name, "p") == 0 && l.v[6].type == LX_DT_FIFO);
	CHECK_EQ(l.v[3].ino, t_ip("d/f")->ino);
	free(l.v);
	/* One entry per call. */
	memset(&l, 0, sizeof(l));
	for (;;) {
		int before = l.n;
		l.room = 1;
		CHECK_EQ(fs_readdir(d, &cookie, t_emit, &l), 0);
		if (l.n == before || ++calls > 20)
			break;
		CHECK_EQ(l.v[l.n - 1].next, cookie);
	}
	CHECK_EQ(l.n, 7);
	CHECK(strcmp(l.v[1].name, "..") == 0 && strcmp(l.v[6].name, "p") == 0);
	/* Nothing taken: the cookie stays. */
	cookie = 0;
	l.room = 0;
	CHECK_EQ(fs_readdir(d, &cookie, t_emit, &l), 0);
	CHECK_EQ(cookie, 0);
	free(l.v);
	CHECK_EQ(fs_readdir(t_ip("d/f"), &cookie, t_emit, &l), -LX_ENOTDIR);
	CHECK_EQ(t_list_all(F.root, &l), 3);
	CHECK(l.v[1].ino == F.root->ino);
	free(l.v);
	TEARDOWN();
}

/*
 * Looks for a listing that repeats or skips entries while the directory
 * changes between calls: entries added and removed (enough removals to
 * squeeze the holes out of the entry array mid-listing) and renamed.
 * Every entry there from start to end must be seen exactly once; nothing
 * may be seen twice.
 */
TEST(readdir_changes)
{
	struct unit_rng rng = {99};
	static char alive_all[3000], seen[3000], gone[3000];
	struct fs_inode *d;
	struct t_list l;
	uint64_t cookie = 0;
	char name[32], path[64];
	int next = 300, calls = 0;
	uint64_t slots_before = 0;

	SETUP();
	CHECK_EQ(t_mkdir("d"), 0);
	d = t_ip("d");
	for (int i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "d/n%d", i);
		CHECK_EQ(t_file(path, ""), 0);
		alive_all[i] = 1;
	}
	memset(&l, 0, sizeof(l));
	for (;;) {
		int before = l.n;
		l.room = 7;
		REQUIRE(fs_readdir(d, &cookie, t_emit, &l) == 0);
		for (int i = before; i < l.n; i++) {
			int k;
			if (l.v[i].name[0] != 'n')
				continue;
			k = atoi(l.v[i].name + 1);
			CHECKF(!seen[k], "%s seen twice", l.v[i].name);
			CHECKF(!gone[k], "%s seen after removal", l.v[i].name);
			seen[k] = 1;
		}
		if (l.n == before || ++calls > 2000)
			break;
		/* Change things: remove a few (many, once), add a few. */
		if (calls == 5)
			slots_before = d->u.dir.nslots;
		for (int j = 0, m = calls == 5 ? next : 3; j < m; j++) {
			int k = calls == 5
			    ? j
			    : (int)unit_below(&rng, (unsigned long long)next);
			if (calls == 5 && k % 4 == 0)
				continue;
			if (gone[k])
				continue;
			snprintf(path, sizeof(path), "d/n%d", k);
			CHECK_EQ(fs_unlink(&F, F.root, path), 0);
			gone[k] = 1;
			alive_all[k] = 0;
		}
		if (calls == 5)
			CHECKF(d->u.dir.nslots < slots_before,
			    "no compaction: %llu slots",
			    (unsigned long long)d->u.dir.nslots);
		for (int j = 0; j < 2 && next < 3000; j++) {
			snprintf(path, sizeof(path), "d/n%d", next++);
			CHECK_EQ(t_file(path, ""), 0);
		}
		if (calls % 4 == 0 && next < 3000) {
			int k = (int)unit_below(&rng, (unsigned long long)next);
			if (!gone[k]) {
				snprintf(path, sizeof(path), "d/n%d", k);
				snprintf(name, sizeof(name), "d/n%d", next++);
				CHECK_EQ(fs_rename(
					     &F, F.root, path, F.root, name, 0),
				    0);
				gone[k] = 1;
				alive_all[k] = 0;
			}
		}
	}
	for (int k = 0; k < 300; k++)
		CHECKF(!alive_all[k] || seen[k], "n%d was never listed", k);
	/* The ones added during the listing come after the cookie: all seen. */
	for (int k = 300; k < next; k++)
		CHECKF(gone[k] || seen[k], "new n%d missed", k);
	CHECK(d->u.dir.nslots - d->u.dir.nlive <= 16 ||
	    d->u.dir.nslots - d->u.dir.nlive <= d->u.dir.nlive);
	free(l.v);
	TEARDOWN();
}

/*
 * Looks for linear-time directories: 10000 files in one directory must
 * keep hash chains short, list once each, and go away again.  (A list
 * would make this quadratic and the test slow, and the chain check fail.)
 */
TEST(big_directory)
{
	struct fs_inode *d;
	struct fs_stat st;
	struct t_list l;
	uint64_t longest = 0;
	char path[64];
	int n = 10000;

	SETUP();
	CHECK_EQ(t_mkdir("d"), 0);
	d = t_ip("d");
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "d/file%d", i);
		if (t_open(path, LX_O_CREAT | LX_O_EXCL | LX_O_WRONLY) != 0)
			FAILF("creating %s", path);
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "d/file%d", i);
		if (t_ip(path) == NULL)
			FAILF("%s is missing", path);
	}
	CHECK(d->u.dir.nbuckets >= (uint64_t)n / 2);
	for (uint64_t b = 0; b < d->u.dir.nbuckets; b++) {
		uint64_t len = 0;
		for (struct fs_dirent *e = d->u.dir.buckets[b]; e; e = e->hnext)
			len++;
		if (len > longest)
			longest = len;
	}
	CHECKF(
	    longest <= 12, "a hash chain of %llu", (unsigned long long)longest);
	CHECK_EQ(t_list_all(d, &l), n + 2);
	for (int i = 0; i < n && i + 2 < l.n; i++) {
		snprintf(path, sizeof(path), "file%d", i);
		if (strcmp(l.v[i + 2].name, path) != 0)
			FAILF(
			    "entry %d is %s, not %s", i, l.v[i + 2].name, path);
	}
	free(l.v);
	fs_stat(d, &st);
	CHECK_EQ(st.size, (uint64_t)(n + 2) * 20);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "d/file%d", i);
		if (fs_unlink(&F, F.root, path) != 0)
			FAILF("removing %s", path);
	}
	CHECK_EQ(t_list_all(d, &l), 2);
	free(l.v);
	/* The tables shrank back. */
	CHECK(d->u.dir.capslots <= 64 && d->u.dir.nbuckets <= 16);
	CHECK_EQ(fs_rmdir(&F, F.root, "d"), 0);
	CHECK_EQ(F.ninodes, 1);
	TEARDOWN();
}

/*
 * Looks for leaks at fs_destroy: files and removed directories the
 * server still holds, borrowed files, links, must all be freed (the hook
 * counts and LeakSanitizer check).
 */
TEST(destroy_frees_all)
{
	struct fs_inode *ip, *dir;

	SETUP();
	CHECK_EQ(t_mkdir("d"), 0);
	CHECK_EQ(t_mkdir("d/e"), 0);
	CHECK_EQ(t_file("d/e/f", "some text"), 0);
	CHECK_EQ(fs_symlink(&F, "d/e/f", F.root, "l"), 0);
	CHECK_EQ(fs_create_file_ro(&F, F.root, "ro", 0644, "abc", 3), 0);
	REQUIRE(fs_open(&F, F.root, "d/e/f", LX_O_RDWR, 0, 0, &ip) == 0);
	REQUIRE(fs_lookup(&F, F.root, "d/e", FS_FOLLOW, &dir) == 0);
	CHECK_EQ(fs_unlink(&F, F.root, "d/e/f"), 0);
	CHECK_EQ(fs_rmdir(&F, F.root, "d/e"), 0);
	CHECK(nallocs_live > 0 && data_live > 0);
	TEARDOWN();
}

/* Fault injection. */

struct t_buf {
	char *p;
	size_t n, cap;
};

__attribute__((format(printf, 2, 3))) static void
t_put(struct t_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		if (b->p != NULL && (size_t)n < b->cap - b->n)
			break;
		b->cap = b->cap * 2 + (size_t)n + 256;
		b->p = realloc(b->p, b->cap);
	}
	b->n += (size_t)n;
}

static uint64_t
t_hash(const void *p, uint64_t n)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ULL;

	for (uint64_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ULL;
	return h;
}

static void
t_snap_inode(struct t_buf *b, struct fs_inode *ip)
{
	struct fs_stat st;
	uint64_t size;
	const void *data;

	fs_stat(ip, &st);
	t_put(b,
	    " ino=%llu mode=%o nlink=%u size=%llu rdev=%llu m=%lld c=%lld "
	    "refs=%llu",
	    (unsigned long long)st.ino, st.mode, st.nlink,
	    (unsigned long long)st.size, (unsigned long long)st.rdev,
	    (long long)st.mtime, (long long)st.ctime,
	    (unsigned long long)ip->refs);
	if (is_reg(ip)) {
		data = fs_file_data(ip, &size);
		t_put(b, " data=%llx", (unsigned long long)t_hash(data, size));
	}
	if (is_lnk(ip))
		t_put(b, " -> %s", ip->u.link);
	t_put(b, "\n");
}

static void
t_snap_dir(struct t_buf *b, struct fs_inode *dp, const char *where)
{
	struct t_list l;
	char sub[1024];

	if (t_list_all(dp, &l) < 0)
		return;
	for (int i = 2; i < l.n; i++) {
		struct fs_inode *ip =
		    dir_find(dp, l.v[i].name, strlen(l.v[i].name))->ip;
		snprintf(sub, sizeof(sub), "%s/%s", where, l.v[i].name);
		t_put(b, "%s type=%u", sub, l.v[i].type);
		t_snap_inode(b, ip);
		if (is_dir(ip))
			t_snap_dir(b, ip, sub);
	}
	free(l.v);
}

/*
 * Everything a failed call could have changed, as text: the tree from the
 * root in readdir order, and every inode (unnamed ones included), with
 * all their fields but atime.
 */
static char *
t_snapshot(void)
{
	struct t_buf b = {0};

	t_put(&b, "ninodes=%llu data=%llu next_ino=%llu\n",
	    (unsigned long long)F.ninodes, (unsigned long long)F.data_bytes,
	    (unsigned long long)F.next_ino);
	t_snap_dir(&b, F.root, "");
	for (struct fs_inode *ip = F.all; ip != NULL; ip = ip->all_next)
		t_snap_inode(&b, ip);
	return b.p;
}

/*
 * A tree where most calls must allocate: "a" has 8 entries (its entry
 * array is full), "b" none (no hash table yet), "a/f" fills its page,
 * "ro" is borrowed, *held is an open file without a name.
 */
static const char t_image[] = "borrowed bytes";

static int
t_oom_base(struct fs_inode **held)
{
	static char page[FS_PAGE];
	struct fs_inode *ip;
	int err = 0;

	memset(page, 'p', sizeof(page));
	err |= t_mkdir("a");
	err |= t_mkdir("b");
	err |= t_mkdir("a/sub");
	for (int i = 0; i < 5; i++) {
		char path[16];
		snprintf(path, sizeof(path), "a/n%d", i);
		err |= t_file(path, "n");
	}
	err |= fs_symlink(&F, "f", F.root, "a/l");
	err |= fs_open(&F, F.root, "a/f", LX_O_CREAT | LX_O_RDWR, 0644, 0, &ip);
	if (err)
		return err;
	if (fs_write(&F, ip, 0, page, sizeof(page)) != FS_PAGE)
		return -1;
	fs_iput(&F, ip);
	err |= fs_create_file_ro(&F, F.root, "ro", 0644, t_image, 14);
	err |=
	    fs_open(&F, F.root, "tmp", LX_O_CREAT | LX_O_RDWR, 0644, 0, held);
	err |= fs_unlink(&F, F.root, "tmp");
	return err;
}

static int64_t
t_oom_op(int op, struct fs_inode *held)
{
	struct fs_inode *ip;
	int64_t r;

	switch (op) {
	case 0:
		r = fs_open(
		    &F, F.root, "a/new", LX_O_CREAT | LX_O_RDWR, 0644, 0, &ip);
		if (r == 0)
			fs_iput(&F, ip);
		return r;
	case 1:
		return fs_mkdir(&F, F.root, "a/newdir", 0755, 0);
	case 2:
		return fs_mknod(&F, F.root, "b/fifo", LX_S_IFIFO | 0644, 0, 0);
	case 3:
		return fs_symlink(&F, "target", F.root, "a/sl");
	case 4:
		return fs_link(&F, F.root, "a/f", F.root, "b/hl", FS_NOFOLLOW);
	case 5:
		return fs_rename(&F, F.root, "a/f", F.root, "b/moved", 0);
	case 6:
		return fs_rename(&F, F.root, "a/sub", F.root, "a/sub2", 0);
	case 7:
		return fs_rename(&F, F.root, "a/f", F.root, "a/n1", 0);
	case 8:
		return fs_write(&F, t_ip("a/f"), FS_PAGE, "x", 1);
	case 9:
		return fs_write(&F, t_ip("ro"), 0, "B", 1);
	case 10:
		return fs_truncate(&F, t_ip("a/f"), 100000);
	case 11:
		return fs_truncate(&F, t_ip("ro"), 20);
	case 12:
		return fs_create_file_ro(&F, F.root, "b/ro2", 0644, t_image, 3);
	case 13:
		return fs_write(&F, held, 10, "x", 1);
	case 14:
		return fs_link_inode(&F, t_ip("ro"), F.root, "a/ro");
	case 15:
		return fs_rename(
		    &F, F.root, "a/n0", F.root, "a/n2", LX_RENAME_EXCHANGE);
	}
	return -999;
}

/*
 * Looks for calls that change something before an allocation fails:
 * each call runs with N = 0, 1, 2, ... allocations allowed until it
 * succeeds; every ENOMEM or ENOSPC before that must leave the snapshot
 * (tree, inodes, times) exactly as it was, and the file system usable.
 */
TEST(oom_each_call)
{
	static const int64_t want[] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0};
	static const int allocates[] = {
	    1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0};

	for (int op = 0; op < 16; op++) {
		int failures = 0;
		for (long n = 0;; n++) {
			struct fs_inode *held;
			char *before, *after;
			int64_t r;

			REQUIRE(fs_init(&F) == 0);
			REQUIRE(t_oom_base(&held) == 0);
			before = t_snapshot();
			alloc_budget = n;
			r = t_oom_op(op, held);
			alloc_budget = -1;
			if (r == -LX_ENOMEM || r == -LX_ENOSPC) {
				failures++;
				after = t_snapshot();
				CHECKF(strcmp(before, after) == 0,
				    "op %d with %ld allocations changed the "
				    "tree:\n%s\nto\n%s",
				    op, n, before, after);
				free(after);
				CHECK_EQ(
				    t_mkdir("still/works/../.."), -LX_ENOENT);
				CHECK_EQ(t_mkdir("b/works"), 0);
			} else {
				CHECKF(r == want[op], "op %d gave %lld", op,
				    (long long)r);
			}
			free(before);
			fs_iput(&F, held);
			fs_destroy(&F);
			CHECK_EQ(nallocs_live, 0);
			CHECK_EQ(data_live, 0);
			if (r != -LX_ENOMEM && r != -LX_ENOSPC)
				break;
			if (n > 50)
				FAILF("op %d never succeeds", op);
		}
		CHECKF(allocates[op] ? failures > 0 : failures == 0,
		    "op %d failed %d times", op, failures);
	}
	alloc_budget = 0;
	CHECK_EQ(fs_init(&F), -LX_ENOMEM);
	alloc_budget = -1;
	CHECK_EQ(nallocs_live, 0);
}

/*
 * The differential test.  Random operations over the names a, b, c, d,
 * nested up to three deep, with "..", ".", absolute paths, trailing
 * slashes and symbolic links to such paths, are applied to fs.c and,
 * with the real system calls, to an empty directory the test chroots
 * into (so absolute paths and ".." at the top mean the same on both
 * sides).  Every return value and errno must match, and after every step
 * the whole tree must: names, types, modes, link counts, sizes, bytes,
 * link bodies, which names share an inode, plus the open files and the
 * working directory.  Without the host (fault mode), the same operations
 * run with allocations failing at random, and a failed one must change
 * nothing.
 */
#define D_HANDLES 4

struct d_handle {
	int used, fd, acc;
	struct fs_inode *ip;
};

struct diff {
	struct unit_rng rng;
	unsigned long long seed;
	int host;  /* compare with the host; else fault injection */
	int tmpfs; /* the host side is a tmpfs: directory sizes compare too */
	int step;
	char what[300];
	struct fs_inode *cwd;
	struct d_handle h[D_HANDLES];
	int64_t mres;      /* the last fs.c call's result; 1: no call */
	int nok, nerr[64]; /* results seen, to check the test tests */
	int bad;
	char why[1500];
};

__attribute__((format(printf, 2, 3))) static void
d_fail(struct diff *D, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (D->bad++)
		return;
	n = snprintf(D->why, sizeof(D->why),
	    "seed %llu step %d [%s]: ", D->seed, D->step, D->what);
	va_start(ap, fmt);
	vsnprintf(D->why + n, sizeof(D->why) - (size_t)n, fmt, ap);
	va_end(ap);
}

static long
d_sys(long r)
{
	return r < 0 ? -errno : r;
}

static unsigned long long
d_below(struct diff *D, unsigned long long n)
{
	return unit_below(&D->rng, n);
}

static void
d_cmp(struct diff *D, const char *call, long host, long model)
{
	if (D->host && host != model)
		d_fail(D, "%s: host %ld, fs.c %ld", call, host, model);
}

static void
d_path(struct diff *D, char *buf)
{
	static const char *names[] = {"a", "b", "c", "d"};
	unsigned long long r = d_below(D, 100);
	char *p = buf;
	int n;

	if (r < 2) {
		strcpy(buf, "");
		return;
	}
	if (r < 4) {
		strcpy(buf, "/");
		return;
	}
	if (r < 20)
		*p++ = '/';
	r = d_below(D, 20);
	n = r < 9 ? 1 : r < 16 ? 2 : 3;
	for (int i = 0; i < n; i++) {
		unsigned long long c = d_below(D, 20);
		const char *s = c < 17 ? names[d_below(D, 4)]
		    : c < 19           ? ".."
				       : ".";
		if (i > 0)
			*p++ = '/';
		p = stpcpy(p, s);
	}
	if (d_below(D, 10) == 0)
		*p++ = '/';
	*p = 0;
}

/* Host and fs.c stat fields that root on ext4 and tmpfs share. */
static void
d_cmp_stat(struct diff *D, const char *where, const struct stat *hs,
    const struct fs_stat *ms)
{
	uint32_t type = hs->st_mode & S_IFMT;

	if (!D->host)
		return;
	if (type != (ms->mode & LX_S_IFMT) ||
	    (hs->st_mode & 07777) != (ms->mode & 07777) ||
	    hs->st_nlink != ms->nlink ||
	    ((type == S_IFREG || type == S_IFLNK) &&
		(uint64_t)hs->st_size != ms->size) ||
	    (type == S_IFCHR && hs->st_rdev != ms->rdev) ||
	    (type == S_IFDIR && D->tmpfs && (uint64_t)hs->st_size != ms->size))
		d_fail(D,
		    "%s: host mode %o nlink %lu size %lld, fs.c mode %o "
		    "nlink %u size %llu",
		    where, hs->st_mode, (unsigned long)hs->st_nlink,
		    (long long)hs->st_size, ms->mode, ms->nlink,
		    (unsigned long long)ms->size);
}

/* The host file's bytes against the inode's. */
static void
d_cmp_bytes(struct diff *D, const char *where, int fd, struct fs_inode *ip)
{
	static char buf[65536];
	uint64_t size;
	const void *data = fs_file_data(ip, &size);
	long n = d_sys(pread(fd, buf, sizeof(buf), 0));

	if (n < 0 || (uint64_t)n != size || (n > 0 && memcmp(buf, data, size)))
		d_fail(D, "%s: contents differ (host %ld bytes, fs.c %llu)",
		    where, n, (unsigned long long)size);
}

/*
 * Whether the step changed mtime, on both sides alike: before each step
 * every mtime is set to 0 (ctime cannot be set, and the host's clock is
 * too coarse to see it move between steps).
 */
static void
d_cmp_mtime(struct diff *D, const char *where, const struct stat *hs,
    struct fs_inode *ip, int dirfd, const char *name, int fd)
{
	static const struct timespec zero[2] = {{0, UTIME_OMIT}, {0, 0}};
	int hzero = hs->st_mtim.tv_sec == 0 && hs->st_mtim.tv_nsec == 0;

	if ((ip->mtime == 0) != hzero)
		d_fail(D, "%s: mtime %s on the host only", where,
		    hzero ? "kept" : "changed");
	if (fd >= 0)
		futimens(fd, zero);
	else
		utimensat(dirfd, name, zero, AT_SYMLINK_NOFOLLOW);
	fs_utimens(ip, FS_UTIME_OMIT, 0);
}

/* Pairs of host and fs.c inode numbers seen in one tree comparison. */
static unsigned long long d_hino[1024], d_mino[1024];
static int d_nino;

static void
d_same_inode(struct diff *D, const char *where, unsigned long long h,
    unsigned long long m)
{
	for (int i = 0; i < d_nino; i++)
		if (d_hino[i] == h || d_mino[i] == m) {
			if (d_hino[i] != h || d_mino[i] != m)
				d_fail(D, "%s: hard links differ", where);
			return;
		}
	if (d_nino < 1024) {
		d_hino[d_nino] = h;
		d_mino[d_nino++] = m;
	}
}

struct d_ent {
	char name[LX_NAME_MAX + 1];
	unsigned type;
};

static int
d_ent_cmp(const void *a, const void *b)
{
	return strcmp(
	    ((const struct d_ent *)a)->name, ((const struct d_ent *)b)->name);
}

/* A host directory's entries, sorted; the count or -errno. */
static int
d_host_list(int fd, struct d_ent *v, int max)
{
	char buf[8192];
	int n = 0;
	long got;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	while ((got = d_sys(syscall(SYS_getdents64, fd, buf, sizeof(buf)))) > 0)
		for (long off = 0; off < got;) {
			struct dirent64 *de = (struct dirent64 *)(buf + off);
			if (n < max) {
				snprintf(v[n].name, sizeof(v[n].name), "%s",
				    de->d_name);
				v[n++].type = de->d_type;
			}
			off += de->d_reclen;
		}
	if (got < 0)
		return (int)got;
	qsort(v, (size_t)n, sizeof(*v), d_ent_cmp);
	return n;
}

/* The same for an fs.c directory. */
static int
d_model_list(struct fs_inode *dp, struct d_ent *v, int max)
{
	struct t_list l;
	int n = t_list_all(dp, &l), k = 0;

	if (n < 0)
		return n;
	for (int i = 0; i < l.n && k < max; i++, k++) {
		snprintf(v[k].name, sizeof(v[k].name), "%s", l.v[i].name);
		v[k].type = l.v[i].type;
	}
	free(l.v);
	qsort(v, (size_t)k, sizeof(*v), d_ent_cmp);
	return k;
}

static void
d_cmp_lists(struct diff *D, const char *where, int hn, struct d_ent *hv, int mn,
    struct d_ent *mv)
{
	if (hn != mn) {
		d_fail(D, "%s: host lists %d entries (%s...), fs.c %d (%s...)",
		    where, hn, hn > 2 ? hv[2].name : "", mn,
		    mn > 2 ? mv[2].name : "");
		return;
	}
	for (int i = 0; i < hn; i++)
		if (strcmp(hv[i].name, mv[i].name) != 0 ||
		    hv[i].type != mv[i].type)
			d_fail(D, "%s: entry %s/%u against %s/%u", where,
			    hv[i].name, hv[i].type, mv[i].name, mv[i].type);
}

static void
d_cmp_tree(
    struct diff *D, int hfd, struct fs_inode *dp, const char *where, int depth)
{
	struct d_ent hv[64], mv[64];
	int hn = d_host_list(hfd, hv, 64), mn = d_model_list(dp, mv, 64);
	char sub[512];

	d_cmp_lists(D, where, hn, hv, mn, mv);
	if (D->bad || depth > 10)
		return;
	for (int i = 0; i < hn; i++) {
		struct fs_inode *ip;
		struct fs_stat ms;
		struct stat hs;
		char body[LX_PATH_MAX];
		long n;
		int fd;

		if (strcmp(hv[i].name, ".") == 0 ||
		    strcmp(hv[i].name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", where, hv[i].name);
		if (fstatat(hfd, hv[i].name, &hs, AT_SYMLINK_NOFOLLOW) != 0 ||
		    fs_lookup(&F, dp, hv[i].name, FS_NOFOLLOW, &ip) != 0) {
			d_fail(D, "%s: cannot stat", sub);
			return;
		}
		fs_stat(ip, &ms);
		fs_iput(&F, ip);
		d_cmp_stat(D, sub, &hs, &ms);
		d_cmp_mtime(D, sub, &hs, ip, hfd, hv[i].name, -1);
		d_same_inode(D, sub, hs.st_ino, ms.ino);
		if (S_ISREG(hs.st_mode)) {
			fd = openat(hfd, hv[i].name, O_RDONLY | O_NOFOLLOW);
			d_cmp_bytes(D, sub, fd, ip);
			close(fd);
		} else if (S_ISLNK(hs.st_mode)) {
			n = readlinkat(hfd, hv[i].name, body, sizeof(body));
			if (n < 0 || (uint64_t)n != ip->size ||
			    memcmp(body, ip->u.link, (size_t)n) != 0)
				d_fail(D, "%s: link bodies differ", sub);
		} else if (S_ISDIR(hs.st_mode)) {
			fd = openat(hfd, hv[i].name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
			d_cmp_tree(D, fd, ip, sub, depth + 1);
			close(fd);
		}
		if (D->bad)
			return;
	}
}

/* Everything, after each step: the tree, the open files, the cwd. */
static void
d_cmp_all(struct diff *D)
{
	char hbuf[LX_PATH_MAX], mbuf[LX_PATH_MAX];
	struct fs_stat ms;
	struct stat hs;
	int fd;

	if (!D->host || D->bad)
		return;
	d_nino = 0;
	fd = open("/", O_RDONLY | O_DIRECTORY);
	fstat(fd, &hs);
	fs_stat(F.root, &ms);
	d_cmp_stat(D, "/", &hs, &ms);
	d_cmp_mtime(D, "/", &hs, F.root, -1, NULL, fd);
	d_cmp_tree(D, fd, F.root, "", 0);
	close(fd);
	for (int i = 0; i < D_HANDLES; i++) {
		if (!D->h[i].used)
			continue;
		fstat(D->h[i].fd, &hs);
		fs_stat(D->h[i].ip, &ms);
		d_cmp_stat(D, "an open file", &hs, &ms);
		if (D->h[i].ip->nlink == 0)
			d_cmp_mtime(D, "an open file", &hs, D->h[i].ip, -1,
			    NULL, D->h[i].fd);
		if (S_ISREG(hs.st_mode) && D->h[i].acc != O_WRONLY)
			d_cmp_bytes(D, "an open file", D->h[i].fd, D->h[i].ip);
	}
	d_cmp(D, "getcwd", d_sys(syscall(SYS_getcwd, hbuf, sizeof(hbuf))),
	    fs_getcwd(&F, D->cwd, mbuf, sizeof(mbuf)));
	if (!D->bad && strcmp(hbuf, mbuf) != 0 && D->cwd->nlink != 0)
		d_fail(D, "getcwd: host %s, fs.c %s", hbuf, mbuf);
}

/* A used handle that passes want (0: any), from a random start; or -1. */
static int
d_handle(struct diff *D, int want_acc)
{
	int start = (int)d_below(D, D_HANDLES);

	for (int k = 0; k < D_HANDLES; k++) {
		struct d_handle *h = &D->h[(start + k) % D_HANDLES];
		if (!h->used)
			continue;
		if (want_acc == 'w' && h->acc == O_RDONLY)
			continue;
		if (want_acc == 'r' && h->acc == O_WRONLY)
			continue;
		if (want_acc == 'd' && !is_dir(h->ip))
			continue;
		return (start + k) % D_HANDLES;
	}
	return -1;
}

static void
d_close(struct diff *D, int i)
{
	if (D->host)
		close(D->h[i].fd);
	fs_iput(&F, D->h[i].ip);
	D->h[i].used = 0;
}

/*
 * Whether an open of path would reach a FIFO or a device, which the host
 * would block on or really open; such opens are not tried.
 */
static int
d_special(struct diff *D, const char *path, int flags)
{
	int follow =
	    !(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL));
	struct fs_inode *ip;
	int special;

	if (fs_lookup(&F, D->cwd, path, follow, &ip) != 0)
		return 0;
	special = !is_reg(ip) && !is_dir(ip) && !is_lnk(ip);
	fs_iput(&F, ip);
	return special;
}

/*
 * An O_PATH open, with flags O_PATH ignores thrown in; checked with stat
 * on the result and closed at once (an O_PATH descriptor does no I/O).
 */
static void
d_op_open_path(struct diff *D, const char *p, int flags)
{
	struct fs_inode *ip;
	struct fs_stat ms;
	struct stat hs;
	long fd = -1;

	flags |= O_PATH;
	if (d_below(D, 3) == 0)
		flags |= O_NOFOLLOW;
	if (d_below(D, 3) == 0)
		flags |= O_DIRECTORY;
	if (d_below(D, 4) == 0)
		flags |= O_CREAT | O_TRUNC;
	snprintf(D->what, sizeof(D->what), "open %s %#o", p, flags);
	D->mres = fs_open(&F, D->cwd, p, flags, 0644, 022, &ip);
	if (D->host) {
		fd = d_sys(open(p, flags, 0644));
		d_cmp(D, "open O_PATH", fd < 0 ? fd : 0, D->mres);
	}
	if (D->mres == 0) {
		fs_stat(ip, &ms);
		if (fd >= 0 && fstat((int)fd, &hs) == 0)
			d_cmp_stat(D, p, &hs, &ms);
		fs_iput(&F, ip);
	}
	if (fd >= 0)
		close((int)fd);
}

static void
d_op_open(struct diff *D)
{
	static const uint32_t modes[] = {0644, 0600, 0755, 0444};
	char p[64];
	int flags = (int)d_below(D, 3), fd = -1, slot = -1;
	uint32_t mode = modes[d_below(D, 4)];
	struct fs_inode *ip;

	d_path(D, p);
	if (d_below(D, 8) == 0) {
		d_op_open_path(D, p, flags);
		return;
	}
	if (d_below(D, 2))
		flags |= O_CREAT;
	if (d_below(D, 5) == 0)
		flags |= O_EXCL;
	if (d_below(D, 5) == 0)
		flags |= O_TRUNC;
	if (d_below(D, 7) == 0)
		flags |= O_DIRECTORY;
	if (d_below(D, 7) == 0)
		flags |= O_NOFOLLOW;
	snprintf(D->what, sizeof(D->what), "open %s %#o %o", p, flags, mode);
	if (d_special(D, p, flags)) {
		D->mres = 1;
		return;
	}
	D->mres = fs_open(&F, D->cwd, p, flags, mode, 022, &ip);
	if (D->host) {
		fd = (int)d_sys(open(p, flags | O_NONBLOCK | O_CLOEXEC, mode));
		d_cmp(D, "open", fd < 0 ? fd : 0, D->mres);
	}
	if (D->mres != 0) {
		if (fd >= 0)
			close(fd);
		return;
	}
	for (int i = 0; i < D_HANDLES && d_below(D, 4) != 0; i++)
		if (!D->h[i].used) {
			slot = i;
			break;
		}
	if (slot < 0) {
		if (fd >= 0)
			close(fd);
		fs_iput(&F, ip);
		return;
	}
	D->h[slot].used = 1;
	D->h[slot].fd = fd;
	D->h[slot].ip = ip;
	D->h[slot].acc = flags & O_ACCMODE;
}

static void
d_op_io(struct diff *D, int kind)
{
	static unsigned char data[4000], hbuf[4000], mbuf[4000];
	uint64_t off = d_below(D, 12000), n = d_below(D, sizeof(data));
	int i = d_handle(D, kind == 'r' ? 'r' : 'w');
	long hr = 0;

	D->mres = 1;
	if (i < 0)
		return;
	if (kind == 'r') {
		snprintf(D->what, sizeof(D->what), "read %d %llu %llu", i,
		    (unsigned long long)off, (unsigned long long)n);
		D->mres = fs_read(D->h[i].ip, off, mbuf, n);
		if (D->host)
			hr = d_sys(pread(D->h[i].fd, hbuf, n, (off_t)off));
		d_cmp(D, "read", hr, D->mres);
		if (D->host && D->mres > 0 &&
		    memcmp(hbuf, mbuf, (size_t)D->mres))
			d_fail(D, "read: bytes differ");
	} else if (kind == 'w') {
		for (uint64_t k = 0; k < n; k++)
			data[k] = (unsigned char)d_below(D, 256);
		snprintf(D->what, sizeof(D->what), "write %d %llu %llu", i,
		    (unsigned long long)off, (unsigned long long)n);
		D->mres = fs_write(&F, D->h[i].ip, off, data, n);
		if (D->host)
			hr = d_sys(pwrite(D->h[i].fd, data, n, (off_t)off));
		d_cmp(D, "write", hr, D->mres);
	} else {
		n = d_below(D, 15000);
		snprintf(D->what, sizeof(D->what), "ftruncate %d %llu", i,
		    (unsigned long long)n);
		D->mres = fs_truncate(&F, D->h[i].ip, n);
		if (D->host)
			hr = d_sys(ftruncate(D->h[i].fd, (off_t)n));
		d_cmp(D, "ftruncate", hr, D->mres);
	}
}

static void
d_op_getdents(struct diff *D)
{
	struct d_ent hv[64], mv[64];
	int i = d_handle(D, 'd'), hn = 0, mn;

	D->mres = 1;
	if (i < 0)
		return;
	snprintf(D->what, sizeof(D->what), "getdents %d", i);
	mn = d_model_list(D->h[i].ip, mv, 64);
	if (D->host)
		hn = d_host_list(D->h[i].fd, hv, 64);
	if (D->host && (hn < 0 || mn < 0))
		d_cmp(D, "getdents", hn < 0 ? hn : 0, mn < 0 ? mn : 0);
	else if (D->host)
		d_cmp_lists(D, "getdents", hn, hv, mn, mv);
}

static void
d_op_mknod(struct diff *D)
{
	static const uint32_t types[] = {
	    S_IFIFO, S_IFIFO, S_IFCHR, S_IFSOCK, 0, S_IFREG, S_IFDIR, 0170000};
	uint32_t mode = types[d_below(D, 8)] | 0640;
	dev_t dev = makedev(1, 3);
	char p[64];

	d_path(D, p);
	snprintf(D->what, sizeof(D->what), "mknod %s %o", p, mode);
	D->mres = fs_mknod(&F, D->cwd, p, mode, 022, dev);
	if (D->host)
		d_cmp(D, "mknod", d_sys(mknod(p, mode, dev)), D->mres);
}

static void
d_op_names(struct diff *D, int op)
{
	static const unsigned flagset[] = {0, 0, 0, 0, LX_RENAME_NOREPLACE,
	    LX_RENAME_EXCHANGE, LX_RENAME_EXCHANGE, 3, 8, 0};
	static const uint32_t modes[] = {0755, 0700, 01777, 0};
	char p[64], q[64];
	long hr = 0;

	d_path(D, p);
	d_path(D, q);
	switch (op) {
	case 0: {
		uint32_t mode = modes[d_below(D, 4)];
		snprintf(D->what, sizeof(D->what), "mkdir %s %o", p, mode);
		D->mres = fs_mkdir(&F, D->cwd, p, mode, 022);
		if (D->host)
			hr = d_sys(mkdir(p, mode));
		break;
	}
	case 1:
		snprintf(D->what, sizeof(D->what), "unlink %s", p);
		D->mres = fs_unlink(&F, D->cwd, p);
		if (D->host)
			hr = d_sys(unlink(p));
		break;
	case 2:
		snprintf(D->what, sizeof(D->what), "rmdir %s", p);
		D->mres = fs_rmdir(&F, D->cwd, p);
		if (D->host)
			hr = d_sys(rmdir(p));
		break;
	case 3: {
		unsigned flags = flagset[d_below(D, 10)];
		snprintf(
		    D->what, sizeof(D->what), "rename %s %s %u", p, q, flags);
		D->mres = fs_rename(&F, D->cwd, p, D->cwd, q, flags);
		if (D->host)
			hr = d_sys(syscall(
			    SYS_renameat2, AT_FDCWD, p, AT_FDCWD, q, flags));
		break;
	}
	case 4: {
		int follow = (int)d_below(D, 2);
		snprintf(
		    D->what, sizeof(D->what), "link %s %s %d", p, q, follow);
		D->mres = fs_link(
		    &F, D->cwd, p, D->cwd, q, follow ? FS_FOLLOW : FS_NOFOLLOW);
		if (D->host)
			hr = d_sys(linkat(AT_FDCWD, p, AT_FDCWD, q,
			    follow ? AT_SYMLINK_FOLLOW : 0));
		break;
	}
	case 5:
		snprintf(D->what, sizeof(D->what), "symlink %s %s", q, p);
		D->mres = fs_symlink(&F, q, D->cwd, p);
		if (D->host)
			hr = d_sys(symlink(q, p));
		break;
	}
	d_cmp(D, D->what, hr, D->mres);
}

static void
d_op_inspect(struct diff *D, int op)
{
	static const uint32_t modes[] = {0644, 0755, 0, 04711, 0100};
	char p[64], hbuf[64], mbuf[64];
	struct fs_inode *ip;
	struct fs_stat ms;
	struct stat hs;
	long hr = 0, m;

	d_path(D, p);
	D->mres = 1;
	switch (op) {
	case 0: {
		uint64_t size = d_below(D, 3) == 0 ? 2 : 64;
		snprintf(D->what, sizeof(D->what), "readlink %s %llu", p,
		    (unsigned long long)size);
		m = D->mres = fs_readlink(&F, D->cwd, p, mbuf, size);
		if (D->host)
			hr = d_sys(readlink(p, hbuf, size));
		d_cmp(D, "readlink", hr, m);
		if (D->host && m > 0 && memcmp(hbuf, mbuf, (size_t)m) != 0)
			d_fail(D, "readlink: bodies differ");
		break;
	}
	case 1: {
		int follow = (int)d_below(D, 2);
		snprintf(D->what, sizeof(D->what), "stat %s %d", p, follow);
		m = fs_lookup(
		    &F, D->cwd, p, follow ? FS_FOLLOW : FS_NOFOLLOW, &ip);
		if (D->host)
			hr = d_sys(fstatat(AT_FDCWD, p, &hs,
			    follow ? 0 : AT_SYMLINK_NOFOLLOW));
		d_cmp(D, "stat", hr, D->mres = m);
		if (m == 0) {
			fs_stat(ip, &ms);
			fs_iput(&F, ip);
			if (D->host && hr == 0)
				d_cmp_stat(D, p, &hs, &ms);
		}
		break;
	}
	case 2: {
		uint32_t mode = modes[d_below(D, 5)];
		snprintf(D->what, sizeof(D->what), "chmod %s %o", p, mode);
		m = fs_lookup(&F, D->cwd, p, FS_FOLLOW, &ip);
		if (m == 0) {
			m = fs_chmod(ip, mode);
			fs_iput(&F, ip);
		}
		if (D->host)
			hr = d_sys(chmod(p, mode));
		d_cmp(D, "chmod", hr, D->mres = m);
		break;
	}
	case 3:
		snprintf(D->what, sizeof(D->what), "chdir %s", p);
		m = fs_lookup(&F, D->cwd, p, FS_FOLLOW, &ip);
		if (m == 0 && !is_dir(ip)) {
			fs_iput(&F, ip);
			m = -LX_ENOTDIR;
		} else if (m == 0) {
			fs_iput(&F, D->cwd);
			D->cwd = ip;
		}
		if (D->host)
			hr = d_sys(chdir(p));
		d_cmp(D, "chdir", hr, D->mres = m);
		break;
	case 4: {
		uint64_t size = 1 + d_below(D, 8);
		snprintf(D->what, sizeof(D->what), "getcwd %llu",
		    (unsigned long long)size);
		m = D->mres = fs_getcwd(&F, D->cwd, mbuf, size);
		if (D->host)
			hr = d_sys(syscall(SYS_getcwd, hbuf, size));
		d_cmp(D, "getcwd", hr, m);
		if (D->host && m > 0 && strcmp(hbuf, mbuf) != 0)
			d_fail(D, "getcwd: %s against %s", hbuf, mbuf);
		break;
	}
	case 5: {
		int mode = d_below(D, 2) ? X_OK : R_OK | W_OK;
		snprintf(D->what, sizeof(D->what), "access %s %d", p, mode);
		m = fs_lookup(&F, D->cwd, p, FS_FOLLOW, &ip);
		if (m == 0) {
			m = fs_access(ip, mode);
			fs_iput(&F, ip);
		}
		if (D->host)
			hr = d_sys(syscall(SYS_faccessat, AT_FDCWD, p, mode));
		d_cmp(D, "access", hr, D->mres = m);
		break;
	}
	case 6:
		/* Removing the working directory itself, when it is empty. */
		if (fs_getcwd(&F, D->cwd, p, sizeof(p)) < 0)
			break;
		snprintf(D->what, sizeof(D->what), "rmdir cwd %s", p);
		D->mres = fs_rmdir(&F, D->cwd, p);
		if (D->host)
			hr = d_sys(rmdir(p));
		d_cmp(D, "rmdir", hr, D->mres);
		break;
	case 7: {
		int i = d_handle(D, 0);
		if (i < 0)
			break;
		snprintf(D->what, sizeof(D->what), "close %d", i);
		d_close(D, i);
		break;
	}
	}
}

static void
d_step(struct diff *D)
{
	unsigned long long r = d_below(D, 100);

	D->what[0] = 0;
	if (r < 16)
		d_op_open(D);
	else if (r < 22)
		d_op_io(D, 'w');
	else if (r < 26)
		d_op_io(D, 'r');
	else if (r < 29)
		d_op_io(D, 't');
	else if (r < 32)
		d_op_getdents(D);
	else if (r < 35)
		d_op_mknod(D);
	else if (r < 75)
		d_op_names(D, (int)d_below(D, 6));
	else
		d_op_inspect(D, (int)d_below(D, 8));
}

static void
d_finish(struct diff *D)
{
	for (int i = 0; i < D_HANDLES; i++)
		if (D->h[i].used)
			d_close(D, i);
	fs_iput(&F, D->cwd);
	fs_destroy(&F);
}

/*
 * A fresh directory for the host side in buf: under /dev/shm when that is
 * a tmpfs, the file system fs.c imitates (then *tmpfs is set and the
 * caller removes it), else under /tmp.  0 or -1.
 */
static int
d_tmpdir(char *buf, const char *where, int *tmpfs)
{
	struct statfs sf;

	*tmpfs = 0;
	if (strcmp(where, "shm") == 0 && statfs("/dev/shm", &sf) == 0 &&
	    sf.f_type == TMPFS_MAGIC) {
		snprintf(buf, 64, "/dev/shm/test_fs_diff.XXXXXX");
		if (mkdtemp(buf) != NULL) {
			*tmpfs = 1;
			return 0;
		}
	}
	return unit_tmpdir(buf, "test_fs_diff");
}

/*
 * Runs steps random operations on fs.c and in a chrooted host directory
 * on where ("shm": tmpfs if there is one, "tmp": /tmp).
 */
static void
d_run_host(unsigned long long seed, int steps, const char *where)
{
	struct diff D;
	char tmp[64], cmd[100];
	int oldroot, kinds = 0, tmpfs, jailed;

	memset(&D, 0, sizeof(D));
	D.rng.s = D.seed = seed;
	D.host = 1;
	REQUIRE(fs_init(&F) == 0);
	D.cwd = F.root;
	fs_iget(D.cwd);
	REQUIRE(d_tmpdir(tmp, where, &tmpfs) == 0);
	D.tmpfs = tmpfs;
	REQUIRE((oldroot = open("/", O_PATH | O_DIRECTORY)) >= 0);
	umask(022);
	jailed = chmod(tmp, 0755) == 0 && chroot(tmp) == 0 && chdir("/") == 0;
	CHECKF(jailed, "chroot %s: %s (the differential test needs root)", tmp,
	    strerror(errno));
	for (D.step = 0; jailed && D.step < steps && !D.bad; D.step++) {
		d_step(&D);
		d_cmp_all(&D);
		if (D.mres == 0)
			D.nok++;
		else if (D.mres < 0 && D.mres > -64)
			D.nerr[-D.mres]++;
	}
	d_finish(&D);
	if (fchdir(oldroot) != 0 || chroot(".") != 0 || chdir("/") != 0)
		abort();
	close(oldroot);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (tmpfs && system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmp);
	if (!jailed)
		return;
	CHECKF(!D.bad, "%s", D.why);
	for (int e = 0; e < 64; e++)
		kinds += D.nerr[e] != 0;
	CHECKF(D.nok > steps / 10 && kinds >= 10,
	    "only %d calls succeeded, %d kinds of error", D.nok, kinds);
	CHECK_EQ(nallocs_live, 0);
	CHECK_EQ(data_live, 0);
}

/*
 * Looks for any difference from Linux: tmpfs, which fs.c imitates, with
 * three fixed seeds, and whatever /tmp is (ext4 here) with two more, so
 * that the VFS rules are checked on a second file system.
 */
TEST(diff_tmpfs_1)
{
	d_run_host(1, 4000, "shm");
}

TEST(diff_tmpfs_2)
{
	d_run_host(0x2545f4914f6cdd1dULL, 4000, "shm");
}

TEST(diff_tmpfs_3)
{
	d_run_host(31337, 4000, "shm");
}

TEST(diff_tmp_1)
{
	d_run_host(77777, 4000, "tmp");
}

TEST(diff_tmp_2)
{
	d_run_host(123456789, 4000, "tmp");
}

/*
 * Looks for a failed allocation that leaves a half-made change in the
 * middle of ordinary use: the differential test's operations on fs.c
 * alone, with allocations failing at random; every ENOMEM or ENOSPC must
 * leave the snapshot unchanged.
 */
TEST(oom_random)
{
	for (unsigned long long seed = 1; seed <= 3; seed++) {
		struct diff D;
		int failed = 0;

		memset(&D, 0, sizeof(D));
		D.rng.s = D.seed = seed * 1000003;
		REQUIRE(fs_init(&F) == 0);
		D.cwd = F.root;
		fs_iget(D.cwd);
		for (D.step = 0; D.step < 5000 && !D.bad; D.step++) {
			char *before = t_snapshot(), *after;
			alloc_budget =
			    d_below(&D, 2) == 0 ? (long)d_below(&D, 3) : -1;
			d_step(&D);
			alloc_budget = -1;
			if (D.mres == -LX_ENOMEM || D.mres == -LX_ENOSPC) {
				failed++;
				after = t_snapshot();
				if (strcmp(before, after) != 0)
					d_fail(&D,
					    "changed the tree:\n%s\nto\n%s",
					    before, after);
				free(after);
			}
			free(before);
		}
		d_finish(&D);
		CHECKF(!D.bad, "%s", D.why);
		CHECKF(failed > 50, "seed %llu: only %d failed calls", D.seed,
		    failed);
		CHECK_EQ(nallocs_live, 0);
		CHECK_EQ(data_live, 0);
	}
}

int
main(int argc, char **argv)
{
	return unit_main(argc, argv);
}
