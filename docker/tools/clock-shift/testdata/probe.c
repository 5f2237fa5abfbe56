/*
 * A target for the clock-shift tests, reading the clock the way C programs do (glibc -> vDSO).
 *   probe watch      every 100 ms, one JSON line: realtime, gettimeofday, time(), monotonic,
 *                    each as the process sees it, and the real clock from the raw syscall
 *   probe bench MS   every MS ms, the cost of one clock_gettime(CLOCK_REALTIME) in ns
 *   probe no-vdso    unmaps its own vDSO first, then watches (a process without a vDSO)
 *   probe traced     forks a child that its parent traces (PTRACE_TRACEME), prints the child's pid
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

static long long raw(clockid_t c) {
  struct timespec t;
  syscall(SYS_clock_gettime, c, &t);
  return ns(t);
}

static void watch(void) {
  for (;;) {
    struct timespec rt, mono;
    struct timeval tv;
    clock_gettime(CLOCK_REALTIME, &rt);
    gettimeofday(&tv, NULL);
    time_t t = time(NULL);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    printf("{\"realtime\":%lld,\"gettimeofday\":%lld,\"time\":%lld,\"monotonic\":%lld,\"realRealtime\":%lld,\"realMonotonic\":%lld}\n",
           ns(rt), tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL, (long long)t * 1000000000LL, ns(mono), raw(CLOCK_REALTIME),
           raw(CLOCK_MONOTONIC));
    fflush(stdout);
    usleep(100000);
  }
}

static void bench(long ms) {
  for (;;) {
    long long start = raw(CLOCK_MONOTONIC), calls = 0;
    struct timespec t;
    while (raw(CLOCK_MONOTONIC) - start < ms * 1000000LL) {
      for (int i = 0; i < 1000; i++) clock_gettime(CLOCK_REALTIME, &t);
      calls += 1000;
    }
    printf("{\"nsPerCall\":%.2f}\n", (double)(raw(CLOCK_MONOTONIC) - start) / (double)calls);
    fflush(stdout);
  }
}

static void unmap_vdso(void) {
  unsigned long base = getauxval(AT_SYSINFO_EHDR);
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];
  unsigned long s, e;
  while (f && fgets(line, sizeof line, f)) {
    if (strstr(line, "[vdso]") && sscanf(line, "%lx-%lx", &s, &e) == 2 && s == base) munmap((void *)s, e - s);
  }
  if (f) fclose(f);
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "watch") == 0) watch();
  if (argc >= 3 && strcmp(argv[1], "bench") == 0) bench(atol(argv[2]));
  if (argc >= 2 && strcmp(argv[1], "no-vdso") == 0) {
    /* glibc has resolved its vDSO pointers already: from here on only raw syscalls are safe. */
    unmap_vdso();
    for (;;) {
      printf("{\"realRealtime\":%lld}\n", raw(CLOCK_REALTIME));
      fflush(stdout);
      usleep(100000);
    }
  }
  if (argc >= 2 && strcmp(argv[1], "traced") == 0) {
    pid_t child = fork();
    if (child == 0) {
      ptrace(PTRACE_TRACEME, 0, 0, 0);
      for (;;) pause();
    }
    printf("{\"child\":%d}\n", child);
    fflush(stdout);
    int status;
    while (waitpid(child, &status, 0) == child && WIFSTOPPED(status)) ptrace(PTRACE_CONT, child, 0, (void *)(long)WSTOPSIG(status));
    return 0;
  }
  fprintf(stderr, "usage: probe watch | bench MS | no-vdso | traced\n");
  return 2;
}
