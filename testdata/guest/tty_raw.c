/* tty_raw: a program that puts its terminal in raw mode and reads keys.
 *
 * Run with a terminal as stdin, stdout and stderr. It switches the
 * terminal to raw mode with cfmakeraw (no echo, no line editing, no signal
 * keys, no CR/NL mapping, no output processing), then writes "raw\n" —
 * without output processing the terminal gets a bare line feed — and
 * reads stdin 16 bytes at a time (VMIN 1, VTIME 0), printing for each read
 * `read N: HH HH ...\r\n` (the bytes in hex; the program writes its own
 * carriage returns, as raw-mode programs do). A read holding 'q' ends the
 * loop. Then, with VMIN 0 and VTIME 1, one read that times out after a
 * tenth of a second: `timeout N\r\n` (N is 0). It exits 0 without
 * restoring the terminal's settings: whoever ran it must.
 */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static void out(const char *s) { write(1, s, strlen(s)); }

int main(void)
{
	struct termios t;
	if (tcgetattr(0, &t) != 0) {
		out("not a terminal\n");
		return 1;
	}
	cfmakeraw(&t);
	if (tcsetattr(0, TCSANOW, &t) != 0) {
		out("tcsetattr failed\n");
		return 1;
	}
	out("raw\n");
	for (;;) {
		unsigned char buf[16];
		char line[128], *p = line;
		ssize_t n = read(0, buf, sizeof buf);
		if (n <= 0) {
			out("read failed\r\n");
			return 1;
		}
		p += sprintf(p, "read %zd:", n);
		for (ssize_t i = 0; i < n; i++)
			p += sprintf(p, " %02x", buf[i]);
		p += sprintf(p, "\r\n");
		out(line);
		if (memchr(buf, 'q', n))
			break;
	}
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 1;
	tcsetattr(0, TCSANOW, &t);
	unsigned char c;
	char line[64];
	sprintf(line, "timeout %zd\r\n", read(0, &c, 1));
	out(line);
	return 0;
}
