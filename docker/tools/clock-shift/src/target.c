/*
 * Stopping a whole process with ptrace and running syscalls inside it.
 *
 * Every thread is seized (PTRACE_SEIZE + PTRACE_INTERRUPT) and the task list read again until
 * no new thread appears: once all known threads are stopped none can create another. Nothing in
 * the target runs while its code is patched. Syscalls are injected into one thread by pointing
 * its registers at a `syscall` opcode borrowed from the vDSO and single-stepping it; orig_rax
 * = -1 keeps the kernel from restarting the syscall the thread was blocked in, and restoring the
 * saved registers afterwards lets that syscall restart normally. A process stopped by SIGSTOP
 * stays stopped: the kernel puts seized threads back into the group stop on detach. Signals
 * that arrive while a thread is held are delivered again on release.
 */
#define _GNU_SOURCE
#include "target.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cs.h"

#define MAX_ROUNDS 100
#define MAX_STEPS 64

/* The state letter of /proc/.../stat (R, S, T, t, Z…), or 0 when it cannot be read. */
static char stat_state(const char *path) {
  char buf[512];
  int fd = open(path, O_RDONLY);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  const char *paren = strrchr(buf, ')');
  return paren && paren[1] == ' ' ? paren[2] : 0;
}

static int live_state(char state) { return state != 0 && state != 'Z' && state != 'X'; }

int cs_process_alive(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  return live_state(stat_state(path));
}

static int thread_alive(pid_t pid, pid_t tid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
  return live_state(stat_state(path));
}

/* After a ptrace call failed: the process is gone (exit 3), or a real error (exit 1). */
static int lost(struct cs_target *t, const char *what, pid_t tid) {
  int e = errno;
  /* ESRCH on a thread we hold: it was killed and is on its way out; give it a moment. */
  for (int i = 0; e == ESRCH && i < 100 && cs_process_alive(t->pid); i++) usleep(10000);
  if (!cs_process_alive(t->pid)) return cs_fail(CS_ENOPROC, "process %d exited during injection", t->pid);
  return cs_fail(CS_EFAIL, "%s on thread %d of process %d: %s", what, tid, t->pid, strerror(e));
}

static int permission_problem(pid_t pid) {
  char path[64], line[256];
  long tracer = 0;
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  FILE *f = fopen(path, "r");
  while (f && fgets(line, sizeof line, f)) {
    if (sscanf(line, "TracerPid: %ld", &tracer) == 1) break;
  }
  if (f) fclose(f);
  if (tracer > 0) return cs_fail(CS_EPERM, "process %d is already traced by process %ld (a debugger or strace): detach it first", pid, tracer);
  return cs_fail(CS_EPERM,
                 "not permitted to ptrace process %d: run as root with CAP_SYS_PTRACE (in Docker: --cap-add SYS_PTRACE) or as its user "
                 "with kernel.yama.ptrace_scope 0",
                 pid);
}

static void add_thread(struct cs_target *t, pid_t tid) {
  if (t->n == t->cap) {
    t->cap = t->cap ? t->cap * 2 : 64;
    t->threads = realloc(t->threads, t->cap * sizeof *t->threads);
    if (!t->threads) abort();
  }
  t->threads[t->n++] = (struct cs_thread){tid, 0};
}

static int known(const struct cs_target *t, pid_t tid) {
  for (size_t i = 0; i < t->n; i++)
    if (t->threads[i].tid == tid) return 1;
  return 0;
}

/*
 * Waits for the next stop of thread `i`. Returns 0 with *status when stopped, -1 when the thread
 * exited (marked gone), or an exit code. A signal that stopped it is remembered for release.
 */
static int wait_stop(struct cs_target *t, size_t i, int *status) {
  pid_t tid = t->threads[i].tid;
  for (;;) {
    pid_t r = waitpid(tid, status, __WALL);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno == ECHILD) {
      t->threads[i].tid = 0;
      return -1;
    }
    if (r < 0) return cs_fail(CS_EFAIL, "waitpid(%d): %s", tid, strerror(errno));
    if (WIFEXITED(*status) || WIFSIGNALED(*status)) {
      t->threads[i].tid = 0;
      return -1;
    }
    if (!WIFSTOPPED(*status)) continue;
    int event = *status >> 16, sig = WSTOPSIG(*status);
    if (event == 0 && sig != SIGTRAP && sig > 0 && sig <= 64) t->threads[i].signals |= 1ULL << (sig - 1);
    return 0;
  }
}

