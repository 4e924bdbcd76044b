/*
 * Interrupts and exceptions (entry.S calls trap for every vector).  The
 * timer marks a slice boundary; an exception in user mode ends the
 * environment that raised it, with a line on the console saying why, and
 * everything else keeps running.  In kernel mode only the timer is
 * expected, while the scheduler halts with nothing to run; an exception
 * there is a kernel bug and panics.
 */
#include "arch.h"
#include "env.h"
#include "kern.h"
#include "sched.h"

static const char *const exc_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range", "invalid opcode", "device not available",
	"double fault", "coprocessor overrun", "invalid TSS",
	"segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 floating point", "alignment check",
	"machine check", "SIMD floating point",
};

static const char *
trap_name(uint64_t trapno)
{
	if (trapno < 32 && exc_names[trapno])
		return exc_names[trapno];
	return trapno == T_TIMER ? "timer" : "unexpected interrupt";
}

static void
trap_user_fault(struct trapframe *tf)
{
	struct env *e = curenv;

	e->trapno = (uint32_t)tf->trapno;
	e->fault_rip = tf->rip;
	e->fault_err = tf->err;
	e->fault_addr = tf->trapno == T_PGFLT ? arch_fault_addr() : 0;
	kprintf("env %x: %s at rip %lx", e->id, trap_name(tf->trapno), tf->rip);
	if (tf->trapno == T_PGFLT)
		kprintf(" addr %lx", e->fault_addr);
	kprintf(" err %lx, no handler: destroyed\n", tf->err);
	env_destroy(e, EXO_CAUSE_FAULT, 0);
	sched_run();
}

void
trap(struct trapframe *tf)
{
	if (tf->trapno == T_SPURIOUS)
		return;
	if (!arch_frame_is_user(tf)) {
		if (tf->trapno == T_TIMER && sched_idling()) {
			/* A slice boundary while nothing could run. */
			arch_eoi();
			sched_tick();
			return;
		}
		if (tf->trapno == T_PGFLT && arch_in_exc_fast_path(tf->rip)) {
			/* entry.S could not push a frame for curenv's handler. */
			kprintf("env %x: exception stack at %lx not writable: "
				"destroyed\n", curenv->id, arch_fault_addr());
			curenv->trapno = T_PGFLT;
			curenv->fault_addr = arch_fault_addr();
			env_destroy(curenv, EXO_CAUSE_FAULT, 0);
			sched_run();
		}
		panic("%s in kernel mode at rip %lx, err %lx, addr %lx",
		    trap_name(tf->trapno), tf->rip, tf->err, arch_fault_addr());
	}
	cur_tf = tf;
	if (tf->trapno == T_TIMER) {
		arch_eoi();
		if (sched_deadline_armed())
			sched_deadline();
		sched_tick();
		curenv->self->preemptions++;
		if (curenv->revoke_delivered)
			curenv->revoke_ran++;
		sched_slice_end();
		sched_leave();
		sched_slice_start();
	}
	trap_user_fault(tf);
}
