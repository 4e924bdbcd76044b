/*
 * Host tests for lib/elf.c: elf_parse on valid and hostile ELF64 images.
 *
 * Bugs looked for:
 *  - reads outside the image: every image lives in a malloc'd buffer of
 *    exactly its size, so ASan reports any read past it (truncated headers,
 *    e_phoff past the end or misaligned, e_phnum too big);
 *  - offset/size arithmetic that overflows 64 bits and so passes a check
 *    (p_offset + p_filesz, p_vaddr + p_memsz, entry - p_vaddr, with values
 *    like ~0), or off-by-one at the exact end of the file or of the limit;
 *  - wrong error codes for bad magic/class/data/machine/type, bad program
 *    headers, p_filesz > p_memsz, a segment outside the file or the limit,
 *    an entry point outside every executable segment, more than
 *    ELF_MAXSEGS loadable segments, no loadable segment;
 *  - the wrong segments reported (skipped non-PT_LOAD or empty ones
 *    counted, fields swapped), for a hand-built image, for a real binary
 *    linked by gcc now, and for the programs in build/bin when they exist;
 *  - all of the above under a 200000-iteration mutation fuzz, compared
 *    with an independent reference parser (128-bit arithmetic, fields read
 *    by byte offset rather than through the structs).
 */
#include <stddef.h>
#include <sys/stat.h>

#include "../../lib/elf.c"

#include <exo/abi.h>

#include "unit.h"

enum {
	OK = 0, SHORT = -1, MAGIC = -2, CLASS = -3, TYPE = -4, PHDR = -5,
	SEGS = -6, SEGFILE = -7, SEGADDR = -8, ENTRY = -9, NLOAD = -10,
};

#define LIMIT EXO_ULIM
#define PT_NOTE 4
#define PT_GNU_STACK 0x6474e551u

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header is 64 bytes");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 phdr is 56 bytes");
_Static_assert(offsetof(struct elf64_ehdr, e_type) == 16, "e_type");
_Static_assert(offsetof(struct elf64_ehdr, e_entry) == 24, "e_entry");
_Static_assert(offsetof(struct elf64_ehdr, e_phoff) == 32, "e_phoff");
_Static_assert(offsetof(struct elf64_ehdr, e_phentsize) == 54, "e_phentsize");
_Static_assert(offsetof(struct elf64_ehdr, e_phnum) == 56, "e_phnum");
_Static_assert(offsetof(struct elf64_phdr, p_offset) == 8, "p_offset");
_Static_assert(offsetof(struct elf64_phdr, p_memsz) == 40, "p_memsz");

/* ---- Building images. ---- */

struct img {
	unsigned char *b; /* malloc'd, exactly size bytes */
	size_t size;
};

static struct elf64_ehdr *
EH(struct img *m)
{
	return (struct elf64_ehdr *)m->b;
}

static struct elf64_phdr *
PH(struct img *m, int i)
{
	return (struct elf64_phdr *)(m->b + EH(m)->e_phoff) + i;
}

static struct img
img_new(size_t size, int phnum)
{
	struct img m = { calloc(1, size ? size : 1), size };
	struct elf64_ehdr *eh = EH(&m);

	if (m.b == NULL)
		abort();
	eh->e_magic = ELF_MAGIC;
	eh->e_class = 2;
	eh->e_data = 1;
	eh->e_version0 = 1;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = 1;
	eh->e_phoff = 64;
	eh->e_ehsize = 64;
	eh->e_phentsize = 56;
	eh->e_phnum = (uint16_t)phnum;
	return m;
}

static void
set_ph(struct img *m, int i, uint32_t type, uint32_t flags, uint64_t off,
    uint64_t vaddr, uint64_t filesz, uint64_t memsz)
{
	struct elf64_phdr *ph = PH(m, i);

	ph->p_type = type;
	ph->p_flags = flags;
	ph->p_offset = off;
	ph->p_vaddr = ph->p_paddr = vaddr;
	ph->p_filesz = filesz;
	ph->p_memsz = memsz;
	ph->p_align = 0x1000;
}

/*
 * The smallest valid image: one R+X PT_LOAD covering the whole file at
 * 0x400000, entry at the code after the headers (offset 120).
 */
#define MIN_SIZE 136
#define MIN_VA 0x400000UL
static struct img
minimal(void)
{
	struct img m = img_new(MIN_SIZE, 1);

	set_ph(&m, 0, PT_LOAD, PF_R | PF_X, 0, MIN_VA, MIN_SIZE, MIN_SIZE);
	EH(&m)->e_entry = MIN_VA + 120;
	memset(m.b + 120, 0x90, 16); /* nops */
	return m;
}

