/*
 * noreplace.c — mmap(MAP_FIXED_NOREPLACE) over a live mapping must fail
 * with EEXIST and leave the mapping alone (Linux 4.17+, mm/mmap.c).
 *
 * Expected output, exit 0:
 *   NOREPLACE over mapping: MAP_FAILED EEXIST
 *   old mapping intact: yes
 *
 * qemu-riscv64 7.2 is wrong here (it treats the flag as a hint and returns
 * an address outside the guest's space), so compare vessel with the lines
 * above, not with qemu. Arguments: none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>

int main(void)
{
	int rw = PROT_READ | PROT_WRITE, priv = MAP_PRIVATE | MAP_ANONYMOUS;
	char *a = mmap(NULL, 2 * 4096, rw, priv, -1, 0);
	a[0] = 42;
	a[4096] = 43;
	errno = 0;
	char *h = mmap(a + 4096, 4096, rw, priv | MAP_FIXED_NOREPLACE, -1, 0);
	printf("NOREPLACE over mapping: %s %s\n", h == MAP_FAILED ? "MAP_FAILED" : "mapped",
	       errno == EEXIST ? "EEXIST" : "not EEXIST");
	printf("old mapping intact: %s\n", a[0] == 42 && a[4096] == 43 ? "yes" : "no");
	return 0;
}
