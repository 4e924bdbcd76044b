/*
 * The Linux x86-64 system-call ABI, at user level.  The kernel forwards
 * every `syscall` whose number is not an exokernel call to this handler
 * (EXO_EXC_SYSCALL), arguments intact; it answers in the frame's rax and
 * the program resumes after its syscall instruction without the kernel.
 *
 * Memory, time and signal handling are answered here, in the process;
 * files, pipes, the terminal and the process table by sysd (files.c).
 * Everything else answers -ENOSYS, never a silent success.
 */
#include "../exos.h"
#include "../internal.h"
#include "../sysd/lxsig.h"
#include "../sysd/proto.h"
#include "linux.h"

#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EBADF 9
#define ECHILD 10
#define ENOMEM 12
#define EFAULT 14
#define EINVAL 22
#define ENOTTY 25
#define EACCES 13
#define ENODEV 19
#define ENOSYS 38

#define AT_FDCWD (-100)
#define LINUX_STACK_GROW (8UL << 20)
#define WIN0 (*(uint8_t *)SYSD_WIN_VA)
#define MMAP_BASE 0x0000100000000000UL
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_POPULATE 0x8000

uint64_t linux_program_sp;
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
	exo_slot_t first;

	if (n == 0)
		return 0;
	if (page_alloc_map(va, n, perm, &first) < 0)
		return -ENOMEM;
	for (uint64_t i = 0; i < n; i++) {
		if (pagemap_set(va + i * EXO_PGSIZE, first + i) < 0) {
			for (uint64_t k = 0; k < n; k++)
				pagemap_release(va + k * EXO_PGSIZE);
			return -ENOMEM;
		}
	}
	return 0;
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
		for (uint64_t k = 0; k < n; k++) /* all or nothing, as mmap promises */
			pagemap_release(va + k * EXO_PGSIZE);
		return -ENOMEM;
	}
	return 0;
}

static int64_t
cons_write(int fd, const char *buf, uint64_t len)
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
cons_read(int fd, char *buf, uint64_t len)
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
cons_writev(int fd, const struct iovec *iov, int n)
{
	int64_t total = 0;

	for (int i = 0; i < n; i++) {
		int64_t r = cons_write(fd, iov[i].base, iov[i].len);
		if (r < 0)
			return total ? total : r;
		total += r;
	}
	return total;
}

static int64_t
sys_munmap(uint64_t addr, uint64_t len)
{
	linux_stack_ok = 0;
	if (addr & (EXO_PGSIZE - 1) || len == 0 || addr >= EXO_ULIM ||
	    len > EXO_ULIM - addr)
		return -EINVAL; /* as Linux: outside the process's half */
	if (vmr_remove(addr, addr + len) < 0)
		return -ENOMEM;
	/* Linux allows holes: give back page by page what is there. */
	for (uint64_t va = addr; va < addr + len; va += EXO_PGSIZE)
		if (exos_pte(va) & EXO_PTE_P)
			pagemap_release(va);
	return 0;
}

static int64_t
sys_brk(uint64_t want)
{
	if (want == 0 || want < brk_start)
		return (int64_t)brk_cur;
	uint64_t end = (want + EXO_PGSIZE - 1) & ~(EXO_PGSIZE - 1);
	if (end > MMAP_BASE)
		return (int64_t)brk_cur; /* Linux's way to say no */
	if (end > brk_mapped) {
		if (vmr_add(brk_mapped, end, EXO_PERM_W) < 0)
			return (int64_t)brk_cur;
		brk_mapped = end;
	} else if (end < brk_mapped) {
		sys_munmap(end, brk_mapped - end);
		brk_mapped = end;
	}
	brk_cur = want;
	return (int64_t)brk_cur;
}


/*
 * mmap: anonymous memory, private or shared with the children this
 * process forks; and private copies of files (read from sysd into fresh
 * pages: a later write to the file is not seen, as Linux's MAP_PRIVATE
 * allows).  A file may be mapped shared only read-only, where the two
 * cannot be told apart.
 */
