/* bindloop.c - the server of the symlink-swap tests (SPEC 4.3): binds
 * PATH in a directory where an attacker keeps swapping the entry, N times
 * or for SECONDS (but at least LOOP_MIN_TRIES times, testutil.h),
 * unlinking after each bind.
 *
 *   bindloop PATH N SECONDS dgram|stream [WATCH]
 *
 * After each successful bind it checks the file the bind produced, whose
 * mode and owner must be EXPECT_MODE (octal) and EXPECT_UID, without
 * trusting the path: it asks the kernel for the socket's own file
 * (ioctl SIOCUNIXFILE, needs CAP_NET_ADMIN); without that capability it
 * opens PATH O_PATH|O_NOFOLLOW and, when that is a socket, sends to it
 * through /proc/self/fd/N (or connects, for stream): only if our own
 * socket receives it is the inode ours. A swap after bind() returned
 * then makes the check impossible ("unverified"), not wrong.
 *
 * With NOADMIN=1, CAP_NET_ADMIN is out of the effective set during each
 * bind() (and back for the check), so that the library cannot ask the
 * kernel and must find the file by name and prove it.
 *
 * With EXPECT_IN=DIR and EXPECT_IN_MODE=MODE in the environment, a socket
 * file the kernel names below DIR must have MODE instead (a rules file
 * with a rule for DIR: the rule must follow the inode, wherever a swap of
 * the path's directory made the bind land); "landed_in" counts those.
 *
 * With CLOSED_OK set, a socket file still mode 0 (kept as it was born,
 * under on_error=warn) is not wrong: "closed" counts those.
 *
 * With MIN_OK=K, it goes on past N binds (up to 5 N) until K of them
 * worked.
 *
 * With WATCH, stops early when WATCH's mode, owner or size changes (the
 * naive shim's win). After a bind refused with EACCES it checks that
 * PATH still exists ("gone_after_eacces" counts those that did not). With IDLE_THREAD=1 in the environment, an extra
 * thread that only sleeps makes the process multi-threaded.
 * Prints one line of counts: tries, ok (bind returned
 * 0), verified, wrong, unverified, fail (bind -1) split by errno, fds
 * before/after, watch=changed|same. Exit 0; the test decides.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/sockios.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#ifndef SIOCUNIXFILE	/* <linux/un.h>, which clashes with <sys/un.h> */
#define SIOCUNIXFILE (SIOCPROTOPRIVATE + 0)	/* Linux >= 4.19 */
#endif

/* Puts CAP_NET_ADMIN into, or takes it out of, this thread's effective
 * set (it stays permitted). Returns 0 or -1. With on -1, only tells
 * whether it is permitted (1) or not (0). */
static int net_admin(int on)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	unsigned bit = 1u << (CAP_NET_ADMIN % 32);

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	if (on < 0)
		return (d[CAP_NET_ADMIN / 32].permitted & bit) != 0;
	if (on)
		d[CAP_NET_ADMIN / 32].effective |= bit;
	else
		d[CAP_NET_ADMIN / 32].effective &= ~bit;
	return (int)syscall(SYS_capset, &h, d);
}

/* 1: fd (O_PATH) is the inode socket s is bound to; 0: it is not. */
static int is_ours(int s, int fd, int stream, long token)
{
	struct sockaddr_un via = { .sun_family = AF_UNIX };
	long got = -1;
	int c, ok = 0;

	snprintf(via.sun_path, sizeof via.sun_path, "/proc/self/fd/%d", fd);
	c = socket(AF_UNIX, (stream ? SOCK_STREAM : SOCK_DGRAM) |
		   SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c < 0)
		return 0;
	if (stream) {
		if (connect(c, (struct sockaddr *)&via, sizeof via) == 0) {
			int a = accept4(s, NULL, NULL,
					SOCK_NONBLOCK | SOCK_CLOEXEC);

			if (a >= 0) {
				ok = 1;
				close(a);
			}
		}
	} else if (sendto(c, &token, sizeof token, MSG_DONTWAIT,
			  (struct sockaddr *)&via, sizeof via) ==
		   (ssize_t)sizeof token) {
		while (recv(s, &got, sizeof got, MSG_DONTWAIT) ==
		       (ssize_t)sizeof got)
			if (got == token)
				ok = 1;
	}
	close(c);
	return ok;
}

/* The kernel's name of fd into name (size bytes); "" when unknown. */
static void name_of(int fd, char *name, size_t size)
{
	char proc[64];
	ssize_t n;

	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	n = readlink(proc, name, size - 1);
	name[n < 0 ? 0 : n] = '\0';
}