static int seize_new_threads(struct cs_target *t, size_t *added) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task", t->pid);
  DIR *d = opendir(path);
  if (!d) return cs_fail(CS_ENOPROC, t->n ? "process %d exited during injection" : "no process %d", t->pid);
  size_t first = t->n;
  struct dirent *e;
  while ((e = readdir(d))) {
    pid_t tid = (pid_t)atoi(e->d_name);
    if (tid <= 0 || known(t, tid)) continue;
    if (ptrace(PTRACE_SEIZE, tid, 0, 0) != 0) {
      if (errno == ESRCH || !thread_alive(t->pid, tid)) continue; /* exited, or a zombie leader */
      int e2 = errno;
      closedir(d);
      if (e2 == EPERM) return permission_problem(t->pid);
      return cs_fail(CS_EFAIL, "ptrace(PTRACE_SEIZE, %d): %s", tid, strerror(e2));
    }
    add_thread(t, tid);
    if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) != 0 && errno != ESRCH) {
      closedir(d);
      return lost(t, "PTRACE_INTERRUPT", tid);
    }
  }
  closedir(d);
  for (size_t i = first; i < t->n; i++) {
    int status, rc = wait_stop(t, i, &status);
    if (rc > 0) return rc;
  }
  *added = t->n - first;
  return CS_OK;
}

int cs_target_stop(struct cs_target *t, pid_t pid) {
  memset(t, 0, sizeof *t);
  t->pid = pid;
  if (!cs_process_alive(pid)) return cs_fail(CS_ENOPROC, "no process %d", pid);
  for (int round = 0;; round++) {
    size_t added = 0;
    int rc = seize_new_threads(t, &added);
    if (rc) return rc;
    if (added == 0) break;
    if (round == MAX_ROUNDS) return cs_fail(CS_EFAIL, "process %d keeps creating threads; could not stop them all", pid);
  }
  t->inj = t->n;
  for (size_t i = 0; i < t->n; i++) {
    if (!t->threads[i].tid) continue;
    /* Prefer the main thread; avoid one that holds a caught signal. */
    if (t->inj == t->n || (t->threads[i].tid == pid && !t->threads[i].signals)) t->inj = i;
  }
  if (t->inj == t->n) return cs_fail(CS_ENOPROC, "process %d exited during injection", pid);
  return CS_OK;
}

void cs_target_release(struct cs_target *t) {
  if (t->have_saved && t->inj < t->n && t->threads[t->inj].tid) {
    if (ptrace(PTRACE_SETREGS, t->threads[t->inj].tid, 0, &t->saved) != 0 && errno != ESRCH)
      cs_fail(CS_EFAIL, "warning: could not restore the registers of thread %d: %s", t->threads[t->inj].tid, strerror(errno));
  }
  t->have_saved = 0;
  for (size_t i = 0; i < t->n; i++) {
    struct cs_thread *th = &t->threads[i];
    if (!th->tid) continue;
    int first = th->signals ? __builtin_ctzll(th->signals) + 1 : 0;
    ptrace(PTRACE_DETACH, th->tid, 0, (void *)(long)first);
    for (int s = first + 1; s <= 64; s++)
      if (th->signals & (1ULL << (s - 1))) syscall(SYS_tgkill, t->pid, th->tid, s);
    th->tid = 0;
  }
  free(t->threads);
  t->threads = NULL;
  t->n = t->cap = 0;
}

/* Single-steps thread `i` once. Returns 0, -1 if it exited, or an exit code. */
static int step(struct cs_target *t, size_t i, struct user_regs_struct *after) {
  pid_t tid = t->threads[i].tid;
  int status;
  if (ptrace(PTRACE_SINGLESTEP, tid, 0, 0) != 0) return lost(t, "PTRACE_SINGLESTEP", tid);
  int rc = wait_stop(t, i, &status);
  if (rc) return rc;
  if (ptrace(PTRACE_GETREGS, tid, 0, after) != 0) return lost(t, "PTRACE_GETREGS", tid);
  return 0;
}

static void test_kill_hook(struct cs_target *t) {
  const char *n = getenv("CLOCK_SHIFT_TEST_KILL_AFTER_SYSCALLS");
  if (n && t->syscalls == (unsigned)atoi(n)) kill(t->pid, SIGKILL);
}

