/* clock-shift: shared declarations (exit codes, error reporting, layouts). */
#ifndef CS_H
#define CS_H

#include <stddef.h>
#include <stdint.h>

/* Exit codes: stable, documented in README.md and mirrored in exit-codes.ts. */
enum cs_exit {
  CS_OK = 0,
  CS_EFAIL = 1,        /* an unexpected system error (message says which call failed) */
  CS_EUSAGE = 2,       /* bad command line */
  CS_ENOPROC = 3,      /* no such process, or it exited during injection */
  CS_EUNSUPPORTED = 4, /* not x86_64, no vDSO mapping, vDSO without the clock functions */
  CS_EPERM = 5,        /* ptrace not permitted (capability, Yama, another tracer) */
  CS_EFILE = 6,        /* offset file unreadable or malformed */
  CS_ECONFLICT = 7,    /* already attached with another offset file */
  CS_EREFUSED = 8,     /* a change that would make a monotonic clock go backward */
};

/* Prints "clock-shift: <message>" on stderr and returns `code`. */
int cs_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
