/*
 * The structure offsets entry.S uses, generated at build time (the
 * Makefile compiles this to assembly and turns each "->NAME value" line
 * into a #define in build/kern/asm_offsets.h), so they cannot drift.
 */
#include <stddef.h>

#include "../../cap.h"
#include "../../env.h"

#define DEFINE(sym, val) __asm__ volatile("\n.ascii \"->" #sym " %c0\"" : : "i"(val))

_Static_assert(NENV == 1024, "entry.S hard-codes NENV");
_Static_assert(offsetof(struct env, in_epilogue) == offsetof(struct env, in_act) + 1 &&
	offsetof(struct env, fpu_off) == offsetof(struct env, in_act) + 2 &&
	offsetof(struct env, flags_pad) == offsetof(struct env, in_act) + 3,
	"entry.S reads in_act, in_epilogue and fpu_off as one word");

void asm_offsets(void);

void
asm_offsets(void)
{
	DEFINE(ENV_SIZE, sizeof(struct env));
	DEFINE(ENV_TF, offsetof(struct env, tf));
	DEFINE(ENV_FP, offsetof(struct env, fp));
	DEFINE(ENV_FSBASE, offsetof(struct env, fsbase));
	DEFINE(ENV_GSBASE, offsetof(struct env, gsbase));
	DEFINE(ENV_EXC, offsetof(struct env, exc));
	DEFINE(ENV_FPU_OFF, offsetof(struct env, fpu_off));
	DEFINE(ENV_PCT_ENTRY, offsetof(struct env, pct_entry));
	DEFINE(ENV_PCT_STACK, offsetof(struct env, pct_stack));
	DEFINE(ENV_IN_ACT, offsetof(struct env, in_act));
	DEFINE(ENV_ACT_CALLER, offsetof(struct env, act_caller));
	DEFINE(ENV_WAITING_ON, offsetof(struct env, waiting_on));
	DEFINE(ENV_ID, offsetof(struct env, id));
	DEFINE(ENV_STATE, offsetof(struct env, state));
	DEFINE(ENV_ROOT, offsetof(struct env, root));
	DEFINE(ENV_SELF, offsetof(struct env, self));
	DEFINE(ENV_CS_ROOT, offsetof(struct env, cs.root));
	DEFINE(SELF_CALLS_IN, offsetof(struct exo_self, calls_in));
	DEFINE(CAP_SIZE, sizeof(struct cap));
	DEFINE(CAP_TYPE, offsetof(struct cap, type));
	DEFINE(CAP_RIGHTS, offsetof(struct cap, rights));
	DEFINE(CAP_NAME, offsetof(struct cap, name));
	DEFINE(ABI_CAP_ENV, EXO_CAP_ENV);
	DEFINE(ABI_R_CALL, EXO_R_CALL);
	DEFINE(ABI_ENV_RUNNABLE, EXO_ENV_RUNNABLE);
	DEFINE(ABI_PCT_SLOT_SHIFT, EXO_PCT_SLOT_SHIFT);
	DEFINE(TF_RAX, offsetof(struct trapframe, rax));
	DEFINE(TF_RBX, offsetof(struct trapframe, rbx));
	DEFINE(TF_RBP, offsetof(struct trapframe, rbp));
	DEFINE(TF_R12, offsetof(struct trapframe, r12));
	DEFINE(TF_R13, offsetof(struct trapframe, r13));
	DEFINE(TF_R14, offsetof(struct trapframe, r14));
	DEFINE(TF_R15, offsetof(struct trapframe, r15));
	DEFINE(TF_RIP, offsetof(struct trapframe, rip));
	DEFINE(TF_RFLAGS, offsetof(struct trapframe, rflags));
	DEFINE(TF_RSP, offsetof(struct trapframe, rsp));
}
