/*
 * Capability spaces and the derivation tree; see cap.h for the rules.
 * Invariant: a slot's type is EXO_CAP_NONE exactly when it is not in any
 * derivation tree, and every filled slot holds one reference on its
 * resource (cap_obj_get at fill, cap_obj_put at delete).
 */
#include "../lib/lib.h"
#include "cap.h"

_Static_assert(CAP_LEAF * sizeof(struct cap) <= 4096, "a leaf table is a page");
_Static_assert(EXO_NSLOTS == 512UL * 512 * CAP_LEAF, "three-level table");

void
cspace_init(struct cspace *cs, void *owner)
{
	memset(cs, 0, sizeof(*cs));
	cs->owner = owner;
}

/* The slot's struct cap, allocating tables when alloc is set. */
static int
slot_addr(struct cspace *cs, exo_slot_t slot, int alloc, struct cap **out)
{
	if (slot >= EXO_NSLOTS)
		return EXO_ERANGE;
	uint64_t i = slot >> 15, j = slot >> 6 & 511, k = slot & 63;
	if (cs->root[i] == NULL) {
		if (!alloc || (cs->root[i] = cap_table_alloc()) == NULL)
			return alloc ? EXO_ENOMEM : EXO_ECAP;
	}
	if (cs->root[i][j] == NULL) {
		if (!alloc || (cs->root[i][j] = cap_table_alloc()) == NULL)
			return alloc ? EXO_ENOMEM : EXO_ECAP;
	}
	*out = &cs->root[i][j][k];
	return 0;
}

/*
 * Finds a capability of the given type (or any type if type is
 * EXO_CAP_NONE) that has every right in rights.
 */
int
cap_lookup(struct cspace *cs, exo_slot_t slot, int type, uint32_t rights,
    struct cap **out)
{
	struct cap *c;
	int r = slot_addr(cs, slot, 0, &c);

	if (r < 0)
		return r;
	if (c->type == EXO_CAP_NONE || (type != EXO_CAP_NONE && c->type != type))
		return EXO_ECAP;
	if ((c->rights & rights) != rights)
		return EXO_EPERM;
	*out = c;
	return 0;
}

/* Finds an empty slot to fill, allocating its tables. */
int
cap_empty_slot(struct cspace *cs, exo_slot_t slot, struct cap **out)
{
	struct cap *c;
	int r = slot_addr(cs, slot, 1, &c);

	if (r < 0)
		return r;
	if (c->type != EXO_CAP_NONE)
		return EXO_EBUSY;
	c->space = cs;
	*out = c;
	return 0;
}

static void
link_child(struct cap *parent, struct cap *c)
{
	c->parent = parent;
	c->prev = NULL;
	c->next = parent ? parent->child : NULL;
	if (c->next)
		c->next->prev = c;
	if (parent)
		parent->child = c;
}

static void
tree_unlink(struct cap *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else if (c->parent)
		c->parent->child = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->parent = c->next = c->prev = NULL;
}

void
cap_fill(struct cap *slot, struct cap *parent, int type, uint32_t rights,
    uint64_t name)
{
	slot->type = (uint16_t)type;
	slot->rights = (uint16_t)rights;
	slot->name = name;
	slot->child = NULL;
	link_child(parent, slot);
	slot->space->used++;
	cap_obj_get(slot);
}

static void
cap_remove(struct cap *c, int revoked)
{
	struct cap copy;

	/* Children move up to c's parent (or become roots). */
	while (c->child) {
		struct cap *ch = c->child;
		tree_unlink(ch);
		link_child(c->parent, ch);
	}
	tree_unlink(c);
	copy = *c;
	c->type = EXO_CAP_NONE;
	c->rights = 0;
	c->name = 0;
	c->space->used--;
	/* The hook may destroy things; the slot is consistent by now. */
	cap_obj_put(&copy, revoked);
}

void
cap_delete(struct cap *c)
{
	cap_remove(c, 0);
}

/* Deletes every descendant of c, deepest first, and returns the count. */
long
cap_revoke(struct cap *c)
{
	long n = 0;

	while (c->child) {
		struct cap *d = c->child;
		while (d->child)
			d = d->child;
		cap_remove(d, 1);
		n++;
	}
	return n;
}

/* Does cs hold any capability of this type and name?  (A full scan.) */
int
cspace_holds(const struct cspace *cs, int type, uint64_t name)
{
	for (int i = 0; i < 512; i++) {
		if (cs->root[i] == NULL)
			continue;
		for (int j = 0; j < 512; j++) {
			const struct cap *t = cs->root[i][j];
			for (int k = 0; t && k < CAP_LEAF; k++)
				if (t[k].type == type && t[k].name == name)
					return 1;
		}
	}
	return 0;
}

/* Deletes every capability in cs for which match() is true; returns how many. */
long
cspace_delete_if(struct cspace *cs, int (*match)(const struct cap *c, void *arg),
    void *arg)
{
	long n = 0;

	for (int i = 0; i < 512; i++) {
		if (cs->root[i] == NULL)
			continue;
		for (int j = 0; j < 512; j++) {
			struct cap *t = cs->root[i][j];
			for (int k = 0; t && k < CAP_LEAF; k++)
				if (t[k].type != EXO_CAP_NONE && match(&t[k], arg)) {
					cap_remove(&t[k], 0);
					n++;
				}
		}
	}
	return n;
}

void
cspace_destroy(struct cspace *cs)
{
	for (int i = 0; i < 512; i++) {
		if (cs->root[i] == NULL)
			continue;
		for (int j = 0; j < 512; j++) {
			struct cap *t = cs->root[i][j];
			if (t == NULL)
				continue;
			for (int k = 0; k < CAP_LEAF; k++)
				if (t[k].type != EXO_CAP_NONE)
					cap_remove(&t[k], 0);
			cs->root[i][j] = NULL;
			cap_table_free(t);
		}
		cap_table_free(cs->root[i]);
		cs->root[i] = NULL;
	}
}
