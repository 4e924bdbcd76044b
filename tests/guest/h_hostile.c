/*
 * Helper (not a test): a hostile or probing child, run by the t_* tests.
 * argv[1] names what to do; the rest are its arguments (numbers in decimal
 * or 0x-hex).  A mode that expects to be killed exits with status 99 if it
 * survives; a failed check inside exits with status 1 after printing it.
 *
 *   write ADDR | read ADDR | exec ADDR   touch ADDR (expected to fault)
 *   isolation SLOT VA PATTERN PPN        probe the kernel's checks with a
 *                                        read-only grant, then write it
 *   revokee SLOT VA PATTERN              map a grant, signal, read forever
 *   selfid PARENTID                      check the self page, exit with id
 *   destroyself                          env_destroy(slot 0)
 *   alloc N                              take and map N pages, then spin
 *   eatpages | eatenvs | eatslots | eatptables    exhaust a resource
 *   orphan                               create an environment and exit
 *   yieldto ID N                         yield to ID N times, exit 0
 *   priv NAME                            run a privileged instruction
 *   badrsp | kstack                      abuse the stack pointer
 *   clobber VA                           trash registers in a loop
 *   fresh PATTERN                        check that no register, fs/gs base
 *                                        or MXCSR arrived from someone else
 *   regrant SLOT ENVSLOT DST             copy SLOT into DST of the env in
 *                                        ENVSLOT (both granted), exit
 *   slice                                take a slice for itself, exit
 */
#include "tutil.h"

#define READY 0x5245414459UL /* "READY" */

static void __attribute__((noreturn))
survived(const char *what)
{
	printf("h_hostile: %s did not kill me\n", what);
	exit(99);
}

/* Waits (yielding) until the parent has filled slot. */
static void
wait_slot(uint64_t slot)
{
	struct exo_capinfo ci;
	uint64_t t0 = time_ns();

	while (exo_cap_info(slot, &ci) != 0) {
		if (time_ns() - t0 > CHILD_TIMEOUT_NS) {
			printf("h_hostile: slot %lu never filled\n", slot);
			exit(90);
		}
		exo_yield(EXO_ENV_ANY);
	}
}

static void
wait_mapped(uint64_t va)
{
	uint64_t t0 = time_ns();

	while (!(exos_pte(va) & EXO_PTE_P)) {
		if (time_ns() - t0 > CHILD_TIMEOUT_NS) {
			printf("h_hostile: %lx never mapped\n", va);
			exit(90);
		}
		exo_yield(EXO_ENV_ANY);
	}
}

