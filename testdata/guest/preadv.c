/*
 * preadv.c — preadv, pwritev, preadv2 and pwritev2: scatter and gather at
 * an offset, the file's own offset left alone (or, with -1, used and
 * moved), RWF_APPEND, and the errors: EOPNOTSUPP for an unknown flag,
 * EINVAL for a negative offset, ESPIPE on a pipe. qemu-riscv64 7.2 refuses
 * RWF_APPEND (EOPNOTSUPP), so the test compares with Linux's output, from
 * running this program natively:
 *
 * Expected output (Linux):
 *   pwritev at 4: 11
 *   offset after: 0
 *   preadv at 4: 11
 *   read: [hell][o world]
 *   preadv past the end: 0
 *   preadv2 at -1 (the file's offset, 6): 4
 *   read: [llo ], offset now 10
 *   pwritev2 RWF_APPEND at 0: 2
 *   file: [.] (NULs shown as .)
 *   ....hello world!!
 *   preadv2 with an unknown flag: Operation not supported
 *   preadv at -5: Invalid argument
 *   preadv on a pipe: Illegal seek
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static void show(const char *what, ssize_t n) {
	if (n < 0)
		printf("%s: %s\n", what, strerror(errno));
	else
		printf("%s: %zd\n", what, n);
}

int main(void) {
	char path[] = "/tmp/preadvXXXXXX";
	int fd = mkstemp(path);
	unlink(path);
	char a[] = "hello ", b[] = "world";
	struct iovec w[2] = {{a, 6}, {b, 5}};
	show("pwritev at 4", pwritev(fd, w, 2, 4));
	printf("offset after: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
	char x[5] = {0}, y[8] = {0};
	struct iovec r[2] = {{x, 4}, {y, 7}};
	show("preadv at 4", preadv(fd, r, 2, 4));
	printf("read: [%.4s][%.7s]\n", x, y);
	show("preadv past the end", preadv(fd, r, 2, 100));
	lseek(fd, 6, SEEK_SET);
	memset(x, 0, sizeof x);
	show("preadv2 at -1 (the file's offset, 6)", preadv2(fd, r, 1, -1, 0));
	printf("read: [%.4s], offset now %ld\n", x, (long)lseek(fd, 0, SEEK_CUR));
	char z[] = "!!";
	struct iovec zz = {z, 2};
	show("pwritev2 RWF_APPEND at 0", pwritev2(fd, &zz, 1, 0, RWF_APPEND));
	char all[32] = {0};
	pread(fd, all, sizeof all - 1, 0);
	printf("file: [%s] (NULs shown as .)\n", all[0] ? all : ".");
	for (int i = 0; i < 17; i++)
		putchar(all[i] ? all[i] : '.');
	putchar('\n');
	show("preadv2 with an unknown flag", preadv2(fd, r, 1, 0, 0x1000));
	show("preadv at -5", preadv(fd, r, 1, -5));
	int p[2];
	pipe(p);
	show("preadv on a pipe", preadv(p[0], r, 1, 0));
	return 0;
}
