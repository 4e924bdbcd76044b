/*
 * The Linux x86-64 system-call ABI, at user level.  The kernel forwards
 * every `syscall` whose number is not an exokernel call to this handler
 * (EXO_EXC_SYSCALL), arguments intact; it answers in the frame's rax and
 * the program resumes after its syscall instruction without the kernel.
 *
 * So far: what a static musl program needs to start, print, allocate
 * memory, catch the signals its own faults raise (signal.c) and exit.
 * Everything else answers -ENOSYS, never a silent success.  Processes,
 * files and pipes come with the ExOS issue.
 */
#include "../exos.h"
#include "../internal.h"
#include "linux.h"

#define ENOENT 2
#define EBADF 9
#define ENOMEM 12
#define EFAULT 14
#define EINVAL 22
#define ENOTTY 25
#define ENOSYS 38

#define MMAP_BASE 0x0000100000000000UL
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20

static uint64_t brk_start, brk_cur, brk_mapped, mmap_next = MMAP_BASE;

struct iovec {
	const void *base;
	uint64_t len;
};

/* Maps fresh zeroed pages over [va, va + len), page-aligned. */
static int64_t
map_fresh(uint64_t va, uint64_t len, int perm)
{
	uint64_t n = (len + EXO_PGSIZE - 1) / EXO_PGSIZE;

	if (n == 0)
		return 0;
	return page_alloc_map(va, n, perm, NULL) < 0 ? -ENOMEM : 0;
}

/* The same, with library bits in every entry (a shared mapping). */
static int64_t
map_fresh_soft(uint64_t va, uint64_t len, int perm, uint8_t soft)
{
	uint64_t n = (len + EXO_PGSIZE - 1) / EXO_PGSIZE;

	if (map_fresh(va, len, perm) < 0)
		return -ENOMEM;
	struct exo_ptop o = { va, 0, (uint32_t)n, EXO_PT_PROT, (uint8_t)perm, soft, 0 };
	if (exo_pt_batch(EXO_SLOT_VSPACE, &o, 1) < 0) {
		page_unmap(va, n); /* all or nothing, as mmap promises */
		return -ENOMEM;
	}
	return 0;
}

static int64_t
sys_write(int fd, const char *buf, uint64_t len)
{
	uint64_t done = 0;

	if (fd != 1 && fd != 2)
		return -EBADF;
	while (done < len) {
		int64_t r = exo_cons_write(EXO_SLOT_CONSOLE, buf + done, len - done);
		if (r < 0)
			return done ? (int64_t)done : -EFAULT;
		done += (uint64_t)r;
	}
	return (int64_t)len;
}

static int64_t
sys_read(int fd, char *buf, uint64_t len)
{
	int64_t r;

	if (fd != 0)
		return -EBADF;
	if (len == 0)
		return 0;
	while ((r = exo_cons_read(EXO_SLOT_CONSOLE, buf, len)) == 0)
		exo_yield(EXO_ENV_ANY);
	return r < 0 ? -EFAULT : r;
}

static int64_t
sys_writev(int fd, const struct iovec *iov, int n)
{
	int64_t total = 0;

	for (int i = 0; i < n; i++) {
		int64_t r = sys_write(fd, iov[i].base, iov[i].len);
		if (r < 0)
			return total ? total : r;
		total += r;
	}
	return total;
}

static int64_t
sys_brk(uint64_t want)
{
	if (want == 0 || want < brk_start)
		return (int64_t)brk_cur;
	uint64_t end = (want + EXO_PGSIZE - 1) & ~(EXO_PGSIZE - 1);
	if (end > brk_mapped) {
		if (map_fresh(brk_mapped, end - brk_mapped, EXO_PERM_W) < 0)
			return (int64_t)brk_cur; /* Linux's way to say no */
		brk_mapped = end;
	}
	brk_cur = want;
	return (int64_t)brk_cur;
}

static int64_t
sys_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags,
    int64_t fd, uint64_t off)
{
	(void)off;
	if (len == 0)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS) || fd != -1 ||
	    !(flags & (MAP_PRIVATE | MAP_SHARED)))
		return -ENOSYS; /* files come later */
	if (len > EXO_ULIM)
		return -ENOMEM; /* before rounding, which could wrap to 0 */
	len = (len + EXO_PGSIZE - 1) & ~(EXO_PGSIZE - 1);
	uint64_t next = mmap_next;
	if (flags & MAP_FIXED) {
		if (addr & (EXO_PGSIZE - 1))
			return -EINVAL;
		if (addr >= EXO_ULIM || len > EXO_ULIM - addr)
			return -ENOMEM;
	} else {
		/* Below the runtime; a refused request must not use up space. */
		if (len > EXOS_RUNTIME_BASE - EXO_PGSIZE - mmap_next)
			return -ENOMEM;
		addr = mmap_next;
		next = mmap_next + len + EXO_PGSIZE; /* a guard page between */
	}
	int perm = (prot & PROT_WRITE ? EXO_PERM_W : 0) | (prot & PROT_EXEC ? EXO_PERM_X : 0);
	if (flags & MAP_SHARED) {
		/* Shared with the children this process forks, not copied. */
		if (map_fresh_soft(addr, len, perm, LINUX_SOFT_SHARED) < 0)
			return -ENOMEM;
	} else if (map_fresh(addr, len, perm) < 0) {
		return -ENOMEM;
	}
	mmap_next = next;
	return (int64_t)addr;
}