static int
isolation(uint64_t slot, uint64_t va, uint64_t pattern, uint64_t pppn)
{
	struct exo_capinfo ci;
	struct exo_envinfo ei;
	volatile uint64_t *p = (volatile uint64_t *)va;
	uint64_t spare = slot + 1;

	wait_slot(slot);
	CHECK_EQ(exo_cap_info(slot, &ci), 0);
	CHECK_EQ(ci.type, EXO_CAP_PAGE);
	CHECK_EQ(ci.rights, EXO_R_READ);
	CHECK_EQ(ci.name, pppn);

	/* No capability: an empty slot, or capabilities of other types. */
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, va, 5000, 1, EXO_PT_MAP, 0, 0), EXO_ECAP);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, va, EXO_SLOT_SELF, 1, EXO_PT_MAP, 0, 0),
	    EXO_ECAP);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, va, EXO_SLOT_VSPACE, 1, EXO_PT_MAP, 0, 0),
	    EXO_ECAP);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, va, EXO_SLOT_CONSOLE, 1, EXO_PT_MAP, 0, 0),
	    EXO_ECAP);
	/* A run of slots whose second is empty. */
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, va, slot, 2, EXO_PT_MAP, 0, 0), EXO_ECAP);
	CHECK_EQ(exos_pte(va), 0);

	/* Someone else's page, by number: taken. */
	CHECK_EQ(exo_page_alloc(spare, pppn), EXO_EBUSY);
	CHECK_EQ(exo_cap_info(spare, &ci), EXO_ECAP);
	/* Our own page-table pages, by number (read from EXO_UVPT): taken. */
	uint64_t pml4e = ((const volatile uint64_t *)EXO_UVPML4)[0];
	CHECK(pml4e & EXO_PTE_P);
	CHECK_EQ(exo_page_alloc(spare, (pml4e & EXO_PTE_ADDR) >> 12), EXO_EBUSY);
	uint64_t selfe = ((const volatile uint64_t *)EXO_UVPT)[EXO_USELF >> 12];
	CHECK(selfe & EXO_PTE_P);
	CHECK_EQ(exo_page_alloc(spare, (selfe & EXO_PTE_ADDR) >> 12), EXO_EBUSY);

	/* Kernel space and the kernel's views. */
	uint64_t bad[] = { KADDR_PHYSMAP, KADDR_KERNBASE, EXO_UINFO, EXO_USELF,
		EXO_UFREEMAP, EXO_UVPT, EXO_UVPML4 & ~0xfffUL,
		0x0000800000000000UL, EXO_ULIM - EXO_PGSIZE };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t n = bad[i] == EXO_ULIM - EXO_PGSIZE ? 2 : 1;
		CHECK_EQ(pt_op(EXO_SLOT_VSPACE, bad[i], slot, n, EXO_PT_MAP, 0, 0),
		    EXO_ERANGE);
		CHECK_EQ(pt_op(EXO_SLOT_VSPACE, bad[i], 0, n, EXO_PT_UNMAP, 0, 0),
		    EXO_ERANGE);
		CHECK_EQ(pt_op(EXO_SLOT_VSPACE, bad[i], 0, n, EXO_PT_PROT, 0, 0),
		    EXO_ERANGE);
	}

	/* More rights than the grant has. */
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, va, slot, 1, EXO_PT_MAP, EXO_PERM_W, 0),
	    EXO_EPERM);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, va, slot, 1, EXO_PT_MAP, EXO_PERM_X, 0),
	    EXO_EPERM);
	CHECK_EQ(exo_cap_copy(slot, EXO_SLOT_SELF, spare, EXO_R_READ | EXO_R_WRITE),
	    EXO_EINVAL);
	CHECK_EQ(exo_cap_copy(slot, EXO_SLOT_SELF, spare, EXO_R_ALL), EXO_EINVAL);
	CHECK_EQ(exos_pte(va), 0);

	/* Not our vspace or environment to touch. */
	CHECK_EQ(exo_env_destroy(EXO_SLOT_VSPACE), EXO_ECAP);
	CHECK_EQ(exo_env_destroy(slot), EXO_ECAP);
	CHECK_EQ(exo_env_info(slot, &ei), EXO_ECAP);
	CHECK_EQ(exo_pt_batch(slot, NULL, 1), EXO_ECAP);

	/* Read-only is all we get. */
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, va, slot, 1, EXO_PT_MAP, 0, 0), 1);
	CHECK_EQ(p[0], pattern);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, va, 0, 1, EXO_PT_PROT, EXO_PERM_W, 0),
	    EXO_EPERM);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, va, 0, 1, EXO_PT_PROT, EXO_PERM_X, 0),
	    EXO_EPERM);
	CHECK(!(exos_pte(va) & (EXO_PTE_W | EXO_PTE_MAYW | EXO_PTE_MAYX)));
	/* Nor can the kernel be made to write it for us. */
	CHECK_EQ(exo_cons_read(EXO_SLOT_CONSOLE, (void *)va, 8), EXO_EFAULT);
	CHECK_EQ(exo_cap_info(slot, (struct exo_capinfo *)va), EXO_EFAULT);
	CHECK_EQ(exo_env_info(EXO_SLOT_SELF, (struct exo_envinfo *)va), EXO_EFAULT);
	CHECK_EQ(p[0], pattern);

	p[0] = ~pattern; /* must fault */
	survived("writing a read-only grant");
	return 99;
}

