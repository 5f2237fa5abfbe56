/*
 * The directory changes themselves: each is made on the backing directory under lz_ns_lock and
 * logged (names.c) with what undoing it needs. What a change removes is parked in the graveyard:
 * an unlinked name is renamed there, a file replaced by rename gets a second link there.
 */
#include "names.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct id none;

static bool same(struct id a, struct id b)
{
	return a.dev == b.dev && a.ino == b.ino;
}

static int dir_empty(const char *rel)
{
	int fd = openat(lz_cfg.root, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -ENOMEM;
	}
	int r = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			r = -ENOTEMPTY;
			break;
		}
	closedir(d);
	return r;
}

/* Opens (O_RDWR) `rel`, creating it unless it exists; only a creation is logged. */
int lz_ns_create(const char *rel, int flags, mode_t mode, int *fd)
{
	struct id parent, subject;
	struct stat pst;
	pthread_mutex_lock(&lz_ns_lock);
	int r = lz_parent_id(rel, &parent, &pst);
	if (r == 0) {
		*fd = openat(lz_cfg.root, rel, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC | O_NOFOLLOW, mode);
		if (*fd >= 0) {
			lz_set_owner(rel, &pst);
			lz_stat_id(rel, &subject, NULL);
			lz_log(lz_reserve(), OP_CREATE, rel, NULL, false, false, subject, parent, none);
		} else if (errno == EEXIST && !(flags & O_EXCL)) {
			*fd = openat(lz_cfg.root, rel, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		}
		if (*fd < 0)
			r = -errno;
	}
	pthread_mutex_unlock(&lz_ns_lock);
	return r;
}

enum maker { MAKE_NODE, MAKE_DIR, MAKE_SYMLINK };

/* mknod, mkdir and symlink: a new name owned by the caller, logged as a creation. */
static int make_name(const char *rel, enum maker how, mode_t mode, dev_t rdev, const char *target)
{
	struct id parent, subject;
	struct stat pst;
	int root = lz_cfg.root;
	pthread_mutex_lock(&lz_ns_lock);
	int r = lz_parent_id(rel, &parent, &pst);
	if (r == 0) {
		int made = how == MAKE_DIR       ? mkdirat(root, rel, mode)
			   : how == MAKE_SYMLINK ? symlinkat(target, root, rel)
						 : mknodat(root, rel, mode, rdev);
		if (made < 0)
			r = -errno;
	}
	if (r == 0) {
		lz_set_owner(rel, &pst);
		if (how == MAKE_DIR && (pst.st_mode & S_ISGID))
			fchmodat(root, rel, mode | S_ISGID, 0);
		lz_stat_id(rel, &subject, NULL);
		lz_log(lz_reserve(), how == MAKE_DIR ? OP_MKDIR : OP_CREATE, rel, NULL, false, false, subject, parent, none);
	}
	pthread_mutex_unlock(&lz_ns_lock);
	return r;
}

int lz_ns_mknod(const char *rel, mode_t mode, dev_t rdev)
{
	return make_name(rel, MAKE_NODE, mode, rdev, NULL);
}

int lz_ns_mkdir(const char *rel, mode_t mode)
{
	return make_name(rel, MAKE_DIR, mode, 0, NULL);
}

int lz_ns_symlink(const char *target, const char *rel)
{
	return make_name(rel, MAKE_SYMLINK, 0, 0, target);
}

int lz_ns_link(const char *from, const char *to)
{
	struct id parent, subject;
	pthread_mutex_lock(&lz_ns_lock);
	int r = lz_parent_id(to, &parent, NULL);
	if (r == 0 && linkat(lz_cfg.root, from, lz_cfg.root, to, 0) < 0)
		r = -errno;
	if (r == 0) {
		lz_stat_id(to, &subject, NULL);
		lz_log(lz_reserve(), OP_LINK, to, NULL, false, false, subject, parent, none);
	}
	pthread_mutex_unlock(&lz_ns_lock);
	return r;
}

/* unlink and rmdir: the name moves to the graveyard, where it stays until durable. */
static int remove_name(const char *rel, bool dir)
{
	struct id parent, subject;
	struct stat st;
	pthread_mutex_lock(&lz_ns_lock);
	int r = lz_stat_id(rel, &subject, &st);
	if (r == 0)
		r = lz_parent_id(rel, &parent, NULL);
	if (r == 0 && !dir && S_ISDIR(st.st_mode))
		r = -EISDIR;
	if (r == 0 && dir && !S_ISDIR(st.st_mode))
		r = -ENOTDIR;
	if (r == 0 && dir)
		r = dir_empty(rel);
	if (r == 0) {
		uint64_t seq = lz_reserve();
		char grave[64];
		lz_grave_name(seq, grave);
		if (renameat(lz_cfg.root, rel, lz_cfg.root, grave) < 0)
			r = -errno;
		else
			lz_log(seq, dir ? OP_RMDIR : OP_UNLINK, rel, NULL, true, dir, subject, parent, none);
	}
	pthread_mutex_unlock(&lz_ns_lock);
	return r;
}

int lz_ns_unlink(const char *rel)
{
	return remove_name(rel, false);
}

int lz_ns_rmdir(const char *rel)
{
	return remove_name(rel, true);
}

/* rename over an existing name: the replaced file keeps a link in the graveyard (an empty
 * replaced directory moves there), then the real rename does its own checks atomically. */
static int rename_over(const char *from, const char *to, const struct stat *sf, const struct stat *st,
		       struct id subject, struct id pfrom, struct id pto)
{
	bool dir = S_ISDIR(st->st_mode);
	if (S_ISDIR(sf->st_mode) && !dir)
		return -ENOTDIR;
	if (!S_ISDIR(sf->st_mode) && dir)
		return -EISDIR;
	int r = dir ? dir_empty(to) : 0;
	if (r)
		return r;
	uint64_t seq = lz_reserve();
	char grave[64];
	lz_grave_name(seq, grave);
	int root = lz_cfg.root;
	if ((dir ? renameat(root, to, root, grave) : linkat(root, to, root, grave, 0)) < 0)
		return -errno;
	if (renameat(root, from, root, to) < 0) {
		r = -errno;
		if ((dir ? renameat(root, grave, root, to) : unlinkat(root, grave, 0)) < 0)
			fprintf(stderr, "lazyfs: restoring %s after a failed rename: %s\n", to, strerror(errno));
		return r;
	}
	lz_log(seq, OP_RENAME, from, to, true, dir, subject, pfrom, pto);
	return 0;
}

int lz_ns_rename(const char *from, const char *to, unsigned int flags)
{
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	struct id subject, target, pfrom, pto;
	struct stat sf, st;
	pthread_mutex_lock(&lz_ns_lock);
	int r = lz_stat_id(from, &subject, &sf);
	if (r == 0)
		r = lz_parent_id(from, &pfrom, NULL);
	if (r == 0)
		r = lz_parent_id(to, &pto, NULL);
	if (r)
		goto out;
	if (flags & RENAME_EXCHANGE) {
		if (renameat2(lz_cfg.root, from, lz_cfg.root, to, RENAME_EXCHANGE) < 0)
			r = -errno;
		else
			lz_log(lz_reserve(), OP_EXCHANGE, from, to, false, false, subject, pfrom, pto);
		goto out;
	}
	int t = lz_stat_id(to, &target, &st);
	if (t == -ENOENT) {
		if (renameat2(lz_cfg.root, from, lz_cfg.root, to, flags) < 0)
			r = -errno;
		else
			lz_log(lz_reserve(), OP_RENAME, from, to, false, false, subject, pfrom, pto);
	} else if (t < 0) {
		r = t;
	} else if (flags & RENAME_NOREPLACE) {
		r = -EEXIST;
	} else if (!same(subject, target)) { /* two links to one inode: rename does nothing */
		r = rename_over(from, to, &sf, &st, subject, pfrom, pto);
	}
out:
	pthread_mutex_unlock(&lz_ns_lock);
	return r;
}
