/*
 * The local APIC and its timer, which marks the boundaries of the slices
 * of the time-slice vector.  The timer and the time-stamp counter are
 * calibrated together against the PIT's 1.193182 MHz clock at boot.
 */
#include "../../arch.h"
#include "../../kern.h"
#include "x86.h"

#define LAPIC_ID 0x020
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0
#define LVT_MASKED (1U << 16)
#define LVT_PERIODIC (1U << 17)
#define PIT_HZ 1193182

static volatile uint32_t *lapic;
static uint64_t tsc_hz, apic_hz;
static uint32_t slice_count; /* timer counts per slice */

static inline uint32_t
lapic_read(uint32_t reg)
{
	return lapic[reg / 4];
}

static inline void
lapic_write(uint32_t reg, uint32_t v)
{
	lapic[reg / 4] = v;
	(void)lapic[LAPIC_ID / 4]; /* wait for the write to land */
}

void
x86_lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APICBASE);

	wrmsr(MSR_APICBASE, base | (1UL << 11)); /* global enable */
	lapic = arch_map_mmio(base & ~0xfffUL);
	lapic_write(LAPIC_SVR, 0x100 | T_SPURIOUS);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_EOI, 0);
}

void
arch_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/*
 * Counts APIC-timer ticks (divide by 16) and TSC ticks over 10 ms of the
 * PIT's channel 2, which is gated and read through port 0x61.
 */
static void
calibrate(uint64_t *apic_per_sec)
{
	const uint32_t pit_count = PIT_HZ / 100;
	uint8_t gate = inb(0x61);

	outb(0x61, (gate & ~0x02) | 0x01);
	outb(0x43, 0xb0); /* channel 2, lo/hi byte, mode 0 */
	outb(0x42, pit_count & 0xff);
	outb(0x42, pit_count >> 8);
	lapic_write(LAPIC_TIMER_DIV, 0x3);
	gate = inb(0x61) & ~0x01;
	outb(0x61, gate);
	outb(0x61, gate | 0x01); /* start counting */
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
	uint64_t t0 = rdtsc();
	while (!(inb(0x61) & 0x20))
		;
	uint32_t left = lapic_read(LAPIC_TIMER_CUR);
	uint64_t t1 = rdtsc();
	lapic_write(LAPIC_TIMER_INIT, 0);
	*apic_per_sec = (uint64_t)(0xffffffffU - left) * 100;
	tsc_hz = (t1 - t0) * 100;
}

static uint32_t
ns_to_count(uint64_t ns)
{
	uint64_t count = apic_hz * ns / 1000000000UL;

	return count == 0 ? 1 : count > 0xffffffffU ? 0xffffffffU : (uint32_t)count;
}

void
arch_timer_init(uint64_t slice_ns)
{
	calibrate(&apic_hz);
	uint32_t count = ns_to_count(slice_ns);
	slice_count = count;
	kprintf("timer: tsc %lu kHz, apic %lu kHz, slice %lu us\n",
	    tsc_hz / 1000, apic_hz / 1000, slice_ns / 1000);
	lapic_write(LAPIC_TIMER_DIV, 0x3);
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | T_TIMER);
	lapic_write(LAPIC_TIMER_INIT, count);
}

/* The next interrupt comes ns from now (an epilogue's deadline). */
void
arch_timer_deadline(uint64_t ns)
{
	lapic_write(LAPIC_TIMER_INIT, ns_to_count(ns));
}

/* A whole slice from now, and every slice after. */
void
arch_timer_restart(void)
{
	lapic_write(LAPIC_TIMER_INIT, slice_count);
}

uint64_t
arch_tsc_hz(void)
{
	return tsc_hz;
}