/*
 * What `ld -static -z separate-code` makes: a read-only segment for the
 * headers, R+X text, read-only data, RW data with .bss, plus a PT_NOTE and
 * PT_GNU_STACK that are not loaded.
 */
#define REAL_SIZE 0x3010
static struct img
realistic(void)
{
	struct img m = img_new(REAL_SIZE, 6);

	set_ph(&m, 0, PT_LOAD, PF_R, 0, 0x400000, 0x190, 0x190);
	set_ph(&m, 1, PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x80, 0x80);
	set_ph(&m, 2, PT_LOAD, PF_R, 0x2000, 0x402000, 0x40, 0x40);
	set_ph(&m, 3, PT_LOAD, PF_R | PF_W, 0x3000, 0x403000, 0x10, 0x2000);
	set_ph(&m, 4, PT_NOTE, PF_R, 0x2000, 0x402000, 0x20, 0x20);
	set_ph(&m, 5, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
	EH(&m)->e_entry = 0x401010;
	memset(m.b + 0x1000, 0x90, 0x80);
	return m;
}

/* n PT_LOAD segments, one page apart; the first is executable. */
static struct img
many(int n)
{
	size_t size = 64 + (size_t)n * 56 + 16;
	struct img m = img_new(size, n);

	for (int i = 0; i < n; i++)
		set_ph(&m, i, PT_LOAD, i ? PF_R : PF_R | PF_X, 0,
		    MIN_VA + (uint64_t)i * 0x1000, size, size);
	EH(&m)->e_entry = MIN_VA + 64;
	return m;
}

static void
img_free(struct img *m)
{
	free(m->b);
	m->b = NULL;
}

/* elf_parse on an exact-size copy of the first size bytes of m. */
static int
parse_prefix(const struct img *m, size_t size, uint64_t limit,
    struct elf_image *out)
{
	unsigned char *b = malloc(size ? size : 1);
	int r;

	if (b == NULL)
		abort();
	memcpy(b, m->b, size);
	r = elf_parse(b, size, limit, out);
	free(b);
	return r;
}

static int
parse(struct img *m, struct elf_image *out)
{
	return elf_parse(m->b, m->size, LIMIT, out);
}

/* ---- An independent checker and reference parser. ---- */

static uint64_t
rd(const unsigned char *b, size_t off, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | b[off + (size_t)i];
	return v;
}

typedef unsigned __int128 u128;

/* What elf_parse should return, computed without its code. */
static int
ref_parse(const unsigned char *b, uint64_t size, uint64_t limit,
    struct elf_image *out)
{
	if (size < 64)
		return SHORT;
	if (b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F')
		return MAGIC;
	if (b[4] != 2 || b[5] != 1 || rd(b, 18, 2) != 62)
		return CLASS;
	uint64_t type = rd(b, 16, 2);
	if (type != 2 && type != 3)
		return TYPE;
	uint64_t phoff = rd(b, 32, 8), phnum = rd(b, 56, 2);
	if (rd(b, 54, 2) != 56 || phoff % 8 ||
	    (u128)phoff + (u128)phnum * 56 > size)
		return PHDR;
	uint64_t entry = rd(b, 24, 8);
	int n = 0, entry_ok = 0;
	out->entry = entry;
	out->type = (int)type;
	for (uint64_t i = 0; i < phnum; i++) {
		size_t p = (size_t)(phoff + i * 56);
		uint64_t ptype = rd(b, p, 4), flags = rd(b, p + 4, 4);
		uint64_t off = rd(b, p + 8, 8), va = rd(b, p + 16, 8);
		uint64_t fsz = rd(b, p + 32, 8), msz = rd(b, p + 40, 8);
		if (ptype != 1 || msz == 0)
			continue;
		if (n == ELF_MAXSEGS)
			return SEGS;
		if (fsz > msz || (u128)off + fsz > size)
			return SEGFILE;
		if ((u128)va + msz > limit)
			return SEGADDR;
		out->seg[n].vaddr = va;
		out->seg[n].memsz = msz;
		out->seg[n].offset = off;
		out->seg[n].filesz = fsz;
		out->seg[n].flags = (uint32_t)flags;
		n++;
		if ((flags & 1) && entry >= va && (u128)entry < (u128)va + msz)
			entry_ok = 1;
	}
	out->nsegs = n;
	if (n == 0)
		return NLOAD;
	return entry_ok ? OK : ENTRY;
}

/*
 * The promise of a successful parse, checked on its own: 1 to 16 segments,
 * each inside the file and below the limit, the entry in an executable one.
 * Returns NULL or what is wrong.
 */
static const char *
check_result(const struct elf_image *e, uint64_t size, uint64_t limit)
{
	int entry_ok = 0;

	if (e->nsegs < 1 || e->nsegs > ELF_MAXSEGS)
		return "segment count out of range";
	if (e->type != ET_EXEC && e->type != ET_DYN)
		return "bad type";
	for (int i = 0; i < e->nsegs; i++) {
		const struct elf_seg *s = &e->seg[i];
		if (s->memsz == 0)
			return "empty segment reported";
		if (s->filesz > s->memsz)
			return "filesz > memsz";
		if ((u128)s->offset + s->filesz > size)
			return "segment outside the file";
		if ((u128)s->vaddr + s->memsz > limit)
			return "segment above the limit";
		if ((s->flags & PF_X) && e->entry >= s->vaddr &&
		    e->entry - s->vaddr < s->memsz)
			entry_ok = 1;
	}
	return entry_ok ? NULL : "entry outside the code";
}

static int
same_image(const struct elf_image *a, const struct elf_image *b)
{
	if (a->entry != b->entry || a->type != b->type || a->nsegs != b->nsegs)
		return 0;
	for (int i = 0; i < a->nsegs; i++)
		if (a->seg[i].vaddr != b->seg[i].vaddr ||
		    a->seg[i].memsz != b->seg[i].memsz ||
		    a->seg[i].offset != b->seg[i].offset ||
		    a->seg[i].filesz != b->seg[i].filesz ||
		    a->seg[i].flags != b->seg[i].flags)
			return 0;
	return 1;
}

/* ---- Valid images. ---- */

TEST(elf_minimal_valid)
{
	struct img m = minimal();
	struct elf_image e;

	memset(&e, 0xa5, sizeof(e));
	CHECK_EQ(parse(&m, &e), OK);
	CHECK_EQ(e.entry, MIN_VA + 120);
	CHECK_EQ(e.type, ET_EXEC);
	CHECK_EQ(e.nsegs, 1);
	CHECK_EQ(e.seg[0].vaddr, MIN_VA);
	CHECK_EQ(e.seg[0].memsz, MIN_SIZE);
	CHECK_EQ(e.seg[0].offset, 0);
	CHECK_EQ(e.seg[0].filesz, MIN_SIZE);
	CHECK_EQ(e.seg[0].flags, PF_R | PF_X);
	CHECK(check_result(&e, m.size, LIMIT) == NULL);
	/* ET_DYN is accepted too, and reported. */
	EH(&m)->e_type = ET_DYN;
	CHECK_EQ(parse(&m, &e), OK);
	CHECK_EQ(e.type, ET_DYN);
	/* Extra bytes after the segment are fine. */
	struct img big = img_new(4096, 1);
	memcpy(big.b, m.b, m.size);
	CHECK_EQ(parse(&big, &e), OK);
	img_free(&big);
	img_free(&m);
}

TEST(elf_realistic_layout)
{
	struct img m = realistic();
	struct elf_image e, ref;

	CHECK_EQ(parse(&m, &e), OK);
	CHECK_EQ(e.nsegs, 4); /* PT_NOTE and PT_GNU_STACK are not loaded */
	CHECK_EQ(e.entry, 0x401010);
	uint64_t va[4] = { 0x400000, 0x401000, 0x402000, 0x403000 };
	uint64_t off[4] = { 0, 0x1000, 0x2000, 0x3000 };
	uint64_t fsz[4] = { 0x190, 0x80, 0x40, 0x10 };
	uint64_t msz[4] = { 0x190, 0x80, 0x40, 0x2000 };
	uint32_t fl[4] = { PF_R, PF_R | PF_X, PF_R, PF_R | PF_W };
	for (int i = 0; i < 4 && i < e.nsegs; i++) {
		CHECK_EQ(e.seg[i].vaddr, va[i]);
		CHECK_EQ(e.seg[i].offset, off[i]);
		CHECK_EQ(e.seg[i].filesz, fsz[i]);
		CHECK_EQ(e.seg[i].memsz, msz[i]);
		CHECK_EQ(e.seg[i].flags, fl[i]);
	}
	CHECK_EQ(ref_parse(m.b, m.size, LIMIT, &ref), OK);
	CHECK(same_image(&e, &ref));
	/* A segment that ends exactly at the end of the file and the limit. */
	CHECK_EQ(elf_parse(m.b, m.size, 0x405000, &e), OK);
	CHECK_EQ(elf_parse(m.b, m.size, 0x404fff, &e), SEGADDR);
	/* Entry on the last byte of the code, and one past it. */
	EH(&m)->e_entry = 0x40107f;
	CHECK_EQ(parse(&m, &e), OK);
	EH(&m)->e_entry = 0x401080;
	CHECK_EQ(parse(&m, &e), ENTRY);
	/* Entry in the .bss part of an executable segment is inside it. */
	PH(&m, 1)->p_memsz = 0x800;
	EH(&m)->e_entry = 0x4017ff;
	CHECK_EQ(parse(&m, &e), OK);
	img_free(&m);
}

/* Real executables: one gcc links now, and those in build/bin. */
TEST(elf_real_binaries)
{
	char dir[64], cmd[1024], path[1200];
	const char *names[] = { "hello", "init", "t_null" };
	int parsed = 0;

	REQUIRE(unit_tmpdir(dir, "test_elf") == 0);
	snprintf(cmd, sizeof(cmd),
	    "printf 'int x = 3; int y[100];\\nvoid _start(void) { for (;;) y[x]++; }\\n'"
	    " > %s/p.c && gcc -O1 -static -nostdlib -no-pie -fno-pie"
	    " -o %s/p %s/p.c >%s/log 2>&1", dir, dir, dir, dir);
	CHECKF(system(cmd) == 0, "gcc could not link a static test program");
	snprintf(path, sizeof(path), "%s/p", dir);

	for (int k = -1; k < (int)(sizeof(names) / sizeof(names[0])); k++) {
		char p[4200];
		if (k < 0)
			snprintf(p, sizeof(p), "%s", path);
		else
			snprintf(p, sizeof(p), "%s/build/bin/%s", unit_root(),
			    names[k]);
		FILE *f = fopen(p, "rb");
		if (f == NULL) {
			CHECKF(k >= 0, "cannot open %s", p);
			continue;
		}
		struct stat st;
		REQUIRE(fstat(fileno(f), &st) == 0 && st.st_size > 0);
		struct img m = { malloc((size_t)st.st_size), (size_t)st.st_size };
		REQUIRE(m.b);
		CHECK(fread(m.b, 1, m.size, f) == m.size);
		fclose(f);
		struct elf_image e, ref = { 0 };
		int r = elf_parse(m.b, m.size, EXO_BOOTIMG_VA, &e);
		CHECKF(r == OK, "%s: %s", p, elf_strerror(r));
		if (r == OK) {
			const char *why = check_result(&e, m.size, EXO_BOOTIMG_VA);
			CHECKF(why == NULL, "%s: %s", p, why);
			CHECK_EQ(e.type, ET_EXEC);
			CHECK_EQ(e.entry, EH(&m)->e_entry);
			CHECK(e.nsegs >= 1);
			/* The segments are the PT_LOAD headers, in order. */
			CHECK_EQ(ref_parse(m.b, m.size, EXO_BOOTIMG_VA, &ref), OK);
			CHECKF(same_image(&e, &ref), "%s: segments differ", p);
			int x = 0;
			for (int i = 0; i < e.nsegs; i++)
				x += (e.seg[i].flags & PF_X) != 0;
			CHECKF(x >= 1, "%s: no code segment", p);
			/* A limit below the program is refused. */
			CHECK_EQ(elf_parse(m.b, m.size, e.seg[0].vaddr, &e), SEGADDR);
			parsed++;
		}
		/*
		 * Cut short, it is refused until every segment's file part
		 * fits (section headers after them may go), never over-read.
		 */
		uint64_t need = EH(&m)->e_phoff + EH(&m)->e_phnum * 56UL;
		for (int i = 0; r == OK && i < ref.nsegs; i++)
			if (ref.seg[i].offset + ref.seg[i].filesz > need)
				need = ref.seg[i].offset + ref.seg[i].filesz;
		for (size_t n = 0; r == OK && n < m.size; n += n < 256 ? 1 : 97) {
			int rc = parse_prefix(&m, n, EXO_BOOTIMG_VA, &e);
			CHECKF((rc == OK) == (n >= need), "%s cut to %zu bytes: %d",
			    p, n, rc);
		}
		img_free(&m);
	}
	CHECK(parsed >= 1);
}

/* ---- Malformed headers. ---- */

TEST(elf_truncated)
{
	struct img m = realistic(), mi = minimal();
	struct elf_image e;

	/* Every prefix is refused, with the right error, reading nothing past. */
	for (size_t n = 0; n < mi.size; n++) {
		int want = n < 64 ? SHORT : n < 64 + 56 ? PHDR : SEGFILE;
		int r = parse_prefix(&mi, n, LIMIT, &e);
		CHECKF(r == want, "minimal cut to %zu: %d, want %d", n, r, want);
	}
	for (size_t n = 0; n < m.size; n++) {
		int want = n < 64 ? SHORT : n < 64 + 6 * 56 ? PHDR : SEGFILE;
		int r = parse_prefix(&m, n, LIMIT, &e);
		CHECKF(r == want, "realistic cut to %zu: %d, want %d", n, r, want);
		if (n >= 1024)
			n += 31; /* plenty; keeps the test fast */
	}
	CHECK_EQ(parse_prefix(&m, m.size, LIMIT, &e), OK);
	img_free(&m);
	img_free(&mi);
}

TEST(elf_bad_ident)
{
	struct img m = minimal();
	struct elf_image e;

	for (int i = 0; i < 4; i++) {
		unsigned char save = m.b[i];
		m.b[i] ^= 0x20;
		CHECKF(parse(&m, &e) == MAGIC, "magic byte %d", i);
		m.b[i] = save;
	}
	EH(&m)->e_class = 1; /* 32-bit */
	CHECK_EQ(parse(&m, &e), CLASS);
	EH(&m)->e_class = 0;
	CHECK_EQ(parse(&m, &e), CLASS);
	EH(&m)->e_class = 2;
	EH(&m)->e_data = 2; /* big-endian */
	CHECK_EQ(parse(&m, &e), CLASS);
	EH(&m)->e_data = 1;
	uint16_t machines[] = { 0, 3 /* i386 */, 40 /* ARM */, 183 /* AArch64 */,
		0xffff, 62 + 256 };
	for (unsigned i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		EH(&m)->e_machine = machines[i];
		CHECKF(parse(&m, &e) == CLASS, "machine %u", machines[i]);
	}
	EH(&m)->e_machine = EM_X86_64;
	uint16_t types[] = { 0, 1 /* ET_REL */, 4 /* ET_CORE */, 0xfe00, 0xffff,
		2 + 256 };
	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		EH(&m)->e_type = types[i];
		CHECKF(parse(&m, &e) == TYPE, "type %#x", types[i]);
	}
	EH(&m)->e_type = ET_EXEC;
	/* Magic is checked before class, class before type. */
	m.b[0] = 0;
	EH(&m)->e_class = 1;
	CHECK_EQ(parse(&m, &e), MAGIC);
	m.b[0] = 0x7f;
	EH(&m)->e_type = 0;
	CHECK_EQ(parse(&m, &e), CLASS);
	EH(&m)->e_class = 2;
	EH(&m)->e_type = ET_EXEC;
	CHECK_EQ(parse(&m, &e), OK);
	img_free(&m);
}

TEST(elf_bad_phdrs)
{
	struct img m = minimal();
	struct elf_image e;
	uint16_t sizes[] = { 0, 32, 55, 57, 64, 0xffff };

	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		EH(&m)->e_phentsize = sizes[i];
		CHECKF(parse(&m, &e) == PHDR, "phentsize %u", sizes[i]);
	}
	EH(&m)->e_phentsize = 56;
	uint64_t offs[] = { MIN_SIZE + 8, MIN_SIZE - 8, MIN_SIZE - 56 + 8,
		~0UL, ~0UL - 7, 1UL << 63, (uint64_t)-56, (uint64_t)-64,
		65, 66, 68, 60, 4, 1 };
	for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		EH(&m)->e_phoff = offs[i];
		CHECKF(parse(&m, &e) == PHDR, "phoff %#lx", (unsigned long)offs[i]);
	}
	/* The last whole phdr slot in the file is fine (entry aside). */
	EH(&m)->e_phoff = MIN_SIZE - 56 - 0; /* 80: aligned, ends at the end */
	CHECK(parse(&m, &e) != PHDR);
	/* e_phnum can never overflow, but a big one is still refused. */
	EH(&m)->e_phoff = 64;
	uint16_t nums[] = { 2, 3, 100, 0x7fff, 0xffff };
	for (unsigned i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		EH(&m)->e_phnum = nums[i];
		CHECKF(parse(&m, &e) == PHDR, "phnum %u", nums[i]);
	}
	/* No program headers at all: nothing to load. */
	EH(&m)->e_phnum = 0;
	CHECK_EQ(parse(&m, &e), NLOAD);
	EH(&m)->e_phoff = MIN_SIZE; /* at the very end, with none: fine */
	CHECK_EQ(parse(&m, &e), NLOAD);
	EH(&m)->e_phoff = ~0UL & ~7UL;
	CHECK_EQ(parse(&m, &e), PHDR);
	img_free(&m);

	/* Program headers at an aligned offset other than 64 are fine. */
	struct img n = img_new(256, 1);
	EH(&n)->e_phoff = 72;
	set_ph(&n, 0, PT_LOAD, PF_R | PF_X, 0, MIN_VA, 256, 256);
	EH(&n)->e_entry = MIN_VA + 200;
	CHECK_EQ(parse(&n, &e), OK);
	/* ... and at 72 + 4, not. */
	memmove(n.b + 76, n.b + 72, 56);
	EH(&n)->e_phoff = 76;
	CHECK_EQ(parse(&n, &e), PHDR);
	img_free(&n);
}