static int64_t
sys_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags,
    int64_t fd, uint64_t off)
{
	int anon = (flags & MAP_ANONYMOUS) != 0;

	if (len == 0)
		return -EINVAL;
	if (!(flags & (MAP_PRIVATE | MAP_SHARED)) ||
	    (flags & (MAP_PRIVATE | MAP_SHARED)) == (MAP_PRIVATE | MAP_SHARED))
		return -EINVAL;
	if (!anon) {
		if (off & (EXO_PGSIZE - 1))
			return -EINVAL;
		if (!linux_have_sysd)
			return -ENOSYS;
		if ((flags & MAP_SHARED) && (prot & PROT_WRITE))
			return -ENODEV; /* shared writable file mappings: not yet */
	}
	if (len > EXO_ULIM)
		return -ENOMEM; /* before rounding, which could wrap to 0 */
	len = (len + EXO_PGSIZE - 1) & ~(EXO_PGSIZE - 1);
	uint64_t next = mmap_next;
	if (flags & MAP_FIXED) {
		if (addr & (EXO_PGSIZE - 1))
			return -EINVAL;
		if (addr >= EXO_ULIM || len > EXO_ULIM - addr)
			return -ENOMEM;
		sys_munmap(addr, len); /* MAP_FIXED replaces what was there */
	} else {
		/* Below the runtime; a refused request must not use up space. */
		if (len > EXOS_RUNTIME_BASE - EXO_PGSIZE - mmap_next)
			return -ENOMEM;
		addr = mmap_next;
		next = mmap_next + len + EXO_PGSIZE; /* a guard page between */
	}
	int perm = (prot & PROT_WRITE ? EXO_PERM_W : 0) | (prot & PROT_EXEC ? EXO_PERM_X : 0);
	if (anon && (flags & MAP_SHARED)) {
		/* Shared with the children this process forks, not copied. */
		if (map_fresh_soft(addr, len, perm, LINUX_SOFT_SHARED) < 0)
			return -ENOMEM;
	} else if (anon && !(flags & MAP_POPULATE)) {
		/* Demand-zero: pages come on first touch (vmr.c). */
		if (vmr_add(addr, addr + len, perm) < 0)
			return -ENOMEM;
	} else if (map_fresh(addr, len, anon ? perm : EXO_PERM_W) < 0) {
		return -ENOMEM;
	}
	if (!anon) {
		/* The file's bytes, then the protection asked for. */
		int64_t r = linux_pread(fd, (void *)addr, len, (int64_t)off, 0);
		if (r < 0 || (!(prot & PROT_WRITE) && page_protect(addr,
		    len / EXO_PGSIZE, perm) < 0)) {
			sys_munmap(addr, len);
			return r == -EBADF || r == -EINVAL ? -EBADF : r < 0 ? -EACCES : -ENOMEM;
		}
	}
	mmap_next = next;
	return (int64_t)addr;
}

/*
 * mremap: shrinking gives back the tail; growing maps fresh pages after
 * the region if nothing is there, or (MREMAP_MAYMOVE) moves every page to
 * a new place, keeping each page and its library bits, no copy.
 */
