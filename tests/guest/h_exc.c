/*
 * Helper of t_exc_hostile and t_exc: uses or misuses exceptions one way
 * per run, chosen by the first argument (the modes are listed in main and
 * in t_exc_hostile.c's table), and either exits 0 after checking what it
 * can itself or dies the way the parent expects.  Not a test on its own.
 */
#include "tutil.h"

#define SPOT 0x0000520000000000UL   /* stacks and handlers go here */
#define HOLE 0x0000530000000000UL   /* never mapped */
#define NOWHERE 0x0000540000000040UL /* the unhandled page fault's address */

static void
divide_by_zero(void)
{
	__asm__ volatile("xorl %%ecx, %%ecx\n\tmovl $1, %%eax\n\t"
			 "xorl %%edx, %%edx\n\tdivq %%rcx"
			 ::: "rax", "rcx", "rdx", "cc");
}

/* A handler that must never be reached: if it were, it would die of an
 * invalid opcode (trapno 6), which the parent tells apart. */
static void
never_reached(void)
{
	__asm__ volatile("ud2");
}

static void
null_deref(int cls, struct exo_excframe *f)
{
	(void)cls;
	(void)f;
	*(volatile uint64_t *)0 = 1;
}

static void
forever(int cls, struct exo_excframe *f)
{
	(void)cls;
	(void)f;
	for (;;)
		__asm__ volatile("" ::: "memory");
}

static void
linux_again(int cls, struct exo_excframe *f)
{
	(void)cls;
	f->rax = (uint64_t)exo_syscall6(39, 0, 0, 0, 0, 0, 0);
}

/* A breakpoint handler that asks to single-step the resumed program. */
static volatile uint64_t db_count, db_rip;

static void
bp_set_tf(int cls, struct exo_excframe *f)
{
	(void)cls;
	f->rflags |= 0x100;
}

static void
db_clear_tf(int cls, struct exo_excframe *f)
{
	(void)cls;
	db_count++;
	db_rip = f->rip;
	f->rflags &= ~0x100UL;
}

/*
 * Resumed with TF set, the program must trap once, in the program: right
 * after the int3 (a resume like popf; ret traps there, before the nop)
 * or after the nop (a resume like iretq) -- not inside the library's
 * resume code -- and then go on.
 */
static int
tf_resume(void)
{
	uint64_t at_nop, after_nop;

	CHECK_EQ(exos_exc_handle(EXO_EXC_BP, bp_set_tf), 0);
	CHECK_EQ(exos_exc_handle(EXO_EXC_DB, db_clear_tf), 0);
	__asm__ volatile("int3\n"
			 "1:\tnop\n"
			 "2:\tleaq 1b(%%rip), %0\n\t"
			 "leaq 2b(%%rip), %1"
			 : "=r"(at_nop), "=r"(after_nop));
	if (db_count != 1 || (db_rip != at_nop && db_rip != after_nop)) {
		printf("h_exc: tfresume: %lu debug traps, the first at rip %lx; "
		       "want 1 at %lx or %lx\n", db_count, db_rip, at_nop,
		    after_nop);
		return 1;
	}
	return 0;
}

/*
 * With the FPU off, a handled invalid opcode; the FPU stays off, and the
 * lazy-switching #NM handler (which turns it back on) never runs, since
 * nothing uses the FPU.
 */
static volatile uint64_t ud_count;

static void
skip_ud2(int cls, struct exo_excframe *f)
{
	(void)cls;
	ud_count++;
	f->rip += 2;
}

static int
fpu_off(void)
{
	CHECK_EQ(exos_exc_handle(EXO_EXC_UD, skip_ud2), 0);
	CHECK_EQ(exos_exc_handle(EXO_EXC_NM, nm_on), 0);
	CHECK_EQ(exo_fpu(0), 0);
	__asm__ volatile("ud2");
	uint32_t off = EXO_SELF->fpu_off;
	uint64_t n = ud_count, nm = nm_count;
	CHECK_EQ(exo_fpu(1), 0);
	if (n != 1 || off != 1 || nm != 0) {
		printf("h_exc: fpuoff: %lu invalid opcodes handled, %lu #NM, "
		       "FPU off %u; want 1, 0, 1\n", n, nm, off);
		return 1;
	}
	return 0;
}

