/*
 * compat.c — calls programs make in passing, as Linux answers them and
 * qemu-riscv64 passes them on to its host: riscv_flush_icache (code
 * written, flushed and run twice), membarrier's registrations across
 * fork and exec, personality across fork and exec, fallocate on tmpfs
 * (/dev/shm, a memfd with seals) and on a host file in DIR (holes and
 * moved ranges seen through a shared mapping), sync_file_range,
 * readahead, mincore of touched and untouched pages, ioprio_get and
 * ioprio_set of the process (and across fork), and capget's version
 * handshake. What qemu-riscv64 does not do as Linux does is in
 * compat_linux.c.
 *
 * Arguments: DIR, an empty scratch directory on the host (left empty);
 * internal mode "exec-child", run by execve of argv[0] (so the program
 * must be static). Prints results, hex values and errno names only, the
 * same for root and for other users; what the host file's fallocate modes
 * give depends on DIR's filesystem (ext4 does them all), the same under
 * vessel and qemu-riscv64. Exit status 0 (2 without DIR).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/falloc.h>
#include <linux/membarrier.h>

#define PAGE 4096L

/* show prints a call's result: the value, or -1 and the errno's name. */
static void show(const char *what, long r) {
	if (r < 0)
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

/* showx is show with the value in hex. */
static void showx(const char *what, long r) {
	if (r < 0)
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %#lx\n", what, r);
}

/* wait_child waits for pid and says if it did not exit 0. */
static void wait_child(pid_t pid) {
	int st;
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		printf("child status %#x\n", st);
}

static char *self;

/* exec_child runs argv[0] in exec-child mode and waits for it. */
static void exec_child(void) {
	pid_t pid = fork();
	if (pid == 0) {
		execl(self, self, "exec-child", (char *)NULL);
		printf("execl: %s\n", strerrorname_np(errno));
		_exit(1);
	}
	wait_child(pid);
}

#define RSEQ_CMDS (MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ | MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ)
#define MEMBARRIER_CMD_GET_REGISTRATIONS_ (1 << 9)

static long mb(int cmd, unsigned flags) { return syscall(SYS_membarrier, cmd, flags, 0); }
static long pers(unsigned long p) { return syscall(SYS_personality, p); }

/* The part an exec'd image checks: what exec kept and what it cleared. */
static int exec_part(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	showx("after exec: membarrier registrations", mb(MEMBARRIER_CMD_GET_REGISTRATIONS_, 0));
	show("after exec: PRIVATE_EXPEDITED", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0));
	showx("after exec: personality", pers(0xffffffff));
	showx("after exec: ioprio", syscall(SYS_ioprio_get, 1, 0));
	return 0;
}

static void icache(void) {
	uint32_t *code = mmap(NULL, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int (*fn)(void) = (int (*)(void))code;
	code[0] = 0x00100513; /* li a0, 1 */
	code[1] = 0x00008067; /* ret */
	long r1 = syscall(SYS_riscv_flush_icache, code, code + 2, 0);
	int a = fn();
	code[0] = 0x00200513; /* li a0, 2 */
	long r2 = syscall(SYS_riscv_flush_icache, code, code + 2, 1); /* SYS_RISCV_FLUSH_ICACHE_LOCAL */
	int b = fn();
	printf("riscv_flush_icache: %ld, %ld; the code returned %d, then %d\n", r1, r2, a, b);
	munmap(code, PAGE);
}

static void membarrier_part(void) {
	long q = mb(MEMBARRIER_CMD_QUERY, 0);
	printf("membarrier QUERY, rseq commands aside: %#lx\n", q < 0 ? q : q & ~(long)RSEQ_CMDS);
	show("PRIVATE_EXPEDITED unregistered", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0));
	show("PRIVATE_EXPEDITED_SYNC_CORE unregistered", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0));
	show("REGISTER_PRIVATE_EXPEDITED_SYNC_CORE", mb(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0));
	showx("registrations", mb(MEMBARRIER_CMD_GET_REGISTRATIONS_, 0));
	show("PRIVATE_EXPEDITED_SYNC_CORE", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0));
	show("PRIVATE_EXPEDITED, only sync-core registered", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0));
	show("REGISTER_PRIVATE_EXPEDITED", mb(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0));
	show("REGISTER_PRIVATE_EXPEDITED again", mb(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0));
	show("PRIVATE_EXPEDITED", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0));
	show("GLOBAL", mb(MEMBARRIER_CMD_GLOBAL, 0));
	show("GLOBAL_EXPEDITED unregistered", mb(MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0));
	show("REGISTER_GLOBAL_EXPEDITED", mb(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, 0));
	showx("registrations", mb(MEMBARRIER_CMD_GET_REGISTRATIONS_, 0));
	show("QUERY with flags 1", mb(MEMBARRIER_CMD_QUERY, 1));
	show("GLOBAL with flags 1", mb(MEMBARRIER_CMD_GLOBAL, 1));
	show("two commands at once", mb(MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0));
	show("unknown command 1<<12", mb(1 << 12, 0));
	show("negative command", mb(-1, 0));
	pid_t pid = fork();
	if (pid == 0) {
		showx("fork child: registrations", mb(MEMBARRIER_CMD_GET_REGISTRATIONS_, 0));
		show("fork child: PRIVATE_EXPEDITED", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0));
		_exit(0);
	}
	wait_child(pid);
}

