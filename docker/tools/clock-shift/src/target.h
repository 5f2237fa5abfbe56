/* A ptrace session over every thread of a process (see target.c). */
#ifndef CS_TARGET_H
#define CS_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

struct cs_thread {
  pid_t tid;        /* 0 once the thread has exited */
  uint64_t signals; /* signals caught while stopping it, delivered again on release (bit n-1 = signal n) */
};

struct cs_target {
  pid_t pid;
  struct cs_thread *threads;
  size_t n, cap;
  size_t inj;                     /* the thread that runs injected syscalls */
  struct user_regs_struct saved;  /* its registers before the first injected syscall */
  int have_saved;
  uint64_t syscall_insn;          /* address of a `syscall` opcode in the target */
  unsigned syscalls;              /* injected so far (for CLOCK_SHIFT_TEST_KILL_AFTER_SYSCALLS) */
};

/* Seizes and stops every thread of `pid`, including threads created while this runs. */
int cs_target_stop(struct cs_target *t, pid_t pid);

/* Restores the injection thread's registers and detaches from every thread. Safe to call twice. */
void cs_target_release(struct cs_target *t);

/* Runs one syscall in the target: `ret` gets the raw result (a negative errno on failure). */
int cs_target_syscall(struct cs_target *t, long nr, const long args[6], long *ret);

/* Writes through ptrace, which may write read-only and executable pages (copy-on-write). */
int cs_target_write(struct cs_target *t, uint64_t addr, const void *buf, size_t len);

/* Single-steps any thread whose instruction pointer is inside [lo, hi) out of it. */
int cs_target_clear_range(struct cs_target *t, uint64_t lo, uint64_t hi);

/* Reads another process's memory through /proc/PID/mem (no ptrace stop needed). */
int cs_mem_read(pid_t pid, uint64_t addr, void *buf, size_t len);

/* Whether `pid` exists and is not a zombie. */
int cs_process_alive(pid_t pid);

#endif
