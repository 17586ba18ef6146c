/*
 * proc_files.c — the caller's own /proc/self: its descriptors as links and
 * fdinfo, reopening a file through /proc/self/fd/N, cwd, root, exe,
 * cmdline, maps, auxv and /proc/uptime.
 *
 * Usage: proc_files DIR — DIR an empty scratch directory. Exits 0; 1 when
 * a call fails, 2 without DIR.
 *   1. /proc/self/cmdline is argv, each string ended by a NUL.
 *   2. readlink /proc/self/exe is argv[0] (run by an absolute path);
 *      /proc/self/maps maps it r-x and has a [stack] line.
 *   3. DIR/f is opened read-write and written, a pipe made with
 *      O_CLOEXEC: /proc/self/fd lists them (the descriptors it opened, each
 *      link's text with DIR written "DIR", pipe inode numbers dropped and
 *      pids written "PID"), both pipe ends name the same inode, and
 *      fdinfo shows the file's offset and the octal flags of each.
 *   4. open("/proc/self/fd/N") opens the file again with an offset of its
 *      own; a closed descriptor is no longer listed.
 *   5. After chdir(DIR), /proc/self/cwd reads DIR and /proc/self/cwd/f
 *      opens the file; /proc/self/root reads "/".
 *   6. /proc/uptime holds two non-negative numbers.
 *   7. The headings of /proc/sysvipc/{shm,msg,sem}.
 *   8. /proc/self/auxv ends with AT_NULL and holds what getauxval gives
 *      for the entries both Linux and vessel write.
 * Leaves DIR empty.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

static const char *yesno(int b) { return b ? "yes" : "no"; }

static const char *dir;

/* normalize rewrites a link text: DIR for the scratch directory, PID for
 * digits after /proc/, and nothing between a pipe's brackets. */
static void normalize(const char *in, char *out, size_t len)
{
	size_t dl = strlen(dir);
	if (strncmp(in, dir, dl) == 0) {
		snprintf(out, len, "DIR%s", in + dl);
		return;
	}
	if (strncmp(in, "pipe:[", 6) == 0) {
		snprintf(out, len, "pipe:[]");
		return;
	}
	if (strncmp(in, "/proc/", 6) == 0 && in[6] >= '0' && in[6] <= '9') {
		const char *p = in + 6;
		while (*p >= '0' && *p <= '9')
			p++;
		snprintf(out, len, "/proc/PID%s", p);
		return;
	}
	snprintf(out, len, "%s", in);
}

/* inherited lists the descriptors open at the start (those the program
 * was given, which differ from runner to runner); listFDs leaves them out. */
static int inherited[64], ninherited;

static int isInherited(int fd)
{
	for (int i = 0; i < ninherited; i++)
		if (inherited[i] == fd)
			return 1;
	return 0;
}

static void listFDs(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		printf("opendir /proc/self/fd failed\n");
		return;
	}
	int fds[64], n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < 64) {
		if (e->d_name[0] == '.')
			continue;
		if (e->d_type != DT_LNK)
			printf("fd %s is not a link\n", e->d_name);
		int fd = atoi(e->d_name);
		if (fd >= 3 && !isInherited(fd))
			fds[n++] = fd;
	}
	closedir(d);
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (fds[j] < fds[i]) {
				int x = fds[i];
				fds[i] = fds[j];
				fds[j] = x;
			}
	for (int i = 0; i < n; i++) {
		char path[64], link[512], norm[512];
		snprintf(path, sizeof path, "/proc/self/fd/%d", fds[i]);
		ssize_t l = readlink(path, link, sizeof link - 1);
		if (l < 0)
			continue; /* the directory's own descriptor, closed by now */
		link[l] = 0;
		normalize(link, norm, sizeof norm);
		printf("  %d -> %s\n", fds[i], norm);
	}
}