static int
revokee(uint64_t slot, uint64_t va, uint64_t pattern)
{
	volatile uint64_t *p = (volatile uint64_t *)va;

	wait_slot(slot);
	/* Map through a copy of our own, so revocation must reach two deep. */
	CHECK_EQ(exo_cap_copy(slot, EXO_SLOT_SELF, slot + 1,
		     EXO_R_READ | EXO_R_WRITE), 0);
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, va, slot + 1, 1, EXO_PT_MAP, EXO_PERM_W, 0),
	    1);
	CHECK_EQ(p[0], pattern);
	p[1] = READY;
	uint64_t t0 = time_ns();
	for (;;) {
		if (p[0] != pattern) {
			printf("h_hostile: revokee saw %lx\n", p[0]);
			exit(98);
		}
		if (time_ns() - t0 > CHILD_TIMEOUT_NS)
			survived("revocation");
		exo_yield(EXO_ENV_ANY);
	}
}

static int
selfid(int64_t parent)
{
	struct exo_capinfo ci;
	exo_envid_t id = EXO_SELF->id;

	CHECK(id > 0);
	CHECK_EQ(EXO_SELF->parent, parent);
	CHECK_EQ(EXO_SELF->state, EXO_ENV_RUNNABLE);
	CHECK_EQ(exo_cap_info(EXO_SLOT_SELF, &ci), 0);
	CHECK_EQ(ci.type, EXO_CAP_ENV);
	CHECK_EQ(ci.name, (uint64_t)id);
	CHECK_EQ(ci.rights, EXO_R_ALL);
	CHECK_EQ(exo_cap_info(EXO_SLOT_VSPACE, &ci), 0);
	CHECK_EQ(ci.type, EXO_CAP_VSPACE);
	CHECK_EQ(ci.name, (uint64_t)id);
	CHECK_EQ(exo_cap_info(EXO_SLOT_CONSOLE, &ci), 0);
	CHECK_EQ(ci.type, EXO_CAP_CONSOLE);
	struct exo_envinfo ei;
	CHECK_EQ(exo_env_info(EXO_SLOT_SELF, &ei), 0);
	CHECK_EQ(ei.id, id);
	CHECK_EQ(ei.state, EXO_ENV_RUNNABLE);
	CHECK_EQ(ei.cause, EXO_CAUSE_NONE);
	return id;
}

static int
alloc_spin(uint64_t n)
{
	exo_slot_t s;

	CHECK_EQ(page_alloc_map(CHILD_VA, n, EXO_PERM_W, &s), 0);
	for (uint64_t i = 0; i < n; i++)
		*(volatile uint64_t *)(CHILD_VA + i * EXO_PGSIZE) = i + 1;
	for (;;)
		exo_yield(EXO_ENV_ANY);
}

/* Slots no library code uses (libos keeps page capabilities at 1024+). */
#define FREE_SLOTS (1UL << 20)

/* Takes every free page, then checks that failures leave nothing behind. */
static int
eatpages(void)
{
	uint64_t slot = FREE_SLOTS, n = 0;
	int64_t r;

	while ((r = exo_page_alloc(slot, EXO_PPN_ANY)) >= 0) {
		slot++;
		n++;
	}
	CHECK_EQ(r, EXO_ENOMEM);
	CHECK(n > 1000);
	CHECK_EQ(EXO_INFO->free_pages, 0);
	CHECK_EQ(exo_page_alloc(slot, EXO_PPN_ANY), EXO_ENOMEM);
	/* Slots 8 and 9 are in a table that exists: env_create itself fails. */
	CHECK_EQ(exo_env_create(8, 9), EXO_ENOMEM);
	CHECK_EQ(exo_cap_info(8, &(struct exo_capinfo){ 0 }), EXO_ECAP);
	/* A mapping that needs new page tables. */
	CHECK_EQ(pt_op(EXO_SLOT_VSPACE, CHILD_VA, 16, 1, EXO_PT_MAP, EXO_PERM_W, 0),
	    EXO_ENOMEM);
	CHECK_EQ(exos_pte(CHILD_VA), 0);
	printf("h_hostile: took %lu pages; still printing\n", n);

	/*
	 * Give pages back one at a time: every env_create that fails must
	 * give back all it took, and the first that fits must work.
	 */
	uint64_t k, freed = 0;
	for (k = 1; k <= 32; k++) {
		CHECK_EQ(exo_cap_delete(FREE_SLOTS + freed), 0);
		freed++;
		CHECK_EQ(EXO_INFO->free_pages, freed);
		r = exo_env_create(8, 9);
		if (r >= 0)
			break;
		CHECK_EQ(r, EXO_ENOMEM);
		if (EXO_INFO->free_pages != freed) {
			printf("h_hostile: env_create failing with %lu pages free "
			       "left %lu free\n", freed, EXO_INFO->free_pages);
			exit(1);
		}
	}
	CHECK(r > 0);
	CHECK_EQ(exo_env_destroy(8), 0);
	CHECK_EQ(exo_cap_delete(8), 0);
	CHECK_EQ(exo_cap_delete(9), 0);
	CHECK_EQ(EXO_INFO->free_pages, freed);
	/* A specific free page can still be had. */
	uint64_t ppn = 0;
	while (!freemap_bit(ppn))
		ppn++;
	CHECK_EQ(exo_page_alloc(10, ppn), (int64_t)ppn); /* an existing table */
	/* Exit holding everything else. */
	return 0;
}

