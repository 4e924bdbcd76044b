/*
 * Host tests for lib/bootimg.c (struct exo_bootimg in include/exo/abi.h)
 * and tools/mkbootimg.c.
 *
 * Bugs looked for:
 *  - bootimg_check reading outside the buffer (every image sits in a
 *    malloc'd buffer of exactly its size; ASan watches): short buffers,
 *    nfiles larger than the buffer holds, including values whose product
 *    with the entry size overflows 32 or 64 bits;
 *  - a bad magic, img->size larger than the buffer, or a file entry whose
 *    offset/size points outside the image (also with offset + size
 *    wrapping around 2^64) being accepted; off-by-one at the exact end;
 *  - a name with no NUL in its 48 bytes accepted (bootimg_find's strcmp
 *    would then run off the entry);
 *  - bootimg_find matching prefixes or returning the wrong entry;
 *  - mkbootimg writing offsets that are not page-aligned, overlapping
 *    files, wrong sizes or contents, a size field that is not the file's
 *    size, or accepting duplicate / too-long names;
 *  - a 30000-iteration mutation fuzz compared with an independent checker.
 */
#include <sys/stat.h>

#include "../../lib/bootimg.c"
#include "../../lib/elf.c"

#include "unit.h"

#define HDR sizeof(struct exo_bootimg)
#define ENT sizeof(struct exo_bootimg_file)
#define PG EXO_PGSIZE

_Static_assert(sizeof(struct exo_bootimg) == 32, "header is 32 bytes");
_Static_assert(sizeof(struct exo_bootimg_file) == 64, "entry is 64 bytes");

struct bimg {
	unsigned char *b; /* malloc'd, exactly size bytes */
	size_t size;
};

static struct exo_bootimg *
IMG(struct bimg *m)
{
	return (struct exo_bootimg *)m->b;
}

static unsigned char
pattern(int file, size_t k)
{
	return (unsigned char)(file * 31 + k * 7 + (k >> 8));
}

/* An image as mkbootimg lays it out: the table, then page-aligned files. */
static struct bimg
build(int n, const char *const *names, const size_t *sizes)
{
	size_t off = (HDR + (size_t)n * ENT + PG - 1) & ~(PG - 1);
	size_t offs[64];

	for (int i = 0; i < n; i++) {
		offs[i] = off;
		off = (off + sizes[i] + PG - 1) & ~(PG - 1);
	}
	struct bimg m = { calloc(1, off), off };
	if (m.b == NULL)
		abort();
	IMG(&m)->magic = EXO_BOOTIMG_MAGIC;
	IMG(&m)->nfiles = (uint32_t)n;
	IMG(&m)->size = off;
	for (int i = 0; i < n; i++) {
		struct exo_bootimg_file *f = &IMG(&m)->file[i];
		snprintf(f->name, sizeof(f->name), "%s", names[i]);
		f->offset = offs[i];
		f->size = sizes[i];
		for (size_t k = 0; k < sizes[i]; k++)
			m.b[offs[i] + k] = pattern(i, k);
	}
	return m;
}

/* bootimg_check on an exact-size copy of the first size bytes. */
static int
check_prefix(const struct bimg *m, size_t size)
{
	unsigned char *b = malloc(size ? size : 1);
	if (b == NULL)
		abort();
	memcpy(b, m->b, size);
	int r = bootimg_check((const struct exo_bootimg *)b, size);
	free(b);
	return r;
}

static int
check(struct bimg *m)
{
	return bootimg_check(IMG(m), m->size);
}

static const char *const NAMES3[] = { "init", "hello",
	"a_name_of_exactly_forty_seven_characters_......" };
static const size_t SIZES3[] = { 5000, 1, 4096 };

