/*
 * execthread.c — execve from a thread that is not the main one: the other
 * threads are gone and the caller takes the process id (Linux's
 * de_thread). The main thread waits in pthread_join forever; a second
 * thread execs the program again with the old pid as an argument, and the
 * new image prints whether getpid() is still that pid and whether it is
 * alone (its own gettid equals its pid). Static build; argv[0] must be a
 * path to the program. Prints:
 *   after exec: same pid: yes, single thread: yes
 * Exit status 0. Arguments: none.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static char *self;

static void *execer(void *arg)
{
	char pid[32];
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	char *argv[] = {self, pid, NULL};
	execv(self, argv);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		int old = atoi(argv[1]);
		printf("after exec: same pid: %s, single thread: %s\n", getpid() == old ? "yes" : "no",
		       syscall(SYS_gettid) == getpid() ? "yes" : "no");
		return 0;
	}
	self = argv[0];
	pthread_t t;
	pthread_create(&t, NULL, execer, NULL);
	pthread_join(t, NULL);
	printf("not reached\n");
	return 1;
}