static void personality_part(void) {
	showx("personality", pers(0xffffffff));
	showx("personality(ADDR_NO_RANDOMIZE)", pers(0x0040000));
	showx("personality", pers(0xffffffff));
	showx("personality(-1 as unsigned long, a query)", pers(~0UL));
	pid_t pid = fork();
	if (pid == 0) {
		showx("fork child: personality", pers(0xffffffff));
		_exit(0);
	}
	wait_child(pid);
	exec_child(); /* membarrier registrations gone, personality flags kept */
	showx("personality(PER_BSD)", pers(0x0006));
	showx("personality(PER_LINUX)", pers(0));
}

/* bytes prints a line about s: its n bytes, '.' for a zero byte. */
static void bytes(const char *what, const char *s, int n) {
	printf("%s: ", what);
	for (int i = 0; i < n; i++)
		putchar(s[i] ? s[i] : '.');
	putchar('\n');
}

static long fsize(int fd) {
	struct stat st;
	fstat(fd, &st);
	return st.st_size;
}

static const struct timespec old_times[2] = {{1000, 0}, {1000, 0}};

static int mtime_moved(int fd) {
	struct stat st;
	fstat(fd, &st);
	return st.st_mtim.tv_sec != 1000;
}

static void fallocate_tmpfs(void) {
	char name[64];
	snprintf(name, sizeof name, "/dev/shm/vessel-compat-%d", getpid());
	int fd = open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	futimens(fd, old_times);
	show("tmpfs fallocate 10000", fallocate(fd, 0, 0, 10000));
	printf("size %ld, mtime changed: %s\n", fsize(fd), mtime_moved(fd) ? "yes" : "no");
	futimens(fd, old_times);
	show("FALLOC_FL_KEEP_SIZE to 20000", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 20000));
	printf("size %ld, mtime changed: %s\n", fsize(fd), mtime_moved(fd) ? "yes" : "no");
	show("FALLOC_FL_ZERO_RANGE", fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, 100));
	show("FALLOC_FL_PUNCH_HOLE without KEEP_SIZE", fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 100));
	show("FALLOC_FL_COLLAPSE_RANGE", fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, PAGE));
	show("FALLOC_FL_INSERT_RANGE", fallocate(fd, FALLOC_FL_INSERT_RANGE, 0, PAGE));
	show("FALLOC_FL_UNSHARE_RANGE", fallocate(fd, FALLOC_FL_UNSHARE_RANGE, 0, PAGE));
	show("FALLOC_FL_COLLAPSE_RANGE|KEEP_SIZE", fallocate(fd, FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_KEEP_SIZE, 0, PAGE));
	show("FALLOC_FL_NO_HIDE_STALE", fallocate(fd, FALLOC_FL_NO_HIDE_STALE, 0, 100));
	show("mode 0x100", fallocate(fd, 0x100, 0, 100));
	show("length 0", fallocate(fd, 0, 0, 0));
	show("negative length", fallocate(fd, 0, 0, -1));
	show("negative offset", fallocate(fd, 0, -1, 10));
	show("offset+length overflows", fallocate(fd, 0, 0x7fffffffffffffffL, 10));
	show("1 TiB", fallocate(fd, 0, 0, 1L << 40));
	show("KEEP_SIZE, one page near the top", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0x7ffffffffffff000L, 10));
	printf("size %ld\n", fsize(fd));

	pwrite(fd, "hello world, this is data", 25, 0);
	char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	m[PAGE] = 'x';
	futimens(fd, old_times);
	show("PUNCH_HOLE|KEEP_SIZE of [6, 11)", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 6, 5));
	printf("size %ld, mtime changed: %s\n", fsize(fd), mtime_moved(fd) ? "yes" : "no");
	char b[32] = {0};
	pread(fd, b, 25, 0);
	bytes("read", b, 25);
	bytes("mapping", m, 25);
	show("PUNCH_HOLE|KEEP_SIZE of page 1, mapped", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, PAGE, PAGE));
	printf("mapped byte: %d\n", m[PAGE]);
	m[PAGE] = 'y';
	pread(fd, b, 1, PAGE);
	printf("written again through the mapping, read: %c\n", b[0]);
	munmap(m, 2 * PAGE);

	int ro = open(name, O_RDONLY);
	show("read-only descriptor", fallocate(ro, 0, 0, 10));
	show("read-only descriptor, mode 0x100", fallocate(ro, 0x100, 0, 10));
	show("read-only descriptor, length 0", fallocate(ro, 0, 0, 0));
	int path = open(name, O_PATH);
	show("O_PATH descriptor", fallocate(path, 0, 0, 10));
	int dir = open("/dev/shm", O_RDONLY | O_DIRECTORY);
	show("directory", fallocate(dir, 0, 0, 10));
	int p[2];
	pipe(p);
	show("pipe, write end", fallocate(p[1], 0, 0, 10));
	show("pipe, read end", fallocate(p[0], 0, 0, 10));
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	show("socket", fallocate(sv[0], 0, 0, 10));
	int null = open("/dev/null", O_RDWR);
	show("/dev/null", fallocate(null, 0, 0, 10));
	int efd = eventfd(0, 0);
	show("eventfd", fallocate(efd, 0, 0, 10));
	int comm = open("/proc/self/comm", O_RDWR);
	show("/proc/self/comm", fallocate(comm, 0, 0, 10));
	show("closed descriptor", fallocate(99, 0, 0, 10));

	show("sync_file_range", syscall(SYS_sync_file_range, fd, 0L, 0L, 7));
	show("sync_file_range, read-only", syscall(SYS_sync_file_range, ro, 0L, 100L, 2));
	show("sync_file_range, flag 8", syscall(SYS_sync_file_range, fd, 0L, 0L, 8));
	show("sync_file_range, negative offset", syscall(SYS_sync_file_range, fd, -1L, 0L, 0));
	show("sync_file_range, negative length", syscall(SYS_sync_file_range, fd, 0L, -1L, 0));
	show("sync_file_range, end overflows", syscall(SYS_sync_file_range, fd, 0x7fffffffffffffffL, 1L, 0));
	show("sync_file_range, directory", syscall(SYS_sync_file_range, dir, 0L, 0L, 0));
	show("sync_file_range, pipe", syscall(SYS_sync_file_range, p[0], 0L, 0L, 0));
	show("sync_file_range, socket", syscall(SYS_sync_file_range, sv[0], 0L, 0L, 0));
	show("sync_file_range, /dev/null", syscall(SYS_sync_file_range, null, 0L, 0L, 0));
	show("sync_file_range, eventfd", syscall(SYS_sync_file_range, efd, 0L, 0L, 0));
	show("sync_file_range, O_PATH", syscall(SYS_sync_file_range, path, 0L, 0L, 0));
	show("sync_file_range, closed", syscall(SYS_sync_file_range, 99, 0L, 0L, 0));

	int wo = open(name, O_WRONLY);
	show("readahead", syscall(SYS_readahead, fd, 0L, 100L));
	show("readahead, negative offset", syscall(SYS_readahead, ro, -1L, 100L));
	show("readahead, count past LLONG_MAX", syscall(SYS_readahead, ro, 0L, -1L));
	show("readahead, write-only", syscall(SYS_readahead, wo, 0L, 100L));
	show("readahead, directory", syscall(SYS_readahead, dir, 0L, 100L));
	show("readahead, pipe", syscall(SYS_readahead, p[0], 0L, 100L));
	show("readahead, socket", syscall(SYS_readahead, sv[0], 0L, 100L));
	show("readahead, /dev/null", syscall(SYS_readahead, null, 0L, 100L));
	show("readahead, O_PATH", syscall(SYS_readahead, path, 0L, 100L));
	int status = open("/proc/self/status", O_RDONLY);
	show("readahead, /proc/self/status", syscall(SYS_readahead, status, 0L, 100L));
	close(status);
	close(wo);
	close(comm);
	close(efd);
	close(null);
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
	close(dir);
	close(path);
	close(ro);
	close(fd);
	unlink(name);

	int mf = memfd_create("compat", MFD_ALLOW_SEALING);
	ftruncate(mf, 100);
	fcntl(mf, F_ADD_SEALS, F_SEAL_GROW);
	show("memfd, F_SEAL_GROW, within the size", fallocate(mf, 0, 0, 50));
	show("memfd, F_SEAL_GROW, past the size", fallocate(mf, 0, 0, 200));
	show("memfd, F_SEAL_GROW, past the size with KEEP_SIZE", fallocate(mf, FALLOC_FL_KEEP_SIZE, 0, 200));
	fcntl(mf, F_ADD_SEALS, F_SEAL_WRITE);
	show("memfd, F_SEAL_WRITE, punch", fallocate(mf, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 10));
	show("memfd, F_SEAL_WRITE, allocate", fallocate(mf, 0, 0, 10));
	printf("memfd size %ld\n", fsize(mf));
	close(mf);
}

