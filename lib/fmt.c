/*
 * The one printf formatter, used by the kernel's console, the native user
 * library and the host tools (see lib.h for what it understands).
 */
#include "lib.h"

static int
put_num(void (*put)(int, void *), void *arg, unsigned long long v, int base,
    int upper, int neg, int width, int zero, int left)
{
	char buf[24];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0, count = 0;

	do {
		buf[n++] = digits[v % base];
		v /= base;
	} while (v);
	int len = n + neg;
	if (neg && zero) {
		put('-', arg);
		count++;
	}
	for (; !left && width > len; width--, count++)
		put(zero ? '0' : ' ', arg);
	if (neg && !zero) {
		put('-', arg);
		count++;
	}
	while (n)
		put(buf[--n], arg), count++;
	for (; left && width > len; width--, count++)
		put(' ', arg);
	return count;
}

int
lib_vformat(void (*put)(int, void *), void *arg, const char *fmt, va_list ap)
{
	int count = 0;

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(*fmt, arg);
			count++;
			continue;
		}
		int left = 0, zero = 0, width = 0, prec = -1, lng = 0;
		for (fmt++; *fmt == '-' || *fmt == '0'; fmt++)
			*fmt == '-' ? (left = 1) : (zero = 1);
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = 1;
				width = -width;
			}
			fmt++;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + *fmt - '0';
		if (*fmt == '.') {
			prec = 0;
			for (fmt++; *fmt >= '0' && *fmt <= '9'; fmt++)
				prec = prec * 10 + *fmt - '0';
		}
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng++;
		unsigned long long u;
		long long s;
		switch (*fmt) {
		case 'd':
		case 'i':
			s = lng ? va_arg(ap, long long) : va_arg(ap, int);
			u = s < 0 ? -(unsigned long long)s : (unsigned long long)s;
			count += put_num(put, arg, u, 10, 0, s < 0, width, zero,
			    left);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng ? va_arg(ap, unsigned long long)
				: va_arg(ap, unsigned int);
			count += put_num(put, arg, u,
			    *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16,
			    *fmt == 'X', 0, width, zero, left);
			break;
		case 'p': {
			/* The width covers "0x" too, as printf's does. */
			char digits[20];
			int n = lib_snprintf(digits, sizeof(digits), "0x%lx",
			    (unsigned long)(uintptr_t)va_arg(ap, void *));
			for (; !left && width > n; width--, count++)
				put(' ', arg);
			for (int i = 0; i < n; i++, count++)
				put(digits[i], arg);
			for (; left && width > n; width--, count++)
				put(' ', arg);
			break;
		}
		case 'c':
			for (; !left && width > 1; width--, count++)
				put(' ', arg);
			put(va_arg(ap, int), arg);
			count++;
			for (; left && width > 1; width--, count++)
				put(' ', arg);
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (str == NULL)
				str = "(null)";
			int len = 0;
			/* The precision bounds the read: str need not end in NUL. */
			while ((prec < 0 || len < prec) && str[len])
				len++;
			for (; !left && width > len; width--, count++)
				put(' ', arg);
			for (int i = 0; i < len; i++, count++)
				put(str[i], arg);
			for (; left && width > len; width--, count++)
				put(' ', arg);
			break;
		}
		case '%':
			put('%', arg);
			count++;
			break;
		default:
			put('%', arg);
			count++;
			if (!*fmt)
				return count;
			put(*fmt, arg);
			count++;
		}
	}
	return count;
}

struct snbuf {
	char *p;
	size_t left;
};

static void
put_buf(int c, void *arg)
{
	struct snbuf *b = arg;

	if (b->left > 1) {
		*b->p++ = (char)c;
		b->left--;
	}
}

/* Returns the length the whole output would have, as snprintf does. */
int
lib_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct snbuf b = { buf, size };
	int n = lib_vformat(put_buf, &b, fmt, ap);

	if (size)
		*b.p = 0;
	return n;
}

int
lib_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = lib_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
