/*
 * The control files, in a directory that only exists in the mount (hidden from its listing):
 *   /.lazyfs/ctl   write a command (`lose`, `sync-all`, `stat`); a read on the same open file
 *                  returns the command's JSON reply.
 *   /.lazyfs/stat  each open reads a fresh JSON snapshot of the counters.
 * A file in the mount (rather than a socket) is reachable from wherever the mount is, e.g.
 * `docker exec`, with any shell, and it is gone when the mount is.
 */
#include "lazyfs.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DIR_INO 0xfffffff0u

bool lz_ctl_path(const char *path)
{
	return path && !strncmp(path, "/" LZ_DIR, sizeof(LZ_DIR)) &&
	       (path[sizeof(LZ_DIR)] == '\0' || path[sizeof(LZ_DIR)] == '/');
}

/* -1 for the directory itself, else a kind; -ENOENT for anything else under it. */
static int kind_of(const char *path)
{
	const char *name = path + sizeof(LZ_DIR);
	if (*name == '\0')
		return -1;
	if (!strcmp(name, "/ctl"))
		return LZ_CTL;
	if (!strcmp(name, "/stat"))
		return LZ_STAT;
	return -ENOENT;
}

void lz_ctl_stat(enum lz_kind kind, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFREG | (kind == LZ_CTL ? 0600 : 0400);
	st->st_nlink = 1;
	st->st_ino = DIR_INO + 1 + kind;
}

int lz_ctl_getattr(const char *path, struct stat *st)
{
	int kind = kind_of(path);
	if (kind == -ENOENT)
		return kind;
	if (kind >= 0) {
		lz_ctl_stat(kind, st);
		return 0;
	}
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFDIR | 0700;
	st->st_nlink = 2;
	st->st_ino = DIR_INO;
	return 0;
}

int lz_ctl_readdir(void *buf, fuse_fill_dir_t filler)
{
	const char *names[] = { ".", "..", "ctl", "stat" };
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		filler(buf, names[i], NULL, 0, 0);
	return 0;
}

static char *stat_json(void)
{
	struct lz_dirty d;
	lz_inodes_dirty(&d);
	char *s = NULL;
	struct lz_counters c = lz_count;
	if (asprintf(&s,
		     "{\"dirty_bytes\":%llu,\"dirty_files\":%llu,\"pending_names\":%llu,\"metadata\":\"%s\","
		     "\"odirect\":\"%s\",\"writes\":%llu,\"bytes_written\":%llu,\"fsyncs\":%llu,"
		     "\"flushed_bytes\":%llu,\"loses\":%llu,\"syncs\":%llu,\"undo_errors\":%llu,"
		     "\"commit_errors\":%llu}\n",
		     (unsigned long long)d.bytes, (unsigned long long)d.files, (unsigned long long)lz_ns_pending(),
		     lz_cfg.metadata == LZ_META_POSIX ? "posix" : "journal",
		     lz_cfg.odirect_durable ? "durable" : "buffered", (unsigned long long)c.writes,
		     (unsigned long long)c.bytes_written, (unsigned long long)c.fsyncs,
		     (unsigned long long)c.flushed_bytes, (unsigned long long)c.loses, (unsigned long long)c.syncs,
		     (unsigned long long)c.undo_errors, (unsigned long long)c.commit_errors) < 0)
		return NULL;
	return s;
}

int lz_ctl_open(const char *path, struct fuse_file_info *fi)
{
	int kind = kind_of(path);
	if (kind == -ENOENT)
		return kind;
	if (kind < 0)
		return -EISDIR;
	if (kind == LZ_STAT && (fi->flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	struct lz_handle *h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->kind = kind;
	if (kind == LZ_STAT) {
		h->reply = stat_json();
		h->reply_len = h->reply ? strlen(h->reply) : 0;
	}
	fi->direct_io = 1; /* no page cache: every read asks again */
	fi->fh = (uintptr_t)h;
	return 0;
}

int lz_ctl_read(struct fuse_file_info *fi, char *buf, size_t size)
{
	struct lz_handle *h = (struct lz_handle *)(uintptr_t)fi->fh;
	size_t left = h->reply_len - h->reply_pos;
	size_t n = size < left ? size : left;
	memcpy(buf, h->reply + h->reply_pos, n);
	h->reply_pos += n;
	return n;
}

static char *lose(void)
{
	struct lz_dirty lost;
	pthread_rwlock_wrlock(&lz_world);
	lz_inodes_discard_all(&lost);
	uint64_t undone = lz_ns_undo_all();
	pthread_rwlock_unlock(&lz_world);
	LZ_INC(loses, 1);
	char *s = NULL;
	if (asprintf(&s, "{\"lost_bytes\":%llu,\"lost_files\":%llu,\"undone_names\":%llu}\n",
		     (unsigned long long)lost.bytes, (unsigned long long)lost.files, (unsigned long long)undone) < 0)
		return NULL;
	return s;
}

static char *sync_all(int *err)
{
	struct lz_dirty d;
	pthread_rwlock_wrlock(&lz_world);
	lz_inodes_dirty(&d);
	uint64_t names = lz_ns_pending();
	*err = lz_inodes_flush_all();
	lz_ns_commit_all();
	pthread_rwlock_unlock(&lz_world);
	LZ_INC(syncs, 1);
	char *s = NULL;
	if (asprintf(&s, "{\"synced_bytes\":%llu,\"synced_files\":%llu,\"committed_names\":%llu,\"error\":%s%s%s}\n",
		     (unsigned long long)d.bytes, (unsigned long long)d.files, (unsigned long long)names,
		     *err ? "\"" : "", *err ? strerror(-*err) : "null", *err ? "\"" : "") < 0)
		return NULL;
	return s;
}

/* Runs one command (surrounding blanks ignored); its reply is what the next reads return. */
int lz_ctl_write(struct fuse_file_info *fi, const char *buf, size_t size)
{
	struct lz_handle *h = (struct lz_handle *)(uintptr_t)fi->fh;
	if (h->kind != LZ_CTL)
		return -EBADF;
	int written = size;
	while (size > 0 && (buf[size - 1] == '\n' || buf[size - 1] == ' ' || buf[size - 1] == '\t'))
		size--;
	size_t start = 0;
	while (start < size && (buf[start] == ' ' || buf[start] == '\t'))
		start++;
	char cmd[32];
	snprintf(cmd, sizeof(cmd), "%.*s", (int)(size - start < 31 ? size - start : 31), buf + start);
	int err = 0;
	char *reply;
	if (!strcmp(cmd, "lose"))
		reply = lose();
	else if (!strcmp(cmd, "sync-all"))
		reply = sync_all(&err);
	else if (!strcmp(cmd, "stat"))
		reply = stat_json();
	else {
		fprintf(stderr, "lazyfs: unknown control command \"%s\" (expected lose, sync-all or stat)\n", cmd);
		return -EINVAL;
	}
	free(h->reply);
	h->reply = reply;
	h->reply_len = reply ? strlen(reply) : 0;
	h->reply_pos = 0;
	return err ? err : written;
}

void lz_ctl_release(struct fuse_file_info *fi)
{
	struct lz_handle *h = (struct lz_handle *)(uintptr_t)fi->fh;
	free(h->reply);
	free(h);
}
