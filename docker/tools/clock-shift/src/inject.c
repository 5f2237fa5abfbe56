/*
 * attach, detach and status: how the trampoline gets into a process and out again.
 *
 * attach: stop every thread; make the target map a fresh page near its vDSO (read+exec,
 * private) and the offset file (read-only, shared); write the trampoline there; then overwrite
 * the first bytes of the vDSO's clock_gettime, gettimeofday and time with jumps to it. The vDSO
 * text is private to the process (the write makes a copy-on-write copy), and shared by all of
 * its threads, present and future; a fork inherits it, an exec drops it.
 *
 * detach: put the original bytes back. The two pages stay mapped, inert: a thread may still be
 * inside the trampoline (or a signal handler may return into it), so unmapping could crash it.
 */
#define _GNU_SOURCE
#include "inject.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cs.h"
#include "maps.h"
#include "offsets.h"
#include "relocate.h"
#include "target.h"
#include "vdso.h"

extern char __start_cs_tramp[], __stop_cs_tramp[], cs_tramp_header[], cs_tramp_stub[];
extern char cs_fake_clock_gettime[], cs_fake_gettimeofday[], cs_fake_time[];

#define PAGE 4096ULL
#define PATH_SCRATCH 1024
/* A thread stopped this close after a patched entry might be in the middle of a replaced instruction. */
#define PATCH_GUARD 16

static const uint8_t SYSCALL_STUB[] = {0xb8, 0xe4, 0x00, 0x00, 0x00 /* mov $228 (clock_gettime), %eax */, 0x0f, 0x05 /* syscall */, 0xc3 /* ret */};

static uint64_t tramp_off(const char *sym) { return (uint64_t)(sym - __start_cs_tramp); }

static uint64_t fake_entry(int f) {
  const char *entries[CS_NFUNCS] = {cs_fake_clock_gettime, cs_fake_gettimeofday, cs_fake_time};
  return tramp_off(entries[f]);
}

/* The vDSO of `pid`, read through /proc/PID/mem. */
static int load_vdso(pid_t pid, struct cs_vdso *v, const char *who) {
  memset(v, 0, sizeof *v);
  int rc = cs_vdso_find(pid, &v->start, &v->end);
  if (rc) return rc;
  v->size = v->end - v->start;
  v->image = malloc(v->size);
  if (!v->image) abort();
  rc = cs_mem_read(pid, v->start, v->image, v->size);
  if (rc) return rc;
  return cs_vdso_parse(v, who);
}

/* If clock_gettime already jumps into a clock-shift trampoline: its address and header. */
static int read_state(pid_t pid, const struct cs_vdso *v, struct cs_status *s) {
  memset(s, 0, sizeof *s);
  uint64_t entry = v->func[CS_CLOCK_GETTIME], to;
  if (!cs_jmp_target(entry, v->image + (entry - v->start), &to)) return CS_OK;
  uint64_t base = to & ~(PAGE - 1);
  struct cs_header h;
  if (cs_mem_read(pid, base, &h, sizeof h) != CS_OK) return CS_OK; /* some other patch: not ours */
  if (memcmp(h.magic, CS_HEADER_MAGIC, 8) != 0) return CS_OK;
  s->attached = 1;
  s->code = base;
  s->header = h;
  struct cs_offsets o;
  int rc = cs_mem_read(pid, h.offsets, &o, sizeof o);
  if (rc) return rc;
  s->realtime_ns = o.realtime_ns;
  s->monotonic_ns = o.monotonic_ns;
  struct cs_maps m;
  if (cs_maps_read(pid, &m) == CS_OK) {
    const struct cs_map *e = cs_maps_find(&m, h.offsets);
    if (e) snprintf(s->offset_file, sizeof s->offset_file, "%s", e->name);
    cs_maps_free(&m);
  }
  return CS_OK;
}

int cs_status(pid_t pid, struct cs_status *s) {
  char who[32];
  snprintf(who, sizeof who, "process %d", pid);
  if (!cs_process_alive(pid)) return cs_fail(CS_ENOPROC, "no process %d", pid);
  struct cs_vdso v;
  int rc = load_vdso(pid, &v, who);
  if (!rc) rc = read_state(pid, &v, s);
  free(v.image);
  return rc;
}

/* Runs a syscall in the target; a negative result becomes a message naming `what`. */
static int remote(struct cs_target *t, const char *what, long nr, long a0, long a1, long a2, long a3, long a4, long a5, long *ret) {
  const long args[6] = {a0, a1, a2, a3, a4, a5};
  int rc = cs_target_syscall(t, nr, args, ret);
  if (rc) return rc;
  if (*ret < 0 && *ret > -4096) return cs_fail(CS_EFAIL, "process %d: %s failed: %s", t->pid, what, strerror((int)-*ret));
  return CS_OK;
}

