/*
 * The batched page-table call and the user-pointer check.
 *
 * A batch is all or none.  The first pass checks every operation against
 * the capabilities and the current entries, and marks each entry it will
 * touch with PTE_BUSY (a bit the processor ignores); an entry already marked
 * means two operations overlap.  If any check fails, the marks are cleared
 * and nothing else has changed.  The second pass applies the operations and
 * clears the marks; it cannot fail.  Page tables a MAP needs are allocated
 * in the first pass; an empty one left by a failed call is harmless and is
 * freed with the address space.
 *
 * The kernel runs on the caller's page tables with interrupts off and never
 * waits, so user memory checked here cannot change before it is used.
 */
#include "arch.h"
#include "cap.h"
#include "env.h"
#include "kern.h"
#include "pmem.h"
#include "vm.h"

#define PTE_BUSY 0x800UL /* kernel-private: touched by the batch in progress */
#define PTE_PERMS (EXO_PTE_W | EXO_PTE_NX | EXO_PTE_SOFT_MASK)

_Static_assert(sizeof(struct exo_ptop) == 24, "ABI: struct exo_ptop");

/* Is [va, va+len) mapped user-accessible in e (and writable if asked)? */
int
vm_user_range(struct env *e, uint64_t va, uint64_t len, int write)
{
	uint64_t need = EXO_PTE_P | EXO_PTE_U | (write ? EXO_PTE_W : 0);

	if (len == 0)
		return 0;
	if (va >= EXO_ULIM || len > EXO_ULIM - va)
		return EXO_EFAULT;
	for (uint64_t p = ROUNDDOWN(va, PGSIZE); p < va + len; p += PGSIZE) {
		uint64_t *pte = arch_pte(e->root, p, 0);
		if (pte == NULL || (*pte & need) != need)
			return EXO_EFAULT;
	}
	return 0;
}

/* The same for the running environment: pointers a system call got. */
int
vm_user_ok(uint64_t va, uint64_t len, int write)
{
	return vm_user_range(curenv, va, len, write);
}

static uint64_t
perm_bits(const struct exo_ptop *op)
{
	return (op->perm & EXO_PERM_W ? EXO_PTE_W : 0) |
	    (op->perm & EXO_PERM_X ? 0 : EXO_PTE_NX) |
	    (uint64_t)op->soft << EXO_PTE_SOFT_SHIFT;
}

static int
check_op_shape(const struct exo_ptop *op)
{
	if (op->op < EXO_PT_MAP || op->op > EXO_PT_PROT || op->pad != 0 ||
	    op->npages == 0 || (op->perm & ~(EXO_PERM_W | EXO_PERM_X)) ||
	    (op->soft & 0x80) || (op->va & (PGSIZE - 1)))
		return EXO_EINVAL;
	if (op->va >= EXO_ULIM ||
	    (uint64_t)op->npages > (EXO_ULIM - op->va) >> PGSHIFT)
		return EXO_ERANGE;
	if (op->op == EXO_PT_MAP && op->slot + op->npages > EXO_NSLOTS)
		return EXO_ERANGE;
	return 0;
}

/*
 * The entries of op's range lie in one or more page tables; each step
 * works on the run of entries inside one table, found with one walk.
 */
static uint64_t *
run_at(struct env *e, const struct exo_ptop *op, uint64_t i, uint64_t *n)
{
	uint64_t va = op->va + i * PGSIZE;

	*n = arch_pte_span(va);
	if (*n > op->npages - i)
		*n = op->npages - i;
	return arch_pte(e->root, va, op->op == EXO_PT_MAP);
}

/* Checks and marks entries i.. of op; *done says how many were marked. */
static int
check_run(struct env *e, const struct exo_ptop *op, uint64_t i, uint64_t *done)
{
	uint64_t n, *pte = run_at(e, op, i, &n);
	uint64_t mayw = op->perm & EXO_PERM_W ? EXO_PTE_MAYW : 0;
	uint64_t mayx = op->perm & EXO_PERM_X ? EXO_PTE_MAYX : 0;

	if (op->op == EXO_PT_UNMAP)
		mayw = mayx = 0; /* its perm means nothing */
	struct cap *c;
	int r;

	*done = 0;
	if (pte == NULL)
		return op->op == EXO_PT_MAP ? EXO_ENOMEM : EXO_ENOENT;
	if (op->op == EXO_PT_MAP) {
		uint32_t need = EXO_R_READ | (mayw ? EXO_R_WRITE : 0) |
		    (mayx ? EXO_R_EXEC : 0);
		for (uint64_t j = 0; j < n; j++) {
			if (pte[j] & PTE_BUSY)
				return EXO_EINVAL;
			if (pte[j] & EXO_PTE_P)
				return EXO_EBUSY;
			r = cap_lookup(&curenv->cs, op->slot + i + j,
			    EXO_CAP_PAGE, need, &c);
			if (r < 0)
				return r;
			pte[j] = PTE_BUSY;
			++*done;
		}
		return 0;
	}
	for (uint64_t j = 0; j < n; j++) {
		uint64_t v = pte[j];
		if (v & PTE_BUSY)
			return EXO_EINVAL; /* an earlier op of this batch: overlap */
		if (!(v & EXO_PTE_P))
			return EXO_ENOENT;
		if ((v & (mayw | mayx)) != (mayw | mayx))
			return EXO_EPERM;
		pte[j] = v | PTE_BUSY;
		++*done;
	}
	return 0;
}

