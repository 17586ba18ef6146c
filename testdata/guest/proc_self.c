/*
 * proc_self.c — what /proc says of the caller, its threads and its
 * children, field by field where qemu-riscv64 cannot say it (qemu shows the
 * host's qemu process, or a stat of zeros, for /proc/self).
 *
 * Usage: proc_self — no arguments. Exits 0; 1 when a call fails. (What
 * another user may read is checked by internal/procfs's tests: vessel has
 * no setuid yet.)
 *   1. status: Name (set with PR_SET_NAME), State, Tgid, Pid, PPid, Uid,
 *      Threads, and the blocked, ignored and caught signal sets.
 *   2. stat: state, ppid, pgrp, session, priority and nice after
 *      setpriority(5), threads, policy, exit signal; vsize is statm's size
 *      in bytes; statm's size is the sum of the maps.
 *   3. With a second thread: Threads 2 in status and stat; task/ lists both
 *      tids; /proc/thread-self seen from the thread is PID/task/TID; the
 *      thread's stat and status name it (exit signal -1), /proc/TID finds
 *      it though /proc does not list it; writing task/TID/comm renames the
 *      thread only; the thread sleeping in read shows state S.
 *   4. Writing /proc/self/comm renames the caller (PR_GET_NAME agrees);
 *      writing a child's comm is EINVAL (another process's).
 *   5. limits after setrlimit(RLIMIT_NOFILE, 100, 200).
 *   6. wchan of children sleeping in nanosleep, in wait and stopped.
 *   7. /proc/self and /proc/mounts are links to PID and self/mounts;
 *      mountinfo has /proc of type proc; cgroup is in the v2 hierarchy;
 *      osrelease is uname's release.
 *
 * Expected output (Linux):
 *   status Name: procself
 *   status State: R (running)
 *   status Tgid, Pid and PPid are the caller's: yes
 *   status Uid: 0 0 0 0
 *   status Threads: 1
 *   SigBlk has SIGUSR1: yes, SigIgn has SIGUSR2: yes, SigCgt has SIGTERM: yes
 *   stat state R, ids match: yes
 *   stat priority 25 nice 5 threads 1 policy 0 exit signal 17
 *   stat vsize is statm's size: yes, rss and resident are not zero: yes
 *   statm size is the sum of the maps: yes
 *   with a thread: status Threads 2, stat threads 2
 *   task lists the caller and the thread: yes
 *   thread-self from the thread is PID/task/TID: yes
 *   thread's stat: its tid: yes, exit signal -1
 *   thread's status Tgid is the pid and Pid the tid: yes
 *   /proc/TID found: yes, listed in /proc: no
 *   thread's comm after the write: worker
 *   caller's comm unchanged: procself
 *   thread blocked in read: state S: yes
 *   comm after writing /proc/self/comm: renamed, PR_GET_NAME: renamed
 *   writing a child's comm: EINVAL
 *   Max open files            100                  200                  files     
 *   wchan in nanosleep: hrtimer_nanosleep
 *   wchan in wait: do_wait
 *   wchan stopped: do_signal_stop
 *   /proc/self is the pid: yes, /proc/mounts -> self/mounts
 *   mountinfo has /proc of type proc: yes
 *   cgroup has a v2 line: yes
 *   osrelease is uname's release: yes
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *yesno(int b) { return b ? "yes" : "no"; }

static const char *errname(int e)
{
	switch (e) {
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case 0: return "no error";
	}
	return "other";
}

/* slurp reads a whole file into buf; -1 with errno set on failure. */
static ssize_t slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	size_t got = 0;
	ssize_t n;
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	return got;
}

/* field returns the value of "Key:\t..." in a status text, in out. */
static int field(const char *text, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, key, kl) == 0 && p[kl] == ':') {
			const char *v = p + kl + 1;
			while (*v == '\t' || *v == ' ')
				v++;
			size_t n = strcspn(v, "\n");
			if (n >= len)
				n = len - 1;
			memcpy(out, v, n);
			out[n] = 0;
			return 0;
		}
	}
	return -1;
}

/* statFields splits /proc/PATH/stat after the name: f[0] is field 3 (the
 * state, as a number of its letter), f[i] field i+3. */
