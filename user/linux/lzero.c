/*
 * lzero: memory a process has only read, and memory it has written, under
 * pressure (tests/guest/t_lrevoke.c runs it on ExOS and squeezes memory
 * meanwhile).  It maps NCLEAN pages and reads every one (so they exist,
 * all zeros, never written), writes a pattern over NDIRTY more, says
 * "lzero: ready", sleeps SECONDS, then checks that the read pages still
 * read as zeros and the written ones still hold the pattern, writes the
 * read ones too, and checks again.  Exits 0 if everything held.
 *   lzero [SECONDS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define NCLEAN 3000
#define NDIRTY 300
#define PAGE 4096

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		printf("usage: lzero [SECONDS]\nReads %d pages and writes %d, "
		       "sleeps, and checks both kept what they held.\n",
		    NCLEAN, NDIRTY);
		return 0;
	}
	int secs = argc > 1 ? atoi(argv[1]) : 2;
	volatile uint8_t *clean = mmap(NULL, (size_t)NCLEAN * PAGE,
	    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t *dirty = mmap(NULL, (size_t)NDIRTY * PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (clean == MAP_FAILED || dirty == MAP_FAILED) {
		printf("lzero: mmap failed\n");
		return 1;
	}
	unsigned sum = 0;
	for (int i = 0; i < NCLEAN; i++)
		sum += clean[(size_t)i * PAGE + (size_t)(i % PAGE)];
	for (size_t i = 0; i < (size_t)NDIRTY * PAGE / 8; i++)
		dirty[i] = i * 0x9e3779b97f4a7c15UL;
	printf("lzero: ready (%u)\n", sum);
	fflush(stdout);
	struct timespec ts = { secs, 0 };
	while (nanosleep(&ts, &ts) != 0)
		;
	int bad = 0;
	for (size_t i = 0; i < (size_t)NCLEAN * PAGE; i += 512)
		bad += clean[i] != 0;
	for (size_t i = 0; i < (size_t)NDIRTY * PAGE / 8; i++)
		bad += dirty[i] != i * 0x9e3779b97f4a7c15UL;
	for (size_t i = 0; i < (size_t)NCLEAN * PAGE; i += PAGE)
		clean[i] = (uint8_t)(i / PAGE);
	for (size_t i = 0; i < (size_t)NCLEAN * PAGE; i += PAGE)
		bad += clean[i] != (uint8_t)(i / PAGE);
	printf("lzero: %s\n", bad ? "memory changed" : "all kept");
	return bad != 0;
}
