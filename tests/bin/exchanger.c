/* exchanger.c - the attacker of the exit-removal and stale tests (issue
 * 12), run as nobody: keeps exchanging two entries of its own,
 * atomically (renameat2 RENAME_EXCHANGE), a directory with a symlink or
 * with another directory, so that a victim who looks a path up twice
 * sees one, then the other:
 *
 *   exchanger A B SECONDS STOPFILE
 *
 * Prints "ready", and at the end "swaps=N" with A back where it was.
 * Exit 0; 2 when A and B cannot be exchanged at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

int main(int argc, char **argv)
{
	long swaps = 0, i;
	struct stat st;
	double end;

	if (argc != 5) {
		fputs("usage: exchanger A B SECONDS STOPFILE\n", stderr);
		return 2;
	}
	end = now() + atof(argv[3]);
	if (renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2],
		      RENAME_EXCHANGE) < 0) {
		perror("exchanger: renameat2");
		return 2;
	}
	swaps++;
	printf("ready\n");
	fflush(stdout);
	for (i = 0;; i++) {
		if ((i & 255) == 0 && (now() > end || stat(argv[4], &st) == 0))
			break;
		if (renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2],
			      RENAME_EXCHANGE) == 0)
			swaps++;
	}
	if (swaps & 1)	/* an odd count: put A back */
		renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2],
			  RENAME_EXCHANGE);
	printf("swaps=%ld\n", swaps);
	return 0;
}
