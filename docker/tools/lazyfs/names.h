/* Shared between names.c (the log of directory changes) and names-ops.c (the changes). */
#ifndef LAZYFS_NAMES_H
#define LAZYFS_NAMES_H
#include "lazyfs.h"

enum op { OP_CREATE = 1, OP_MKDIR, OP_UNLINK, OP_RMDIR, OP_RENAME, OP_EXCHANGE, OP_LINK, OP_COMMIT = 100 };

struct id {
	dev_t dev;
	ino_t ino;
};

/* Serialises directory changes with their log entries, so the log's order is the backing's. */
extern pthread_mutex_t lz_ns_lock;

void lz_grave_name(uint64_t seq, char *buf /* 64 bytes */);
int lz_stat_id(const char *rel, struct id *id, struct stat *st);
int lz_parent_id(const char *rel, struct id *id, struct stat *st);
void lz_set_owner(const char *rel, const struct stat *parent);
uint64_t lz_reserve(void);
void lz_log(uint64_t seq, enum op op, const char *path, const char *path2, bool grave, bool grave_dir,
	    struct id subject, struct id parent, struct id parent2);
#endif
