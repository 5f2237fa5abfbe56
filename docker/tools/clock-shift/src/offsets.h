/* The offset file: read and written by the tool, mapped read-only by the target (see offsets.c). */
#ifndef CS_OFFSETS_H
#define CS_OFFSETS_H

#include <stdint.h>
#include <sys/types.h>

#include "layout.h"

struct cs_offsets_file {
  struct cs_offsets *o; /* MAP_SHARED view of the file */
  dev_t dev;
  ino_t ino;
};

/* Opens `path` as an offset file, creating a zeroed one when `create` and it does not exist. */
int cs_offsets_open(const char *path, int create, struct cs_offsets_file *f);
void cs_offsets_close(struct cs_offsets_file *f);

#endif
