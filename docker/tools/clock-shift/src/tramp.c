/*
 * The trampoline: the code that the patched vDSO entry points jump to inside the target.
 *
 * Everything here lives in one section, `cs_tramp`, which the injector copies byte for byte
 * into a fresh page of the target. So the code must be position-independent with no reference
 * outside the section: no libc, no globals, no jump tables, no stack protector. It reaches the
 * header (filled in by the injector) through a local label in the same section, which the
 * assembler resolves PC-relatively; check-tramp.sh verifies that tramp.o has no relocations at
 * all. The real clock is read through the header's `real_clock_gettime` stub: the relocated
 * prologue of the original vDSO clock_gettime (fast), or a raw syscall.
 */
#include <stdint.h>

#include "layout.h"

#define STR2(x) #x
#define STR(x) STR2(x)
#define TRAMP __attribute__((section("cs_tramp"), used, noinline))

/* The header and the stub come first in the section; the injector fills both. */
__asm__(".pushsection cs_tramp,\"ax\",@progbits\n"
        ".balign 64\n"
        "cs_hdr_local:\n"
        ".globl cs_tramp_header\n"
        "cs_tramp_header:\n"
        ".space " STR(CS_HEADER_SPACE) ", 0\n"
        ".globl cs_tramp_stub\n"
        "cs_tramp_stub:\n"
        ".space " STR(CS_STUB_SPACE) ", 0xcc\n"
        ".popsection\n");

extern const struct cs_header cs_hdr_local __attribute__((visibility("hidden")));

struct cs_ts { int64_t sec, nsec; };
struct cs_tv { int64_t sec, usec; };
typedef int (*real_fn)(int clock, struct cs_ts *ts);

#define NS 1000000000LL

enum { REALTIME_FAMILY = 1, MONOTONIC_FAMILY = 2 };

/* Which offset applies to a clock id (Linux uapi numbering). CPU-time clocks are never shifted. */
static inline __attribute__((always_inline)) int family(int clock) {
  switch (clock) {
  case 0: /* CLOCK_REALTIME */
  case 5: /* CLOCK_REALTIME_COARSE */
  case 8: /* CLOCK_REALTIME_ALARM */
  case 11: /* CLOCK_TAI */
    return REALTIME_FAMILY;
  case 1: /* CLOCK_MONOTONIC */
  case 4: /* CLOCK_MONOTONIC_RAW */
  case 6: /* CLOCK_MONOTONIC_COARSE */
  case 7: /* CLOCK_BOOTTIME */
  case 9: /* CLOCK_BOOTTIME_ALARM */
    return MONOTONIC_FAMILY;
  default:
    return 0;
  }
}

static inline __attribute__((always_inline)) int64_t offset_of(int fam) {
  const volatile struct cs_offsets *o = (const volatile struct cs_offsets *)cs_hdr_local.offsets;
  if (fam == REALTIME_FAMILY) return o->realtime_ns;
  if (fam == MONOTONIC_FAMILY) return o->monotonic_ns;
  return 0;
}

/* Adds `off` ns keeping 0 <= nsec < 1e9; split first so that sec*1e9 never overflows. */
static inline __attribute__((always_inline)) void add_ns(struct cs_ts *ts, int64_t off) {
  ts->sec += off / NS;
  ts->nsec += off % NS;
  if (ts->nsec >= NS) { ts->nsec -= NS; ts->sec++; }
  else if (ts->nsec < 0) { ts->nsec += NS; ts->sec--; }
}

static inline __attribute__((always_inline)) int real_clock(int clock, struct cs_ts *ts) {
  return ((real_fn)cs_hdr_local.real_clock_gettime)(clock, ts);
}

TRAMP int cs_fake_clock_gettime(int clock, struct cs_ts *ts) {
  int r = real_clock(clock, ts);
  if (r != 0) return r;
  int64_t off = offset_of(family(clock));
  if (off != 0) add_ns(ts, off);
  return 0;
}

/* gettimeofday with a timezone asks the kernel (the tz lives there); without, CLOCK_REALTIME. */
TRAMP int cs_fake_gettimeofday(struct cs_tv *tv, void *tz) {
  if (tz) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "0"(96L /* SYS_gettimeofday */), "D"(tv), "S"(tz) : "rcx", "r11", "memory");
    if (r != 0 || !tv) return (int)r;
    struct cs_ts ts = {tv->sec, tv->usec * 1000};
    add_ns(&ts, offset_of(REALTIME_FAMILY));
    tv->sec = ts.sec;
    tv->usec = ts.nsec / 1000;
    return 0;
  }
  if (!tv) return 0;
  struct cs_ts ts;
  int r = real_clock(0, &ts);
  if (r != 0) return r;
  add_ns(&ts, offset_of(REALTIME_FAMILY));
  tv->sec = ts.sec;
  tv->usec = ts.nsec / 1000;
  return 0;
}

/* The vDSO's time() is the coarse realtime clock's seconds. */
TRAMP int64_t cs_fake_time(int64_t *t) {
  struct cs_ts ts;
  real_clock(5 /* CLOCK_REALTIME_COARSE */, &ts);
  add_ns(&ts, offset_of(REALTIME_FAMILY));
  if (t) *t = ts.sec;
  return ts.sec;
}
