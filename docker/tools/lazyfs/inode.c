/*
 * Per-inode un-fsynced data: 4 KiB pages held in memory over the backing file, which keeps the
 * content of the last flush. Only dirty pages are held; clean reads go to the backing file (the
 * kernel's page cache over the mount caches them).
 */
#include "lazyfs.h"
#include <errno.h>
#include <limits.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

struct lz_page {
	uint64_t idx;
	unsigned char data[LZ_PAGE];
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static void *table; /* tsearch tree of struct lz_inode *, by (dev, ino) */

static int inode_cmp(const void *a, const void *b)
{
	const struct lz_inode *x = a, *y = b;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

static int page_cmp(const void *a, const void *b)
{
	const struct lz_page *x = a, *y = b;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static bool is_dirty(const struct lz_inode *in)
{
	return in->npages > 0 || in->size != in->durable || in->floor != in->durable;
}

static struct lz_page *find_page(struct lz_inode *in, uint64_t idx)
{
	struct lz_page key = { .idx = idx };
	void *node = tfind(&key, &in->pages, page_cmp);
	return node ? *(struct lz_page **)node : NULL;
}

/* ---- the inode table ---- */

/* Takes over `fd` (an O_RDWR fd on the backing inode described by `st`). */
struct lz_inode *lz_inode_get(int fd, const struct stat *st)
{
	struct lz_inode key = { .dev = st->st_dev, .ino = st->st_ino };
	pthread_mutex_lock(&table_lock);
	void *node = tfind(&key, &table, inode_cmp);
	struct lz_inode *in = node ? *(struct lz_inode **)node : NULL;
	if (in) {
		in->refs++;
		pthread_mutex_unlock(&table_lock);
		close(fd);
		return in;
	}
	in = calloc(1, sizeof(*in));
	if (in) {
		in->dev = st->st_dev; /* the tree's key: set before inserting */
		in->ino = st->st_ino;
		in->fd = fd;
		in->refs = 1;
		in->size = in->durable = in->floor = st->st_size;
		pthread_rwlock_init(&in->lock, NULL);
	}
	if (!in || !tsearch(in, &table, inode_cmp)) {
		pthread_mutex_unlock(&table_lock);
		free(in);
		close(fd);
		return NULL;
	}
	pthread_mutex_unlock(&table_lock);
	return in;
}

/* Frees a state nobody holds open and that has nothing un-fsynced. Table lock held. */
static void maybe_free(struct lz_inode *in)
{
	if (in->refs > 0 || is_dirty(in))
		return;
	tdelete(in, &table, inode_cmp);
	close(in->fd);
	pthread_rwlock_destroy(&in->lock);
	free(in);
}

void lz_inode_put(struct lz_inode *in)
{
	pthread_mutex_lock(&table_lock);
	in->refs--;
	pthread_rwlock_rdlock(&in->lock);
	bool free_it = in->refs == 0 && !is_dirty(in);
	pthread_rwlock_unlock(&in->lock);
	if (free_it)
		maybe_free(in);
	pthread_mutex_unlock(&table_lock);
}

/* What a reader sees of a backing inode that has un-fsynced state: its size (and blocks). */
bool lz_inode_peek(dev_t dev, ino_t ino, struct stat *st)
{
	struct lz_inode key = { .dev = dev, .ino = ino };
	pthread_mutex_lock(&table_lock);
	void *node = tfind(&key, &table, inode_cmp);
	if (node) {
		struct lz_inode *in = *(struct lz_inode **)node;
		pthread_rwlock_rdlock(&in->lock);
		st->st_size = in->size;
		blkcnt_t blocks = (in->size + 511) / 512;
		if (st->st_blocks < blocks)
			st->st_blocks = blocks;
		pthread_rwlock_unlock(&in->lock);
	}
	pthread_mutex_unlock(&table_lock);
	return node != NULL;
}

/* ---- data ---- */

static ssize_t pread_full(int fd, void *buf, size_t size, off_t off)
{
	size_t got = 0;
	while (got < size) {
		ssize_t r = pread(fd, (char *)buf + got, size - got, off + got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		got += r;
	}
	return got;
}

/* Backing bytes [off, off+size) as readers see them: hidden past `floor`, zeros past EOF. */
static ssize_t read_backing(struct lz_inode *in, void *buf, size_t size, off_t off)
{
	ssize_t got = 0;
	if (off < in->floor) {
		size_t want = in->floor - off < (off_t)size ? (size_t)(in->floor - off) : size;
		got = pread_full(in->fd, buf, want, off);
		if (got < 0)
			return got;
	}
	memset((char *)buf + got, 0, size - got);
	return size;
}

ssize_t lz_read_data(struct lz_inode *in, char *buf, size_t size, off_t off)
{
	pthread_rwlock_rdlock(&in->lock);
	ssize_t r = 0;
	if (off >= in->size)
		goto out;
	if ((off_t)size > in->size - off)
		size = in->size - off;
	r = read_backing(in, buf, size, off);
	if (r < 0 || in->npages == 0)
		goto out;
	for (uint64_t idx = off / LZ_PAGE; (off_t)(idx * LZ_PAGE) < off + (off_t)size; idx++) {
		struct lz_page *p = find_page(in, idx);
		if (!p)
			continue;
		off_t start = (off_t)(idx * LZ_PAGE) > off ? (off_t)(idx * LZ_PAGE) : off;
		off_t end = (off_t)((idx + 1) * LZ_PAGE) < off + (off_t)size ? (off_t)((idx + 1) * LZ_PAGE) : off + (off_t)size;
		memcpy(buf + (start - off), p->data + (start - idx * LZ_PAGE), end - start);
	}
out:
	pthread_rwlock_unlock(&in->lock);
	return r;
}

ssize_t lz_write_data(struct lz_inode *in, const char *buf, size_t size, off_t off)
{
	pthread_rwlock_wrlock(&in->lock);
	off_t end = off + size;
	for (off_t pos = off; pos < end;) {
		uint64_t idx = pos / LZ_PAGE;
		size_t at = pos % LZ_PAGE;
		size_t n = LZ_PAGE - at < (size_t)(end - pos) ? LZ_PAGE - at : (size_t)(end - pos);
		struct lz_page *p = find_page(in, idx);
		if (!p) {
			p = malloc(sizeof(*p));
			if (!p) {
				pthread_rwlock_unlock(&in->lock);
				return -ENOMEM;
			}
			p->idx = idx;
			/* A page only partly written keeps what readers saw around the write. */
			if (n < LZ_PAGE) {
				ssize_t r = read_backing(in, p->data, LZ_PAGE, idx * LZ_PAGE);
				if (r < 0) {
					free(p);
					pthread_rwlock_unlock(&in->lock);
					return r;
				}
			}
			if (!tsearch(p, &in->pages, page_cmp)) {
				free(p);
				pthread_rwlock_unlock(&in->lock);
				return -ENOMEM;
			}
			in->npages++;
		}
		memcpy(p->data + at, buf + (pos - off), n);
		pos += n;
	}
	if (end > in->size)
		in->size = end;
	pthread_rwlock_unlock(&in->lock);
	LZ_INC(writes, 1);
	LZ_INC(bytes_written, size);
	return size;
}

struct page_list {
	struct lz_page **v;
	size_t n, cap;
	uint64_t from; /* collect only pages with idx >= from */
};

static void collect_page(const void *node, VISIT which, void *arg)
{
	if (which != postorder && which != leaf)
		return;
	struct page_list *l = arg;
	struct lz_page *p = *(struct lz_page *const *)node;
	if (p->idx < l->from)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct lz_page **v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return; /* caught by the caller: n < npages */
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = p;
}

/* Pages with idx >= from, in index order (twalk visits a binary tree in order). */
static int list_pages(struct lz_inode *in, uint64_t from, struct page_list *l)
{
	*l = (struct page_list){ .from = from };
	twalk_r(in->pages, collect_page, l);
	return 0;
}

static void truncate_locked(struct lz_inode *in, off_t size)
{
	if (size < in->size) {
		struct page_list l;
		list_pages(in, (size + LZ_PAGE - 1) / LZ_PAGE, &l);
		for (size_t i = 0; i < l.n; i++) {
			tdelete(l.v[i], &in->pages, page_cmp);
			free(l.v[i]);
			in->npages--;
		}
		free(l.v);
		struct lz_page *p = size % LZ_PAGE ? find_page(in, size / LZ_PAGE) : NULL;
		if (p)
			memset(p->data + size % LZ_PAGE, 0, LZ_PAGE - size % LZ_PAGE);
		if (size < in->floor)
			in->floor = size;
	}
	in->size = size;
}

int lz_truncate(struct lz_inode *in, off_t size)
{
	if (size < 0)
		return -EINVAL;
	pthread_rwlock_wrlock(&in->lock);
	truncate_locked(in, size);
	pthread_rwlock_unlock(&in->lock);
	return 0;
}

/* fallocate without KEEP_SIZE: the size grows, the new range reads as zeros. */
int lz_extend(struct lz_inode *in, off_t size)
{
	pthread_rwlock_wrlock(&in->lock);
	if (size > in->size)
		truncate_locked(in, size);
	pthread_rwlock_unlock(&in->lock);
	return 0;
}

static int pwritev_full(int fd, struct iovec *iov, int n, off_t off)
{
	while (n > 0) {
		ssize_t w = pwritev(fd, iov, n, off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		off += w;
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= w;
		}
	}
	return 0;
}

/* Writes the dirty pages (runs of consecutive pages in one pwritev) and the size. */
static int write_back(struct lz_inode *in)
{
	if (in->floor < in->durable && ftruncate(in->fd, in->floor) < 0)
		return -errno;
	off_t backing = in->floor < in->durable ? in->floor : in->durable;
	struct page_list l;
	list_pages(in, 0, &l);
	int err = l.n < in->npages ? -ENOMEM : 0;
	struct iovec iov[IOV_MAX];
	for (size_t i = 0; i < l.n && !err;) {
		off_t start = l.v[i]->idx * LZ_PAGE;
		int n = 0;
		do {
			off_t page = l.v[i]->idx * LZ_PAGE;
			size_t len = in->size - page < LZ_PAGE ? (size_t)(in->size - page) : LZ_PAGE;
			iov[n++] = (struct iovec){ l.v[i]->data, len };
			i++;
		} while (i < l.n && n < IOV_MAX && l.v[i]->idx == l.v[i - 1]->idx + 1);
		off_t end = start;
		for (int k = 0; k < n; k++)
			end += iov[k].iov_len;
		err = pwritev_full(in->fd, iov, n, start);
		if (end > backing)
			backing = end;
		LZ_INC(flushed_bytes, end - start);
	}
	free(l.v);
	if (!err && backing != in->size && ftruncate(in->fd, in->size) < 0)
		err = -errno;
	return err;
}

static void drop_pages(struct lz_inode *in)
{
	tdestroy(in->pages, free);
	in->pages = NULL;
	in->npages = 0;
}

/* fsync: the backing file gets the inode's content and is synced; the state becomes clean. */
int lz_flush(struct lz_inode *in, bool datasync)
{
	pthread_rwlock_wrlock(&in->lock);
	int err = 0;
	if (is_dirty(in)) {
		err = write_back(in);
		if (!err && (datasync ? fdatasync(in->fd) : fsync(in->fd)) < 0)
			err = -errno;
		if (!err) {
			drop_pages(in);
			in->durable = in->floor = in->size;
		}
	}
	pthread_rwlock_unlock(&in->lock);
	return err;
}

/* ---- all inodes (`stat`, `sync-all`, `lose`) ---- */

struct inode_list {
	struct lz_inode **v;
	size_t n, cap;
};

static void collect_inode(const void *node, VISIT which, void *arg)
{
	if (which != postorder && which != leaf)
		return;
	struct inode_list *l = arg;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct lz_inode **v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *(struct lz_inode *const *)node;
}

static struct inode_list all_inodes(void)
{
	struct inode_list l = { 0 };
	twalk_r(table, collect_inode, &l);
	return l;
}

static void count_dirty(struct lz_inode *in, struct lz_dirty *d)
{
	if (!is_dirty(in))
		return;
	d->files++;
	d->bytes += in->npages * LZ_PAGE;
	if (in->size > in->durable && in->npages == 0)
		d->bytes += in->size - in->durable; /* grown by truncate/fallocate only */
}

void lz_inodes_dirty(struct lz_dirty *d)
{
	*d = (struct lz_dirty){ 0 };
	pthread_mutex_lock(&table_lock);
	struct inode_list l = all_inodes();
	for (size_t i = 0; i < l.n; i++) {
		pthread_rwlock_rdlock(&l.v[i]->lock);
		count_dirty(l.v[i], d);
		pthread_rwlock_unlock(&l.v[i]->lock);
	}
	free(l.v);
	pthread_mutex_unlock(&table_lock);
}

/* Flushes every inode (the caller holds lz_world exclusively). Returns the first error. */
int lz_inodes_flush_all(void)
{
	int first = 0;
	pthread_mutex_lock(&table_lock);
	struct inode_list l = all_inodes();
	for (size_t i = 0; i < l.n; i++) {
		int err = lz_flush(l.v[i], false);
		if (err && !first)
			first = err;
		maybe_free(l.v[i]);
	}
	free(l.v);
	pthread_mutex_unlock(&table_lock);
	return first;
}

/* Every inode back to its last flushed content (the caller holds lz_world exclusively). */
void lz_inodes_discard_all(struct lz_dirty *lost)
{
	*lost = (struct lz_dirty){ 0 };
	pthread_mutex_lock(&table_lock);
	struct inode_list l = all_inodes();
	for (size_t i = 0; i < l.n; i++) {
		struct lz_inode *in = l.v[i];
		pthread_rwlock_wrlock(&in->lock);
		count_dirty(in, lost);
		drop_pages(in);
		in->size = in->floor = in->durable;
		pthread_rwlock_unlock(&in->lock);
		maybe_free(in);
	}
	free(l.v);
	pthread_mutex_unlock(&table_lock);
}
