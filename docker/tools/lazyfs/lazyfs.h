/*
 * lazyfs: a FUSE passthrough file system that keeps written-but-not-fsynced data in memory and
 * can drop it on command (a power loss). See README.md beside this file for the rules.
 */
#ifndef LAZYFS_H
#define LAZYFS_H

#define _GNU_SOURCE
#define FUSE_USE_VERSION 31
#include <fuse.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#define LZ_PAGE 4096
/* Reserved name in the mount's root (the control files) and in the backing root (lazyfs' state). */
#define LZ_DIR ".lazyfs"
#define LZ_GRAVEYARD LZ_DIR "/graveyard"
#define LZ_JOURNAL LZ_DIR "/journal"

/* When a directory change (create, unlink, rename, link, mkdir, rmdir) becomes durable. */
enum lz_metadata {
	/* fsync of a file or directory commits every change up to the last one that named that
	 * file or directory (ext4/xfs journaling: an fsync'd new file keeps its name). */
	LZ_META_JOURNAL,
	/* Only fsync of a parent directory commits changes (POSIX, fsync(2)'s man page). */
	LZ_META_POSIX,
};

struct lz_config {
	int root;                 /* O_DIRECTORY fd of the backing directory */
	const char *backing;
	enum lz_metadata metadata;
	bool odirect_durable;     /* O_DIRECT writes are durable when they return */
};
extern struct lz_config lz_cfg;

/* Taken shared by every file system operation, exclusively by `lose` and `sync-all`, so those
 * see no operation half done. */
extern pthread_rwlock_t lz_world;

/* Counters for `stat` (atomic adds). */
struct lz_counters {
	uint64_t writes, bytes_written, fsyncs, flushed_bytes, loses, syncs;
	uint64_t undo_errors, commit_errors;
};
extern struct lz_counters lz_count;
#define LZ_INC(field, n) __atomic_fetch_add(&lz_count.field, (n), __ATOMIC_RELAXED)

/* ---- inode.c: per-inode un-fsynced data ---- */

struct lz_inode {
	dev_t dev;
	ino_t ino;
	int fd;                  /* O_RDWR on the backing inode: flushes go here, and it keeps the
	                            inode (and so its number) alive while this state exists */
	int refs;                /* open handles; guarded by the table lock */
	pthread_rwlock_t lock;   /* guards the fields below */
	off_t size;              /* what readers see */
	off_t durable;           /* the backing file's size = size at the last flush */
	off_t floor;             /* backing bytes at or past this offset are hidden (a truncate
	                            since the last flush); floor <= durable and floor <= size */
	void *pages;             /* tsearch tree of struct lz_page *, by index */
	size_t npages;
};

struct lz_dirty { uint64_t bytes, files; };

struct lz_inode *lz_inode_get(int fd, const struct stat *st);
void lz_inode_put(struct lz_inode *in);
bool lz_inode_peek(dev_t dev, ino_t ino, struct stat *st);
ssize_t lz_read_data(struct lz_inode *in, char *buf, size_t size, off_t off);
ssize_t lz_write_data(struct lz_inode *in, const char *buf, size_t size, off_t off);
int lz_truncate(struct lz_inode *in, off_t size);
int lz_extend(struct lz_inode *in, off_t size);
int lz_flush(struct lz_inode *in, bool datasync);
void lz_inodes_dirty(struct lz_dirty *d);
int lz_inodes_flush_all(void);
void lz_inodes_discard_all(struct lz_dirty *lost);

/* ---- names.c: directory changes, applied to the backing directory at once and undone on
 * `lose` unless made durable ---- */

int lz_names_open(void);
int lz_ns_create(const char *rel, int flags, mode_t mode, int *fd);
int lz_ns_mknod(const char *rel, mode_t mode, dev_t rdev);
int lz_ns_mkdir(const char *rel, mode_t mode);
int lz_ns_symlink(const char *target, const char *rel);
int lz_ns_link(const char *from, const char *to);
int lz_ns_unlink(const char *rel);
int lz_ns_rmdir(const char *rel);
int lz_ns_rename(const char *from, const char *to, unsigned int flags);
void lz_ns_commit_for(dev_t dev, ino_t ino, bool dir);
void lz_ns_commit_all(void);
uint64_t lz_ns_undo_all(void);
uint64_t lz_ns_pending(void);

/* What fi->fh points to for files (directories hold a struct lz_dir). */
enum lz_kind { LZ_FILE, LZ_CTL, LZ_STAT };
struct lz_handle {
	enum lz_kind kind;
	struct lz_inode *in;          /* LZ_FILE */
	bool sync, datasync, direct;  /* opened O_SYNC / O_DSYNC only / O_DIRECT */
	char *reply;                  /* control files: what a read returns */
	size_t reply_len, reply_pos;
};

/* ---- control.c: the /.lazyfs/ctl and /.lazyfs/stat files ---- */

bool lz_ctl_path(const char *path);
int lz_ctl_getattr(const char *path, struct stat *st);
void lz_ctl_stat(enum lz_kind kind, struct stat *st);
int lz_ctl_readdir(void *buf, fuse_fill_dir_t filler);
int lz_ctl_open(const char *path, struct fuse_file_info *fi);
int lz_ctl_read(struct fuse_file_info *fi, char *buf, size_t size);
int lz_ctl_write(struct fuse_file_info *fi, const char *buf, size_t size);
void lz_ctl_release(struct fuse_file_info *fi);

#endif
