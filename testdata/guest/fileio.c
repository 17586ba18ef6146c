/*
 * fileio.c — files and directories through the syscall layer.
 *
 * Usage: fileio DIR   (DIR: an empty scratch directory; the program chdirs
 * into it and uses relative names only, so no path is ever printed).
 *
 * Checks, one line each: umask applied to created modes; write/read back;
 * lseek SEEK_SET/CUR/END and a hole past the end that reads as zeros;
 * pread/pwrite leaving the offset alone; ftruncate grow and shrink;
 * fstat/stat/lstat sizes and types; rename; unlink; mkdir/rmdir; a sorted
 * readdir listing; dup/dup2/F_DUPFD sharing the file offset; F_GETFL/F_SETFL
 * with O_APPEND; F_GETFD/F_SETFD with FD_CLOEXEC; symlink/readlink; link
 * and st_nlink; access; openat/fstatat/unlinkat; and the errno of calls that
 * must fail (ENOENT, EEXIST, ENOTDIR, EISDIR, EBADF, ENOTEMPTY, EINVAL,
 * EACCES), printed by name. A failing call prints "-1 NAME", a successful
 * one its result. Leaves DIR empty. Exits 0, or 2 without a DIR.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	int no;
	const char *name;
} errnames[] = {
	{EPERM, "EPERM"},   {ENOENT, "ENOENT"}, {EBADF, "EBADF"},
	{EACCES, "EACCES"}, {EEXIST, "EEXIST"}, {EXDEV, "EXDEV"},
	{ENOTDIR, "ENOTDIR"}, {EISDIR, "EISDIR"}, {EINVAL, "EINVAL"},
	{EMFILE, "EMFILE"}, {ESPIPE, "ESPIPE"}, {ENOTEMPTY, "ENOTEMPTY"},
	{ELOOP, "ELOOP"},   {ENAMETOOLONG, "ENAMETOOLONG"}, {EFAULT, "EFAULT"},
};

static const char *errname(int e)
{
	static char buf[32];
	for (size_t i = 0; i < sizeof errnames / sizeof errnames[0]; i++)
		if (errnames[i].no == e)
			return errnames[i].name;
	snprintf(buf, sizeof buf, "errno%d", e);
	return buf;
}

/* say prints the result of a call: its value, or -1 and the errno name. */
static long say(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, errname(errno));
	else
		printf("%s: %ld\n", what, r);
	return r;
}

static const char *ftype(mode_t m)
{
	return S_ISREG(m) ? "reg" : S_ISDIR(m) ? "dir" : S_ISLNK(m) ? "lnk" : "other";
}

static void showstat(const char *what, int r, const struct stat *st)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, errname(errno));
	else if (S_ISDIR(st->st_mode)) /* size and nlink depend on the filesystem */
		printf("%s: dir\n", what);
	else
		printf("%s: %s size=%lld nlink=%lu\n", what, ftype(st->st_mode),
		       (long long)st->st_size, (unsigned long)st->st_nlink);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* listing prints the sorted names in directory path, "." and ".." included. */
static void listing(const char *path)
{
	char *names[64];
	int n = 0;
	DIR *d = opendir(path);
	if (!d) {
		printf("opendir %s: -1 %s\n", path, errname(errno));
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)) && n < 64)
		names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof names[0], cmp);
	printf("ls %s:", path);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void readall(const char *what, int fd, off_t off, size_t n)
{
	unsigned char buf[64];
	ssize_t r = pread(fd, buf, n, off);
	printf("%s: %zd [", what, r);
	for (ssize_t i = 0; i < r; i++)
		printf(buf[i] >= 32 && buf[i] < 127 ? "%c" : "\\x%02x", buf[i]);
	printf("]\n");
}

