/*
 * Looks for environment life-cycle bugs: a new environment not in state
 * NEW, starts accepted at kernel addresses, at twice, or after death; exit
 * statuses and causes reported wrongly; the id a child sees in its self
 * page not the one its parent got; an environment destroyed by its holder,
 * or by itself, not recorded as DESTROYED; pages not all given back by
 * destruction (while the record is still held); calls on the wrong kind of
 * capability, or through an environment capability without CTRL,
 * accepted; a dead environment's address space or table still usable; and
 * stale ids naming a recycled environment.
 */
#include "tutil.h"

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct exo_envinfo in;
	struct exo_capinfo ci;
	struct child ch;
	char buf[4][24];

	warm_spawn();
	int64_t r0 = slot_alloc_range(6);
	CHECK(r0 >= 0);
	uint64_t se = (uint64_t)r0, sv = se + 1, weak = se + 2, pg = se + 3;
	uint64_t se2 = se + 4, sv2 = se + 5;
	uint64_t before = EXO_INFO->free_pages;

	/* A new environment. */
	int64_t id = exo_env_create(se, sv);
	CHECK(id > 0);
	CHECK(id != EXO_SELF->id);
	CHECK_EQ(exo_env_info(se, &in), 0);
	CHECK_EQ(in.id, id);
	CHECK_EQ(in.state, EXO_ENV_NEW);
	CHECK_EQ(in.cause, EXO_CAUSE_NONE);
	CHECK_EQ(exo_cap_info(se, &ci), 0);
	CHECK(ci.type == EXO_CAP_ENV && ci.name == (uint64_t)id && ci.rights == EXO_R_ALL);
	CHECK_EQ(exo_cap_info(sv, &ci), 0);
	CHECK(ci.type == EXO_CAP_VSPACE && ci.name == (uint64_t)id &&
	    ci.rights == EXO_R_ALL);
	/* Its info needs an environment capability. */
	CHECK_EQ(exo_env_info(sv, &in), EXO_ECAP);
	CHECK_EQ(exo_env_info(EXO_SLOT_CONSOLE, &in), EXO_ECAP);
	CHECK_EQ(exo_env_info(se2, &in), EXO_ECAP);
	CHECK_EQ(exo_env_info(EXO_NSLOTS, &in), EXO_ERANGE);
	/* Destination slots. */
	CHECK_EQ(exo_env_create(se2, se2), EXO_EBUSY);
	CHECK_EQ(exo_env_create(se, sv2), EXO_EBUSY);
	CHECK_EQ(exo_env_create(se2, sv), EXO_EBUSY);
	CHECK_EQ(exo_env_create(se2, EXO_NSLOTS), EXO_ERANGE);
	CHECK_EQ(exo_env_create(EXO_NSLOTS, sv2), EXO_ERANGE);
	CHECK_EQ(exo_cap_info(se2, &ci), EXO_ECAP);
	CHECK_EQ(exo_cap_info(sv2, &ci), EXO_ECAP);

	/* Starting at or above EXO_ULIM. */
	CHECK_EQ(exo_env_start(se, EXO_ULIM, 0x10000, 0), EXO_ERANGE);
	CHECK_EQ(exo_env_start(se, KADDR_KERNBASE, 0x10000, 0), EXO_ERANGE);
	CHECK_EQ(exo_env_start(se, KADDR_PHYSMAP, 0x10000, 0), EXO_ERANGE);
	CHECK_EQ(exo_env_start(se, ~0UL, 0x10000, 0), EXO_ERANGE);
	CHECK_EQ(exo_env_start(se, 0x0000800000000000UL, 0x10000, 0), EXO_ERANGE);
	CHECK_EQ(exo_env_start(se, 0x1000, EXO_ULIM + 8, 0), EXO_ERANGE);
	CHECK_EQ(exo_env_start(se, 0x1000, KADDR_KERNBASE, 0), EXO_ERANGE);
	CHECK_EQ(exo_env_start(sv, 0x1000, 0x10000, 0), EXO_ECAP);
	CHECK_EQ(exo_env_info(se, &in), 0);
	CHECK_EQ(in.state, EXO_ENV_NEW);
	/* Without CTRL: no start, no destroy; info still works. */
	CHECK_EQ(exo_cap_copy(se, EXO_SLOT_SELF, weak,
		     EXO_R_ALL & ~EXO_R_CTRL), 0);
	CHECK_EQ(exo_env_start(weak, 0x1000, 0x10000, 0), EXO_EPERM);
	CHECK_EQ(exo_env_destroy(weak), EXO_EPERM);
	CHECK_EQ(exo_env_info(weak, &in), 0);
	CHECK_EQ(in.id, id);
	CHECK_EQ(in.state, EXO_ENV_NEW);
	/* Started with nothing mapped: it faults fetching its first byte. */
	CHECK_EQ(exo_env_start(se, 0x1000, 0x10000, 0), 0);
	CHECK_EQ(exo_env_start(se, 0x1000, 0x10000, 0), EXO_EBUSY);
	for (int i = 0; i < 100; i++) {
		CHECK_EQ(exo_env_info(se, &in), 0);
		if (in.state == EXO_ENV_DEAD)
			break;
		exo_yield((exo_envid_t)id);
	}
	CHECK_FAULTED(&in, 14);
	CHECK_EQ(in.fault_addr, 0x1000);
	CHECK_EQ(in.fault_rip, 0x1000);
	CHECK_EQ(in.fault_err & (PF_P | PF_W | PF_U), PF_U);
	/* Dead: nothing more to do to it, its space is gone. */
	CHECK_EQ(exo_env_start(se, 0x1000, 0x10000, 0), EXO_EDEAD);
	CHECK_EQ(exo_env_destroy(se), EXO_EDEAD);
	CHECK_EQ(exo_env_destroy(weak), EXO_EPERM);
	CHECK_EQ(exo_yield((exo_envid_t)id), EXO_EDEAD);
	CHECK(exo_page_alloc(pg, EXO_PPN_ANY) > 0);
	CHECK_EQ(pt_op(sv, 0x1000, pg, 1, EXO_PT_MAP, EXO_PERM_X, 0), EXO_EDEAD);
	CHECK_EQ(pt_op(sv, 0x1000, 0, 1, EXO_PT_UNMAP, 0, 0), EXO_EDEAD);
	CHECK_EQ(exo_cap_copy(pg, se, 100, EXO_R_READ), EXO_EDEAD);
	CHECK_EQ(exo_slice_alloc(se2, EXO_SLICE_ANY, se), EXO_EDEAD);
	CHECK_EQ(exo_cap_info(se2, &ci), EXO_ECAP);
	/* A page capability is not an environment. */
	CHECK_EQ(exo_env_destroy(pg), EXO_ECAP);
	CHECK_EQ(exo_env_start(pg, 0x1000, 0x10000, 0), EXO_ECAP);
	CHECK_EQ(exo_env_info(pg, &in), EXO_ECAP);
	CHECK_EQ(exo_cap_delete(pg), 0);
	/* Its record stays while any capability names it. */
	CHECK_EQ(exo_cap_delete(se), 0);
	CHECK_EQ(exo_cap_delete(sv), 0);
	CHECK_EQ(exo_env_info(weak, &in), 0);
	CHECK_EQ(in.id, id);
	CHECK_EQ(in.state, EXO_ENV_DEAD);
	CHECK_EQ(exo_yield((exo_envid_t)id), EXO_EDEAD);
	CHECK_EQ(exo_cap_delete(weak), 0);
	CHECK_EQ(exo_yield((exo_envid_t)id), EXO_ENOENT);
	CHECK_EQ(EXO_INFO->free_pages, before);
	/* The slot in the table is reused, under a new id. */
	int64_t id2 = exo_env_create(se, sv);
	CHECK(id2 > 0 && id2 != id);
	CHECK_EQ(exo_yield((exo_envid_t)id), EXO_ENOENT);
	CHECK_EQ(exo_env_destroy(se), 0);
	CHECK_EQ(exo_env_info(se, &in), 0);
	CHECK_EQ(in.state, EXO_ENV_DEAD);
	CHECK_EQ(in.cause, EXO_CAUSE_DESTROYED); /* destroyed while NEW */
	CHECK_EQ(exo_cap_delete(se), 0);
	CHECK_EQ(exo_cap_delete(sv), 0);
	CHECK_EQ(EXO_INFO->free_pages, before);

	/* Exit statuses come through whole. */
	int64_t statuses[] = { 42, 0, 1, 255, -5, 0x7fffffff, -0x7fffffff - 1 };
	for (unsigned i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		char *args[] = { "h_exit", fmt_hex(buf[0], sizeof(buf[0]),
					       (uint64_t)statuses[i]), NULL };
		if (statuses[i] < 0)
			snprintf(buf[0], sizeof(buf[0]), "%ld", (long)statuses[i]);
		CHECK_EQ(spawn("h_exit", args, &ch), 0);
		CHECK_WAIT(&ch, &in);
		CHECK_EQ(in.id, ch.id);
		CHECK_EXITED(&in, statuses[i]);
		CHECK_EQ(exo_env_start(ch.env, 0x1000, 0x10000, 0), EXO_EDEAD);
		CHECK_EQ(exo_env_destroy(ch.env), EXO_EDEAD);
		child_release(&ch);
	}
	CHECK_EQ(EXO_INFO->free_pages, before);

	/* The child sees the id we got, and us as its parent. */
	char *sargs[] = { "h_hostile", "selfid",
		fmt_hex(buf[0], sizeof(buf[0]), (uint64_t)EXO_SELF->id), NULL };
	CHECK_EQ(spawn("h_hostile", sargs, &ch), 0);
	CHECK_WAIT(&ch, &in);
	CHECK_EXITED(&in, ch.id);
	child_release(&ch);

	/* Running: no second start; destroy it; its pages all come back. */
	char *aargs[] = { "h_hostile", "alloc", "20", NULL };
	CHECK_EQ(spawn("h_hostile", aargs, &ch), 0);
	CHECK_EQ(exo_env_start(ch.env, 0x1000, 0x10000, 0), EXO_EBUSY);
	/* Wait until it has taken its pages: the count stops moving. */
	uint64_t t0 = time_ns(), last = EXO_INFO->free_pages;
	for (int stable = 0; stable < 20 || last > before - 20 - 16;) {
		CHECK(time_ns() - t0 < CHILD_TIMEOUT_NS);
		exo_yield(ch.id);
		stable = EXO_INFO->free_pages == last ? stable + 1 : 0;
		last = EXO_INFO->free_pages;
	}
	CHECK_EQ(exo_env_info(ch.env, &in), 0);
	CHECK_EQ(in.state, EXO_ENV_RUNNABLE);
	CHECK_EQ(exo_env_destroy(ch.env), 0);
	CHECK_EQ(EXO_INFO->free_pages, before); /* before the record goes */
	CHECK_EQ(exo_env_info(ch.env, &in), 0);
	CHECK_EQ(in.state, EXO_ENV_DEAD);
	CHECK_EQ(in.cause, EXO_CAUSE_DESTROYED);
	CHECK_EQ(exo_env_destroy(ch.env), EXO_EDEAD);
	CHECK_EQ(exo_yield(ch.id), EXO_EDEAD);
	child_release(&ch);
	CHECK_EQ(exo_yield(ch.id), EXO_ENOENT);

	/* Destroying itself. */
	char *dargs[] = { "h_hostile", "destroyself", NULL };
	CHECK_EQ(run_child(dargs, &in), 0);
	CHECK_EQ(in.state, EXO_ENV_DEAD);
	CHECK_EQ(in.cause, EXO_CAUSE_DESTROYED);
	CHECK_EQ(EXO_INFO->free_pages, before);

	slot_free_range(se, 6);
	printf("t_env: create, start, exit, destroy and records checked\n");
	return 0;
}
