/*
 * The memory and string functions that freestanding code (and the code the
 * compiler generates for it) expects.  Host builds use their libc instead.
 */
#include "lib.h"

#include <stdint.h>

/*
 * memset and memcpy move eight bytes at a time with the string
 * instructions: pages are zeroed and copied often (page allocation, the
 * spawner, signal frames), and a byte loop costs four instructions a byte.
 */
void *
memset(void *d, int c, size_t n)
{
	uint64_t v = (unsigned char)c * 0x0101010101010101UL;
	size_t words = n / 8;
	void *p = d;

	__asm__ volatile("rep stosq" : "+D"(p), "+c"(words) : "a"(v) : "memory");
	for (unsigned char *b = p; n % 8; n--)
		*b++ = (unsigned char)c;
	return d;
}

void *
memcpy(void *d, const void *s, size_t n)
{
	size_t words = n / 8;
	void *dp = d;
	const void *sp = s;

	__asm__ volatile("rep movsq" : "+D"(dp), "+S"(sp), "+c"(words) : : "memory");
	unsigned char *db = dp;
	const unsigned char *sb = sp;
	for (n %= 8; n; n--)
		*db++ = *sb++;
	return d;
}

void *
memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp < sp || dp >= sp + n) {
		while (n--)
			*dp++ = *sp++;
	} else {
		while (n--)
			dp[n] = sp[n];
	}
	return d;
}

int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t
strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int
strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int
strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *
strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}
