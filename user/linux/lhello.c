/*
 * lhello: an ordinary static Linux program (musl), the smallest check that
 * ExOS's Linux system-call layer starts one: stdio, the heap, its
 * arguments and environment, exit status.
 *   lhello [WORDS...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct utsname u;

	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		printf("usage: lhello [WORDS...]\nA static Linux program: prints "
		       "its arguments and the system's name, exits 7.\n");
		return 0;
	}
	char *heap = malloc(100000);
	if (heap == NULL)
		return 1;
	memset(heap, 'x', 100000);
	uname(&u);
	printf("lhello on %s, pid %d:", u.sysname, getpid());
	for (int i = 1; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\nHOME=%s, heap ok: %c\n", getenv("HOME") ? getenv("HOME") : "(unset)",
	    heap[99999]);
	free(heap);
	return 7;
}
