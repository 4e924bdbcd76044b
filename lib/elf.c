/*
 * Checks an untrusted ELF image.  Every offset and size is checked for
 * overflow before it is used, so a hostile file yields an error, never a
 * read outside the image (tests/host/test_elf.c feeds it broken ones).
 */
#include "elf.h"

enum {
	E_SHORT = -1, E_MAGIC = -2, E_CLASS = -3, E_TYPE = -4, E_PHDR = -5,
	E_SEGS = -6, E_SEGFILE = -7, E_SEGADDR = -8, E_ENTRY = -9, E_NLOAD = -10,
};

static const char *const errs[] = {
	"ok", "file too short", "not an ELF file", "not 64-bit little-endian x86-64",
	"not an executable (ET_EXEC or ET_DYN)", "bad program headers",
	"too many loadable segments", "segment outside the file",
	"segment outside user memory", "entry point outside the code",
	"no loadable segment",
};

const char *
elf_strerror(int err)
{
	if (err > 0 || -err >= (int)(sizeof(errs) / sizeof(errs[0])))
		return "unknown ELF error";
	return errs[-err];
}

/* Is there a note named "ExOS" among n bytes of notes? */
static int
has_exos_note(const unsigned char *p, uint64_t n)
{
	while (n >= 12) {
		/* The file may place notes anywhere: read the words bytewise. */
		uint64_t namesz = (uint64_t)p[0] | (uint64_t)p[1] << 8 |
		    (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
		uint64_t descsz = (uint64_t)p[4] | (uint64_t)p[5] << 8 |
		    (uint64_t)p[6] << 16 | (uint64_t)p[7] << 24;
		uint64_t len = 12 + ((namesz + 3) & ~3UL) + ((descsz + 3) & ~3UL);
		if (namesz > n || descsz > n || len > n)
			return 0;
		if (namesz == 5 && p[12] == 'E' && p[13] == 'x' && p[14] == 'O' &&
		    p[15] == 'S' && p[16] == 0)
			return 1;
		p += len;
		n -= len;
	}
	return 0;
}

int
elf_parse(const void *img, uint64_t size, uint64_t limit, struct elf_image *out)
{
	const struct elf64_ehdr *eh = img;
	const unsigned char *base = img;

	if (size < sizeof(*eh))
		return E_SHORT;
	if (eh->e_magic != ELF_MAGIC)
		return E_MAGIC;
	if (eh->e_class != 2 || eh->e_data != 1 || eh->e_machine != EM_X86_64)
		return E_CLASS;
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return E_TYPE;
	if (eh->e_phentsize != sizeof(struct elf64_phdr) ||
	    eh->e_phoff > size || (eh->e_phoff & 7) ||
	    (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr) > size - eh->e_phoff)
		return E_PHDR;
	out->entry = eh->e_entry;
	out->type = eh->e_type;
	out->nsegs = 0;
	int entry_ok = 0;
	out->native = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *ph =
		    (const void *)(base + eh->e_phoff + i * sizeof(*ph));
		if (ph->p_type == PT_NOTE && ph->p_offset <= size &&
		    ph->p_filesz <= size - ph->p_offset)
			out->native |= has_exos_note(base + ph->p_offset, ph->p_filesz);
		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		if (out->nsegs == ELF_MAXSEGS)
			return E_SEGS;
		if (ph->p_filesz > ph->p_memsz || ph->p_offset > size ||
		    ph->p_filesz > size - ph->p_offset)
			return E_SEGFILE;
		if (ph->p_vaddr >= limit || ph->p_memsz > limit - ph->p_vaddr)
			return E_SEGADDR;
		struct elf_seg *s = &out->seg[out->nsegs++];
		s->vaddr = ph->p_vaddr;
		s->memsz = ph->p_memsz;
		s->offset = ph->p_offset;
		s->filesz = ph->p_filesz;
		s->flags = ph->p_flags;
		if ((ph->p_flags & PF_X) && eh->e_entry >= ph->p_vaddr &&
		    eh->e_entry - ph->p_vaddr < ph->p_memsz)
			entry_ok = 1;
	}
	if (out->nsegs == 0)
		return E_NLOAD;
	if (!entry_ok)
		return E_ENTRY;
	return 0;
}
