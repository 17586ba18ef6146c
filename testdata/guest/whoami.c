/*
 * whoami.c — the credentials the program started with: prints
 * "uid U euid E gid G egid H groups N: A B ..." with the supplementary
 * groups in the order getgroups gives them, and exits 0. Arguments: none.
 * Run by a host process, a program inherits its ids and groups; so does
 * the first program vessel runs (TestCredentialsInherited).
 */
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

int main(void)
{
	gid_t g[64];
	int n = getgroups(64, g);
	printf("uid %d euid %d gid %d egid %d groups %d:", (int)getuid(), (int)geteuid(), (int)getgid(), (int)getegid(), n);
	for (int i = 0; i < n; i++)
		printf(" %d", (int)g[i]);
	printf("\n");
	return 0;
}