static int64_t
sys_mremap(uint64_t old, uint64_t olen, uint64_t nlen, uint64_t flags)
{
	linux_stack_ok = 0;
	if ((old & (EXO_PGSIZE - 1)) || nlen == 0 || (flags & ~3UL) ||
	    old >= EXO_ULIM || olen > EXO_ULIM - old || nlen > EXO_ULIM)
		return -EINVAL;
	olen = (olen + EXO_PGSIZE - 1) & ~(EXO_PGSIZE - 1);
	nlen = (nlen + EXO_PGSIZE - 1) & ~(EXO_PGSIZE - 1);
	if (olen == 0)
		return -EINVAL; /* duplicating a shared mapping: not yet */
	if (!vmr_all_mapped(old, old + olen))
		return -EFAULT;
	if (nlen <= olen) {
		if (nlen < olen)
			sys_munmap(old + nlen, olen - nlen);
		return (int64_t)old;
	}
	uint64_t grow = nlen - olen, pte = exos_pte(old);
	int perm = (pte & EXO_PTE_W ? EXO_PERM_W : 0) | (pte & EXO_PTE_NX ? 0 : EXO_PERM_X);
	if (!(pte & EXO_PTE_P) && !vmr_covers(old, &perm))
		return -EFAULT;
	if (old + nlen <= EXO_ULIM &&
	    !(exos_pte_or(old + olen, grow / EXO_PGSIZE) & EXO_PTE_P) &&
	    (old + nlen <= MMAP_BASE || old + nlen <= mmap_next)) {
		if (vmr_add(old + olen, old + nlen, perm) < 0)
			return -ENOMEM;
		return (int64_t)old;
	}
	if (!(flags & 1)) /* MREMAP_MAYMOVE */
		return -ENOMEM;
	if (nlen > EXOS_RUNTIME_BASE - EXO_PGSIZE - mmap_next)
		return -ENOMEM;
	uint64_t to = mmap_next;
	if (vmr_add(to, to + nlen, perm) < 0)
		return -ENOMEM;
	for (uint64_t i = 0; i < olen; i += EXO_PGSIZE) {
		uint64_t p = exos_pte(old + i);
		if (!(p & EXO_PTE_P))
			continue; /* demand-zero: it stays so, at the new place */
		int64_t s = pagemap_get(old + i);
		if (s < 0)
			return -ENOMEM;
		uint8_t soft = (uint8_t)((p & EXO_PTE_SOFT_MASK) >> EXO_PTE_SOFT_SHIFT);
		int pp = (p & EXO_PTE_W ? EXO_PERM_W : 0) | (p & EXO_PTE_NX ? 0 : EXO_PERM_X);
		struct exo_ptop o[2] = {
			{ old + i, 0, 1, EXO_PT_UNMAP, 0, 0, 0 },
			{ to + i, (uint64_t)s, 1, EXO_PT_MAP, (uint8_t)pp, soft, 0 },
		};
		if (exo_pt_batch(EXO_SLOT_VSPACE, o, 2) < 0)
			return -ENOMEM;
		pagemap_del(old + i);
		pagemap_set(to + i, (exo_slot_t)s);
	}
	vmr_remove(old, old + olen);
	mmap_next = to + nlen + EXO_PGSIZE;
	return (int64_t)to;
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
	if (linux_stack_ok >= addr && linux_stack_ok - addr < len)
		linux_stack_ok = 0;
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
	/* The usual case first: all there, no library bits: one call. */
	if (!(exos_pte_or(addr, pages) & EXO_PTE_SOFT_MASK) &&
	    page_protect(addr, pages, perm) >= 0)
		return vmr_protect(addr, addr + pages * EXO_PGSIZE, perm) < 0 ? -ENOMEM : 0;
	if (!vmr_all_mapped(addr, addr + pages * EXO_PGSIZE))
		return -ENOMEM; /* as Linux: a hole in the range */
	if (vmr_protect(addr, addr + pages * EXO_PGSIZE, perm) < 0)
		return -ENOMEM;
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t va = addr + i * EXO_PGSIZE, pte = exos_pte(va);
		if (!(pte & EXO_PTE_P))
			continue; /* demand-zero: comes with the new protection */
		uint8_t soft = (uint8_t)((pte & EXO_PTE_SOFT_MASK) >> EXO_PTE_SOFT_SHIFT);
		int p = perm;
		if ((perm & EXO_PERM_W) && !(pte & EXO_PTE_MAYW))
			soft |= LINUX_SOFT_COW; /* shared text: a copy on the first write */
		if (soft & LINUX_SOFT_COW) {
			/* Writable only in intent, until the copy is made. */
			soft = (uint8_t)((soft & ~LINUX_SOFT_WANTW) |
			    (perm & EXO_PERM_W ? LINUX_SOFT_WANTW : 0));
			p &= ~EXO_PERM_W;
		}
		ops[n++] = (struct exo_ptop){ va, 0, 1, EXO_PT_PROT, (uint8_t)p, soft, 0 };
		if (n == 64) {
			if (exo_pt_batch(EXO_SLOT_VSPACE, ops, (uint64_t)n) < 0)
				return -ENOMEM;
			n = 0;
		}
	}
	if (n > 0 && exo_pt_batch(EXO_SLOT_VSPACE, ops, (uint64_t)n) < 0)
		return -ENOMEM;
	return 0;
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

/*
 * Sleeps until the time has passed, waking too when sysd's event word
 * moves to ask it whether a signal came (EINTR).
 */
static int64_t
sleep_until(uint64_t deadline_ns, uint64_t *rem)
{
	uint64_t now;

	while ((now = time_ns()) < deadline_ns) {
		uint64_t seen = linux_events();
		if (linux_have_sysd) {
			linux_sysd(SYSD_GETPPID, 0, 0, 0, 0);
			if (linux_signal_deliverable()) {
				if (rem) {
					rem[0] = (deadline_ns - now) / 1000000000UL;
					rem[1] = (deadline_ns - now) % 1000000000UL;
				}
				return -EINTR;
			}
		}
		linux_wait(seen, tsc_after_ns(deadline_ns - now));
	}
	return 0;
}

static int64_t
sys_clock_nanosleep(int clock, int flags, const uint64_t *req, uint64_t *rem)
{
	if (!linux_uok((uint64_t)req, 16, 0) || (rem && !linux_uok((uint64_t)rem, 16, 1)))
		return -EFAULT;
	if (req[1] >= 1000000000UL || (int64_t)req[0] < 0)
		return -EINVAL;
	uint64_t ns = req[0] * 1000000000UL + req[1];
	if (flags & 1) { /* TIMER_ABSTIME */
		if (clock == 0) /* CLOCK_REALTIME */
			ns -= EXO_INFO->boot_epoch * 1000000000UL;
		return sleep_until(ns, NULL);
	}
	if (rem)
		rem[0] = rem[1] = 0;
	return sleep_until(time_ns() + ns, rem);
}

