// statfs and fstatfs of vessel's filesystems (their magic numbers) and of
// a pipe, chroot (EPERM for an unprivileged caller, ENOENT first, and a
// real chroot by root in a child), sync, syncfs, posix_fadvise, getcpu
// and mlock.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

static void fstype(const char *path) {
	struct statfs s;
	if (statfs(path, &s) != 0) {
		printf("statfs %s: %s\n", path, strerror(errno));
		return;
	}
	printf("statfs %s: type %#lx bsize %ld namelen %ld\n", path, (long)s.f_type, (long)s.f_bsize, (long)s.f_namelen);
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	fstype("/proc");
	fstype("/proc/self/status");
	fstype("/sys");
	fstype("/dev/shm");
	fstype("/nonexistent");
	int fd = open("/proc/uptime", O_RDONLY);
	struct statfs s;
	printf("fstatfs /proc/uptime: %d type %#lx\n", fstatfs(fd, &s), (long)s.f_type);
	printf("sync: ok\n");
	sync();
	printf("syncfs: %d\n", syncfs(fd));
	printf("posix_fadvise: %d, bad advice: %d\n", posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL), posix_fadvise(fd, 0, 0, 99));
	int p[2];
	pipe(p);
	printf("posix_fadvise on a pipe: %d\n", posix_fadvise(p[0], 0, 0, POSIX_FADV_NORMAL));
	unsigned cpu = 99, node = 7;
	int r = getcpu(&cpu, &node);
	printf("getcpu: %d, a cpu %s, node %u\n", r, cpu < 64 ? "yes" : "no", node);
	static char page[8192];
	printf("mlock: %d, munlock: %d\n", mlock(page, sizeof page), munlock(page, sizeof page));
	printf("mlock of nothing mapped: %s\n", mlock((void *)0x1000, 4096) ? strerror(errno) : "ok");
	printf("mlockall(0): %s\n", mlockall(0) ? strerror(errno) : "ok");

	printf("chroot to a missing dir: %s\n", chroot("/nonexistent") ? strerror(errno) : "ok");
	char dir[] = "/tmp/chrootXXXXXX";
	mkdtemp(dir);
	chmod(dir, 0755); // searchable after dropping root: chroot's EPERM, not EACCES
	char sub[64];
	snprintf(sub, sizeof sub, "%s/inside", dir);
	mkdir(sub, 0755);
	pid_t pid = fork();
	if (pid == 0) {
		if (chroot(dir) != 0) {
			printf("chroot as root: %s\n", strerror(errno));
			_exit(1);
		}
		chdir("/");
		struct stat st;
		printf("chroot as root: ok; /inside %s, /tmp %s\n", stat("/inside", &st) == 0 ? "seen" : "missing",
		       stat("/tmp", &st) == 0 ? "seen" : "missing");
		printf("and .. of / is /: %s\n", stat("/../inside", &st) == 0 ? "yes" : "no");
		setuid(1000);
		printf("chroot after dropping root: %s\n", chroot("/inside") ? strerror(errno) : "ok");
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	rmdir(sub);
	rmdir(dir);
	return 0;
}
