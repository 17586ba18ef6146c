/*
 * sethost.c — sethostname and setdomainname: what uname(2) and
 * /proc/sys/kernel/hostname then show, EINVAL past 64 bytes, EPERM without
 * privilege. Not run under qemu-riscv64, which would rename the host; the
 * output below is Linux's, from running it natively in a UTS namespace of
 * its own (unshare -u):
 *
 * Expected output (Linux):
 *   sethostname: 0
 *   setdomainname: 0
 *   uname: guest-host / example.test; /proc/sys/kernel/hostname: guest-host
 *   65 bytes: Invalid argument
 *   64 bytes: ok
 *   as uid 1000: Operation not permitted
 *   uname: guest-host / example.test; /proc/sys/kernel/hostname: guest-host
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
static void show(void) {
	struct utsname u;
	uname(&u);
	char buf[128] = {0};
	FILE *f = fopen("/proc/sys/kernel/hostname", "r");
	if (f) { fgets(buf, sizeof buf, f); fclose(f); }
	printf("uname: %s / %s; /proc/sys/kernel/hostname: %s", u.nodename, u.domainname, buf);
}
int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("sethostname: %d\n", sethostname("guest-host", 10));
	printf("setdomainname: %d\n", setdomainname("example.test", 12));
	show();
	char longname[80];
	memset(longname, 'x', sizeof longname);
	printf("65 bytes: %s\n", sethostname(longname, 65) ? strerror(errno) : "ok");
	printf("64 bytes: %s\n", sethostname(longname, 64) ? strerror(errno) : "ok");
	sethostname("guest-host", 10);
	pid_t pid = fork();
	if (pid == 0) {
		setuid(1000);
		printf("as uid 1000: %s\n", sethostname("nope", 4) ? strerror(errno) : "ok");
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	show();
	return 0;
}
