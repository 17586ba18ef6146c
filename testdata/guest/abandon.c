/*
 * abandon.c — the first process exits while its children sleep. As PID 1
 * its exit ends its PID namespace: every other process is killed, and
 * vessel exits at once with PID 1's status, 4. (Run as an ordinary
 * process, the children would be orphaned and sleep on.) Prints nothing.
 * Arguments: none.
 */
#include <time.h>
#include <unistd.h>

int main(void)
{
	for (int i = 0; i < 3; i++)
		if (fork() == 0) {
			struct timespec ts = {1000, 0};
			nanosleep(&ts, NULL);
			_exit(0);
		}
	return 4;
}