TEST(bootimg_valid_and_find)
{
	_Static_assert(sizeof("a_name_of_exactly_forty_seven_characters_......") ==
	    48, "47 characters");
	struct bimg m = build(3, NAMES3, SIZES3);

	CHECK_EQ(check(&m), 0);
	for (int i = 0; i < 3; i++) {
		const struct exo_bootimg_file *f = bootimg_find(IMG(&m), NAMES3[i]);
		CHECKF(f == &IMG(&m)->file[i], "find %s", NAMES3[i]);
		if (f) {
			CHECK_EQ(f->size, SIZES3[i]);
			CHECK_EQ(f->offset % PG, 0);
			CHECK(m.b[f->offset] == pattern(i, 0));
			CHECK(m.b[f->offset + f->size - 1] == pattern(i, f->size - 1));
		}
	}
	const char *missing[] = { "", "ini", "init2", "INIT", "hell", "hello ",
		"a_name_of_exactly_forty_seven_characters_.....",
		"a_name_of_exactly_forty_seven_characters_.......", "missing" };
	for (unsigned i = 0; i < sizeof(missing) / sizeof(missing[0]); i++)
		CHECKF(bootimg_find(IMG(&m), missing[i]) == NULL, "found \"%s\"",
		    missing[i]);
	free(m.b);

	/* No files: valid, finds nothing; "" matches an empty name only. */
	struct bimg e = build(0, NULL, NULL);
	CHECK_EQ(e.size, PG);
	CHECK_EQ(check(&e), 0);
	CHECK(bootimg_find(IMG(&e), "init") == NULL);
	CHECK(bootimg_find(IMG(&e), "") == NULL);
	free(e.b);
	const char *empty[] = { "x", "" };
	size_t esz[] = { 1, 0 };
	struct bimg z = build(2, empty, esz);
	CHECK_EQ(check(&z), 0);
	CHECK(bootimg_find(IMG(&z), "") == &IMG(&z)->file[1]);
	free(z.b);
}

TEST(bootimg_short_buffers)
{
	struct bimg m = build(3, NAMES3, SIZES3);

	for (size_t n = 0; n < HDR; n++)
		CHECKF(check_prefix(&m, n) == -1, "%zu bytes accepted", n);
	/* Cut anywhere short of img->size: refused, nothing read past. */
	for (size_t n = HDR; n < m.size; n += n < 512 ? 1 : 61)
		CHECKF(check_prefix(&m, n) == -1, "%zu bytes accepted", n);
	CHECK_EQ(check_prefix(&m, m.size), 0);
	free(m.b);

	/* The smallest valid image: a bare header, no files. */
	struct bimg h = { calloc(1, HDR), HDR };
	REQUIRE(h.b);
	IMG(&h)->magic = EXO_BOOTIMG_MAGIC;
	IMG(&h)->size = HDR;
	CHECK_EQ(check(&h), 0);
	IMG(&h)->nfiles = 1;
	CHECK_EQ(check(&h), -1);
	free(h.b);
}

TEST(bootimg_bad_magic_and_size)
{
	struct bimg m = build(3, NAMES3, SIZES3);

	for (int i = 0; i < 8; i++) {
		m.b[i] ^= 1;
		CHECKF(check(&m) == -1, "magic byte %d", i);
		m.b[i] ^= 1;
	}
	CHECK_EQ(check(&m), 0);
	uint64_t sizes[] = { m.size + 1, m.size + PG, ~0UL, 1UL << 63 };
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		IMG(&m)->size = sizes[i];
		CHECKF(check(&m) == -1, "img->size %#lx", (unsigned long)sizes[i]);
	}
	/* img->size below the buffer: the files must fit the smaller size. */
	IMG(&m)->size = m.size - 1; /* the last file ends at the very end */
	CHECK_EQ(check(&m), -1);
	IMG(&m)->file[2].size = 100;
	IMG(&m)->size = IMG(&m)->file[2].offset + 100;
	CHECK_EQ(check(&m), 0);
	IMG(&m)->size--;
	CHECK_EQ(check(&m), -1);
	free(m.b);
}

