/*
 * Unit tests of the pure parts: the prologue relocator and the vDSO ELF checks (including the
 * refusal of non-x86_64 images, built here by editing a copy of this process's own vDSO).
 * `make check` runs them; exit status 1 and a line per failure if any check fails.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "cs.h"
#include "relocate.h"
#include "vdso.h"

static char last_error[512];
static int checks, failures;

int cs_fail(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof last_error, fmt, ap);
  va_end(ap);
  return code;
}

#define CHECK(cond, ...)                                 \
  do {                                                   \
    checks++;                                            \
    if (!(cond)) {                                       \
      failures++;                                        \
      printf("FAIL %s:%d: ", __FILE__, __LINE__);        \
      printf(__VA_ARGS__);                               \
      putchar('\n');                                     \
    }                                                    \
  } while (0)

static int32_t rd32(const uint8_t *p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

static void test_relocations(void) {
  uint8_t out[64];
  struct cs_relocation r;
  const uint64_t src = 0x7ffff7fc1b10, dst = 0x7ffff7f00000;

  /* clock_gettime on this kernel: push %rbp; mov %rsp,%rbp; push %r14; push %rbx */
  const uint8_t cgt[] = {0x55, 0x48, 0x89, 0xe5, 0x41, 0x56, 0x53, 0x48, 0x83, 0xe4, 0xf0};
  CHECK(cs_relocate_prologue(cgt, sizeof cgt, src, dst, out, sizeof out, &r), "plain prologue relocates");
  CHECK(r.consumed == 6 && r.len == 11, "whole instructions: consumed %zu len %zu", r.consumed, r.len);
  CHECK(memcmp(out, cgt, 6) == 0, "instructions copied unchanged");
  CHECK(out[6] == 0xe9 && dst + 11 + rd32(out + 7) == src + 6, "jump back to the first instruction not moved");

  /* gettimeofday: push %rbp; lea -0x6838(%rip),%r10 — the lea's target must not move */
  const uint8_t gtod[] = {0x55, 0x4c, 0x8d, 0x15, 0xc8, 0x97, 0xff, 0xff, 0x48, 0x89, 0xe5};
  CHECK(cs_relocate_prologue(gtod, sizeof gtod, src, dst, out, sizeof out, &r) && r.consumed == 8, "RIP-relative lea relocates");
  uint64_t target_before = src + 8 + rd32(gtod + 4), target_after = dst + 8 + rd32(out + 4);
  CHECK(target_before == target_after, "lea target kept: %#llx vs %#llx", (unsigned long long)target_before, (unsigned long long)target_after);

  /* time: cmpl $0x7fffffff,-0x6ae6(%rip) — an immediate follows the displacement */
  const uint8_t tm[] = {0x81, 0x3d, 0x1a, 0x95, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x48, 0x8d};
  CHECK(cs_relocate_prologue(tm, sizeof tm, src, dst, out, sizeof out, &r) && r.consumed == 10, "cmp rip-relative with imm32: consumed %zu", r.consumed);
  CHECK(src + 10 + rd32(tm + 2) == dst + 10 + rd32(out + 2) && rd32(out + 6) == 0x7fffffff, "displacement moved, immediate kept");

  /* endbr64; push %rbp */
  const uint8_t ibt[] = {0xf3, 0x0f, 0x1e, 0xfa, 0x55, 0x48, 0x89, 0xe5};
  CHECK(cs_relocate_prologue(ibt, sizeof ibt, src, dst, out, sizeof out, &r) && r.consumed == 5, "endbr64 + push: consumed %zu", r.consumed);

  /* movabs $imm64,%rax; SIB with disp8; 16-bit immediate */
  const uint8_t movabs[] = {0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8, 0x90};
  CHECK(cs_relocate_prologue(movabs, sizeof movabs, src, dst, out, sizeof out, &r) && r.consumed == 10, "movabs is 10 bytes: %zu", r.consumed);
  const uint8_t sib[] = {0x48, 0x8b, 0x44, 0x24, 0x08, 0x90};
  CHECK(cs_relocate_prologue(sib, sizeof sib, src, dst, out, sizeof out, &r) && r.consumed == 5, "mov 8(%%rsp),%%rax is 5 bytes: %zu", r.consumed);
  const uint8_t cmp16[] = {0x66, 0x81, 0xff, 0x34, 0x12, 0x90};
  CHECK(cs_relocate_prologue(cmp16, sizeof cmp16, src, dst, out, sizeof out, &r) && r.consumed == 5, "cmp $0x1234,%%di is 5 bytes: %zu", r.consumed);

  /* Refused: branches within the first five bytes, ret, call, truncated input. */
  const uint8_t jcc[] = {0x31, 0xc0, 0x74, 0x05, 0x90, 0x90, 0x90};
  CHECK(!cs_relocate_prologue(jcc, sizeof jcc, src, dst, out, sizeof out, &r), "a short jcc is not moved");
  const uint8_t jmp[] = {0xe9, 0, 0, 0, 0, 0x90};
  CHECK(!cs_relocate_prologue(jmp, sizeof jmp, src, dst, out, sizeof out, &r), "a jmp is not moved");
  const uint8_t call[] = {0x55, 0xe8, 0, 0, 0, 0};
  CHECK(!cs_relocate_prologue(call, sizeof call, src, dst, out, sizeof out, &r), "a call is not moved");
  const uint8_t ret[] = {0xc3, 0x90, 0x90, 0x90, 0x90, 0x90};
  CHECK(!cs_relocate_prologue(ret, sizeof ret, src, dst, out, sizeof out, &r), "ret is not moved");
  CHECK(!cs_relocate_prologue(cgt, 3, src, dst, out, sizeof out, &r), "truncated code is refused");

  /* A RIP-relative operand that would end up more than 2 GiB away. */
  CHECK(!cs_relocate_prologue(gtod, sizeof gtod, src, 0x10000, out, sizeof out, &r), "out-of-range displacement is refused");

  uint8_t j[CS_JMP_LEN];
  uint64_t to = 0;
  CHECK(cs_jmp_rel32(src, dst, j) && cs_jmp_target(src, j, &to) && to == dst, "jmp rel32 round trip");
  CHECK(!cs_jmp_rel32(0x10000, 0x7fff00000000, j), "jmp beyond 2 GiB is refused");
}