int cs_target_syscall(struct cs_target *t, long nr, const long args[6], long *ret) {
  pid_t tid = t->threads[t->inj].tid;
  test_kill_hook(t);
  t->syscalls++;
  if (!t->have_saved) {
    if (ptrace(PTRACE_GETREGS, tid, 0, &t->saved) != 0) return lost(t, "PTRACE_GETREGS", tid);
    t->have_saved = 1;
  }
  struct user_regs_struct r = t->saved;
  r.rax = (unsigned long)nr;
  r.orig_rax = (unsigned long)-1;
  r.rdi = (unsigned long)args[0];
  r.rsi = (unsigned long)args[1];
  r.rdx = (unsigned long)args[2];
  r.r10 = (unsigned long)args[3];
  r.r8 = (unsigned long)args[4];
  r.r9 = (unsigned long)args[5];
  r.rip = t->syscall_insn;
  if (ptrace(PTRACE_SETREGS, tid, 0, &r) != 0) return lost(t, "PTRACE_SETREGS", tid);
  for (int tries = 0; tries < MAX_STEPS; tries++) {
    struct user_regs_struct after;
    int rc = step(t, t->inj, &after);
    if (rc < 0) return cs_fail(CS_ENOPROC, "process %d exited during injection", t->pid);
    if (rc) return rc;
    if (after.rip == t->syscall_insn + 2) {
      *ret = (long)after.rax;
      return CS_OK;
    }
    /* A pending trap stop came first: the syscall has not run yet. */
    if (after.rip != t->syscall_insn) return cs_fail(CS_EFAIL, "injected syscall %ld: thread %d stopped at unexpected address %#llx", nr, tid, after.rip);
  }
  return cs_fail(CS_EFAIL, "injected syscall %ld: thread %d never ran it", nr, tid);
}

int cs_target_write(struct cs_target *t, uint64_t addr, const void *buf, size_t len) {
  pid_t tid = t->threads[t->inj].tid;
  const uint8_t *src = buf;
  while (len > 0) {
    uint64_t word_addr = addr & ~7ULL;
    size_t skip = addr - word_addr, n = 8 - skip < len ? 8 - skip : len;
    long word = 0;
    if (skip || n < 8) {
      errno = 0;
      word = ptrace(PTRACE_PEEKDATA, tid, (void *)word_addr, 0);
      if (errno) return lost(t, "PTRACE_PEEKDATA", tid);
    }
    memcpy((uint8_t *)&word + skip, src, n);
    if (ptrace(PTRACE_POKEDATA, tid, (void *)word_addr, (void *)word) != 0) return lost(t, "PTRACE_POKEDATA", tid);
    addr += n;
    src += n;
    len -= n;
  }
  return CS_OK;
}

int cs_target_clear_range(struct cs_target *t, uint64_t lo, uint64_t hi) {
  for (size_t i = 0; i < t->n; i++) {
    pid_t tid = t->threads[i].tid;
    if (!tid) continue;
    struct user_regs_struct r;
    if (ptrace(PTRACE_GETREGS, tid, 0, &r) != 0) return lost(t, "PTRACE_GETREGS", tid);
    if (i == t->inj && t->have_saved) r = t->saved; /* it resumes from there */
    for (int n = 0; r.rip >= lo && r.rip < hi; n++) {
      if (n == MAX_STEPS || (i == t->inj && t->have_saved))
        return cs_fail(CS_EFAIL, "thread %d of process %d is executing the code being patched; try again", tid, t->pid);
      int rc = step(t, i, &r);
      if (rc < 0) break;
      if (rc) return rc;
    }
  }
  return CS_OK;
}

int cs_mem_read(pid_t pid, uint64_t addr, void *buf, size_t len) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/mem", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return cs_fail(CS_ENOPROC, "no process %d", pid);
    if (errno == EACCES || errno == EPERM) return permission_problem(pid);
    return cs_fail(CS_EFAIL, "open %s: %s", path, strerror(errno));
  }
  ssize_t n = pread(fd, buf, len, (off_t)addr);
  int e = errno;
  close(fd);
  if (n != (ssize_t)len) {
    if (!cs_process_alive(pid)) return cs_fail(CS_ENOPROC, "process %d exited", pid);
    return cs_fail(CS_EFAIL, "reading %zu bytes at %#llx in process %d: %s", len, (unsigned long long)addr, pid, n < 0 ? strerror(e) : "short read");
  }
  return CS_OK;
}
