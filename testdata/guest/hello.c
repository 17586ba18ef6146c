/*
 * hello.c — the smallest guest: prints "hello, world" and exits 0.
 * Built static and dynamic; proves ELF loading (and PT_INTERP when dynamic),
 * the initial stack, write(2) and exit_group(2).
 */
#include <stdio.h>

int main(void)
{
	printf("hello, world\n");
	return 0;
}
