/*
 * Processor setup: the CPU features the kernel needs, the GDT with its TSS,
 * the IDT, the syscall MSRs, and the FPU.  After arch_init the kernel can
 * take interrupts, exceptions and system calls from user mode (entry.S).
 */
#include <stddef.h>

#include <exo/syscall.h>

#include "../../arch.h"
#include "../../kern.h"
#include "x86.h"

extern const uint64_t trap_vectors[256];
extern char syscall_entry[];
extern char kstack_top[], ist_stack_top[], ist_pf_top[];
void env_pop_tf(struct trapframe *tf) __attribute__((noreturn));

_Static_assert(offsetof(struct trapframe, rax) == 14 * 8, "entry.S PUSH_REGS");
_Static_assert(offsetof(struct trapframe, trapno) == 15 * 8, "entry.S vector");
_Static_assert(offsetof(struct trapframe, rip) == 17 * 8, "entry.S iretq");
_Static_assert(sizeof(struct trapframe) == 22 * 8, "entry.S frame size");

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap;
} __attribute__((packed));

struct gate {
	uint16_t off0;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off1;
	uint32_t off2;
	uint32_t reserved;
} __attribute__((packed));

struct tableptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static struct tss tss;
static uint64_t gdt[7];
static struct gate idt[256];
static int have_fsgsbase;
/*
 * The call numbers entry.S takes its transfer fast paths for: they need
 * the FSGSBASE instructions, so without them no number matches.
 */
uint32_t pct_fast_nr[2] = { ~0U, ~0U };

/* The features the kernel cannot run without, and where CPUID shows them. */
static const struct {
	const char *name;
	uint32_t leaf;
	int reg; /* 2 = ecx, 3 = edx */
	int bit;
} needed[] = {
	{ "tsc", 1, 3, 4 },
	{ "apic", 1, 3, 9 },
	{ "fxsr", 1, 3, 24 },
	{ "sse2", 1, 3, 26 },
	{ "syscall", 0x80000001, 3, 11 },
	{ "nx", 0x80000001, 3, 20 },
};

static void
cpu_probe(void)
{
	uint32_t r[4];
	int missing = 0;

	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		cpuid(needed[i].leaf, 0, r);
		if (!(r[needed[i].reg] >> needed[i].bit & 1)) {
			kprintf("cpu: missing feature '%s' (cpuid %x)\n",
			    needed[i].name, needed[i].leaf);
			missing++;
		}
	}
	if (missing)
		panic("cpu: this processor lacks %d feature(s) the kernel "
		      "needs; with QEMU use -cpu max (TCG) or -cpu host (KVM)",
		    missing);
	cpuid(7, 0, r);
	have_fsgsbase = r[1] & 1;
	uint64_t cr4 = rcr4() | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_PGE;
	if (r[1] >> 7 & 1)
		cr4 |= CR4_SMEP;
	if (have_fsgsbase)
		cr4 |= CR4_FSGSBASE;
	if (have_fsgsbase) {
		pct_fast_nr[0] = EXO_SYS_pct_call;
		pct_fast_nr[1] = EXO_SYS_pct_reply;
	}
	lcr4(cr4);
	/* AM: alignment checks for user code that sets EFLAGS.AC. */
	lcr0((rcr0() | CR0_MP | CR0_NE | CR0_WP | CR0_AM) & ~(CR0_EM | CR0_TS));
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | EFER_NXE);
	cpuid(0x80000002, 0, r);
	char brand[49];
	for (uint32_t leaf = 0; leaf < 3; leaf++) {
		cpuid(0x80000002 + leaf, 0, r);
		for (int k = 0; k < 16; k++)
			brand[leaf * 16 + k] = ((char *)r)[k];
	}
	brand[48] = 0;
	kprintf("cpu: %s%s\n", brand, have_fsgsbase ? ", fsgsbase" : "");
}

static void
gdt_init(void)
{
	uint64_t t = (uint64_t)&tss;

	gdt[GD_KCODE >> 3] = 0x00af9a000000ffffUL;
	gdt[GD_KDATA >> 3] = 0x00cf92000000ffffUL;
	gdt[GD_UDATA >> 3] = 0x00cff2000000ffffUL;
	gdt[GD_UCODE >> 3] = 0x00affa000000ffffUL;
	gdt[GD_TSS >> 3] = (sizeof(tss) - 1) | (t & 0xffffff) << 16 |
	    0x89UL << 40 | (t >> 24 & 0xff) << 56;
	gdt[(GD_TSS >> 3) + 1] = t >> 32;
	tss.rsp[0] = (uint64_t)kstack_top;
	tss.ist[0] = (uint64_t)ist_stack_top;
	tss.ist[1] = (uint64_t)ist_pf_top;
	tss.iomap = sizeof(tss);

	struct tableptr p = { sizeof(gdt) - 1, (uint64_t)gdt };
	__asm__ volatile("lgdt %0\n"
			 "movw %w1, %%ds\n movw %w1, %%es\n movw %w1, %%ss\n"
			 "xorl %%eax, %%eax\n movw %%ax, %%fs\n movw %%ax, %%gs\n"
			 "pushq %2\n leaq 1f(%%rip), %%rax\n pushq %%rax\n"
			 "lretq\n1:\n"
			 "ltr %w3"
			 :
			 : "m"(p), "r"(GD_KDATA), "i"(GD_KCODE), "r"(GD_TSS)
			 : "rax", "memory");
}

