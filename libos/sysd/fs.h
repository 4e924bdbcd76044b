/*
 * ExOS's in-memory file system: the tree of directories, regular files,
 * symbolic links and device or FIFO nodes from which sysd serves the Linux
 * file calls.  It behaves like Linux's tmpfs for one user, root: no
 * permission checks except that executing needs an x bit, and the errors
 * are Linux's, in the order Linux finds them.  fs.c is pure logic; it
 * knows nothing of file descriptors, processes or devices, which are the
 * server's, and gets memory and time from the hooks below.
 *
 * What always holds:
 *  - An inode lives while it has a name (nlink > 0) or a reference
 *    (refs > 0); the server holds references for open files and working
 *    directories.  fs_iput frees an inode at the last drop.
 *  - A directory has exactly one name, so u.dir.parent and the entry it
 *    is named by give its path (fs_getcwd).  A removed directory that is
 *    still referenced keeps a reference on its old parent, so that ".."
 *    from it still works, as on Linux.
 *  - A regular file's bytes [0, size) sit in one virtually contiguous
 *    buffer, owned (data, cap) or borrowed read-only (ro) from the boot
 *    image; the first change that needs the buffer to grow or be written
 *    copies borrowed bytes into an owned buffer.
 *  - Every operation checks everything that can fail, allocation included,
 *    before it changes anything: a failed call leaves the tree as it was.
 *
 * The file system is not thread-safe: the server calls it from one thread.
 */
#ifndef LIBOS_SYSD_FS_H
#define LIBOS_SYSD_FS_H

#include <stddef.h>
#include <stdint.h>

#include "lx.h"

/* The largest file: writes beyond it fail with -LX_EFBIG. */
#define FS_MAXSIZE (1ULL << 40)

/* Page size of the file-data hooks: every capacity is a multiple of it. */
#define FS_PAGE 4096

/* Whether a final symbolic link is followed (fs_lookup, fs_link). */
enum fs_follow {
	FS_NOFOLLOW = 0,
	FS_FOLLOW = 1,
};

/* fs_utimens: set the time to now, or leave it alone. */
#define FS_UTIME_NOW INT64_MIN
#define FS_UTIME_OMIT (INT64_MIN + 1)

/*
 * Memory and time, defined by the embedder.  fs_malloc returns NULL when
 * out of memory; fs_mfree gets back the size it was asked for.  File
 * contents use fs_data_alloc, whose size is always a multiple of FS_PAGE
 * (the server maps whole pages) and whose contents may be garbage.
 * fs_now_ns is the wall clock in nanoseconds since 1970.
 */
void *fs_malloc(size_t n);
void fs_mfree(void *p, size_t n);
void *fs_data_alloc(size_t cap);
void fs_data_free(void *p, size_t cap);
uint64_t fs_now_ns(void);

struct fs_dirent;  /* a name in a directory (fs.c) */
struct fs_dirslot; /* a directory's entries in creation order (fs.c) */

/*
 * A directory's entries: a hash table of names that grows with the
 * directory, and the same entries in the order they were made, each with
 * a serial number that never repeats in this directory; readdir's cookie
 * is a serial, so it survives changes during a listing.
 */
struct fs_dir {
	struct fs_dirent **buckets; /* chains by name hash; NULL when empty */
	uint64_t nbuckets;          /* a power of two */
	struct fs_dirslot *slots;   /* by serial; removed ones are holes */
	uint64_t nslots;            /* slots in use, holes included */
	uint64_t capslots;
	uint64_t nlive;          /* entries, holes excluded */
	uint64_t next_serial;    /* 0 and 1 are "." and ".." */
	struct fs_inode *parent; /* the root's is the root */
	struct fs_dirent *self;  /* our name in parent; NULL: root, removed */
};

/*
 * An inode.  The server may read every field and owns priv; everything
 * else changes only through the functions below.
 */
struct fs_inode {
	uint64_t ino;
	uint32_t mode;  /* LX_S_IF* type | permission bits */
	uint32_t nlink; /* names; a directory's "." and subdirs' ".." count */
	uint64_t refs;  /* held by the server and by removed subdirs */
	uint64_t size;  /* bytes for files, the link's length for symlinks */
	uint64_t rdev;  /* character and block devices */
	int64_t atime, mtime, ctime; /* ns since 1970 */
	void *priv;                  /* the server's; fs.c never touches it */
	struct fs_inode *all_prev, *all_next; /* every inode, for fs_destroy */
	union {
		struct {
			unsigned char *data; /* owned; NULL when cap is 0 */
			uint64_t cap;
			const unsigned char *ro; /* borrowed, while not NULL */
		} reg;
		struct fs_dir dir;
		char *link; /* the target, NUL-terminated, size bytes */
	} u;
};

