/*
 * illegal.c — executing what is not an instruction kills the process.
 *
 * Usage: illegal MODE, MODE one of
 *   zero     execute the all-zero word, which RISC-V defines as illegal
 *   garbage  jump into a buffer of bytes that decode to no instruction
 *   ebreak   execute ebreak
 * Prints "illegal: MODE" and flushes it, then traps. zero and garbage die of
 * SIGILL (exit status 132), ebreak of SIGTRAP (133). Should the trap not
 * happen, it prints "not reached" and exits 1; an unknown MODE exits 2.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "zero";
	printf("illegal: %s\n", mode);
	fflush(stdout);
	if (strcmp(mode, "zero") == 0) {
		__asm__ volatile(".4byte 0");
	} else if (strcmp(mode, "garbage") == 0) {
		/* 0xffffffff is reserved (a >= 80-bit encoding) in every base. */
		unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		memset(p, 0xff, 4096);
		__asm__ volatile("fence.i" ::: "memory");
		((void (*)(void))p)();
	} else if (strcmp(mode, "ebreak") == 0) {
		__asm__ volatile("ebreak");
	} else {
		return 2;
	}
	printf("not reached\n");
	return 1;
}
