/*
 * A do-nothing multiboot kernel, loaded by QEMU the way the exokernel is
 * (-kernel, flat binary with the multiboot address fields, linked at
 * 1 MiB): see tools/fwnull.inc.  QEMU's option ROM enters it in 32-bit
 * protected mode.
 */
#include "fwnull.inc"

#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00010003 /* align modules, memory map, address fields */

	.code32
	.text
	.globl _start
_start:
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long mb_header /* header_addr */
	.long _start    /* load_addr */
	.long 0         /* load_end_addr: the whole file */
	.long 0         /* bss_end_addr: none */
	.long entry     /* entry_addr */
entry:
	fwnull_body
