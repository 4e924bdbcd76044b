/*
 * Multiboot entry.  The loader jumps here in 32-bit protected mode with
 * paging off, eax = the multiboot magic and ebx = the physical address of
 * the multiboot information.  We check for long mode, map the first GiB
 * both at 0 and at KERNBASE with 2 MiB pages, enter long mode and jump to
 * the higher half, where kmain builds the real page tables (kern/main.c).
 */
#define KERNBASE 0xffffffff80000000
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00010003 /* align modules, memory map, address fields */
#define COM1 0x3f8

	.section .multiboot, "a"
	.align 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long mb_header
	.long _phys_load_start
	.long _phys_data_end
	.long _phys_bss_end
	.long boot_start32

	.section .boot.text, "ax"
	.code32
	.globl boot_start32
boot_start32:
	cli
	movl $boot_stack_top, %esp
	movl %eax, %edi
	movl %ebx, %esi

	/* Long mode and no-execute pages: CPUID 0x80000001, EDX bits 29, 20. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	andl $((1 << 29) | (1 << 20)), %edx
	cmpl $((1 << 29) | (1 << 20)), %edx
	jne no_long_mode

	/* 512 2 MiB pages: the first GiB, reached from PML4 slots 0 and 511. */
	movl $0, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax /* present, writable, 2 MiB */
	movl %eax, boot_pd(, %ecx, 8)
	incl %ecx
	cmpl $512, %ecx
	jne 1b
	movl $boot_pd + 3, boot_pdpt_lo
	movl $boot_pd + 3, boot_pdpt_hi + 510 * 8
	movl $boot_pdpt_lo + 3, boot_pml4
	movl $boot_pdpt_hi + 3, boot_pml4 + 511 * 8

	movl %cr4, %eax
	orl $(1 << 5), %eax /* PAE */
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx /* EFER */
	rdmsr
	orl $((1 << 8) | (1 << 11)), %eax /* LME, NXE */
	wrmsr
	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16) | 1), %eax /* PG, WP, PE */
	movl %eax, %cr0
	lgdt boot_gdtr
	ljmp $0x08, $boot_start64

no_long_mode:
	movl $no_lm_msg, %esi
1:	movb (%esi), %al
	testb %al, %al
	jz 2f
	movw $COM1, %dx
	outb %al, %dx
	incl %esi
	jmp 1b
2:	hlt
	jmp 2b

	.code64
boot_start64:
	movabsq $higher_half, %rax
	jmp *%rax

	.section .boot.data, "aw"
	.align 4096
boot_pml4:
	.fill 512, 8, 0
boot_pdpt_lo:
	.fill 512, 8, 0
boot_pdpt_hi:
	.fill 512, 8, 0
boot_pd:
	.fill 512, 8, 0
	.fill 1024, 1, 0
boot_stack_top:
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff /* 64-bit code */
	.quad 0x00cf92000000ffff /* data */
boot_gdtr:
	.word 3 * 8 - 1
	.long boot_gdt
no_lm_msg:
	.asciz "exokernel: this CPU lacks long mode (x86-64) or no-execute pages (NX); it cannot boot.\r\n"

	.text
higher_half:
	movabsq $kstack_top, %rsp
	xorl %ebp, %ebp
	/* edi = multiboot magic, esi = info address, as kmain wants them. */
	call kmain
1:	hlt
	jmp 1b