/* ---- Malformed segments. ---- */

struct segcase {
	uint64_t off, filesz, memsz, vaddr;
	int want;
	const char *what;
};

TEST(elf_bad_segments)
{
	struct elf_image e;
	const uint64_t S = MIN_SIZE, V = MIN_VA, M = ~0UL;
	struct segcase cases[] = {
		{ 0, S, S, V, OK, "valid" },
		{ 0, S + 1, S + 1, V, SEGFILE, "filesz one past the end" },
		{ 1, S, S, V, SEGFILE, "offset+filesz one past the end" },
		{ S, 0, 16, V, OK, "empty file part at the very end" },
		{ S + 1, 0, 16, V, SEGFILE, "offset past the end, filesz 0" },
		{ M, 0, S, V, SEGFILE, "offset ~0, filesz 0" },
		{ M, 1, S, V, SEGFILE, "offset ~0, filesz 1" },
		{ M, S, S, V, SEGFILE, "offset ~0 (wraps to below the end)" },
		{ 16, M - 15, M, V, SEGFILE, "offset+filesz wraps to 0" },
		{ 8, M - 7, M - 7, V, SEGFILE, "filesz wraps with offset" },
		{ 0, M, M, 0, SEGFILE, "filesz ~0" },
		{ 1UL << 63, 1UL << 63, 1UL << 63, V, SEGFILE, "2^63 + 2^63" },
		{ 0, S, S - 1, V, SEGFILE, "filesz > memsz" },
		{ 0, 2, 1, V, SEGFILE, "filesz > memsz, small" },
		{ 0, S, S, LIMIT - S, OK, "ends exactly at the limit" },
		{ 0, S, S, LIMIT - S + 1, SEGADDR, "one byte over the limit" },
		{ 0, S, S, LIMIT, SEGADDR, "starts at the limit" },
		{ 0, S, S, LIMIT + 0x1000, SEGADDR, "above the limit" },
		{ 0, S, M, V, SEGADDR, "memsz ~0" },
		{ 0, S, M - V + 1, V, SEGADDR, "vaddr+memsz wraps to 0" },
		{ 0, S, 0x1000, M - 0xfff, SEGADDR, "vaddr near ~0, wraps" },
		{ 0, S, 0x1000, M, SEGADDR, "vaddr ~0" },
		{ 0, S, LIMIT, 0, OK, "all of user memory" },
		{ 0, S, LIMIT + 1, 0, SEGADDR, "a byte more than user memory" },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct segcase *c = &cases[i];
		struct img m = minimal();
		set_ph(&m, 0, PT_LOAD, PF_R | PF_X, c->off, c->vaddr, c->filesz,
		    c->memsz);
		EH(&m)->e_entry = c->vaddr + (c->memsz > 120 ? 120 : 0);
		int r = parse(&m, &e);
		CHECKF(r == c->want, "%s: got %d (%s), want %d", c->what, r,
		    elf_strerror(r), c->want);
		if (r == OK) {
			const char *why = check_result(&e, m.size, LIMIT);
			CHECKF(why == NULL, "%s: %s", c->what, why);
		}
		img_free(&m);
	}
}

