/*
 * Boot: from the multiboot hand-off (arch/x86_64/boot.S) to the first user
 * environment.  The order matters: the boot allocator hands out pages past
 * everything the loader placed; the direct map needs them; the page
 * allocator needs the direct map; the CPU tables and the APIC need pages;
 * environments need all of it.
 */
#include "arch.h"
#include "bootinfo.h"
#include "env.h"
#include "kern.h"
#include "loader.h"
#include "pmem.h"
#include "sched.h"

#define MB_BOOT_MAGIC 0x2badb002
#define MBI_CMDLINE (1U << 2)
#define MBI_MODS (1U << 3)
#define MBI_MMAP (1U << 6)

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_mod {
	uint32_t start, end, cmdline, pad;
};

struct mb_mmap {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

struct bootinfo bootinfo;
extern char _phys_bss_end[];
static uint64_t boot_next; /* next free physical page for boot_alloc_page */

/* The loader's structures sit in the first GiB, mapped at KERNBASE. */
static void *
low(uint64_t pa)
{
	if (pa >= (1UL << 30))
		panic("boot: multiboot data at %lx, above the first GiB", pa);
	return (void *)(KERNBASE + pa);
}

static void
note_end(uint64_t end)
{
	if (end > boot_next)
		boot_next = ROUNDUP(end, PGSIZE);
}

static void
parse_multiboot(uint32_t magic, uint64_t mbi_pa)
{
	struct mb_info *mbi;

	if (magic != MB_BOOT_MAGIC)
		panic("boot: not started by a multiboot loader (magic %x)", magic);
	mbi = low(mbi_pa);
	boot_next = (uint64_t)_phys_bss_end;
	note_end(mbi_pa + sizeof(*mbi));
	if (mbi->flags & MBI_CMDLINE) {
		/* Loaders put the kernel's own path first; drop it. */
		const char *s = low(mbi->cmdline);
		note_end(mbi->cmdline + strlen(s) + 1);
		while (*s && *s != ' ')
			s++;
		while (*s == ' ')
			s++;
		size_t n = strlen(s);
		if (n >= sizeof(bootinfo.cmdline))
			panic("boot: kernel command line longer than %zu bytes",
			    sizeof(bootinfo.cmdline) - 1);
		memcpy(bootinfo.cmdline, s, n + 1);
	}
	if (!(mbi->flags & MBI_MMAP))
		panic("boot: the loader gave no memory map");
	note_end(mbi->mmap_addr + mbi->mmap_length);
	for (uint64_t off = 0; off < mbi->mmap_length;) {
		struct mb_mmap *m = low(mbi->mmap_addr + off);
		off += m->size + 4;
		if (m->type != 1 || m->addr + m->len <= 0x100000)
			continue;
		if (bootinfo.nranges == BOOT_MAXRANGES)
			panic("boot: more than %d RAM ranges", BOOT_MAXRANGES);
		bootinfo.ram[bootinfo.nranges].start = m->addr;
		bootinfo.ram[bootinfo.nranges].end = m->addr + m->len;
		bootinfo.nranges++;
		if (m->addr + m->len > bootinfo.max_pa)
			bootinfo.max_pa = ROUNDDOWN(m->addr + m->len, PGSIZE);
	}
	if (!(mbi->flags & MBI_MODS) || mbi->mods_count == 0)
		panic("boot: no boot image; give one as the first module "
		      "(with QEMU: -initrd build/bootimg)");
	struct mb_mod *mods = low(mbi->mods_addr);
	note_end(mbi->mods_addr + mbi->mods_count * sizeof(*mods));
	for (uint32_t i = 0; i < mbi->mods_count; i++)
		note_end(mods[i].end);
	bootinfo.image_pa = mods[0].start;
	bootinfo.image_size = mods[0].end - mods[0].start;
}

uint64_t
boot_alloc_page(void)
{
	uint64_t pa = boot_next;

	boot_next += PGSIZE;
	memset(low(pa), 0, PGSIZE);
	return pa;
}

/* The slice length in microseconds, from "slice_us=N" on the command line. */
static uint64_t
slice_us(void)
{
	const char *p = bootinfo.cmdline;
	uint64_t us = 10000;

	for (; (p = strchr(p, 's')) != NULL; p++) {
		if (strncmp(p, "slice_us=", 9) != 0)
			continue;
		us = 0;
		for (p += 9; *p >= '0' && *p <= '9'; p++)
			us = us * 10 + (uint64_t)(*p - '0');
		break;
	}
	if (us < 100 || us > 1000000)
		panic("boot: slice_us=%lu: must be 100 to 1000000", us);
	return us;
}

void
kmain(uint32_t magic, uint32_t mbi_pa)
{
	cons_init();
	kprintf("exokernel: booting\n");
	parse_multiboot(magic, mbi_pa);
	arch_pmap_init(bootinfo.max_pa);
	pmem_init(&bootinfo);
	memcpy(info->cmdline, bootinfo.cmdline, sizeof(info->cmdline));
	info->boot_epoch = rtc_epoch();
	arch_init();
	env_init();
	sched_init();
	uint64_t us = slice_us();
	arch_timer_init(us * 1000);
	info->tsc_hz = arch_tsc_hz();
	info->slice_tsc = info->tsc_hz / 1000000 * us;
	info->epilogue_tsc = info->slice_tsc / 2;
	info->revoke_tsc = info->slice_tsc * 4;
	info->guarantee_max = 256;
	info->boot_tsc = arch_cycles();
	loader_start_init(&bootinfo);
	sched_run();
}
