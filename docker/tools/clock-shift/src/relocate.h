/* x86-64 prologue relocation and 5-byte jumps (see relocate.c). */
#ifndef CS_RELOCATE_H
#define CS_RELOCATE_H

#include <stddef.h>
#include <stdint.h>

#define CS_JMP_LEN 5

struct cs_relocation {
  size_t consumed; /* bytes of the original function that were moved (>= CS_JMP_LEN) */
  size_t len;      /* bytes written to `out`: the moved instructions and the jump back */
};

/*
 * Moves whole instructions from `code` (at address `src`) until at least CS_JMP_LEN bytes are
 * covered, rewritten to run at `dst`, followed by a jump back to src+consumed. Returns 0 when an
 * instruction is not known to be movable or a displacement does not fit.
 */
int cs_relocate_prologue(const uint8_t *code, size_t avail, uint64_t src, uint64_t dst, uint8_t *out, size_t out_cap, struct cs_relocation *r);

/* `jmp rel32` at `from` to `to`; 0 if farther than ±2 GiB. */
int cs_jmp_rel32(uint64_t from, uint64_t to, uint8_t out[CS_JMP_LEN]);

/* If `in` (at `from`) is a `jmp rel32`, its target. */
int cs_jmp_target(uint64_t from, const uint8_t in[CS_JMP_LEN], uint64_t *to);

#endif
