/*
 * Looks for exception handling that a hostile or broken program can turn
 * against the kernel or itself: bad registrations that are accepted (or
 * refused with the wrong error), exception stacks or handlers that are
 * unmapped, read-only or not executable and so make the kernel fault,
 * hang or deliver anyway, a fault inside a handler that loops instead of
 * ending the program, a handler that never returns and so keeps its
 * parent from running, and unhandled exceptions reported with the wrong
 * cause or vector.  Each case runs in a child (h_exc MODE); the kernel
 * must stay up and the parent keep running throughout.
 */
#include "check.h"

#define SPOT 0x0000520000000000UL
#define HOLE 0x0000530000000000UL
#define NOWHERE 0x0000540000000040UL
#define WAIT_NS (3ULL * 1000000000ULL)

enum want { DIES, EXITS, HANGS };

struct hcase {
	const char *mode;
	enum want want;
	uint32_t trapno; /* DIES: the vector */
	int64_t status;  /* EXITS: the status */
	uint64_t addr_lo, addr_hi; /* DIES of a page fault: fault_addr range */
	uint64_t rip;              /* if not 0: fault_rip */
};

static const struct hcase cases[] = {
	/* Registration errors, then an unhandled divide error. */
	{ "args", DIES, 0, 0, 0, 0, 0 },
	/* Frames that cannot be written: the kernel's own write faults. */
	{ "nostack", DIES, 14, 0, HOLE + EXO_PGSIZE - 64, HOLE + EXO_PGSIZE, 0 },
	{ "rostack", DIES, 14, 0, SPOT + EXO_PGSIZE - 64, SPOT + EXO_PGSIZE, 0 },
	{ "textstack", DIES, 14, 0, 0x1000, EXO_ULIM, 0 },
	{ "ulimstack", DIES, 14, 0, EXO_ULIM - 64, EXO_ULIM, 0 },
	{ "lowstack", DIES, 14, 0, EXO_PGSIZE - 64, EXO_PGSIZE, 0 },
	{ "pfnostack", DIES, 14, 0, HOLE + EXO_PGSIZE - 64, HOLE + EXO_PGSIZE, 0 },
	{ "sysnostack", DIES, 14, 0, HOLE + EXO_PGSIZE - 64, HOLE + EXO_PGSIZE, 0 },
	/* Handlers that cannot run: a page fault at the handler. */
	{ "nxhandler", DIES, 14, 0, SPOT + 0x100, SPOT + 0x101, SPOT + 0x100 },
	{ "nohandleraddr", DIES, 14, 0, HOLE + 0x200, HOLE + 0x201, HOLE + 0x200 },
	{ "pfnohandleraddr", DIES, 14, 0, HOLE + 0x200, HOLE + 0x201, HOLE + 0x200 },
	/* A fault inside a handler, of a class without a handler: killed. */
	{ "handlerfault", DIES, 14, 0, 0, 1, 0 },
	/* A fault inside a handler, of a handled class: the library gives
	 * up, with 128 + the class. */
	{ "handlerfault2", EXITS, 0, 128 + 14, 0, 0, 0 },
	{ "pfhandlerfault", EXITS, 0, 128 + 14, 0, 0, 0 },
	{ "nestedsyscall", EXITS, 0, 128 + 32, 0, 0, 0 },
	/* A handler that never returns: we must still run and end it. */
	{ "handlerloop", HANGS, 0, 0, 0, 0, 0 },
	/* No handler: killed, with the vector. */
	{ "removed", DIES, 0, 0, 0, 0, 0 },
	{ "de", DIES, 0, 0, 0, 0, 0 },
	{ "ud", DIES, 6, 0, 0, 0, 0 },
	{ "bp", DIES, 3, 0, 0, 0, 0 },
	{ "gp", DIES, 13, 0, 0, 0, 0 },
	{ "hlt", DIES, 13, 0, 0, 0, 0 },
	{ "pf", DIES, 14, 0, NOWHERE, NOWHERE + 1, 0 },
	{ "nm", DIES, 7, 0, 0, 0, 0 },
};

static int
run_case(const struct hcase *k)
{
	char *argv[] = { "h_exc", (char *)k->mode, NULL };
	struct child c;
	struct exo_envinfo in;
	int r, bad = 0;

	CHECK_EQ(spawn("h_exc", argv, &c), 0);
	r = child_wait(&c, k->want == HANGS ? 300000000ULL : WAIT_NS, &in);
	if (k->want == HANGS) {
		/* We ran again although its handler never returns. */
		if (r != EXO_EAGAIN) {
			printf("t_exc_hostile: %s: ended (cause %u) instead of "
			       "looping in its handler\n", k->mode, in.cause);
			bad = 1;
		}
		CHECK_EQ(exo_env_destroy(c.env), 0);
		CHECK_EQ(child_wait(&c, WAIT_NS, &in), 0);
		if (in.cause != EXO_CAUSE_DESTROYED) {
			printf("t_exc_hostile: %s: cause %u after destroy\n",
			    k->mode, in.cause);
			bad = 1;
		}
		child_release(&c);
		return bad;
	}
	if (r == EXO_EAGAIN) {
		printf("t_exc_hostile: %s: still running after %llu s: hangs\n",
		    k->mode, WAIT_NS / 1000000000ULL);
		exo_env_destroy(c.env);
		child_release(&c);
		return 1;
	}
	CHECK_EQ(r, 0);
	if (k->want == EXITS) {
		if (in.cause != EXO_CAUSE_EXIT || in.status != k->status) {
			printf("t_exc_hostile: %s: cause %u status %ld trapno %u, "
			       "want exit status %ld\n", k->mode, in.cause,
			    (long)in.status, in.trapno, (long)k->status);
			bad = 1;
		}
	} else {
		if (in.cause != EXO_CAUSE_FAULT || in.trapno != k->trapno) {
			printf("t_exc_hostile: %s: cause %u trapno %u status %ld, "
			       "want killed by exception %u\n", k->mode, in.cause,
			    in.trapno, (long)in.status, k->trapno);
			bad = 1;
		} else if (k->addr_hi && (in.fault_addr < k->addr_lo ||
					     in.fault_addr >= k->addr_hi)) {
			printf("t_exc_hostile: %s: fault_addr %lx, want in "
			       "[%lx, %lx)\n", k->mode, in.fault_addr, k->addr_lo,
			    k->addr_hi);
			bad = 1;
		} else if (k->rip && in.fault_rip != k->rip) {
			printf("t_exc_hostile: %s: fault_rip %lx, want %lx\n",
			    k->mode, in.fault_rip, k->rip);
			bad = 1;
		}
	}
	child_release(&c);
	return bad;
}

int
main(int argc, char **argv)
{
	int bad = 0;

	if (argc > 1) { /* one case by name, for debugging */
		for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			if (strcmp(cases[i].mode, argv[1]) == 0)
				return run_case(&cases[i]);
		return 2;
	}
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		bad |= run_case(&cases[i]);
	/* The kernel is still up and serves us. */
	CHECK_EQ(exo_null(), 0);
	if (bad)
		return 1;
	printf("t_exc_hostile: %u hostile cases ok\n",
	    (unsigned)(sizeof(cases) / sizeof(cases[0])));
	return 0;
}
