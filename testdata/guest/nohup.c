/*
 * nohup.c — a minimal nohup(1) for a riscv64 guest root: runs its
 * arguments with SIGHUP ignored (execvp searches PATH). Used by the test
 * that runs Go's os/signal tests, which exec nohup. Exit status 127 when
 * the program cannot be run, 125 without arguments.
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 125;
	signal(SIGHUP, SIG_IGN);
	execvp(argv[1], argv + 1);
	perror("nohup");
	return 127;
}
