/*
 * Secure bindings of pages into address spaces, and checks of user
 * pointers handed to system calls.
 */
#ifndef KERN_VM_H
#define KERN_VM_H

#include <stdint.h>

#include <exo/abi.h>

struct env;

int vm_user_ok(uint64_t va, uint64_t len, int write);
int vm_user_range(struct env *e, uint64_t va, uint64_t len, int write);
int64_t vm_batch(struct env *e, const struct exo_ptop *ops, uint64_t nops);
void vm_unmap_page(struct env *e, uint64_t ppn);

#endif