TEST(bootimg_nfiles_too_large)
{
	/* A buffer of two pages holds (8192 - 32) / 64 = 127 entries. */
	struct bimg m = { calloc(1, 2 * PG), 2 * PG };
	REQUIRE(m.b);
	IMG(&m)->magic = EXO_BOOTIMG_MAGIC;
	IMG(&m)->size = 2 * PG;
	uint32_t fit = (uint32_t)((2 * PG - HDR) / ENT);
	CHECK_EQ(fit, 127);
	IMG(&m)->nfiles = fit; /* all-zero entries: "" at 0, size 0 */
	CHECK_EQ(check(&m), 0);
	uint32_t bad[] = { fit + 1, fit + 2, 1u << 26 /* *64 = 2^32 */,
		(1u << 26) + 1 /* *64 wraps to 64 in 32 bits */,
		(1u << 26) + 2, 0x80000000u, 0xffffffffu, 0xfffffffeu };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		IMG(&m)->nfiles = bad[i];
		CHECKF(check(&m) == -1, "nfiles %#x accepted", bad[i]);
	}
	free(m.b);

	/* A buffer of exactly header + 2 entries. */
	struct bimg s = { calloc(1, HDR + 2 * ENT), HDR + 2 * ENT };
	REQUIRE(s.b);
	IMG(&s)->magic = EXO_BOOTIMG_MAGIC;
	IMG(&s)->size = s.size;
	IMG(&s)->nfiles = 2;
	CHECK_EQ(check(&s), 0);
	IMG(&s)->nfiles = 3;
	CHECK_EQ(check(&s), -1);
	IMG(&s)->nfiles = (1u << 26) + 1;
	CHECK_EQ(check(&s), -1);
	free(s.b);
}

TEST(bootimg_file_out_of_bounds)
{
	struct {
		uint64_t offset, size;
		int want;
	} cases[] = {
		{ 0, 0, 0 },
		{ 0, 3 * PG, 0 }, /* the whole image (overlaps the header: allowed) */
		{ 0, 3 * PG + 1, -1 },
		{ 3 * PG, 0, 0 },  /* empty, at the very end */
		{ 3 * PG, 1, -1 },
		{ 3 * PG + 1, 0, -1 },
		{ PG, 2 * PG, 0 },
		{ PG, 2 * PG + 1, -1 },
		{ PG + 1, 2 * PG, -1 },
		{ ~0UL, 0, -1 },
		{ ~0UL, 2, -1 },        /* offset + size wraps to 1 */
		{ 8, ~0UL - 7, -1 },    /* offset + size wraps to 0 */
		{ 0, ~0UL, -1 },
		{ 1UL << 63, 1UL << 63, -1 },
		{ PG, ~0UL - PG + 2, -1 },
	};
	const char *names[] = { "a", "b", "c" };
	size_t sizes[] = { 10, 20, 30 };

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int which = 0; which < 3; which++) {
			struct bimg m = build(3, names, sizes);
			CHECK_EQ(m.size, 4 * PG);
			IMG(&m)->size = 3 * PG; /* the buffer is one page bigger */
			IMG(&m)->file[2].offset = 2 * PG; /* keep the others valid */
			IMG(&m)->file[which].offset = cases[i].offset;
			IMG(&m)->file[which].size = cases[i].size;
			CHECKF(check(&m) == cases[i].want,
			    "file %d at %#lx size %#lx: %d", which,
			    (unsigned long)cases[i].offset,
			    (unsigned long)cases[i].size, check(&m));
			free(m.b);
		}
	}
}

TEST(bootimg_name_without_nul)
{
	const char *names[] = { "first", "second" };
	size_t sizes[] = { 1, 1 };

	for (int which = 0; which < 2; which++) {
		struct bimg m = build(2, names, sizes);
		struct exo_bootimg_file *f = &IMG(&m)->file[which];
		memset(f->name, 'n', sizeof(f->name)); /* 48 bytes, no NUL */
		CHECKF(check(&m) == -1, "entry %d accepted", which);
		f->name[47] = 0; /* 47 characters */
		CHECK_EQ(check(&m), 0);
		char want[48];
		memset(want, 'n', 47);
		want[47] = 0;
		CHECK(bootimg_find(IMG(&m), want) == f);
		/* A short name, NUL-padded as mkbootimg writes it. */
		memset(f->name, 0, sizeof(f->name));
		memset(f->name, 'q', 2);
		CHECK_EQ(check(&m), 0);
		CHECK(bootimg_find(IMG(&m), "qq") == f);
		CHECK(bootimg_find(IMG(&m), "q") == NULL);
		free(m.b);
	}
}

/* An independent bootimg_check: 128-bit arithmetic, bytes by offset. */
static uint64_t
rd(const unsigned char *b, size_t off, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | b[off + (size_t)i];
	return v;
}

