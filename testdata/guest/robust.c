/*
 * robust.c — robust mutexes: when the owner of a process-shared robust
 * mutex dies holding it, the kernel walks the owner's robust list at exit
 * and the next locker gets EOWNERDEAD, makes the mutex consistent and can
 * use it again.
 *
 * Expected output (Linux):
 *   child: locked and exits holding the mutex
 *   parent: lock after the owner died: EOWNERDEAD
 *   parent: consistent: 0, unlock: 0, lock again: 0
 * qemu-riscv64 7.2 does not implement set_robust_list, so the parent would
 * block forever there; compare with the lines above. Exit status 0.
 * Arguments: none.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pthread_mutex_t *m = mmap(NULL, sizeof *m, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(m, &a);
	pid_t c = fork();
	if (c == 0) {
		pthread_mutex_lock(m);
		printf("child: locked and exits holding the mutex\n");
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	int r = pthread_mutex_lock(m);
	printf("parent: lock after the owner died: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
	int cons = pthread_mutex_consistent(m);
	int un = pthread_mutex_unlock(m);
	int again = pthread_mutex_lock(m);
	printf("parent: consistent: %d, unlock: %d, lock again: %d\n", cons, un, again);
	return 0;
}
