/*
 * Exceptions, slice upcalls and protected control transfer, the library
 * OS's side: stacks, registration, and dispatch to C handlers.  The entry
 * code is in trampoline.S.  One exception stack serves every class; an
 * exception raised while a handler runs on it cannot be handled (its frame
 * overwrites the handler's), so it ends the program with a message.
 */
#include <stddef.h>

#include "exos.h"
#include "internal.h"

_Static_assert(EXO_USELF + offsetof(struct exo_self, fpu_off) ==
	SELF_FPU_OFF_ADDR, "trampoline.S reads fpu_off");

#define UPCALL_STACK_TOP 0x00007b0000100000UL
#define PCT_STACK_TOP 0x00007b0000200000UL
#define AUX_STACK_PAGES 8

extern char exos_exc_entry_0[];
extern char exos_upcall_entry[], exos_pct_entry[];
struct exo_context exos_upcall_save;
void (*exos_pct_fn)(exo_envid_t caller, uint64_t w[6]);

exos_exc_fn exos_exc_handlers[EXO_NEXC]; /* called by trampoline.S */
static int have_exc_stack;
static void (*prologue_fn)(struct exo_context *);
static void (*epilogue_fn)(struct exo_context *);

/* The entry stub of each class a user program can raise. */
extern char exos_exc_entry_1[], exos_exc_entry_3[], exos_exc_entry_4[],
    exos_exc_entry_5[], exos_exc_entry_6[], exos_exc_entry_7[],
    exos_exc_entry_10[], exos_exc_entry_11[], exos_exc_entry_12[],
    exos_exc_entry_13[], exos_exc_entry_14[], exos_exc_entry_16[],
    exos_exc_entry_17[], exos_exc_entry_19[], exos_exc_entry_32[],
    exos_exc_entry_33[], exos_exc_entry_34[];

static void *const entries[EXO_NEXC] = {
	[0] = exos_exc_entry_0, [1] = exos_exc_entry_1, [3] = exos_exc_entry_3,
	[4] = exos_exc_entry_4, [5] = exos_exc_entry_5, [6] = exos_exc_entry_6,
	[7] = exos_exc_entry_7, [10] = exos_exc_entry_10,
	[11] = exos_exc_entry_11, [12] = exos_exc_entry_12,
	[13] = exos_exc_entry_13, [14] = exos_exc_entry_14,
	[16] = exos_exc_entry_16, [17] = exos_exc_entry_17,
	[19] = exos_exc_entry_19, [32] = exos_exc_entry_32,
	[33] = exos_exc_entry_33, [34] = exos_exc_entry_34,
};

/*
 * The stacks the kernel delivers on are vital: they are guaranteed, so the
 * abort protocol can never take them (as many as the kernel allows).
 */
static int
map_stack(uint64_t top, uint64_t pages)
{
	exo_slot_t s;
	int r = (int)page_alloc_map(top - pages * EXO_PGSIZE, pages, EXO_PERM_W, &s);

	for (uint64_t i = 0; r == 0 && i < pages; i++)
		if (exo_page_guarantee(s + i, 1) < 0)
			break;
	return r;
}

int
exos_exc_handle(int cls, exos_exc_fn fn)
{
	int r;

	if (cls < 0 || cls >= EXO_NEXC || entries[cls] == NULL)
		return EXO_EINVAL;
	if (fn == NULL) {
		exos_exc_handlers[cls] = NULL;
		return (int)exo_exc_register((uint64_t)cls, 0, 0);
	}
	if (!have_exc_stack) {
		if ((r = map_stack(EXOS_EXC_STACK_TOP,
			 EXOS_EXC_STACK_SIZE / EXO_PGSIZE)) < 0)
			return r;
		have_exc_stack = 1;
	}
	exos_exc_handlers[cls] = fn;
	return (int)exo_exc_register((uint64_t)cls, (uint64_t)entries[cls],
	    EXOS_EXC_STACK_TOP);
}

/*
 * An exception while a handler ran: its frame has overwritten the
 * handler's own, so there is nothing to return to.
 */
void
exos_exc_nested(int cls, const struct exo_excframe *f)
{
	printf("libos: exception %d at rip %lx (address %lx) inside an "
	       "exception handler; giving up\n", cls, f->rip, f->addr);
	exit(128 + cls);
}

uint64_t
exos_upcall_dispatch(uint64_t kind)
{
	if (kind == EXO_UPCALL_PROLOGUE && prologue_fn)
		prologue_fn(&exos_upcall_save);
	if (kind == EXO_UPCALL_EPILOGUE && epilogue_fn)
		epilogue_fn(&exos_upcall_save);
	return kind;
}

int
exos_upcalls(void (*prologue)(struct exo_context *),
    void (*epilogue)(struct exo_context *))
{
	static int have_stack;
	int r;

	if (!have_stack) {
		if ((r = map_stack(UPCALL_STACK_TOP, AUX_STACK_PAGES)) < 0)
			return r;
		have_stack = 1;
	}
	prologue_fn = prologue;
	epilogue_fn = epilogue;
	return (int)exo_upcall_register(prologue ? (uint64_t)exos_upcall_entry : 0,
	    epilogue ? (uint64_t)exos_upcall_entry : 0, UPCALL_STACK_TOP,
	    &exos_upcall_save);
}

int
exos_pct_serve(void (*fn)(exo_envid_t caller, uint64_t w[6]))
{
	static int have_stack;
	int r;

	if (!have_stack) {
		if ((r = map_stack(PCT_STACK_TOP, AUX_STACK_PAGES)) < 0)
			return r;
		have_stack = 1;
	}
	exos_pct_fn = fn;
	return (int)exo_pct_register(fn ? (uint64_t)exos_pct_entry : 0,
	    PCT_STACK_TOP);
}
