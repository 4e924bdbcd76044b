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

uint64_t exos_npages;

int64_t
exos_guarantee_image(void)
{
	uint64_t i;

	int64_t n = 0;

	/* Text shared from the boot image is nobody's to guarantee (and no
	 * one's to take): only our own pages count. */
	for (i = 0; i < exos_npages; i++)
		if (exo_page_guarantee(EXOS_PAGE_SLOT0 + i, 1) == 0)
			n++;
	return n;
}

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
		bootimg_adopt(EXO_INFO->bootimg_slot);
		argc = 1;
		argv = init_argv;
	} else {
		struct exos_startblock *sb = (void *)arg;
		for (exo_slot_t s = EXO_SLOT_SELF; s <= EXO_SLOT_MACHINE; s++)
			slot_mark_used(s);
		argc = (int)sb->argc;
		argv = sb->argv;
		exos_bootimg_size = sb->bootimg_size;
		exos_npages = sb->npages;
		for (uint64_t i = 0; i < exos_npages; i++)
			slot_mark_used(EXOS_PAGE_SLOT0 + i);
		struct exo_capinfo ci;
		if (exos_bootimg_size && exo_cap_info(EXOS_IMG_SLOT0, &ci) == 0 &&
		    ci.type == EXO_CAP_PAGE)
			bootimg_adopt(EXOS_IMG_SLOT0); /* given the image to pass on */
	}
	exit(main(argc, argv));
}
