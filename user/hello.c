/*
 * hello: prints a greeting and what the kernel shows it about itself.
 */
#include "exos.h"

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		printf("usage: hello [WORDS...]\nPrints a greeting, the words, "
		       "and this environment's id and the free page count.\n");
		return 0;
	}
	printf("hello from env %x:", EXO_SELF->id);
	for (int i = 1; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n%lu of %lu pages free\n", EXO_INFO->free_pages, EXO_INFO->npages);
	return 0;
}
