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

/* Is [va, va+len) mapped user-accessible (and writable if asked)? */
int
vm_user_ok(uint64_t va, uint64_t len, int write)
{
	uint64_t need = EXO_PTE_P | EXO_PTE_U | (write ? EXO_PTE_W : 0);

	if (len == 0)
		return 0;
	if (va >= EXO_ULIM || len > EXO_ULIM - va)
		return EXO_EFAULT;
	for (uint64_t p = ROUNDDOWN(va, PGSIZE); p < va + len; p += PGSIZE) {
		uint64_t *pte = arch_pte(curenv->root, p, 0);
		if (pte == NULL || (*pte & need) != need)
			return EXO_EFAULT;
	}
	return 0;
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

/* Checks and marks page i of op. */
static int
check_page(struct env *e, const struct exo_ptop *op, uint64_t i)
{
	uint64_t va = op->va + i * PGSIZE;
	uint64_t *pte = arch_pte(e->root, va, op->op == EXO_PT_MAP);
	struct cap *c;
	int r;

	if (op->op == EXO_PT_MAP) {
		if (pte == NULL)
			return EXO_ENOMEM;
		if (*pte & PTE_BUSY)
			return EXO_EINVAL;
		if (*pte & EXO_PTE_P)
			return EXO_EBUSY;
		uint32_t need = EXO_R_READ |
		    (op->perm & EXO_PERM_W ? EXO_R_WRITE : 0) |
		    (op->perm & EXO_PERM_X ? EXO_R_EXEC : 0);
		r = cap_lookup(&curenv->cs, op->slot + i, EXO_CAP_PAGE, need, &c);
		if (r < 0)
			return r;
		*pte = PTE_BUSY;
		return 0;
	}
	if (pte == NULL || !(*pte & EXO_PTE_P))
		return EXO_ENOENT;
	if (*pte & PTE_BUSY)
		return EXO_EINVAL;
	if (op->op == EXO_PT_PROT &&
	    (((op->perm & EXO_PERM_W) && !(*pte & EXO_PTE_MAYW)) ||
		((op->perm & EXO_PERM_X) && !(*pte & EXO_PTE_MAYX))))
		return EXO_EPERM;
	*pte |= PTE_BUSY;
	return 0;
}

/* Clears the marks of ops[0..n), where op n-1 may be marked only partly. */
static void
unmark(struct env *e, const struct exo_ptop *ops, uint64_t n)
{
	for (uint64_t k = 0; k < n; k++) {
		for (uint64_t i = 0; i < ops[k].npages; i++) {
			uint64_t *pte = arch_pte(e->root, ops[k].va + i * PGSIZE, 0);
			if (pte == NULL || !(*pte & PTE_BUSY))
				continue;
			*pte = *pte == PTE_BUSY ? 0 : *pte & ~PTE_BUSY;
		}
	}
}

static void
apply_page(struct env *e, const struct exo_ptop *op, uint64_t i)
{
	uint64_t va = op->va + i * PGSIZE;
	uint64_t *pte = arch_pte(e->root, va, 0);
	struct cap *c;

	switch (op->op) {
	case EXO_PT_MAP:
		cap_lookup(&curenv->cs, op->slot + i, EXO_CAP_PAGE, 0, &c);
		pmem_incref(c->name);
		*pte = c->name << PGSHIFT | EXO_PTE_P | EXO_PTE_U | perm_bits(op) |
		    (c->rights & EXO_R_WRITE ? EXO_PTE_MAYW : 0) |
		    (c->rights & EXO_R_EXEC ? EXO_PTE_MAYX : 0);
		break;
	case EXO_PT_UNMAP: {
		uint64_t pa = *pte & EXO_PTE_ADDR;
		*pte = 0;
		pmem_decref_pa(pa);
		break;
	}
	case EXO_PT_PROT:
		*pte = (*pte & ~(PTE_PERMS | PTE_BUSY)) | perm_bits(op);
		break;
	}
}

int64_t
vm_batch(struct env *e, const struct exo_ptop *ops, uint64_t nops)
{
	uint64_t k, i, total = 0;
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
		for (i = 0; i < ops[k].npages; i++)
			if ((r = check_page(e, &ops[k], i)) < 0)
				goto fail;
		total += ops[k].npages;
	}
	for (k = 0; k < nops; k++)
		for (i = 0; i < ops[k].npages; i++)
			apply_page(e, &ops[k], i);
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
	unmark(e, ops, k);
	/* Op k itself, up to page i. */
	for (uint64_t j = 0; j < i; j++) {
		uint64_t *pte = arch_pte(e->root, ops[k].va + j * PGSIZE, 0);
		if (pte && (*pte & PTE_BUSY))
			*pte = *pte == PTE_BUSY ? 0 : *pte & ~PTE_BUSY;
	}
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
