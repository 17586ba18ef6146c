/* tty_jobs: a tiny job-control shell on its terminal.
 *
 * Run with a terminal as stdin, stdout and stderr, as the session leader
 * with the terminal as its controlling terminal. Like a shell it ignores
 * SIGTTOU (so it may take the terminal back from the background). It
 * checks tcsetpgrp's errors, then runs jobs, each a child in a process
 * group of its own, and reports what waitpid(WUNTRACED) says of them:
 *
 *  1. A foreground job that reads the terminal. It prints "job reading";
 *     then the test types Ctrl-Z, which stops it (SIGTSTP). The shell
 *     takes the terminal back and continues the job in the background,
 *     where its read stops it again (SIGTTIN); then kills it.
 *  2. With TOSTOP set, a background job that writes: stopped by SIGTTOU.
 *     Without TOSTOP, a background write goes through. A background
 *     tcsetpgrp not ignoring SIGTTOU: stopped by SIGTTOU.
 *  3. A background read with SIGTTIN ignored fails with EIO.
 *  4. In a new session (setsid), the terminal is no longer the caller's:
 *     tcgetpgrp is ENOTTY, and TIOCSCTTY is EPERM, since the terminal
 *     belongs to the shell's session.
 *  5. TIOCNOTTY in a process that does not lead the session: the process
 *     gives up its terminal (tcgetpgrp then is ENOTTY), and so does a child
 *     it forks afterwards; the shell keeps it.
 *
 * Every line is written with write(2). The test compares the output, with
 * the terminal's "^Z" echo left out, with the expected output below, which
 * is what Linux 6.18 gives natively (the program built with the host's
 * gcc). qemu-riscv64 differs: it stops its guests with SIGSTOP whatever
 * the stop signal was.
 *
 * Expected output:
 *   fg: yes
 *   sid: yes
 *   tcsetpgrp(-1): EINVAL
 *   tcsetpgrp(no such group): ESRCH
 *   job: foreground yes
 *   job reading
 *   job stopped by SIGTSTP
 *   shell takes the terminal: ok
 *   foreground: shell
 *   job stopped by SIGTTIN
 *   job killed by SIGKILL
 *   writer stopped by SIGTTOU
 *   writer killed by SIGKILL
 *   background write without TOSTOP
 *   writer exited 0
 *   setter stopped by SIGTTOU
 *   setter killed by SIGKILL
 *   reader: EIO
 *   reader exited 0
 *   new session: tcgetpgrp ENOTTY, TIOCSCTTY EPERM
 *   session exited 0
 *   TIOCNOTTY: ok, then tcgetpgrp ENOTTY
 *   its child: tcgetpgrp ENOTTY
 *   notty exited 0
 *   shell still foreground: yes
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void say(const char *fmt, ...)
{
	char b[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b, sizeof b - 1, fmt, ap);
	va_end(ap);
	b[n++] = '\n';
	write(1, b, n);
}

static const char *errname(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case ESRCH: return "ESRCH";
	case EPERM: return "EPERM";
	case ENOTTY: return "ENOTTY";
	case EIO: return "EIO";
	case EINTR: return "EINTR";
	}
	return "other error";
}

static const char *signame(int s)
{
	switch (s) {
	case SIGTSTP: return "SIGTSTP";
	case SIGTTIN: return "SIGTTIN";
	case SIGTTOU: return "SIGTTOU";
	case SIGSTOP: return "SIGSTOP";
	case SIGKILL: return "SIGKILL";
	case SIGINT: return "SIGINT";
	case SIGHUP: return "SIGHUP";
	}
	return "another signal";
}

/* report waits for job c and says what became of it. */
static void report(const char *what, pid_t c)
{
	int st;
	if (waitpid(c, &st, WUNTRACED) != c)
		say("%s: waitpid failed", what);
	else if (WIFSTOPPED(st))
		say("%s stopped by %s", what, signame(WSTOPSIG(st)));
	else if (WIFSIGNALED(st))
		say("%s killed by %s", what, signame(WTERMSIG(st)));
	else
		say("%s exited %d", what, WEXITSTATUS(st));
}

static void set_tostop(int on)
{
	struct termios t;
	tcgetattr(0, &t);
	if (on)
		t.c_lflag |= TOSTOP;
	else
		t.c_lflag &= ~TOSTOP;
	tcsetattr(0, TCSANOW, &t);
}

