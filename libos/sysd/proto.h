/*
 * The protocol between ExOS's Linux runtime (libos/linux/) and sysd, the
 * server that keeps what every process must see alike: the process table,
 * the file system, open files, pipes and the console's line discipline
 * (docs/sysd.md says why this state lives in a server).
 *
 * A request is one protected control transfer: w[0] the operation, w[1..4]
 * its arguments; strings and buffers go through the caller's window, 16
 * pages mapped at SYSD_WIN_VA in the process and also in sysd.  The reply:
 * w[0] the result (a negative Linux errno, or a value), w[1..3] more
 * values, w[4] whom to yield to after SYSD_BLOCK, w[5] signals that became
 * pending for the caller (bit sig-1), which the caller now delivers: sysd
 * forgets them once reported.
 *
 * sysd knows its caller from the kernel's transfer (an unforgeable id), so
 * a process can only ever name its own file descriptors and children; and
 * it reads the window once, into its own memory, before it acts.
 */
#ifndef SYSD_PROTO_H
#define SYSD_PROTO_H

#include <stdint.h>

#define SYSD_SLOT 4 /* a process's capability (EXO_R_CALL) for sysd */
#define SYSD_WIN_VA 0x00007b8000000000UL
#define SYSD_WIN_PAGES 16
#define SYSD_WIN_SIZE (SYSD_WIN_PAGES * 4096UL)

/*
 * One page, read-only in every process, right after its window: its first
 * word counts the changes that may end a wait (bytes into or out of a
 * pipe or the terminal, an end of a pipe closed or opened, a terminal
 * mode set, a process ended, stopped or continued, a signal raised).  A
 * process that got SYSD_BLOCK sleeps (exo_sleep) until the word moves
 * from what it read before asking.
 */
#define SYSD_EVENT_VA (SYSD_WIN_VA + SYSD_WIN_SIZE)

/* The call would wait: yield (to w[4] if not 0), or sleep on the event
 * word, and ask again. */
#define SYSD_BLOCK (-512)
/* sysd was busy with its own work: yield to it and ask again (any call). */
#define SYSD_BUSY (-513)

/* What SYSD_FSTATAT and SYSD_FSTAT leave in the window: Linux's x86-64
 * struct stat, which the runtime hands the program as it is. */
struct lx_stat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	uint64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	int64_t unused[3];
};
_Static_assert(sizeof(struct lx_stat) == 144, "Linux's struct stat");

enum sysd_op {
	SYSD_HELLO = 1, /* -> pid, ppid */
	SYSD_OPENAT,    /* dirfd, flags, mode; path in the window -> fd */
	SYSD_CLOSE,     /* fd */
	SYSD_READ,      /* fd, n (<= window) -> count; bytes in the window */
	SYSD_WRITE,     /* fd, n; bytes in the window -> count */
	SYSD_PREAD,     /* fd, n, off */
	SYSD_PWRITE,    /* fd, n, off */
	SYSD_LSEEK,     /* fd, off, whence -> new offset */
	SYSD_FSTATAT,   /* dirfd, flags; path in the window -> struct stat there */
	SYSD_GETDENTS,  /* fd, n -> bytes of linux_dirent64 in the window */
	SYSD_MKDIRAT,   /* dirfd, mode; path */
	SYSD_MKNODAT,   /* dirfd, mode, dev; path */
	SYSD_UNLINKAT,  /* dirfd, flags; path */
	SYSD_RENAMEAT,  /* olddirfd, newdirfd, flags; old\0new */
	SYSD_LINKAT,    /* olddirfd, newdirfd, flags; old\0new */
	SYSD_SYMLINKAT, /* newdirfd; target\0linkpath */
	SYSD_READLINKAT,/* dirfd, size; path -> count, the target in the window */
	SYSD_FACCESSAT, /* dirfd, mode, flags; path */
	SYSD_FCHMODAT,  /* dirfd, mode; path (dirfd >= 0 with "" : that fd) */
	SYSD_FTRUNCATE, /* fd, length */
	SYSD_TRUNCATE,  /* length; path */
	SYSD_UTIMENSAT, /* dirfd, flags; path\0 then two timespecs at 4096 */
	SYSD_DUP,       /* fd -> fd */
	SYSD_DUP3,      /* old, new, flags (-1: dup2 semantics) -> new */
	SYSD_FCNTL,     /* fd, cmd, arg */
	SYSD_PIPE2,     /* flags -> fd, fd */
	SYSD_IOCTL,     /* fd, request; argument in the window */
	SYSD_CHDIR,     /* path */
	SYSD_FCHDIR,    /* fd */
	SYSD_GETCWD,    /* size -> length, the path in the window */
	SYSD_UMASK,     /* mask -> old mask */
	SYSD_POLL,      /* nfds; struct pollfd[] in the window -> ready count */
	SYSD_FORK,      /* envslot, vsslot (the caller's, empty) -> pid, env id */
	SYSD_FORK_ABORT,/* pid: the child could not be built */
	SYSD_EXEC,      /* argc, envc, mask, n: the last n bytes of
			   path\0argv...\0envp...\0 (no return) */
	SYSD_EXIT,      /* wait status (code << 8, or a signal number) */
	SYSD_WAIT4,     /* pid, options -> pid, status */
	SYSD_KILL,      /* pid, sig */
	SYSD_GETPGID,   /* pid -> pgid */
	SYSD_SETPGID,   /* pid, pgid */
	SYSD_SETSID,    /* -> sid */
	SYSD_GETSID,    /* pid -> sid */
	SYSD_GETPPID,   /* -> ppid */
	SYSD_SIGDISP,   /* sig, disposition (SYSD_SIG_*) */
	SYSD_PRLIMIT,   /* resource, new (or -1 to only read) -> old */
	SYSD_SENDFILE,  /* out, in, n, offset (or -1: in's own) -> count */
	SYSD_STATFS,    /* -> a few counts */
	SYSD_SIGINFO,   /* sig -> sender pid; code, status in w[2], w[3] */
	SYSD_REBOOT,    /* cmd: power off (halt, restart: the same here) */
	SYSD_EXEC_MORE, /* n: n more bytes of exec's arguments (0: start over) */
	SYSD_NOPS
};

/* What a process does with a signal, as sysd needs to know it. */
#define SYSD_SIG_DFL 0
#define SYSD_SIG_IGN 1
#define SYSD_SIG_HANDLE 2

#endif
