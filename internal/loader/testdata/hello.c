// hello prints its arguments. The loader's tests build it static and
// dynamic; its bss is larger than a page.
#include <stdio.h>

static char buffer[3 * 4096 + 100];

int main(int argc, char **argv) {
	for (int i = 0; i < argc; i++)
		printf("%s%s", i ? " " : "", argv[i]);
	printf("\n");
	return buffer[4096];
}
