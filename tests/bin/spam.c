/* spam.c - the attacker of the born-closed tests: sends datagrams to, or
 * connects to, PATH in a tight loop, as whoever runs it (nobody).
 *
 *   spam dgram|stream PATH SECONDS STOPFILE
 *
 * Prints "ready" once running, then, when SECONDS passed or STOPFILE
 * exists, "attempts=N delivered=N" (sendto() or connect() that succeeded)
 * and the errno counts that matter. Exit 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long attempts = 0, delivered = 0, eacces = 0, enoent = 0, refused = 0,
	     other = 0;
	int stream, d = -1;
	double end;
	struct stat st;

	if (argc != 5) {
		fprintf(stderr, "usage: spam dgram|stream PATH SECONDS STOP\n");
		return 2;
	}
	stream = strcmp(argv[1], "stream") == 0;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", argv[2]);
	end = now() + atof(argv[3]);
	if (!stream) {
		d = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (d < 0)
			return 2;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int rc, err;

		if ((attempts & 1023) == 0 &&
		    (now() > end || stat(argv[4], &st) == 0))
			break;
		attempts++;
		if (stream) {
			int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

			if (c < 0)
				return 2;
			rc = connect(c, (struct sockaddr *)&sa, sizeof sa);
			err = errno;
			close(c);
		} else {
			rc = (int)sendto(d, "x", 1, MSG_DONTWAIT,
					 (struct sockaddr *)&sa, sizeof sa);
			err = errno;
		}
		if (rc >= 0)
			delivered++;
		else if (err == EACCES)
			eacces++;
		else if (err == ENOENT)
			enoent++;
		else if (err == ECONNREFUSED)
			refused++;
		else
			other++;
	}
	printf("attempts=%ld delivered=%ld eacces=%ld enoent=%ld refused=%ld "
	       "other=%ld\n", attempts, delivered, eacces, enoent, refused,
	       other);
	return 0;
}
