/*
 * Hostile: looks for privileged operations a user environment can perform.
 * Each child runs one instruction that only the kernel may (interrupt
 * flag, halt, port I/O including the power-off port, control registers,
 * MSRs, descriptor tables, TLB, software interrupts on kernel-only vectors
 * such as the timer's, returns or far jumps into the kernel's code segment,
 * swapgs, sysret) and must die of a general-protection fault; int3, ud2
 * and a division by zero must kill with their own exceptions.  Children
 * that point the stack at the kernel must die of a page fault there, and
 * system calls made with a kernel or non-canonical stack pointer must work
 * (the kernel must never use the user's stack).
 */
#include "tutil.h"

static void
expect(const char *insn, int trap)
{
	char *args[] = { "h_hostile", "priv", (char *)insn, NULL };
	struct exo_envinfo in;

	CHECK_EQ(run_child(args, &in), 0);
	if (in.cause != EXO_CAUSE_FAULT || (int)in.trapno != trap) {
		printf("t_priv: %s: cause %u trap %u status %ld; want exception %d\n",
		    insn, in.cause, in.trapno, (long)in.status, trap);
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct exo_envinfo in;

	const char *gp[] = { "cli", "hlt", "out", "in", "iopl", "cr3", "wrmsr",
		"lidt", "invlpg", "int32", "int128", "int255", "sysret", "swapgs",
		"iretring0", "lcall0" };
	for (unsigned i = 0; i < sizeof(gp) / sizeof(gp[0]); i++)
		expect(gp[i], 13);
	expect("int3", 3);
	expect("ud2", 6);
	expect("div0", 0);

	char *bargs[] = { "h_hostile", "badrsp", NULL };
	CHECK_EQ(run_child(bargs, &in), 0);
	CHECK_FAULTED(&in, 14);
	CHECK_EQ(in.fault_addr, KADDR_KERNBASE + 0x100000 - 8);
	CHECK_EQ(in.fault_err & (PF_P | PF_W | PF_U), PF_P | PF_W | PF_U);

	char *kargs[] = { "h_hostile", "kstack", NULL };
	CHECK_EQ(run_child(kargs, &in), 0);
	CHECK_EXITED(&in, 0);

	/* Still standing. */
	char *eargs[] = { "h_exit", "3", NULL };
	CHECK_EQ(run_child(eargs, &in), 0);
	CHECK_EXITED(&in, 3);
	printf("t_priv: privileged instructions refused\n");
	return 0;
}
