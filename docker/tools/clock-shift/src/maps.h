/* A process's memory map (see maps.c). */
#ifndef CS_MAPS_H
#define CS_MAPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct cs_map {
  uint64_t start, end;
  char name[1024]; /* path (truncated), [vdso], [stack]…, or empty */
};

struct cs_maps {
  struct cs_map *v;
  size_t n;
};

int cs_maps_read(pid_t pid, struct cs_maps *m);
void cs_maps_free(struct cs_maps *m);

/* A free, page-aligned range of `size` bytes within rel32 reach of the whole vDSO. */
int cs_maps_place_near(const struct cs_maps *m, uint64_t vdso_start, uint64_t vdso_end, uint64_t size, uint64_t *addr);

/* The mapping that contains `addr`, or NULL. */
const struct cs_map *cs_maps_find(const struct cs_maps *m, uint64_t addr);

#endif