/* rt_sigsuspend and pause: wait, with mask, for a handled signal. */
static int64_t
sys_sigsuspend(const uint64_t *mask, uint64_t *restore)
{
	uint64_t old = linux_blocked(), m;

	if (mask && !linux_uok((uint64_t)mask, 8, 0))
		return -EFAULT;
	m = mask ? *mask : old;
	linux_sigprocmask(2, &m, NULL, 8);
	for (;;) {
		uint64_t seen = linux_events();
		linux_sysd(SYSD_GETPPID, 0, 0, 0, 0);
		if (linux_signal_deliverable())
			break;
		linux_wait(seen, 0);
	}
	*restore = old; /* the handler returns to the old mask */
	return -EINTR;
}

/* The calls that only need sysd, by Linux number. */
static int64_t
sysd_dispatch(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
    uint64_t a4)
{
	/*
	 * File descriptors, pids and signal numbers are ints: only their low
	 * 32 bits are defined (glibc passes -1 and AT_FDCWD zero-extended).
	 */
#define SEXT(x) ((x) = (uint64_t)(int64_t)(int32_t)(x))
	switch (nr) {
	case 0: case 1: case 3: case 5: case 8: case 16: case 17: case 18:
	case 19: case 20: case 23: case 32: case 77: case 81: case 91:
	case 121: case 124: case 200: case 217: case 257: case 258: case 259:
	case 262: case 263: case 267: case 268: case 269: case 439: case 332:
	case 280: case 138: case 302: case 61: case 72:
		SEXT(a0);
		break;
	case 33: case 40: case 62: case 109: case 292:
		SEXT(a0);
		SEXT(a1);
		break;
	case 264: case 316: case 265:
		SEXT(a0);
		SEXT(a2);
		break;
	case 234:
		SEXT(a0);
		SEXT(a1);
		SEXT(a2);
		break;
	case 266:
		SEXT(a1);
		break;
	}
	if (nr == 61)
		SEXT(a2);
#undef SEXT
	switch (nr) {
	case 0: return linux_read((int64_t)a0, (void *)a1, a2);
	case 1: return linux_write((int64_t)a0, (const void *)a1, a2);
	case 2: return linux_openat(AT_FDCWD, (const char *)a0, a1, a2);
	case 3: return linux_sysd(SYSD_CLOSE, a0, 0, 0, 0);
	case 4: return linux_fstatat(AT_FDCWD, (const char *)a0, (void *)a1, 0);
	case 5: return linux_fstat((int64_t)a0, (void *)a1);
	case 6: return linux_fstatat(AT_FDCWD, (const char *)a0, (void *)a1, 0x100);
	case 7: return linux_poll((struct pollfd *)a0, a1, (int64_t)(int)a2);
	case 8: return linux_sysd(SYSD_LSEEK, a0, a1, a2, 0);
	case 16: return linux_ioctl((int64_t)a0, a1, (void *)a2);
	case 17: return linux_pread((int64_t)a0, (void *)a1, a2, (int64_t)a3, 0);
	case 18: return linux_pread((int64_t)a0, (void *)a1, a2, (int64_t)a3, 1);
	case 19: return linux_rwv((int64_t)a0, (const struct iovec *)a1, (int64_t)a2, 0);
	case 20: return linux_rwv((int64_t)a0, (const struct iovec *)a1, (int64_t)a2, 1);
	case 21: return linux_path_call(SYSD_FACCESSAT, (const char *)a0, (uint64_t)AT_FDCWD, a1, 0);
	case 22: return linux_pipe2((int *)a0, 0);
	case 23: {
		uint64_t *tv = (uint64_t *)a4;
		int64_t ms = -1;
		if (tv) {
			if (!linux_uok(a4, 16, 0))
				return -EFAULT;
			ms = (int64_t)(tv[0] * 1000 + tv[1] / 1000);
		}
		return linux_select((int64_t)a0, (uint64_t *)a1, (uint64_t *)a2, (uint64_t *)a3, ms);
	}
	case 32: return linux_sysd(SYSD_DUP, a0, 0, 0, 0);
	case 33: return linux_sysd(SYSD_DUP3, a0, a1, (uint64_t)-1, 0);
	case 40: {
		int64_t *off = (int64_t *)a2, r;
		if (off && !linux_uok(a2, 8, 1))
			return -EFAULT;
		uint64_t w = off ? (uint64_t)*off : (uint64_t)-1;
		if (off && *off < 0)
			return -EINVAL;
		r = linux_sysd(SYSD_SENDFILE, a0, a1, a3, w);
		if (r > 0 && off)
			*off += r;
		return r;
	}
	case 62: return linux_sysd(SYSD_KILL, a0, a1, 0, 0);
	case 72: return linux_sysd(SYSD_FCNTL, a0, a1, a2, 0);
	case 76: return linux_path_call(SYSD_TRUNCATE, (const char *)a0, a1, 0, 0);
	case 77: return linux_sysd(SYSD_FTRUNCATE, a0, a1, 0, 0);
	case 79: return linux_getcwd((char *)a0, a1);
	case 80: return linux_path_call(SYSD_CHDIR, (const char *)a0, 0, 0, 0);
	case 81: return linux_sysd(SYSD_FCHDIR, a0, 0, 0, 0);
	case 82: return linux_two_path_call(SYSD_RENAMEAT, (const char *)a0, (const char *)a1, (uint64_t)AT_FDCWD, (uint64_t)AT_FDCWD, 0);
	case 83: return linux_path_call(SYSD_MKDIRAT, (const char *)a0, (uint64_t)AT_FDCWD, a1, 0);
	case 84: return linux_path_call(SYSD_UNLINKAT, (const char *)a0, (uint64_t)AT_FDCWD, 0x200, 0);
	case 85: return linux_openat(AT_FDCWD, (const char *)a0, 0x241, a1); /* creat */
	case 86: return linux_two_path_call(SYSD_LINKAT, (const char *)a0, (const char *)a1, (uint64_t)AT_FDCWD, (uint64_t)AT_FDCWD, 0);
	case 87: return linux_path_call(SYSD_UNLINKAT, (const char *)a0, (uint64_t)AT_FDCWD, 0, 0);
	case 88: return linux_two_path_call(SYSD_SYMLINKAT, (const char *)a0, (const char *)a1, (uint64_t)AT_FDCWD, 0, 0);
	case 89: return linux_readlinkat(AT_FDCWD, (const char *)a0, (char *)a1, (int64_t)a2);
	case 90: return linux_path_call(SYSD_FCHMODAT, (const char *)a0, (uint64_t)AT_FDCWD, a1, 0);
	case 91: {
		if (linux_sysd(SYSD_FCNTL, a0, LX_F_GETFD, 0, 0) < 0)
			return -EBADF;
		WIN0 = 0;
		return linux_sysd(SYSD_FCHMODAT, a0, a1, 0, 0);
	}
	case 92: case 93: case 94: case 260: /* chown: one user owns all */
		return 0;
	case 95: return linux_sysd(SYSD_UMASK, a0, 0, 0, 0);
	case 97: { /* getrlimit */
		return linux_prlimit(0, a0, NULL, (uint64_t *)a1);
	}
	case 160: return linux_prlimit(0, a0, (const uint64_t *)a1, NULL);
	case 302: return linux_prlimit((int64_t)a0, a1, (const uint64_t *)a2, (uint64_t *)a3);
	case 109: return linux_sysd(SYSD_SETPGID, a0, a1, 0, 0);
	case 110: return linux_sysd(SYSD_GETPPID, 0, 0, 0, 0);
	case 111: return linux_sysd(SYSD_GETPGID, 0, 0, 0, 0);
	case 112: return linux_sysd(SYSD_SETSID, 0, 0, 0, 0);
	case 121: return linux_sysd(SYSD_GETPGID, a0, 0, 0, 0);
	case 124: return linux_sysd(SYSD_GETSID, a0, 0, 0, 0);
	case 133: return linux_path_call(SYSD_MKNODAT, (const char *)a0, (uint64_t)AT_FDCWD, a1, a2);
	case 200: /* tkill: our one thread */
		if ((int64_t)a0 != linux_pid)
			return -ESRCH;
		return linux_sysd(SYSD_KILL, a0, a1, 0, 0);
	case 234: /* tgkill */
		if ((int64_t)a0 != linux_pid || (int64_t)a1 != linux_pid)
			return -ESRCH;
		return linux_sysd(SYSD_KILL, a0, a2, 0, 0);
	case 217: return linux_getdents((int64_t)a0, (void *)a1, a2);
	case 257: return linux_openat((int64_t)a0, (const char *)a1, a2, a3);
	case 258: return linux_path_call(SYSD_MKDIRAT, (const char *)a1, a0, a2, 0);
	case 259: return linux_path_call(SYSD_MKNODAT, (const char *)a1, a0, a2, a3);
	case 262: return linux_fstatat((int64_t)a0, (const char *)a1, (void *)a2, a3);
	case 263: return linux_path_call(SYSD_UNLINKAT, (const char *)a1, a0, a2, 0);
	case 264: return linux_two_path_call(SYSD_RENAMEAT, (const char *)a1, (const char *)a3, a0, a2, 0);
	case 316: return linux_two_path_call(SYSD_RENAMEAT, (const char *)a1, (const char *)a3, a0, a2, a4);
	case 265: return linux_two_path_call(SYSD_LINKAT, (const char *)a1, (const char *)a3, a0, a2, a4);
	case 266: return linux_two_path_call(SYSD_SYMLINKAT, (const char *)a0, (const char *)a2, a1, 0, 0);
	case 267: return linux_readlinkat((int64_t)a0, (const char *)a1, (char *)a2, (int64_t)a3);
	case 268: return linux_path_call(SYSD_FCHMODAT, (const char *)a1, a0, a2, 0);
	case 269: return linux_path_call(SYSD_FACCESSAT, (const char *)a1, a0, a2, 0);
	case 439: return linux_path_call(SYSD_FACCESSAT, (const char *)a1, a0, a2, a3);
	case 271: { /* ppoll */
		const uint64_t *ts = (const uint64_t *)a2;
		int64_t ms = -1;
		if (ts) {
			if (!linux_uok(a2, 16, 0))
				return -EFAULT;
			ms = (int64_t)(ts[0] * 1000 + ts[1] / 1000000);
		}
		return linux_poll((struct pollfd *)a0, a1, ms);
	}
	case 270: { /* pselect6 */
		const uint64_t *ts = (const uint64_t *)a4;
		int64_t ms = -1;
		if (ts) {
			if (!linux_uok(a4, 16, 0))
				return -EFAULT;
			ms = (int64_t)(ts[0] * 1000 + ts[1] / 1000000);
		}
		return linux_select((int64_t)a0, (uint64_t *)a1, (uint64_t *)a2, (uint64_t *)a3, ms);
	}
	case 292: return linux_sysd(SYSD_DUP3, a0, a1, a2, 0);
	case 332: return linux_statx((int64_t)a0, (const char *)a1, a2, a3, (void *)a4);
	case 280: return linux_utimensat((int64_t)a0, (const char *)a1, (const int64_t *)a2, a3);
	case 137: /* statfs */
	case 138: { /* fstatfs */
		uint64_t *sf = (uint64_t *)a1;
		if (!linux_uok(a1, 120, 1))
			return -EFAULT;
		int64_t r = nr == 137 ? linux_path_call(SYSD_FACCESSAT, (const char *)a0, (uint64_t)AT_FDCWD, 0, 0)
				      : linux_sysd(SYSD_FCNTL, a0, LX_F_GETFD, 0, 0);
		if (r < 0)
			return r;
		uint64_t w[6] = { SYSD_STATFS, 0, 0, 0, 0, 0 };
		linux_sysd_call(w);
		memset(sf, 0, 120);
		sf[0] = 0x01021994; /* TMPFS_MAGIC: it is all in memory */
		sf[1] = EXO_PGSIZE;
		sf[2] = w[2] / EXO_PGSIZE + w[3];
		sf[3] = sf[4] = w[3];
		sf[5] = w[1] + w[3];
		sf[6] = w[3];
		sf[8] = 255;
		sf[9] = EXO_PGSIZE;
		return 0;
	}
	case 293: return linux_pipe2((int *)a0, a1);
	case 61: return linux_wait4((int64_t)a0, (int *)a1, (int)a2, (void *)a3);
	}
	return -ENOSYS;
}