/*
 * One batched call when no page in the range carries library bits (the
 * usual case); otherwise page by page, keeping each page's bits, and
 * never making a copy-on-write page writable: its first write must still
 * fault and get its own copy (linux_cow_fault).
 */
static int64_t
sys_mprotect(uint64_t addr, uint64_t len, uint64_t prot)
{
	struct exo_ptop ops[64];
	int n = 0;

	if (addr & (EXO_PGSIZE - 1))
		return -EINVAL;
	int perm = (prot & PROT_WRITE ? EXO_PERM_W : 0) | (prot & PROT_EXEC ? EXO_PERM_X : 0);
	if (len == 0)
		return 0;
	if (addr >= EXO_ULIM || len > EXO_ULIM - addr)
		return -ENOMEM; /* as Linux: not all of it could be mapped */
	uint64_t pages = (len + EXO_PGSIZE - 1) / EXO_PGSIZE;
	if (!(exos_pte_or(addr, pages) & EXO_PTE_SOFT_MASK))
		return page_protect(addr, pages, perm) >= 0 ? 0 : -ENOMEM;
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t va = addr + i * EXO_PGSIZE, pte = exos_pte(va);
		uint8_t soft = (uint8_t)((pte & EXO_PTE_SOFT_MASK) >> EXO_PTE_SOFT_SHIFT);
		int p = perm;
		if (soft & LINUX_SOFT_COW) {
			/* Writable only in intent, until the copy is made. */
			soft = (uint8_t)((soft & ~LINUX_SOFT_WANTW) |
			    (perm & EXO_PERM_W ? LINUX_SOFT_WANTW : 0));
			p &= ~EXO_PERM_W;
		}
		ops[n++] = (struct exo_ptop){ va, 0, 1, EXO_PT_PROT, (uint8_t)p, soft, 0 };
		if (n == 64 || i + 1 == pages) {
			if (exo_pt_batch(EXO_SLOT_VSPACE, ops, (uint64_t)n) < 0)
				return -ENOMEM;
			n = 0;
		}
	}
	return 0;
}

static int64_t
sys_munmap(uint64_t addr, uint64_t len)
{
	if (addr & (EXO_PGSIZE - 1) || len == 0 || addr >= EXO_ULIM ||
	    len > EXO_ULIM - addr)
		return -EINVAL; /* as Linux: outside the process's half */
	/* Linux allows holes: unmap page by page what is there. */
	for (uint64_t va = addr; va < addr + len; va += EXO_PGSIZE)
		if (exos_pte(va) & EXO_PTE_P)
			page_unmap(va, 1);
	return 0;
}

struct winsize {
	uint16_t row, col, xpixel, ypixel;
};

static int64_t
sys_ioctl(int fd, uint64_t req, void *arg)
{
	if (fd < 0 || fd > 2)
		return -EBADF;
	if (req == 0x5413) { /* TIOCGWINSZ: the console is a terminal */
		*(struct winsize *)arg = (struct winsize){ 24, 80, 0, 0 };
		return 0;
	}
	return -ENOTTY;
}

struct utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65],
	    domainname[65];
};

static int64_t
sys_uname(struct utsname *u)
{
	memset(u, 0, sizeof(*u));
	memcpy(u->sysname, "ExOS", sizeof("ExOS"));
	memcpy(u->nodename, "exo", sizeof("exo"));
	memcpy(u->release, "0.1", sizeof("0.1"));
	memcpy(u->version, "exokernel", sizeof("exokernel"));
	memcpy(u->machine, "x86_64", sizeof("x86_64"));
	return 0;
}

static int64_t
sys_clock_gettime(int clock, uint64_t *ts)
{
	uint64_t ns = time_ns();

	if (clock == 0) /* CLOCK_REALTIME */
		ns += EXO_INFO->boot_epoch * 1000000000UL;
	ts[0] = ns / 1000000000UL;
	ts[1] = ns % 1000000000UL;
	return 0;
}

