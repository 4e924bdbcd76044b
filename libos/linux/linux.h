/*
 * ExOS's Linux system-call layer (syscall.c), used by its runtime (main.c).
 */
#ifndef EXOS_LINUX_H
#define EXOS_LINUX_H

#include <stdint.h>

#include <exo/syscall.h>

/* Library bits in the page-table entries (EXO_PTE_SOFT_SHIFT on). */
#define LINUX_SOFT_COW 0x1   /* shared after fork: copy on the first write */
#define LINUX_SOFT_WANTW 0x2 /* ... and the program may write it (mprotect) */
#define LINUX_SOFT_SHARED 0x4 /* MAP_SHARED: the same page in parent and child */

struct exo_excframe;
struct lx_sigaction;

int linux_init(uint64_t brk, uint64_t stack_lo);
int linux_signals_init(void);
int64_t linux_sigaction(int sig, const struct lx_sigaction *act,
    struct lx_sigaction *old, uint64_t setsize);
int64_t linux_sigprocmask(int how, const uint64_t *set, uint64_t *old,
    uint64_t setsize);
void linux_sigreturn(struct exo_excframe *f);
void linux_reregister(void);
int64_t linux_fork(struct exo_excframe *f);
extern uint64_t linux_fork_settid;
int linux_cow_fault(uint64_t addr, uint64_t err);
void linux_resume_prepare(uint64_t rsp);
extern uint64_t linux_stack_ok;

/* Which slot holds the page at each address (pagemap.c). */
int pagemap_init(void);
int pagemap_adopt(void);
int pagemap_set(uint64_t va, exo_slot_t slot);
int64_t pagemap_get(uint64_t va);
int64_t pagemap_peek(uint64_t va);
void pagemap_del(uint64_t va);
void pagemap_release(uint64_t va);
int pagemap_walk(int (*fn)(uint64_t va, uint64_t pte, void *arg), void *arg);

/* Demand-zero ranges (vmr.c). */
int vmr_add(uint64_t start, uint64_t end, int perm);
int vmr_remove(uint64_t start, uint64_t end);
int vmr_protect(uint64_t start, uint64_t end, int perm);
int vmr_covers(uint64_t va, int *perm);
int vmr_all_mapped(uint64_t start, uint64_t end);
int vmr_fault(uint64_t addr);

/* Revocation requests, answered with clean pages (revoke.c). */
int linux_revoke_init(void);
void linux_yield(exo_envid_t to);
/* Waiting for sysd: its event word (SYSD_EVENT_VA), read before a request
 * that may block, and a sleep until it moves or the counter reaches
 * deadline_tsc (0: no deadline). */
uint64_t linux_events(void);
void linux_wait(uint64_t seen, uint64_t deadline_tsc);

/* Signals (signal.c). */
extern uint64_t linux_pending;
void linux_signals_inherit(uint64_t ignored, uint64_t mask);
uint64_t linux_blocked(void);
extern uint64_t linux_sigblocked;
/* Is a signal pending that the program would now run a handler for? */
static inline int
linux_signal_deliverable(void)
{
	return (linux_pending & ~linux_sigblocked) != 0;
}
int linux_signal_restarts(void);
int linux_slice_upcalls(void);
void linux_slice_reregister(void);
void linux_deliver(struct exo_excframe *f, uint64_t mask);
struct lx_stack;
int64_t linux_sigaltstack(const struct lx_stack *ss, struct lx_stack *old);
extern uint64_t linux_program_sp; /* the program's rsp at its last call */

/* sysd's services (files.c). */
struct iovec;
struct pollfd;
extern int linux_have_sysd;
extern int64_t linux_pid;
int linux_sysd_init(void);
int linux_uok(uint64_t va, uint64_t len, int write);
int64_t linux_sysd_call(uint64_t w[6]);
int64_t linux_sysd(uint64_t op, uint64_t a, uint64_t b, uint64_t c, uint64_t d);
int64_t linux_read(int64_t fd, void *buf, uint64_t n);
int64_t linux_write(int64_t fd, const void *buf, uint64_t n);
int64_t linux_pread(int64_t fd, void *buf, uint64_t n, int64_t off, int write);
int64_t linux_rwv(int64_t fd, const struct iovec *iov, int64_t n, int write);
int64_t linux_openat(int64_t dirfd, const char *path, uint64_t flags, uint64_t mode);
int64_t linux_fstatat(int64_t dirfd, const char *path, void *st, uint64_t flags);
int64_t linux_fstat(int64_t fd, void *st);
int64_t linux_getdents(int64_t fd, void *buf, uint64_t n);
int64_t linux_readlinkat(int64_t dirfd, const char *path, char *buf, int64_t n);
int64_t linux_getcwd(char *buf, uint64_t n);
int64_t linux_pipe2(int *fds, uint64_t flags);
int64_t linux_ioctl(int64_t fd, uint64_t req, void *arg);
int64_t linux_poll(struct pollfd *fds, uint64_t n, int64_t timeout_ms);
int64_t linux_select(int64_t n, uint64_t *rd, uint64_t *wr, uint64_t *ex,
    int64_t timeout_ms);
int64_t linux_path_call(uint64_t op, const char *path, uint64_t a, uint64_t b,
    uint64_t c);
int64_t linux_two_path_call(uint64_t op, const char *p1, const char *p2,
    uint64_t a, uint64_t b, uint64_t c);
int64_t linux_execve(const char *path, char *const *argv, char *const *envp,
    uint64_t blocked);
int64_t linux_wait4(int64_t pid, int *status, int options, void *rusage);
int64_t linux_prlimit(int64_t pid, uint64_t res, const uint64_t *nw,
    uint64_t *old);
struct lx_statx;
int64_t linux_statx(int64_t dirfd, const char *path, uint64_t flags,
    uint64_t mask, struct lx_statx *out);
int64_t linux_utimensat(int64_t dirfd, const char *path, const int64_t *ts,
    uint64_t flags);
void linux_exit(int32_t wstatus) __attribute__((noreturn));

#endif