int main(int argc, char **argv)
{
	const char *in = getenv("EXPECT_IN"), *in_mode = getenv("EXPECT_IN_MODE");
	size_t in_len = in ? strlen(in) : 0;
	long min_ok = getenv("MIN_OK") ? atol(getenv("MIN_OK")) : 0;
	int closed_ok = getenv("CLOSED_OK") != NULL;
	long closed = 0;
	long landed = 0;
	char real[4096];
	struct loop_args a;
	long tries = 0, ok = 0, verified = 0, wrong = 0, unverified = 0;
	long f_acces = 0, f_inuse = 0, f_other = 0, gone = 0;
	int other_err = 0, fds0, fds1, changed = 0;
	const char *watch = argc > 5 ? argv[5] : NULL;
	int noadmin = getenv("NOADMIN") && strcmp(getenv("NOADMIN"), "1") == 0;
	/* Without CAP_NET_ADMIN at all (a container may drop it) there is
	 * nothing to take away, and checks go by name. */
	int admin = net_admin(-1) == 1;
	int rc;
	struct stat w0, w1;

	if (loop_args(argc, argv, "usage: EXPECT_MODE=0666 EXPECT_UID=65534 bindloop"
		      " PATH N SECONDS dgram|stream [WATCH]\n",
		      &a) < 0)
		return 2;
	if (watch && stat(watch, &w0) < 0) {
		perror(watch);
		return 2;
	}
	if (getenv("IDLE_THREAD") && strcmp(getenv("IDLE_THREAD"), "1") == 0) {
		pthread_t t;

		if (pthread_create(&t, NULL, idle, NULL) != 0)
			return 2;
	}
	fds0 = count_fds();

	/* MIN_OK: go on past N (up to 5 N) until that many binds worked:
	 * under an attacker that wins most races on a loaded machine, the
	 * count the test needs, not the time it happened to get. */
	while ((loop_more(&a, tries) ||
		(ok < min_ok && tries < 5 * a.n)) && !changed) {
		int s = socket(AF_UNIX, (a.stream ? SOCK_STREAM : SOCK_DGRAM) |
			       SOCK_CLOEXEC, 0);
		int fd;
		struct stat st;

		if (s < 0) {
			perror("socket");
			return 2;
		}
		tries++;
		real[0] = '\0';
		if (noadmin && admin && net_admin(0) < 0) {
			perror("capset");
			return 2;
		}
		rc = bind(s, (struct sockaddr *)&a.sa, sizeof a.sa);
		if (noadmin && admin && net_admin(1) < 0) {
			perror("capset");
			return 2;
		}
		if (rc < 0) {
			if (errno == EACCES) {
				f_acces++;
				/* Refused because PATH is not ours: then it is
				 * not the library's to remove either. Only we
				 * unlink here; the attacker only renames over
				 * it, so PATH must still exist. */
				if (lstat(a.sa.sun_path, &st) < 0 &&
				    errno == ENOENT)
					gone++;
			}
			else if (errno == EADDRINUSE)
				f_inuse++;
			else {
				f_other++;
				other_err = errno;
			}
		} else {
			ok++;
			if (a.stream && listen(s, 8) < 0) {
				perror("listen");
				return 2;
			}
			fd = ioctl(s, SIOCUNIXFILE);
			if (fd < 0)
				fd = open(a.sa.sun_path,
					  O_PATH | O_NOFOLLOW | O_CLOEXEC);
			else if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
				return 2;
			if (fd >= 0 && fstat(fd, &st) == 0 &&
			    S_ISSOCK(st.st_mode) && is_ours(s, fd, a.stream, tries)) {
				mode_t want = a.want_mode;

				verified++;
				name_of(fd, real, sizeof real);
				if (in && in_mode && strncmp(real, in, in_len) == 0 &&
				    real[in_len] == '/') {
					landed++;
					want = (mode_t)strtoul(in_mode, NULL, 8);
				}
				if (closed_ok && (st.st_mode & 07777) == 0) {
					closed++;	/* kept as born (warn) */
				} else if ((st.st_mode & 07777) != want ||
					   st.st_uid != a.want_uid) {
					wrong++;
					fprintf(stderr, "bind %ld: our socket "
						"is %04o uid %u\n", tries,
						(unsigned)(st.st_mode & 07777),
						(unsigned)st.st_uid);
				}
			} else {
				unverified++;
			}
			if (fd >= 0)
				close(fd);
		}
		close(s);
		/* Where it really is, when known: a file left in DIR would
		 * make every later bind that lands there EADDRINUSE. */
		unlink(real[0] == '/' ? real : a.sa.sun_path);
		if (watch && (stat(watch, &w1) < 0 ||
			      w1.st_mode != w0.st_mode ||
			      w1.st_uid != w0.st_uid ||
			      w1.st_size != w0.st_size))
			changed = 1;
	}
	fds1 = count_fds();
	printf("tries=%ld ok=%ld verified=%ld wrong=%ld unverified=%ld "
	       "eacces=%ld gone_after_eacces=%ld eaddrinuse=%ld "
	       "otherfail=%ld othererr=%d fds=%d/%d watch=%s net_admin=%d "
	       "landed_in=%ld closed=%ld\n",
	       tries, ok, verified, wrong, unverified, f_acces, gone, f_inuse,
	       f_other, other_err, fds0, fds1, changed ? "changed" : "same",
	       admin, landed, closed);
	return 0;
}
