/*
 * The exokernel ABI: capabilities, the structures calls exchange, and the
 * read-only pages the kernel maps into every environment.  The calls
 * themselves, with their numbers and errors, are listed once in
 * include/exo/syscalls.tbl; <exo/syscall.h> is generated from it.
 *
 * Calling convention: `syscall` with the call number in rax and arguments in
 * rdi, rsi, rdx, r10, r8, r9 (the Linux convention).  The result comes back
 * in rax: non-negative on success, a negative EXO_E* code on failure.  rcx
 * and r11 are clobbered; every other register is preserved.
 */
#ifndef EXO_ABI_H
#define EXO_ABI_H

#include <exo/memlayout.h>

/* Exokernel calls are numbered from here; lower numbers are Linux's. */
#define EXO_SYSCALL_BASE 0x1000

/* The rest is C; assembly needs only the numbers above. */
#ifndef __ASSEMBLER__

#include <exo/error.h>
#include <exo/types.h>

/*
 * Capabilities.  Every resource is named by its physical name: a page by its
 * page number, an environment or its address space by its id, a slice by
 * its index in the time-slice vector.  A capability pairs that name with
 * rights; the kernel keeps capabilities in a per-environment list of slots
 * and user code names them by slot number.  Slots 0 and 1 of a new
 * environment hold capabilities for itself and its address space.
 */
enum exo_captype {
	EXO_CAP_NONE = 0,
	EXO_CAP_PAGE = 1,    /* a physical page; name = page number */
	EXO_CAP_ENV = 2,     /* an environment; name = id */
	EXO_CAP_VSPACE = 3,  /* an environment's address space; name = id */
	EXO_CAP_SLICE = 4,   /* a time slice; name = index in the vector */
	EXO_CAP_CONSOLE = 5, /* the serial console */
	EXO_CAP_MACHINE = 6, /* power and test control of the machine */
};

/* Rights.  Which ones a type uses is said beside each call. */
#define EXO_R_READ 0x01  /* page: map readable; console: read */
#define EXO_R_WRITE 0x02 /* page: map writable; vspace: change mappings; console: write */
#define EXO_R_EXEC 0x04  /* page: map executable */
#define EXO_R_GRANT 0x08 /* may copy this capability into another environment */
#define EXO_R_CTRL 0x10  /* env: start, destroy, grant into; slice: bind; machine: all */
#define EXO_R_ALL 0x1f

#define EXO_SLOT_SELF 0   /* this environment */
#define EXO_SLOT_VSPACE 1 /* this environment's address space */
#define EXO_NSLOTS (1UL << 24)
#define EXO_PPN_ANY (~0UL)
#define EXO_SLICE_ANY (~0UL)
#define EXO_ENV_ANY (-1)

struct exo_capinfo {
	uint32_t type;   /* enum exo_captype */
	uint32_t rights; /* EXO_R_* */
	uint64_t name;   /* physical name */
};

/*
 * One operation of a batched page-table call.  MAP binds npages pages
 * starting at va to the pages named by the page capabilities in slots
 * slot .. slot+npages-1; UNMAP removes npages mappings from va; PROT sets
 * the permission of npages existing mappings from va, within the rights the
 * page capabilities granted when they were bound.
 */
enum exo_ptop_kind {
	EXO_PT_MAP = 1,
	EXO_PT_UNMAP = 2,
	EXO_PT_PROT = 3,
};
#define EXO_PERM_R 0x0 /* every mapping is readable */
#define EXO_PERM_W 0x1
#define EXO_PERM_X 0x2

struct exo_ptop {
	uint64_t va;     /* page-aligned, below EXO_ULIM */
	uint64_t slot;   /* MAP: first page capability */
	uint32_t npages; /* at least 1 */
	uint8_t op;      /* enum exo_ptop_kind */
	uint8_t perm;    /* EXO_PERM_* (MAP, PROT) */
	uint8_t soft;    /* library-OS bits, 7 of them, stored in the entry */
	uint8_t pad;     /* must be zero */
};
#define EXO_PT_MAXOPS 4096 /* operations in one call */

