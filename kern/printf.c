/*
 * Kernel console output and panics.  The kernel's own lines end in "\r\n"
 * so that they read well on a raw serial terminal.
 */
#include "arch.h"
#include "kern.h"

static void
kputc(int c, void *arg)
{
	(void)arg;
	if (c == '\n')
		cons_putc('\r');
	cons_putc(c);
}

void
kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lib_vformat(kputc, NULL, fmt, ap);
	va_end(ap);
}

/* Ends the machine: a broken kernel invariant is never survivable. */
void
panic(const char *fmt, ...)
{
	va_list ap;

	kprintf("kernel panic: ");
	va_start(ap, fmt);
	lib_vformat(kputc, NULL, fmt, ap);
	va_end(ap);
	kprintf("\n");
	arch_poweroff(125);
}