static int
ref_check(const unsigned char *b, uint64_t size)
{
	if (size < 32 || rd(b, 0, 8) != EXO_BOOTIMG_MAGIC)
		return -1;
	uint64_t isize = rd(b, 16, 8), n = rd(b, 8, 4);
	if (isize > size || 32 + (unsigned __int128)n * 64 > size)
		return -1;
	for (uint64_t i = 0; i < n; i++) {
		size_t e = 32 + (size_t)i * 64;
		if (b[e + 47] != 0)
			return -1;
		if ((unsigned __int128)rd(b, e + 48, 8) + rd(b, e + 56, 8) > isize)
			return -1;
	}
	return 0;
}

TEST(bootimg_mutation_fuzz)
{
	const char *names[] = { "init", "hello", "t_null", "x" };
	size_t sizes[] = { 3000, 100, 1, 0 };
	struct bimg m = build(4, names, sizes);
	struct unit_rng rng = { 0xb007b007b007ULL };
	long accepted = 0, rejected = 0;
	char err[200] = "";
	const uint64_t v[] = { 0, 1, 31, 32, 64, 96, 0x1000, 0x2000, m.size,
		m.size - 1, m.size + 1, ~0UL, ~0UL - 1, 1UL << 63, 1UL << 32,
		1UL << 26, (1UL << 26) + 1, 0xffffffff };

	for (int it = 0; it < 30000; it++) {
		unsigned char save[HDR + 4 * ENT];
		memcpy(save, m.b, sizeof(save));
		for (int k = 1 + (int)unit_below(&rng, 3); k > 0; k--) {
			size_t pos;
			int len;
			switch (unit_below(&rng, 4)) {
			case 0: /* a header field */
				pos = 8 * unit_below(&rng, 3);
				len = pos == 8 ? 4 : 8;
				break;
			case 1: /* an entry's offset or size */
				pos = HDR + ENT * unit_below(&rng, 4) + 48 +
				    8 * unit_below(&rng, 2);
				len = 8;
				break;
			default: /* a byte of the table */
				pos = unit_below(&rng, sizeof(save));
				len = 1;
			}
			uint64_t val = unit_below(&rng, 2) ? v[unit_below(&rng,
							      sizeof(v) / sizeof(v[0]))]
							   : unit_rand(&rng);
			if (len == 1 && unit_below(&rng, 2))
				val = unit_below(&rng, 2) ? 0 : 'z';
			for (int b = 0; b < len; b++)
				m.b[pos + (size_t)b] = (unsigned char)(val >> (8 * b));
		}
		size_t size = unit_below(&rng, 6) ? m.size
						  : unit_below(&rng, m.size + 1);
		int r = size == m.size ? check(&m) : check_prefix(&m, size);
		int want = ref_check(m.b, size);
		if (r != want) {
			snprintf(err, sizeof(err), "iteration %d: %d, reference %d",
			    it, r, want);
			break;
		}
		if (r == 0) {
			accepted++;
			/* Every name is findable and points inside the image. */
			const struct exo_bootimg *img = IMG(&m);
			for (uint32_t i = 0; i < img->nfiles; i++) {
				const struct exo_bootimg_file *f =
				    bootimg_find(img, img->file[i].name);
				if (f == NULL || strcmp(f->name, img->file[i].name) ||
				    f->offset + f->size > img->size) {
					snprintf(err, sizeof(err),
					    "iteration %d: entry %u not found right",
					    it, i);
					break;
				}
			}
			if (err[0])
				break;
		} else {
			rejected++;
		}
		memcpy(m.b, save, sizeof(save));
	}
	CHECKF(err[0] == 0, "%s", err);
	CHECKF(accepted > 1000 && rejected > 1000, "%ld accepted, %ld rejected",
	    accepted, rejected);
	free(m.b);
}

/* ---- The real tool. ---- */

static char tmpdir[64];
static char tool[4200];

/* build/tools/mkbootimg, or one built now from the sources. */
static int
find_tool(void)
{
	char cmd[9000];

	snprintf(tool, sizeof(tool), "%s/build/tools/mkbootimg", unit_root());
	if (access(tool, X_OK) == 0)
		return 0;
	snprintf(tool, sizeof(tool), "%s/mkbootimg", tmpdir);
	snprintf(cmd, sizeof(cmd),
	    "cd %s && gcc -std=gnu11 -Iinclude -o %s tools/mkbootimg.c "
	    "lib/bootimg.c", unit_root(), tool);
	return system(cmd) == 0 ? 0 : -1;
}

