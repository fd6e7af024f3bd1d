/* exchanger.c - the attacker of the command-swap test: keeps exchanging
 * two directory entries atomically (renameat2 RENAME_EXCHANGE), so that
 * a name looked up twice may name two different files:
 *
 *   exchanger A B STOPFILE
 *
 * Prints "ready", runs until STOPFILE exists, then prints "swaps=N".
 * Exit 0, or 2 when the exchange fails.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

int main(int argc, char **argv)
{
	unsigned long swaps = 0;

	if (argc != 4) {
		fputs("usage: exchanger A B STOPFILE\n", stderr);
		return 2;
	}
	puts("ready");
	fflush(stdout);
	while (access(argv[3], F_OK) != 0) {
		int i;

		for (i = 0; i < 64; i++, swaps++)
			if (syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD,
				    argv[2], RENAME_EXCHANGE) < 0) {
				perror("exchanger: renameat2");
				return 2;
			}
	}
	printf("swaps=%lu\n", swaps);
	return 0;
}
