/*
 * ExOS's in-memory file system (see fs.h for the interface and what must
 * hold).  The parts, top to bottom:
 *  - inodes: allocation, the list of all of them, freeing at the last
 *    name and reference;
 *  - directories: a hash table of names plus an array of entries sorted
 *    by serial number, which is what readdir cookies point into;
 *  - path walking, modelled on Linux's fs/namei.c: walk() resolves every
 *    component but the last and says what the last one is, and each call
 *    then treats the last component as the matching Linux call does;
 *  - the calls, each of which checks and allocates everything first and
 *    then commits with code that cannot fail.
 * File contents live in one contiguous buffer per file, grown by at least
 * doubling; the server executes programs straight out of it.
 */
#include <stddef.h>
#include <stdint.h>

#include "../../lib/lib.h"
#include "fs.h"

/* tmpfs's pretend size of a directory entry (its st_size for directories). */
#define BOGO_DIRENT 20

/* A name in a directory.  Directories own their entries; inodes do not. */
struct fs_dirent {
	struct fs_dirent *hnext; /* the next in this hash chain */
	struct fs_inode *ip;
	uint64_t serial;
	uint32_t hash;
	uint16_t len;
	char name[]; /* len bytes and a NUL */
};

/* An entry in serial order; d is NULL once the entry is removed. */
struct fs_dirslot {
	uint64_t serial;
	struct fs_dirent *d;
};

