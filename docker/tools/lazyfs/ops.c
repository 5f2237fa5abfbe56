/*
 * The FUSE operations: passthrough to the backing directory, with file data going through
 * inode.c (held until fsync) and directory changes through names.c (undone by `lose` unless
 * durable). Every operation holds lz_world shared, so `lose` and `sync-all` see none half done.
 */
#include "lazyfs.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

struct lz_dir {
	DIR *d;     /* NULL: the control directory */
	bool root;  /* the mount's root: hide the backing's .lazyfs */
};

#define H(fi) ((struct lz_handle *)(uintptr_t)(fi)->fh)
#define D(fi) ((struct lz_dir *)(uintptr_t)(fi)->fh)

/* The backing path of a mount path (relative to lz_cfg.root). */
static const char *rel(const char *path)
{
	return path[1] ? path + 1 : ".";
}

static void world_enter(void)
{
	pthread_rwlock_rdlock(&lz_world);
}

static int world_leave(int r)
{
	pthread_rwlock_unlock(&lz_world);
	return r;
}

static int lz_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	if (fi && H(fi)->kind != LZ_FILE) {
		lz_ctl_stat(H(fi)->kind, st);
		return 0;
	}
	if (!fi && lz_ctl_path(path))
		return lz_ctl_getattr(path, st);
	world_enter();
	int r = fi ? fstat(H(fi)->in->fd, st) : fstatat(lz_cfg.root, rel(path), st, AT_SYMLINK_NOFOLLOW);
	if (r < 0)
		return world_leave(-errno);
	if (S_ISREG(st->st_mode))
		lz_inode_peek(st->st_dev, st->st_ino, st);
	return world_leave(0);
}

static int lz_opendir(const char *path, struct fuse_file_info *fi)
{
	struct lz_dir *dh = calloc(1, sizeof(*dh));
	if (!dh)
		return -ENOMEM;
	if (lz_ctl_path(path)) {
		struct stat st;
		int r = lz_ctl_getattr(path, &st);
		if (r == 0 && !S_ISDIR(st.st_mode))
			r = -ENOTDIR;
		if (r < 0) {
			free(dh);
			return r;
		}
	} else {
		int fd = openat(lz_cfg.root, rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		dh->d = fd >= 0 ? fdopendir(fd) : NULL;
		if (!dh->d) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			free(dh);
			return -e;
		}
		dh->root = path[1] == '\0';
	}
	fi->fh = (uintptr_t)dh;
	return 0;
}

static int lz_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off,
		      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	(void)path, (void)flags;
	struct lz_dir *dh = D(fi);
	if (!dh->d)
		return lz_ctl_readdir(buf, filler);
	if (off == 0)
		rewinddir(dh->d);
	struct dirent *de;
	while ((de = readdir(dh->d))) {
		if (dh->root && !strcmp(de->d_name, LZ_DIR))
			continue;
		struct stat st = { .st_ino = de->d_ino, .st_mode = (mode_t)DTTOIF(de->d_type) };
		if (filler(buf, de->d_name, &st, 0, 0))
			break;
	}
	return 0;
}

static int lz_releasedir(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	if (D(fi)->d)
		closedir(D(fi)->d);
	free(D(fi));
	return 0;
}

static int lz_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi)
{
	(void)path, (void)datasync;
	if (!D(fi)->d)
		return 0;
	world_enter();
	struct stat st;
	int fd = dirfd(D(fi)->d);
	if (fstat(fd, &st) < 0)
		return world_leave(-errno);
	lz_ns_commit_for(st.st_dev, st.st_ino, true);
	LZ_INC(fsyncs, 1);
	return world_leave(fsync(fd) < 0 ? -errno : 0);
}

/* An open file: its inode state is shared by every handle on the same backing inode. */
static int open_handle(int fd, struct fuse_file_info *fi)
{
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	struct lz_handle *h = calloc(1, sizeof(*h));
	struct lz_inode *in = h ? lz_inode_get(fd, &st) : NULL;
	if (!in) {
		if (!h)
			close(fd);
		free(h);
		return -ENOMEM;
	}
	*h = (struct lz_handle){ .kind = LZ_FILE, .in = in };
	h->sync = (fi->flags & O_DSYNC) != 0;
	h->datasync = (fi->flags & O_SYNC) != O_SYNC;
	h->direct = (fi->flags & O_DIRECT) != 0;
	if (fi->flags & O_TRUNC)
		lz_truncate(in, 0);
	fi->fh = (uintptr_t)h;
	fi->keep_cache = 0; /* the kernel drops its cached pages at each open (they may be lost) */
	return 0;
}

