/*
 * ExOS's Linux system-call layer (syscall.c), used by its runtime (main.c).
 */
#ifndef EXOS_LINUX_H
#define EXOS_LINUX_H

#include <stdint.h>

/* Library bits in the page-table entries (EXO_PTE_SOFT_SHIFT on). */
#define LINUX_SOFT_COW 0x1   /* shared after fork: copy on the first write */
#define LINUX_SOFT_WANTW 0x2 /* ... and the program may write it (mprotect) */
#define LINUX_SOFT_SHARED 0x4 /* MAP_SHARED: the same page in parent and child */

struct exo_excframe;
struct lx_sigaction;

int linux_init(uint64_t brk);
int linux_signals_init(void);
int64_t linux_sigaction(int sig, const struct lx_sigaction *act,
    struct lx_sigaction *old, uint64_t setsize);
int64_t linux_sigprocmask(int how, const uint64_t *set, uint64_t *old,
    uint64_t setsize);
void linux_sigreturn(struct exo_excframe *f);
void linux_reregister(void);
int64_t linux_fork(struct exo_excframe *f);
int64_t linux_wait4(int64_t pid, int *status, int options);
int linux_cow_fault(uint64_t addr, uint64_t err);

#endif