/* Environment states, as seen in struct exo_envinfo and struct exo_self. */
enum exo_envstate {
	EXO_ENV_FREE = 0,
	EXO_ENV_NEW = 1,      /* created, not started */
	EXO_ENV_RUNNABLE = 2, /* started */
	EXO_ENV_DEAD = 3,     /* exited or destroyed; only its record is left */
};

/* Why an environment died. */
enum exo_cause {
	EXO_CAUSE_NONE = 0,
	EXO_CAUSE_EXIT = 1,      /* it called env_exit */
	EXO_CAUSE_DESTROYED = 2, /* a holder of its capability destroyed it */
	EXO_CAUSE_FAULT = 3,     /* an exception it had no handler for */
};

struct exo_envinfo {
	exo_envid_t id;
	uint32_t state;  /* enum exo_envstate */
	uint32_t cause;  /* enum exo_cause */
	uint32_t trapno; /* EXO_CAUSE_FAULT: the exception vector */
	int64_t status;  /* EXO_CAUSE_EXIT: the exit status */
	uint64_t fault_rip;
	uint64_t fault_addr;
	uint64_t fault_err;
};

/* The time-slice vector. */
#define EXO_NSLICES 64

/* EXO_UINFO: the machine, the same page in every environment. */
#define EXO_INFO_MAGIC 0x4f464e494f584545UL
struct exo_info {
	uint64_t magic;
	uint64_t npages;     /* physical pages the free map covers */
	uint64_t free_pages; /* of them, free now */
	uint64_t tsc_hz;     /* time-stamp counter ticks per second */
	uint64_t boot_tsc;   /* the counter at boot_epoch */
	uint64_t boot_epoch; /* wall clock at boot, seconds since 1970 (RTC) */
	uint64_t ticks;      /* slice boundaries since boot */
	uint64_t slice_tsc;  /* length of one slice in counter ticks */
	uint32_t nslices;    /* EXO_NSLICES */
	uint32_t cur_slice;  /* index of the slice running now */
	uint32_t nenv;       /* size of the environment table */
	uint32_t pad;
	exo_envid_t slice_env[EXO_NSLICES]; /* who each slice runs; 0 = free */
	char cmdline[256];                  /* the kernel command line */
};
#define EXO_INFO ((const volatile struct exo_info *)EXO_UINFO)

/* EXO_USELF: the running environment's own page. */
struct exo_self {
	exo_envid_t id;
	exo_envid_t parent;
	uint32_t state;   /* enum exo_envstate */
	uint32_t nslices; /* slices bound to it */
	uint64_t slices[EXO_NSLICES / 64]; /* bitmap of those slices */
	uint64_t preemptions;              /* timer interrupts that stopped it */
	uint64_t yields_in;                /* directed yields received */
};
#define EXO_SELF ((const volatile struct exo_self *)EXO_USELF)

/* EXO_UFREEMAP: bit n set means physical page n is free. */
#define EXO_FREEMAP ((const volatile uint64_t *)EXO_UFREEMAP)

/*
 * The boot image: the files the kernel is booted with (a multiboot module).
 * The kernel starts the file named "init" and maps the whole image read-only
 * into it at EXO_BOOTIMG_VA.  Each file starts on a page boundary.
 */
#define EXO_BOOTIMG_MAGIC 0x474d49544f4f4245UL /* "EBOOTIMG" */
#define EXO_BOOTIMG_VA 0x00007e0000000000UL
struct exo_bootimg_file {
	char name[48]; /* NUL-terminated */
	uint64_t offset;
	uint64_t size;
};
struct exo_bootimg {
	uint64_t magic;
	uint32_t nfiles;
	uint32_t pad;
	uint64_t size; /* of the whole image */
	uint64_t pad2;
	struct exo_bootimg_file file[];
};

/* Initial slots of init, beyond slots 0 and 1. */
#define EXO_SLOT_CONSOLE 2
#define EXO_SLOT_MACHINE 3

#endif /* __ASSEMBLER__ */
#endif
