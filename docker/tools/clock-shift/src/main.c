/*
 * clock-shift: shift the clocks a running process reads through the vDSO (Go programs such as
 * etcd included), by an offset that can change while it runs. See ../README.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cs.h"

#define USAGE                                                                                        \
  "usage:\n"                                                                                         \
  "  clock-shift attach PID --offset-file FILE [--mode auto|relocate|syscall]\n"                     \
  "  clock-shift detach PID [--allow-monotonic-backward]\n"                                          \
  "  clock-shift status PID\n"                                                                       \
  "  clock-shift set FILE [--realtime-ns N] [--monotonic-ns N] [--allow-monotonic-backward]\n"      \
  "  clock-shift get FILE\n"                                                                         \
  "Shifts CLOCK_REALTIME (and gettimeofday, time) and CLOCK_MONOTONIC as a process reads them\n"     \
  "through its vDSO, by offsets read from FILE at every call. x86_64 only. Output is one JSON line.\n"

int cs_fail(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("clock-shift: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return code;
}

static int usage_error(const char *fmt, const char *arg) {
  fputs("clock-shift: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\n" USAGE, stderr);
  return CS_EUSAGE;
}

#if !defined(__x86_64__)

int main(void) {
  struct utsname u;
  uname(&u);
  return cs_fail(CS_EUNSUPPORTED, "only x86_64 is supported; this machine is %s", u.machine);
}

#else

#include "inject.h"
#include "offsets.h"
#include "vdso.h"

static int parse_i64(const char *s, long long *out) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s || *end) return 0;
  *out = v;
  return 1;
}

static int parse_pid(const char *s, pid_t *pid) {
  long long v;
  if (!parse_i64(s, &v) || v <= 0 || v > INT_MAX) return 0;
  *pid = (pid_t)v;
  return 1;
}

static void json_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

static void print_status(pid_t pid, const struct cs_status *s) {
  printf("{\"pid\":%d,\"attached\":%s", pid, s->attached ? "true" : "false");
  if (s->attached) {
    printf(",\"mode\":\"%s\",\"functions\":[", s->header.mode == CS_MODE_RELOCATE ? "relocate" : "syscall");
    const char *sep = "";
    for (int f = 0; f < CS_NFUNCS; f++) {
      if (!s->header.patches[f].addr) continue;
      printf("%s\"%s\"", sep, cs_func_name(f));
      sep = ",";
    }
    printf("],\"offsetFile\":");
    json_string(s->offset_file);
    printf(",\"realtimeNs\":%lld,\"monotonicNs\":%lld,\"trampoline\":\"%#llx\"", (long long)s->realtime_ns, (long long)s->monotonic_ns,
           (unsigned long long)s->code);
  }
  if (s->why_syscall) {
    printf(",\"note\":");
    json_string(s->why_syscall);
  }
}

static int cmd_attach(int argc, char **argv) {
  pid_t pid = 0;
  const char *file = NULL;
  int mode = 0;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--offset-file") == 0 && i + 1 < argc) file = argv[++i];
    else if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc) {
      const char *m = argv[++i];
      if (strcmp(m, "auto") == 0) mode = 0;
      else if (strcmp(m, "relocate") == 0) mode = CS_MODE_RELOCATE;
      else if (strcmp(m, "syscall") == 0) mode = CS_MODE_SYSCALL;
      else return usage_error("unknown --mode %s (expected auto, relocate or syscall)", m);
    } else if (argv[i][0] == '-') return usage_error("unknown option for attach: %s", argv[i]);
    else if (pid) return usage_error("unexpected argument: %s", argv[i]);
    else if (!parse_pid(argv[i], &pid)) return usage_error("not a process id: %s", argv[i]);
  }
  if (!pid) return usage_error("%s", "attach needs a PID");
  if (!file) return usage_error("%s", "attach needs --offset-file FILE");
  struct cs_status s;
  int rc = cs_attach(pid, file, mode, &s);
  if (rc && rc != CS_ECONFLICT) return rc;
  print_status(pid, &s);
  printf(",\"already\":%s,\"threads\":%u}\n", s.already ? "true" : "false", s.threads);
  return rc;
}

static int cmd_detach(int argc, char **argv) {
  pid_t pid = 0;
  int allow = 0;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--allow-monotonic-backward") == 0) allow = 1;
    else if (argv[i][0] == '-') return usage_error("unknown option for detach: %s", argv[i]);
    else if (pid) return usage_error("unexpected argument: %s", argv[i]);
    else if (!parse_pid(argv[i], &pid)) return usage_error("not a process id: %s", argv[i]);
  }
  if (!pid) return usage_error("%s", "detach needs a PID");
  struct cs_status s;
  int rc = cs_detach(pid, allow, &s);
  if (rc) return rc;
  printf("{\"pid\":%d,\"detached\":%s,\"threads\":%u}\n", pid, s.attached ? "true" : "false", s.threads);
  return CS_OK;
}

static int cmd_status(int argc, char **argv) {
  pid_t pid = 0;
  for (int i = 0; i < argc; i++) {
    if (argv[i][0] == '-') return usage_error("unknown option for status: %s", argv[i]);
    else if (pid) return usage_error("unexpected argument: %s", argv[i]);
    else if (!parse_pid(argv[i], &pid)) return usage_error("not a process id: %s", argv[i]);
  }
  if (!pid) return usage_error("%s", "status needs a PID");
  struct cs_status s;
  int rc = cs_status(pid, &s);
  if (rc) return rc;
  print_status(pid, &s);
  printf("}\n");
  return CS_OK;
}

static void print_offsets(const char *file, const struct cs_offsets *o) {
  printf("{\"offsetFile\":");
  json_string(file);
  printf(",\"realtimeNs\":%lld,\"monotonicNs\":%lld}\n", (long long)o->realtime_ns, (long long)o->monotonic_ns);
}

static int cmd_set(int argc, char **argv, int write) {
  const char *file = NULL;
  long long realtime = 0, monotonic = 0;
  int have_rt = 0, have_mono = 0, allow = 0;
  for (int i = 0; i < argc; i++) {
    if (write && strcmp(argv[i], "--realtime-ns") == 0 && i + 1 < argc) {
      if (!parse_i64(argv[++i], &realtime)) return usage_error("--realtime-ns needs an integer, got %s", argv[i]);
      have_rt = 1;
    } else if (write && strcmp(argv[i], "--monotonic-ns") == 0 && i + 1 < argc) {
      if (!parse_i64(argv[++i], &monotonic)) return usage_error("--monotonic-ns needs an integer, got %s", argv[i]);
      have_mono = 1;
    } else if (write && strcmp(argv[i], "--allow-monotonic-backward") == 0) allow = 1;
    else if (argv[i][0] == '-') return usage_error(write ? "unknown option for set: %s" : "unknown option for get: %s", argv[i]);
    else if (file) return usage_error("unexpected argument: %s", argv[i]);
    else file = argv[i];
  }
  if (!file) return usage_error("%s", write ? "set needs a FILE" : "get needs a FILE");
  if (write && !have_rt && !have_mono) return usage_error("%s", "set needs --realtime-ns and/or --monotonic-ns");
  struct cs_offsets_file f = {0};
  int rc = cs_offsets_open(file, write, &f);
  if (rc) return rc;
  if (have_mono && monotonic < f.o->monotonic_ns && !allow) {
    rc = cs_fail(CS_EREFUSED, "the monotonic offset may only grow (%lld -> %lld ns would make monotonic clocks jump back); use --allow-monotonic-backward",
                 (long long)f.o->monotonic_ns, monotonic);
  } else {
    if (have_rt) __atomic_store_n(&f.o->realtime_ns, realtime, __ATOMIC_SEQ_CST);
    if (have_mono) __atomic_store_n(&f.o->monotonic_ns, monotonic, __ATOMIC_SEQ_CST);
    print_offsets(file, f.o);
  }
  cs_offsets_close(&f);
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 2) return usage_error("%s", "missing command");
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
    fputs(USAGE, stdout);
    return CS_OK;
  }
  if (strcmp(cmd, "attach") == 0) return cmd_attach(argc - 2, argv + 2);
  if (strcmp(cmd, "detach") == 0) return cmd_detach(argc - 2, argv + 2);
  if (strcmp(cmd, "status") == 0) return cmd_status(argc - 2, argv + 2);
  if (strcmp(cmd, "set") == 0) return cmd_set(argc - 2, argv + 2, 1);
  if (strcmp(cmd, "get") == 0) return cmd_set(argc - 2, argv + 2, 0);
  return usage_error("unknown command: %s", cmd);
}

#endif
