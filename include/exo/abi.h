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

/* Exception classes (see struct exo_excframe below). */
#define EXO_EXC_DE 0   /* divide error */
#define EXO_EXC_DB 1   /* debug (single step) */
#define EXO_EXC_BP 3   /* int3 */
#define EXO_EXC_OF 4   /* into (not in 64-bit mode) */
#define EXO_EXC_BR 5   /* bound (not in 64-bit mode) */
#define EXO_EXC_UD 6   /* invalid opcode */
#define EXO_EXC_NM 7   /* FPU used while turned off (exo_fpu) */
#define EXO_EXC_SS 12  /* stack fault */
#define EXO_EXC_GP 13  /* general protection */
#define EXO_EXC_PF 14  /* page fault: addr = the faulting address */
#define EXO_EXC_MF 16  /* x87 floating point */
#define EXO_EXC_AC 17  /* alignment check (with EFLAGS.AC set) */
#define EXO_EXC_XM 19  /* SIMD floating point */
#define EXO_EXC_SYSCALL 32
#define EXO_EXC_REVOKE 33    /* the kernel asks for resources back */
#define EXO_EXC_REPOSSESS 34 /* the kernel took resources by force */
#define EXO_NEXC 35

/* Kinds of slice upcall (struct exo_context's kind, and rdi at entry). */
#define EXO_UPCALL_PROLOGUE 1
#define EXO_UPCALL_EPILOGUE 2

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
#define EXO_R_CALL 0x20  /* env: protected control transfer into it;
			    machine: ask environments for resources back */
#define EXO_R_ALL 0x3f

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

/*
 * Exceptions.  An environment registers a handler and an exception stack
 * per class: the processor's exception vectors 0..31, and EXO_EXC_SYSCALL
 * for `syscall` instructions whose number is not an exokernel call (the
 * Linux system-call ABI).  The kernel pushes a struct exo_excframe onto
 * the class's exception stack and jumps to the handler with rsp pointing
 * at it, rcx and r11 overwritten, every other register as at the fault
 * (for EXO_EXC_SYSCALL: the system call's number and arguments).  The
 * handler resumes the faulting code itself, without the kernel: restore
 * rax, rcx, r11, rflags and rsp from the frame, jump to its rip.
 */

struct exo_excframe {
	uint64_t addr;   /* page fault: the address; REVOKE, REPOSSESS: a count
			    of pages or a slice index; otherwise 0 */
	uint64_t r11;    /* as at the fault */
	uint64_t rcx;    /* as at the fault */
	uint64_t rax;    /* as at the fault */
	uint64_t err;    /* the processor's error code; REVOKE, REPOSSESS: what
			    (EXO_REVOKE_PAGES or EXO_REVOKE_SLICE); or 0 */
	uint64_t rip;    /* the faulting instruction (syscall: the next one) */
	uint64_t rflags;
	uint64_t rsp;
};

/*
 * Visible revocation.  When the kernel needs pages back it asks an
 * environment for some: revoke_pages and revoke_deadline appear in its
 * self page and, if it has a handler for EXO_EXC_REVOKE, that handler runs
 * (addr = the count, err = EXO_REVOKE_PAGES; the deadline then restarts
 * from the moment the handler runs).  Every page it owns that is freed
 * before the deadline (by page_return, or by dropping its last
 * capability and mapping) counts.  Whatever is still owed at the deadline
 * the kernel takes itself, from the pages it owns that are not guaranteed:
 * every mapping and capability of them, everywhere, is removed, each
 * (page, address) it had them mapped at goes into the repossession ring of
 * its self page, and EXO_EXC_REPOSSESS is raised (addr = pages taken).
 * A slice is asked back the same way (EXO_REVOKE_SLICE, addr = its index);
 * returning any slice the environment runs satisfies the request.
 *
 * The kernel asks on its own, when an allocation finds no free page, only
 * environments that have a handler for EXO_EXC_REVOKE; anyone can be asked
 * through a machine capability with EXO_R_CALL (exo_reclaim).
 */
#define EXO_REVOKE_PAGES 1
#define EXO_REVOKE_SLICE 2
#define EXO_REPO_RING 64

