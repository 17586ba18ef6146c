/*
 * mmap_shared.c — MAP_SHARED file mappings and the file they map, as Linux
 * keeps them coherent through one page cache per file: what a child writes
 * through its mapping the parent sees through its own mapping and through
 * read(2); what write(2) writes every mapping sees at once; a private
 * mapping sees the file until it copies a page; msync, munmap and exit
 * write the mapping's bytes to the file, which a fresh open reads back
 * once no mapping is left. Also the errors: msync of unmapped memory or
 * with bad flags, a writable shared mapping of a file open read-only, and
 * a truncate that cuts a mapped page.
 *
 * Usage: mmap_shared DIR
 * Runs every check on a file in DIR (a host directory: the host file path)
 * and on one in /dev/shm (vessel's tmpfs); prints what it sees, the same
 * on every run, and exits 0, or exits 1 when a call fails unexpectedly.
 */
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

/* show prints the string at s, or "(empty)". */
static void show(const char *label, const char *s)
{
	printf("  %s: %s\n", label, s[0] ? s : "(empty)");
}

/* fileAt reads n bytes at off with a fresh open, as another program would. */
static void fileAt(const char *path, off_t off, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		die("open for reading");
	memset(buf, 0, n);
	if (pread(fd, buf, n - 1, off) < 0)
		die("pread");
	close(fd);
}

static void waitChild(pid_t pid)
{
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("child failed\n");
		exit(1);
	}
}

static void check(const char *path)
{
	char buf[64];
	unlink(path);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("open");
	if (ftruncate(fd, 2 * PAGE) != 0)
		die("ftruncate");
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *priv = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED || priv == MAP_FAILED)
		die("mmap");
	priv[PAGE] = 'P'; /* the private mapping's own copy of page 1 */

	/* A child writes through the mapping it inherited. */
	pid_t pid = fork();
	if (pid == 0) {
		strcpy(p, "child wrote this");
		strcpy(p + PAGE + 100, "second page");
		_exit(0);
	}
	waitChild(pid);
	printf("after the child's writes\n");
	show("mapping", p);
	show("mapping, page 1", p + PAGE + 100);
	memset(buf, 0, sizeof buf);
	if (pread(fd, buf, sizeof buf - 1, 0) != sizeof buf - 1)
		die("pread");
	show("read(2)", buf);
	memset(buf, 0, sizeof buf);
	if (pread(fd, buf, 20, PAGE + 100) != 20)
		die("pread page 1");
	show("read(2), page 1", buf);
	show("private, page 0 not copied", priv);
	show("private, page 1 copied", priv + PAGE + 100);

	/* write(2) reaches every mapping at once. */
	if (pwrite(fd, "written by pwrite", 17, 200) != 17)
		die("pwrite");
	printf("after pwrite\n");
	show("mapping", p + 200);
	show("private, page 0 not copied", priv + 200);
	if (lseek(fd, 220, SEEK_SET) != 220 || write(fd, "and write", 9) != 9)
		die("write");
	show("mapping", p + 220);

	/* A process that maps the file anew sees the same page, and its
	 * writes, made visible to the host with msync, reach the parent. */
	pid = fork();
	if (pid == 0) {
		int fd2 = open(path, O_RDWR);
		char *q = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
		if (q == MAP_FAILED)
			_exit(1);
		if (strcmp(q, "child wrote this") != 0)
			_exit(2);
		strcpy(q + 300, "from a second mapping");
		if (msync(q, 2 * PAGE, MS_ASYNC) != 0)
			_exit(3);
		if (msync(q, PAGE, MS_SYNC) != 0)
			_exit(4);
		_exit(0);
	}
	waitChild(pid);
	printf("after a second mapping's writes\n");
	show("mapping", p + 300);
	if (msync(p, 2 * PAGE, MS_SYNC) != 0)
		die("msync");

	/* munmap writes back; once no mapping is left, a fresh open reads
	 * the file itself. */
	if (munmap(p, 2 * PAGE) != 0 || munmap(priv, 2 * PAGE) != 0)
		die("munmap");
	printf("after munmap\n");
	fileAt(path, 0, buf, sizeof buf);
	show("file", buf);
	fileAt(path, 200, buf, 30);
	show("file at 200", buf);
	fileAt(path, 300, buf, 30);
	show("file at 300", buf);
	fileAt(path, PAGE + 100, buf, 20);
	show("file, page 1", buf);
	struct stat st;
	if (fstat(fd, &st) != 0)
		die("fstat");
	printf("  size %lld\n", (long long)st.st_size);

	/* Exit writes back too: a child maps, writes and exits, and nothing
	 * else maps the file. */
	pid = fork();
	if (pid == 0) {
		char *q = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (q == MAP_FAILED)
			_exit(1);
		strcpy(q + 400, "written before exit");
		_exit(0);
	}
	waitChild(pid);
	printf("after a child's exit\n");
	fileAt(path, 400, buf, 30);
	show("file at 400", buf);

	/* Truncating cuts a mapped page: the part past the new end reads
	 * zero, through the mapping and the file, when the file grows again. */
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap again");
	show("mapping, page 1, before truncate", p + PAGE + 100);
	if (ftruncate(fd, PAGE + 10) != 0 || ftruncate(fd, 2 * PAGE) != 0)
		die("ftruncate down and up");
	show("mapping, page 1, after truncate", p + PAGE + 100);
	memset(buf, 0, sizeof buf);
	if (pread(fd, buf, 20, PAGE + 100) != 20)
		die("pread after truncate");
	show("read(2), page 1, after truncate", buf);
	show("mapping, page 0, after truncate", p);

	/* Errors. */
	printf("errors\n");
	char *hole = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hole == MAP_FAILED || munmap(hole, PAGE) != 0)
		die("mmap and munmap a hole");
	printf("  msync of unmapped memory: %s\n", msync(hole, PAGE, MS_SYNC) == 0 ? "ok" : strerror(errno));
	printf("  msync MS_SYNC|MS_ASYNC: %s\n", msync(p, PAGE, MS_SYNC | MS_ASYNC) == 0 ? "ok" : strerror(errno));
	printf("  msync unaligned: %s\n", msync(p + 1, PAGE, MS_SYNC) == 0 ? "ok" : strerror(errno));
	printf("  msync MS_INVALIDATE: %s\n", msync(p, PAGE, MS_INVALIDATE) == 0 ? "ok" : strerror(errno));
	munmap(p, 2 * PAGE);
	int ro = open(path, O_RDONLY);
	if (ro < 0)
		die("open read-only");
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
	printf("  writable shared mapping of a read-only file: %s\n", p == MAP_FAILED ? strerror(errno) : "ok");
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ro, 0);
	if (p == MAP_FAILED)
		die("read-only shared mmap");
	printf("  mprotect it writable: %s\n", mprotect(p, PAGE, PROT_READ | PROT_WRITE) == 0 ? "ok" : strerror(errno));
	show("read-only mapping", p + 400);
	munmap(p, PAGE);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	printf("  writable private mapping of a read-only file: %s\n", p == MAP_FAILED ? strerror(errno) : "ok");
	munmap(p, PAGE);
	close(ro);
	close(fd);
	unlink(path);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mmap_shared DIR\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	char path[4096];
	snprintf(path, sizeof path, "%s/mmap_shared.%d", argv[1], (int)getpid());
	printf("== a host file\n");
	check(path);
	snprintf(path, sizeof path, "/dev/shm/mmap_shared.%d", (int)getpid());
	printf("== a tmpfs file\n");
	check(path);
	return 0;
}