static int64_t
sys_getrandom(uint8_t *buf, uint64_t len)
{
	static uint64_t x;

	x ^= rdtsc() | 1;
	for (uint64_t i = 0; i < len; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
	return (int64_t)len;
}

/* Sleeps by giving the processor away until the time has passed. */
static int64_t
sleep_until(uint64_t deadline_ns)
{
	while (time_ns() < deadline_ns)
		exo_yield(EXO_ENV_ANY);
	return 0;
}

static int64_t
sys_clock_nanosleep(int clock, int flags, const uint64_t *req, uint64_t *rem)
{
	if (req[1] >= 1000000000UL)
		return -EINVAL;
	uint64_t ns = req[0] * 1000000000UL + req[1];
	if (flags & 1) { /* TIMER_ABSTIME */
		if (clock == 0) /* CLOCK_REALTIME */
			ns -= EXO_INFO->boot_epoch * 1000000000UL;
		return sleep_until(ns);
	}
	if (rem)
		rem[0] = rem[1] = 0;
	return sleep_until(time_ns() + ns);
}

static int64_t
dispatch(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
    uint64_t a4, uint64_t a5)
{
	switch (nr) {
	case 0:
		return sys_read((int)a0, (char *)a1, a2);
	case 1:
		return sys_write((int)a0, (const char *)a1, a2);
	case 9:
		return sys_mmap(a0, a1, a2, a3, (int64_t)a4, a5);
	case 10:
		return sys_mprotect(a0, a1, a2);
	case 11:
		return sys_munmap(a0, a1);
	case 12:
		return sys_brk(a0);
	case 13:
		return linux_sigaction((int)a0, (const void *)a1, (void *)a2, a3);
	case 14:
		return linux_sigprocmask((int)a0, (const uint64_t *)a1, (uint64_t *)a2, a3);
	case 16:
		return sys_ioctl((int)a0, a1, (void *)a2);
	case 20:
		return sys_writev((int)a0, (const struct iovec *)a1, (int)a2);
	case 35: /* nanosleep */
		return sys_clock_nanosleep(1, 0, (const uint64_t *)a0, (uint64_t *)a1);
	case 230:
		return sys_clock_nanosleep((int)a0, (int)a1, (const uint64_t *)a2,
		    (uint64_t *)a3);
	case 102: /* getuid: one user, root */
	case 104: /* getgid */
	case 107: /* geteuid */
	case 108: /* getegid */
		return 0;
	case 61:
		return linux_wait4((int64_t)a0, (int *)a1, (int)a2);
	case 110: /* getppid */
		return EXO_SELF->parent;
	case 24: /* sched_yield */
		exo_yield(EXO_ENV_ANY);
		return 0;
	case 39: /* getpid */
	case 186: /* gettid */
		return EXO_SELF->id;
	case 60:  /* exit */
	case 231: /* exit_group */
		exit((int)(a0 & 0xff));
	case 63:
		return sys_uname((struct utsname *)a0);
	case 158: /* arch_prctl */
		if (a0 == 0x1002) { /* ARCH_SET_FS */
			__asm__ volatile("wrfsbase %0" : : "r"(a1));
			return 0;
		}
		if (a0 == 0x1003) { /* ARCH_GET_FS */
			uint64_t fs;
			__asm__ volatile("rdfsbase %0" : "=r"(fs));
			*(uint64_t *)a1 = fs;
			return 0;
		}
		return -EINVAL;
	case 218: /* set_tid_address */
		return EXO_SELF->id;
	case 228:
		return sys_clock_gettime((int)a0, (uint64_t *)a1);
	case 318:
		return sys_getrandom((uint8_t *)a0, a1);
	}
	return -ENOSYS;
}

/*
 * The handler: the six argument registers are where the trampoline pushed
 * them, just below the frame (rdi, rsi, rdx, r8, r9, r10 downwards).
 */
static void
on_syscall(int cls, struct exo_excframe *f)
{
	const uint64_t *r = (const uint64_t *)f;

	(void)cls;
	if (f->rax == 15) { /* rt_sigreturn: every register comes back */
		linux_sigreturn(f);
		return;
	}
	if (f->rax == 57 || f->rax == 58) { /* fork, vfork: every register goes */
		f->rax = (uint64_t)linux_fork(f);
		return;
	}
	f->rax = (uint64_t)dispatch(f->rax, r[-1], r[-2], r[-3], r[-6], r[-4], r[-5]);
}

/* A forked child starts with no handlers in the kernel: register ours. */
void
linux_reregister(void)
{
	for (int cls = 0; cls < EXO_NEXC; cls++)
		if (exos_exc_handlers[cls])
			exos_exc_handle(cls, exos_exc_handlers[cls]);
}

int
linux_init(uint64_t brk)
{
	brk_start = brk_cur = brk_mapped = brk;
	if (linux_signals_init() < 0)
		return -1;
	return exos_exc_handle(EXO_EXC_SYSCALL, on_syscall);
}