struct exo_repo {
	uint64_t ppn; /* the page taken */
	uint64_t va;  /* where it was mapped in this environment, or ~0 */
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
	uint64_t epilogue_tsc; /* deadline of the end-of-slice upcall */
	uint64_t revoke_tsc;   /* time given to answer a revocation request */
	uint64_t guarantee_max; /* guaranteed pages allowed per environment */
	uint64_t bootimg_slot; /* init: capabilities for the boot image's pages */
	uint64_t bootimg_pages; /* ... in this many slots from bootimg_slot */
	exo_envid_t slice_env[EXO_NSLICES]; /* who each slice runs; 0 = free */
	char cmdline[256];                  /* the kernel command line */
	/* Counters to sleep on (exo_sleep): each only ever grows. */
	uint64_t cons_in;   /* bytes the console has received since boot */
	uint64_t env_exits; /* environments that have ended since boot */
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
	uint64_t upcalls;                  /* slice upcalls delivered */
	uint64_t overruns;                 /* end-of-slice deadlines missed */
	uint32_t overran;                  /* 1 if the last slice ended by force */
	uint32_t fpu_off;                  /* 1 while it has the FPU turned off */
	uint64_t calls_in;                 /* protected control transfers received */
	uint64_t owned;                    /* pages it owns (allocated or given) */
	uint64_t guaranteed;               /* of them, guaranteed */
	uint64_t revoke_pages;             /* pages asked back and still owed */
	uint64_t revoke_deadline;          /* counter value of the deadline */
	int64_t revoke_slice;              /* slice asked back, or -1 */
	uint64_t slice_deadline;
	uint64_t repossessed;              /* pages ever taken by force */
	uint64_t repo_cycles;              /* counter ticks the last took */
	uint64_t repo_head;                /* entries ever written to repo[] */
	struct exo_repo repo[EXO_REPO_RING]; /* entry n at repo[n % RING] */
};

/*
 * Slice upcalls.  At the start of each slice it runs in, an environment
 * with a prologue is entered there; at the end of one, at the epilogue,
 * which must give up the processor (any yield) within the deadline of
 * EXO_UINFO's epilogue_tsc counter ticks or be preempted by force (its
 * self page's overruns counts that).  Either way the context that was
 * interrupted is written to the registered struct exo_context first, so
 * the library OS can resume or reschedule it itself.  After an upcall that
 * yielded or overran, the environment next runs from its prologue if it
 * has one, else from the interrupted context.  No upcall is delivered while
 * the environment runs within 64 KiB below its upcall stack's top (in an
 * upcall handler or on its way back from one) or below one of its
 * exception stacks' (in an exception handler, which an exception raised
 * during the upcall would overwrite): it is simply preempted.
 */
struct exo_context {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t rip, rflags, rsp;
	uint64_t kind; /* EXO_UPCALL_PROLOGUE or EXO_UPCALL_EPILOGUE */
};

/*
 * Protected control transfer.  pct_call and pct_send carry six words in
 * rdi, rsi, rdx, r10, r8, r9 into the callee, which starts at its
 * registered entry on its registered stack with those six words, the
 * caller's id in rax (set by the kernel: unforgeable), rbx 1 if the callee
 * has its FPU turned off (else 0), rcx and r11 the entry address and the
 * flags (as sysret leaves them), and every other register zero.  The target is named by an environment capability with
 * EXO_R_CALL whose slot goes in the upper 32 bits of rax, beside the call
 * number (use exo_pct_call/exo_pct_send in libos).  pct_call waits for the
 * callee's pct_reply, which resumes the caller with six words in the same
 * registers and 0 in rax; pct_send returns at once and the callee's
 * activation runs when it is next scheduled.
 */
#define EXO_PCT_SLOT_SHIFT 32

/*
 * Sleeping.  Instead of spinning, an environment waits with exo_sleep for
 * one of up to EXO_WAKE_MAX conditions: a 64-bit word of its own memory
 * compared with a value (the word may be in a page it shares, or in
 * EXO_UINFO, whose cons_in and env_exits count events), or the time-stamp
 * counter reaching a value.  The kernel evaluates the conditions whenever
 * it looks for something to run, so whoever changes the word needs to
 * tell nobody; when nothing at all can run, the processor halts until the
 * next interrupt.  Wake-ups may be spurious: re-check what you wait for.
 */
struct exo_wake {
	uint64_t addr;  /* 8-byte aligned, mapped readable, below EXO_UVPT;
			   0 for EXO_WAKE_TSC */
	uint64_t value;
	uint32_t op;    /* EXO_WAKE_* */
	uint32_t pad;   /* 0 */
};
#define EXO_WAKE_NE 0  /* *addr != value */
#define EXO_WAKE_EQ 1  /* *addr == value */
#define EXO_WAKE_GE 2  /* *addr >= value, unsigned */
#define EXO_WAKE_LT 3  /* *addr < value, unsigned */
#define EXO_WAKE_TSC 4 /* the time-stamp counter >= value */
#define EXO_WAKE_MAX 8 /* conditions in one call */

/* The time-slice vector. */
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