/* Registration errors, each of which must change nothing. */
static int
bad_args(void)
{
	uint64_t h = (uint64_t)never_reached;
	exo_slot_t s;

	CHECK_EQ(page_alloc_map(SPOT, 1, EXO_PERM_W, &s), 0);
	uint64_t top = SPOT + EXO_PGSIZE;

	/* Handlers outside user space. */
	CHECK_EQ(exo_exc_register(EXO_EXC_DE, EXO_ULIM, top), EXO_ERANGE);
	CHECK_EQ(exo_exc_register(EXO_EXC_DE, EXO_ULIM + 0x1000, top), EXO_ERANGE);
	CHECK_EQ(exo_exc_register(EXO_EXC_DE, 0xffffffff80100000UL, top), EXO_ERANGE);
	CHECK_EQ(exo_exc_register(EXO_EXC_DE, 0xffff800000000000UL, top), EXO_ERANGE);
	CHECK_EQ(exo_exc_register(EXO_EXC_DE, 0x0000800000000000UL, top), EXO_ERANGE);
	CHECK_EQ(exo_exc_register(EXO_EXC_SYSCALL, ~0UL, top), EXO_ERANGE);
	/* Stacks: misaligned, too low, too high. */
	CHECK_EQ(exo_exc_register(EXO_EXC_DE, h, top - 8), EXO_EINVAL);
	CHECK_EQ(exo_exc_register(EXO_EXC_DE, h, top - 1), EXO_EINVAL);
	CHECK_EQ(exo_exc_register(EXO_EXC_DE, h, 0), EXO_ERANGE);
	CHECK_EQ(exo_exc_register(EXO_EXC_DE, h, 0x800), EXO_ERANGE);
	CHECK_EQ(exo_exc_register(EXO_EXC_DE, h, EXO_ULIM + 16), EXO_ERANGE);
	CHECK_EQ(exo_exc_register(EXO_EXC_DE, h, 0xffffffff80100000UL), EXO_ERANGE);
	CHECK_EQ(exo_exc_register(EXO_EXC_DE, h, ~0UL - 15), EXO_ERANGE);
	/* Classes the processor never raises from user mode; beyond the end. */
	static const uint64_t never[] = { 2, 8, 9, 15, 18, 20, 21, 29, 30, 31 };
	for (unsigned i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		CHECK_EQ(exo_exc_register(never[i], h, top), EXO_EINVAL);
	CHECK_EQ(exo_exc_register(EXO_NEXC, h, top), EXO_ERANGE);
	CHECK_EQ(exo_exc_register(1000, h, top), EXO_ERANGE);
	CHECK_EQ(exo_exc_register(~0UL, h, top), EXO_ERANGE);
	CHECK_EQ(exo_exc_register(1UL << 32, h, top), EXO_ERANGE);
	/* The edges that are allowed: stack top at EXO_ULIM and at one page. */
	CHECK_EQ(exo_exc_register(EXO_EXC_BP, h, EXO_ULIM), 0);
	CHECK_EQ(exo_exc_register(EXO_EXC_BP, h, EXO_PGSIZE), 0);
	CHECK_EQ(exo_exc_register(EXO_EXC_BP, 0, 0), 0);
	/* None of the failures registered anything: still no handler. */
	return 0;
}

static void
reg(uint64_t cls, uint64_t handler, uint64_t top)
{
	CHECK_EQ(exo_exc_register(cls, handler, top), 0);
}

int
main(int argc, char **argv)
{
	exo_slot_t s;

	if (argc < 2)
		return 2;
	const char *m = argv[1];

	if (strcmp(m, "args") == 0) {
		bad_args();
		/* Then a divide error kills us: nothing got registered. */
		divide_by_zero();
		return 3;
	}
	if (strcmp(m, "tfresume") == 0)
		return tf_resume();
	if (strcmp(m, "fpuoff") == 0)
		return fpu_off();
	if (strcmp(m, "nostack") == 0) {
		reg(EXO_EXC_DE, (uint64_t)never_reached, HOLE + EXO_PGSIZE);
		divide_by_zero();
	} else if (strcmp(m, "rostack") == 0) {
		CHECK_EQ(page_alloc_map(SPOT, 1, 0, &s), 0);
		reg(EXO_EXC_DE, (uint64_t)never_reached, SPOT + EXO_PGSIZE);
		divide_by_zero();
	} else if (strcmp(m, "textstack") == 0) {
		/* Our own code pages: mapped, not writable. */
		uint64_t top = ((uint64_t)main & ~(EXO_PGSIZE - 1)) + EXO_PGSIZE;
		reg(EXO_EXC_DE, (uint64_t)never_reached, top);
		divide_by_zero();
	} else if (strcmp(m, "ulimstack") == 0) {
		reg(EXO_EXC_DE, (uint64_t)never_reached, EXO_ULIM);
		divide_by_zero();
	} else if (strcmp(m, "lowstack") == 0) {
		reg(EXO_EXC_DE, (uint64_t)never_reached, EXO_PGSIZE);
		divide_by_zero();
	} else if (strcmp(m, "pfnostack") == 0) {
		/* A page fault whose own frame cannot be written. */
		reg(EXO_EXC_PF, (uint64_t)never_reached, HOLE + EXO_PGSIZE);
		*(volatile uint64_t *)NOWHERE = 1;
	} else if (strcmp(m, "sysnostack") == 0) {
		reg(EXO_EXC_SYSCALL, (uint64_t)never_reached, HOLE + EXO_PGSIZE);
		exo_syscall6(39, 0, 0, 0, 0, 0, 0);
	} else if (strcmp(m, "nxhandler") == 0) {
		/* The handler is a mapped, writable, not executable page. */
		CHECK_EQ(page_alloc_map(SPOT, 2, EXO_PERM_W, &s), 0);
		reg(EXO_EXC_DE, SPOT + 0x100, SPOT + 2 * EXO_PGSIZE);
		divide_by_zero();
	} else if (strcmp(m, "nohandleraddr") == 0) {
		CHECK_EQ(page_alloc_map(SPOT, 1, EXO_PERM_W, &s), 0);
		reg(EXO_EXC_DE, HOLE + 0x200, SPOT + EXO_PGSIZE);
		divide_by_zero();
	} else if (strcmp(m, "pfnohandleraddr") == 0) {
		/* The page-fault handler itself is not there. */
		CHECK_EQ(page_alloc_map(SPOT, 1, EXO_PERM_W, &s), 0);
		reg(EXO_EXC_PF, HOLE + 0x200, SPOT + EXO_PGSIZE);
		*(volatile uint64_t *)NOWHERE = 1;
	} else if (strcmp(m, "handlerfault") == 0) {
		CHECK_EQ(exos_exc_handle(EXO_EXC_DE, null_deref), 0);
		divide_by_zero();
	} else if (strcmp(m, "handlerfault2") == 0) {
		CHECK_EQ(exos_exc_handle(EXO_EXC_DE, null_deref), 0);
		CHECK_EQ(exos_exc_handle(EXO_EXC_PF, forever), 0);
		divide_by_zero();
	} else if (strcmp(m, "pfhandlerfault") == 0) {
		CHECK_EQ(exos_exc_handle(EXO_EXC_PF, null_deref), 0);
		*(volatile uint64_t *)NOWHERE = 1;
	} else if (strcmp(m, "handlerloop") == 0) {
		CHECK_EQ(exos_exc_handle(EXO_EXC_UD, forever), 0);
		__asm__ volatile("ud2");
	} else if (strcmp(m, "nestedsyscall") == 0) {
		CHECK_EQ(exos_exc_handle(EXO_EXC_SYSCALL, linux_again), 0);
		exo_syscall6(39, 0, 0, 0, 0, 0, 0);
	} else if (strcmp(m, "removed") == 0) {
		CHECK_EQ(exos_exc_handle(EXO_EXC_DE, null_deref), 0);
		CHECK_EQ(exos_exc_handle(EXO_EXC_DE, NULL), 0);
		divide_by_zero();
	} else if (strcmp(m, "de") == 0) {
		divide_by_zero();
	} else if (strcmp(m, "ud") == 0) {
		__asm__ volatile("ud2");
	} else if (strcmp(m, "bp") == 0) {
		__asm__ volatile("int3");
	} else if (strcmp(m, "gp") == 0) {
		__asm__ volatile("cli");
	} else if (strcmp(m, "hlt") == 0) {
		__asm__ volatile("hlt");
	} else if (strcmp(m, "pf") == 0) {
		*(volatile uint64_t *)NOWHERE = 1;
	} else if (strcmp(m, "nm") == 0) {
		exo_fpu(0);
		__asm__ volatile("xorps %%xmm0, %%xmm0" ::: "xmm0");
	} else {
		printf("h_exc: unknown mode %s\n", m);
		return 2;
	}
	/* Still alive: the parent sees this status and fails. */
	return 99;
}
