/*
 * The protocol between t_pct and its server h_pct: a call whose first
 * word is PCT_MAGIC carries a command in its second.
 */
#ifndef TESTS_GUEST_H_PCT_H
#define TESTS_GUEST_H_PCT_H

#define PCT_MAGIC 0x434d445f5443505fUL /* "_PCT_CMD" */
#define PCT_PONG 0x600dUL
#define PCT_FAILED 0xfa11UL

enum {
	PCT_PING = 1,     /* reply w[2] = PCT_PONG, w[3] = EXO_SELF->fpu_off */
	PCT_WHO = 2,      /* w[2] = the caller's id as the kernel says, w[3] = ours */
	PCT_COUNT = 3,    /* w[2] = activations run, w[3] = EXO_SELF->calls_in,
			     w[4] = marks, w[5] = the last mark */
	PCT_MARK = 4,     /* remember w[2] and the caller (for pct_send) */
	PCT_MARK_WHO = 5, /* w[2] = who sent the last mark */
	PCT_EXIT = 6,     /* exit(7) inside the activation */
	PCT_FAULT = 7,    /* page fault inside the activation */
	PCT_SPIN = 8,     /* spin w[2] nanoseconds inside the activation */
	PCT_FORWARD = 9,  /* call the capability in our slot w[2] with
			     w[3], w[4], w[5], 0, 0, 0 and reply with its
			     reply (or w[0] = PCT_FAILED, w[1] = the error) */
};

#endif