struct plan {
  uint64_t code, size;        /* where the trampoline page goes */
  uint8_t *image;             /* its contents */
  struct cs_header *header;   /* inside image */
  uint8_t patch[CS_NFUNCS][16];
};

/* Builds the page and the entry patches for a page at plan->code. */
static int build(struct plan *p, const struct cs_vdso *v, int mode_req, const struct cs_offsets_file *of, const char **why_syscall) {
  size_t section = (size_t)(__stop_cs_tramp - __start_cs_tramp);
  memset(p->image, 0, p->size);
  memcpy(p->image, __start_cs_tramp, section);
  p->header = (struct cs_header *)(p->image + tramp_off(cs_tramp_header));
  struct cs_header *h = p->header;
  memcpy(h->magic, CS_HEADER_MAGIC, 8);
  h->file_dev = of->dev;
  h->file_ino = of->ino;
  h->real_clock_gettime = p->code + tramp_off(cs_tramp_stub);

  uint64_t cgt = v->func[CS_CLOCK_GETTIME];
  struct cs_relocation r = {0};
  int relocated = 0;
  *why_syscall = NULL;
  if (mode_req != CS_MODE_SYSCALL) {
    size_t avail = v->func_size[CS_CLOCK_GETTIME] && v->func_size[CS_CLOCK_GETTIME] < 32 ? v->func_size[CS_CLOCK_GETTIME] : 32;
    if (avail > v->end - cgt) avail = v->end - cgt;
    relocated = cs_relocate_prologue(v->image + (cgt - v->start), avail, cgt, h->real_clock_gettime, p->image + tramp_off(cs_tramp_stub), CS_STUB_SPACE, &r);
    if (!relocated) {
      if (mode_req == CS_MODE_RELOCATE)
        return cs_fail(CS_EUNSUPPORTED, "the prologue of this kernel's vDSO clock_gettime holds an instruction that cannot be moved; use --mode syscall");
      *why_syscall = "the vDSO clock_gettime prologue could not be relocated";
    }
  }
  if (!relocated) memcpy(p->image + tramp_off(cs_tramp_stub), SYSCALL_STUB, sizeof SYSCALL_STUB);
  h->mode = relocated ? CS_MODE_RELOCATE : CS_MODE_SYSCALL;

  for (int f = 0; f < CS_NFUNCS; f++) {
    uint64_t at = v->func[f];
    if (!at) continue;
    size_t len = f == CS_CLOCK_GETTIME && relocated ? r.consumed : CS_JMP_LEN;
    memset(p->patch[f], 0xcc, sizeof p->patch[f]);
    if (!cs_jmp_rel32(at, p->code + fake_entry(f), p->patch[f])) return cs_fail(CS_EFAIL, "the trampoline ended up out of jump range");
    h->patches[f].addr = at;
    h->patches[f].len = (uint8_t)len;
    memcpy(h->patches[f].orig, v->image + (at - v->start), len);
  }
  return CS_OK;
}

static int clear_patch_sites(struct cs_target *t, const struct cs_header *h) {
  for (int f = 0; f < CS_NFUNCS; f++) {
    if (!h->patches[f].addr) continue;
    int rc = cs_target_clear_range(t, h->patches[f].addr + 1, h->patches[f].addr + PATCH_GUARD);
    if (rc) return rc;
  }
  return CS_OK;
}

