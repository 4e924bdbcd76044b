/*
 * Starting the first environment from the boot image.
 */
#ifndef KERN_LOADER_H
#define KERN_LOADER_H

struct bootinfo;

void loader_start_init(const struct bootinfo *bi);

#endif
