/*
 * Boot image lookups, shared by the kernel, the user library and
 * tools/mkbootimg.c's self-check.
 */
#include "bootimg.h"
#include "lib.h"

int
bootimg_check(const struct exo_bootimg *img, uint64_t size)
{
	if (size < sizeof(*img) || img->magic != EXO_BOOTIMG_MAGIC ||
	    img->size > size)
		return -1;
	if (img->nfiles > (size - sizeof(*img)) / sizeof(img->file[0]))
		return -1;
	for (uint32_t i = 0; i < img->nfiles; i++) {
		const struct exo_bootimg_file *f = &img->file[i];
		if (f->name[sizeof(f->name) - 1] != 0 || f->offset > img->size ||
		    f->size > img->size - f->offset)
			return -1;
	}
	return 0;
}

const struct exo_bootimg_file *
bootimg_find(const struct exo_bootimg *img, const char *name)
{
	for (uint32_t i = 0; i < img->nfiles; i++)
		if (strcmp(img->file[i].name, name) == 0)
			return &img->file[i];
	return NULL;
}