static int do_attach(struct cs_target *t, const struct cs_vdso *v, const char *path, int mode_req, const struct cs_offsets_file *of, struct cs_status *out) {
  struct cs_status now;
  int rc = read_state(t->pid, v, &now);
  if (rc) return rc;
  if (now.attached) {
    *out = now;
    out->already = 1;
    if (now.header.file_dev != of->dev || now.header.file_ino != of->ino)
      return cs_fail(CS_ECONFLICT, "process %d is already attached to another offset file (%s); detach it first", t->pid, now.offset_file);
    return CS_OK;
  }

  struct plan p = {0};
  size_t section = (size_t)(__stop_cs_tramp - __start_cs_tramp);
  p.size = (section + PATH_SCRATCH + PAGE - 1) & ~(PAGE - 1);
  struct cs_maps m;
  rc = cs_maps_read(t->pid, &m);
  if (rc) return rc;
  rc = cs_maps_place_near(&m, v->start, v->end, p.size, &p.code);
  cs_maps_free(&m);
  if (rc) return rc;
  p.image = calloc(1, p.size);
  if (!p.image) abort();
  const char *why_syscall;
  rc = build(&p, v, mode_req, of, &why_syscall);
  if (!rc) rc = clear_patch_sites(t, p.header);
  if (rc) goto out;

  long code = 0, fd = -1, shared = 0;
  rc = remote(t, "mmap of the trampoline page", SYS_mmap, (long)p.code, (long)p.size, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0, &code);
  if (rc) goto out;
  if ((uint64_t)code != p.code) {
    rc = cs_fail(CS_EFAIL, "process %d placed the trampoline at %#lx, not at %#llx as asked", t->pid, code, (unsigned long long)p.code);
    goto unmap;
  }
  rc = cs_target_write(t, p.code + section, path, strlen(path) + 1);
  if (!rc) rc = remote(t, "open of the offset file (is the path the same inside its mount namespace?)", SYS_openat, AT_FDCWD, (long)(p.code + section), O_RDONLY | O_CLOEXEC, 0, 0, 0, &fd);
  if (!rc) rc = remote(t, "mmap of the offset file", SYS_mmap, 0, CS_OFFSETS_FILE_SIZE, PROT_READ, MAP_SHARED, fd, 0, &shared);
  if (fd >= 0 && rc != CS_ENOPROC) {
    long ignored;
    int rc2 = remote(t, "close", SYS_close, fd, 0, 0, 0, 0, 0, &ignored);
    if (!rc) rc = rc2;
  }
  if (rc) goto unmap;
  p.header->offsets = (uint64_t)shared;
  rc = cs_target_write(t, p.code, p.image, p.size);
  /* Entry points last: until now nothing in the process could reach the new page. */
  for (int f = 0; f < CS_NFUNCS && !rc; f++)
    if (p.header->patches[f].addr) rc = cs_target_write(t, p.header->patches[f].addr, p.patch[f], p.header->patches[f].len);
  if (rc) goto out; /* a partial patch only happens if the process died */

  memset(out, 0, sizeof *out);
  out->attached = 1;
  out->code = p.code;
  out->header = *p.header;
  out->realtime_ns = of->o->realtime_ns;
  out->monotonic_ns = of->o->monotonic_ns;
  out->why_syscall = why_syscall;
  snprintf(out->offset_file, sizeof out->offset_file, "%s", path);
  goto out;

unmap:
  if (code > 0 && cs_process_alive(t->pid)) {
    long ignored;
    if (shared > 0) remote(t, "munmap", SYS_munmap, shared, CS_OFFSETS_FILE_SIZE, 0, 0, 0, 0, &ignored);
    remote(t, "munmap", SYS_munmap, code, (long)p.size, 0, 0, 0, 0, &ignored);
  }
out:
  free(p.image);
  return rc;
}

static unsigned live_threads(const struct cs_target *t) {
  unsigned n = 0;
  for (size_t i = 0; i < t->n; i++) n += t->threads[i].tid != 0;
  return n;
}

int cs_attach(pid_t pid, const char *path, int mode_req, struct cs_status *out) {
  char who[32];
  snprintf(who, sizeof who, "process %d", pid);
  if (path[0] != '/') return cs_fail(CS_EUSAGE, "the offset file must be an absolute path (the target resolves it): %s", path);
  if (strlen(path) >= PATH_SCRATCH) return cs_fail(CS_EUSAGE, "the offset file path is longer than %d bytes", PATH_SCRATCH - 1);
  struct cs_offsets_file of = {0};
  int rc = cs_offsets_open(path, 1, &of);
  if (rc) return rc;
  struct cs_target t;
  struct cs_vdso v = {0};
  rc = cs_target_stop(&t, pid);
  if (!rc) rc = load_vdso(pid, &v, who);
  if (!rc) {
    t.syscall_insn = v.syscall_insn;
    rc = do_attach(&t, &v, path, mode_req, &of, out);
  }
  out->threads = live_threads(&t);
  cs_target_release(&t);
  free(v.image);
  cs_offsets_close(&of);
  return rc;
}

int cs_detach(pid_t pid, int allow_backward, struct cs_status *out) {
  char who[32];
  snprintf(who, sizeof who, "process %d", pid);
  struct cs_target t;
  struct cs_vdso v = {0};
  int rc = cs_target_stop(&t, pid);
  if (!rc) rc = load_vdso(pid, &v, who);
  if (!rc) rc = read_state(pid, &v, out);
  out->threads = live_threads(&t);
  if (!rc && out->attached && out->monotonic_ns != 0 && !allow_backward)
    rc = cs_fail(CS_EREFUSED, "process %d has a monotonic offset of %lld ns: detaching would make its monotonic clock jump back (use --allow-monotonic-backward)",
                 pid, (long long)out->monotonic_ns);
  if (!rc && out->attached) rc = clear_patch_sites(&t, &out->header);
  for (int f = 0; f < CS_NFUNCS && !rc && out->attached; f++) {
    const struct cs_patch *p = &out->header.patches[f];
    if (p->addr) rc = cs_target_write(&t, p->addr, p->orig, p->len);
  }
  cs_target_release(&t);
  free(v.image);
  return rc;
}
