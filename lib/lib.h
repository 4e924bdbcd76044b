/*
 * Code shared by the kernel, the native user library and the host tools:
 * the string functions the compiler may call, and one printf formatter.
 * Freestanding: it needs nothing but <stdarg.h>, <stddef.h> and <stdint.h>.
 */
#ifndef LIB_LIB_H
#define LIB_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/*
 * Formats like printf, calling put(c, arg) for each character.  Knows
 * %d %i %u %x %X %o %c %s %p %% with the flags '-' and '0', a field width,
 * a precision for %s, and the length modifiers l, ll, z.  Returns the
 * number of characters produced.
 */
int lib_vformat(void (*put)(int c, void *arg), void *arg, const char *fmt,
    va_list ap);
int lib_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int lib_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