/* pages prints the first two bytes of each of n pages of m. */
static void pages(const char *what, const char *m, int n) {
	printf("%s:", what);
	for (int i = 0; i < n; i++)
		printf(" %c%c", m[i * PAGE] ? m[i * PAGE] : '.', m[i * PAGE + 1] ? m[i * PAGE + 1] : '.');
	putchar('\n');
}

static void fallocate_host(const char *dir) {
	char name[256];
	snprintf(name, sizeof name, "%s/falloc", dir);
	int fd = open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	char page[PAGE];
	for (int i = 0; i < 3; i++) {
		memset(page, 'a' + i, PAGE);
		write(fd, page, PAGE);
	}
	char *m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	m[2 * PAGE] = 'Z'; /* not yet written back */
	show("host file, PUNCH_HOLE|KEEP_SIZE of [4106, 4206)", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, PAGE + 10, 100));
	char b[128];
	pread(fd, b, 8, PAGE + 8);
	bytes("read at 4104", b, 8);
	bytes("mapped at 4104", m + PAGE + 8, 8);
	printf("size %ld\n", fsize(fd));
	long r = fallocate(fd, FALLOC_FL_ZERO_RANGE, 5, 10);
	pread(fd, b, 20, 0);
	printf("FALLOC_FL_ZERO_RANGE of [5, 15): %s, ", r ? strerrorname_np(errno) : "0");
	bytes("read", b, 20);
	bytes("mapped", m, 20);
	show("host file, allocate to 16384", fallocate(fd, 0, 0, 4 * PAGE));
	printf("size %ld\n", fsize(fd));
	show("host file, KEEP_SIZE to 32768", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 8 * PAGE));
	printf("size %ld\n", fsize(fd));
	pages("pages", m, 3);
	r = fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, PAGE);
	printf("FALLOC_FL_COLLAPSE_RANGE of page 0: %s, size %ld\n", r ? strerrorname_np(errno) : "0", fsize(fd));
	pages("mapped pages", m, 3);
	pread(fd, b, 2, PAGE);
	bytes("read at 4096", b, 2);
	r = fallocate(fd, FALLOC_FL_INSERT_RANGE, 0, PAGE);
	printf("FALLOC_FL_INSERT_RANGE at page 0: %s, size %ld\n", r ? strerrorname_np(errno) : "0", fsize(fd));
	pages("mapped pages", m, 3);
	munmap(m, 3 * PAGE);
	show("host file, sync_file_range", syscall(SYS_sync_file_range, fd, 0L, 0L, 7));
	show("host file, readahead", syscall(SYS_readahead, fd, 0L, PAGE));
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	show("host directory, sync_file_range", syscall(SYS_sync_file_range, d, 0L, 0L, 7));
	show("host directory, readahead", syscall(SYS_readahead, d, 0L, PAGE));
	close(d);
	close(fd);
	unlink(name);
}

