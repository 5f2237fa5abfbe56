/*
 * Directory changes. Each is applied to the backing directory at once (so lookups are plain
 * passthrough) and logged with how to undo it; `lose` undoes the changes not yet durable, newest
 * first. Durability is ordered like a file-system journal: making one change durable makes every
 * earlier one durable too, so after a loss the names are exactly as they were at some moment.
 * A name that goes away (unlink, rmdir, rename over) is parked in the graveyard until durable.
 * The log is also appended to .lazyfs/journal, so a daemon that dies undoes the same on restart.
 */
#include "names.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

struct entry {
	struct entry *prev, *next;
	uint64_t seq;
	enum op op;
	char *path, *path2;
	bool grave, grave_dir; /* .lazyfs/graveyard/<seq> holds what the change removed */
	struct id subject, parent, parent2;
};

pthread_mutex_t lz_ns_lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry *head, *tail;
static uint64_t next_seq = 1, pending;
static int journal = -1;

void lz_grave_name(uint64_t seq, char *buf)
{
	snprintf(buf, 64, LZ_GRAVEYARD "/%llu", (unsigned long long)seq);
}

int lz_stat_id(const char *rel, struct id *id, struct stat *st)
{
	struct stat s;
	if (fstatat(lz_cfg.root, rel, &s, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	*id = (struct id){ s.st_dev, s.st_ino };
	if (st)
		*st = s;
	return 0;
}

int lz_parent_id(const char *rel, struct id *id, struct stat *st)
{
	const char *slash = strrchr(rel, '/');
	if (!slash)
		return lz_stat_id(".", id, st);
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - rel), rel);
	return lz_stat_id(dir, id, st);
}

