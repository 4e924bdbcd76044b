/*
 * What the boot loader told the kernel, copied out of the multiboot
 * structures early (main.c) so nothing later depends on where they were.
 */
#ifndef KERN_BOOTINFO_H
#define KERN_BOOTINFO_H

#include <stdint.h>

#define BOOT_MAXRANGES 64

struct bootinfo {
	uint64_t nranges;
	struct {
		uint64_t start, end; /* usable RAM, physical, [start, end) */
	} ram[BOOT_MAXRANGES];
	uint64_t max_pa;       /* end of the highest usable RAM */
	uint64_t image_pa;     /* the boot image module */
	uint64_t image_size;
	char cmdline[256];
};

extern struct bootinfo bootinfo;

#endif