/* vec prints n bytes of mincore's vector. */
static void vec(const char *what, long r, const unsigned char *v, int n) {
	if (r < 0) {
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
		return;
	}
	printf("%s: ", what);
	for (int i = 0; i < n; i++)
		putchar('0' + v[i]);
	putchar('\n');
}

static void mincore_part(void) {
	unsigned char v[8];
	char *m = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	vec("mincore, untouched", mincore(m, 4 * PAGE, v), v, 4);
	m[0] = 1;
	m[2 * PAGE + 7] = 1;
	vec("mincore, pages 0 and 2 written", mincore(m, 4 * PAGE, v), v, 4);
	vec("mincore, 100 bytes", mincore(m, 100, v), v, 1);
	madvise(m, PAGE, MADV_DONTNEED);
	vec("mincore, after MADV_DONTNEED of page 0", mincore(m, 4 * PAGE, v), v, 4);
	show("mincore, unaligned", mincore(m + 1, PAGE, v));
	show("mincore, length 0", mincore(m, 0, v));
	pid_t pid = fork();
	if (pid == 0) {
		unsigned char cv[4];
		vec("fork child: mincore", mincore(m, 4 * PAGE, cv), cv, 4);
		_exit(0);
	}
	wait_child(pid);
	munmap(m, 4 * PAGE);

	char *s = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	s[0] = 1;
	madvise(s, 2 * PAGE, MADV_DONTNEED);
	vec("mincore, shared memory after MADV_DONTNEED", mincore(s, 2 * PAGE, v), v, 2);
	munmap(s, 2 * PAGE);

	char name[64];
	snprintf(name, sizeof name, "/dev/shm/vessel-mincore-%d", getpid());
	int fd = open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	ftruncate(fd, 3 * PAGE);
	pwrite(fd, "x", 1, PAGE);
	char *f = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	vec("mincore, tmpfs file with page 1 written", mincore(f, 3 * PAGE, v), v, 3);
	munmap(f, 3 * PAGE);
	close(fd);
	unlink(name);
}

