/*
 * Visible revocation, the abort protocol and guaranteed pages (revoke.c).
 */
#ifndef KERN_REVOKE_H
#define KERN_REVOKE_H

#include <stdint.h>

struct env;

int revoke_request_pages(struct env *e, uint64_t npages);
int revoke_request_slice(struct env *e, uint64_t index);
int revoke_for_alloc(struct env *asker);
int64_t revoke_return(struct env *e, const uint64_t *ppns, uint64_t n);
void revoke_slice_return(struct env *e, uint64_t index);
void revoke_tick(void);
int revoke_deliver(struct env *e);
void revoke_env_gone(struct env *e);

#endif