static void test_vdso(void) {
  const uint8_t *self = (const uint8_t *)getauxval(AT_SYSINFO_EHDR);
  CHECK(self != NULL, "this process has a vDSO");
  if (!self) return;
  struct cs_vdso v = {0};
  CHECK(cs_vdso_find(getpid(), &v.start, &v.end) == CS_OK && v.start == (uint64_t)self, "own [vdso] found in /proc/self/maps");
  v.size = v.end - v.start;
  v.image = malloc(v.size);
  memcpy(v.image, self, v.size);

  CHECK(cs_vdso_parse(&v, "this process") == CS_OK, "own vDSO parses: %s", last_error);
  CHECK(v.func[CS_CLOCK_GETTIME] > v.start && v.func[CS_CLOCK_GETTIME] < v.end, "clock_gettime found");
  CHECK(v.func[CS_GETTIMEOFDAY] && v.func[CS_TIME], "gettimeofday and time found");
  CHECK(v.syscall_insn && v.image[v.syscall_insn - v.start] == 0x0f, "a syscall opcode found");

  uint16_t aarch64 = EM_AARCH64;
  memcpy(v.image + offsetof(Elf64_Ehdr, e_machine), &aarch64, 2);
  CHECK(cs_vdso_parse(&v, "process 7") == CS_EUNSUPPORTED && strstr(last_error, "vDSO is for aarch64") && strstr(last_error, "only x86_64"),
        "an aarch64 vDSO is refused: %s", last_error);

  uint16_t i386 = EM_386;
  memcpy(v.image + offsetof(Elf64_Ehdr, e_machine), &i386, 2);
  v.image[EI_CLASS] = ELFCLASS32;
  CHECK(cs_vdso_parse(&v, "process 7") == CS_EUNSUPPORTED && strstr(last_error, "process 7 is a 32-bit i386 process"), "an i386 vDSO is refused: %s", last_error);

  uint16_t x86_64 = EM_X86_64;
  memcpy(v.image + offsetof(Elf64_Ehdr, e_machine), &x86_64, 2);
  CHECK(cs_vdso_parse(&v, "process 7") == CS_EUNSUPPORTED && strstr(last_error, "x32 process"), "an x32 vDSO is refused: %s", last_error);

  memcpy(v.image, "\x7f" "ELG", 4);
  CHECK(cs_vdso_parse(&v, "process 7") == CS_EUNSUPPORTED && strstr(last_error, "not an ELF image"), "garbage is refused: %s", last_error);
  free(v.image);
}

int main(void) {
  test_relocations();
  test_vdso();
  printf("clock-shift unit tests: %d checks, %d failing\n", checks, failures);
  return failures ? 1 : 0;
}
