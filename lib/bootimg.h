/*
 * Looking up files in the boot image (format in include/exo/abi.h), with
 * every offset checked against the image's size.
 */
#ifndef LIB_BOOTIMG_H
#define LIB_BOOTIMG_H

#include <exo/abi.h>

/* 0 if the header and every file entry lie inside size bytes. */
int bootimg_check(const struct exo_bootimg *img, uint64_t size);
/* The entry named name, or NULL; the image must have passed bootimg_check. */
const struct exo_bootimg_file *bootimg_find(const struct exo_bootimg *img,
    const char *name);

#endif
