/*
 * The serial console on COM1: output by polling, input drained from the
 * UART into a ring buffer whenever the kernel looks (each call that reads
 * and each slice boundary).  QEMU's UART holds back input while its FIFO is
 * full, so polling loses nothing there.  EXO_UINFO's cons_in counts what
 * arrived, for readers that sleep until it moves.
 */
#include "arch.h"
#include "kern.h"
#include "pmem.h"

#define COM1 0x3f8
#define COM_DATA 0
#define COM_IER 1
#define COM_FCR 2
#define COM_LCR 3
#define COM_MCR 4
#define COM_LSR 5
#define LSR_DR 0x01
#define LSR_THRE 0x20

static char inbuf[4096];
static uint32_t in_r, in_w; /* in_w - in_r bytes are waiting */

void
cons_init(void)
{
	arch_outb(COM1 + COM_IER, 0);
	arch_outb(COM1 + COM_LCR, 0x80); /* divisor latch */
	arch_outb(COM1 + COM_DATA, 1);   /* 115200 baud */
	arch_outb(COM1 + COM_IER, 0);
	arch_outb(COM1 + COM_LCR, 0x03); /* 8N1 */
	arch_outb(COM1 + COM_FCR, 0xc7); /* FIFO on, cleared */
	arch_outb(COM1 + COM_MCR, 0x03);
}

void
cons_putc(int c)
{
	for (int i = 0; i < 100000 && !(arch_inb(COM1 + COM_LSR) & LSR_THRE); i++)
		;
	arch_outb(COM1 + COM_DATA, (uint8_t)c);
}

void
cons_poll(void)
{
	while (arch_inb(COM1 + COM_LSR) & LSR_DR) {
		uint8_t c = arch_inb(COM1 + COM_DATA);
		if (in_w - in_r < sizeof(inbuf)) {
			inbuf[in_w++ % sizeof(inbuf)] = (char)c;
			info->cons_in++;
		}
	}
}

int
cons_getc(void)
{
	cons_poll();
	if (in_r == in_w)
		return -1;
	return (unsigned char)inbuf[in_r++ % sizeof(inbuf)];
}
