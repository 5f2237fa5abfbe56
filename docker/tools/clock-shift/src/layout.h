/*
 * The two memory layouts shared by the injector and the trampoline it writes into the target:
 * the offset file (mapped MAP_SHARED, read-only, in the target; rewritten by `clock-shift set`)
 * and the header at the start of the injected code page.
 */
#ifndef CS_LAYOUT_H
#define CS_LAYOUT_H

#include <stdint.h>

#define CS_OFFSETS_MAGIC "CLKSHOFF"
#define CS_OFFSETS_VERSION 1u
/* One page, so the target's mapping never reaches past the end of the file (that would SIGBUS). */
#define CS_OFFSETS_FILE_SIZE 4096

struct cs_offsets {
  char magic[8];
  uint32_t version;
  uint32_t reserved;
  /* Added to CLOCK_REALTIME, _COARSE, _ALARM, TAI, gettimeofday and time. */
  int64_t realtime_ns;
  /* Added to CLOCK_MONOTONIC, _RAW, _COARSE, BOOTTIME, BOOTTIME_ALARM. */
  int64_t monotonic_ns;
};

#define CS_HEADER_MAGIC "CLKSHFT1"
enum cs_mode { CS_MODE_RELOCATE = 1, CS_MODE_SYSCALL = 2 };
enum cs_func { CS_CLOCK_GETTIME, CS_GETTIMEOFDAY, CS_TIME, CS_NFUNCS };

/* One patched vDSO entry point: where, and the bytes it had before. */
struct cs_patch {
  uint64_t addr; /* 0: this function was not patched */
  uint8_t len;
  uint8_t orig[15];
};

/* At the start of the code page. The page is private and read-only/executable in the target. */
struct cs_header {
  char magic[8];
  uint64_t offsets;            /* target address of the mapped offset file */
  uint64_t real_clock_gettime; /* the stub: relocated prologue + jump back, or a raw syscall */
  uint64_t mode;               /* enum cs_mode */
  uint64_t file_dev, file_ino; /* identity of the offset file, for idempotent re-attach */
  struct cs_patch patches[CS_NFUNCS];
};

/* Room reserved for the header and the stub inside the trampoline section. */
#define CS_HEADER_SPACE 192
#define CS_STUB_SPACE 64

#endif
