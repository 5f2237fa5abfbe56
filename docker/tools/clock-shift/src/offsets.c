/*
 * The offset file is one page: a magic, a version, and two signed 64-bit nanosecond offsets
 * (layout.h). The target maps it MAP_SHARED and reads the offsets on every clock call; `set`
 * stores them with 8-byte atomic writes through its own mapping, so a reader never sees half a
 * value and a change takes effect on the next call, with no ptrace.
 */
#define _GNU_SOURCE
#include "offsets.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cs.h"

int cs_offsets_open(const char *path, int create, struct cs_offsets_file *f) {
  int fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
  if (fd < 0) return cs_fail(CS_EFILE, "cannot open offset file %s: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return cs_fail(CS_EFILE, "offset file %s is not a regular file", path);
  }
  int fresh = st.st_size == 0 && create;
  if (fresh && ftruncate(fd, CS_OFFSETS_FILE_SIZE) != 0) {
    int e = errno;
    close(fd);
    return cs_fail(CS_EFILE, "cannot size offset file %s: %s", path, strerror(e));
  }
  if (!fresh && st.st_size != CS_OFFSETS_FILE_SIZE) {
    close(fd);
    return cs_fail(CS_EFILE, "%s is not a clock-shift offset file: it has %lld bytes, expected %d", path, (long long)st.st_size, CS_OFFSETS_FILE_SIZE);
  }
  void *m = mmap(NULL, CS_OFFSETS_FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (m == MAP_FAILED) return cs_fail(CS_EFILE, "cannot map offset file %s: %s", path, strerror(errno));
  struct cs_offsets *o = m;
  if (fresh) {
    memcpy(o->magic, CS_OFFSETS_MAGIC, 8);
    o->version = CS_OFFSETS_VERSION;
  } else if (memcmp(o->magic, CS_OFFSETS_MAGIC, 8) != 0 || o->version != CS_OFFSETS_VERSION) {
    munmap(m, CS_OFFSETS_FILE_SIZE);
    return cs_fail(CS_EFILE, "%s is not a clock-shift offset file (version %u): bad magic or version", path, CS_OFFSETS_VERSION);
  }
  f->o = o;
  f->dev = st.st_dev;
  f->ino = st.st_ino;
  return CS_OK;
}

void cs_offsets_close(struct cs_offsets_file *f) {
  if (f->o) munmap(f->o, CS_OFFSETS_FILE_SIZE);
  f->o = NULL;
}
