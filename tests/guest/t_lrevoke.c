/*
 * Looks for a Linux process that cannot answer the kernel's revocation
 * requests (so that memory pressure takes its pages by force), or that
 * answers with pages it still needs.  lzero, under sysd, holds 3000 pages
 * it has only read and 300 it has written; then this program eats memory,
 * retrying after a yield whenever the kernel answers EXO_EAGAIN (it is
 * asking someone), until it has 1000 pages more than were free.  Only
 * lzero's runtime has a revocation handler, so those pages can only come
 * from it: its choice, the clean ones.  Then we give everything back and
 * lzero must find its written pages intact and its read ones still zero,
 * and exit 0 (a process that loses pages by force ends with SIGKILL).
 */
#include "tutil.h"

#define EAT_FIRST 65536UL /* past libos's slot allocator, as t_rv_alloc */
#define EXTRA 1000
#define WAIT_NS (60ULL * 1000000000ULL)

int
main(int argc_, char **argv_)
{
	(void)argc_;
	(void)argv_;
	char *argv[] = { "sysd", "--", "lzero", "4", NULL };
	struct child c;
	struct exo_envinfo in;
	uint64_t before = EXO_INFO->free_pages;

	CHECK_EQ(spawn("sysd", argv, &c), 0);
	/* Ready when its 3300 pages are gone from the free count. */
	uint64_t t0 = time_ns();
	while (EXO_INFO->free_pages + 3300 > before && time_ns() - t0 < WAIT_NS)
		exo_yield(EXO_ENV_ANY);
	CHECK(EXO_INFO->free_pages + 3300 <= before);
	for (int i = 0; i < 50; i++)
		exo_yield(EXO_ENV_ANY);

	uint64_t free0 = EXO_INFO->free_pages, nslots = free0 + 2 * EXTRA;
	for (uint64_t s = EAT_FIRST; s < EAT_FIRST + nslots; s += 64) {
		CHECK_EQ(exo_cap_copy(EXO_SLOT_CONSOLE, EXO_SLOT_SELF, s, 0), 0);
		CHECK_EQ(exo_cap_delete(s), 0);
	}
	free0 = EXO_INFO->free_pages;
	uint64_t slot = EAT_FIRST, eagain = 0;
	t0 = time_ns();
	while (slot - EAT_FIRST < free0 + EXTRA && time_ns() - t0 < WAIT_NS) {
		int64_t r = exo_page_alloc(slot, EXO_PPN_ANY);
		if (r >= 0) {
			slot++;
			continue;
		}
		if (r != EXO_EAGAIN) {
			printf("t_lrevoke: page_alloc: %s after %lu pages\n",
			    exo_strerror(r), slot - EAT_FIRST);
			break;
		}
		eagain++;
		exo_yield(EXO_ENV_ANY);
	}
	uint64_t got = slot - EAT_FIRST;
	for (uint64_t s = EAT_FIRST; s < slot; s++)
		exo_cap_delete(s);
	printf("t_lrevoke: %lu pages were free; we took %lu (%lu EAGAIN)\n",
	    free0, got, eagain);
	CHECK(eagain > 0);                /* the kernel had to ask */
	CHECK(got >= free0 + EXTRA);      /* and lzero's runtime gave */
	CHECK_EQ(child_wait(&c, WAIT_NS, &in), 0);
	CHECK_EXITED(&in, 0);             /* lzero: all kept */
	child_release(&c);
	printf("t_lrevoke: a Linux process gave back its clean pages and "
	       "kept the rest\n");
	return 0;
}
