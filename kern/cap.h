/*
 * Capability lists and the derivation tree.
 *
 * Each environment has a capability space: up to EXO_NSLOTS slots in a
 * three-level table (512 x 512 x 64), whose tables are allocated when a
 * slot in them is first filled.  A slot holds a struct cap.  A capability
 * copied from another is its child; revoking a capability deletes all its
 * descendants, in every environment; deleting one hands its children to its
 * parent, so revocation from above still reaches them.
 *
 * This file is pure logic, built into the host unit tests too
 * (tests/host/test_cap.c).  The kernel supplies the hooks below.
 */
#ifndef KERN_CAP_H
#define KERN_CAP_H

#include <stdint.h>

#include <exo/abi.h>

struct cspace;

struct cap {
	uint16_t type;   /* enum exo_captype; EXO_CAP_NONE when the slot is empty */
	uint16_t rights; /* EXO_R_* */
	uint32_t pad;
	uint64_t name;                 /* physical name of the resource */
	struct cap *parent, *child;    /* derivation tree */
	struct cap *next, *prev;       /* siblings: children of one parent */
	struct cspace *space;          /* the space the slot belongs to */
};

struct cspace {
	struct cap **root[512]; /* root[i][j] is a table of 64 caps */
	uint64_t used;           /* slots filled */
	void *owner;             /* the environment; opaque here */
};

#define CAP_LEAF 64

void cspace_init(struct cspace *cs, void *owner);
void cspace_destroy(struct cspace *cs);
int cspace_holds(const struct cspace *cs, int type, uint64_t name);
long cspace_delete_if(struct cspace *cs,
    int (*match)(const struct cap *c, void *arg), void *arg);

/* Slot lookup.  EXO_ERANGE for a slot past EXO_NSLOTS. */
int cap_lookup(struct cspace *cs, exo_slot_t slot, int type, uint32_t rights,
    struct cap **out);
int cap_empty_slot(struct cspace *cs, exo_slot_t slot, struct cap **out);

void cap_fill(struct cap *slot, struct cap *parent, int type, uint32_t rights,
    uint64_t name);
void cap_delete(struct cap *c);
long cap_revoke(struct cap *c);

/* Hooks the kernel provides (kern/object.c), the host tests fake. */
void cap_obj_get(const struct cap *c);
void cap_obj_put(const struct cap *c, int revoked);
void *cap_table_alloc(void); /* a zeroed 4 KiB table, or NULL */
void cap_table_free(void *t);

#endif
