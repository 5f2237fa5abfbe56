/* attach / detach / status (see inject.c). */
#ifndef CS_INJECT_H
#define CS_INJECT_H

#include <stdint.h>
#include <sys/types.h>

#include "layout.h"

struct cs_status {
  int attached;
  int already;             /* attach found it attached to the same file */
  unsigned threads;        /* attach/detach: threads that were stopped */
  uint64_t code;           /* the trampoline page */
  struct cs_header header;
  int64_t realtime_ns, monotonic_ns;
  char offset_file[1024];
  const char *why_syscall; /* why attach fell back to the syscall stub, or NULL */
};

/* `mode_req`: 0 (relocate if possible, else syscall), CS_MODE_RELOCATE or CS_MODE_SYSCALL. */
int cs_attach(pid_t pid, const char *path, int mode_req, struct cs_status *out);
int cs_detach(pid_t pid, int allow_backward, struct cs_status *out);
int cs_status(pid_t pid, struct cs_status *out);

#endif
