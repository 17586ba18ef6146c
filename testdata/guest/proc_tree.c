/*
 * proc_tree.c — /proc/PID of the caller's children as they change state:
 * stopped (T), sleeping (S), zombie (Z), reaped (gone), and the ids
 * /proc/PID/stat reports (ppid, process group, session).
 *
 * Usage: proc_tree — no arguments. Exits 0; 1 when a step fails.
 *   1. A child stops itself with SIGSTOP; once waitpid(WUNTRACED) says so,
 *      /proc/CHILD/stat shows state T with ppid == getpid(), and
 *      /proc/CHILD/status says "State:\tT (stopped)" with the same PPid.
 *   2. A child blocks reading an empty pipe; /proc/CHILD/stat comes to
 *      show S (the parent re-reads it until it does); SIGKILL ends it.
 *   3. A child exits with status 3; waitid(WEXITED|WNOWAIT) returns once it
 *      is a zombie: /proc/CHILD/stat shows Z. /proc/CHILD/stat, opened
 *      then, reads ESRCH once waitpid has reaped the child, and opening
 *      /proc/CHILD/stat again gives ENOENT.
 *   4. A child that made itself a process group leader (setpgid(0, 0))
 *      shows pgrp == its pid and the parent's session.
 *   5. Listing /proc finds the caller's pid and a live child's, as
 *      directories.
 * Prints states, yes/no answers and errno names only.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *yesno(int b) { return b ? "yes" : "no"; }

static const char *errname(int e)
{
	switch (e) {
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EACCES: return "EACCES";
	case 0: return "no error";
	}
	return "other";
}

/* procStat reads /proc/PID/stat: the state letter, ppid, pgrp and session
 * that follow the parenthesised name. */
static int procStat(pid_t pid, char *state, int *ppid, int *pgrp, int *sid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c %d %d %d", state, ppid, pgrp, sid) != 4)
		return -1;
	return 0;
}

/* statusLine returns the line of /proc/PID/status that starts with key. */
static int statusLine(pid_t pid, const char *key, char *out, size_t len)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int found = -1;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, key, strlen(key)) == 0) {
			line[strcspn(line, "\n")] = 0;
			snprintf(out, len, "%s", line);
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}

int main(void)
{
	char st;
	int ppid, pgrp, sid;
	char line[256];
	int status;

	/* 1. stopped */
	pid_t c = fork();
	if (c == 0) {
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(c, &status, WUNTRACED) != c || !WIFSTOPPED(status))
		return 1;
	if (procStat(c, &st, &ppid, &pgrp, &sid) != 0)
		return 1;
	printf("stopped child: state %c, ppid is the parent: %s\n", st, yesno(ppid == getpid()));
	if (statusLine(c, "State:", line, sizeof line) == 0)
		printf("stopped child status: %s\n", line);
	char want[64];
	snprintf(want, sizeof want, "PPid:\t%d", getpid());
	printf("stopped child status PPid is the parent: %s\n",
	       yesno(statusLine(c, "PPid:", line, sizeof line) == 0 && strcmp(line, want) == 0));
	kill(c, SIGCONT);
	if (waitpid(c, &status, 0) != c)
		return 1;
	printf("continued child exited %d\n", WEXITSTATUS(status));

	/* 2. sleeping */
	int p[2];
	if (pipe(p) != 0)
		return 1;
	c = fork();
	if (c == 0) {
		char x;
		close(p[1]);
		read(p[0], &x, 1);
		_exit(0);
	}
	int seen = 0;
	for (int i = 0; i < 100000 && !seen; i++) {
		if (procStat(c, &st, &ppid, &pgrp, &sid) == 0 && st == 'S')
			seen = 1;
		else
			usleep(1000);
	}
	printf("child blocked in read: state S: %s\n", yesno(seen));
	kill(c, SIGKILL);
	waitpid(c, &status, 0);
	printf("killed child: signal %d\n", WTERMSIG(status));
	close(p[0]);
	close(p[1]);

	/* 3. zombie, then reaped */
	c = fork();
	if (c == 0)
		_exit(3);
	siginfo_t si;
	if (waitid(P_PID, c, &si, WEXITED | WNOWAIT) != 0)
		return 1;
	if (procStat(c, &st, &ppid, &pgrp, &sid) != 0)
		return 1;
	printf("exited child before wait: state %c, ppid is the parent: %s\n", st, yesno(ppid == getpid()));
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/stat", c);
	int zfd = open(path, O_RDONLY);
	if (zfd < 0)
		return 1;
	if (waitpid(c, &status, 0) != c)
		return 1;
	printf("reaped child exited %d\n", WEXITSTATUS(status));
	char buf[512];
	errno = 0;
	ssize_t n = read(zfd, buf, sizeof buf);
	printf("reading its stat opened before: %s\n", n < 0 ? errname(errno) : "read");
	close(zfd);
	errno = 0;
	int fd = open(path, O_RDONLY);
	printf("opening /proc/CHILD/stat after the reap: %s\n", fd < 0 ? errname(errno) : "opened");
	if (fd >= 0)
		close(fd);

	/* 4. a process group of its own */
	if (pipe(p) != 0)
		return 1;
	c = fork();
	if (c == 0) {
		char x;
		setpgid(0, 0);
		close(p[1]);
		read(p[0], &x, 1);
		_exit(0);
	}
	int ok = 0;
	for (int i = 0; i < 100000 && !ok; i++) {
		if (procStat(c, &st, &ppid, &pgrp, &sid) == 0 && pgrp == c)
			ok = 1;
		else
			usleep(1000);
	}
	printf("group leader child: pgrp is its pid: %s, session is the parent's: %s\n", yesno(ok), yesno(sid == getsid(0)));

	/* 5. /proc lists the caller and the live child */
	int self = 0, child = 0;
	DIR *d = opendir("/proc");
	if (!d)
		return 1;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (atoi(e->d_name) == getpid() && e->d_type == DT_DIR)
			self = 1;
		if (atoi(e->d_name) == c && e->d_type == DT_DIR)
			child = 1;
	}
	closedir(d);
	printf("/proc lists the caller: %s, the child: %s\n", yesno(self), yesno(child));
	close(p[1]);
	close(p[0]);
	waitpid(c, &status, 0);
	printf("done\n");
	return 0;
}
