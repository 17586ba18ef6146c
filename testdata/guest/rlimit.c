/*
 * rlimit.c — resource limits: getrlimit/setrlimit/prlimit as the process's,
 * and RLIMIT_NOFILE as the bound on descriptors.
 *   1. RLIMIT_NOFILE lowered to 16: the 17th descriptor is EMFILE (open
 *      and dup alike); F_DUPFD at 16 is EINVAL; raised back to the hard
 *      limit, 1200 descriptors open.
 *   2. A limit set in one thread is seen by another (limits are the
 *      process's), and by a child forked afterwards.
 *   3. prlimit on the child: reads its limit, lowers its soft RLIMIT_NOFILE
 *      (the child then sees it); a thread of our own by its tid works too.
 *   4. Errors: soft above hard EINVAL, an unknown resource EINVAL,
 *      RLIMIT_NOFILE past nr_open EPERM, a dead pid ESRCH.
 * Prints one line per check and exits 0. Arguments: none. The same output
 * natively, under qemu-riscv64 and under vessel, as root or not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *en(int r)
{
	return r == 0 ? "0" : strerrorname_np(errno);
}

static void *reader(void *arg)
{
	struct rlimit *r = arg;
	getrlimit(RLIMIT_NOFILE, r);
	return NULL;
}

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

static pid_t thread_tid;
static int thread_go;

static void *sleeper(void *arg)
{
	(void)arg;
	__atomic_store_n(&thread_tid, gettid_(), __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&thread_go, __ATOMIC_SEQ_CST))
		usleep(1000);
	return NULL;
}

int main(void)
{
	struct rlimit orig, r;
	getrlimit(RLIMIT_NOFILE, &orig);

	/* 1 */
	r = orig;
	r.rlim_cur = 16;
	printf("lower RLIMIT_NOFILE to 16: %s\n", en(setrlimit(RLIMIT_NOFILE, &r)));
	int last = -1, n = 0;
	for (;;) {
		int fd = open("/dev/null", O_RDONLY);
		if (fd < 0) {
			printf("open stops after fd %d: %s\n", last, strerrorname_np(errno));
			break;
		}
		last = fd;
		n++;
	}
	int d = dup(0);
	printf("dup: %s\n", d < 0 ? strerrorname_np(errno) : "ok");
	d = fcntl(0, F_DUPFD, 16);
	printf("F_DUPFD 16: %s\n", d < 0 ? strerrorname_np(errno) : "ok");
	for (int fd = 3; fd <= last; fd++)
		close(fd);
	r.rlim_cur = r.rlim_max < 1300 ? r.rlim_max : 1300;
	setrlimit(RLIMIT_NOFILE, &r);
	int opened = 0;
	int fds[1200];
	for (int i = 0; i < 1200; i++) {
		fds[i] = open("/dev/null", O_RDONLY);
		if (fds[i] < 0)
			break;
		opened++;
	}
	printf("raised again: %d descriptors open\n", opened);
	for (int i = 0; i < opened; i++)
		close(fds[i]);

	/* 2 */
	r.rlim_cur = 500;
	setrlimit(RLIMIT_NOFILE, &r);
	pthread_t t;
	struct rlimit seen;
	pthread_create(&t, NULL, reader, &seen);
	pthread_join(t, NULL);
	printf("another thread sees soft %lu\n", (unsigned long)seen.rlim_cur);
	int p[2], q[2]; /* the child's reports, the parent's go-ahead */
	pipe(p);
	pipe(q);
	pid_t c = fork();
	if (c == 0) {
		getrlimit(RLIMIT_NOFILE, &r);
		char b = (char)(r.rlim_cur == 500);
		write(p[1], &b, 1);
		/* wait for the parent's prlimit, then report again */
		read(q[0], &b, 1);
		getrlimit(RLIMIT_NOFILE, &r);
		b = (char)(r.rlim_cur == 300);
		write(p[1], &b, 1);
		_exit(0);
	}
	char b;
	read(p[0], &b, 1);
	printf("a child forked afterwards sees it: %s\n", b ? "yes" : "no");

	/* 3 */
	struct rlimit cr;
	printf("prlimit read of the child: %s", en(prlimit(c, RLIMIT_NOFILE, NULL, &cr)));
	printf(", soft %lu\n", (unsigned long)cr.rlim_cur);
	struct rlimit nr = cr;
	nr.rlim_cur = 300;
	printf("prlimit set on the child: %s\n", en(prlimit(c, RLIMIT_NOFILE, &nr, NULL)));
	b = 1;
	write(q[1], &b, 1);
	read(p[0], &b, 1);
	printf("the child sees it: %s\n", b ? "yes" : "no");
	waitpid(c, NULL, 0);
	pthread_create(&t, NULL, sleeper, NULL);
	while (!__atomic_load_n(&thread_tid, __ATOMIC_SEQ_CST))
		usleep(1000);
	nr.rlim_cur = 400;
	printf("prlimit by a thread's tid: %s", en(prlimit(thread_tid, RLIMIT_NOFILE, &nr, NULL)));
	getrlimit(RLIMIT_NOFILE, &r);
	printf(", ours is now %lu\n", (unsigned long)r.rlim_cur);
	__atomic_store_n(&thread_go, 1, __ATOMIC_SEQ_CST);
	pthread_join(t, NULL);

	/* 4 */
	r.rlim_cur = r.rlim_max;
	r.rlim_max = r.rlim_cur - 1;
	printf("soft above hard: %s\n", en(setrlimit(RLIMIT_NOFILE, &r)));
	printf("resource 99: %s\n", en(prlimit(0, 99, NULL, &r)));
	r.rlim_cur = r.rlim_max = (1 << 20) + 1;
	printf("RLIMIT_NOFILE past nr_open: %s\n", en(setrlimit(RLIMIT_NOFILE, &r)));
	printf("a dead pid: %s\n", en(prlimit(c, RLIMIT_NOFILE, NULL, &r)));
	setrlimit(RLIMIT_NOFILE, &orig);
	return 0;
}