/* What the last component of a path is. */
enum { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

/* Where walk() stopped: the last component and the directory it is in. */
struct fs_last {
	struct fs_inode *dir;
	const char *name;
	size_t len;
	int type;
	int slash; /* the path ended in '/' */
};

static int
is_type(const struct fs_inode *ip, uint32_t type)
{
	return (ip->mode & LX_S_IFMT) == type;
}

static int
is_dir(const struct fs_inode *ip)
{
	return is_type(ip, LX_S_IFDIR);
}

static int
is_reg(const struct fs_inode *ip)
{
	return is_type(ip, LX_S_IFREG);
}

static int
is_lnk(const struct fs_inode *ip)
{
	return is_type(ip, LX_S_IFLNK);
}

static int64_t
now(void)
{
	return (int64_t)fs_now_ns();
}

static void
touch_dir(struct fs_inode *dp, int64_t t)
{
	dp->mtime = dp->ctime = t;
}

/*
 * Linux's relatime: a read moves atime only if it is not newer than the
 * last change, or a day old, so that reads rarely dirty an inode.
 */
static void
touch_atime(struct fs_inode *ip)
{
	int64_t t = now();

	if (ip->atime <= ip->mtime || ip->atime <= ip->ctime ||
	    t - ip->atime >= 24LL * 3600 * 1000000000)
		ip->atime = t;
}

/* Inodes. */

static struct fs_inode *
inode_alloc(void)
{
	struct fs_inode *ip = fs_malloc(sizeof(*ip));

	if (ip != NULL)
		memset(ip, 0, sizeof(*ip));
	return ip;
}

/* Numbers a freshly allocated inode and makes it part of fs; cannot fail. */
static void
inode_commit(struct fs *fs, struct fs_inode *ip, uint32_t mode, int64_t t)
{
	ip->ino = fs->next_ino++;
	ip->mode = mode;
	ip->nlink = is_type(ip, LX_S_IFDIR) ? 2 : 1;
	ip->atime = ip->mtime = ip->ctime = t;
	ip->all_prev = NULL;
	ip->all_next = fs->all;
	if (fs->all != NULL)
		fs->all->all_prev = ip;
	fs->all = ip;
	fs->ninodes++;
}

static void
dirent_free(struct fs_dirent *d)
{
	fs_mfree(d, sizeof(*d) + d->len + 1);
}

/* Frees a file buffer; NULL is fine. */
static void
file_free(struct fs *fs, unsigned char *p, uint64_t cap)
{
	if (p != NULL) {
		fs_data_free(p, cap);
		fs->data_bytes -= cap;
	}
}

/* Frees ip and what it owns; its directory entries too (fs_destroy). */
static void
inode_free(struct fs *fs, struct fs_inode *ip)
{
	if (ip->all_prev != NULL)
		ip->all_prev->all_next = ip->all_next;
	else
		fs->all = ip->all_next;
	if (ip->all_next != NULL)
		ip->all_next->all_prev = ip->all_prev;
	fs->ninodes--;
	if (is_reg(ip)) {
		file_free(fs, ip->u.reg.data, ip->u.reg.cap);
	} else if (is_lnk(ip)) {
		fs_mfree(ip->u.link, ip->size + 1);
	} else if (is_dir(ip)) {
		struct fs_dir *d = &ip->u.dir;
		for (uint64_t i = 0; i < d->nslots; i++)
			if (d->slots[i].d != NULL)
				dirent_free(d->slots[i].d);
		if (d->slots != NULL)
			fs_mfree(d->slots, d->capslots * sizeof(*d->slots));
		if (d->buckets != NULL)
			fs_mfree(d->buckets, d->nbuckets * sizeof(*d->buckets));
	}
	fs_mfree(ip, sizeof(*ip));
}

/*
 * Frees ip if nothing keeps it: no name and no reference.  A removed
 * directory holds a reference on its old parent, which goes with it and
 * may free that parent in turn.
 */
static void
inode_release(struct fs *fs, struct fs_inode *ip)
{
	while (ip != NULL && ip->nlink == 0 && ip->refs == 0) {
		struct fs_inode *parent = is_dir(ip) ? ip->u.dir.parent : NULL;
		inode_free(fs, ip);
		if (parent != NULL)
			parent->refs--;
		ip = parent;
	}
}

void
fs_iget(struct fs_inode *ip)
{
	ip->refs++;
}

void
fs_iput(struct fs *fs, struct fs_inode *ip)
{
	ip->refs--;
	inode_release(fs, ip);
}

/* Directories. */

static uint32_t
name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static struct fs_dirent *
dir_find(struct fs_inode *dp, const char *name, size_t len)
{
	struct fs_dir *d = &dp->u.dir;
	uint32_t h;

	if (d->buckets == NULL)
		return NULL;
	h = name_hash(name, len);
	for (struct fs_dirent *e = d->buckets[h & (d->nbuckets - 1)]; e != NULL;
	     e = e->hnext)
		if (e->hash == h && e->len == len &&
		    memcmp(e->name, name, len) == 0)
			return e;
	return NULL;
}

/*
 * Looks a last component up as Linux's lookup does: nothing is found in
 * a removed directory, and a long name is an error even when absent.
 * *out is NULL when the name does not exist.
 */
static int
dir_lookup(
    struct fs_inode *dp, const char *name, size_t len, struct fs_dirent **out)
{
	if (dp->nlink == 0)
		return -LX_ENOENT;
	if (len > LX_NAME_MAX)
		return -LX_ENAMETOOLONG;
	*out = dir_find(dp, name, len);
	return 0;
}

static struct fs_dirent *
dirent_alloc(const char *name, size_t len)
{
	struct fs_dirent *e = fs_malloc(sizeof(*e) + len + 1);

	if (e == NULL)
		return NULL;
	memset(e, 0, sizeof(*e));
	memcpy(e->name, name, len);
	e->name[len] = 0;
	e->len = (uint16_t)len;
	e->hash = name_hash(name, len);
	return e;
}

/* Squeezes the holes out of the slot array; serials keep their order. */
static void
dir_compact(struct fs_dir *d)
{
	uint64_t j = 0;

	for (uint64_t i = 0; i < d->nslots; i++)
		if (d->slots[i].d != NULL)
			d->slots[j++] = d->slots[i];
	d->nslots = j;
}

/*
 * Makes sure dir_insert will find a hash table and a free slot, so that
 * the commit after it cannot fail.  What it allocates is invisible, so
 * it may stay even if the call fails later.  -LX_ENOMEM.
 */
static int
dir_reserve(struct fs_inode *dp)
{
	struct fs_dir *d = &dp->u.dir;
	struct fs_dirslot *s;
	uint64_t cap;

	if (d->buckets == NULL) {
		d->buckets = fs_malloc(8 * sizeof(*d->buckets));
		if (d->buckets == NULL)
			return -LX_ENOMEM;
		memset(d->buckets, 0, 8 * sizeof(*d->buckets));
		d->nbuckets = 8;
	}
	if (d->nslots < d->capslots)
		return 0;
	if (d->nlive < d->nslots) {
		dir_compact(d);
		return 0;
	}
	cap = d->capslots ? 2 * d->capslots : 8;
	s = fs_malloc(cap * sizeof(*s));
	if (s == NULL)
		return -LX_ENOMEM;
	if (d->nslots != 0)
		memcpy(s, d->slots, d->nslots * sizeof(*s));
	if (d->slots != NULL)
		fs_mfree(d->slots, d->capslots * sizeof(*s));
	d->slots = s;
	d->capslots = cap;
	return 0;
}

/* Moves the entries to a hash table of n chains, if there is memory. */
static void
dir_rehash(struct fs_dir *d, uint64_t n)
{
	struct fs_dirent **b = fs_malloc(n * sizeof(*b));

	if (b == NULL)
		return;
	memset(b, 0, n * sizeof(*b));
	for (uint64_t i = 0; i < d->nbuckets; i++) {
		struct fs_dirent *e = d->buckets[i], *next;
		for (; e != NULL; e = next) {
			next = e->hnext;
			e->hnext = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	}
	fs_mfree(d->buckets, d->nbuckets * sizeof(*b));
	d->buckets = b;
	d->nbuckets = n;
}

/*
 * Doubles the hash table when the entries outnumber the chains, so that
 * lookups stay short.  Only an optimisation: without memory the table
 * stays as it is and still works.
 */
static void
dir_grow(struct fs_dir *d)
{
	if (d->nlive > d->nbuckets && d->nbuckets < (1ULL << 40))
		dir_rehash(d, 2 * d->nbuckets);
}

/*
 * Gives memory back when a directory has shrunk to a quarter of its
 * tables, keeping room to grow again without thrashing; an optimisation
 * too.
 */
static void
dir_shrink(struct fs_dir *d)
{
	if (d->capslots > 64 && d->nlive < d->capslots / 4) {
		uint64_t cap = d->capslots / 2;
		struct fs_dirslot *s = fs_malloc(cap * sizeof(*s));
		if (s != NULL) {
			dir_compact(d);
			memcpy(s, d->slots, d->nslots * sizeof(*s));
			fs_mfree(d->slots, d->capslots * sizeof(*s));
			d->slots = s;
			d->capslots = cap;
		}
	}
	if (d->nbuckets > 8 && d->nlive < d->nbuckets / 4)
		dir_rehash(d, d->nbuckets / 2);
}

/* Adds e, naming ip, to dp; dir_reserve(dp) must have succeeded. */
static void
dir_insert(struct fs_inode *dp, struct fs_dirent *e, struct fs_inode *ip)
{
	struct fs_dir *d = &dp->u.dir;
	struct fs_dirent **b = &d->buckets[e->hash & (d->nbuckets - 1)];

	e->ip = ip;
	e->serial = d->next_serial++;
	e->hnext = *b;
	*b = e;
	d->slots[d->nslots].serial = e->serial;
	d->slots[d->nslots++].d = e;
	d->nlive++;
	dir_grow(d);
}

/* The index of the first slot whose serial is at least serial. */
static uint64_t
dir_slot_at(struct fs_dir *d, uint64_t serial)
{
	uint64_t lo = 0, hi = d->nslots;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (d->slots[mid].serial < serial)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Takes e out of dp and frees it; the inode it named is the caller's. */
static void
dir_remove(struct fs_inode *dp, struct fs_dirent *e)
{
	struct fs_dir *d = &dp->u.dir;
	struct fs_dirent **p = &d->buckets[e->hash & (d->nbuckets - 1)];

	while (*p != e)
		p = &(*p)->hnext;
	*p = e->hnext;
	d->slots[dir_slot_at(d, e->serial)].d = NULL;
	d->nlive--;
	/* Holes cost readdir time; squeeze them out when they dominate. */
	if (d->nslots - d->nlive > 16 && d->nslots - d->nlive > d->nlive)
		dir_compact(d);
	dir_shrink(d);
	dirent_free(e);
}

/*
 * Makes the directory ip, just stripped of its name, a removed one: no
 * links, and a reference on its old parent for "..", until it is freed
 * (now, if the server holds no reference).
 */
static void
dir_kill(struct fs *fs, struct fs_inode *ip, int64_t t)
{
	ip->nlink = 0;
	ip->ctime = t;
	ip->u.dir.self = NULL;
	ip->u.dir.parent->refs++;
	inode_release(fs, ip);
}

/* Path walking. */

/* 0 if path is a usable path, else why not (Linux's getname()). */
static int
path_check(const char *path)
{
	for (size_t i = 0; i < LX_PATH_MAX; i++)
		if (path[i] == 0)
			return i == 0 ? -LX_ENOENT : 0;
	return -LX_ENAMETOOLONG;
}

static int
last_type(const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return LAST_DOT;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return LAST_DOTDOT;
	return LAST_NORM;
}

/* The inode a "." , ".." or "/" last component stands for. */
static struct fs_inode *
last_dots(const struct fs_last *last)
{
	return last->type == LAST_DOTDOT ? last->dir->u.dir.parent : last->dir;
}

static int resolve(struct fs *fs, struct fs_inode *dir, const char *path,
    int follow, int *nlinks, struct fs_inode **out);

/* Moves *cur to the directory its component name[0..len) leads to. */
static int
walk_step(struct fs *fs, struct fs_inode **cur, const char *name, size_t len,
    int *nlinks)
{
	struct fs_dirent *e;
	struct fs_inode *ip;
	int err;

	switch (last_type(name, len)) {
	case LAST_DOT:
		return 0;
	case LAST_DOTDOT:
		*cur = (*cur)->u.dir.parent;
		return 0;
	}
	if ((err = dir_lookup(*cur, name, len, &e)) != 0)
		return err;
	if (e == NULL)
		return -LX_ENOENT;
	ip = e->ip;
	if (is_lnk(ip)) {
		if (++*nlinks > LX_MAXSYMLINKS)
			return -LX_ELOOP;
		err = resolve(fs, *cur, ip->u.link, FS_FOLLOW, nlinks, &ip);
		if (err)
			return err;
	}
	if (!is_dir(ip))
		return -LX_ENOTDIR;
	*cur = ip;
	return 0;
}

/*
 * Resolves every component of path but the last, starting at cur (or the
 * root), and describes the last one in *last.  A path of only slashes
 * has the root as its LAST_ROOT.  path is known to be non-empty.
 */
static int
walk(struct fs *fs, struct fs_inode *cur, const char *p, int *nlinks,
    struct fs_last *last)
{
	if (*p == '/') {
		cur = fs->root;
		while (*p == '/')
			p++;
	} else if (!is_dir(cur)) {
		return -LX_ENOTDIR;
	}
	last->dir = cur;
	last->name = p;
	last->len = 0;
	last->type = LAST_ROOT;
	last->slash = 0;
	while (*p != 0) {
		const char *name = p;
		size_t len = 0;
		int err;

		while (p[len] != 0 && p[len] != '/')
			len++;
		p += len;
		last->slash = *p == '/';
		while (*p == '/')
			p++;
		if (*p == 0) {
			last->dir = cur;
			last->name = name;
			last->len = len;
			last->type = last_type(name, len);
			break;
		}
		if ((err = walk_step(fs, &cur, name, len, nlinks)) != 0)
			return err;
	}
	return 0;
}

/* walk() for a path from the caller, after Linux's getname() checks. */
static int
walk_top(
    struct fs *fs, struct fs_inode *dir, const char *path, struct fs_last *last)
{
	int nlinks = 0, err;

	if ((err = path_check(path)) != 0)
		return err;
	return walk(fs, dir, path, &nlinks, last);
}

/*
 * Follows the final link ip found at *last: walks its body from the
 * link's directory, replacing *last by the body's last component.
 */
static int
follow_last(
    struct fs *fs, struct fs_inode *ip, int *nlinks, struct fs_last *last)
{
	if (++*nlinks > LX_MAXSYMLINKS)
		return -LX_ELOOP;
	return walk(fs, last->dir, ip->u.link, nlinks, last);
}

/*
 * Resolves the whole path to an inode.  A final link is followed if
 * follow is FS_FOLLOW or the path (or a followed body) ends in '/', which
 * also asks for a directory, as in Linux's lookup_last().
 */
static int
resolve(struct fs *fs, struct fs_inode *dir, const char *path, int follow,
    int *nlinks, struct fs_inode **out)
{
	struct fs_last last;
	struct fs_dirent *e;
	struct fs_inode *ip;
	int must_dir = 0, err;

	if ((err = walk(fs, dir, path, nlinks, &last)) != 0)
		return err;
	for (;;) {
		if (last.slash)
			follow = must_dir = 1;
		if (last.type != LAST_NORM) {
			ip = last_dots(&last);
			break;
		}
		if ((err = dir_lookup(last.dir, last.name, last.len, &e)) != 0)
			return err;
		if (e == NULL)
			return -LX_ENOENT;
		ip = e->ip;
		if (!is_lnk(ip) || !follow)
			break;
		if ((err = follow_last(fs, ip, nlinks, &last)) != 0)
			return err;
	}
	if (must_dir && !is_dir(ip))
		return -LX_ENOTDIR;
	*out = ip;
	return 0;
}

static int
resolve_top(struct fs *fs, struct fs_inode *dir, const char *path, int follow,
    struct fs_inode **out)
{
	int nlinks = 0, err;

	if ((err = path_check(path)) != 0)
		return err;
	return resolve(fs, dir, path, follow, &nlinks, out);
}

int
fs_lookup(struct fs *fs, struct fs_inode *dir, const char *path,
    enum fs_follow follow, struct fs_inode **out)
{
	int err = resolve_top(fs, dir, path, follow, out);

	if (err == 0)
		fs_iget(*out);
	return err;
}

/*
 * The checks of Linux's filename_create(), for the calls that make a new
 * name: the last component must be an ordinary name that does not exist,
 * in a directory that still does; a trailing '/' is only for mkdir.
 */
static int
create_walk(struct fs *fs, struct fs_inode *dir, const char *path, int want_dir,
    struct fs_last *last)
{
	struct fs_dirent *e;
	int err;

	if ((err = walk_top(fs, dir, path, last)) != 0)
		return err;
	if (last->type != LAST_NORM)
		return -LX_EEXIST;
	if ((err = dir_lookup(last->dir, last->name, last->len, &e)) != 0)
		return err;
	if (e != NULL)
		return -LX_EEXIST;
	if (last->slash && !want_dir)
		return -LX_ENOENT;
	return 0;
}

/*
 * What creating a name needs, allocated before anything changes: the
 * inode (unless linking an existing one), the entry, room in the
 * directory.
 */
struct fs_new {
	struct fs_inode *ip;
	struct fs_dirent *e;
};

static int
new_prepare(struct fs_last *last, int want_inode, struct fs_new *n)
{
	n->ip = NULL;
	n->e = NULL;
	if (want_inode && (n->ip = inode_alloc()) == NULL)
		return -LX_ENOMEM;
	if ((n->e = dirent_alloc(last->name, last->len)) == NULL)
		goto free_inode;
	if (dir_reserve(last->dir) != 0)
		goto free_dirent;
	return 0;

free_dirent:
	dirent_free(n->e);
free_inode:
	if (n->ip != NULL)
		fs_mfree(n->ip, sizeof(*n->ip));
	return -LX_ENOMEM;
}

/* Makes the prepared inode, of mode, the new name in last->dir. */
static struct fs_inode *
new_commit(struct fs *fs, struct fs_last *last, struct fs_new *n, uint32_t mode)
{
	struct fs_inode *dp = last->dir, *ip = n->ip;
	int64_t t = now();

	inode_commit(fs, ip, mode, t);
	if (is_dir(ip)) {
		ip->u.dir.parent = dp;
		ip->u.dir.self = n->e;
		ip->u.dir.next_serial = 2;
		dp->nlink++;
	}
	dir_insert(dp, n->e, ip);
	touch_dir(dp, t);
	return ip;
}

/* Files. */

static const unsigned char *
file_bytes(struct fs_inode *ip)
{
	return ip->u.reg.ro != NULL ? ip->u.reg.ro : ip->u.reg.data;
}

/*
 * Gives ip an owned buffer of at least need bytes (and at least its
 * size), copying borrowed or old bytes over.  A new buffer at least
 * doubles the old one, so appending costs amortised constant time; if
 * that much is not there, it tries the bare minimum.  The old buffer, if
 * any, goes to *old for the caller to free with file_free once it is
 * done with its source bytes, which may lie in that very buffer.
 * -LX_ENOSPC.
 */
static int
file_reserve(struct fs *fs, struct fs_inode *ip, uint64_t need,
    unsigned char **old, uint64_t *oldcap)
{
	uint64_t want = need > ip->size ? need : ip->size, cap;
	unsigned char *p;

	*old = NULL;
	*oldcap = 0;
	if (ip->u.reg.ro == NULL && want <= ip->u.reg.cap)
		return 0;
	want = (want + FS_PAGE - 1) / FS_PAGE * FS_PAGE;
	cap = ip->u.reg.ro == NULL && 2 * ip->u.reg.cap > want
	    ? 2 * ip->u.reg.cap
	    : want;
	p = fs_data_alloc(cap);
	if (p == NULL && cap > want)
		p = fs_data_alloc(cap = want);
	if (p == NULL)
		return -LX_ENOSPC;
	if (ip->size != 0)
		memcpy(p, file_bytes(ip), ip->size);
	*old = ip->u.reg.data;
	*oldcap = ip->u.reg.cap;
	ip->u.reg.data = p;
	ip->u.reg.cap = cap;
	ip->u.reg.ro = NULL;
	fs->data_bytes += cap;
	return 0;
}

/* Checks that fs_read, fs_write and fs_truncate share. */
static int
file_check(struct fs_inode *ip)
{
	if (is_dir(ip))
		return -LX_EISDIR;
	if (!is_reg(ip))
		return -LX_EINVAL;
	return 0;
}

int64_t
fs_read(struct fs_inode *ip, uint64_t off, void *buf, uint64_t n)
{
	int err = file_check(ip);

	if (err)
		return err;
	if (n == 0)
		return 0;
	if (off < ip->size) {
		if (n > ip->size - off)
			n = ip->size - off;
		memcpy(buf, file_bytes(ip) + off, n);
	} else {
		n = 0;
	}
	touch_atime(ip);
	return (int64_t)n;
}

int64_t
fs_write(struct fs *fs, struct fs_inode *ip, uint64_t off, const void *buf,
    uint64_t n)
{
	int err = file_check(ip);
	unsigned char *old;
	uint64_t oldcap;

	if (err)
		return err;
	if (n == 0)
		return 0;
	if (off >= FS_MAXSIZE)
		return -LX_EFBIG;
	if (n > FS_MAXSIZE - off)
		n = FS_MAXSIZE - off;
	if ((err = file_reserve(fs, ip, off + n, &old, &oldcap)) != 0)
		return err;
	if (off > ip->size)
		memset(ip->u.reg.data + ip->size, 0, off - ip->size);
	memmove(ip->u.reg.data + off, buf, n);
	file_free(fs, old, oldcap);
	if (off + n > ip->size)
		ip->size = off + n;
	ip->mtime = ip->ctime = now();
	return (int64_t)n;
}

/*
 * Sets the size of a regular file, as do_truncate() does: mtime and
 * ctime move even if the size does not.  Emptying a file frees its
 * buffer; shrinking it otherwise keeps the capacity (and a borrowed
 * buffer stays borrowed, since nothing is written).
 */
int
fs_truncate(struct fs *fs, struct fs_inode *ip, uint64_t size)
{
	int err = file_check(ip);
	unsigned char *old;
	uint64_t oldcap;

	if (err)
		return err;
	if (size > FS_MAXSIZE)
		return -LX_EFBIG;
	if (size > ip->size) {
		if ((err = file_reserve(fs, ip, size, &old, &oldcap)) != 0)
			return err;
		file_free(fs, old, oldcap);
		memset(ip->u.reg.data + ip->size, 0, size - ip->size);
	} else if (size == 0) {
		file_free(fs, ip->u.reg.data, ip->u.reg.cap);
		ip->u.reg.data = NULL;
		ip->u.reg.cap = 0;
		ip->u.reg.ro = NULL;
	}
	ip->size = size;
	ip->mtime = ip->ctime = now();
	return 0;
}

const void *
fs_file_data(struct fs_inode *ip, uint64_t *size)
{
	if (!is_reg(ip) || ip->size == 0) {
		*size = 0;
		return NULL;
	}
	*size = ip->size;
	return file_bytes(ip);
}

/* Making and removing names. */

int
fs_init(struct fs *fs)
{
	struct fs_inode *root = inode_alloc();

	memset(fs, 0, sizeof(*fs));
	if (root == NULL)
		return -LX_ENOMEM;
	fs->next_ino = 1;
	inode_commit(fs, root, LX_S_IFDIR | 0755, now());
	root->u.dir.parent = root;
	root->u.dir.next_serial = 2;
	fs->root = root;
	return 0;
}

void
fs_destroy(struct fs *fs)
{
	while (fs->all != NULL)
		inode_free(fs, fs->all);
	fs->root = NULL;
}

/* Creates a regular file for fs_open's O_CREAT at last. */
static int
open_create(
    struct fs *fs, struct fs_last *last, uint32_t mode, struct fs_inode **out)
{
	struct fs_new n;
	int err;

	if ((err = new_prepare(last, 1, &n)) != 0)
		return err;
	*out = new_commit(fs, last, &n, LX_S_IFREG | mode);
	fs_iget(*out);
	return 0;
}

/*
 * The checks Linux's do_open() and may_open() make on a file that was
 * found, not created, and the truncation O_TRUNC asks for.
 */
static int
open_found(struct fs *fs, struct fs_inode *ip, int flags, int must_dir)
{
	int writes = (flags & LX_O_ACCMODE) != 0 || (flags & LX_O_TRUNC);

	if ((flags & LX_O_CREAT) && (flags & LX_O_EXCL))
		return -LX_EEXIST;
	if ((flags & LX_O_CREAT) && is_dir(ip))
		return -LX_EISDIR;
	if (must_dir && !is_dir(ip))
		return -LX_ENOTDIR;
	if (is_lnk(ip))
		return -LX_ELOOP;
	if (is_dir(ip) && writes)
		return -LX_EISDIR;
	if (is_reg(ip) && (flags & LX_O_TRUNC))
		return fs_truncate(fs, ip, 0);
	return 0;
}

/* O_PATH: only O_DIRECTORY and O_NOFOLLOW matter, and links can be had. */
static int
open_path(struct fs *fs, struct fs_inode *dir, const char *path, int flags,
    struct fs_inode **out)
{
	struct fs_inode *ip;
	int follow = (flags & LX_O_NOFOLLOW) ? FS_NOFOLLOW : FS_FOLLOW, err;

	if ((err = resolve_top(fs, dir, path, follow, &ip)) != 0)
		return err;
	if ((flags & LX_O_DIRECTORY) && !is_dir(ip))
		return -LX_ENOTDIR;
	fs_iget(ip);
	*out = ip;
	return 0;
}

/*
 * The last component of an open, as Linux's open_last_lookups(): a
 * final link is followed by walking its body and starting over with the
 * body's last component, which O_CREAT may then create.
 */
int
fs_open(struct fs *fs, struct fs_inode *dir, const char *path, int flags,
    uint32_t mode, uint32_t umask, struct fs_inode **out)
{
	int creat = flags & LX_O_CREAT, nlinks = 0, must_dir, follow, err;
	struct fs_last last;
	struct fs_dirent *e;
	struct fs_inode *ip;

	if (flags & LX_O_PATH)
		return open_path(fs, dir, path, flags, out);
	if (creat && (flags & LX_O_DIRECTORY))
		return -LX_EINVAL;
	if (flags & LX___O_TMPFILE)
		return -LX_EOPNOTSUPP;
	must_dir = (flags & LX_O_DIRECTORY) != 0;
	follow = !(flags & LX_O_NOFOLLOW) && !(creat && (flags & LX_O_EXCL));
	if ((err = walk_top(fs, dir, path, &last)) != 0)
		return err;
	for (;;) {
		if (last.type != LAST_NORM) {
			ip = last_dots(&last);
			break;
		}
		if (last.slash) {
			if (creat)
				return -LX_EISDIR;
			follow = must_dir = 1;
		}
		if ((err = dir_lookup(last.dir, last.name, last.len, &e)) != 0)
			return err;
		if (e == NULL && !creat)
			return -LX_ENOENT;
		if (e == NULL)
			return open_create(
			    fs, &last, mode & 07777 & ~umask, out);
		ip = e->ip;
		if (!is_lnk(ip) || !follow)
			break;
		if ((err = follow_last(fs, ip, &nlinks, &last)) != 0)
			return err;
	}
	if ((err = open_found(fs, ip, flags, must_dir)) != 0)
		return err;
	fs_iget(ip);
	*out = ip;
	return 0;
}

int
fs_create_file_ro(struct fs *fs, struct fs_inode *dir, const char *path,
    uint32_t mode, const void *data, uint64_t size)
{
	struct fs_last last;
	struct fs_inode *ip;
	struct fs_new n;
	int err;

	if ((err = create_walk(fs, dir, path, 0, &last)) != 0)
		return err;
	if (size > FS_MAXSIZE)
		return -LX_EFBIG;
	if ((err = new_prepare(&last, 1, &n)) != 0)
		return err;
	ip = new_commit(fs, &last, &n, LX_S_IFREG | (mode & 07777));
	ip->u.reg.ro = data;
	ip->size = size;
	return 0;
}

int
fs_mkdir(struct fs *fs, struct fs_inode *dir, const char *path, uint32_t mode,
    uint32_t umask)
{
	struct fs_last last;
	struct fs_new n;
	int err;

	if ((err = create_walk(fs, dir, path, 1, &last)) != 0)
		return err;
	if ((err = new_prepare(&last, 1, &n)) != 0)
		return err;
	mode = LX_S_IFDIR | (mode & 01777 & ~umask);
	if (last.dir->mode & LX_S_ISGID)
		mode |= LX_S_ISGID;
	new_commit(fs, &last, &n, mode);
	return 0;
}

int
fs_mknod(struct fs *fs, struct fs_inode *dir, const char *path, uint32_t mode,
    uint32_t umask, uint64_t rdev)
{
	struct fs_last last;
	struct fs_inode *ip;
	struct fs_new n;
	uint32_t type = mode & LX_S_IFMT;
	int err;

	switch (type) {
	case 0:
		type = LX_S_IFREG;
		break;
	case LX_S_IFREG:
	case LX_S_IFCHR:
	case LX_S_IFBLK:
	case LX_S_IFIFO:
	case LX_S_IFSOCK:
		break;
	case LX_S_IFDIR:
		return -LX_EPERM;
	default:
		return -LX_EINVAL;
	}
	if ((err = create_walk(fs, dir, path, 0, &last)) != 0)
		return err;
	if ((err = new_prepare(&last, 1, &n)) != 0)
		return err;
	ip = new_commit(fs, &last, &n, type | (mode & 07777 & ~umask));
	if (type == LX_S_IFCHR || type == LX_S_IFBLK)
		ip->rdev = rdev;
	return 0;
}

int
fs_symlink(
    struct fs *fs, const char *target, struct fs_inode *dir, const char *path)
{
	struct fs_last last;
	struct fs_inode *ip;
	struct fs_new n;
	size_t len;
	char *body;
	int err;

	if ((err = path_check(target)) != 0)
		return err;
	if ((err = create_walk(fs, dir, path, 0, &last)) != 0)
		return err;
	len = strlen(target);
	if ((body = fs_malloc(len + 1)) == NULL)
		return -LX_ENOMEM;
	if ((err = new_prepare(&last, 1, &n)) != 0) {
		fs_mfree(body, len + 1);
		return err;
	}
	memcpy(body, target, len + 1);
	ip = new_commit(fs, &last, &n, LX_S_IFLNK | 0777);
	ip->u.link = body;
	ip->size = len;
	return 0;
}

int
fs_link_inode(struct fs *fs, struct fs_inode *ip, struct fs_inode *newdir,
    const char *newpath)
{
	struct fs_last last;
	struct fs_new n;
	int64_t t;
	int err;

	if ((err = create_walk(fs, newdir, newpath, 0, &last)) != 0)
		return err;
	if (is_dir(ip))
		return -LX_EPERM;
	if (ip->nlink == 0)
		return -LX_ENOENT;
	if (ip->nlink == UINT32_MAX)
		return -LX_EMLINK;
	if ((err = new_prepare(&last, 0, &n)) != 0)
		return err;
	t = now();
	dir_insert(last.dir, n.e, ip);
	ip->nlink++;
	ip->ctime = t;
	touch_dir(last.dir, t);
	return 0;
}

int
fs_link(struct fs *fs, struct fs_inode *olddir, const char *oldpath,
    struct fs_inode *newdir, const char *newpath, enum fs_follow follow)
{
	struct fs_inode *ip;
	int err;

	if ((err = resolve_top(fs, olddir, oldpath, follow, &ip)) != 0)
		return err;
	return fs_link_inode(fs, ip, newdir, newpath);
}

/* Takes the name e, of a non-directory, out of dp. */
static void
unlink_commit(struct fs *fs, struct fs_inode *dp, struct fs_dirent *e)
{
	struct fs_inode *ip = e->ip;
	int64_t t = now();

	dir_remove(dp, e);
	touch_dir(dp, t);
	ip->ctime = t;
	ip->nlink--;
	inode_release(fs, ip);
}

int
fs_unlink(struct fs *fs, struct fs_inode *dir, const char *path)
{
	struct fs_last last;
	struct fs_dirent *e;
	int err;

	if ((err = walk_top(fs, dir, path, &last)) != 0)
		return err;
	if (last.type != LAST_NORM)
		return -LX_EISDIR;
	if ((err = dir_lookup(last.dir, last.name, last.len, &e)) != 0)
		return err;
	if (e == NULL)
		return -LX_ENOENT;
	if (is_dir(e->ip))
		return -LX_EISDIR;
	if (last.slash)
		return -LX_ENOTDIR;
	unlink_commit(fs, last.dir, e);
	return 0;
}

int
fs_rmdir(struct fs *fs, struct fs_inode *dir, const char *path)
{
	struct fs_last last;
	struct fs_dirent *e;
	struct fs_inode *ip;
	int64_t t;
	int err;

	if ((err = walk_top(fs, dir, path, &last)) != 0)
		return err;
	switch (last.type) {
	case LAST_DOTDOT:
		return -LX_ENOTEMPTY;
	case LAST_DOT:
		return -LX_EINVAL;
	case LAST_ROOT:
		return -LX_EBUSY;
	}
	if ((err = dir_lookup(last.dir, last.name, last.len, &e)) != 0)
		return err;
	if (e == NULL)
		return -LX_ENOENT;
	ip = e->ip;
	if (!is_dir(ip))
		return -LX_ENOTDIR;
	if (ip->u.dir.nlive != 0)
		return -LX_ENOTEMPTY;
	t = now();
	dir_remove(last.dir, e);
	last.dir->nlink--;
	touch_dir(last.dir, t);
	dir_kill(fs, ip, t);
	return 0;
}

/* Renaming. */

/*
 * Linux's lock_rename() trap: when one parent is a proper ancestor of
 * the other, the child of the upper one on the way down to the lower
 * one.  A rename must not move that directory (*old_trap: the source is
 * an ancestor of the new parent) or replace it (*new_trap: the target is
 * an ancestor of the old parent).
 */
static void
rename_traps(struct fs *fs, struct fs_inode *olddp, struct fs_inode *newdp,
    struct fs_inode **old_trap, struct fs_inode **new_trap)
{
	struct fs_inode *p;

	*old_trap = *new_trap = NULL;
	if (olddp == newdp)
		return;
	for (p = newdp; p != fs->root; p = p->u.dir.parent)
		if (p->u.dir.parent == olddp) {
			*old_trap = p;
			return;
		}
	for (p = olddp; p != fs->root; p = p->u.dir.parent)
		if (p->u.dir.parent == newdp) {
			*new_trap = p;
			return;
		}
}

/* Gives a directory a new name. */
static void
dir_rename_to(struct fs_inode *ip, struct fs_inode *dp, struct fs_dirent *e)
{
	if (is_dir(ip)) {
		ip->u.dir.parent = dp;
		ip->u.dir.self = e;
	}
}

/* RENAME_EXCHANGE, checked: the two entries swap inodes. */
static void
rename_exchange(struct fs_last *o, struct fs_dirent *oe, struct fs_last *n,
    struct fs_dirent *ne)
{
	struct fs_inode *src = oe->ip, *dst = ne->ip;
	int64_t t = now();

	oe->ip = dst;
	ne->ip = src;
	if (o->dir != n->dir && is_dir(src) != is_dir(dst)) {
		struct fs_inode *from = is_dir(src) ? o->dir : n->dir;
		struct fs_inode *to = is_dir(src) ? n->dir : o->dir;
		from->nlink--;
		to->nlink++;
	}
	dir_rename_to(src, n->dir, ne);
	dir_rename_to(dst, o->dir, oe);
	touch_dir(o->dir, t);
	touch_dir(n->dir, t);
	src->ctime = dst->ctime = t;
}

/*
 * A checked rename without EXCHANGE.  An existing target keeps its entry,
 * which now names the source; otherwise the prepared entry ne is added.
 */
static void
rename_commit(struct fs *fs, struct fs_last *o, struct fs_dirent *oe,
    struct fs_last *n, struct fs_dirent *ne, struct fs_dirent *newe)
{
	struct fs_inode *src = oe->ip, *dst = ne ? ne->ip : NULL;
	int64_t t = now();

	if (ne != NULL) {
		ne->ip = src;
	} else {
		dir_insert(n->dir, newe, src);
		ne = newe;
	}
	dir_remove(o->dir, oe);
	if (is_dir(src)) {
		o->dir->nlink--;
		n->dir->nlink++;
		dir_rename_to(src, n->dir, ne);
	}
	touch_dir(o->dir, t);
	touch_dir(n->dir, t);
	src->ctime = t;
	if (dst != NULL && is_dir(dst)) {
		n->dir->nlink--;
		dir_kill(fs, dst, t);
	} else if (dst != NULL) {
		dst->ctime = t;
		dst->nlink--;
		inode_release(fs, dst);
	}
}

/*
 * The checks of Linux's do_renameat2() and vfs_rename() after both
 * parents are walked, in their order.
 */
static int
rename_check(struct fs *fs, struct fs_last *o, struct fs_dirent *oe,
    struct fs_last *n, struct fs_dirent *ne, unsigned flags)
{
	struct fs_inode *src = oe->ip, *dst = ne ? ne->ip : NULL;
	struct fs_inode *old_trap, *new_trap;
	int dir_wanted;

	if ((flags & LX_RENAME_NOREPLACE) && dst != NULL)
		return -LX_EEXIST;
	if (flags & LX_RENAME_EXCHANGE) {
		if (dst == NULL)
			return -LX_ENOENT;
		if (!is_dir(dst) && n->slash)
			return -LX_ENOTDIR;
	}
	if (!is_dir(src)) {
		if (o->slash)
			return -LX_ENOTDIR;
		if (!(flags & LX_RENAME_EXCHANGE) && n->slash)
			return -LX_ENOTDIR;
	}
	rename_traps(fs, o->dir, n->dir, &old_trap, &new_trap);
	if (src == old_trap)
		return -LX_EINVAL;
	if (dst != NULL && dst == new_trap)
		return flags & LX_RENAME_EXCHANGE ? -LX_EINVAL : -LX_ENOTEMPTY;
	if (src == dst)
		return 1;
	if (dst == NULL)
		return 0;
	dir_wanted = (flags & LX_RENAME_EXCHANGE) ? is_dir(dst) : is_dir(src);
	if (dir_wanted && !is_dir(dst))
		return -LX_ENOTDIR;
	if (!dir_wanted && is_dir(dst))
		return -LX_EISDIR;
	if (!(flags & LX_RENAME_EXCHANGE) && is_dir(dst) &&
	    dst->u.dir.nlive != 0)
		return -LX_ENOTEMPTY;
	return 0;
}

int
fs_rename(struct fs *fs, struct fs_inode *olddir, const char *oldpath,
    struct fs_inode *newdir, const char *newpath, unsigned flags)
{
	struct fs_last o, n;
	struct fs_dirent *oe, *ne, *newe = NULL;
	int err;

	if (flags & ~(unsigned)(LX_RENAME_NOREPLACE | LX_RENAME_EXCHANGE))
		return -LX_EINVAL;
	if ((flags & LX_RENAME_NOREPLACE) && (flags & LX_RENAME_EXCHANGE))
		return -LX_EINVAL;
	if ((err = walk_top(fs, olddir, oldpath, &o)) != 0)
		return err;
	if ((err = walk_top(fs, newdir, newpath, &n)) != 0)
		return err;
	if (o.type != LAST_NORM)
		return -LX_EBUSY;
	if (n.type != LAST_NORM)
		return flags & LX_RENAME_NOREPLACE ? -LX_EEXIST : -LX_EBUSY;
	if ((err = dir_lookup(o.dir, o.name, o.len, &oe)) != 0)
		return err;
	if (oe == NULL)
		return -LX_ENOENT;
	if ((err = dir_lookup(n.dir, n.name, n.len, &ne)) != 0)
		return err;
	if ((err = rename_check(fs, &o, oe, &n, ne, flags)) != 0)
		return err < 0 ? err : 0;
	if (flags & LX_RENAME_EXCHANGE) {
		rename_exchange(&o, oe, &n, ne);
		return 0;
	}
	if (ne == NULL) {
		if ((newe = dirent_alloc(n.name, n.len)) == NULL)
			return -LX_ENOMEM;
		if (dir_reserve(n.dir) != 0) {
			dirent_free(newe);
			return -LX_ENOMEM;
		}
	}
	rename_commit(fs, &o, oe, &n, ne, newe);
	return 0;
}

/* Reading the tree. */

int64_t
fs_readlink_inode(struct fs_inode *ip, char *buf, uint64_t size)
{
	uint64_t n = ip->size;

	if (size == 0 || !is_lnk(ip))
		return -LX_EINVAL;
	if (n > size)
		n = size;
	memcpy(buf, ip->u.link, n);
	touch_atime(ip);
	return (int64_t)n;
}

int64_t
fs_readlink(struct fs *fs, struct fs_inode *dir, const char *path, char *buf,
    uint64_t size)
{
	struct fs_inode *ip;
	int err;

	if (size == 0)
		return -LX_EINVAL;
	if ((err = resolve_top(fs, dir, path, FS_NOFOLLOW, &ip)) != 0)
		return err;
	return fs_readlink_inode(ip, buf, size);
}

void
fs_stat(struct fs_inode *ip, struct fs_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = ip->ino;
	st->mode = ip->mode;
	st->nlink = ip->nlink;
	st->size = ip->size;
	if (is_dir(ip))
		st->size = (2 + ip->u.dir.nlive) * BOGO_DIRENT;
	if (is_reg(ip))
		st->blocks =
		    (ip->size + FS_PAGE - 1) / FS_PAGE * (FS_PAGE / 512);
	st->blksize = FS_PAGE;
	st->rdev = ip->rdev;
	st->atime = ip->atime;
	st->mtime = ip->mtime;
	st->ctime = ip->ctime;
}

int
fs_chmod(struct fs_inode *ip, uint32_t mode)
{
	if (is_lnk(ip))
		return -LX_EOPNOTSUPP;
	ip->mode = (ip->mode & LX_S_IFMT) | (mode & 07777);
	ip->ctime = now();
	return 0;
}

void
fs_utimens(struct fs_inode *ip, int64_t atime, int64_t mtime)
{
	int64_t t;

	if (atime == FS_UTIME_OMIT && mtime == FS_UTIME_OMIT)
		return;
	t = now();
	if (atime != FS_UTIME_OMIT)
		ip->atime = atime == FS_UTIME_NOW ? t : atime;
	if (mtime != FS_UTIME_OMIT)
		ip->mtime = mtime == FS_UTIME_NOW ? t : mtime;
	ip->ctime = t;
}

int
fs_access(struct fs_inode *ip, int mode)
{
	if ((mode & LX_X_OK) && !is_dir(ip) && !(ip->mode & 0111))
		return -LX_EACCES;
	return 0;
}

int64_t
fs_getcwd(struct fs *fs, struct fs_inode *dir, char *buf, uint64_t size)
{
	uint64_t len = 0, pos;

	if (!is_dir(dir))
		return -LX_ENOTDIR;
	if (dir->nlink == 0)
		return -LX_ENOENT;
	for (struct fs_inode *p = dir; p != fs->root; p = p->u.dir.parent)
		len += 1 + p->u.dir.self->len;
	if (len == 0)
		len = 1;
	if (len + 1 > LX_PATH_MAX)
		return -LX_ENAMETOOLONG;
	if (len + 1 > size)
		return -LX_ERANGE;
	buf[0] = '/';
	buf[len] = 0;
	pos = len;
	for (struct fs_inode *p = dir; p != fs->root; p = p->u.dir.parent) {
		struct fs_dirent *e = p->u.dir.self;
		pos -= e->len;
		memcpy(buf + pos, e->name, e->len);
		buf[--pos] = '/';
	}
	return (int64_t)(len + 1);
}

static unsigned
dtype(const struct fs_inode *ip)
{
	switch (ip->mode & LX_S_IFMT) {
	case LX_S_IFDIR:
		return LX_DT_DIR;
	case LX_S_IFREG:
		return LX_DT_REG;
	case LX_S_IFLNK:
		return LX_DT_LNK;
	case LX_S_IFCHR:
		return LX_DT_CHR;
	case LX_S_IFBLK:
		return LX_DT_BLK;
	case LX_S_IFIFO:
		return LX_DT_FIFO;
	case LX_S_IFSOCK:
		return LX_DT_SOCK;
	}
	return LX_DT_UNKNOWN;
}

int
fs_readdir(struct fs_inode *dp, uint64_t *cookie, fs_emit_fn emit, void *arg)
{
	struct fs_dir *d = &dp->u.dir;

	if (!is_dir(dp))
		return -LX_ENOTDIR;
	if (dp->nlink == 0)
		return -LX_ENOENT;
	touch_atime(dp);
	if (*cookie == 0) {
		if (emit(arg, dp->ino, 1, LX_DT_DIR, ".", 1))
			return 0;
		*cookie = 1;
	}
	if (*cookie == 1) {
		if (emit(arg, d->parent->ino, 2, LX_DT_DIR, "..", 2))
			return 0;
		*cookie = 2;
	}
	for (uint64_t i = dir_slot_at(d, *cookie); i < d->nslots; i++) {
		struct fs_dirent *e = d->slots[i].d;
		if (e == NULL)
			continue;
		if (emit(arg, e->ip->ino, e->serial + 1, dtype(e->ip), e->name,
			e->len))
			return 0;
		*cookie = e->serial + 1;
	}
	return 0;
}
