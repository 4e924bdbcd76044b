/*
 * Looks for directed-yield bugs: ids that name no environment (never
 * used, zero, negative, a stale generation of a live index) not refused
 * with EXO_ENOENT, a created-but-not-started environment run (EXO_EAGAIN),
 * a dead one whose record is still held run (EXO_EDEAD), a yield to
 * oneself, to any or to a live environment not returning 0, and yields
 * received not counted in the receiver's self page (yields_in).
 */
#include "tutil.h"

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct exo_envinfo in;
	struct child ch;
	char b[24];
	exo_envid_t me = EXO_SELF->id;

	CHECK_EQ(exo_yield(0x7fffffff), EXO_ENOENT);
	CHECK_EQ(exo_yield(0), EXO_ENOENT);
	CHECK_EQ(exo_yield(-2), EXO_ENOENT);
	CHECK_EQ(exo_yield(-0x7fffffff - 1), EXO_ENOENT);
	CHECK_EQ(exo_yield(me + (1 << 12)), EXO_ENOENT); /* our index, not us */
	CHECK_EQ(exo_yield(me - (1 << 12)), EXO_ENOENT);
	CHECK_EQ(exo_yield(me & 0xfff), EXO_ENOENT);     /* generation 0 */
	CHECK_EQ(exo_yield(me), 0);
	CHECK_EQ(exo_yield(EXO_ENV_ANY), 0);
	CHECK_EQ(exo_yield(EXO_SELF->parent), 0); /* init, waiting for us */

	/* Created, not started. */
	int64_t s = slot_alloc_range(2);
	CHECK(s >= 0);
	int64_t id = exo_env_create((uint64_t)s, (uint64_t)s + 1);
	CHECK(id > 0);
	CHECK_EQ(exo_yield((exo_envid_t)id), EXO_EAGAIN);
	CHECK_EQ(exo_env_destroy((uint64_t)s), 0);
	CHECK_EQ(exo_yield((exo_envid_t)id), EXO_EDEAD);
	CHECK_EQ(exo_cap_delete((uint64_t)s), 0);
	CHECK_EQ(exo_yield((exo_envid_t)id), EXO_EDEAD); /* vspace cap holds it */
	CHECK_EQ(exo_cap_delete((uint64_t)s + 1), 0);
	CHECK_EQ(exo_yield((exo_envid_t)id), EXO_ENOENT);
	slot_free_range((uint64_t)s, 2);

	/* Exited, record held by our capability. */
	char *eargs[] = { "h_exit", "0", NULL };
	CHECK_EQ(spawn("h_exit", eargs, &ch), 0);
	CHECK_WAIT(&ch, &in);
	CHECK_EQ(exo_yield(ch.id), EXO_EDEAD);
	child_release(&ch);
	CHECK_EQ(exo_yield(ch.id), EXO_ENOENT);

	/* A child that yields to us 10 times. */
	char *yargs[] = { "h_hostile", "yieldto", fmt_hex(b, sizeof(b), (uint64_t)me),
		"10", NULL };
	uint64_t yi = EXO_SELF->yields_in;
	CHECK_EQ(spawn("h_hostile", yargs, &ch), 0);
	CHECK_EQ(exo_yield(ch.id), 0);
	CHECK_WAIT(&ch, &in);
	CHECK_EXITED(&in, 0);
	child_release(&ch);
	CHECK(EXO_SELF->yields_in >= yi + 10);
	printf("t_yield: directed yields checked\n");
	return 0;
}