static unsigned char *
slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	unsigned char *b;

	if (f == NULL)
		return NULL;
	if (fstat(fileno(f), &st) < 0 || (b = malloc(st.st_size ? (size_t)st.st_size : 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	*size = (size_t)st.st_size;
	if (fread(b, 1, *size, f) != *size) {
		free(b);
		b = NULL;
	}
	fclose(f);
	return b;
}

static int
write_file(const char *name, size_t size, int seed)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return -1;
	for (size_t k = 0; k < size; k++)
		fputc(pattern(seed, k), f);
	return fclose(f);
}

/* Runs mkbootimg with args (relative to tmpdir); its exit status. */
static int
run_tool(const char *args)
{
	char cmd[9000];
	snprintf(cmd, sizeof(cmd), "cd %s && %s %s 2>/dev/null", tmpdir, tool,
	    args);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

TEST(bootimg_mkbootimg_roundtrip)
{
	REQUIRE(unit_tmpdir(tmpdir, "test_bootimg") == 0);
	REQUIRE(find_tool() == 0);
	struct {
		const char *file, *name;
		size_t size;
	} in[] = {
		{ "a.bin", "a.bin", 5000 },
		{ "empty", "empty", 0 },
		{ "page", "page", 4096 },
		{ "x.dat", "init", 1 },
		{ "sub/deep", "deep", 8193 },
	};
	int n = sizeof(in) / sizeof(in[0]);
	char path[256];
	snprintf(path, sizeof(path), "%s/sub", tmpdir);
	REQUIRE(mkdir(path, 0700) == 0);
	for (int i = 0; i < n; i++)
		REQUIRE(write_file(in[i].file, in[i].size, i) == 0);
	CHECK_EQ(run_tool("out.img a.bin empty page x.dat=init sub/deep"), 0);

	size_t size;
	snprintf(path, sizeof(path), "%s/out.img", tmpdir);
	unsigned char *b = slurp(path, &size);
	REQUIRE(b);
	const struct exo_bootimg *img = (const void *)b;
	CHECK_EQ(bootimg_check(img, size), 0);
	CHECK_EQ(img->magic, EXO_BOOTIMG_MAGIC);
	CHECK_EQ(img->nfiles, n);
	CHECK_EQ(img->size, size);
	CHECK_EQ(size % PG, 0);
	uint64_t end = HDR + (uint64_t)n * ENT;
	for (int i = 0; i < n && i < (int)img->nfiles; i++) {
		const struct exo_bootimg_file *f = &img->file[i];
		CHECKF(strcmp(f->name, in[i].name) == 0, "entry %d named %s", i,
		    f->name);
		CHECK(bootimg_find(img, in[i].name) == f);
		CHECK_EQ(f->size, in[i].size);
		CHECKF(f->offset % PG == 0, "%s at %#lx", f->name,
		    (unsigned long)f->offset);
		CHECKF(f->offset >= end, "%s overlaps what comes before", f->name);
		int same = 1;
		for (size_t k = 0; k < f->size && f->offset + k < size; k++)
			same &= b[f->offset + k] == pattern(i, k);
		CHECKF(same, "%s: contents differ", f->name);
		/* Padding up to the next file is zero. */
		uint64_t next = (f->offset + f->size + PG - 1) & ~(PG - 1);
		int zero = 1;
		for (uint64_t k = f->offset + f->size; k < next && k < size; k++)
			zero &= b[k] == 0;
		CHECKF(zero, "%s: padding not zero", f->name);
		end = f->offset + f->size;
	}
	CHECK_EQ(img->size, (end + PG - 1) & ~(PG - 1));
	/* The names in the table are NUL-padded. */
	for (int k = (int)strlen(img->file[3].name); k < 48; k++)
		CHECK(img->file[3].name[k] == 0);
	free(b);

	/* 70 files: the table alone is more than a page. */
	char args[8000];
	int p = snprintf(args, sizeof(args), "many.img");
	for (int i = 0; i < 70; i++) {
		char name[32];
		snprintf(name, sizeof(name), "f%02d", i);
		REQUIRE(write_file(name, (size_t)i * 37, 100 + i) == 0);
		p += snprintf(args + p, sizeof(args) - (size_t)p, " %s", name);
	}
	CHECK_EQ(run_tool(args), 0);
	snprintf(path, sizeof(path), "%s/many.img", tmpdir);
	b = slurp(path, &size);
	REQUIRE(b);
	img = (const void *)b;
	CHECK_EQ(bootimg_check(img, size), 0);
	CHECK_EQ(img->nfiles, 70);
	CHECK_EQ(img->file[0].offset, 2 * PG); /* 32 + 70 * 64 > 4096 */
	for (int i = 0; i < 70 && i < (int)img->nfiles; i++) {
		char name[32];
		snprintf(name, sizeof(name), "f%02d", i);
		const struct exo_bootimg_file *f = bootimg_find(img, name);
		CHECKF(f == &img->file[i], "%s", name);
		if (f == NULL)
			continue;
		CHECK_EQ(f->size, (size_t)i * 37);
		CHECK_EQ(f->offset % PG, 0);
		if (i > 0 && f->size)
			CHECK(b[f->offset + f->size - 1] ==
			    pattern(100 + i, f->size - 1));
	}
	free(b);
}

TEST(bootimg_mkbootimg_refuses)
{
	REQUIRE(unit_tmpdir(tmpdir, "test_bootimg") == 0);
	REQUIRE(find_tool() == 0);
	REQUIRE(write_file("a", 10, 1) == 0);
	REQUIRE(write_file("b", 10, 2) == 0);
	char name47[48], name48[49], args[200];
	memset(name47, 'k', 47);
	name47[47] = 0;
	memset(name48, 'k', 48);
	name48[48] = 0;

	CHECK(run_tool("o1 a b=a") != 0);     /* duplicate name */
	CHECK(run_tool("o2 a nothere") != 0); /* missing file */
	CHECK_EQ(run_tool("o3"), 2);          /* no files: usage */
	snprintf(args, sizeof(args), "o4 a=%s", name48);
	CHECK(run_tool(args) != 0); /* 48 characters do not fit with the NUL */
	snprintf(args, sizeof(args), "o5 a=%s", name47);
	CHECK_EQ(run_tool(args), 0);
	size_t size;
	char path[256];
	snprintf(path, sizeof(path), "%s/o5", tmpdir);
	unsigned char *b = slurp(path, &size);
	REQUIRE(b);
	CHECK_EQ(bootimg_check((const void *)b, size), 0);
	CHECK(bootimg_find((const void *)b, name47) != NULL);
	free(b);
}

/*
 * The boot image `make all` builds, if there is one: it checks, and its
 * init is an ELF the kernel's loader would take.  Without it, the same for
 * an image of a program gcc links now.
 */
TEST(bootimg_real_image_has_init)
{
	char path[4300], cmd[9000];
	size_t size;

	snprintf(path, sizeof(path), "%s/build/bootimg", unit_root());
	if (access(path, R_OK) != 0) {
		REQUIRE(unit_tmpdir(tmpdir, "test_bootimg") == 0);
		REQUIRE(find_tool() == 0);
		snprintf(cmd, sizeof(cmd),
		    "cd %s && printf 'void _start(void) { for (;;); }\\n' > p.c && "
		    "gcc -static -nostdlib -no-pie -fno-pie -o init p.c && "
		    "%s boot.img init >/dev/null 2>&1", tmpdir, tool);
		REQUIRE(system(cmd) == 0);
		snprintf(path, sizeof(path), "%s/boot.img", tmpdir);
	}
	unsigned char *b = slurp(path, &size);
	REQUIRE(b);
	const struct exo_bootimg *img = (const void *)b;
	CHECK_EQ(bootimg_check(img, size), 0);
	const struct exo_bootimg_file *f = bootimg_find(img, "init");
	CHECK(f != NULL);
	if (f) {
		struct elf_image e;
		CHECK_EQ(f->offset % PG, 0);
		int r = elf_parse(b + f->offset, f->size, EXO_BOOTIMG_VA, &e);
		CHECKF(r == 0, "init: %s", elf_strerror(r));
		CHECK_EQ(e.type, ET_EXEC);
	}
	free(b);
}

int
main(int argc, char **argv)
{
	return unit_main(argc, argv);
}
