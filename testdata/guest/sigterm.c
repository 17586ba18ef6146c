/*
 * sigterm.c — waits for SIGTERM from outside: installs a handler, prints
 * "ready" (flushed) and pauses; the handler prints "got SIGTERM" and the
 * program exits 0. Without a handler (argument "plain") it just pauses,
 * and as PID 1 it then ignores SIGTERM. Used by the test of vessel's
 * forwarding of host signals.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static void on_term(int sig) { (void)sig; got = 1; }

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "plain") != 0)
		signal(SIGTERM, on_term);
	printf("ready\n");
	fflush(stdout);
	while (!got)
		pause();
	printf("got SIGTERM\n");
	return 0;
}
