/*
 * ExOS's native interface: what a program linked with libos can call
 * directly, without going through the Linux system-call ABI.  It is built
 * only on the kernel's calls (<exo/syscall.h>).
 *
 * Slots: 0 and 1 are the environment and its address space, 2 the console
 * (if the spawner granted it), 3 the machine (init only); slot_alloc hands
 * out the rest.
 */
#ifndef EXOS_H
#define EXOS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <exo/syscall.h>

#include "../lib/lib.h"

/* Program start and end (start.c). */
int main(int argc, char **argv);
void exit(int status) __attribute__((noreturn));

/* Console (console.c): output turns "\n" into "\r\n" for the terminal. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int puts(const char *s);
int getchar_nowait(void); /* -1 if nothing has arrived */
int getchar(void);        /* yields until a byte arrives */
#define snprintf lib_snprintf
#define vsnprintf lib_vsnprintf

/* Capability slots (slot.c). */
#define SLOT_FIRST_FREE 16
int64_t slot_alloc(void);           /* a free slot, or EXO_ENOMEM */
int64_t slot_alloc_range(uint64_t n); /* n consecutive free slots */
void slot_free(exo_slot_t s);       /* the slot must be empty */
void slot_free_range(exo_slot_t s, uint64_t n);
int slot_mark_used(exo_slot_t s);   /* a slot filled by someone else */

/* Memory (mem.c). */
uint64_t exos_pte(uint64_t va); /* the entry for va, 0 if none (via EXO_UVPT) */
uint64_t exos_pte_or(uint64_t va, uint64_t npages); /* OR of a range's entries */
int64_t page_alloc_map(uint64_t va, uint64_t npages, int perm, exo_slot_t *first);
int64_t page_unmap(uint64_t va, uint64_t npages);
int64_t page_protect(uint64_t va, uint64_t npages, int perm);

/* Time. */
static inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}
uint64_t time_ns(void); /* nanoseconds since boot */
uint64_t tsc_after_ns(uint64_t ns); /* the counter's value ns from now */
/*
 * Sleeps (exo_sleep) until *word is no longer seen or the counter reaches
 * deadline_tsc (0: no deadline).  Wake-ups may be spurious: look again.
 */
int64_t exos_sleep_change(const volatile uint64_t *word, uint64_t seen,
    uint64_t deadline_tsc);

/*
 * Exceptions, slice upcalls, protected control transfer (exc.c,
 * trampoline.S).  An exception handler may change the frame (e.g. advance
 * rip past the faulting instruction); the faulting code then resumes from
 * it without entering the kernel.
 */
typedef void (*exos_exc_fn)(int cls, struct exo_excframe *f);
int exos_exc_handle(int cls, exos_exc_fn fn);
int exos_upcalls(void (*prologue)(struct exo_context *),
    void (*epilogue)(struct exo_context *));
void exos_ctx_resume(const struct exo_context *c) __attribute__((noreturn));
int exos_pct_serve(void (*fn)(exo_envid_t caller, uint64_t w[6]));

/* Transfers to the environment whose capability (with EXO_R_CALL) is in
 * slot; the six words go in w and the reply comes back in it. */
static inline int64_t
exos_pct(uint64_t call, exo_slot_t slot, uint64_t w[6])
{
	register uint64_t r10 __asm__("r10") = w[3];
	register uint64_t r8 __asm__("r8") = w[4];
	register uint64_t r9 __asm__("r9") = w[5];
	uint64_t rdi = w[0], rsi = w[1], rdx = w[2];
	int64_t rax = (int64_t)(call | slot << EXO_PCT_SLOT_SHIFT);

	__asm__ volatile("syscall"
			 : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10),
			 "+r"(r8), "+r"(r9)
			 :
			 : "rcx", "r11", "memory");
	if (call == EXO_SYS_pct_call && rax == 0) {
		w[0] = rdi, w[1] = rsi, w[2] = rdx;
		w[3] = r10, w[4] = r8, w[5] = r9;
	}
	return rax;
}
#define exos_pct_call(slot, w) exos_pct(EXO_SYS_pct_call, (slot), (w))
#define exos_pct_send(slot, w) exos_pct(EXO_SYS_pct_send, (slot), (w))

/*
 * Pipes over a shared page (upipe.c): the structure sits at the start of
 * the size bytes both environments map; one writer, one reader.
 */
struct exos_pipe {
	volatile uint64_t head, tail;       /* bytes written, bytes read */
	volatile uint32_t rclosed, wclosed;
	exo_envid_t reader, writer;          /* whom each side yields to */
	uint64_t size;                       /* of buf */
	uint8_t buf[];
};
void exos_pipe_init(struct exos_pipe *p, uint64_t size, exo_envid_t reader,
    exo_envid_t writer);
int64_t exos_pipe_write(struct exos_pipe *p, const void *buf, uint64_t n);
int64_t exos_pipe_read(struct exos_pipe *p, void *buf, uint64_t n);
void exos_pipe_close(struct exos_pipe *p, int reader_end);

/* Benchmarks (bench.c): lines in the format of ../shared/BENCHMARKS.md. */
extern const char *bench_mode; /* "icount", "kvm" or "tcg" */
void bench_run(const char *name, void (*op)(uint64_t iters, void *arg),
    void *arg, uint64_t iters);
void bench_report(const char *name, const char *sys, uint64_t *per_op, int runs);
void bench_na(const char *name, const char *sys);

/* Programs from the boot image (spawn.c). */
struct child {
	exo_envid_t id;
	exo_slot_t env;    /* capability for the child */
	exo_slot_t vspace; /* and for its address space */
	uint64_t npages;   /* pages given to it */
};
/* Marks this program's own pages (code, data, stack) guaranteed, as many
 * as the kernel allows; returns how many. */
int64_t exos_guarantee_image(void);
struct spawn_cap {
	exo_slot_t src, dst; /* our slot, the child's slot */
	uint64_t rights;
};
/* As src: every capability for the boot image's pages, in the same slots
 * (a spawner that holds them, like init, lets the child pass it on). */
#define SPAWN_CAP_BOOTIMG (~0UL)
const void *bootimg_file(const char *name, uint64_t *size);
int spawn(const char *name, char *const argv[], struct child *out);
int spawn_caps(const char *name, char *const argv[], const struct spawn_cap *caps,
    int ncaps, struct child *out);
int spawn_image(const void *elf, uint64_t size, char *const argv[],
    struct child *out);
int spawn_image_caps(const void *elf, uint64_t size, char *const argv[],
    const struct spawn_cap *caps, int ncaps, struct child *out);
/* A static Linux program, with ExOS's Linux system-call layer beside it. */
int bootimg_is_linux(const char *name);
int spawn_linux(const char *name, char *const argv[], char *const envp[],
    const struct spawn_cap *caps, int ncaps, struct child *out);
int spawn_linux_image(const void *prog, uint64_t psize, char *const argv[],
    char *const envp[], struct child *out, uint64_t *rip, uint64_t *arg);
int child_wait(struct child *c, uint64_t timeout_ns, struct exo_envinfo *out);
void child_release(struct child *c);

#endif
