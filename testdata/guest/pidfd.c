/*
 * pidfd.c — descriptors that name processes: pidfd_open, clone's
 * CLONE_PIDFD, waitid(P_PIDFD) and pidfd_send_signal.
 *
 * Expected output (Linux):
 *   pidfd_open: ok, close-on-exec: yes
 *   waitid P_PIDFD: pid matches: yes, code CLD_EXITED, status 9
 *   clone CLONE_PIDFD: child returned 0 and got a pidfd: yes
 *   waitid P_PIDFD: pid matches: yes, code CLD_EXITED, status 4
 *   pidfd_send_signal SIGKILL: 0
 *   waitid P_PIDFD: pid matches: yes, code CLD_KILLED, status 9
 *   pidfd_send_signal after reaping: -1 ESRCH
 *   pidfd_open of a missing pid: -1 ESRCH
 *   pidfd_open with bad flags: -1 EINVAL
 *   waitid P_PIDFD of a non-child: -1 ECHILD
 *   waitid P_PIDFD of a plain file: -1 EBADF
 * qemu-riscv64 7.2 does not pass CLONE_PIDFD through, so compare with the
 * lines above, not with qemu. Exit status 0. Arguments: none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int e)
{
	switch (e) {
	case ESRCH: return "ESRCH";
	case EINVAL: return "EINVAL";
	case ECHILD: return "ECHILD";
	case EBADF: return "EBADF";
	default: return "other";
	}
}

static const char *cname(int c)
{
	switch (c) {
	case CLD_EXITED: return "CLD_EXITED";
	case CLD_KILLED: return "CLD_KILLED";
	case CLD_DUMPED: return "CLD_DUMPED";
	default: return "other";
	}
}

static int pidfd_open(pid_t pid, unsigned flags) { return syscall(SYS_pidfd_open, pid, flags); }

static void wait_pidfd(int fd, pid_t pid)
{
	siginfo_t si;
	memset(&si, 0, sizeof si);
	if (waitid(P_PIDFD, fd, &si, WEXITED) < 0) {
		printf("waitid P_PIDFD: -1 %s\n", ename(errno));
		return;
	}
	printf("waitid P_PIDFD: pid matches: %s, code %s, status %d\n",
	       si.si_pid == pid ? "yes" : "no", cname(si.si_code), si.si_status);
}

int main(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
		_exit(9);
	}
	int fd = pidfd_open(pid, 0);
	printf("pidfd_open: %s, close-on-exec: %s\n", fd >= 0 ? "ok" : ename(errno),
	       fcntl(fd, F_GETFD) & FD_CLOEXEC ? "yes" : "no");
	wait_pidfd(fd, pid);
	close(fd);

	int cfd = -1;
	pid = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &cfd, 0, 0);
	if (pid == 0)
		_exit(4);
	printf("clone CLONE_PIDFD: child returned 0 and got a pidfd: %s\n", pid > 0 && cfd >= 0 ? "yes" : "no");
	wait_pidfd(cfd, pid);
	close(cfd);

	pid = fork();
	if (pid == 0) {
		struct timespec ts = {100, 0};
		nanosleep(&ts, NULL);
		_exit(1);
	}
	fd = pidfd_open(pid, 0);
	printf("pidfd_send_signal SIGKILL: %ld\n", syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0));
	wait_pidfd(fd, pid);
	long r = syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0);
	printf("pidfd_send_signal after reaping: %ld %s\n", r, r < 0 ? ename(errno) : "");
	close(fd);

	r = pidfd_open(999999, 0);
	printf("pidfd_open of a missing pid: %ld %s\n", r, r < 0 ? ename(errno) : "");
	r = pidfd_open(getpid(), 12345);
	printf("pidfd_open with bad flags: %ld %s\n", r, r < 0 ? ename(errno) : "");
	fd = pidfd_open(getpid(), 0);
	siginfo_t si;
	r = waitid(P_PIDFD, fd, &si, WEXITED);
	printf("waitid P_PIDFD of a non-child: %ld %s\n", r, r < 0 ? ename(errno) : "");
	int plain = open("/", O_RDONLY);
	r = waitid(P_PIDFD, plain, &si, WEXITED);
	printf("waitid P_PIDFD of a plain file: %ld %s\n", r, r < 0 ? ename(errno) : "");
	return 0;
}
