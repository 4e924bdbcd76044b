/*
 * Helper (not a test): exits at once with argv[1] (decimal or 0x-hex,
 * possibly negative) as its status, 0 if none is given.  Used to check
 * that a child's exit status reaches its parent intact.
 */
#include "tutil.h"

int
main(int argc, char **argv)
{
	return argc > 1 ? (int)parse_num(argv[1]) : 0;
}