/* Creates environments until the table or memory runs out. */
static int
eatenvs(void)
{
	uint64_t slot = FREE_SLOTS, n = 0;
	int64_t r;

	while ((r = exo_env_create(slot, slot + 1)) > 0) {
		slot += 2;
		n++;
	}
	CHECK(r == EXO_ENOENV || r == EXO_ENOMEM);
	CHECK(n > 100);
	CHECK_EQ(exo_env_create(slot, slot + 1), r);
	printf("h_hostile: created %lu environments, then %s\n", n,
	    exo_strerror(r));
	/* Destroy them all but keep their records: the table stays full. */
	for (uint64_t s = FREE_SLOTS; s < slot; s += 2)
		CHECK_EQ(exo_env_destroy(s), 0);
	if (r == EXO_ENOENV)
		CHECK_EQ(exo_env_create(slot, slot + 1), EXO_ENOENV);
	/* Dropping one record makes room for exactly one. */
	CHECK_EQ(exo_cap_delete(FREE_SLOTS), 0);
	CHECK_EQ(exo_cap_delete(FREE_SLOTS + 1), 0);
	CHECK(exo_env_create(FREE_SLOTS, FREE_SLOTS + 1) > 0);
	CHECK_EQ(exo_env_destroy(FREE_SLOTS), 0);
	/* Exit holding every record. */
	return 0;
}

/* Fills capability slots far apart, one new table each, until no memory. */
static int
eatslots(void)
{
	uint64_t n = 0, slot;
	int64_t r = 0;

	for (slot = FREE_SLOTS; slot < EXO_NSLOTS; slot += 64) {
		if ((r = exo_cap_copy(EXO_SLOT_CONSOLE, EXO_SLOT_SELF, slot,
			 EXO_R_WRITE)) < 0)
			break;
		n++;
	}
	CHECK_EQ(r, EXO_ENOMEM);
	CHECK(n > 1000);
	CHECK_EQ(exo_cap_info(slot, &(struct exo_capinfo){ 0 }), EXO_ECAP);
	printf("h_hostile: filled %lu slot tables\n", n);
	CHECK_EQ(exo_cons_write(slot - 64, "", 0), 0);
	return 0;
}

/* Maps one page at 2 MiB strides, a page table each, until no memory. */
static int
eatptables(void)
{
	uint64_t n = 0, va = CHILD_VA;
	int64_t r;

	CHECK(exo_page_alloc(16, EXO_PPN_ANY) >= 0);
	while ((r = pt_op(EXO_SLOT_VSPACE, va, 16, 1, EXO_PT_MAP, EXO_PERM_W, 0)) ==
	    1) {
		n++;
		va += 2UL << 20;
	}
	CHECK_EQ(r, EXO_ENOMEM);
	CHECK(n > 1000);
	CHECK_EQ(exos_pte(va), 0);
	/* Every mapping is the same page. */
	*(volatile uint64_t *)CHILD_VA = 0x1234;
	CHECK_EQ(*(volatile uint64_t *)(va - (2UL << 20)), 0x1234);
	printf("h_hostile: mapped one page %lu times\n", n);
	return 0;
}

