/*
 * chmodloop - the cost of chmod(2) of a regular file while the library
 * holds a socket file, or holds nothing (hold=yes, issue 14).
 *
 *   chmodloop FILE N [SOCKET]
 *
 * With SOCKET, first binds a stream socket there (under the library and a
 * matching rule: held; under the supervisor: held by it). Then N times
 * chmod(FILE), alternating 0600 and 0644, in blocks of 100, and prints
 * the mean ns of one call over all ("ns=MEAN") and in the fastest block
 * ("best=NS": what the calls cost when the machine's other load leaves
 * them alone). Exits 1 if a chmod failed or SOCKET could not be bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 100

int main(int argc, char **argv)
{
	struct timespec a, b;
	double total = 0, best = 1e18;
	long i, n;

	if (argc < 3) {
		fputs("usage: chmodloop FILE N [SOCKET]\n", stderr);
		return 2;
	}
	n = strtol(argv[2], NULL, 10);
	if (argc > 3) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		unlink(argv[3]);
		snprintf(sa.sun_path, sizeof sa.sun_path, "%s", argv[3]);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
			return 1;
	}
	for (i = 0; i < n; i += BLOCK) {
		long j;
		double ns;

		clock_gettime(CLOCK_MONOTONIC, &a);
		for (j = i; j < i + BLOCK && j < n; j++)
			if (chmod(argv[1], j & 1 ? 0644 : 0600) < 0)
				return 1;
		clock_gettime(CLOCK_MONOTONIC, &b);
		ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
		total += ns;
		if (ns / (double)(j - i) < best)
			best = ns / (double)(j - i);
	}
	printf("ns=%.1f best=%.1f\n", total / (double)n, best);
	if (argc > 3)
		unlink(argv[3]);
	return 0;
}
