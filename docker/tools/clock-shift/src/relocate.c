/*
 * Moves the first instructions of a function elsewhere, so that the function's entry can be
 * overwritten with a 5-byte jump while its original code stays callable: the moved
 * instructions, then a jump back to the first instruction that was not moved.
 *
 * The decoder knows the instructions that compilers put in function prologues (push, mov, lea,
 * ALU with immediates, endbr64, nops) and nothing else: anything it does not know, and every
 * relative branch, makes it give up, and the caller falls back to the raw-syscall stub. A
 * RIP-relative memory operand is rewritten for its new address (the vDSO reads its data page
 * that way).
 */
#include "relocate.h"

#include <string.h>

struct insn {
  size_t len;
  size_t disp_at; /* offset of a RIP-relative disp32, or 0 */
};

/* Length of a ModRM operand (ModRM byte, SIB, displacement) at `p`; -1 if truncated. */
static int modrm_len(const uint8_t *p, size_t avail, size_t *rip_disp) {
  if (avail < 1) return -1;
  uint8_t modrm = p[0], mod = modrm >> 6, rm = modrm & 7;
  int n = 1;
  *rip_disp = 0;
  if (mod != 3 && rm == 4) {
    if (avail < 2) return -1;
    uint8_t base = p[1] & 7;
    n++;
    if (mod == 0 && base == 5) n += 4;
  }
  if (mod == 0 && rm == 5) {
    *rip_disp = 1;
    n += 4;
  } else if (mod == 1) {
    n += 1;
  } else if (mod == 2) {
    n += 4;
  }
  return (size_t)n <= avail ? n : -1;
}

/* Decodes one instruction from the whitelist; 0 if unknown (or a branch). */
static int decode(const uint8_t *p, size_t avail, struct insn *out) {
  size_t i = 0;
  int opsize16 = 0, rexw = 0;
  while (i < avail && (p[i] == 0x66 || p[i] == 0xf2 || p[i] == 0xf3 || p[i] == 0x2e || p[i] == 0x3e || p[i] == 0x64 || p[i] == 0x65)) {
    if (p[i] == 0x66) opsize16 = 1;
    i++;
  }
  if (i < avail && (p[i] & 0xf0) == 0x40) {
    rexw = (p[i] & 8) != 0;
    i++;
  }
  if (i >= avail) return 0;
  uint8_t op = p[i++];
  size_t imm = 0;
  int has_modrm = 0;
  size_t imm_z = opsize16 && !rexw ? 2 : 4; /* "Iz": 16 or 32 bits */

  if (op == 0x0f) {
    if (i >= avail) return 0;
    uint8_t op2 = p[i++];
    if (op2 == 0x1e || op2 == 0x1f || op2 == 0xaf || op2 == 0xb6 || op2 == 0xb7 || op2 == 0xbe || op2 == 0xbf || (op2 & 0xf0) == 0x40) has_modrm = 1;
    else return 0;
  } else if (op < 0x40 && (op & 7) <= 3) {
    has_modrm = 1; /* ALU r/m forms: add or adc sbb and sub xor cmp */
  } else if (op < 0x40 && (op & 7) == 4) {
    imm = 1; /* ALU al, imm8 */
  } else if (op < 0x40 && (op & 7) == 5) {
    imm = imm_z;
  } else if (op >= 0x50 && op <= 0x5f) {
    /* push / pop register */
  } else if (op == 0x63 || (op >= 0x84 && op <= 0x8b) || op == 0x8d) {
    has_modrm = 1; /* movsxd, test, xchg, mov, lea */
  } else if (op == 0x80 || op == 0x83 || op == 0xc0 || op == 0xc1 || op == 0x6b || op == 0xc6) {
    has_modrm = 1;
    imm = 1;
  } else if (op == 0x81 || op == 0x69 || op == 0xc7) {
    has_modrm = 1;
    imm = imm_z;
  } else if (op == 0x90) {
    /* nop */
  } else if (op == 0xa8) {
    imm = 1;
  } else if (op == 0xa9) {
    imm = imm_z;
  } else if (op >= 0xb0 && op <= 0xb7) {
    imm = 1;
  } else if (op >= 0xb8 && op <= 0xbf) {
    imm = rexw ? 8 : imm_z;
  } else if (op == 0xf6 || op == 0xf7) {
    if (i >= avail) return 0;
    uint8_t reg = (p[i] >> 3) & 7;
    has_modrm = 1;
    if (reg <= 1) imm = op == 0xf6 ? 1 : imm_z; /* test r/m, imm */
  } else if (op == 0xff) {
    if (i >= avail) return 0;
    uint8_t reg = (p[i] >> 3) & 7;
    if (reg != 0 && reg != 1 && reg != 6) return 0; /* indirect call/jmp: not moved */
    has_modrm = 1;
  } else {
    return 0; /* branches, ret, int3, and everything not listed */
  }

  out->disp_at = 0;
  if (has_modrm) {
    size_t rip = 0;
    int n = modrm_len(p + i, avail - i, &rip);
    if (n < 0) return 0;
    if (rip) out->disp_at = i + 1;
    i += (size_t)n;
  }
  i += imm;
  if (i > avail || i > 15) return 0;
  out->len = i;
  return 1;
}

static void put32(uint8_t *p, int32_t v) { memcpy(p, &v, 4); }

int cs_relocate_prologue(const uint8_t *code, size_t avail, uint64_t src, uint64_t dst, uint8_t *out, size_t out_cap, struct cs_relocation *r) {
  size_t in = 0, o = 0;
  while (in < CS_JMP_LEN) {
    struct insn insn;
    if (!decode(code + in, avail - in, &insn)) return 0;
    if (o + insn.len + CS_JMP_LEN > out_cap) return 0;
    memcpy(out + o, code + in, insn.len);
    if (insn.disp_at) {
      int32_t disp;
      memcpy(&disp, code + in + insn.disp_at, 4);
      int64_t target = (int64_t)(src + in + insn.len) + disp;
      int64_t moved = target - (int64_t)(dst + o + insn.len);
      if (moved != (int32_t)moved) return 0;
      put32(out + o + insn.disp_at, (int32_t)moved);
    }
    in += insn.len;
    o += insn.len;
  }
  int64_t back = (int64_t)(src + in) - (int64_t)(dst + o + CS_JMP_LEN);
  if (back != (int32_t)back) return 0;
  out[o] = 0xe9;
  put32(out + o + 1, (int32_t)back);
  r->consumed = in;
  r->len = o + CS_JMP_LEN;
  return 1;
}

int cs_jmp_rel32(uint64_t from, uint64_t to, uint8_t out[CS_JMP_LEN]) {
  int64_t rel = (int64_t)to - (int64_t)(from + CS_JMP_LEN);
  if (rel != (int32_t)rel) return 0;
  out[0] = 0xe9;
  put32(out + 1, (int32_t)rel);
  return 1;
}

int cs_jmp_target(uint64_t from, const uint8_t in[CS_JMP_LEN], uint64_t *to) {
  if (in[0] != 0xe9) return 0;
  int32_t rel;
  memcpy(&rel, in + 1, 4);
  *to = from + CS_JMP_LEN + (int64_t)rel;
  return 1;
}