static int64_t
dispatch(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
    uint64_t a4, uint64_t a5)
{
	switch (nr) {
	case 0:
		if (linux_have_sysd)
			break;
		return cons_read((int)a0, (char *)a1, a2);
	case 1:
		if (linux_have_sysd)
			break;
		return cons_write((int)a0, (const char *)a1, a2);
	case 9:
		return sys_mmap(a0, a1, a2, a3, (int64_t)a4, a5);
	case 10:
		return sys_mprotect(a0, a1, a2);
	case 25:
		return sys_mremap(a0, a1, a2, a3);
	case 11:
		return sys_munmap(a0, a1);
	case 12:
		return sys_brk(a0);
	case 13:
		return linux_sigaction((int)a0, (const void *)a1, (void *)a2, a3);
	case 14:
		return linux_sigprocmask((int)a0, (const uint64_t *)a1, (uint64_t *)a2, a3);
	case 20:
		if (linux_have_sysd)
			break;
		return cons_writev((int)a0, (const struct iovec *)a1, (int)a2);
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
	case 24: /* sched_yield */
		linux_yield(EXO_ENV_ANY);
		return 0;
	case 39: /* getpid */
	case 186: /* gettid */
		return linux_have_sysd ? linux_pid : EXO_SELF->id;
	case 110: /* getppid, without sysd */
		if (linux_have_sysd)
			break;
		return EXO_SELF->parent;
	case 60:  /* exit */
	case 231: /* exit_group */
		linux_exit((int32_t)((a0 & 0xff) << 8));
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
		return linux_have_sysd ? linux_pid : EXO_SELF->id;
	case 228:
		return sys_clock_gettime((int)a0, (uint64_t *)a1);
	case 318:
		if (!linux_uok(a0, a1, 1))
			return -EFAULT;
		return sys_getrandom((uint8_t *)a0, a1);
	case 96: { /* gettimeofday */
		uint64_t ts[2];
		if (a0 && !linux_uok(a0, 16, 1))
			return -EFAULT;
		sys_clock_gettime(0, ts);
		if (a0)
			((uint64_t *)a0)[0] = ts[0], ((uint64_t *)a0)[1] = ts[1] / 1000;
		return 0;
	}
	case 201: { /* time */
		uint64_t ts[2];
		sys_clock_gettime(0, ts);
		if (a0) {
			if (!linux_uok(a0, 8, 1))
				return -EFAULT;
			*(uint64_t *)a0 = ts[0];
		}
		return (int64_t)ts[0];
	}
	case 229: /* clock_getres: the counter's nanosecond */
		if (a1) {
			if (!linux_uok(a1, 16, 1))
				return -EFAULT;
			((uint64_t *)a1)[0] = 0, ((uint64_t *)a1)[1] = 1;
		}
		return a0 <= 11 ? 0 : -EINVAL;
	case 98: /* getrusage: not accounted yet, all zero */
		if (!linux_uok(a1, 144, 1))
			return -EFAULT;
		memset((void *)a1, 0, 144);
		return (int64_t)a0 <= 0 && (int64_t)a0 >= -1 ? 0 : -EINVAL;
	case 100: /* times: not accounted yet; the clock in ticks */
		if (a0) {
			if (!linux_uok(a0, 32, 1))
				return -EFAULT;
			memset((void *)a0, 0, 32);
		}
		return (int64_t)(time_ns() / 10000000UL);
	case 99: { /* sysinfo */
		uint64_t *si = (uint64_t *)a0;
		if (!linux_uok(a0, 112, 1))
			return -EFAULT;
		memset(si, 0, 112);
		si[0] = time_ns() / 1000000000UL;
		si[4] = EXO_INFO->npages * EXO_PGSIZE / 4096; /* in mem_unit */
		si[5] = EXO_INFO->free_pages * EXO_PGSIZE / 4096;
		((uint32_t *)si)[26] = 4096; /* mem_unit */
		return 0;
	}
	case 28:  /* madvise: advice taken, nothing to do */
	case 162: /* sync: all in memory */
	case 273: /* set_robust_list: one thread */
	case 105: case 106: case 113: case 114: case 117: case 119: /* set*id: root */
		return 0;
	case 74: case 75: /* fsync, fdatasync */
		return linux_have_sysd ? linux_sysd(SYSD_FCNTL, a0, 1, 0, 0) < 0 ? -EBADF : 0 : 0;
	case 115: /* getgroups: none beyond gid 0 */
		return 0;
	case 118: case 120: /* getresuid, getresgid */
		if (!linux_uok(a0, 4, 1) || !linux_uok(a1, 4, 1) || !linux_uok(a2, 4, 1))
			return -EFAULT;
		*(uint32_t *)a0 = *(uint32_t *)a1 = *(uint32_t *)a2 = 0;
		return 0;
	case 140: /* getpriority: nice 0, as the kernel reports it */
		return 20;
	case 141:
		return 0;
	case 204: /* sched_getaffinity: one CPU */
		if (a1 < 8 || !linux_uok(a2, 8, 1))
			return -EINVAL;
		*(uint64_t *)a2 = 1;
		return 8;
	case 157: /* prctl: the name only */
		if (a0 == 15 || a0 == 16)
			return 0;
		return -EINVAL;
	case 131:
		return linux_sigaltstack((const void *)a0, (void *)a1);
	case 169: /* reboot: sysd ends the system */
		if ((uint32_t)a0 != 0xfee1dead)
			return -EINVAL;
		return linux_have_sysd ? linux_sysd(SYSD_REBOOT, (uint32_t)a2, 0, 0, 0) : -ENOSYS;
	case 127: /* rt_sigpending */
		if (a1 != 8)
			return -EINVAL;
		if (!linux_uok(a0, 8, 1))
			return -EFAULT;
		if (linux_have_sysd)
			linux_sysd(SYSD_GETPPID, 0, 0, 0, 0); /* collect news */
		*(uint64_t *)a0 = linux_pending & linux_blocked();
		return 0;
	}
	return linux_have_sysd ? sysd_dispatch(nr, a0, a1, a2, a3, a4) : -ENOSYS;
}