static int
priv(const char *what)
{
	if (strcmp(what, "cli") == 0)
		__asm__ volatile("cli");
	else if (strcmp(what, "hlt") == 0)
		__asm__ volatile("hlt");
	else if (strcmp(what, "out") == 0) /* isa-debug-exit: power off */
		__asm__ volatile("outl %0, $0xf4" : : "a"(0x7eU));
	else if (strcmp(what, "in") == 0)
		__asm__ volatile("inb $0x21, %%al" : : : "rax");
	else if (strcmp(what, "iopl") == 0) /* popf cannot raise IOPL at CPL 3 */
		__asm__ volatile("pushfq; orq $0x3000, (%%rsp); popfq; "
				 "outl %0, $0xf4"
				 : : "a"(0x7eU) : "memory", "cc");
	else if (strcmp(what, "cr3") == 0)
		__asm__ volatile("movq %%cr3, %%rax" : : : "rax");
	else if (strcmp(what, "wrmsr") == 0) /* LSTAR */
		__asm__ volatile("wrmsr" : : "c"(0xc0000082U), "a"(0), "d"(0));
	else if (strcmp(what, "lidt") == 0) {
		static uint8_t zero[10];
		__asm__ volatile("lidt %0" : : "m"(zero));
	} else if (strcmp(what, "invlpg") == 0)
		__asm__ volatile("invlpg (%0)" : : "r"(0UL) : "memory");
	else if (strcmp(what, "int32") == 0) /* the timer's vector */
		__asm__ volatile("int $32");
	else if (strcmp(what, "int128") == 0)
		__asm__ volatile("int $0x80");
	else if (strcmp(what, "int255") == 0)
		__asm__ volatile("int $255");
	else if (strcmp(what, "int3") == 0)
		__asm__ volatile("int3");
	else if (strcmp(what, "ud2") == 0)
		__asm__ volatile("ud2");
	else if (strcmp(what, "sysret") == 0)
		__asm__ volatile("sysretq");
	else if (strcmp(what, "swapgs") == 0)
		__asm__ volatile("swapgs");
	else if (strcmp(what, "iretring0") == 0) {
		/* An iret frame that returns to the kernel's code segment. */
		__asm__ volatile("movq %%rsp, %%rax\n"
				 "pushq $0x10\n pushq %%rax\n pushfq\n"
				 "pushq $0x08\n leaq 1f(%%rip), %%rax\n pushq %%rax\n"
				 "iretq\n1:"
				 : : : "rax", "memory");
	} else if (strcmp(what, "lcall0") == 0) {
		/* A far jump to the kernel's code segment. */
		static struct {
			uint64_t off;
			uint16_t sel;
		} __attribute__((packed)) far = { 0, 0x08 };
		far.off = (uint64_t)&&after;
		__asm__ volatile("rex64 ljmp *%0" : : "m"(far));
	after:;
	} else if (strcmp(what, "div0") == 0) {
		__asm__ volatile("xorl %%edx, %%edx\n movl $1, %%eax\n"
				 "xorl %%ecx, %%ecx\n divl %%ecx"
				 : : : "rax", "rcx", "rdx", "cc");
	} else {
		printf("h_hostile: unknown instruction %s\n", what);
		return 2;
	}
	survived(what);
	return 99;
}

/* The kernel must never use the user's stack pointer. */
static int
kstack(void)
{
	uint64_t bad[] = { KADDR_KERNBASE + 0x100000, KADDR_PHYSMAP + 0x200000,
		0x0000800000000000UL, 0, EXO_UINFO + 0x800 };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t ret1, ret2;
		__asm__ volatile("movq %%rsp, %%r12\n\t"
				 "movq %[bad], %%rsp\n\t"
				 "movq %[n1], %%rax\n\t"
				 "syscall\n\t"
				 "movq %%rax, %%r13\n\t"
				 "movq %[n2], %%rax\n\t"
				 "xorl %%edi, %%edi\n\t"
				 "xorl %%esi, %%esi\n\t"
				 "syscall\n\t"
				 "movq %%r12, %%rsp\n\t"
				 "movq %%r13, %[r1]\n\t"
				 : "=a"(ret2), [r1] "=r"(ret1)
				 : [bad] "r"(bad[i]), [n1] "i"(EXO_SYS_null),
				 [n2] "i"(EXO_SYS_cap_info)
				 : "rcx", "r11", "r12", "r13", "rdi", "rsi", "memory");
		CHECK_EQ(ret1, 0);
		CHECK_EQ(ret2, EXO_EFAULT);
	}
	return 0;
}

