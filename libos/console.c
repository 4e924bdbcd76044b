/*
 * Console output and input through the console capability in slot 2.
 * Output is gathered into a buffer and written in one call per printf.
 */
#include "exos.h"

struct outbuf {
	char buf[512];
	size_t n;
};

static void
flush(struct outbuf *o)
{
	if (o->n)
		exo_cons_write(EXO_SLOT_CONSOLE, o->buf, o->n);
	o->n = 0;
}

static void
put(int c, void *arg)
{
	struct outbuf *o = arg;

	if (o->n + 2 > sizeof(o->buf))
		flush(o);
	if (c == '\n')
		o->buf[o->n++] = '\r';
	o->buf[o->n++] = (char)c;
}

int
vprintf(const char *fmt, va_list ap)
{
	struct outbuf o;

	o.n = 0;
	int n = lib_vformat(put, &o, fmt, ap);
	flush(&o);
	return n;
}

int
printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int
puts(const char *s)
{
	return printf("%s\n", s);
}

int
getchar_nowait(void)
{
	unsigned char c;

	if (exo_cons_read(EXO_SLOT_CONSOLE, &c, 1) == 1)
		return c;
	return -1;
}

int
getchar(void)
{
	int c;

	for (;;) {
		uint64_t seen = EXO_INFO->cons_in;
		if ((c = getchar_nowait()) >= 0)
			return c;
		exos_sleep_change(&EXO_INFO->cons_in, seen, 0);
	}
}