/* Which calls a SA_RESTART handler restarts (those that can wait). */
static int
restartable(uint64_t nr)
{
	return nr == 0 || nr == 1 || nr == 17 || nr == 18 || nr == 19 ||
	    nr == 20 || nr == 61 || nr == 40;
}

/*
 * The handler: the six argument registers are where the trampoline pushed
 * them, just below the frame (rdi, rsi, rdx, r8, r9, r10 downwards).  As
 * the call returns, a signal sysd reported runs its handler.
 */
static void
on_syscall(int cls, struct exo_excframe *f)
{
	const uint64_t *r = (const uint64_t *)f;
	uint64_t nr = f->rax, mask = linux_blocked();
	int64_t ret;

	(void)cls;
	linux_program_sp = f->rsp;
	if (nr == 15) { /* rt_sigreturn: every register comes back */
		linux_sigreturn(f);
		linux_resume_prepare(f->rsp);
		return;
	}
	if (nr == 57 || nr == 58) { /* fork, vfork: every register goes */
		linux_fork_settid = 0;
		ret = linux_fork(f);
	} else if (nr == 56 && (r[-1] & 0xff) == 17 &&
	    !(r[-1] & ~(uint64_t)(0xff | 0x4000 | 0x100 | 0x100000 | 0x200000 |
		  0x1000000))) {
		/* clone as fork does it: SIGCHLD, perhaps VFORK|VM (musl's
		 * posix_spawn), CHILD_SETTID/CLEARTID (glibc's fork). */
		linux_fork_settid = (r[-1] & 0x1000000) ? r[-6] : 0; /* CHILD_SETTID */
		ret = (r[-1] & 0x100) ? -ENOSYS : linux_fork(f);
		if (ret > 0 && (r[-1] & 0x100000) && linux_uok(r[-3], 4, 1))
			*(int32_t *)r[-3] = (int32_t)ret; /* PARENT_SETTID */
	} else if (nr == 130 || nr == 34) {
		/* The handler returns to the mask from before the call. */
		ret = sys_sigsuspend(nr == 130 ? (const uint64_t *)r[-1] : NULL, &mask);
	} else if (nr == 59 || nr == 322) {
		const char *path = (const char *)(nr == 59 ? r[-1] : r[-2]);
		char *const *argv = (char *const *)(nr == 59 ? r[-2] : r[-3]);
		char *const *envp = (char *const *)(nr == 59 ? r[-3] : r[-6]);
		ret = linux_have_sysd ? linux_execve(path, argv, envp, mask) : -ENOSYS;
	} else {
		ret = dispatch(nr, r[-1], r[-2], r[-3], r[-6], r[-4], r[-5]);
		/* ... and after any other, to the mask as the call left it
		 * (rt_sigprocmask that unblocks a pending signal). */
		mask = linux_blocked();
	}
	f->rax = (uint64_t)ret;
	if (linux_signal_deliverable()) {
		if (ret == -EINTR && restartable(nr) && linux_signal_restarts()) {
			f->rax = nr; /* the handler returns to the call, made again */
			f->rip -= 2;
		}
		linux_deliver(f, mask);
	}
	linux_resume_prepare(f->rsp);
}

/* A forked child starts with no handlers in the kernel: register ours. */
void
linux_reregister(void)
{
	for (int cls = 0; cls < EXO_NEXC; cls++)
		if (exos_exc_handlers[cls])
			exos_exc_handle(cls, exos_exc_handlers[cls]);
	linux_slice_reregister();
}

int
linux_init(uint64_t brk, uint64_t stack_lo)
{
	brk_start = brk_cur = brk_mapped = brk;
	if (pagemap_init() < 0 || linux_signals_init() < 0 ||
	    linux_revoke_init() < 0 || linux_sysd_init() < 0)
		return -1;
	/* The stack grows down, demand-zero, to Linux's usual 8 MiB. */
	if (stack_lo && vmr_add(stack_lo - LINUX_STACK_GROW, stack_lo, EXO_PERM_W) < 0)
		return -1;
	return exos_exc_handle(EXO_EXC_SYSCALL, on_syscall);
}