int main(int argc, char **argv)
{
	struct stat st;
	char buf[64];
	int fd2;

	if (argc < 2 || chdir(argv[1]) < 0) {
		fprintf(stderr, "usage: fileio DIR\n");
		return 2;
	}
	listing(".");

	/* umask and creation modes */
	umask(022);
	int fd = say("creat a 0666 umask 022", open("a", O_CREAT | O_WRONLY | O_TRUNC, 0666));
	fstat(fd, &st);
	printf("mode a: %03o\n", st.st_mode & 0777);
	close(fd);
	umask(077);
	close(open("b", O_CREAT | O_WRONLY, 0666));
	stat("b", &st);
	printf("mode b (umask 077): %03o\n", st.st_mode & 0777);
	printf("umask returns old: %03o\n", umask(022));
	say("chmod b 0640", chmod("b", 0640));
	stat("b", &st);
	printf("mode b: %03o\n", st.st_mode & 0777);

	/* write, read back, seek */
	fd = open("a", O_RDWR);
	say("write", write(fd, "hello world\n", 12));
	say("lseek SET 0", lseek(fd, 0, SEEK_SET));
	memset(buf, 0, sizeof buf);
	say("read", read(fd, buf, sizeof buf));
	printf("read back: %s", buf);
	say("read at EOF", read(fd, buf, sizeof buf));
	say("lseek SET 6", lseek(fd, 6, SEEK_SET));
	say("read 5", read(fd, buf, 5));
	printf("got: %.5s\n", buf);
	say("lseek CUR -5", lseek(fd, -5, SEEK_CUR));
	say("lseek END 0", lseek(fd, 0, SEEK_END));
	say("lseek END +4", lseek(fd, 4, SEEK_END));
	say("write past end", write(fd, "X", 1));
	fstat(fd, &st);
	printf("size after hole: %lld\n", (long long)st.st_size);
	readall("pread 10..17", fd, 10, 7);
	say("lseek SET -1", lseek(fd, -1, SEEK_SET));
	say("lseek whence 7", lseek(fd, 0, 7));

	/* pread/pwrite keep the offset */
	say("lseek SET 3", lseek(fd, 3, SEEK_SET));
	say("pwrite HELLO at 0", pwrite(fd, "HELLO", 5, 0));
	readall("pread 0..12", fd, 0, 12);
	say("offset still", lseek(fd, 0, SEEK_CUR));

	/* ftruncate */
	say("ftruncate 100", ftruncate(fd, 100));
	fstat(fd, &st);
	printf("size: %lld\n", (long long)st.st_size);
	readall("pread 96..100", fd, 96, 8);
	say("ftruncate 5", ftruncate(fd, 5));
	fstat(fd, &st);
	printf("size: %lld\n", (long long)st.st_size);
	readall("pread 0..", fd, 0, 32);
	say("truncate b 3", truncate("b", 3));
	fd2 = open("b", O_RDONLY);
	readall("b", fd2, 0, 8);
	close(fd2);

	/* dup, dup2, F_DUPFD share the offset */
	fd2 = say("dup", dup(fd));
	lseek(fd, 0, SEEK_SET);
	say("read 2 via dup", read(fd2, buf, 2));
	say("offset of original", lseek(fd, 0, SEEK_CUR));
	say("dup2 -> 40", dup2(fd, 40));
	say("read 1 via 40", read(40, buf, 1));
	say("offset of original", lseek(fd, 0, SEEK_CUR));
	say("F_DUPFD 50", fcntl(fd, F_DUPFD, 50));
	say("F_DUPFD 50 again", fcntl(fd, F_DUPFD, 50));
	say("dup2 same fd", dup2(fd, fd) == fd);
	close(40);
	close(50);
	close(51);

	/* F_GETFL / F_SETFL O_APPEND */
	int fl = fcntl(fd, F_GETFL);
	printf("accmode rdwr: %d append: %d\n", (fl & O_ACCMODE) == O_RDWR, !!(fl & O_APPEND));
	say("F_SETFL O_APPEND", fcntl(fd, F_SETFL, fl | O_APPEND));
	fl = fcntl(fd2, F_GETFL);
	printf("dup sees append: %d\n", !!(fl & O_APPEND));
	lseek(fd, 0, SEEK_SET);
	say("append write", write(fd, "!!", 2));
	say("offset after append", lseek(fd, 0, SEEK_CUR));
	readall("pread 0..", fd, 0, 32);
	fcntl(fd, F_SETFL, fl & ~O_APPEND);

	/* F_GETFD / F_SETFD */
	say("F_GETFD", fcntl(fd, F_GETFD));
	say("F_SETFD CLOEXEC", fcntl(fd, F_SETFD, FD_CLOEXEC));
	say("F_GETFD", fcntl(fd, F_GETFD));
	say("F_GETFD of dup", fcntl(fd2, F_GETFD));
	int fd3 = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	say("F_GETFD of F_DUPFD_CLOEXEC", fcntl(fd3, F_GETFD));
	close(fd3);
	int fd4 = open("b", O_RDONLY | O_CLOEXEC);
	say("F_GETFD of O_CLOEXEC", fcntl(fd4, F_GETFD));
	close(fd4);
	close(fd2);

	/* stat family, rename, link, symlink */
	showstat("fstat a", fstat(fd, &st), &st);
	close(fd);
	say("rename a -> a2", rename("a", "a2"));
	showstat("stat a", stat("a", &st), &st);
	showstat("stat a2", stat("a2", &st), &st);
	say("link a2 h", link("a2", "h"));
	showstat("stat a2", stat("a2", &st), &st);
	say("symlink s -> a2", symlink("a2", "s"));
	say("symlink dangling -> nowhere", symlink("nowhere", "dangling"));
	memset(buf, 0, sizeof buf);
	say("readlink s", readlink("s", buf, sizeof buf));
	printf("target: %s\n", buf);
	say("readlink a2", readlink("a2", buf, sizeof buf));
	showstat("lstat s", lstat("s", &st), &st);
	showstat("stat s", stat("s", &st), &st);
	showstat("stat dangling", stat("dangling", &st), &st);
	showstat("lstat dangling", lstat("dangling", &st), &st);
	showstat("fstatat s NOFOLLOW", fstatat(AT_FDCWD, "s", &st, AT_SYMLINK_NOFOLLOW), &st);
	say("rename b over h", rename("b", "h"));
	showstat("stat a2", stat("a2", &st), &st);

	/* access */
	say("access a2 R_OK|W_OK", access("a2", R_OK | W_OK));
	say("access a2 X_OK", access("a2", X_OK));
	say("access missing F_OK", access("missing", F_OK));

	/* directories */
	say("mkdir d", mkdir("d", 0755));
	say("mkdir d again", mkdir("d", 0755));
	showstat("stat d", stat("d", &st), &st);
	printf("mode d: %03o\n", st.st_mode & 0777);
	int dfd = say("open d O_DIRECTORY", open("d", O_RDONLY | O_DIRECTORY));
	for (const char *n = "cab"; *n; n++) {
		char name[2] = {*n, 0};
		close(openat(dfd, name, O_CREAT | O_WRONLY, 0644));
	}
	say("mkdirat d/sub", mkdirat(dfd, "sub", 0700));
	listing("d");
	showstat("stat d", stat("d", &st), &st);
	say("rmdir d (not empty)", rmdir("d"));
	say("unlinkat d/sub (dir, no flag)", unlinkat(dfd, "sub", 0));
	say("unlinkat d/sub AT_REMOVEDIR", unlinkat(dfd, "sub", AT_REMOVEDIR));
	say("unlinkat d/a", unlinkat(dfd, "a", 0));
	say("unlink d/b", unlink("d/b"));
	say("unlink d/c", unlink("d/c"));
	listing("d");
	close(dfd);

	/* errors */
	say("open missing", open("missing", O_RDONLY));
	say("open a2 O_CREAT|O_EXCL", open("a2", O_CREAT | O_EXCL | O_WRONLY, 0644));
	say("open a2/x", open("a2/x", O_RDONLY));
	say("open d O_WRONLY", open("d", O_WRONLY));
	say("open a2 O_DIRECTORY", open("a2", O_RDONLY | O_DIRECTORY));
	dfd = open("d", O_RDONLY);
	say("read directory", read(dfd, buf, sizeof buf));
	say("write directory", write(dfd, "x", 1));
	close(dfd);
	say("unlink d", unlink("d"));
	say("rmdir a2", rmdir("a2"));
	say("mkdir missing/x", mkdir("missing/x", 0755));
	fd = open("a2", O_RDONLY);
	say("write to O_RDONLY", write(fd, "x", 1));
	say("close", close(fd));
	say("write closed fd", write(fd, "x", 1));
	say("close closed fd", close(fd));
	say("fstat closed fd", fstat(fd, &st));
	say("lseek fd -1", lseek(-1, 0, SEEK_SET));

	/* stdio on top */
	FILE *f = fopen("stdio", "w+");
	fprintf(f, "line %d\nline %d\n", 1, 2);
	rewind(f);
	while (fgets(buf, sizeof buf, f))
		printf("fgets: %s", buf);
	fclose(f);

	/* clean up */
	say("rmdir d", rmdir("d"));
	unlink("a2");
	unlink("h");
	unlink("s");
	unlink("dangling");
	unlink("stdio");
	listing(".");
	return 0;
}
