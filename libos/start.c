/*
 * Program start: unpack the start block the spawner left on our stack,
 * run main, exit with what it returns.  Init is started by the kernel
 * instead, with the boot image's address as its argument; it makes its own
 * copy of the image from pages it holds capabilities for, so that it can
 * share the image with the programs it starts (spawn.c).
 */
#include "exos.h"
#include "internal.h"

void exos_start(uint64_t arg) __attribute__((noreturn));

void
exit(int status)
{
	exo_env_exit(status);
	for (;;)
		;
}

void
exos_start(uint64_t arg)
{
	static char *init_argv[] = { "init", NULL };
	int argc;
	char **argv;

	if (arg == EXO_BOOTIMG_VA) {
		for (exo_slot_t s = EXO_SLOT_SELF; s <= EXO_SLOT_MACHINE; s++)
			slot_mark_used(s);
		bootimg_adopt();
		argc = 1;
		argv = init_argv;
	} else {
		struct exos_startblock *sb = (void *)arg;
		for (exo_slot_t s = EXO_SLOT_SELF; s <= EXO_SLOT_MACHINE; s++)
			slot_mark_used(s);
		argc = (int)sb->argc;
		argv = sb->argv;
		exos_bootimg_size = sb->bootimg_size;
	}
	exit(main(argc, argv));
}