static int statFields(const char *path, long long *f, int max)
{
	char buf[2048];
	if (slurp(path, buf, sizeof buf) < 0)
		return -1;
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	p += 2;
	f[0] = *p;
	p++;
	int i = 1;
	while (i < max && *p) {
		char *end;
		f[i++] = strtoll(p, &end, 10);
		if (end == p)
			break;
		p = end;
	}
	return i;
}

static int tidPipe[2], holdPipe[2];
static volatile int selfOK;

static void *thread(void *arg)
{
	(void)arg;
	pid_t tid = syscall(SYS_gettid);
	char want[64], got[64];
	snprintf(want, sizeof want, "%d/task/%d", getpid(), tid);
	ssize_t n = readlink("/proc/thread-self", got, sizeof got - 1);
	got[n < 0 ? 0 : n] = 0;
	selfOK = strcmp(want, got) == 0;
	write(tidPipe[1], &tid, sizeof tid);
	char x;
	read(holdPipe[0], &x, 1);
	return NULL;
}

static void onTerm(int sig) { (void)sig; }

/* wchanOf waits for child c to leave state R, then returns its wchan. */
static void wchanOf(pid_t c, char *out, size_t len)
{
	char path[64];
	long long f[4];
	snprintf(path, sizeof path, "/proc/%d/stat", c);
	for (int i = 0; i < 100000; i++) {
		if (statFields(path, f, 2) > 0 && f[0] != 'R')
			break;
		usleep(1000);
	}
	snprintf(path, sizeof path, "/proc/%d/wchan", c);
	if (slurp(path, out, len) < 0)
		snprintf(out, len, "?");
}

