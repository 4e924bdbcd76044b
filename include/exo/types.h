/*
 * Fixed-width types used at the ABI.  The kernel and the host tools get them
 * from <stdint.h>; freestanding user code does too (gcc ships the header).
 * Everything that crosses the kernel boundary is declared with these so the
 * layout is the same for every compiler.
 */
#ifndef EXO_TYPES_H
#define EXO_TYPES_H

#include <stddef.h>
#include <stdint.h>

/* A capability slot number in an environment's capability list. */
typedef uint64_t exo_slot_t;

/* An environment id: index in the low 12 bits, generation above them. */
typedef int32_t exo_envid_t;

#endif
