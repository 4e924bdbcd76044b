/*
 * mkbootimg: packs programs into the boot image the kernel is booted with
 * (format: struct exo_bootimg in include/exo/abi.h).
 *
 *   mkbootimg OUT FILE[=NAME]...
 *
 * Each file is stored under NAME, or its base name, page-aligned.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <exo/abi.h>

#include "../lib/bootimg.h"

static void
die(const char *msg, const char *arg)
{
	fprintf(stderr, "mkbootimg: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	exit(1);
}

static unsigned char *
slurp(const char *path, uint64_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (f == NULL)
		die(strerror(errno), path);
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0)
		die("cannot size", path);
	if ((buf = malloc(n ? (size_t)n : 1)) == NULL)
		die("out of memory", NULL);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("short read", path);
	fclose(f);
	*size = (uint64_t)n;
	return buf;
}

int
main(int argc, char **argv)
{
	if (argc < 3 || strcmp(argv[1], "--help") == 0) {
		fprintf(stderr, "usage: mkbootimg OUT FILE[=NAME]...\n"
				"Packs the files into a boot image for the exokernel.\n");
		return argc < 3 ? 2 : 0;
	}
	uint32_t n = (uint32_t)(argc - 2);
	uint64_t hdr = sizeof(struct exo_bootimg) + n * sizeof(struct exo_bootimg_file);
	uint64_t off = (hdr + EXO_PGSIZE - 1) & ~(EXO_PGSIZE - 1);
	unsigned char **data = calloc(n, sizeof(*data));
	struct exo_bootimg *img = calloc(1, hdr);

	if (data == NULL || img == NULL)
		die("out of memory", NULL);
	img->magic = EXO_BOOTIMG_MAGIC;
	img->nfiles = n;
	for (uint32_t i = 0; i < n; i++) {
		char *path = argv[i + 2], *name = strchr(path, '=');
		if (name)
			*name++ = 0;
		else
			name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		if (strlen(name) >= sizeof(img->file[i].name))
			die("name too long", name);
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(img->file[j].name, name) == 0)
				die("duplicate name", name);
		strcpy(img->file[i].name, name);
		data[i] = slurp(path, &img->file[i].size);
		img->file[i].offset = off;
		off = (off + img->file[i].size + EXO_PGSIZE - 1) & ~(EXO_PGSIZE - 1);
	}
	img->size = off;
	FILE *out = fopen(argv[1], "wb");
	if (out == NULL)
		die(strerror(errno), argv[1]);
	unsigned char *all = calloc(1, off);
	if (all == NULL)
		die("out of memory", NULL);
	memcpy(all, img, hdr);
	for (uint32_t i = 0; i < n; i++)
		memcpy(all + img->file[i].offset, data[i], img->file[i].size);
	if (bootimg_check((struct exo_bootimg *)all, off) < 0)
		die("internal error: the image does not check", NULL);
	if (fwrite(all, 1, off, out) != off || fclose(out) != 0)
		die("write failed", argv[1]);
	for (uint32_t i = 0; i < n; i++)
		free(data[i]);
	free(data);
	free(img);
	free(all);
	return 0;
}
