# A 32-bit i386 process for the clock-shift refusal test: it sleeps in pause(2) forever.
# Built with `as --32` and `ld -m elf_i386` (binutils), so no 32-bit libc is needed.
        .globl _start
_start:
        movl $29, %eax          # SYS_pause (i386)
        int $0x80
        jmp _start
