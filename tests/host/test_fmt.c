/*
 * Host tests for lib/fmt.c: lib_snprintf against the host libc's snprintf
 * for the subset lib.h documents (%d %i %u %x %X %o %c %s %p %%, flags '-'
 * and '0', field width, '*' width, precision for %s, length modifiers l,
 * ll, z).
 *
 * Bugs looked for:
 *  - wrong digits or signs at the edges: 0, INT_MIN, LLONG_MIN, the largest
 *    unsigned values, every base;
 *  - length modifiers reading the wrong argument size (a following argument
 *    comes out wrong);
 *  - padding: width smaller/larger than the value, '-' and '0', zero padding
 *    placed before the sign, '*' widths (also negative ones, which C says
 *    mean '-' plus the absolute width), width on %c and %p;
 *  - %s precision reading past a string that is not NUL-terminated (ASan);
 *  - truncation: the return value must be the full length, the buffer
 *    NUL-terminated at size-1, nothing written past size, nothing at all
 *    when size is 0;
 *  - all of that again in a random differential test (fixed seed).
 * %p prints "0x" and hex digits, also for NULL ("0x0", not glibc's
 * "(nil)"); those cases are checked against that, not libc.
 */
#include <limits.h>
#include <stdint.h>

#include "../../lib/fmt.c"

#include "unit.h"

/*
 * Formats with both and compares the bytes and the return values.  The
 * format is not a literal here, so the compiler does not check it; each
 * caller passes arguments of the types the conversion wants.
 */
static int
cmp_at(int line, const char *fmt, ...)
{
	char got[512], want[512];
	va_list ap, ap2;
	int n, m;

	memset(got, 0x5a, sizeof(got));
	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = lib_vsnprintf(got, sizeof(got), fmt, ap);
	m = vsnprintf(want, sizeof(want), fmt, ap2);
	va_end(ap2);
	va_end(ap);
	if (!unit_count(n == m && m >= 0 && m < (int)sizeof(want) &&
		memcmp(got, want, (size_t)m + 1) == 0)) {
		unit_failf(__FILE__, line, "\"%s\": got \"%s\" (%d), libc \"%s\" (%d)",
		    fmt, got, n, want, m);
		return 0;
	}
	return 1;
}
#define CMP(...) cmp_at(__LINE__, __VA_ARGS__)