/* fdinfo prints the pos and flags lines of /proc/self/fdinfo/FD. */
static void fdinfo(int fd)
{
	char path[64], line[128];
	snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
	FILE *f = fopen(path, "r");
	if (!f) {
		printf("fdinfo %d: cannot open\n", fd);
		return;
	}
	printf("fdinfo of %d:", fd);
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		if (strncmp(line, "pos:", 4) == 0 || strncmp(line, "flags:", 6) == 0)
			printf(" [%s]", line);
	}
	printf("\n");
	fclose(f);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	dir = argv[1];
	for (int fd = 3; fd < 1024 && ninherited < 64; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			inherited[ninherited++] = fd;

	/* 1. cmdline */
	char buf[4096];
	int fd = open("/proc/self/cmdline", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
	close(fd);
	char want[4096];
	size_t wl = 0;
	for (int i = 0; i < argc; i++) {
		memcpy(want + wl, argv[i], strlen(argv[i]) + 1);
		wl += strlen(argv[i]) + 1;
	}
	printf("cmdline is argv with NULs: %s\n", yesno(n == (ssize_t)wl && memcmp(buf, want, wl) == 0));

	/* 2. exe and maps */
	char exe[1024];
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n < 0)
		return 1;
	exe[n] = 0;
	printf("exe is argv[0]: %s\n", yesno(strcmp(exe, argv[0]) == 0));
	FILE *m = fopen("/proc/self/maps", "r");
	if (!m)
		return 1;
	int stack = 0, text = 0;
	char line[1024];
	while (fgets(line, sizeof line, m)) {
		line[strcspn(line, "\n")] = 0;
		size_t ll = strlen(line);
		if (ll >= 7 && strcmp(line + ll - 7, "[stack]") == 0)
			stack = 1;
		char *name = strchr(line, '/');
		if (name && strcmp(name, exe) == 0 && strstr(line, " r-xp "))
			text = 1;
	}
	fclose(m);
	printf("maps: the executable r-x: %s, a [stack] line: %s\n", yesno(text), yesno(stack));

	/* 3. descriptors */
	char fpath[1024];
	snprintf(fpath, sizeof fpath, "%s/f", dir);
	int f = open(fpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (f < 0 || write(f, "hello", 5) != 5)
		return 1;
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return 1;
	printf("descriptors from 3:\n");
	listFDs();
	char l0[64], l1[64];
	snprintf(buf, sizeof buf, "/proc/self/fd/%d", p[0]);
	n = readlink(buf, l0, sizeof l0 - 1);
	l0[n < 0 ? 0 : n] = 0;
	snprintf(buf, sizeof buf, "/proc/self/fd/%d", p[1]);
	n = readlink(buf, l1, sizeof l1 - 1);
	l1[n < 0 ? 0 : n] = 0;
	printf("both pipe ends name one inode: %s\n", yesno(l0[0] && strcmp(l0, l1) == 0));
	fdinfo(f);
	fdinfo(p[0]);
	fdinfo(p[1]);

	/* 4. reopening */
	snprintf(buf, sizeof buf, "/proc/self/fd/%d", f);
	int g = open(buf, O_RDONLY);
	if (g < 0)
		return 1;
	char got[16] = {0};
	n = read(g, got, sizeof got - 1);
	printf("reopened through /proc/self/fd: read \"%s\", offsets apart: %s\n", n > 0 ? got : "",
	       yesno(lseek(f, 0, SEEK_CUR) == 5 && lseek(g, 0, SEEK_CUR) == 5 && lseek(g, 0, SEEK_SET) == 0 &&
		     lseek(f, 0, SEEK_CUR) == 5));
	close(g);
	close(p[0]);
	close(p[1]);
	printf("after closing the pipe and the reopened file:\n");
	listFDs();

	/* 5. cwd and root */
	if (chdir(dir) != 0)
		return 1;
	n = readlink("/proc/self/cwd", buf, sizeof buf - 1);
	buf[n < 0 ? 0 : n] = 0;
	printf("cwd is DIR: %s\n", yesno(strcmp(buf, dir) == 0));
	g = open("/proc/self/cwd/f", O_RDONLY);
	memset(got, 0, sizeof got);
	n = g >= 0 ? read(g, got, sizeof got - 1) : -1;
	printf("/proc/self/cwd/f reads \"%s\"\n", n > 0 ? got : "");
	if (g >= 0)
		close(g);
	n = readlink("/proc/self/root", buf, sizeof buf - 1);
	buf[n < 0 ? 0 : n] = 0;
	printf("root is \"%s\"\n", buf);
	close(f);
	unlink("f");

	/* 6. uptime */
	double up = -1, idle = -1;
	FILE *u = fopen("/proc/uptime", "r");
	int k = u ? fscanf(u, "%lf %lf", &up, &idle) : 0;
	if (u)
		fclose(u);
	printf("uptime parses: %s\n", yesno(k == 2 && up >= 0 && idle >= 0));

	/* 7. the System V IPC tables' headings */
	const char *ipc[] = {"/proc/sysvipc/shm", "/proc/sysvipc/msg", "/proc/sysvipc/sem"};
	for (int i = 0; i < 3; i++) {
		FILE *t = fopen(ipc[i], "r");
		if (t && fgets(buf, sizeof buf, t))
			printf("%s: %s", ipc[i], buf);
		if (t)
			fclose(t);
	}

	/* 8. the auxiliary vector */
	uint64_t av[2 * 64];
	int a = open("/proc/self/auxv", O_RDONLY);
	ssize_t an = a >= 0 ? read(a, av, sizeof av) : -1;
	if (a >= 0)
		close(a);
	int pairs = an > 0 ? (int)(an / 16) : 0;
	int nulllast = pairs > 0 && an % 16 == 0 && av[2 * (pairs - 1)] == AT_NULL;
	static const unsigned long types[] = {AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_ENTRY, AT_UID, AT_EUID,
					      AT_GID, AT_EGID, AT_RANDOM, AT_EXECFN, AT_HWCAP, AT_CLKTCK, AT_SECURE};
	int match = 1;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		uint64_t v = 0;
		for (int j = 0; j < pairs; j++)
			if (av[2 * j] == types[i])
				v = av[2 * j + 1];
		if (v != getauxval(types[i]))
			match = 0;
	}
	printf("/proc/self/auxv: AT_NULL last: %s, matches getauxval: %s\n", yesno(nulllast), yesno(match));
	return 0;
}
