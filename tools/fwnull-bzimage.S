/*
 * A do-nothing Linux kernel image (boot protocol 2.06, "bzImage"), loaded
 * by QEMU the way Debian's kernel is (-kernel, its linuxboot option ROM):
 * see tools/fwnull.inc.  The ROM jumps to offset 0x200 of the real-mode
 * setup code in 16-bit real mode, which is where a Linux kernel first
 * gets control.  Layout (Documentation/arch/x86/boot.rst): a boot sector
 * whose last bytes start the setup header, one setup sector, then one
 * sector standing in for the protected-mode kernel.
 */
#include "fwnull.inc"

	.code16
	.text
	.globl _start
_start:
	.fill 0x1f1, 1, 0
	.byte 1             /* 0x1f1 setup_sects: one after the boot sector */
	.word 0             /* 0x1f2 root_flags */
	.long 512 / 16      /* 0x1f4 syssize: the protected-mode part, paragraphs */
	.word 0             /* 0x1f8 ram_size */
	.word 0             /* 0x1fa vid_mode */
	.word 0             /* 0x1fc root_dev */
	.word 0xaa55        /* 0x1fe boot_flag */
	jmp entry           /* 0x200 the entry */
	.ascii "HdrS"       /* 0x202 header */
	.word 0x0206        /* 0x206 version */
	.long 0             /* 0x208 realmode_swtch */
	.word 0             /* 0x20c start_sys_seg */
	.word 0             /* 0x20e kernel_version */
	.byte 0             /* 0x210 type_of_loader */
	.byte 1             /* 0x211 loadflags: LOADED_HIGH */
	.word 0             /* 0x212 setup_move_size */
	.long 0x100000      /* 0x214 code32_start */
	.long 0             /* 0x218 ramdisk_image */
	.long 0             /* 0x21c ramdisk_size */
	.long 0             /* 0x220 bootsect_kludge */
	.word 0             /* 0x224 heap_end_ptr */
	.byte 0             /* 0x226 ext_loader_ver */
	.byte 0             /* 0x227 ext_loader_type */
	.long 0             /* 0x228 cmd_line_ptr */
	.long 0x37ffffff    /* 0x22c initrd_addr_max */
	.long 0             /* 0x230 kernel_alignment */
	.byte 0             /* 0x234 relocatable_kernel */
	.byte 0             /* 0x235 min_alignment */
	.word 0             /* 0x236 xloadflags */
	.long 255           /* 0x238 cmdline_size */
entry:
	fwnull_body
	.org 0x400          /* end of the setup sector */
	.fill 512, 1, 0     /* the protected-mode "kernel" */