/* lib_snprintf against an expected string. */
static void
expect_at(int line, const char *want, const char *fmt, ...)
{
	char got[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = lib_vsnprintf(got, sizeof(got), fmt, ap);
	va_end(ap);
	if (!unit_count(n == (int)strlen(want) && strcmp(got, want) == 0))
		unit_failf(__FILE__, line, "\"%s\": got \"%s\" (%d), want \"%s\"",
		    fmt, got, n, want);
}
#define EXPECT(...) expect_at(__LINE__, __VA_ARGS__)

TEST(fmt_signed)
{
	int iv[] = { 0, 1, -1, 7, -7, 42, -42, 1000000, INT_MAX, INT_MIN,
		INT_MIN + 1 };
	const char *f[] = { "%d", "%i", "[%5d]", "[%-5d]", "[%05d]", "[%1d]",
		"[%12d]", "[%-12d]", "[%012d]", "[%-012d]", "%d%d" };
	for (unsigned i = 0; i < sizeof(iv) / sizeof(iv[0]); i++)
		for (unsigned j = 0; j < sizeof(f) / sizeof(f[0]); j++)
			CMP(f[j], iv[i], iv[i]);
	long long lv[] = { 0, -1, LLONG_MAX, LLONG_MIN, LLONG_MIN + 1,
		(long long)INT_MAX + 1, (long long)INT_MIN - 1, 1LL << 40 };
	for (unsigned i = 0; i < sizeof(lv) / sizeof(lv[0]); i++) {
		CMP("%lld", lv[i]);
		CMP("%lli", lv[i]);
		CMP("[%25lld]", lv[i]);
		CMP("[%-25lld]", lv[i]);
		CMP("[%025lld]", lv[i]);
		CMP("%ld", (long)lv[i]);
		CMP("[%022ld]", (long)lv[i]);
		CMP("%zd", (ssize_t)lv[i]);
	}
	CMP("%ld %ld", LONG_MIN, LONG_MAX);
}

TEST(fmt_unsigned_bases)
{
	unsigned uv[] = { 0, 1, 7, 8, 9, 10, 15, 16, 255, 0x7fffffff, 0x80000000u,
		UINT_MAX, 0xdeadbeef };
	const char *f[] = { "%u", "%x", "%X", "%o", "[%8x]", "[%-8X]", "[%08o]",
		"[%012u]", "[%-3x]", "[%1o]" };
	for (unsigned i = 0; i < sizeof(uv) / sizeof(uv[0]); i++)
		for (unsigned j = 0; j < sizeof(f) / sizeof(f[0]); j++)
			CMP(f[j], uv[i]);
	unsigned long long lv[] = { 0, ULLONG_MAX, ULLONG_MAX - 1, 1ULL << 63,
		(1ULL << 32) + 5, 0x0123456789abcdefULL };
	for (unsigned i = 0; i < sizeof(lv) / sizeof(lv[0]); i++) {
		CMP("%llu", lv[i]);
		CMP("%llx", lv[i]);
		CMP("%llX", lv[i]);
		CMP("%llo", lv[i]); /* 22 octal digits for the largest */
		CMP("[%030llo]", lv[i]);
		CMP("%lu %lx", (unsigned long)lv[i], (unsigned long)lv[i]);
		CMP("%zu %zx %zX %zo", (size_t)lv[i], (size_t)lv[i], (size_t)lv[i],
		    (size_t)lv[i]);
	}
	/* An int's worth of argument for %u: upper bits of the slot ignored. */
	CMP("%u %x", -1, -2);
}

/* A 64-bit argument consumed as 32 bits (or back) shifts the next one. */
TEST(fmt_length_modifiers_consume_the_right_size)
{
	CMP("%lld|%d|%s", LLONG_MIN, 5, "next");
	CMP("%d|%lld|%d", -3, LLONG_MAX, 9);
	CMP("%zu|%u|%zx", (size_t)-1, 7u, (size_t)0x1234);
	CMP("%lx|%x|%lu", ~0UL, 0xabcu, 1UL << 40);
	CMP("%c%lld%c", 'a', 1LL << 62, 'b');
	CMP("%p %d", (void *)0x1234, 77);
}

TEST(fmt_char_string_percent)
{
	CMP("%c", 'x');
	CMP("[%c%c%c]", 'a', ' ', '~');
	CMP("%s", "");
	CMP("%s", "hello, world");
	CMP("[%10s]", "abc");
	CMP("[%-10s]", "abc");
	CMP("[%2s]", "abcdef");
	CMP("[%.3s]", "abcdef");
	CMP("[%.0s]", "abcdef");
	CMP("[%.10s]", "abc");
	CMP("[%8.3s]", "abcdef");
	CMP("[%-8.3s]", "abcdef");
	CMP("[%.3s]", "ab");
	CMP("%s", (const char *)NULL); /* "(null)" in both */
	CMP("100%%");
	CMP("%%d %d %%", 5);
	CMP("%s%s%s", "a", "", "c");
	CMP("no conversions at all");
	/* The NUL a %c writes counts and is copied. */
	CMP("a%cb", 0);
}

/*
 * C: with a precision, "the array shall contain a null character" only if
 * the precision is larger than the array.  So %.3s may be given exactly
 * three bytes with no NUL; reading a fourth is an overflow (ASan reports it
 * and this test then fails as crashed).
 */
TEST(fmt_string_precision_stops_reading)
{
	char *raw = malloc(3);
	REQUIRE(raw);
	memcpy(raw, "xyz", 3);
	CMP("[%.2s]", raw);
	CMP("[%.3s]", raw);
	CMP("[%-6.3s]", raw);
	free(raw);
}

TEST(fmt_star_width)
{
	CMP("[%*d]", 8, 42);
	CMP("[%-*d]", 8, -42);
	CMP("[%0*d]", 8, -42);
	CMP("[%*d]", 0, 42);
	CMP("[%*d]", 1, -42);
	CMP("[%*s]", 6, "ab");
	CMP("[%-*s]", 6, "ab");
	CMP("[%*x|%*u]", 5, 255u, 7, 3u);
	CMP("[%*lld]", 25, LLONG_MIN);
}

/* C: "a negative field width argument is taken as a - flag followed by a
 * positive field width". */
TEST(fmt_star_negative_width)
{
	CMP("[%*d]", -5, 42);
	CMP("[%*s]", -6, "ab");
	CMP("[%*x]", -4, 10u);
	CMP("[%0*d]", -5, 42); /* '-' wins over '0' */
}

/* The field width applies to %c as to every conversion. */
TEST(fmt_char_width)
{
	CMP("[%5c]", 'a');
	CMP("[%-3c]", 'b');
	CMP("[%*c]", 4, 'c');
}

TEST(fmt_pointer)
{
	EXPECT("0x0", "%p", (void *)0);
	EXPECT("[0x0]", "[%p]", (void *)0);
	EXPECT("0x1", "%p", (void *)1);
	EXPECT("0xdeadbeef", "%p", (void *)0xdeadbeefUL);
	EXPECT("0xffffffffffffffff", "%p", (void *)~0UL);
	EXPECT("0x7f0000000000", "%p", (void *)0x7f0000000000UL);
	/* Non-NULL pointers print as glibc's do. */
	int local;
	CMP("%p", (void *)&local);
	CMP("%p", (void *)0xffff800000000000UL);
	CMP("%p|%p", (void *)0x10, (void *)0x20);
}

/* A field width counts the whole "0x..." conversion, as printf's does. */
TEST(fmt_pointer_width)
{
	EXPECT("[      0x1234]", "[%12p]", (void *)0x1234);
	EXPECT("[0x1234      ]", "[%-12p]", (void *)0x1234);
	EXPECT("[0x1234]", "[%3p]", (void *)0x1234);
	CMP("[%20p]", (void *)0xdeadbeefUL);
}

/* Size 0 writes nothing; otherwise a prefix, NUL at size-1, full length. */
TEST(fmt_truncation)
{
	struct {
		const char *fmt;
		int kind; /* 0: int, 1: string, 2: long long */
		long long i;
		const char *s;
	} cases[] = {
		{ "%d", 0, -12345, NULL },
		{ "abc%sdef", 1, 0, "XYZ" },
		{ "[%-10s]", 1, 0, "hi" },
		{ "%lld!", 2, LLONG_MIN, NULL },
		{ "%08x", 0, 0xbeef, NULL },
		{ "%%%c%%", 0, 'q', NULL },
		{ "", 0, 0, NULL },
		{ "%s", 1, 0, "" },
	};
	for (unsigned c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		char full[128], buf[160];
		int len;
#define FMT(b, n)                                                              \
	(cases[c].kind == 1 ? lib_snprintf(b, n, cases[c].fmt, cases[c].s)     \
	    : cases[c].kind == 2 ? lib_snprintf(b, n, cases[c].fmt, cases[c].i) \
				 : lib_snprintf(b, n, cases[c].fmt, (int)cases[c].i))
		/* Formats chosen at run time: the compiler cannot check them. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"
		len = cases[c].kind == 1 ? snprintf(full, sizeof(full), cases[c].fmt,
						cases[c].s)
		    : cases[c].kind == 2 ? snprintf(full, sizeof(full), cases[c].fmt,
					       cases[c].i)
					 : snprintf(full, sizeof(full), cases[c].fmt,
					       (int)cases[c].i);
#pragma GCC diagnostic pop
		REQUIRE(len >= 0 && len < 100);
		for (size_t size = 0; size <= (size_t)len + 3; size++) {
			memset(buf, 0x5a, sizeof(buf));
			int n = FMT(buf + 8, size);
			CHECKF(n == len, "\"%s\" size %zu: returned %d, full %d",
			    cases[c].fmt, size, n, len);
			for (int k = 0; k < 8; k++)
				CHECKF(buf[k] == 0x5a, "\"%s\": wrote before the buffer",
				    cases[c].fmt);
			if (size == 0) {
				CHECKF(buf[8] == 0x5a, "\"%s\": size 0 wrote a byte",
				    cases[c].fmt);
				continue;
			}
			size_t keep = size - 1 < (size_t)len ? size - 1 : (size_t)len;
			CHECKF(memcmp(buf + 8, full, keep) == 0 && buf[8 + keep] == 0,
			    "\"%s\" size %zu: \"%s\", want a prefix of \"%s\"",
			    cases[c].fmt, size, buf + 8, full);
			for (size_t k = 8 + size; k < sizeof(buf); k++)
				CHECKF(buf[k] == 0x5a,
				    "\"%s\" size %zu: wrote past the end at %zu",
				    cases[c].fmt, size, k - 8);
		}
		/* A NULL buffer with size 0 is fine: only the length. */
		CHECK_EQ(FMT(NULL, 0), len);
#undef FMT
	}
	/* Exactly fitting, and one short. */
	char b4[4];
	CHECK_EQ(lib_snprintf(b4, 4, "%s", "abc"), 3);
	CHECK(strcmp(b4, "abc") == 0);
	CHECK_EQ(lib_snprintf(b4, 4, "%s", "abcd"), 4);
	CHECK(strcmp(b4, "abc") == 0);
	char b1[1] = { 'x' };
	CHECK_EQ(lib_snprintf(b1, 1, "%d", 12345), 5);
	CHECK(b1[0] == 0);
	/* A long output: the count is right far beyond the buffer. */
	char small[16];
	CHECK_EQ(lib_snprintf(small, sizeof(small), "%300s|%-200d|", "x", 5), 502);
	CHECK_EQ(strlen(small), 15);
}

/* lib_vformat calls put once per character and returns the count. */
static int nput;
static char putbuf[64];
static void
count_put(int c, void *arg)
{
	(void)arg;
	if (nput < (int)sizeof(putbuf))
		putbuf[nput] = (char)c;
	nput++;
}

static int
vformat(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = lib_vformat(count_put, NULL, fmt, ap);
	va_end(ap);
	return n;
}

TEST(fmt_vformat_count)
{
	nput = 0;
	CHECK_EQ(vformat("%s=%5d%c%p", "ab", -3, '!', (void *)0x10), 13);
	CHECK_EQ(nput, 13);
	CHECK(memcmp(putbuf, "ab=   -3!0x10", 13) == 0);
}

/* ---- Random differential test. ---- */

TEST(fmt_random_vs_libc)
{
	struct unit_rng rng = { 0x5eed5eed12345678ULL };
	static const char conv[] = "diuxXosc";
	static const char *const lens[] = { "", "l", "ll", "z" };
	static const char *const strs[] = { "", "a", "hello", "0123456789abcdef",
		"with space", "%d not a format" };
	const long long edges[] = { 0, 1, -1, INT_MAX, INT_MIN, UINT_MAX,
		LLONG_MAX, LLONG_MIN, 255, -256, 1000000007 };
	int fails = 0;
	enum { ITER = 100000 };

	for (int it = 0; it < ITER && fails < 1; it++) {
		char fmt[64];
		int p = 0;
		char c = conv[unit_below(&rng, sizeof(conv) - 1)];
		const char *len = (c == 's' || c == 'c') ? "" : lens[unit_below(&rng, 4)];
		int star = unit_below(&rng, 6) == 0;
		int width = unit_below(&rng, 3) ? (int)unit_below(&rng, 30) : 0;
		int left = unit_below(&rng, 3) == 0;
		/* '0' only for numbers; widths only where they are supported. */
		int zero = c != 's' && c != 'c' && unit_below(&rng, 3) == 0;
		int prec = c == 's' && unit_below(&rng, 2) ? (int)unit_below(&rng, 20)
							    : -1;
		if (c == 'c')
			width = star = 0;

		if (unit_below(&rng, 2))
			fmt[p++] = 'A' + (char)unit_below(&rng, 26);
		fmt[p++] = '%';
		if (left)
			fmt[p++] = '-';
		if (zero)
			fmt[p++] = '0';
		if (star)
			fmt[p++] = '*';
		else if (width)
			p += snprintf(fmt + p, sizeof(fmt) - (size_t)p, "%d", width);
		if (prec >= 0)
			p += snprintf(fmt + p, sizeof(fmt) - (size_t)p, ".%d", prec);
		p += snprintf(fmt + p, sizeof(fmt) - (size_t)p, "%s%c|", len, c);

		long long v = unit_below(&rng, 3) ? (long long)unit_rand(&rng)
						  : edges[unit_below(&rng, 11)];
		if (unit_below(&rng, 2))
			v >>= unit_below(&rng, 63);
		const char *s = strs[unit_below(&rng, 6)];
		int ok;
		if (c == 's')
			ok = star ? CMP(fmt, width, s) : CMP(fmt, s);
		else if (c == 'c')
			ok = CMP(fmt, ' ' + (int)(v & 63));
		else if (len[0] == 0)
			ok = star ? CMP(fmt, width, (int)v) : CMP(fmt, (int)v);
		else if (len[0] == 'z')
			ok = star ? CMP(fmt, width, (size_t)v) : CMP(fmt, (size_t)v);
		else if (len[1] == 'l')
			ok = star ? CMP(fmt, width, v) : CMP(fmt, v);
		else
			ok = star ? CMP(fmt, width, (long)v) : CMP(fmt, (long)v);
		fails += !ok;
	}
	CHECK_EQ(fails, 0);
}

int
main(int argc, char **argv)
{
	return unit_main(argc, argv);
}