/* New names belong to the caller; a set-group-ID directory passes its group on. */
void lz_set_owner(const char *rel, const struct stat *parent)
{
	struct fuse_context *c = fuse_get_context();
	gid_t gid = (parent->st_mode & S_ISGID) ? parent->st_gid : c->gid;
	if (fchownat(lz_cfg.root, rel, c->uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
		fprintf(stderr, "lazyfs: chown %s: %s\n", rel, strerror(errno));
}

/* ---- the on-disk journal (only for a daemon that dies: the host keeps it, no fsync) ---- */

static void journal_write(enum op op, uint64_t seq, const struct entry *e)
{
	if (journal < 0)
		return;
	uint16_t n1 = e && e->path ? strlen(e->path) : 0, n2 = e && e->path2 ? strlen(e->path2) : 0;
	uint8_t flags = e ? (e->grave | e->grave_dir << 1) : 0;
	uint32_t len = 1 + 1 + 8 + 2 + n1 + 2 + n2;
	char buf[4 + 14 + 2 * PATH_MAX], *p = buf;
	memcpy(p, &len, 4), p += 4;
	*p++ = op;
	*p++ = flags;
	memcpy(p, &seq, 8), p += 8;
	memcpy(p, &n1, 2), p += 2;
	memcpy(p, e && n1 ? e->path : "", n1), p += n1;
	memcpy(p, &n2, 2), p += 2;
	memcpy(p, e && n2 ? e->path2 : "", n2), p += n2;
	if (write(journal, buf, p - buf) != p - buf)
		fprintf(stderr, "lazyfs: journal write: %s\n", strerror(errno));
}

/* A sequence number for a change about to be made (its graveyard name). lz_ns_lock held. */
uint64_t lz_reserve(void)
{
	return next_seq++;
}

/* Records a change just made to the backing directory. lz_ns_lock held. */
void lz_log(uint64_t seq, enum op op, const char *path, const char *path2, bool grave, bool grave_dir,
		   struct id subject, struct id parent, struct id parent2)
{
	struct entry *e = calloc(1, sizeof(*e));
	if (!e) {
		fprintf(stderr, "lazyfs: out of memory logging %s; it will survive a lose\n", path);
		return;
	}
	*e = (struct entry){ .prev = tail, .seq = seq, .op = op, .path = strdup(path),
			     .path2 = path2 ? strdup(path2) : NULL, .grave = grave, .grave_dir = grave_dir,
			     .subject = subject, .parent = parent, .parent2 = parent2 };
	if (tail)
		tail->next = e;
	else
		head = e;
	tail = e;
	pending++;
	journal_write(op, e->seq, e);
}

static void free_entry(struct entry *e)
{
	free(e->path);
	free(e->path2);
	free(e);
}

static int undo(const struct entry *e)
{
	int root = lz_cfg.root, r = 0;
	char grave[64];
	lz_grave_name(e->seq, grave);
	switch (e->op) {
	case OP_CREATE:
	case OP_LINK:
		r = unlinkat(root, e->path, 0);
		break;
	case OP_MKDIR:
		r = unlinkat(root, e->path, AT_REMOVEDIR);
		break;
	case OP_UNLINK:
	case OP_RMDIR:
		r = renameat(root, grave, root, e->path);
		break;
	case OP_RENAME:
		r = renameat(root, e->path2, root, e->path);
		if (r == 0 && e->grave)
			r = renameat(root, grave, root, e->path2);
		break;
	case OP_EXCHANGE:
		r = renameat2(root, e->path, root, e->path2, RENAME_EXCHANGE);
		break;
	default:
		break;
	}
	if (r < 0)
		fprintf(stderr, "lazyfs: undo of change %llu (%s) failed: %s\n", (unsigned long long)e->seq, e->path, strerror(errno));
	return r;
}

/* Makes every change up to and including `last` durable. lz_ns_lock held. */
static void commit_through(struct entry *last)
{
	if (!last)
		return;
	uint64_t seq = last->seq;
	while (head && head->seq <= seq) {
		struct entry *e = head;
		if (e->grave) {
			char grave[64];
			lz_grave_name(e->seq, grave);
			if (unlinkat(lz_cfg.root, grave, e->grave_dir ? AT_REMOVEDIR : 0) < 0) {
				fprintf(stderr, "lazyfs: removing %s: %s\n", grave, strerror(errno));
				LZ_INC(commit_errors, 1);
			}
		}
		head = e->next;
		if (head)
			head->prev = NULL;
		else
			tail = NULL;
		pending--;
		free_entry(e);
	}
	if (!head && journal >= 0)
		ftruncate(journal, 0); /* nothing left to undo: keep the file small */
	else
		journal_write(OP_COMMIT, seq, NULL);
}

static bool same(struct id a, struct id b)
{
	return a.dev == b.dev && a.ino == b.ino;
}

/*
 * fsync of a file (dir=false) or directory (dir=true). POSIX: a directory fsync commits the
 * changes to its entries. Journal: also an fsync of the file or directory that a change named.
 */
void lz_ns_commit_for(dev_t dev, ino_t ino, bool dir)
{
	struct id id = { dev, ino };
	bool journal_mode = lz_cfg.metadata == LZ_META_JOURNAL;
	pthread_mutex_lock(&lz_ns_lock);
	struct entry *e = tail;
	for (; e; e = e->prev) {
		if (dir && (same(e->parent, id) || same(e->parent2, id)))
			break;
		if (journal_mode && same(e->subject, id))
			break;
	}
	commit_through(e);
	pthread_mutex_unlock(&lz_ns_lock);
}

void lz_ns_commit_all(void)
{
	pthread_mutex_lock(&lz_ns_lock);
	commit_through(tail);
	pthread_mutex_unlock(&lz_ns_lock);
}

/* Undoes every change not yet durable, newest first; returns how many. */
uint64_t lz_ns_undo_all(void)
{
	pthread_mutex_lock(&lz_ns_lock);
	uint64_t n = 0;
	while (tail) {
		struct entry *e = tail;
		if (undo(e) < 0)
			LZ_INC(undo_errors, 1);
		tail = e->prev;
		free_entry(e);
		n++;
	}
	head = NULL;
	pending = 0;
	if (journal >= 0)
		ftruncate(journal, 0);
	pthread_mutex_unlock(&lz_ns_lock);
	return n;
}

uint64_t lz_ns_pending(void)
{
	pthread_mutex_lock(&lz_ns_lock);
	uint64_t n = pending;
	pthread_mutex_unlock(&lz_ns_lock);
	return n;
}

/* ---- start-up: undo what a daemon that died left not durable ---- */

static char *read_all(int fd, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	for (ssize_t r; buf; n += r) {
		if (n == cap && !(buf = realloc(buf, cap *= 2)))
			break;
		r = read(fd, buf + n, cap - n);
		if (r <= 0)
			break;
	}
	*len = n;
	return buf;
}

/* Rebuilds the list of changes not yet durable from the journal; a torn last record is ignored. */
static void replay(const char *buf, size_t len)
{
	size_t at = 0;
	while (at + 4 <= len) {
		uint32_t n;
		memcpy(&n, buf + at, 4);
		const char *p = buf + at + 4;
		if (n < 14 || at + 4 + n > len)
			break;
		uint8_t op = p[0], flags = p[1];
		uint64_t seq;
		uint16_t n1, n2;
		memcpy(&seq, p + 2, 8);
		memcpy(&n1, p + 10, 2);
		if (12u + n1 + 2 > n)
			break;
		memcpy(&n2, p + 12 + n1, 2);
		if (14u + n1 + n2 != n)
			break;
		at += 4 + n;
		if (op == OP_COMMIT) {
			while (head && head->seq <= seq) {
				struct entry *e = head;
				head = e->next;
				free_entry(e);
				pending--;
			}
			if (!head)
				tail = NULL;
			else
				head->prev = NULL;
			continue;
		}
		char path[PATH_MAX], path2[PATH_MAX];
		snprintf(path, sizeof(path), "%.*s", n1, p + 12);
		snprintf(path2, sizeof(path2), "%.*s", n2, p + 14 + n1);
		struct id none = { 0, 0 };
		journal = -1; /* lz_log must not append while replaying */
		lz_log(seq, op, path, n2 ? path2 : NULL, flags & 1, flags & 2, none, none, none);
		if (seq >= next_seq)
			next_seq = seq + 1;
	}
}

/* Graveyard entries no change refers to any more (their removal was durable). */
static void sweep_graveyard(void)
{
	int fd = openat(lz_cfg.root, LZ_GRAVEYARD, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (unlinkat(fd, de->d_name, 0) < 0 && unlinkat(fd, de->d_name, AT_REMOVEDIR) < 0)
			fprintf(stderr, "lazyfs: cannot remove %s/%s: %s\n", LZ_GRAVEYARD, de->d_name, strerror(errno));
	}
	closedir(d);
}

int lz_names_open(void)
{
	int root = lz_cfg.root;
	if ((mkdirat(root, LZ_DIR, 0700) < 0 && errno != EEXIST) ||
	    (mkdirat(root, LZ_GRAVEYARD, 0700) < 0 && errno != EEXIST))
		return -errno;
	/* Held for the daemon's life: a second lazyfs on the same backing directory would undo the
	 * first one's changes when it replays the journal. */
	int lock = openat(root, LZ_DIR "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0)
		return -errno;
	if (flock(lock, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? -EBUSY : -errno;
	int fd = openat(root, LZ_JOURNAL, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	size_t len;
	char *buf = read_all(fd, &len);
	close(fd);
	if (buf)
		replay(buf, len);
	free(buf);
	uint64_t undone = lz_ns_undo_all();
	if (undone)
		fprintf(stderr, "lazyfs: undid %llu directory changes that a previous daemon left not durable\n",
			(unsigned long long)undone);
	sweep_graveyard();
	journal = openat(root, LZ_JOURNAL, O_WRONLY | O_APPEND | O_TRUNC | O_CLOEXEC);
	return journal < 0 ? -errno : 0;
}