static int
clobber(uint64_t va)
{
	volatile uint64_t *ctr = (volatile uint64_t *)va;
	uint32_t a, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
	int fsgs = b & 1;
	wait_mapped(va);
	for (uint64_t i = 1;; i++) {
		uint64_t junk = 0xbad0000000000000UL | i;
		if (fsgs)
			__asm__ volatile("wrfsbase %0; wrgsbase %0" : : "r"(junk & 0xfffffffff000UL));
		__asm__ volatile("movq %0, %%xmm0\n pshufd $0, %%xmm0, %%xmm0\n"
				 "movdqa %%xmm0, %%xmm1\n movdqa %%xmm0, %%xmm2\n"
				 "movdqa %%xmm0, %%xmm3\n movdqa %%xmm0, %%xmm4\n"
				 "movdqa %%xmm0, %%xmm5\n movdqa %%xmm0, %%xmm6\n"
				 "movdqa %%xmm0, %%xmm7\n movdqa %%xmm0, %%xmm8\n"
				 "movdqa %%xmm0, %%xmm9\n movdqa %%xmm0, %%xmm10\n"
				 "movdqa %%xmm0, %%xmm11\n movdqa %%xmm0, %%xmm12\n"
				 "movdqa %%xmm0, %%xmm13\n movdqa %%xmm0, %%xmm14\n"
				 "movdqa %%xmm0, %%xmm15\n"
				 "movq %0, %%r8\n movq %0, %%r9\n movq %0, %%r10\n"
				 "movq %0, %%r11\n movq %0, %%r12\n movq %0, %%r13\n"
				 "movq %0, %%r14\n movq %0, %%r15\n"
				 :
				 : "r"(junk)
				 : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
				 "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
				 "xmm12", "xmm13", "xmm14", "xmm15", "r8", "r9",
				 "r10", "r11", "r12", "r13", "r14", "r15", "memory");
		(*ctr)++;
	}
	return 0;
}

/* Called first thing in main: what did we inherit? */
static int
fresh(uint64_t pattern)
{
	static uint64_t x[16][2];
	uint32_t mxcsr, a, b, c, d;
	int bad = 0;

	__asm__ volatile("movdqu %%xmm0, 0(%[x])\n movdqu %%xmm1, 16(%[x])\n"
			 "movdqu %%xmm2, 32(%[x])\n movdqu %%xmm3, 48(%[x])\n"
			 "movdqu %%xmm4, 64(%[x])\n movdqu %%xmm5, 80(%[x])\n"
			 "movdqu %%xmm6, 96(%[x])\n movdqu %%xmm7, 112(%[x])\n"
			 "movdqu %%xmm8, 128(%[x])\n movdqu %%xmm9, 144(%[x])\n"
			 "movdqu %%xmm10, 160(%[x])\n movdqu %%xmm11, 176(%[x])\n"
			 "movdqu %%xmm12, 192(%[x])\n movdqu %%xmm13, 208(%[x])\n"
			 "movdqu %%xmm14, 224(%[x])\n movdqu %%xmm15, 240(%[x])\n"
			 "stmxcsr %[m]"
			 : [m] "=m"(mxcsr) : [x] "r"(x) : "memory");
	for (int i = 0; i < 16; i++)
		if (x[i][0] == pattern || x[i][1] == pattern) {
			printf("h_hostile: xmm%d holds someone else's value\n", i);
			bad = 1;
		}
	if (mxcsr != 0x1f80) {
		printf("h_hostile: MXCSR is %x, not the reset value\n", mxcsr);
		bad = 1;
	}
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
	if (b & 1) {
		uint64_t fs, gs;
		__asm__ volatile("rdfsbase %0; rdgsbase %1" : "=r"(fs), "=r"(gs));
		if (fs != 0 || gs != 0) {
			printf("h_hostile: fs base %lx, gs base %lx inherited\n", fs, gs);
			bad = 1;
		}
	}
	return bad;
}

