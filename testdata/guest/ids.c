/*
 * ids.c — the process's place in the tree: prints "pid P ppid Q" and exits
 * with status 3. Run as the first program, P is 1 and Q is 0; under
 * vessel run --init, P is 2 and Q is 1 (init). Arguments: none.
 */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	printf("pid %d ppid %d\n", getpid(), getppid());
	return 3;
}
