/*
 * enosys.c — a syscall vessel does not implement fails with ENOSYS.
 *
 * Calls syscall number 1023, which no Linux syscall has, twice and
 * prints what came back:
 *   1023: -1 ENOSYS
 *   1023: -1 ENOSYS
 * Exit status 0.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>

static void call(const char *name, long nr)
{
	errno = 0;
	long r = syscall(nr, 0, 0, 0, 0, 0, 0);
	printf("%s: %ld %s\n", name, r, errno == ENOSYS ? "ENOSYS" : "other");
}

int main(void)
{
	for (int i = 0; i < 2; i++)
		call("1023", 1023);
	return 0;
}