int main(void)
{
	char buf[8192], v[256], path[128];
	long long f[64];

	/* 1. status */
	prctl(PR_SET_NAME, "procself");
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGUSR2, SIG_IGN);
	signal(SIGTERM, onTerm);
	if (slurp("/proc/self/status", buf, sizeof buf) < 0)
		return 1;
	field(buf, "Name", v, sizeof v);
	printf("status Name: %s\n", v);
	field(buf, "State", v, sizeof v);
	printf("status State: %s\n", v);
	char t1[32], t2[32], t3[32];
	field(buf, "Tgid", t1, sizeof t1);
	field(buf, "Pid", t2, sizeof t2);
	field(buf, "PPid", t3, sizeof t3);
	printf("status Tgid, Pid and PPid are the caller's: %s\n",
	       yesno(atoi(t1) == getpid() && atoi(t2) == getpid() && atoi(t3) == getppid()));
	field(buf, "Uid", v, sizeof v);
	for (char *p = v; *p; p++)
		if (*p == '\t')
			*p = ' ';
	printf("status Uid: %s\n", v);
	field(buf, "Threads", v, sizeof v);
	printf("status Threads: %s\n", v);
	unsigned long long blk = 0, ign = 0, cgt = 0;
	field(buf, "SigBlk", v, sizeof v);
	blk = strtoull(v, NULL, 16);
	field(buf, "SigIgn", v, sizeof v);
	ign = strtoull(v, NULL, 16);
	field(buf, "SigCgt", v, sizeof v);
	cgt = strtoull(v, NULL, 16);
	printf("SigBlk has SIGUSR1: %s, SigIgn has SIGUSR2: %s, SigCgt has SIGTERM: %s\n",
	       yesno(blk >> (SIGUSR1 - 1) & 1), yesno(ign >> (SIGUSR2 - 1) & 1), yesno(cgt >> (SIGTERM - 1) & 1));

	/* 2. stat, statm, maps */
	setpriority(PRIO_PROCESS, 0, 5);
	if (statFields("/proc/self/stat", f, 52) < 50)
		return 1;
	/* f[i] is field i+3: ppid 4, pgrp 5, session 6, priority 18, nice 19,
	 * num_threads 20, vsize 23, rss 24, exit_signal 38, policy 41. */
	printf("stat state %c, ids match: %s\n", (char)f[0],
	       yesno(f[1] == getppid() && f[2] == getpgrp() && f[3] == getsid(0)));
	printf("stat priority %lld nice %lld threads %lld policy %lld exit signal %lld\n", f[15], f[16], f[17], f[38], f[35]);
	long long sm[7];
	long pg = sysconf(_SC_PAGESIZE);
	if (statFields("/proc/self/stat", f, 52) < 50 || slurp("/proc/self/statm", buf, sizeof buf) < 0 ||
	    sscanf(buf, "%lld %lld %lld %lld %lld %lld %lld", &sm[0], &sm[1], &sm[2], &sm[3], &sm[4], &sm[5], &sm[6]) != 7)
		return 1;
	printf("stat vsize is statm's size: %s, rss and resident are not zero: %s\n", yesno(f[20] == sm[0] * pg),
	       yesno(f[21] > 0 && sm[1] > 0));
	FILE *m = fopen("/proc/self/maps", "r");
	unsigned long long total = 0, lo, hi;
	char line[1024];
	while (m && fgets(line, sizeof line, m))
		if (sscanf(line, "%llx-%llx", &lo, &hi) == 2 && !strstr(line, "[vsyscall]"))
			total += hi - lo; /* x86's vsyscall page is not in total_vm; riscv64 has none */
	if (m)
		fclose(m);
	if (slurp("/proc/self/statm", buf, sizeof buf) < 0)
		return 1;
	sscanf(buf, "%lld", &sm[0]);
	printf("statm size is the sum of the maps: %s\n", yesno(total == (unsigned long long)sm[0] * pg));

	/* 3. a second thread */
	if (pipe(tidPipe) != 0 || pipe(holdPipe) != 0)
		return 1;
	pthread_t th;
	if (pthread_create(&th, NULL, thread, NULL) != 0)
		return 1;
	pid_t tid;
	if (read(tidPipe[0], &tid, sizeof tid) != sizeof tid)
		return 1;
	slurp("/proc/self/status", buf, sizeof buf);
	field(buf, "Threads", v, sizeof v);
	statFields("/proc/self/stat", f, 52);
	printf("with a thread: status Threads %s, stat threads %lld\n", v, f[17]);
	int main_seen = 0, thr_seen = 0, others = 0;
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		int id = atoi(e->d_name);
		if (id == getpid())
			main_seen = 1;
		else if (id == tid)
			thr_seen = 1;
		else
			others++;
	}
	if (d)
		closedir(d);
	printf("task lists the caller and the thread: %s\n", yesno(main_seen && thr_seen && !others));
	printf("thread-self from the thread is PID/task/TID: %s\n", yesno(selfOK));
	snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
	statFields(path, f, 52);
	slurp(path, buf, sizeof buf);
	printf("thread's stat: its tid: %s, exit signal %lld\n", yesno(atoi(buf) == tid), f[35]);
	snprintf(path, sizeof path, "/proc/self/task/%d/status", tid);
	slurp(path, buf, sizeof buf);
	field(buf, "Tgid", t1, sizeof t1);
	field(buf, "Pid", t2, sizeof t2);
	printf("thread's status Tgid is the pid and Pid the tid: %s\n", yesno(atoi(t1) == getpid() && atoi(t2) == tid));
	snprintf(path, sizeof path, "/proc/%d/status", tid);
	int found = slurp(path, buf, sizeof buf) >= 0;
	int listed = 0;
	d = opendir("/proc");
	while (d && (e = readdir(d)) != NULL)
		if (atoi(e->d_name) == tid)
			listed = 1;
	if (d)
		closedir(d);
	field(buf, "Pid", t2, sizeof t2);
	printf("/proc/TID found: %s, listed in /proc: %s\n", yesno(found && atoi(t2) == tid), yesno(listed));
	snprintf(path, sizeof path, "/proc/self/task/%d/comm", tid);
	int cfd = open(path, O_WRONLY);
	if (cfd < 0 || write(cfd, "worker", 6) != 6)
		return 1;
	close(cfd);
	slurp(path, buf, sizeof buf);
	printf("thread's comm after the write: %s", buf);
	slurp("/proc/self/comm", buf, sizeof buf);
	printf("caller's comm unchanged: %s", buf);
	snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
	int sleeping = 0;
	for (int i = 0; i < 100000 && !sleeping; i++) {
		if (statFields(path, f, 2) > 0 && f[0] == 'S')
			sleeping = 1;
		else
			usleep(1000);
	}
	printf("thread blocked in read: state S: %s\n", yesno(sleeping));
	write(holdPipe[1], "x", 1);
	pthread_join(th, NULL);

	/* 4. comm */
	cfd = open("/proc/self/comm", O_WRONLY | O_TRUNC);
	if (cfd < 0 || write(cfd, "renamed", 7) != 7)
		return 1;
	close(cfd);
	slurp("/proc/self/comm", buf, sizeof buf);
	buf[strcspn(buf, "\n")] = 0;
	char name[16] = {0};
	prctl(PR_GET_NAME, name);
	printf("comm after writing /proc/self/comm: %s, PR_GET_NAME: %s\n", buf, name);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		pause();
		_exit(0);
	}
	snprintf(path, sizeof path, "/proc/%d/comm", c);
	cfd = open(path, O_WRONLY);
	errno = 0;
	ssize_t wn = cfd >= 0 ? write(cfd, "x", 1) : -1;
	printf("writing a child's comm: %s\n", wn < 0 ? errname(errno) : "written");
	if (cfd >= 0)
		close(cfd);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);

	/* 5. limits */
	struct rlimit rl = {100, 200};
	setrlimit(RLIMIT_NOFILE, &rl);
	FILE *lf = fopen("/proc/self/limits", "r");
	while (lf && fgets(line, sizeof line, lf))
		if (strncmp(line, "Max open files", 14) == 0)
			printf("%s", line);
	if (lf)
		fclose(lf);

	/* 6. wchan */
	fflush(stdout);
	c = fork();
	if (c == 0) {
		struct timespec ts = {100, 0};
		nanosleep(&ts, NULL);
		_exit(0);
	}
	wchanOf(c, v, sizeof v);
	printf("wchan in nanosleep: %s\n", v);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		setpgid(0, 0); /* so that killing the group ends the grandchild too */
		pid_t g = fork();
		if (g == 0) {
			pause();
			_exit(0);
		}
		waitpid(g, NULL, 0);
		_exit(0);
	}
	wchanOf(c, v, sizeof v);
	printf("wchan in wait: %s\n", v);
	kill(-c, SIGKILL);
	waitpid(c, NULL, 0);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		raise(SIGSTOP);
		_exit(0);
	}
	waitpid(c, NULL, WUNTRACED);
	wchanOf(c, v, sizeof v);
	printf("wchan stopped: %s\n", v);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);

	/* 7. links, mounts, cgroup, release */
	char link[64];
	ssize_t ln = readlink("/proc/self", link, sizeof link - 1);
	link[ln < 0 ? 0 : ln] = 0;
	printf("/proc/self is the pid: %s, ", yesno(atoi(link) == getpid()));
	ln = readlink("/proc/mounts", link, sizeof link - 1);
	link[ln < 0 ? 0 : ln] = 0;
	printf("/proc/mounts -> %s\n", link);
	int procMount = 0;
	FILE *mi = fopen("/proc/self/mountinfo", "r");
	while (mi && fgets(line, sizeof line, mi)) {
		char point[256], type[64];
		char *dash = strstr(line, " - ");
		if (dash && sscanf(line, "%*d %*d %*s %*s %255s", point) == 1 && sscanf(dash + 3, "%63s", type) == 1 &&
		    strcmp(point, "/proc") == 0 && strcmp(type, "proc") == 0)
			procMount = 1;
	}
	if (mi)
		fclose(mi);
	printf("mountinfo has /proc of type proc: %s\n", yesno(procMount));
	slurp("/proc/self/cgroup", buf, sizeof buf);
	printf("cgroup has a v2 line: %s\n", yesno(strncmp(buf, "0::/", 4) == 0 || strstr(buf, "\n0::/") != NULL));
	struct utsname u;
	uname(&u);
	slurp("/proc/sys/kernel/osrelease", buf, sizeof buf);
	buf[strcspn(buf, "\n")] = 0;
	printf("osrelease is uname's release: %s\n", yesno(strcmp(buf, u.release) == 0));
	return 0;
}
