/*
 * The CMOS real-time clock, read once at boot for the wall clock that the
 * info page carries (boot_epoch); time after that is the cycle counter's.
 */
#include "arch.h"
#include "kern.h"

static uint8_t
cmos(uint8_t reg)
{
	arch_outb(0x70, reg);
	return arch_inb(0x71);
}

static uint64_t
bcd(uint8_t v, int is_bcd)
{
	return is_bcd ? (v >> 4) * 10 + (v & 15) : v;
}

/* Days from 1970-01-01 to year-month-day (proleptic Gregorian). */
static uint64_t
days(uint64_t y, uint64_t m, uint64_t d)
{
	y -= m <= 2;
	uint64_t era = y / 400, yoe = y - era * 400;
	uint64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

uint64_t
rtc_epoch(void)
{
	while (cmos(0x0a) & 0x80) /* update in progress */
		;
	uint8_t b = cmos(0x0b);
	int is_bcd = !(b & 0x04);
	uint64_t s = bcd(cmos(0x00), is_bcd), mi = bcd(cmos(0x02), is_bcd);
	uint64_t h = bcd(cmos(0x04) & 0x7f, is_bcd);
	uint64_t d = bcd(cmos(0x07), is_bcd), mo = bcd(cmos(0x08), is_bcd);
	uint64_t y = bcd(cmos(0x09), is_bcd) + 2000;
	if (!(b & 0x02) && (cmos(0x04) & 0x80))
		h = (h % 12) + 12;
	return days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}
