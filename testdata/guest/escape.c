/* escape.c tries to leave the guest root and read a host file outside it.
 *
 * Run with --root ROOT, where ROOT/inside.txt holds "inside" and the host
 * file ROOT/../outside.txt holds "outside". The test also plants symlinks in
 * ROOT: abs -> / , up -> ../.. , etc -> /etc and loop -> loop. For each
 * attempt the program prints the path and what it read, or the errno name.
 * Under vessel no attempt may print "outside".
 * Exit status: 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *ename(int e) {
	switch (e) {
	case ENOENT: return "ENOENT";
	case ELOOP: return "ELOOP";
	case EACCES: return "EACCES";
	case ENOTDIR: return "ENOTDIR";
	case EXDEV: return "EXDEV";
	default: return "other";
	}
}

static void try(int dirfd, const char *path) {
	char buf[64] = {0};
	int fd = openat(dirfd, path, O_RDONLY);
	if (fd < 0) {
		printf("%s: %s\n", path, ename(errno));
		return;
	}
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	printf("%s: %s\n", path, n >= 0 ? buf : "read error");
}

int main(void) {
	const char *paths[] = {
		"/inside.txt", "inside.txt", "../outside.txt", "/../outside.txt",
		"../../../../outside.txt", "/abs/../outside.txt", "abs/outside.txt",
		"up/outside.txt", "up/up/outside.txt", "/proc/../../outside.txt",
		"loop", NULL,
	};
	chdir("/");
	for (int i = 0; paths[i]; i++)
		try(AT_FDCWD, paths[i]);
	/* From a directory descriptor at the root, climb. */
	int root = open("/", O_RDONLY | O_DIRECTORY);
	try(root, "../outside.txt");
	try(root, "../../outside.txt");
	/* chdir above the root stays at the root. */
	chdir("../../..");
	char cwd[256];
	printf("cwd after chdir(../../..): %s\n", getcwd(cwd, sizeof cwd) ? cwd : "error");
	try(AT_FDCWD, "outside.txt");
	/* A symlink created by the guest pointing outside is resolved inside. */
	symlink("../outside.txt", "/made");
	try(AT_FDCWD, "/made");
	/* rename and link cannot move a file outside either. */
	printf("rename out: %s\n", rename("/inside.txt", "../moved.txt") == 0 ? "ok (stayed inside)" : ename(errno));
	return 0;
}