static void
idt_init(void)
{
	for (int n = 0; n < 256; n++) {
		uint64_t h = trap_vectors[n];
		idt[n].off0 = h & 0xffff;
		idt[n].sel = GD_KCODE;
		/*
		 * NMI, double fault and machine check get a known-good stack;
		 * so do page faults, which may come from the exception fast
		 * path while rsp points at a bad user stack (entry.S).
		 */
		idt[n].ist = (n == T_NMI || n == T_DBLFLT || n == T_MCHK) ? 1 :
		    n == T_PGFLT ? 2 : 0;
		/* int3 and the floor vectors may be used from user mode. */
		idt[n].type = (n == T_BRKPT ||
		    (n >= T_FLOOR_EXC && n <= T_FLOOR_EXC + 2)) ? 0xee : 0x8e;
		idt[n].off1 = h >> 16 & 0xffff;
		idt[n].off2 = h >> 32;
	}
	struct tableptr p = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p));
}

static void
syscall_init(void)
{
	wrmsr(MSR_STAR, (uint64_t)GD_KCODE << 32 | (uint64_t)(GD_UDATA - 8) << 48);
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, FL_IF | FL_TF | FL_DF | FL_AC | FL_NT);
}

void
arch_init(void)
{
	cpu_probe();
	gdt_init();
	idt_init();
	syscall_init();
	/* Mask the legacy PICs: the local APIC delivers our interrupts. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	x86_lapic_init();
}

void
arch_user_frame(struct trapframe *tf, uint64_t rip, uint64_t rsp, uint64_t arg)
{
	*tf = (struct trapframe){ 0 };
	tf->rip = rip;
	tf->rsp = rsp;
	tf->rdi = arg;
	tf->cs = GD_UCODE | 3;
	tf->ss = GD_UDATA | 3;
	tf->rflags = FL_IF;
}

int
arch_frame_is_user(const struct trapframe *tf)
{
	return (tf->cs & 3) == 3;
}

void
arch_env_pop(struct trapframe *tf)
{
	env_pop_tf(tf);
}

/* CR0.TS: while set, the first FPU/SIMD instruction raises #NM. */
void
arch_fpu_trap(int on)
{
	if (on)
		lcr0(rcr0() | CR0_TS);
	else
		__asm__ volatile("clts");
}

void
arch_fpu_save(struct fpstate *fp)
{
	__asm__ volatile("fxsave64 %0" : "=m"(*fp));
}

void
arch_fpu_restore(const struct fpstate *fp)
{
	__asm__ volatile("fxrstor64 %0" : : "m"(*fp));
}

/* The state of a freshly reset FPU: all exceptions masked. */
void
arch_fpu_init(struct fpstate *fp)
{
	for (int i = 0; i < 512; i++)
		fp->area[i] = 0;
	fp->area[0] = 0x7f; /* FCW = 0x037f */
	fp->area[1] = 0x03;
	fp->area[24] = 0x80; /* MXCSR = 0x1f80 */
	fp->area[25] = 0x1f;
}

uint64_t
arch_fault_addr(void)
{
	return rcr2();
}

/*
 * User code may change its FS and GS bases itself (CR4.FSGSBASE), so they
 * are read back at every switch; the instructions are much cheaper than
 * the MSRs where the processor has them.
 */
void
arch_fs_gs_save(uint64_t *fs, uint64_t *gs)
{
	if (have_fsgsbase) {
		__asm__ volatile("rdfsbase %0; rdgsbase %1" : "=r"(*fs), "=r"(*gs));
	} else {
		*fs = rdmsr(MSR_FSBASE);
		*gs = rdmsr(MSR_GSBASE);
	}
}

void
arch_fs_gs_restore(uint64_t fs, uint64_t gs)
{
	if (have_fsgsbase) {
		__asm__ volatile("wrfsbase %0; wrgsbase %1" : : "r"(fs), "r"(gs));
	} else {
		wrmsr(MSR_FSBASE, fs);
		wrmsr(MSR_GSBASE, gs);
	}
}

uint64_t
arch_cycles(void)
{
	return rdtsc();
}

void
arch_outb(uint16_t port, uint8_t v)
{
	outb(port, v);
}

uint8_t
arch_inb(uint16_t port)
{
	return inb(port);
}

/*
 * QEMU's isa-debug-exit device (port 0xf4) ends the emulator with status
 * (code << 1) | 1; without it, try ACPI soft-off on the PIIX4 and ICH9
 * power-management ports, then stop.
 */
void
arch_poweroff(uint64_t code)
{
	outl(0xf4, (uint32_t)code);
	outw(0x604, 0x2000);
	outw(0xb004, 0x2000);
	for (;;)
		__asm__ volatile("cli; hlt");
}

/*
 * Interrupts on and halt in one step (sti holds them off for one more
 * instruction), so none can slip in between; off again once one was taken.
 */
void
arch_idle(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

extern char exc_fast_start[], exc_fast_end[], syscall_entry[];
extern uint32_t floor_on;

void
arch_floor_off(void)
{
	if (floor_on) {
		wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
		floor_on = 0;
	}
}

int
arch_in_exc_fast_path(uint64_t rip)
{
	return rip >= (uint64_t)exc_fast_start && rip < (uint64_t)exc_fast_end;
}