int main(void)
{
	signal(SIGTTOU, SIG_IGN);
	say("fg: %s", tcgetpgrp(0) == getpgrp() ? "yes" : "no");
	say("sid: %s", tcgetsid(0) == getsid(0) ? "yes" : "no");
	say("tcsetpgrp(-1): %s", tcsetpgrp(0, -1) == 0 ? "ok" : errname(errno));
	say("tcsetpgrp(no such group): %s", tcsetpgrp(0, 4194000) == 0 ? "ok" : errname(errno));

	/* 1: a foreground job stopped by Ctrl-Z, then by a background read. */
	int p[2];
	pipe(p);
	pid_t c = fork();
	if (c == 0) {
		signal(SIGTTOU, SIG_DFL);
		setpgid(0, 0);
		char x, buf[64];
		read(p[0], &x, 1); /* the shell has made us the foreground */
		say("job: foreground %s", tcgetpgrp(0) == getpgrp() ? "yes" : "no");
		say("job reading");
		ssize_t n = read(0, buf, sizeof buf);
		say("job read %zd", n);
		_exit(0);
	}
	setpgid(c, c);
	tcsetpgrp(0, c);
	write(p[1], "x", 1);
	report("job", c);
	say("shell takes the terminal: %s", tcsetpgrp(0, getpgrp()) == 0 ? "ok" : errname(errno));
	say("foreground: %s", tcgetpgrp(0) == getpgrp() ? "shell" : "other");
	kill(-c, SIGCONT);
	report("job", c);
	kill(-c, SIGKILL);
	report("job", c);

	/* 2: background writes, with and without TOSTOP. */
	set_tostop(1);
	c = fork();
	if (c == 0) {
		signal(SIGTTOU, SIG_DFL);
		setpgid(0, 0);
		say("background write with TOSTOP");
		_exit(0);
	}
	report("writer", c);
	kill(-c, SIGKILL);
	report("writer", c);
	set_tostop(0);
	c = fork();
	if (c == 0) {
		signal(SIGTTOU, SIG_DFL);
		setpgid(0, 0);
		say("background write without TOSTOP");
		_exit(0);
	}
	report("writer", c);
	c = fork();
	if (c == 0) {
		signal(SIGTTOU, SIG_DFL);
		setpgid(0, 0);
		tcsetpgrp(0, getpgrp());
		say("tcsetpgrp from the background went through");
		_exit(0);
	}
	report("setter", c);
	kill(-c, SIGKILL);
	report("setter", c);

	/* 3: a background read ignoring SIGTTIN. */
	c = fork();
	if (c == 0) {
		setpgid(0, 0);
		signal(SIGTTIN, SIG_IGN);
		char buf[8];
		say("reader: %s", read(0, buf, sizeof buf) < 0 ? errname(errno) : "read");
		_exit(0);
	}
	report("reader", c);

	/* 4: a new session has no controlling terminal. */
	c = fork();
	if (c == 0) {
		setsid();
		int e1 = tcgetpgrp(0) < 0 ? errno : 0;
		int e2 = ioctl(0, TIOCSCTTY, 0) < 0 ? errno : 0;
		say("new session: tcgetpgrp %s, TIOCSCTTY %s", e1 ? errname(e1) : "ok", e2 ? errname(e2) : "ok");
		_exit(0);
	}
	report("session", c);

	/* 5: TIOCNOTTY in a process that does not lead the session. */
	c = fork();
	if (c == 0) {
		int r = ioctl(0, TIOCNOTTY);
		int e = tcgetpgrp(0) < 0 ? errno : 0;
		say("TIOCNOTTY: %s, then tcgetpgrp %s", r == 0 ? "ok" : errname(errno), e ? errname(e) : "ok");
		/* A child made after that has no terminal either: the
		 * controlling terminal is the process's, copied by fork. */
		pid_t g = fork();
		if (g == 0) {
			int ge = tcgetpgrp(0) < 0 ? errno : 0;
			say("its child: tcgetpgrp %s", ge ? errname(ge) : "ok");
			_exit(0);
		}
		waitpid(g, NULL, 0);
		_exit(0);
	}
	report("notty", c);
	say("shell still foreground: %s", tcgetpgrp(0) == getpgrp() ? "yes" : "no");
	return 0;
}
