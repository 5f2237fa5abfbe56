/* A process's vDSO: where it is mapped and where its clock functions are (see vdso.c). */
#ifndef CS_VDSO_H
#define CS_VDSO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "layout.h"

/* A function shorter than this cannot take the 5-byte jump. */
#define CS_VDSO_MIN_FUNC 8

struct cs_vdso {
  uint64_t start, end;         /* the [vdso] mapping in the target */
  uint8_t *image;              /* a copy of it */
  size_t size;
  uint64_t func[CS_NFUNCS];    /* entry points in the target; 0 if the vDSO lacks one */
  uint64_t func_size[CS_NFUNCS];
  uint64_t syscall_insn;       /* address of a `syscall` opcode (0f 05) */
};

/* The [vdso] range of `pid` from /proc/PID/maps. */
int cs_vdso_find(pid_t pid, uint64_t *start, uint64_t *end);

/* Validates v->image (x86_64 ELF64 only) and fills func[] and syscall_insn. `who` names the
   process in messages. */
int cs_vdso_parse(struct cs_vdso *v, const char *who);

/* "clock_gettime", "gettimeofday", "time". */
const char *cs_func_name(int f);

#endif
