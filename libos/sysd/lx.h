/*
 * The Linux x86-64 constants sysd speaks: errno values, open(2) flags, file
 * mode bits, the *at(2) flags, renameat2(2) flags and getdents64 entry
 * types.  Everything is prefixed LX_ so that code built on a Linux host,
 * which also sees <errno.h> and <fcntl.h>, never mixes the two up.  The
 * values are Linux's ABI and must never change; tests/host/test_fs.c
 * compares each one with the host's own headers.
 */
#ifndef LIBOS_SYSD_LX_H
#define LIBOS_SYSD_LX_H

/* errno values (asm-generic/errno-base.h, errno.h). */
#define LX_EPERM 1
#define LX_ENOENT 2
#define LX_ESRCH 3
#define LX_EINTR 4
#define LX_EIO 5
#define LX_ENXIO 6
#define LX_E2BIG 7
#define LX_ENOEXEC 8
#define LX_EBADF 9
#define LX_ECHILD 10
#define LX_EAGAIN 11
#define LX_ENOMEM 12
#define LX_EACCES 13
#define LX_EFAULT 14
#define LX_ENOTBLK 15
#define LX_EBUSY 16
#define LX_EEXIST 17
#define LX_EXDEV 18
#define LX_ENODEV 19
#define LX_ENOTDIR 20
#define LX_EISDIR 21
#define LX_EINVAL 22
#define LX_ENFILE 23
#define LX_EMFILE 24
#define LX_ENOTTY 25
#define LX_ETXTBSY 26
#define LX_EFBIG 27
#define LX_ENOSPC 28
#define LX_ESPIPE 29
#define LX_EROFS 30
#define LX_EMLINK 31
#define LX_EPIPE 32
#define LX_EDOM 33
#define LX_ERANGE 34
#define LX_EDEADLK 35
#define LX_ENAMETOOLONG 36
#define LX_ENOLCK 37
#define LX_ENOSYS 38
#define LX_ENOTEMPTY 39
#define LX_ELOOP 40
#define LX_EOVERFLOW 75
#define LX_EOPNOTSUPP 95

/* open(2) flags, octal as in asm-generic/fcntl.h (x86-64 uses those). */
#define LX_O_ACCMODE 03
#define LX_O_RDONLY 0
#define LX_O_WRONLY 01
#define LX_O_RDWR 02
#define LX_O_CREAT 0100
#define LX_O_EXCL 0200
#define LX_O_NOCTTY 0400
#define LX_O_TRUNC 01000
#define LX_O_APPEND 02000
#define LX_O_NONBLOCK 04000
#define LX_O_DSYNC 010000
#define LX_O_ASYNC 020000
#define LX_O_DIRECT 040000
#define LX_O_LARGEFILE 0100000
#define LX_O_DIRECTORY 0200000
#define LX_O_NOFOLLOW 0400000
#define LX_O_NOATIME 01000000
#define LX_O_CLOEXEC 02000000
#define LX_O_SYNC 04010000
#define LX_O_PATH 010000000
#define LX___O_TMPFILE 020000000
#define LX_O_TMPFILE (LX___O_TMPFILE | LX_O_DIRECTORY)

/* File types and permission bits of st_mode. */
#define LX_S_IFMT 0170000
#define LX_S_IFSOCK 0140000
#define LX_S_IFLNK 0120000
#define LX_S_IFREG 0100000
#define LX_S_IFBLK 0060000
#define LX_S_IFDIR 0040000
#define LX_S_IFCHR 0020000
#define LX_S_IFIFO 0010000
#define LX_S_ISUID 04000
#define LX_S_ISGID 02000
#define LX_S_ISVTX 01000

/* access(2) modes. */
#define LX_F_OK 0
#define LX_X_OK 1
#define LX_W_OK 2
#define LX_R_OK 4

/* The *at(2) calls. */
#define LX_AT_FDCWD (-100)
#define LX_AT_SYMLINK_NOFOLLOW 0x100
#define LX_AT_REMOVEDIR 0x200
#define LX_AT_EACCESS 0x200
#define LX_AT_SYMLINK_FOLLOW 0x400
#define LX_AT_NO_AUTOMOUNT 0x800
#define LX_AT_EMPTY_PATH 0x1000

/* renameat2(2). */
#define LX_RENAME_NOREPLACE 1
#define LX_RENAME_EXCHANGE 2
#define LX_RENAME_WHITEOUT 4

/* utimensat(2): tv_nsec values that mean "now" and "leave alone". */
#define LX_UTIME_NOW ((1L << 30) - 1)
#define LX_UTIME_OMIT ((1L << 30) - 2)

/* d_type of getdents64 entries. */
#define LX_DT_UNKNOWN 0
#define LX_DT_FIFO 1
#define LX_DT_CHR 2
#define LX_DT_DIR 4
#define LX_DT_BLK 6
#define LX_DT_REG 8
#define LX_DT_LNK 10
#define LX_DT_SOCK 12

/* Limits: a path's bytes with its NUL, a component's bytes, links per walk. */
#define LX_PATH_MAX 4096
#define LX_NAME_MAX 255
#define LX_MAXSYMLINKS 40

#endif
