/*
 * lazyfs BACKING MOUNTPOINT [-f] [-o metadata=journal|posix] [-o odirect=buffered|durable]
 *        [other FUSE options]
 */
#include "lazyfs.h"
#include <fuse_lowlevel.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct lz_config lz_cfg = { .root = -1, .metadata = LZ_META_JOURNAL };
pthread_rwlock_t lz_world;
struct lz_counters lz_count;
extern const struct fuse_operations lz_operations;

struct options {
	char *metadata, *odirect, *backing;
	int help;
};

static const struct fuse_opt spec[] = {
	{ "metadata=%s", offsetof(struct options, metadata), 0 },
	{ "odirect=%s", offsetof(struct options, odirect), 0 },
	{ "-h", offsetof(struct options, help), 1 },
	{ "--help", offsetof(struct options, help), 1 },
	FUSE_OPT_END,
};

/* The first plain argument is the backing directory; the second (the mount point) is FUSE's. */
static int positional(void *data, const char *arg, int key, struct fuse_args *out)
{
	(void)out;
	struct options *o = data;
	if (key == FUSE_OPT_KEY_NONOPT && !o->backing) {
		o->backing = strdup(arg);
		return 0;
	}
	return 1;
}

static void usage(const char *prog)
{
	printf("usage: %s BACKING MOUNTPOINT [options]\n\n"
	       "Mounts BACKING at MOUNTPOINT; written data stays in memory until fsync'd.\n"
	       "Control: write `lose`, `sync-all` or `stat` to MOUNTPOINT/.lazyfs/ctl and read the reply\n"
	       "from the same open file; MOUNTPOINT/.lazyfs/stat holds the counters.\n\n"
	       "    -o metadata=journal  fsync of a file or directory makes the directory changes\n"
	       "                         naming it (and all earlier ones) durable (default)\n"
	       "    -o metadata=posix    only fsync of the parent directory does\n"
	       "    -o odirect=buffered  O_DIRECT writes need fsync like any other (default)\n"
	       "    -o odirect=durable   O_DIRECT writes are durable when they return\n\n",
	       prog);
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct options o = { 0 };
	if (fuse_opt_parse(&args, &o, spec, positional) < 0)
		return 2;
	if (o.help) {
		usage(argv[0]);
		fuse_cmdline_help();
		fuse_lib_help(&args);
		return 0;
	}
	if (!o.backing) {
		fprintf(stderr, "lazyfs: missing the backing directory (usage: lazyfs BACKING MOUNTPOINT [options])\n");
		return 2;
	}
	if (o.metadata && strcmp(o.metadata, "journal") && strcmp(o.metadata, "posix")) {
		fprintf(stderr, "lazyfs: -o metadata=%s: expected journal or posix\n", o.metadata);
		return 2;
	}
	if (o.odirect && strcmp(o.odirect, "buffered") && strcmp(o.odirect, "durable")) {
		fprintf(stderr, "lazyfs: -o odirect=%s: expected buffered or durable\n", o.odirect);
		return 2;
	}
	lz_cfg.metadata = o.metadata && !strcmp(o.metadata, "posix") ? LZ_META_POSIX : LZ_META_JOURNAL;
	lz_cfg.odirect_durable = o.odirect && !strcmp(o.odirect, "durable");
	lz_cfg.backing = o.backing;
	lz_cfg.root = open(o.backing, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lz_cfg.root < 0) {
		fprintf(stderr, "lazyfs: backing directory %s: %s\n", o.backing, strerror(errno));
		return 2;
	}
	umask(0); /* modes arrive with the caller's umask applied */
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
	/* A waiting `lose` must not starve behind a stream of operations. */
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&lz_world, &attr);
	int r = lz_names_open();
	if (r < 0) {
		fprintf(stderr, "lazyfs: %s/%s: %s\n", o.backing, LZ_DIR,
			r == -EBUSY ? "another lazyfs is serving this backing directory" : strerror(-r));
		return 2;
	}
	/* Root runs lazyfs; the kernel checks each caller against the files' modes. */
	fuse_opt_add_arg(&args, "-odefault_permissions,allow_other,fsname=lazyfs,subtype=lazyfs");
	/* libfuse 3.14 warns about its own default here; 16 idle threads is plenty. */
	fuse_opt_add_arg(&args, "-omax_idle_threads=16");
	r = fuse_main(args.argc, args.argv, &lz_operations, NULL);
	fuse_opt_free_args(&args);
	return r;
}
