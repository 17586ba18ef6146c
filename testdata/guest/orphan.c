/*
 * orphan.c — an orphan is reparented to the nearest child subreaper.
 *
 * The top process reads PR_GET_CHILD_SUBREAPER (0), sets
 * prctl(PR_SET_CHILD_SUBREAPER, 1) and reads it back (1). It forks a child
 * that forks a grandchild and _exits(11) at once. The grandchild polls
 * getppid() (sched_yield and usleep(1000), at most 5000 times) until it is
 * no longer the child's pid, then exits
 *   42  its parent is now the top (the subreaper)
 *   43  its parent changed, but to some other process
 *   44  its parent never changed within the bound
 * The top waits for the child (status 11); then wait(-1), which, being the
 * subreaper, it may use for the grandchild: it returns a pid other than the
 * child's, status 42. Then wait gives -1 ECHILD. Only the top prints, after
 * each wait; no pid is printed. Exits 0. Arguments: none.
 *
 * Expected output (Linux):
 *   PR_GET_CHILD_SUBREAPER before: returns 0, value 0
 *   PR_SET_CHILD_SUBREAPER 1: returns 0
 *   PR_GET_CHILD_SUBREAPER after: returns 0, value 1
 *   child: waitpid returns it: yes
 *   child: exited 11
 *   grandchild: wait returns another process: yes
 *   grandchild (42 means reparented to the subreaper): exited 42
 *   wait with no children left: -1 ECHILD
 * qemu-riscv64 7.2 is wrong here: it fails both prctl options with EINVAL
 * (it does not pass them to the host), so the grandchild goes to init (or
 * a subreaper further up) and the top's wait(-1) gives ECHILD. Compare
 * with the lines above, not with qemu.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *yesno(int b) { return b ? "yes" : "no"; }

static void status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: status %#x\n", what, st);
}

static void grandchild(pid_t top, pid_t parent)
{
	for (int i = 0; i < 5000; i++) {
		pid_t pp = getppid();
		if (pp != parent)
			_exit(pp == top ? 42 : 43);
		sched_yield();
		usleep(1000);
	}
	_exit(44);
}

int main(void)
{
	int v = -1;
	int r = prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0);
	printf("PR_GET_CHILD_SUBREAPER before: returns %d, value %d\n", r, v);
	r = prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	printf("PR_SET_CHILD_SUBREAPER 1: returns %d\n", r);
	v = -1;
	r = prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0);
	printf("PR_GET_CHILD_SUBREAPER after: returns %d, value %d\n", r, v);

	pid_t top = getpid();
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		pid_t me = getpid();
		if (fork() == 0)
			grandchild(top, me);
		_exit(11);
	}

	int st;
	int got = waitpid(child, &st, 0) == child;
	printf("child: waitpid returns it: %s\n", yesno(got));
	status("child", st);

	pid_t g = wait(&st);
	printf("grandchild: wait returns another process: %s\n", yesno(g > 0 && g != child));
	if (g > 0)
		status("grandchild (42 means reparented to the subreaper)", st);
	else
		printf("grandchild: wait failed, %s\n", errno == ECHILD ? "ECHILD" : "other");

	errno = 0;
	r = wait(NULL);
	printf("wait with no children left: %d %s\n", r, errno == ECHILD ? "ECHILD" : "other");
	return 0;
}
