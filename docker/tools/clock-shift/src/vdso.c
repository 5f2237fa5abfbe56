/*
 * Finds a process's vDSO and the clock functions in it. The vDSO is a small ELF shared object
 * that the kernel maps into every process; its dynamic symbol table names the entry points that
 * libc and the Go runtime call instead of the clock syscalls.
 */
#include "vdso.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"

static const char *const FUNC_NAMES[CS_NFUNCS] = {"__vdso_clock_gettime", "__vdso_gettimeofday", "__vdso_time"};

int cs_vdso_find(pid_t pid, uint64_t *start, uint64_t *end) {
  char path[64], line[512];
  snprintf(path, sizeof path, "/proc/%d/maps", pid);
  FILE *f = fopen(path, "r");
  if (!f) {
    if (errno == ENOENT || errno == ESRCH) return cs_fail(CS_ENOPROC, "no process %d", pid);
    return cs_fail(CS_EFAIL, "cannot read %s: %s", path, strerror(errno));
  }
  int found = 0;
  while (fgets(line, sizeof line, f)) {
    if (strstr(line, "[vdso]")) {
      found = sscanf(line, "%" SCNx64 "-%" SCNx64, start, end) == 2;
      break;
    }
  }
  fclose(f);
  if (!found) {
    return cs_fail(CS_EUNSUPPORTED,
                   "process %d has no vDSO mapping ([vdso] is missing from /proc/%d/maps: the kernel was booted with vdso=0, or the "
                   "program unmapped it), so its clock reads are syscalls this tool cannot shift",
                   pid, pid);
  }
  return CS_OK;
}

static const char *machine_name(unsigned m) {
  switch (m) {
  case EM_386: return "i386";
  case EM_X86_64: return "x86_64";
  case EM_AARCH64: return "aarch64";
  case EM_ARM: return "arm";
  case EM_RISCV: return "riscv";
  case EM_PPC64: return "ppc64";
  case EM_S390: return "s390";
  default: return "an unknown machine";
  }
}

/* Refuses everything but a 64-bit x86_64 vDSO: a 32-bit or x32 process has another one. */
static int check_header(const uint8_t *img, size_t size, const char *who) {
  if (size < sizeof(Elf64_Ehdr) || memcmp(img, ELFMAG, SELFMAG) != 0) return cs_fail(CS_EUNSUPPORTED, "%s: its vDSO is not an ELF image", who);
  uint16_t machine;
  memcpy(&machine, img + offsetof(Elf64_Ehdr, e_machine), sizeof machine); /* same offset in Elf32_Ehdr */
  if (img[EI_CLASS] == ELFCLASS32) {
    if (machine == EM_X86_64) return cs_fail(CS_EUNSUPPORTED, "%s is an x32 process (32-bit vDSO): only 64-bit x86_64 processes are supported", who);
    return cs_fail(CS_EUNSUPPORTED, "%s is a 32-bit %s process: only 64-bit x86_64 processes are supported", who, machine_name(machine));
  }
  if (img[EI_CLASS] != ELFCLASS64) return cs_fail(CS_EUNSUPPORTED, "%s: its vDSO has an unknown ELF class %u", who, img[EI_CLASS]);
  if (machine != EM_X86_64) return cs_fail(CS_EUNSUPPORTED, "%s: its vDSO is for %s (machine %u): only x86_64 is supported", who, machine_name(machine), machine);
  return CS_OK;
}

static int in_image(size_t size, uint64_t off, uint64_t len) { return off <= size && len <= size - off; }

int cs_vdso_parse(struct cs_vdso *v, const char *who) {
  const uint8_t *img = v->image;
  size_t size = v->size;
  int rc = check_header(img, size, who);
  if (rc) return rc;
  Elf64_Ehdr eh;
  memcpy(&eh, img, sizeof eh);

  /* Symbol values are link-time addresses: old kernels link the vDSO at 0xffffffffff700000. */
  int64_t bias = 0;
  int have_load = 0;
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || !in_image(size, eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr)))
    return cs_fail(CS_EUNSUPPORTED, "%s: its vDSO has no readable program headers", who);
  for (unsigned i = 0; i < eh.e_phnum; i++) {
    Elf64_Phdr ph;
    memcpy(&ph, img + eh.e_phoff + i * sizeof ph, sizeof ph);
    if (ph.p_type == PT_LOAD && !have_load) {
      bias = (int64_t)(v->start + ph.p_offset - ph.p_vaddr);
      have_load = 1;
    }
  }
  if (!have_load) return cs_fail(CS_EUNSUPPORTED, "%s: its vDSO has no PT_LOAD segment", who);

  if (eh.e_shentsize != sizeof(Elf64_Shdr) || !in_image(size, eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr)))
    return cs_fail(CS_EUNSUPPORTED, "%s: its vDSO has no readable section headers", who);
  memset(v->func, 0, sizeof v->func);
  memset(v->func_size, 0, sizeof v->func_size);
  for (unsigned i = 0; i < eh.e_shnum; i++) {
    Elf64_Shdr sh, strsh;
    memcpy(&sh, img + eh.e_shoff + i * sizeof sh, sizeof sh);
    if (sh.sh_type != SHT_DYNSYM || sh.sh_entsize != sizeof(Elf64_Sym) || sh.sh_link >= eh.e_shnum) continue;
    memcpy(&strsh, img + eh.e_shoff + sh.sh_link * sizeof strsh, sizeof strsh);
    if (!in_image(size, sh.sh_offset, sh.sh_size) || !in_image(size, strsh.sh_offset, strsh.sh_size)) continue;
    for (uint64_t s = 0; s < sh.sh_size / sizeof(Elf64_Sym); s++) {
      Elf64_Sym sym;
      memcpy(&sym, img + sh.sh_offset + s * sizeof sym, sizeof sym);
      if (sym.st_name >= strsh.sh_size || ELF64_ST_TYPE(sym.st_info) != STT_FUNC) continue;
      const char *name = (const char *)img + strsh.sh_offset + sym.st_name;
      if (!memchr(name, 0, strsh.sh_size - sym.st_name)) continue;
      for (int f = 0; f < CS_NFUNCS; f++) {
        uint64_t addr = (uint64_t)((int64_t)sym.st_value + bias);
        if (strcmp(name, FUNC_NAMES[f]) == 0 && addr >= v->start && addr + CS_VDSO_MIN_FUNC <= v->end) {
          v->func[f] = addr;
          v->func_size[f] = sym.st_size;
        }
      }
    }
  }
  if (!v->func[CS_CLOCK_GETTIME]) return cs_fail(CS_EUNSUPPORTED, "%s: its vDSO does not export __vdso_clock_gettime", who);

  /* Any `syscall` opcode will do to run injected syscalls: the bytes need not start an instruction. */
  v->syscall_insn = 0;
  for (size_t i = 0; i + 1 < size; i++) {
    if (img[i] == 0x0f && img[i + 1] == 0x05) {
      v->syscall_insn = v->start + i;
      break;
    }
  }
  if (!v->syscall_insn) return cs_fail(CS_EUNSUPPORTED, "%s: its vDSO contains no syscall instruction to borrow", who);
  return CS_OK;
}

const char *cs_func_name(int f) { return FUNC_NAMES[f] + strlen("__vdso_"); }
