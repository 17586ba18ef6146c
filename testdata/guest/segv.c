/*
 * segv.c — a bad memory access kills the process with SIGSEGV.
 *
 * Usage: segv [MODE], MODE one of
 *   rodata    (default) store into a string constant in the read-only segment
 *   mprotect  store into an anonymous page made read-only by mprotect
 *   null      load from address 0
 *   jump0     call a function pointer that is 0 (instruction fetch fault)
 * Prints "segv: MODE" and flushes it, then faults. The process dies of
 * signal 11: a shell sees exit status 139, wait(2) sees WTERMSIG == SIGSEGV.
 * Should the access not fault, it prints "not reached" and exits 1; an
 * unknown MODE exits 2.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static const char msg[] = "read-only";

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "rodata";
	printf("segv: %s\n", mode);
	fflush(stdout);

	if (strcmp(mode, "rodata") == 0) {
		*(volatile char *)msg = 'R';
	} else if (strcmp(mode, "mprotect") == 0) {
		char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		p[0] = 1;
		mprotect(p, 4096, PROT_READ);
		*(volatile char *)p = 2;
	} else if (strcmp(mode, "null") == 0) {
		volatile int *volatile np = NULL;
		printf("%d\n", *np);
	} else if (strcmp(mode, "jump0") == 0) {
		void (*volatile f)(void) = NULL;
		f();
	} else {
		fprintf(stderr, "segv: unknown mode %s\n", mode);
		return 2;
	}
	printf("not reached\n");
	return 1;
}
