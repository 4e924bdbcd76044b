/*
 * Stride scheduling at user level (stride.c).  A scheduler environment
 * owns slices of the kernel's time-slice vector and, in its slice
 * prologue, gives each slice to the client with the smallest pass with a
 * directed yield, then advances that client's pass by its stride
 * (STRIDE1 / tickets).  Clients are other environments, named by id; the
 * scheduler may also be a client of itself (picking it lets its own
 * program run for the slice).  docs/scheduling.md explains how this sits
 * on the kernel's slices, upcalls and yields and why shares follow
 * tickets.
 *
 *   stride_init(&s);
 *   stride_add(&s, child.id, 3);     each client with its tickets
 *   stride_start(&s, EXO_NSLICES);   slices taken, prologue registered
 *   stride_run(&s, 600);             600 decisions, then it returns
 *   stride_stop(&s);                 slices given back
 *
 * An environment has one prologue, so it runs one scheduler at a time, and
 * a program that runs one must not register slice upcalls of its own.
 * The prologue interrupts the program's own code at slice starts; the
 * functions here keep it out while they change the scheduler, and the
 * program may read the counters at any time.
 */
#ifndef EXOS_STRIDE_H
#define EXOS_STRIDE_H

#include "exos.h"

#define STRIDE_MAX_CLIENTS 16
#define STRIDE_MAX_TICKETS 1000000
/* The stride of one ticket: exact division for every count from 1 to 16. */
#define STRIDE1 (720720UL << 8)
/* stride_go's count for "until stride_stop". */
#define STRIDE_FOREVER (~0UL)

struct stride_client {
	exo_envid_t id;
	uint32_t tickets;
	uint64_t stride;         /* STRIDE1 / tickets */
	uint64_t pass;           /* virtual time at which it is next due */
	volatile uint64_t picks; /* slices given to it */
	volatile int gone;       /* it died: no longer scheduled */
};

struct stride_sched {
	struct stride_client client[STRIDE_MAX_CLIENTS];
	int nclients;              /* entries used in client[], gone or not */
	uint64_t tickets;          /* of the clients not gone */
	uint64_t global_pass;      /* where a client added now starts */
	volatile uint64_t decisions; /* slices given (to a client or us) */
	volatile uint64_t limit;   /* decide while decisions < limit */
	volatile uint64_t blocked; /* picks passed over: client could not run */
	volatile int locked;       /* the program is changing the scheduler */
	int nslices;               /* slices held, in slots slot0 on */
	exo_slot_t slot0;
};

void stride_init(struct stride_sched *s);
int stride_add(struct stride_sched *s, exo_envid_t id, uint32_t tickets);
int stride_remove(struct stride_sched *s, exo_envid_t id);
struct stride_client *stride_client(struct stride_sched *s, exo_envid_t id);
int stride_start(struct stride_sched *s, int max_slices);
void stride_go(struct stride_sched *s, uint64_t n);
int stride_run(struct stride_sched *s, uint64_t n);
void stride_stop(struct stride_sched *s);

/*
 * In a client: slices the kernel gives it directly (ones its scheduler
 * does not own) go to the scheduler instead, so that it computes only in
 * time the scheduler gave it.  Counts each such slice in *redirects if not
 * NULL.  sched 0 turns it off.
 */
int stride_client_guard(exo_envid_t sched, volatile uint64_t *redirects);

#endif
