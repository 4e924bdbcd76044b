/*
 * spin_count: a compute-bound process whose work can be measured.  It
 * maps the page its parent shares with it (user/spin_count.h) and counts
 * iterations of one loop into it, forever: every spin_count runs the same
 * loop, so iterations compare the processor time each one received.  With
 * a scheduler's id it is a stride client (libos/stride.h): slices the
 * kernel gives it directly go to that scheduler, so it computes only in
 * time the scheduler gave it.
 *   spin_count [--help] [SCHEDULER]
 */
#include "exos.h"
#include "spin_count.h"
#include "stride.h"

static uint64_t
parse_id(const char *s)
{
	uint64_t v = 0;
	int base = 10;

	if (s[0] == '0' && s[1] == 'x')
		s += 2, base = 16;
	for (; *s; s++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0'
		    : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 : 99;
		if (d >= base)
			return 0;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	return v;
}

int
main(int argc, char **argv)
{
	struct spin_count_page *p = (struct spin_count_page *)SPIN_COUNT_VA;
	struct exo_ptop o = { SPIN_COUNT_VA, SPIN_COUNT_SLOT, 1, EXO_PT_MAP,
		EXO_PERM_W, 0, 0 };

	if (argc > 2 || (argc == 2 && parse_id(argv[1]) == 0)) {
		printf("usage: spin_count [SCHEDULER]\nCounts loop iterations "
		       "forever into the page its parent gave it (slot %lu); "
		       "with a scheduler's environment id, runs only in time "
		       "that scheduler gives it.\n", SPIN_COUNT_SLOT);
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	slot_mark_used(SPIN_COUNT_SLOT);
	if (exo_pt_batch(EXO_SLOT_VSPACE, &o, 1) < 0) {
		printf("spin_count: no page in slot %lu\n", SPIN_COUNT_SLOT);
		return 1;
	}
	exo_envid_t sched = argc == 2 ? (exo_envid_t)parse_id(argv[1]) : 0;
	if (sched && stride_client_guard(sched, &p->redirects) < 0) {
		printf("spin_count: cannot register the guard\n");
		return 1;
	}
	p->ready = 1;
	for (;;)
		p->iterations++;
}