static long ioget(int which, int who) { return syscall(SYS_ioprio_get, which, who); }
static long ioset(int which, int who, int prio) { return syscall(SYS_ioprio_set, which, who, prio); }
#define PRIO(class, data) ((class) << 13 | (data))

static void ioprio_part(void) {
	showx("ioprio_get", ioget(1, 0));
	show("ioprio_set BE 3", ioset(1, 0, PRIO(2, 3)));
	showx("ioprio_get", ioget(1, 0));
	showx("ioprio_get by tid", ioget(1, gettid()));
	show("ioprio_set BE 3 with hint 1", ioset(1, 0, PRIO(2, 8 | 3)));
	showx("ioprio_get", ioget(1, 0));
	show("ioprio_set BE 5 with bit 16", ioset(1, 0, 0x10000 | PRIO(2, 5)));
	showx("ioprio_get", ioget(1, 0));
	show("ioprio_set BE data 8 (hint 1, level 0)", ioset(1, 0, PRIO(2, 8)));
	show("ioprio_set NONE 1", ioset(1, 0, PRIO(0, 1)));
	show("ioprio_set class 4", ioset(1, 0, PRIO(4, 0)));
	show("ioprio_set class 7", ioset(1, 0, PRIO(7, 0)));
	show("ioprio_set -1", ioset(1, 0, -1));
	show("ioprio_set IDLE 7", ioset(1, 0, PRIO(3, 7)));
	showx("ioprio_get", ioget(1, 0));
	pid_t pid = fork();
	if (pid == 0) {
		showx("fork child: ioprio_get", ioget(1, 0));
		_exit(0);
	}
	wait_child(pid);
	exec_child(); /* its ioprio: kept across exec */
	show("ioprio_set NONE with hint 1", ioset(1, 0, PRIO(0, 8)));
	showx("ioprio_get", ioget(1, 0));
	pid = fork();
	if (pid == 0) {
		showx("fork child of a NONE priority: ioprio_get", ioget(1, 0));
		_exit(0);
	}
	wait_child(pid);
	show("ioprio_set, which 9", ioset(9, 0, PRIO(2, 0)));
	show("ioprio_get, which 9", ioget(9, 0));
	show("ioprio_set, no such thread", ioset(1, 0x3fffffff, PRIO(2, 0)));
	show("ioprio_get, no such thread", ioget(1, 0x3fffffff));
	show("ioprio_get, tid -1", ioget(1, -1));
	show("ioprio_set, uid -1", ioset(3, -1, PRIO(2, 0)));
	show("ioprio_set, bad class first", ioset(9, 0x3fffffff, PRIO(5, 0)));
	pid = fork();
	if (pid == 0) {
		if (geteuid() == 0 && setresuid(54321, 54321, 54321) != 0)
			printf("setresuid: %s\n", strerrorname_np(errno));
		show("not root: ioprio_set RT 0", ioset(1, 0, PRIO(1, 0)));
		show("not root: ioprio_set BE 1", ioset(1, 0, PRIO(2, 1)));
		showx("not root: ioprio_get", ioget(1, 0));
		_exit(0);
	}
	wait_child(pid);
	show("ioprio_set NONE 0", ioset(1, 0, 0));
}