struct fs {
	struct fs_inode *root;
	uint64_t next_ino;
	struct fs_inode *all; /* every inode, for fs_destroy */
	uint64_t ninodes;
	uint64_t data_bytes; /* owned file capacity, for statfs */
};

struct fs_stat {
	uint64_t ino;
	uint32_t mode;
	uint32_t nlink;
	uint64_t size;
	uint64_t blocks; /* 512-byte units */
	uint64_t blksize;
	uint64_t rdev;
	int64_t atime, mtime, ctime;
};

/*
 * Called by fs_readdir for each entry: its inode number, the cookie that
 * resumes after it, its LX_DT_* type and its name (NUL-terminated, len
 * bytes).  Returns nonzero to stop before this entry (the caller's buffer
 * is full); the entry then comes first in the next call.  It must not
 * call into the file system.
 */
typedef int (*fs_emit_fn)(void *arg, uint64_t ino, uint64_t next_cookie,
    unsigned dtype, const char *name, size_t len);

/*
 * Paths.  Every call that takes (dir, path) resolves path as Linux does,
 * starting at dir (the process's cwd or the directory of a dirfd) when
 * it is relative and at the root when it begins with '/': "." and ".."
 * (the root's ".." is the root), repeated slashes, symbolic links in the
 * middle followed from the link's directory (from the root when the
 * target is absolute), at most LX_MAXSYMLINKS of them per call.  A
 * trailing slash asks for a directory and follows a final link.  The
 * errors every one of them can return:
 *   -LX_ENOENT       path is "", or a component does not exist;
 *   -LX_ENAMETOOLONG path is LX_PATH_MAX bytes or longer, or a component
 *                    is longer than LX_NAME_MAX;
 *   -LX_ENOTDIR      a component before the last is not a directory, or a
 *                    relative path starts at a dir that is not one;
 *   -LX_ELOOP        more than LX_MAXSYMLINKS links.
 * Only the errors beyond those are listed below.
 */

/* An empty root directory, mode 0755.  -LX_ENOMEM. */
int fs_init(struct fs *fs);

/* Frees every inode, also those the server still holds. */
void fs_destroy(struct fs *fs);

/* Takes one more reference to ip (the server duplicating a handle). */
void fs_iget(struct fs_inode *ip);

/* Drops a reference; frees the inode if it was the last and no name is left. */
void fs_iput(struct fs *fs, struct fs_inode *ip);

/*
 * open(2) and openat(2): the inode path names, with a reference for the
 * caller in *out.  Flags are LX_O_*; the access mode, O_APPEND,
 * O_NONBLOCK, O_CLOEXEC and such are the server's business, but they
 * decide the checks here:
 *  - O_CREAT makes a regular file of mode (mode & 07777 & ~umask) if the
 *    last component does not exist, following a final link to create its
 *    target; O_EXCL then fails with -LX_EEXIST if it does exist, link or
 *    not (the link is not followed);
 *  - O_TRUNC empties an existing regular file (mtime and ctime are set
 *    even if it was empty);
 *  - O_PATH ignores every other flag but O_DIRECTORY and O_NOFOLLOW
 *    (open(2) strips them first: "O_PATH beats everything else"), and
 *    with O_NOFOLLOW gives the link itself.
 * Errors:
 *   -LX_EINVAL       O_CREAT together with O_DIRECTORY;
 *   -LX_EOPNOTSUPP   O_TMPFILE (not supported);
 *   -LX_EEXIST       O_CREAT|O_EXCL and the name exists;
 *   -LX_EISDIR       O_CREAT and the path ends in '/' or names a
 *                    directory; or a directory opened for writing
 *                    (O_WRONLY, O_RDWR) or with O_TRUNC;
 *   -LX_ENOTDIR      O_DIRECTORY or a trailing '/', and not a directory;
 *   -LX_ELOOP        O_NOFOLLOW and the last component is a link;
 *   -LX_ENOENT       the name does not exist and no O_CREAT, or the
 *                    directory to create in was removed;
 *   -LX_ENOMEM       no memory for a new file.
 */
int fs_open(struct fs *fs, struct fs_inode *dir, const char *path, int lx_flags,
    uint32_t mode, uint32_t umask, struct fs_inode **out);

