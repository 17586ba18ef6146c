// /proc/self/fd/N of a pipe: not a directory to make or look up names
// in (ENOTDIR), and opened anew as a new end of the same pipe (Linux's
// fifo_open), which then reads what the old write end wrote.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
	int p[2];
	pipe(p);
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d/x", p[0]);
	printf("mkdir: %s\n", mkdir(path, 0755) ? strerror(errno) : "ok");
	printf("open: %s\n", open(path, O_RDONLY) < 0 ? strerror(errno) : "ok");
	printf("unlink: %s\n", unlink(path) ? strerror(errno) : "ok");
	snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
	int r = open(path, O_RDONLY | O_NONBLOCK);
	printf("reopen the read end: %s\n", r < 0 ? strerror(errno) : "ok");
	write(p[1], "through", 7);
	char buf[16] = {0};
	ssize_t n = read(r, buf, sizeof buf - 1);
	printf("read through the new end: %zd %s\n", n, buf);
	struct stat a, b;
	fstat(p[0], &a);
	fstat(r, &b);
	printf("same pipe: %s\n", a.st_ino == b.st_ino ? "yes" : "no");
	snprintf(path, sizeof path, "/proc/self/fd/%d", p[1]);
	int w = open(path, O_WRONLY);
	printf("reopen the write end for writing: %s, write %zd\n", w < 0 ? strerror(errno) : "ok", write(w, "x", 1));
	return 0;
}