static uint64_t
arg(int argc, char **argv, int i)
{
	if (i >= argc) {
		printf("h_hostile: %s needs more arguments\n", argv[1]);
		exit(2);
	}
	return (uint64_t)parse_num(argv[i]);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		printf("usage: h_hostile MODE ARGS (see the source)\n");
		return 2;
	}
	const char *m = argv[1];
	if (strcmp(m, "fresh") == 0)
		return fresh(arg(argc, argv, 2));
	if (strcmp(m, "write") == 0) {
		*(volatile uint8_t *)arg(argc, argv, 2) = 0x5a;
		survived("write");
	} else if (strcmp(m, "read") == 0) {
		(void)*(volatile uint8_t *)arg(argc, argv, 2);
		survived("read");
	} else if (strcmp(m, "exec") == 0) {
		((void (*)(void))arg(argc, argv, 2))();
		survived("exec");
	} else if (strcmp(m, "isolation") == 0) {
		return isolation(arg(argc, argv, 2), arg(argc, argv, 3),
		    arg(argc, argv, 4), arg(argc, argv, 5));
	} else if (strcmp(m, "revokee") == 0) {
		return revokee(arg(argc, argv, 2), arg(argc, argv, 3),
		    arg(argc, argv, 4));
	} else if (strcmp(m, "selfid") == 0) {
		return selfid((int64_t)arg(argc, argv, 2));
	} else if (strcmp(m, "destroyself") == 0) {
		exo_env_destroy(EXO_SLOT_SELF);
		survived("env_destroy of myself");
	} else if (strcmp(m, "alloc") == 0) {
		return alloc_spin(arg(argc, argv, 2));
	} else if (strcmp(m, "eatpages") == 0) {
		return eatpages();
	} else if (strcmp(m, "eatenvs") == 0) {
		return eatenvs();
	} else if (strcmp(m, "eatslots") == 0) {
		return eatslots();
	} else if (strcmp(m, "eatptables") == 0) {
		return eatptables();
	} else if (strcmp(m, "orphan") == 0) {
		CHECK(exo_env_create(16, 17) > 0);
		return 0;
	} else if (strcmp(m, "yieldto") == 0) {
		exo_envid_t id = (exo_envid_t)arg(argc, argv, 2);
		uint64_t n = arg(argc, argv, 3);
		for (uint64_t i = 0; i < n; i++)
			CHECK_EQ(exo_yield(id), 0);
		return 0;
	} else if (strcmp(m, "priv") == 0) {
		return priv(argc > 2 ? argv[2] : "");
	} else if (strcmp(m, "badrsp") == 0) {
		__asm__ volatile("movq %0, %%rsp\n pushq %%rax"
				 : : "r"(KADDR_KERNBASE + 0x100000) : "memory");
		survived("a push to a kernel stack");
	} else if (strcmp(m, "kstack") == 0) {
		return kstack();
	} else if (strcmp(m, "regrant") == 0) {
		uint64_t src = arg(argc, argv, 2), env = arg(argc, argv, 3);
		wait_slot(env);
		CHECK_EQ(exo_cap_copy(src, env, arg(argc, argv, 4), EXO_R_READ), 0);
		return 0;
	} else if (strcmp(m, "slice") == 0) {
		int64_t r = exo_slice_alloc(16, EXO_SLICE_ANY, EXO_SLOT_SELF);
		CHECK(r >= 0);
		CHECK_EQ(EXO_INFO->slice_env[r], EXO_SELF->id);
		return (int)r;
	} else if (strcmp(m, "clobber") == 0) {
		return clobber(arg(argc, argv, 2));
	}
	printf("h_hostile: unknown mode %s\n", m);
	return 2;
}
