/*
 * memfd.c — memfd_create: an unnamed memory file, shown in /proc/self/fd
 * as "/memfd:NAME (deleted)", mapped MAP_SHARED and shared across fork,
 * opened again through /proc/self/fd, and sealed with F_ADD_SEALS: what
 * each seal refuses (EPERM), F_SEAL_WRITE refused while a shared writable
 * mapping exists (EBUSY), and the file without MFD_ALLOW_SEALING.
 *
 * Usage: memfd
 * Prints what it sees, the same on every run, and exits 0; exits 1 when a
 * call fails unexpectedly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

static void die(const char *what)
{
	printf("%s failed: %s\n", what, strerror(errno));
	exit(1);
}

static const char *result(int r)
{
	return r < 0 ? strerror(errno) : "ok";
}

static const char *mapResult(void *p)
{
	return p == MAP_FAILED ? strerror(errno) : "ok";
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int fd = memfd_create("vessel-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		die("memfd_create");
	printf("FD_CLOEXEC: %d\n", (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	printf("F_GETFL access mode is O_RDWR: %d\n", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
	char link[64], target[256];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof target - 1);
	if (n < 0)
		die("readlink");
	target[n] = 0;
	printf("path: %s\n", target);
	struct stat st;
	if (fstat(fd, &st) != 0)
		die("fstat");
	printf("regular %d, mode %o, links %d, size %lld\n", S_ISREG(st.st_mode), st.st_mode & 07777,
	       (int)st.st_nlink, (long long)st.st_size);

	if (ftruncate(fd, 2 * PAGE) != 0)
		die("ftruncate");
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	pid_t pid = fork();
	if (pid == 0) {
		strcpy(p, "written by the child");
		strcpy(p + PAGE, "page two");
		_exit(0);
	}
	int ws;
	if (waitpid(pid, &ws, 0) != pid || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
		die("child");
	printf("mapping after the child: %s / %s\n", p, p + PAGE);
	char buf[64] = {0};
	if (pread(fd, buf, 20, 0) != 20)
		die("pread");
	printf("read(2) after the child: %s\n", buf);

	/* Opened again through /proc/self/fd: the same file. */
	int fd2 = open(link, O_RDWR);
	if (fd2 < 0)
		die("open /proc/self/fd");
	char *q = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
	if (q == MAP_FAILED)
		die("mmap reopened");
	strcpy(q + 100, "through the reopened fd");
	printf("first mapping sees: %s\n", p + 100);
	if (pwrite(fd2, "pwrite", 6, 200) != 6)
		die("pwrite");
	printf("first mapping sees: %s\n", p + 200);
	struct stat st2;
	if (fstat(fd2, &st2) != 0)
		die("fstat reopened");
	printf("same inode: %d\n", st.st_ino == st2.st_ino && st.st_dev == st2.st_dev);

	/* Seals. */
	printf("F_GET_SEALS: %#x\n", fcntl(fd, F_GET_SEALS));
	printf("F_SEAL_WRITE with shared writable mappings: %s\n", result(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)));
	munmap(q, PAGE);
	munmap(p, 2 * PAGE);
	printf("F_SEAL_SHRINK|F_SEAL_GROW: %s\n", result(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)));
	printf("  ftruncate smaller: %s\n", result(ftruncate(fd, PAGE)));
	printf("  ftruncate larger: %s\n", result(ftruncate(fd, 4 * PAGE)));
	printf("  ftruncate the same: %s\n", result(ftruncate(fd, 2 * PAGE)));
	printf("  pwrite inside: %zd\n", pwrite(fd, "in", 2, 10));
	printf("  pwrite across the end: %zd\n", pwrite(fd, "out", 3, 2 * PAGE - 1));
	printf("  pwrite past the end: %s\n", result(pwrite(fd, "out", 3, 2 * PAGE)));
	int ro = open(link, O_RDONLY);
	printf("  F_ADD_SEALS on a read-only fd: %s\n", result(fcntl(ro, F_ADD_SEALS, F_SEAL_WRITE)));
	printf("  F_GET_SEALS on a read-only fd: %#x\n", fcntl(ro, F_GET_SEALS));
	close(ro);
	printf("F_SEAL_WRITE: %s\n", result(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)));
	printf("  pwrite: %s\n", result(pwrite(fd, "no", 2, 0)));
	printf("  shared writable mmap: %s\n", mapResult(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)));
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	printf("  shared read-only mmap: %s\n", mapResult(p));
	if (p != MAP_FAILED) {
		printf("  mprotect it writable: %s\n", result(mprotect(p, PAGE, PROT_READ | PROT_WRITE)));
		printf("  it reads: %s\n", p);
		munmap(p, PAGE);
	}
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	printf("  private writable mmap: %s\n", mapResult(p));
	if (p != MAP_FAILED) {
		strcpy(p, "private");
		memset(buf, 0, sizeof buf);
		pread(fd, buf, 20, 0);
		printf("  the file still reads: %s\n", buf);
		munmap(p, PAGE);
	}
	printf("F_SEAL_SEAL: %s\n", result(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL)));
	printf("  another seal: %s\n", result(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE)));
	printf("F_GET_SEALS: %#x\n", fcntl(fd, F_GET_SEALS));
	printf("F_ADD_SEALS unknown bit: %s\n", result(fcntl(fd2, F_ADD_SEALS, 0x1000)));
	close(fd2);
	close(fd);

	/* Without MFD_ALLOW_SEALING the file is sealed against seals. */
	fd = memfd_create("plain", 0);
	if (fd < 0)
		die("memfd_create plain");
	printf("plain FD_CLOEXEC: %d\n", (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	printf("plain F_GET_SEALS: %#x\n", fcntl(fd, F_GET_SEALS));
	printf("plain F_ADD_SEALS: %s\n", result(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW)));
	close(fd);

	/* Other files have no seals. */
	int pfd[2];
	if (pipe(pfd) != 0)
		die("pipe");
	printf("pipe F_GET_SEALS: %s\n", result(fcntl(pfd[0], F_GET_SEALS)));
	close(pfd[0]);
	close(pfd[1]);

	/* Names and flags. */
	char name[300];
	memset(name, 'n', sizeof name);
	name[249] = 0;
	fd = memfd_create(name, 0);
	printf("249-byte name: %s\n", result(fd));
	close(fd);
	name[249] = 'n';
	name[250] = 0;
	printf("250-byte name: %s\n", result(memfd_create(name, 0)));
	printf("unknown flag: %s\n", result(memfd_create("x", 0x100)));
	printf("bad name pointer: %s\n", result(memfd_create((char *)8, 0)));
	return 0;
}