static int lz_open(const char *path, struct fuse_file_info *fi)
{
	if (lz_ctl_path(path))
		return lz_ctl_open(path, fi);
	world_enter();
	int fd = openat(lz_cfg.root, rel(path), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return world_leave(-errno);
	return world_leave(open_handle(fd, fi));
}

static int lz_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	if (lz_ctl_path(path))
		return -EPERM;
	world_enter();
	int fd;
	int r = lz_ns_create(rel(path), fi->flags, mode, &fd);
	return world_leave(r < 0 ? r : open_handle(fd, fi));
}

static int lz_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)path;
	if (H(fi)->kind != LZ_FILE)
		return lz_ctl_read(fi, buf, size);
	world_enter();
	return world_leave(lz_read_data(H(fi)->in, buf, size, off));
}

/* fsync and its equivalents: data and size to the backing file, then the names it makes durable. */
static int sync_inode(struct lz_inode *in, bool datasync)
{
	int r = lz_flush(in, datasync);
	if (r == 0)
		lz_ns_commit_for(in->dev, in->ino, false);
	LZ_INC(fsyncs, 1);
	return r;
}

static int lz_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)path;
	struct lz_handle *h = H(fi);
	if (h->kind != LZ_FILE)
		return lz_ctl_write(fi, buf, size);
	world_enter();
	ssize_t r = lz_write_data(h->in, buf, size, off);
	if (r > 0 && (h->sync || (h->direct && lz_cfg.odirect_durable))) {
		int e = sync_inode(h->in, h->datasync);
		if (e < 0)
			r = e;
	}
	return world_leave(r);
}

static int lz_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	(void)path;
	if (H(fi)->kind != LZ_FILE)
		return 0;
	world_enter();
	return world_leave(sync_inode(H(fi)->in, datasync));
}

static int lz_flush_op(const char *path, struct fuse_file_info *fi)
{
	(void)path, (void)fi;
	return 0; /* close(2) makes nothing durable */
}

static int lz_release(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	if (H(fi)->kind != LZ_FILE) {
		lz_ctl_release(fi);
		return 0;
	}
	world_enter();
	lz_inode_put(H(fi)->in);
	free(H(fi));
	return world_leave(0);
}

static int lz_truncate_op(const char *path, off_t size, struct fuse_file_info *fi)
{
	if (fi && H(fi)->kind != LZ_FILE)
		return 0; /* `echo lose > ctl` truncates first */
	if (!fi && lz_ctl_path(path))
		return lz_ctl_getattr(path, &(struct stat){ 0 }) < 0 ? -ENOENT : 0;
	world_enter();
	if (fi)
		return world_leave(lz_truncate(H(fi)->in, size));
	int fd = openat(lz_cfg.root, rel(path), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return world_leave(-errno);
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return world_leave(-e);
	}
	struct lz_inode *in = lz_inode_get(fd, &st);
	if (!in)
		return world_leave(-ENOMEM);
	int r = lz_truncate(in, size);
	lz_inode_put(in);
	return world_leave(r);
}

static int lz_fallocate(const char *path, int mode, off_t off, off_t len, struct fuse_file_info *fi)
{
	(void)path;
	if (H(fi)->kind != LZ_FILE)
		return -EOPNOTSUPP;
	if (off < 0 || len <= 0)
		return -EINVAL;
	if (mode == FALLOC_FL_KEEP_SIZE)
		return 0; /* reserves space only: nothing a reader or a loss can see */
	if (mode != 0)
		return -EOPNOTSUPP; /* punch hole, zero/collapse/insert range: not modelled */
	world_enter();
	return world_leave(lz_extend(H(fi)->in, off + len));
}

#define NAME_OP(call) \
	do { \
		world_enter(); \
		return world_leave(call); \
	} while (0)

static int lz_mknod(const char *path, mode_t mode, dev_t rdev)
{
	if (lz_ctl_path(path))
		return -EEXIST;
	NAME_OP(lz_ns_mknod(rel(path), mode, rdev));
}

static int lz_mkdir(const char *path, mode_t mode)
{
	if (lz_ctl_path(path))
		return -EEXIST;
	NAME_OP(lz_ns_mkdir(rel(path), mode));
}

