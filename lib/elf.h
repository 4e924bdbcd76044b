/*
 * The part of ELF64 that loading a static x86-64 executable needs, and a
 * checker that turns an untrusted image into a list of loadable segments.
 * Used by the kernel (to start init), the user-level loader and the host
 * tests.
 */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include <stdint.h>

#define ELF_MAGIC 0x464c457fU /* "\x7fELF" little-endian */
#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_NOTE 4
#define PF_X 1
#define PF_W 2
#define PF_R 4

struct elf64_ehdr {
	uint32_t e_magic;
	uint8_t e_class, e_data, e_version0, e_osabi;
	uint8_t e_pad[8];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

#define ELF_MAXSEGS 16

struct elf_seg {
	uint64_t vaddr, memsz; /* where it goes, page-aligned outward by the loader */
	uint64_t offset, filesz;
	uint32_t flags; /* PF_* */
};

struct elf_image {
	uint64_t entry;
	int type;   /* ET_EXEC or ET_DYN */
	int native; /* it carries the "ExOS" note: linked with libos */
	int nsegs;
	struct elf_seg seg[ELF_MAXSEGS];
};

/*
 * Checks a static ELF64 x86-64 image of size bytes whose segments must lie
 * below limit, and fills out.  Returns 0, or a negative number whose
 * elf_strerror() says what is wrong.
 */
int elf_parse(const void *img, uint64_t size, uint64_t limit,
    struct elf_image *out);
const char *elf_strerror(int err);

#endif