/*
 * The inode path names, with a reference for the caller; a final link is
 * followed with FS_FOLLOW (stat, chdir, faccessat) and not with
 * FS_NOFOLLOW (lstat), except that a trailing '/' always follows it.
 */
int fs_lookup(struct fs *fs, struct fs_inode *dir, const char *path,
    enum fs_follow follow, struct fs_inode **out);

/*
 * Reads up to n bytes at off; returns how many (0 at or after the end).
 * -LX_EISDIR for a directory; -LX_EINVAL for anything else that is not a
 * regular file (the server reads devices and FIFOs itself).
 */
int64_t fs_read(struct fs_inode *ip, uint64_t off, void *buf, uint64_t n);

/*
 * Writes n bytes at off, zero-filling any gap after the old end; returns
 * n, or fewer if FS_MAXSIZE comes first.  -LX_EISDIR, -LX_EINVAL as for
 * fs_read; -LX_EFBIG if off >= FS_MAXSIZE; -LX_ENOSPC if the file cannot
 * grow (nothing written).  buf may point into the file's own bytes.  The
 * buffer may move: fs_file_data's pointer is stale after a write or
 * truncate.
 */
int64_t fs_write(struct fs *fs, struct fs_inode *ip, uint64_t off,
    const void *buf, uint64_t n);

/*
 * Sets a regular file's size, zero-filling when it grows.  -LX_EISDIR,
 * -LX_EINVAL as for fs_read; -LX_EFBIG beyond FS_MAXSIZE; -LX_ENOSPC.
 */
int fs_truncate(struct fs *fs, struct fs_inode *ip, uint64_t size);

/*
 * A regular file's bytes and size, for exec: owned or borrowed, valid
 * until the next write or truncate.  NULL for other types or when empty.
 */
const void *fs_file_data(struct fs_inode *ip, uint64_t *size);

/*
 * A regular file of mode (mode & 07777) over data, which the file system
 * borrows and never writes or frees; it must outlive the file system.
 * -LX_EEXIST if the name exists (or is "." or ".."), -LX_ENOENT if the
 * path ends in '/', -LX_EFBIG if size > FS_MAXSIZE, -LX_ENOMEM.
 */
int fs_create_file_ro(struct fs *fs, struct fs_inode *dir, const char *path,
    uint32_t mode, const void *data, uint64_t size);

/*
 * mkdir(2): mode (mode & 01777 & ~umask), plus S_ISGID if the parent
 * has it.  A trailing '/' is fine.  -LX_EEXIST if the name exists (a
 * dangling link included) or is ".", ".." or "/"; -LX_ENOENT if the
 * parent was removed; -LX_ENOMEM.
 */
int fs_mkdir(struct fs *fs, struct fs_inode *dir, const char *path,
    uint32_t mode, uint32_t umask);

/*
 * mknod(2): mode's type is LX_S_IFREG (or 0, meaning that), LX_S_IFCHR,
 * LX_S_IFBLK, LX_S_IFIFO or LX_S_IFSOCK; rdev is kept for devices.
 * -LX_EPERM for LX_S_IFDIR, -LX_EINVAL for any other type; -LX_EEXIST as
 * for fs_mkdir; -LX_ENOENT if the path ends in '/' or the parent was
 * removed; -LX_ENOMEM.
 */
int fs_mknod(struct fs *fs, struct fs_inode *dir, const char *path,
    uint32_t mode, uint32_t umask, uint64_t rdev);

/*
 * symlink(2): a link at path whose body is target.  -LX_ENOENT if target
 * is "", -LX_ENAMETOOLONG if it is LX_PATH_MAX bytes or longer; then as
 * fs_mknod; -LX_ENOMEM.
 */
int fs_symlink(
    struct fs *fs, const char *target, struct fs_inode *dir, const char *path);

/*
 * link(2) and linkat(2): a new name newpath for what oldpath names
 * (following a final link with FS_FOLLOW, as AT_SYMLINK_FOLLOW does).
 * fs_link_inode takes the inode itself (AT_EMPTY_PATH).  -LX_EEXIST as
 * for fs_mkdir; -LX_ENOENT if newpath ends in '/' or its directory was
 * removed, or if the inode has no name left; -LX_EPERM for a directory;
 * -LX_EMLINK; -LX_ENOMEM.
 */
int fs_link(struct fs *fs, struct fs_inode *olddir, const char *oldpath,
    struct fs_inode *newdir, const char *newpath, enum fs_follow follow);
