/*
 * Hostile: looks for ways a child can reach memory it was not given.  The
 * child (h_hostile isolation) tries to map with an empty slot and with
 * capabilities that are not pages, to take our page and kernel pages by
 * number, to map into kernel space and the kernel's views, to widen a
 * read-only grant (MAP/PROT writable or executable, copy with more
 * rights), to make the kernel write into the read-only mapping for it, and
 * finally writes to it directly, which must kill it with a page fault at
 * that address.  Our page must still hold what we put there.
 */
#include "tutil.h"

#define V (TEST_VA + 0xe00000)
#define PATTERN 0x15014710aUL

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct exo_envinfo in;
	struct exo_capinfo ci;
	struct child ch;
	char b[4][24];

	prepare_tables(V);
	warm_spawn();
	uint64_t before = EXO_INFO->free_pages;
	int64_t s = slot_alloc();
	CHECK(s >= 0);
	int64_t ppn = exo_page_alloc((uint64_t)s, EXO_PPN_ANY);
	CHECK(ppn > 0);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, V, (uint64_t)s, 1, EXO_PT_MAP, EXO_PERM_W, 0), 1);
	volatile uint64_t *v = (volatile uint64_t *)V;
	for (uint64_t i = 0; i < EXO_PGSIZE / 8; i++)
		v[i] = PATTERN + i;

	char *args[] = { "h_hostile", "isolation",
		fmt_hex(b[0], sizeof(b[0]), CHILD_SLOT),
		fmt_hex(b[1], sizeof(b[1]), CHILD_VA),
		fmt_hex(b[2], sizeof(b[2]), PATTERN),
		fmt_hex(b[3], sizeof(b[3]), (uint64_t)ppn), NULL };
	CHECK_EQ(spawn("h_hostile", args, &ch), 0);
	CHECK_EQ(exo_cap_copy((uint64_t)s, ch.env, CHILD_SLOT, EXO_R_READ), 0);
	CHECK_WAIT(&ch, &in);
	CHECK_FAULTED(&in, 14);
	CHECK_EQ(in.fault_addr, CHILD_VA);
	CHECK_EQ(in.fault_err & (PF_P | PF_W | PF_U), PF_P | PF_W | PF_U);
	child_release(&ch);

	/* Our page: same page, same contents, still ours. */
	CHECK_EQ(exos_pte(V) & EXO_PTE_ADDR, (uint64_t)ppn << 12);
	for (uint64_t i = 0; i < EXO_PGSIZE / 8; i++)
		CHECK(v[i] == PATTERN + i);
	CHECK_EQ(exo_cap_info((uint64_t)s, &ci), 0);
	CHECK(ci.type == EXO_CAP_PAGE && ci.name == (uint64_t)ppn);
	CHECK_EQ(exo_cap_revoke((uint64_t)s), 0); /* its copy died with it */

	unmap_free(V, (uint64_t)s);
	CHECK_EQ(EXO_INFO->free_pages, before);
	printf("t_isolation: a hostile child got nothing it was not given\n");
	return 0;
}