TEST(elf_skipped_segments)
{
	struct elf_image e;
	struct img m = img_new(64 + 4 * 56 + 16, 4);
	size_t S = m.size;

	/* Non-PT_LOAD headers may point anywhere; they are not loaded. */
	set_ph(&m, 0, PT_NOTE, PF_R, ~0UL, ~0UL, ~0UL, ~0UL);
	set_ph(&m, 1, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
	set_ph(&m, 2, PT_LOAD, PF_R | PF_X, 0, MIN_VA, S, S);
	set_ph(&m, 3, 0 /* PT_NULL */, PF_X, ~0UL, 0, 5, 1);
	EH(&m)->e_entry = MIN_VA + 64;
	CHECK_EQ(parse(&m, &e), OK);
	CHECK_EQ(e.nsegs, 1);
	CHECK_EQ(e.seg[0].vaddr, MIN_VA);
	/* A PT_LOAD with memsz 0 is skipped, not counted. */
	set_ph(&m, 0, PT_LOAD, PF_R, 0, MIN_VA + 0x10000, 0, 0);
	CHECK_EQ(parse(&m, &e), OK);
	CHECK_EQ(e.nsegs, 1);
	/* Only skipped ones: nothing to load. */
	PH(&m, 2)->p_type = PT_NOTE;
	CHECK_EQ(parse(&m, &e), NLOAD);
	PH(&m, 2)->p_type = PT_LOAD;
	PH(&m, 2)->p_memsz = 0;
	PH(&m, 2)->p_filesz = 0;
	CHECK_EQ(parse(&m, &e), NLOAD);
	img_free(&m);
}

TEST(elf_entry_outside_code)
{
	struct elf_image e;
	struct img m = realistic();

	uint64_t bad[] = { 0, 0x400000, 0x400010 /* R only */, 0x400fff,
		0x401080, 0x402000, 0x403000 /* RW */, 0x404fff, ~0UL, 0x400fff };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EH(&m)->e_entry = bad[i];
		CHECKF(parse(&m, &e) == ENTRY, "entry %#lx", (unsigned long)bad[i]);
	}
	EH(&m)->e_entry = 0x401000;
	CHECK_EQ(parse(&m, &e), OK);
	/* The data segment made executable makes its addresses good entries. */
	PH(&m, 3)->p_flags |= PF_X;
	EH(&m)->e_entry = 0x404fff;
	CHECK_EQ(parse(&m, &e), OK);
	EH(&m)->e_entry = 0x405000;
	CHECK_EQ(parse(&m, &e), ENTRY);
	/* An executable segment ending at ~0 would wrap; it is refused first. */
	PH(&m, 3)->p_vaddr = ~0UL - 0xfff;
	EH(&m)->e_entry = ~0UL;
	CHECK_EQ(elf_parse(m.b, m.size, ~0UL, &e), SEGADDR);
	img_free(&m);
}

