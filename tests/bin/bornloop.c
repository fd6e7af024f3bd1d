/* bornloop.c - born-closed probe (SPEC 4.2): binds PATH over and over
 * with umask 0 (so an unguarded socket file would be born 0777) and,
 * right after each bind() returns, checks whether anybody got through:
 * a datagram in the queue, or (stream) a connection once it listens.
 *
 *   bornloop PATH N SECONDS dgram|stream [idle-thread]
 *                              (SECONDS, but at least LOOP_MIN_TRIES binds)
 *
 * Prints "tries=N bound=N received=N badmode=N failed=N lasterr=E
 * umask_changed=N" and exits 0; the test decides. umask_changed counts
 * the binds (every 4th is checked) after which the umask was not 0. "idle-thread" starts a thread that only
 * sleeps, so that the process is multi-threaded. The expected mode and
 * owner come from EXPECT_MODE (octal) and EXPECT_UID in the environment.
 * With FSUID=N, each socket is created as root and bound with the file
 * system uid N (setfsuid, this thread only), like a daemon that drops
 * privileges between socket() and bind(): the socket's own inode is then
 * not the binder's to fchmod.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

int main(int argc, char **argv)
{
	struct loop_args a;
	long tries = 0, bound = 0, received = 0, badmode = 0, failed = 0;
	long umask_changed = 0;
	int lasterr = 0, type;
	char buf[256];
	const char *fsuid = getenv("FSUID");
	int rc;

	if (loop_args(argc, argv, "usage: EXPECT_MODE=0600 EXPECT_UID=0 bornloop"
		      " PATH N SECONDS dgram|stream [idle-thread]\n",
		      &a) < 0)
		return 2;
	type = a.stream ? SOCK_STREAM : SOCK_DGRAM;
	if (argc > 5 && strcmp(argv[5], "idle-thread") == 0) {
		pthread_t t;

		if (pthread_create(&t, NULL, idle, NULL) != 0)
			return 2;
	}
	umask(0);
	unlink(a.sa.sun_path);

	while (loop_more(&a, tries)) {
		int s = socket(AF_UNIX, type | SOCK_CLOEXEC |
			       (a.stream ? SOCK_NONBLOCK : 0), 0);
		struct stat st;

		if (s < 0) {
			perror("socket");
			return 2;
		}
		tries++;
		if (fsuid)
			setfsuid((uid_t)atol(fsuid));
		rc = bind(s, (struct sockaddr *)&a.sa, sizeof a.sa);
		if (fsuid)
			setfsuid(0);
		if ((tries & 3) == 0 && read_umask() != 0)
			umask_changed++;
		if (rc < 0) {
			failed++;
			lasterr = errno;
			close(s);
			unlink(a.sa.sun_path);
			continue;
		}
		bound++;
		if (a.stream) {
			int c;

			if (listen(s, 64) < 0) {
				perror("listen");
				return 2;
			}
			while ((c = accept4(s, NULL, NULL,
					    SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
				received++;
				close(c);
			}
		} else {
			while (recv(s, buf, sizeof buf, MSG_DONTWAIT) >= 0)
				received++;
		}
		if (lstat(a.sa.sun_path, &st) < 0 ||
		    (st.st_mode & 07777) != a.want_mode || st.st_uid != a.want_uid)
			badmode++;
		close(s);
		unlink(a.sa.sun_path);
	}
	printf("tries=%ld bound=%ld received=%ld badmode=%ld failed=%ld "
	       "lasterr=%d umask_changed=%ld\n", tries, bound, received,
	       badmode, failed, lasterr, umask_changed);
	return 0;
}
