/*
 * Pipes the exokernel way: a ring of bytes in memory two environments
 * share, each end blocking by a directed yield to the other.  No kernel
 * object and no server: the kernel only multiplexes the page and the
 * processor.  One writer and one reader; head and tail are each written by
 * one side only, so x86's ordered stores and a compiler barrier suffice.
 *
 * (Linux programs' pipes live in sysd, where any number of processes can
 * hold either end across fork and exec; this is the native, two-party
 * form, for programs that know their peer.)
 */
#include "exos.h"

#define BARRIER() __asm__ volatile("" ::: "memory")

void
exos_pipe_init(struct exos_pipe *p, uint64_t size, exo_envid_t reader,
    exo_envid_t writer)
{
	memset(p, 0, sizeof(*p));
	p->size = size - sizeof(*p);
	p->reader = reader;
	p->writer = writer;
}

/* Writes all n bytes, yielding to the reader while the ring is full.
 * EXO_EDEAD if the reader has closed its end. */
int64_t
exos_pipe_write(struct exos_pipe *p, const void *buf, uint64_t n)
{
	const uint8_t *src = buf;
	uint64_t done = 0;

	while (done < n) {
		if (p->rclosed)
			return done ? (int64_t)done : EXO_EDEAD;
		uint64_t head = p->head, room = p->size - (head - p->tail);
		if (room == 0) {
			exo_yield(p->reader);
			continue;
		}
		uint64_t k = n - done < room ? n - done : room;
		for (uint64_t i = 0; i < k; i++)
			p->buf[(head + i) % p->size] = src[done + i];
		BARRIER();
		p->head = head + k;
		done += k;
	}
	return (int64_t)done;
}

/* Reads what is there (at least a byte), yielding to the writer while the
 * ring is empty; 0 once the writer has closed and all is read. */
int64_t
exos_pipe_read(struct exos_pipe *p, void *buf, uint64_t n)
{
	uint8_t *dst = buf;

	for (;;) {
		uint64_t tail = p->tail, have = p->head - tail;
		if (have == 0) {
			if (p->wclosed)
				return 0;
			exo_yield(p->writer);
			continue;
		}
		BARRIER();
		uint64_t k = n < have ? n : have;
		for (uint64_t i = 0; i < k; i++)
			dst[i] = p->buf[(tail + i) % p->size];
		BARRIER();
		p->tail = tail + k;
		return (int64_t)k;
	}
}

void
exos_pipe_close(struct exos_pipe *p, int reader_end)
{
	BARRIER();
	if (reader_end)
		p->rclosed = 1;
	else
		p->wclosed = 1;
}
