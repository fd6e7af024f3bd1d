/* staleloop.c - the victim of the stale=unlink race tests (issue 12): a
 * root server that restarts over and over at PATH (the library's
 * stale=unlink removes its own previous, dead socket file each time),
 * while an attacker keeps exchanging a directory of PATH. It also keeps
 * a socket file of its own in WATCHDIR, named NAME, that stale=unlink
 * must never remove: a live one (bound and listening) or a dead one
 * (closed, in a directory other than the bind's):
 *
 *   staleloop PATH N WATCHDIR NAME live|dead
 *
 * The watched file is made through an O_PATH descriptor of WATCHDIR
 * (bound as /proc/self/fd/N/.w, which no rule matches, then renamed to
 * NAME) and held O_PATH; after
 * each of the N binds of PATH (each socket closed, its file left), a
 * link count of 0 says the library removed it ("removed" counts those;
 * it is made again). Prints "tries=N bound=N removed=N". Exit 0, or 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "testutil.h"

static int watchdir, watched = -1, server = -1;

/* Makes the watched socket file (live: its server stays open) and holds
 * it O_PATH in watched. Returns 0 or -1. */
static int make_watched(const char *name, int live)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), tries = 0, rc;

	/* A short name first: NAME may not fit behind /proc/self/fd/N/. */
	snprintf(a.sun_path, sizeof a.sun_path, "/proc/self/fd/%d/.w",
		 watchdir);
	/* The directory may be named ww/d (a rule's) while the library
	 * decides and ww/e once the kernel made the file: the library then
	 * refuses (EACCES, the rule no longer fits) and removes it. Again. */
	do {	/* a new socket each time: the refused one is bound */
		if (tries && s >= 0) {
			close(s);
			s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		}
		unlinkat(watchdir, ".w", 0);
		rc = s < 0 ? -1 : bind(s, (struct sockaddr *)&a, sizeof a);
	} while (rc < 0 && errno == EACCES && ++tries < 1000);
	if (rc < 0 || listen(s, 1) < 0 ||
	    renameat(watchdir, ".w", watchdir, name) < 0) {
		perror("staleloop: the watched socket");
		return -1;
	}
	if (live)
		server = s;
	else
		close(s);
	watched = openat(watchdir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	return watched < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	long n, i, bound = 0, removed = 0;
	int live;

	if (argc != 6) {
		fputs("usage: staleloop PATH N WATCHDIR NAME live|dead\n",
		      stderr);
		return 2;
	}
	snprintf(a.sun_path, sizeof a.sun_path, "%s", argv[1]);
	n = atol(argv[2]);
	live = strcmp(argv[5], "live") == 0;
	watchdir = open(argv[3], O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (watchdir < 0 || make_watched(argv[4], live) < 0)
		return 2;
	for (i = 0; i < n; i++) {
		int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct stat st;

		if (s < 0)
			return 2;
		if (bind(s, (struct sockaddr *)&a, sizeof a) == 0)
			bound++;
		close(s);	/* a crash: the file stays */
		if (fstat(watched, &st) == 0 && st.st_nlink == 0) {
			removed++;
			close(watched);
			if (server >= 0)
				close(server);
			server = -1;
			if (make_watched(argv[4], live) < 0)
				return 2;
		}
	}
	printf("tries=%ld bound=%ld removed=%ld\n", n, bound, removed);
	return 0;
}