TEST(elf_segment_count)
{
	struct elf_image e;

	for (int n = 1; n <= ELF_MAXSEGS + 3; n++) {
		struct img m = many(n);
		int r = parse(&m, &e);
		int want = n <= ELF_MAXSEGS ? OK : SEGS;
		CHECKF(r == want, "%d segments: %d", n, r);
		if (r == OK) {
			CHECK_EQ(e.nsegs, n);
			CHECK_EQ(e.seg[n - 1].vaddr, MIN_VA + (uint64_t)(n - 1) * 0x1000);
		}
		img_free(&m);
	}
	/* 17 headers of which one is not loaded: 16 segments, fine. */
	struct img m = many(ELF_MAXSEGS + 1);
	PH(&m, 7)->p_type = PT_NOTE;
	CHECK_EQ(parse(&m, &e), OK);
	CHECK_EQ(e.nsegs, ELF_MAXSEGS);
	PH(&m, 7)->p_type = PT_LOAD;
	PH(&m, 9)->p_memsz = 0;
	CHECK_EQ(parse(&m, &e), OK);
	CHECK_EQ(e.nsegs, ELF_MAXSEGS);
	img_free(&m);
}

TEST(elf_strerror_names)
{
	const char *want[] = { "ok", "file too short", "not an ELF file",
		"not 64-bit little-endian x86-64",
		"not an executable (ET_EXEC or ET_DYN)", "bad program headers",
		"too many loadable segments", "segment outside the file",
		"segment outside user memory", "entry point outside the code",
		"no loadable segment" };
	for (int i = 0; i <= 10; i++)
		CHECKF(strcmp(elf_strerror(-i), want[i]) == 0, "code %d: %s", -i,
		    elf_strerror(-i));
	int odd[] = { 1, 5, -11, -100, -2147483647 - 1, 2147483647 };
	for (unsigned i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		CHECKF(strcmp(elf_strerror(odd[i]), "unknown ELF error") == 0,
		    "code %d: %s", odd[i], elf_strerror(odd[i]));
}

/* ---- Mutation fuzz. ---- */

static uint64_t
interesting(struct unit_rng *rng, uint64_t size)
{
	const uint64_t v[] = { 0, 1, 7, 8, 55, 56, 57, 63, 64, 120, 0x1000,
		0x400000, 0x401000, 0x403000, MIN_VA + 120, ~0UL, ~0UL - 1,
		~0UL - 7, ~0UL - 0xfff, 1UL << 63, (1UL << 63) - 1, 0x7fffffff,
		0xffffffff, 0x100000000, LIMIT, LIMIT - 1, LIMIT + 1,
		LIMIT - 0x1000 };
	switch (unit_below(rng, 4)) {
	case 0:
		return size + unit_below(rng, 5) - 2;
	case 1:
		return unit_rand(rng);
	default:
		return v[unit_below(rng, sizeof(v) / sizeof(v[0]))];
	}
}

/* Records the first failure and leaves the loop, so the images get freed. */
#define FUZZFAIL(...)                                            \
	{                                                        \
		snprintf(err, sizeof(err), __VA_ARGS__);         \
		break;                                           \
	}

TEST(elf_mutation_fuzz)
{
	char err[300] = "";
	/* The last two have 17 program headers: 16 loadable, and 17. */
	struct img base[4] = { minimal(), realistic(), many(ELF_MAXSEGS + 1),
		many(ELF_MAXSEGS + 1) };
	PH(&base[2], 11)->p_type = PT_NOTE;
	struct unit_rng rng = { 0xfeedfacecafebeefULL };
	long seen[11] = { 0 };
	enum { ITER = 200000 };
	struct { size_t pos; unsigned char old; } undo[64];

	for (long it = 0; it < ITER; it++) {
		int which = (int)unit_below(&rng, 4);
		struct img *m = &base[which];
		int phnum = EH(m)->e_phnum;
		size_t hdr = 64 + (size_t)phnum * 56, nundo = 0;
		int nmut = 1 + (int)unit_below(&rng, 4);

		for (int k = 0; k < nmut; k++) {
			unsigned kind = (unsigned)unit_below(&rng, 10);
			size_t pos, len = 1;
			uint64_t val;
			if (kind < 4) { /* a whole field of a header */
				static const unsigned char ef[][2] = { { 16, 2 },
					{ 18, 2 }, { 24, 8 }, { 32, 8 }, { 54, 2 },
					{ 56, 2 }, { 4, 1 }, { 5, 1 } };
				static const unsigned char pf[][2] = { { 0, 4 },
					{ 4, 4 }, { 8, 8 }, { 16, 8 }, { 32, 8 },
					{ 40, 8 } };
				if (kind == 0) {
					int f = (int)unit_below(&rng, 8);
					pos = ef[f][0];
					len = ef[f][1];
				} else {
					int f = (int)unit_below(&rng, 6);
					pos = 64 + 56 * unit_below(&rng, (uint64_t)phnum) +
					    pf[f][0];
					len = pf[f][1];
				}
				val = interesting(&rng, m->size);
				if (kind == 3 && len == 8) /* near the old value */
					val = rd(m->b, pos, 8) + unit_below(&rng, 33) - 16;
			} else if (kind < 9) { /* a byte in the headers */
				pos = unit_below(&rng, hdr);
				val = unit_below(&rng, 8) < 6 ? unit_rand(&rng)
							      : rd(m->b, pos, 1) ^
					(1u << unit_below(&rng, 8));
			} else { /* a byte anywhere */
				pos = unit_below(&rng, m->size);
				val = unit_rand(&rng);
			}
			for (size_t b = 0; b < len && nundo < 64; b++) {
				undo[nundo].pos = pos + b;
				undo[nundo++].old = m->b[pos + b];
				m->b[pos + b] = (unsigned char)(val >> (8 * b));
			}
		}
		/* Sometimes cut the file short; sometimes a low limit. */
		size_t size = m->size;
		if (unit_below(&rng, 8) == 0)
			size = unit_below(&rng, m->size + 1);
		uint64_t limit = LIMIT;
		switch (unit_below(&rng, 8)) {
		case 0:
			limit = 0x400000 + unit_below(&rng, 0x10000);
			break;
		case 1:
			limit = ~0UL - unit_below(&rng, 0x2000);
			break;
		}
		struct elf_image e, ref;
		int r = size == m->size ? elf_parse(m->b, size, limit, &e)
					: parse_prefix(m, size, limit, &e);
		int want = ref_parse(m->b, size, limit, &ref);
		for (size_t u = nundo; u-- > 0;)
			m->b[undo[u].pos] = undo[u].old;
		if (r > 0 || r < -10)
			FUZZFAIL("iteration %ld: code %d", it, r);
		seen[-r]++;
		if (r != want)
			FUZZFAIL("iteration %ld: elf_parse %d (%s), reference %d (%s)",
			    it, r, elf_strerror(r), want, elf_strerror(want));
		if (r == OK) {
			const char *why = check_result(&e, size, limit);
			if (why)
				FUZZFAIL("iteration %ld: accepted, but %s", it, why);
			if (!same_image(&e, &ref))
				FUZZFAIL("iteration %ld: segments differ from the reference",
				    it);
		}
	}
	CHECKF(err[0] == 0, "%s", err);
	/* The fuzz reached every outcome. */
	for (int k = 0; err[0] == 0 && k <= 10; k++)
		CHECKF(seen[k] > 20, "outcome %d seen %ld times", -k, seen[k]);
	for (int i = 0; i < 4; i++) {
		struct elf_image e;
		/* The undo log worked. */
		CHECK_EQ(parse(&base[i], &e), i == 3 ? SEGS : OK);
		img_free(&base[i]);
	}
}

int
main(int argc, char **argv)
{
	return unit_main(argc, argv);
}