/* Clears the marks on the first count entries of op. */
static void
unmark(struct env *e, const struct exo_ptop *op, uint64_t count)
{
	for (uint64_t i = 0, n; i < count; i += n) {
		uint64_t *pte = run_at(e, op, i, &n);
		if (n > count - i)
			n = count - i;
		for (uint64_t j = 0; j < n; j++)
			pte[j] = pte[j] == PTE_BUSY ? 0 : pte[j] & ~PTE_BUSY;
	}
}

static void
apply_run(struct env *e, const struct exo_ptop *op, uint64_t i, uint64_t *np)
{
	uint64_t n, *pte = run_at(e, op, i, &n);
	uint64_t bits = perm_bits(op);
	struct cap *c;

	*np = n;
	switch (op->op) {
	case EXO_PT_MAP:
		for (uint64_t j = 0; j < n; j++) {
			cap_lookup(&curenv->cs, op->slot + i + j, EXO_CAP_PAGE, 0, &c);
			pmem_incref(c->name);
			pte[j] = c->name << PGSHIFT | EXO_PTE_P | EXO_PTE_U | bits |
			    (c->rights & EXO_R_WRITE ? EXO_PTE_MAYW : 0) |
			    (c->rights & EXO_R_EXEC ? EXO_PTE_MAYX : 0);
		}
		break;
	case EXO_PT_UNMAP:
		for (uint64_t j = 0; j < n; j++) {
			uint64_t pa = pte[j] & EXO_PTE_ADDR;
			pte[j] = 0;
			pmem_decref_pa(pa);
		}
		break;
	case EXO_PT_PROT:
		for (uint64_t j = 0; j < n; j++)
			pte[j] = (pte[j] & ~(PTE_PERMS | PTE_BUSY)) | bits;
		break;
	}
}

int64_t
vm_batch(struct env *e, const struct exo_ptop *ops, uint64_t nops)
{
	uint64_t k, i, n, total = 0;
	int r = 0;

	/* An UNMAP of the page holding ops would pull it from under us. */
	uint64_t lo = (uint64_t)ops, hi = lo + nops * sizeof(*ops);
	for (k = 0; k < nops; k++) {
		if ((r = check_op_shape(&ops[k])) < 0)
			return r;
		if (e == curenv && ops[k].op == EXO_PT_UNMAP &&
		    ops[k].va < hi && lo < ops[k].va + ops[k].npages * PGSIZE)
			return EXO_EINVAL;
	}
	for (k = 0; k < nops; k++) {
		for (i = 0; i < ops[k].npages; i += n)
			if ((r = check_run(e, &ops[k], i, &n)) < 0)
				goto fail;
		total += ops[k].npages;
	}
	for (k = 0; k < nops; k++)
		for (i = 0; i < ops[k].npages; i += n)
			apply_run(e, &ops[k], i, &n);
	if (arch_vspace_current() == e->root) {
		if (total > 32) {
			arch_tlb_flush_all();
		} else {
			for (k = 0; k < nops; k++)
				for (i = 0; i < ops[k].npages; i++)
					arch_tlb_flush_page(ops[k].va + i * PGSIZE);
		}
	}
	return (int64_t)nops;

fail:
	/* Op k is marked up to entry i + n; those before it entirely. */
	unmark(e, &ops[k], i + n);
	while (k-- > 0)
		unmark(e, &ops[k], ops[k].npages);
	return r;
}

static void
unmap_if(uint64_t va, uint64_t *pte, void *arg)
{
	uint64_t ppn = *(uint64_t *)arg;

	(void)va;
	if ((*pte & EXO_PTE_P) && (*pte & EXO_PTE_ADDR) >> PGSHIFT == ppn) {
		*pte = 0;
		pmem_decref(ppn);
	}
}

/* Removes every mapping of page ppn from e's address space. */
void
vm_unmap_page(struct env *e, uint64_t ppn)
{
	if (e->root == 0)
		return;
	arch_vspace_each(e->root, unmap_if, &ppn);
	if (arch_vspace_current() == e->root)
		arch_tlb_flush_all();
}
