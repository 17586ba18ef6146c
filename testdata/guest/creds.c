// Credentials: the set*id calls with Linux's rules, run as root (as the
// test runs vessel and qemu-riscv64) and after dropping privileges.
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/wait.h>
#include <unistd.h>

static void ids(const char *when) {
	uid_t r, e, s;
	gid_t gr, ge, gs;
	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	printf("%-28s uid %u %u %u fs %u  gid %u %u %u fs %u\n", when, r, e, s, setfsuid(-1), gr, ge, gs, setfsgid(-1));
}

static const char *res(int r) { return r == 0 ? "ok" : strerror(errno); }

int main(void) {
	if (getuid() != 0) {
		printf("run me as root\n");
		return 0;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	gid_t groups[] = {10, 20, 30};
	printf("setgroups: %s\n", res(setgroups(3, groups)));
	gid_t got[8];
	int n = getgroups(8, got);
	printf("getgroups: %d: %u %u %u\n", n, got[0], got[1], got[2]);
	pid_t pid = fork();
	if (pid == 0) {
		printf("setresgid(100,200,300): %s\n", res(setresgid(100, 200, 300)));
		printf("setresuid(1000,2000,3000): %s\n", res(setresuid(1000, 2000, 3000)));
		ids("after setres*id");
		printf("setuid(0): %s\n", res(setuid(0)));
		printf("setuid(3000): %s\n", res(setuid(3000)));
		ids("after setuid(3000)");
		printf("setreuid(-1, 1000): %s\n", res(setreuid(-1, 1000)));
		ids("after setreuid(-1,1000)");
		printf("setreuid(3000, -1): %s\n", res(setreuid(3000, -1)));
		printf("setresuid(-1, 7, -1): %s\n", res(setresuid(-1, 7, -1)));
		printf("setfsuid(3000) returns %d\n", setfsuid(3000));
		printf("setfsuid(42) returns %d\n", setfsuid(42));
		ids("after setfsuid");
		printf("setgid(300): %s\n", res(setgid(300)));
		printf("setgid(5): %s\n", res(setgid(5)));
		printf("setgroups as non-root: %s\n", res(setgroups(0, NULL)));
		printf("setuid(-1): %s\n", res(setuid(-1)));
		ids("at the end");
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	printf("setuid(0) as root: %s\n", res(setuid(0)));
	printf("setreuid(5, 6) as root: %s\n", res(setreuid(5, 6)));
	ids("root after setreuid(5,6)");
	return 0;
}