int fs_link_inode(struct fs *fs, struct fs_inode *ip, struct fs_inode *newdir,
    const char *newpath);

/*
 * unlink(2): removes a name that is not a directory's (a link, not its
 * target).  -LX_EISDIR for a directory, also for ".", ".." and "/";
 * with a trailing '/': -LX_ENOTDIR if the name is not a directory
 * (a link to one included), -LX_EISDIR if it is.
 */
int fs_unlink(struct fs *fs, struct fs_inode *dir, const char *path);

/*
 * rmdir(2).  -LX_ENOTDIR if the name is not a directory (a link to one
 * included); -LX_ENOTEMPTY if it has entries, or the last component is
 * ".."; -LX_EINVAL if it is "."; -LX_EBUSY for "/".
 */
int fs_rmdir(struct fs *fs, struct fs_inode *dir, const char *path);

/*
 * rename(2) and renameat2(2), flags 0, LX_RENAME_NOREPLACE or
 * LX_RENAME_EXCHANGE.  Renaming a name onto another name of the same
 * inode does nothing and succeeds.  Errors, in Linux's order:
 *   -LX_EINVAL      other flags, or NOREPLACE with EXCHANGE;
 *   -LX_EBUSY       either last component is ".", ".." or "/" (for the
 *                   new one with NOREPLACE: -LX_EEXIST);
 *   -LX_ENOENT      oldpath does not exist; with EXCHANGE, newpath
 *                   neither; newpath's directory was removed;
 *   -LX_EEXIST      NOREPLACE and newpath exists;
 *   -LX_ENOTDIR     a trailing '/' on a name that is not a directory;
 *                   a directory over a non-directory;
 *   -LX_EINVAL      moving a directory under itself;
 *   -LX_ENOTEMPTY   newpath is an ancestor of oldpath (EXCHANGE:
 *                   -LX_EINVAL), or a directory with entries;
 *   -LX_EISDIR      a non-directory over a directory;
 *   -LX_ENOMEM.
 */
int fs_rename(struct fs *fs, struct fs_inode *olddir, const char *oldpath,
    struct fs_inode *newdir, const char *newpath, unsigned flags);

/*
 * readlink(2): copies at most size bytes of the link's body (no NUL) and
 * returns how many.  -LX_EINVAL if size is 0 or the path does not name a
 * link.  fs_readlink_inode does the same for an inode (AT_EMPTY_PATH).
 */
int64_t fs_readlink(struct fs *fs, struct fs_inode *dir, const char *path,
    char *buf, uint64_t size);
int64_t fs_readlink_inode(struct fs_inode *ip, char *buf, uint64_t size);

/* stat(2)'s fields; a directory's size counts its entries as on tmpfs. */
void fs_stat(struct fs_inode *ip, struct fs_stat *st);

/* chmod(2): the permission bits (mode & 07777).  -LX_EOPNOTSUPP for a link. */
int fs_chmod(struct fs_inode *ip, uint32_t mode);

/*
 * utimensat(2): each time in ns since 1970, FS_UTIME_NOW or
 * FS_UTIME_OMIT; ctime becomes now unless both are omitted.
 */
void fs_utimens(struct fs_inode *ip, int64_t atime, int64_t mtime);

/*
 * access(2) for root (mode of LX_R_OK, LX_W_OK, LX_X_OK): everything
 * except executing a non-directory without any x bit, -LX_EACCES.
 */
int fs_access(struct fs_inode *ip, int mode);

/*
 * getcwd(2): dir's absolute path, NUL-terminated, in buf; returns its
 * length with the NUL.  -LX_ENOENT if dir was removed, -LX_ENAMETOOLONG
 * if the path and its NUL exceed LX_PATH_MAX, -LX_ERANGE if they do not
 * fit in size bytes, -LX_ENOTDIR.
 */
int64_t fs_getcwd(
    struct fs *fs, struct fs_inode *dir, char *buf, uint64_t size);

/*
 * getdents64(2): emits dir's entries from *cookie on, "." (cookie 0) and
 * ".." (cookie 1) first, then the others in the order they were made,
 * advancing *cookie past each one emitted, until emit says stop or none
 * is left.  An entry added or removed meanwhile never makes another one
 * appear twice or be missed.  Returns 0; -LX_ENOTDIR; -LX_ENOENT if dir
 * was removed.
 */
int fs_readdir(
    struct fs_inode *dir, uint64_t *cookie, fs_emit_fn emit, void *arg);

#endif
