/* tty_line: a program reading its terminal in canonical mode.
 *
 * Run with a terminal (a pseudo-terminal the test made) as stdin, stdout
 * and stderr, as the session leader with the terminal as its controlling
 * terminal. It prints, one line each (written with write(2), so they are
 * never mixed with echo):
 *
 *   tty: yes          isatty(0)
 *   fg: yes           tcgetpgrp(0) == getpgrp()
 *   canonical: yes    ICANON and ECHO are set
 *   size RxC          TIOCGWINSZ
 *   ready
 *
 * then waits for input with ppoll, SIGWINCH blocked except during the
 * wait (so a resize is never missed), and reads stdin, 100 bytes at a
 * time, printing for each read `got N "TEXT"` (\n, \t, \\, \" and other
 * bytes outside printable ASCII escaped, the last as \xHH). A SIGWINCH
 * prints `winch RxC` with the new size. A read returning 0 (Ctrl-D at the
 * start of a line) prints "eof" and the program exits 0; an error prints
 * `read: ERRNO` or `ppoll: ERRNO` and exits 1.
 *
 * With the argument "cont", a SIGCONT handler writes "[cont]" on a line of
 * its own, showing the program was continued (the suspend test). With a
 * further argument "stopself", reading the line "stop" makes it stop its
 * own process group with SIGTSTP, as a full-screen program does for a ^Z
 * it reads in raw mode.
 *
 * Ctrl-C kills it (no handler for SIGINT): exit status 130.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t winched;

static void say(const char *fmt, ...)
{
	char b[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b, sizeof b - 1, fmt, ap);
	va_end(ap);
	b[n++] = '\n';
	write(1, b, n);
}

static void on_winch(int sig) { (void)sig; winched = 1; }

static void on_cont(int sig)
{
	(void)sig;
	write(1, "[cont]\n", 7);
}

static const char *yesno(int b) { return b ? "yes" : "no"; }

int main(int argc, char **argv)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, 0);
	if (argc > 1 && strcmp(argv[1], "cont") == 0) {
		sa.sa_handler = on_cont;
		sa.sa_flags = SA_RESTART;
		sigaction(SIGCONT, &sa, 0);
	}
	int stopself = argc > 2 && strcmp(argv[2], "stopself") == 0;

	struct termios t;
	struct winsize ws;
	say("tty: %s", yesno(isatty(0)));
	say("fg: %s", yesno(tcgetpgrp(0) == getpgrp()));
	say("canonical: %s", yesno(tcgetattr(0, &t) == 0 && (t.c_lflag & (ICANON | ECHO)) == (ICANON | ECHO)));
	if (ioctl(0, TIOCGWINSZ, &ws) == 0)
		say("size %dx%d", ws.ws_row, ws.ws_col);
	say("ready");

	sigset_t winch, waitmask;
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigprocmask(SIG_BLOCK, &winch, &waitmask);
	sigdelset(&waitmask, SIGWINCH);
	for (;;) {
		char buf[100], text[512];
		struct pollfd pfd = {.fd = 0, .events = POLLIN};
		if (ppoll(&pfd, 1, 0, &waitmask) < 0) {
			if (errno != EINTR) {
				say("ppoll: %s", strerror(errno));
				return 1;
			}
			if (winched) {
				winched = 0;
				if (ioctl(0, TIOCGWINSZ, &ws) == 0)
					say("winch %dx%d", ws.ws_row, ws.ws_col);
			}
			continue;
		}
		ssize_t n = read(0, buf, sizeof buf);
		if (n < 0) {
			say("read: %s", strerror(errno));
			return 1;
		}
		if (n == 0) {
			say("eof");
			return 0;
		}
		char *p = text;
		for (ssize_t i = 0; i < n; i++) {
			unsigned char c = buf[i];
			if (c == '\n')
				p += sprintf(p, "\\n");
			else if (c == '\t')
				p += sprintf(p, "\\t");
			else if (c == '\\' || c == '"')
				p += sprintf(p, "\\%c", c);
			else if (c < 0x20 || c >= 0x7f)
				p += sprintf(p, "\\x%02x", c);
			else
				*p++ = c;
		}
		*p = 0;
		say("got %zd \"%s\"", n, text);
		if (stopself && n == 5 && memcmp(buf, "stop\n", 5) == 0)
			kill(0, SIGTSTP);
	}
}
