/*
 * sysd's internals: the process table (proc.c), open files, pipes and the
 * console (file.c), the file-system calls (fscalls.c), memory (heap.c),
 * all driven by main.c, one request at a time.
 *
 * sysd is single-threaded by construction: requests run in its transfer
 * activation, which the kernel runs for one caller at a time, and its own
 * context (main.c's loop) touches shared state only with main_busy set,
 * which makes a request arriving meanwhile wait (SYSD_BLOCK, yield to us).
 */
#ifndef SYSD_H
#define SYSD_H

#include "exos.h"
#include "fs.h"
#include "lx.h"
#include "lxsig.h"
#include "proto.h"

#define NPROC 1024       /* the kernel's environment table bounds it */
#define NOFILE_MAX 4096  /* RLIMIT_NOFILE's hard limit */
#define NOFILE_DEF 1024
#define PIPE_SIZE 65536  /* as Linux's default pipe capacity */
#define NSIG 65
#define EXEC_MAX ((2UL << 20) + 4096) /* ARG_MAX, and the path */

/* The event page (proto.h's SYSD_EVENT_VA), and its capability. */
extern volatile uint64_t *sysd_events;
extern exo_slot_t sysd_events_slot;
/* Something changed that may end a process's wait. */
static inline void
sysd_event(void)
{
	sysd_events[0]++;
}

struct pipe {
	uint8_t *buf;
	uint64_t rpos, count;  /* read position, bytes held */
	int readers, writers;  /* open descriptions of each end */
	exo_envid_t last_reader, last_writer; /* whom to yield to */
	/* A named pipe's: its inode (priv points back), opens waiting for
	 * the other end, and how many times each end has been opened. */
	struct fs_inode *fifo;
	int rwait, wwait;
	uint64_t ropens, wopens;
};

enum file_kind { F_INODE, F_PIPE_R, F_PIPE_W, F_PIPE_RW, F_NULL, F_ZERO,
	F_TTY, F_FULL, F_RANDOM };

/* An open file description: shared by dup and fork. */
struct file {
	int refs;
	int kind;
	uint32_t flags; /* LX_O_* status flags and access mode */
	uint64_t off;
	struct fs_inode *ino; /* F_INODE, and the inode of a device */
	struct pipe *pipe;
	uint64_t dircookie;   /* getdents64's place */
};

enum proc_state { P_FREE, P_LIVE, P_ZOMBIE };
enum { P_REPORT_STOP = 1, P_REPORT_CONT = 2 };

/* Who sent a signal and why, for the handler's siginfo. */
struct sinfo {
	int32_t pid, code, status;
};

struct proc {
	int state;
	int32_t pid, ppid, pgid, sid;
	exo_envid_t env;
	exo_slot_t envslot, vsslot; /* sysd's capabilities for it */
	exo_slot_t winslot;         /* sysd's for its window's pages */
	uint8_t *win;               /* the window, in sysd */
	int32_t status;             /* P_ZOMBIE: the wait status */
	struct file **fd;           /* nfd entries */
	uint8_t *cloexec;
	int nfd;
	struct fs_inode *cwd;
	uint32_t umask;
	uint64_t pending;           /* signals not yet reported (bit sig-1) */
	uint64_t ignored, handled;  /* dispositions */
	uint64_t exec_mask;         /* the signal mask across exec */
	int32_t stopped;            /* the signal that stopped it, or 0 */
	int32_t report;             /* a stop or continue wait4 has not told */
	struct sinfo sinfo[NSIG];   /* the latest of each signal */
	struct pipe *fifo_wait;     /* a named pipe it waits to open */
	int fifo_wait_w;            /* ... for writing */
	uint64_t fifo_seen;         /* the other end's opens when it began */
	char comm[16];              /* its program's name, for /proc */
	char *exe;                  /* its program's absolute path (heap) */
	uint64_t exelen;
	char *execbuf;              /* exec's arguments as they arrive */
	uint64_t execlen, execcap;
	char *cmdline;              /* argv, NUL-separated (heap), and */
	uint32_t cmdlen;            /* ... its length */
	uint64_t nofile, nproc;     /* limits */
};

extern struct fs fs;
extern struct proc procs[NPROC];
extern volatile int main_busy;
extern int32_t first_status; /* pid 1's wait status, once it has ended */
extern volatile int shutdown_requested; /* poweroff, halt, reboot */
extern exo_envid_t sysd_id;

/* proc.c */
struct proc *proc_of_env(exo_envid_t env);
struct proc *proc_by_pid(int32_t pid);
int proc_first(const char *path, char *const argv[], char *const envp[]);
void proc_reap_dead(void);
int64_t proc_fork(struct proc *p, uint64_t w[6]);
int64_t proc_fork_abort(struct proc *p, int32_t pid);
int64_t proc_exec(struct proc *p, uint64_t w[6]);
void exec_drop(struct proc *p);
void proc_exit(struct proc *p, int32_t status);
int64_t proc_wait4(struct proc *p, uint64_t w[6]);
int64_t proc_kill(struct proc *p, int64_t pid, int sig);
void proc_signal(struct proc *p, int sig, int32_t from, int32_t code,
    int32_t status);
void proc_signal_group(int32_t pgid, int sig);
int64_t proc_call(struct proc *p, uint64_t w[6]);
int proc_count(void);

/* file.c */
struct file *file_new(int kind, uint32_t flags);
void file_put(struct file *f);
int fd_alloc(struct proc *p, struct file *f, int min, int cloexec);
struct file *fd_get(struct proc *p, int64_t fd);
void fd_close_all(struct proc *p);
void fd_close_exec(struct proc *p);
int fd_copy_table(struct proc *to, const struct proc *from);
int64_t file_call(struct proc *p, uint64_t w[6]);
int64_t fifo_open(struct proc *p, struct fs_inode *ino, uint32_t flags,
    struct file **out);
void fifo_unwait(struct proc *p);
void tty_poll(void);
void tty_init(void);
int tty_attach(struct proc *p);

/* fscalls.c */
int64_t fs_call(struct proc *p, uint64_t w[6]);
int fscalls_populate(void);
struct fs_inode *fs_dir_of(struct proc *p, int64_t dirfd, int *err);

/* procfs.c */
void procfs_refresh(struct proc *caller);
int procfs_wanted(struct fs_inode *dir, const char *path);

/* heap.c */
void *heap_alloc(size_t n);
void heap_free(void *p, size_t n);

#endif
