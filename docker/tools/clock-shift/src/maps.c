/* /proc/PID/maps: the mappings of a process, a free place near its vDSO, a mapping's file. */
#define _GNU_SOURCE
#include "maps.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"

/* Both jumps (vDSO -> trampoline, stub -> vDSO) and the stub's RIP-relative reads are rel32. */
#define MAX_DISTANCE 0x7ff00000ULL
/* Keep clear of the main stack's growth room. */
#define STACK_RESERVE (256ULL << 20)
#define USER_TOP 0x7ffffffff000ULL
#define LOW_LIMIT 0x10000ULL

int cs_maps_read(pid_t pid, struct cs_maps *m) {
  char path[64], line[1024 + 128];
  snprintf(path, sizeof path, "/proc/%d/maps", pid);
  FILE *f = fopen(path, "r");
  if (!f) return cs_fail(errno == ENOENT ? CS_ENOPROC : CS_EFAIL, "cannot read %s: %s", path, strerror(errno));
  m->n = 0;
  m->v = NULL;
  size_t cap = 0;
  while (fgets(line, sizeof line, f)) {
    struct cs_map e = {0};
    int name_at = 0;
    if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %*s %*s %*s %n", &e.start, &e.end, &name_at) < 2) continue;
    if (name_at > 0) {
      snprintf(e.name, sizeof e.name, "%s", line + name_at);
      e.name[strcspn(e.name, "\n")] = 0;
    }
    if (m->n == cap) {
      cap = cap ? cap * 2 : 128;
      m->v = realloc(m->v, cap * sizeof *m->v);
      if (!m->v) abort();
    }
    m->v[m->n++] = e;
  }
  fclose(f);
  return CS_OK;
}

void cs_maps_free(struct cs_maps *m) {
  free(m->v);
  m->v = NULL;
  m->n = 0;
}

static uint64_t distance(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }

int cs_maps_place_near(const struct cs_maps *m, uint64_t vdso_start, uint64_t vdso_end, uint64_t size, uint64_t *addr) {
  uint64_t best = 0, best_d = UINT64_MAX;
  for (size_t i = 0; i <= m->n; i++) {
    uint64_t lo = i == 0 ? LOW_LIMIT : m->v[i - 1].end;
    uint64_t hi = i == m->n ? USER_TOP : m->v[i].start;
    if (i < m->n && strcmp(m->v[i].name, "[stack]") == 0) hi = hi > STACK_RESERVE ? hi - STACK_RESERVE : 0;
    if (hi > USER_TOP) hi = USER_TOP;
    if (lo >= hi || hi - lo < size) continue;
    uint64_t a = hi <= vdso_start ? hi - size : lo; /* the end of the gap nearest the vDSO */
    uint64_t d = distance(a, vdso_start) > distance(a + size, vdso_end) ? distance(a, vdso_start) : distance(a + size, vdso_end);
    if (d < best_d) {
      best_d = d;
      best = a;
    }
  }
  if (best_d > MAX_DISTANCE) return cs_fail(CS_EFAIL, "no free address within 2 GiB of the vDSO for the trampoline");
  *addr = best;
  return CS_OK;
}

const struct cs_map *cs_maps_find(const struct cs_maps *m, uint64_t addr) {
  for (size_t i = 0; i < m->n; i++)
    if (addr >= m->v[i].start && addr < m->v[i].end) return &m->v[i];
  return NULL;
}