static void capget_part(void) {
	struct __user_cap_header_struct h = {0x12345678, 0};
	struct __user_cap_data_struct d[2], d1[2];
	show("capget, unknown version, no data", syscall(SYS_capget, &h, NULL));
	printf("version written back: %#x\n", h.version);
	h.version = 0x12345678;
	show("capget, unknown version", syscall(SYS_capget, &h, d));
	printf("version written back: %#x\n", h.version);
	h.version = 0x12345678;
	show("capset, unknown version", syscall(SYS_capset, &h, d));
	printf("version written back: %#x\n", h.version);
	h.version = _LINUX_CAPABILITY_VERSION_3;
	show("capget, version 3, no data", syscall(SYS_capget, &h, NULL));
	show("capget, version 3", syscall(SYS_capget, &h, d));
	printf("effective == permitted: %s; inheritable: %#x %#x\n",
	       d[0].effective == d[0].permitted && d[1].effective == d[1].permitted ? "yes" : "no",
	       d[0].inheritable, d[1].inheritable);
	h.version = _LINUX_CAPABILITY_VERSION_1;
	memset(d1, 0x55, sizeof d1);
	show("capget, version 1", syscall(SYS_capget, &h, d1));
	printf("version 1: the low words: %s; the second set untouched: %s\n",
	       d1[0].effective == d[0].effective && d1[0].permitted == d[0].permitted ? "yes" : "no",
	       d1[1].effective == 0x55555555 ? "yes" : "no");
	h.version = _LINUX_CAPABILITY_VERSION_2;
	show("capget, version 2", syscall(SYS_capget, &h, d1));
	printf("version 2 as version 3: %s\n", memcmp(d, d1, sizeof d) == 0 ? "yes" : "no");
	h.version = _LINUX_CAPABILITY_VERSION_3;
	h.pid = gettid();
	show("capget, own tid", syscall(SYS_capget, &h, d1));
	h.pid = -1;
	show("capget, pid -1", syscall(SYS_capget, &h, d1));
	h.pid = 0x3fffffff;
	show("capget, no such pid", syscall(SYS_capget, &h, d1));
	h.pid = 0x3fffffff;
	show("capset, another pid", syscall(SYS_capset, &h, d));
	h.pid = 0;
	show("capset, no data", syscall(SYS_capset, &h, NULL));
	show("capget, no header", syscall(SYS_capget, NULL, d));
	show("capset, as it is", syscall(SYS_capset, &h, d));
}

int main(int argc, char **argv) {
	if (argc == 2 && strcmp(argv[1], "exec-child") == 0)
		return exec_part();
	if (argc != 2) {
		fprintf(stderr, "usage: compat DIR\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	self = argv[0];
	icache();
	membarrier_part();
	personality_part();
	fallocate_tmpfs();
	fallocate_host(argv[1]);
	mincore_part();
	ioprio_part();
	capget_part();
	return 0;
}
