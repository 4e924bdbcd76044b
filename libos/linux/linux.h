/*
 * ExOS's Linux system-call layer (syscall.c), used by its runtime (main.c).
 */
#ifndef EXOS_LINUX_H
#define EXOS_LINUX_H

#include <stdint.h>

int linux_init(uint64_t brk);

#endif