static int lz_symlink(const char *target, const char *path)
{
	if (lz_ctl_path(path))
		return -EEXIST;
	NAME_OP(lz_ns_symlink(target, rel(path)));
}

static int lz_link(const char *from, const char *to)
{
	if (lz_ctl_path(from) || lz_ctl_path(to))
		return -EPERM;
	NAME_OP(lz_ns_link(rel(from), rel(to)));
}

static int lz_unlink(const char *path)
{
	if (lz_ctl_path(path))
		return -EPERM;
	NAME_OP(lz_ns_unlink(rel(path)));
}

static int lz_rmdir(const char *path)
{
	if (lz_ctl_path(path))
		return -EPERM;
	NAME_OP(lz_ns_rmdir(rel(path)));
}

static int lz_rename(const char *from, const char *to, unsigned int flags)
{
	if (lz_ctl_path(from) || lz_ctl_path(to))
		return -EPERM;
	NAME_OP(lz_ns_rename(rel(from), rel(to), flags));
}

static int lz_readlink(const char *path, char *buf, size_t size)
{
	if (lz_ctl_path(path))
		return -EINVAL;
	ssize_t n = readlinkat(lz_cfg.root, rel(path), buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* Attributes go straight to the backing inode and survive a loss (see README.md). */
static int lz_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	if (fi ? H(fi)->kind != LZ_FILE : lz_ctl_path(path))
		return -EPERM;
	int r = fi ? fchmod(H(fi)->in->fd, mode) : fchmodat(lz_cfg.root, rel(path), mode, 0);
	return r < 0 ? -errno : 0;
}

static int lz_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
	if (fi ? H(fi)->kind != LZ_FILE : lz_ctl_path(path))
		return -EPERM;
	int r = fi ? fchown(H(fi)->in->fd, uid, gid) : fchownat(lz_cfg.root, rel(path), uid, gid, AT_SYMLINK_NOFOLLOW);
	return r < 0 ? -errno : 0;
}

static int lz_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
	if (fi ? H(fi)->kind != LZ_FILE : lz_ctl_path(path))
		return -EPERM;
	int r = fi ? futimens(H(fi)->in->fd, tv) : utimensat(lz_cfg.root, rel(path), tv, AT_SYMLINK_NOFOLLOW);
	return r < 0 ? -errno : 0;
}

static int lz_statfs(const char *path, struct statvfs *st)
{
	(void)path;
	return fstatvfs(lz_cfg.root, st) < 0 ? -errno : 0;
}

static void *lz_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	/* The kernel must not hold written data of its own: each write reaches lazyfs at once. */
	conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
	/* 1 MiB writes instead of 128 KiB: fewer round trips for bulk writes (kernel >= 4.20). */
	conn->max_write = 1 << 20;
	/* No cached names or attributes: after a loss, sizes and names are asked again. */
	cfg->entry_timeout = cfg->attr_timeout = cfg->negative_timeout = 0;
	cfg->kernel_cache = cfg->auto_cache = cfg->direct_io = 0;
	cfg->use_ino = 1;
	cfg->nullpath_ok = 1;
	cfg->hard_remove = 1; /* no .fuse_hidden files: unlinked open files work through their handle */
	return NULL;
}

/* Unmounting is a clean shutdown: like a real file system, everything written is kept. */
static void lz_destroy(void *data)
{
	(void)data;
	pthread_rwlock_wrlock(&lz_world);
	lz_inodes_flush_all();
	lz_ns_commit_all();
	pthread_rwlock_unlock(&lz_world);
}

const struct fuse_operations lz_operations = {
	.init = lz_init,
	.destroy = lz_destroy,
	.getattr = lz_getattr,
	.readlink = lz_readlink,
	.mknod = lz_mknod,
	.mkdir = lz_mkdir,
	.unlink = lz_unlink,
	.rmdir = lz_rmdir,
	.symlink = lz_symlink,
	.rename = lz_rename,
	.link = lz_link,
	.chmod = lz_chmod,
	.chown = lz_chown,
	.truncate = lz_truncate_op,
	.open = lz_open,
	.read = lz_read,
	.write = lz_write,
	.statfs = lz_statfs,
	.flush = lz_flush_op,
	.release = lz_release,
	.fsync = lz_fsync,
	.opendir = lz_opendir,
	.readdir = lz_readdir,
	.releasedir = lz_releasedir,
	.fsyncdir = lz_fsyncdir,
	.create = lz_create,
	.utimens = lz_utimens,
	.fallocate = lz_fallocate,
};
