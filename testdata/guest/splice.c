// sendfile, splice, tee and copy_file_range: bytes moved between files and
// pipes, offsets honoured and advanced, and Linux's errors.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

static void show(const char *what, ssize_t n) {
	if (n < 0)
		printf("%s: %s\n", what, strerror(errno));
	else
		printf("%s: %zd\n", what, n);
}

static void drain(const char *what, int fd) {
	char buf[256];
	ssize_t n = read(fd, buf, sizeof buf);
	printf("%s: %.*s\n", what, (int)(n < 0 ? 0 : n), buf);
}

int main(void) {
	char src[] = "/tmp/spliceXXXXXX", dst[] = "/tmp/spliceXXXXXX";
	int s = mkstemp(src), d = mkstemp(dst);
	const char *text = "The quick brown fox jumps over the lazy dog";
	write(s, text, strlen(text));
	int p[2], q[2];
	pipe(p);
	pipe(q);

	off_t off = 4;
	show("sendfile file->pipe at offset 4, 11 bytes", sendfile(p[1], s, &off, 11));
	printf("offset now %ld, file position %ld\n", (long)off, (long)lseek(s, 0, SEEK_CUR));
	drain("pipe holds", p[0]);
	lseek(s, 10, SEEK_SET);
	show("sendfile from the file position, 5 bytes", sendfile(p[1], s, NULL, 5));
	printf("file position %ld\n", (long)lseek(s, 0, SEEK_CUR));
	drain("pipe holds", p[0]);

	off_t in = 16, out = 0;
	show("copy_file_range 3 bytes 16->0", copy_file_range(s, &in, d, &out, 3, 0));
	printf("offsets %ld %ld\n", (long)in, (long)out);
	lseek(s, 0, SEEK_SET);
	lseek(d, 3, SEEK_SET);
	show("copy_file_range from positions, 4 bytes", copy_file_range(s, NULL, d, NULL, 4, 0));
	printf("positions %ld %ld\n", (long)lseek(s, 0, SEEK_CUR), (long)lseek(d, 0, SEEK_CUR));
	char buf[64] = {0};
	pread(d, buf, sizeof buf - 1, 0);
	printf("destination: %s\n", buf);
	show("copy_file_range with flags", copy_file_range(s, NULL, d, NULL, 4, 1));
	off_t a = 0, b = 2;
	show("copy_file_range overlapping in one file", copy_file_range(s, &a, s, &b, 10, 0));
	show("copy_file_range from a pipe", copy_file_range(p[0], NULL, d, NULL, 4, 0));

	off = 35;
	show("splice file->pipe at 35", splice(s, &off, p[1], NULL, 100, 0));
	printf("offset now %ld\n", (long)off);
	show("tee pipe->pipe", tee(p[0], q[1], 100, 0));
	drain("tee's copy", q[0]);
	off = 0;
	show("splice pipe->file at 0", splice(p[0], NULL, d, &off, 100, 0));
	memset(buf, 0, sizeof buf);
	pread(d, buf, sizeof buf - 1, 0);
	printf("destination: %s\n", buf);
	show("splice file->file", splice(s, NULL, d, NULL, 10, 0));
	off = 0;
	show("splice with an offset on the pipe", splice(p[0], &off, d, NULL, 10, 0));
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	show("splice from an empty non-blocking pipe", splice(p[0], NULL, d, NULL, 10, 0));
	close(p[1]);
	show("splice from a pipe at EOF", splice(p[0], NULL, d, NULL, 10, 0));
	unlink(src);
	unlink(dst);
	return 0;
}
