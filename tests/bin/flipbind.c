/* flipbind.c - the program rewrites its own address during bind() (issue
 * 12): a second thread keeps flipping the sun_path of the buffer the main
 * thread binds between A and B (of the same length). Whatever the kernel
 * bound must have the mode of what it was bound to: A's rule (mode 0666)
 * or B's umask mode (0755 under umask 022).
 *
 *   flipbind A B N SECONDS
 *
 * Prints "tries= ok= failed= lasterr= in_ok= in_no= wrong=". Exit 0.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "testutil.h"

static struct sockaddr_un addr = { .sun_family = AF_UNIX };
static const char *pa, *pb;
static int stop;

static void *flipper(void *arg)
{
	size_t len = strlen(pa);

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		memcpy(addr.sun_path, pa, len);
		__asm__ volatile("" ::: "memory");	/* both stores happen */
		memcpy(addr.sun_path, pb, len);
		__asm__ volatile("" ::: "memory");
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long n, tries = 0, ok = 0, failed = 0, in_a = 0, in_b = 0, wrong = 0;
	int lasterr = 0;
	pthread_t t;
	double end;

	if (argc != 5 || strlen(argv[1]) != strlen(argv[2]) ||
	    strlen(argv[1]) >= sizeof addr.sun_path) {
		fputs("usage: flipbind A B N SECONDS (A, B of one length)\n",
		      stderr);
		return 2;
	}
	pa = argv[1];
	pb = argv[2];
	memcpy(addr.sun_path, pa, strlen(pa));
	n = atol(argv[3]);
	end = now() + atof(argv[4]);
	if (pthread_create(&t, NULL, flipper, NULL) != 0)
		return 2;
	while (tries < n && now() < end) {
		struct sockaddr_un got;
		socklen_t glen = sizeof got;
		struct stat st;
		int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		tries++;
		if (bind(s, (struct sockaddr *)&addr, sizeof addr) < 0) {
			failed++;
			lasterr = errno;
		} else if (getsockname(s, (struct sockaddr *)&got, &glen) == 0) {
			int is_a = strcmp(got.sun_path, pa) == 0;

			ok++;
			if (is_a)
				in_a++;
			else
				in_b++;
			if (lstat(got.sun_path, &st) < 0 ||
			    (st.st_mode & 07777) != (is_a ? 0666u : 0755u)) {
				if (wrong++ < 5)
					fprintf(stderr, "%s is %04o\n", got.sun_path,
						(unsigned)(st.st_mode & 07777));
			}
		}
		close(s);
		unlink(pa);
		unlink(pb);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	printf("tries=%ld ok=%ld failed=%ld lasterr=%d in_ok=%ld in_no=%ld "
	       "wrong=%ld\n", tries, ok, failed, lasterr, in_a, in_b, wrong);
	return 0;
}
