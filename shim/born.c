/* born.c - bind so that the socket file is born closed, umask untouched. */
#include "born.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* glibc >= 2.32 keeps this flag: true until the first thread is created.
 * Weak, so that a libc without it (musl) reads as "multi-threaded",
 * the safe answer. */
extern char __libc_single_threaded __attribute__((weak));

int sm_single_threaded(void)
{
	return &__libc_single_threaded && __libc_single_threaded;
}

int sm_read_umask(void)
{
	char buf[1024], *p;
	ssize_t n;
	int fd, mask = 0;

	if (sm_single_threaded()) {	/* nobody to see it: the cheap way */
		sigset_t all, old;

		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		mask = (int)umask(0);
		umask((mode_t)mask);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return mask & 0777;
	}
	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, sizeof buf - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "\nUmask:\t");
	if (!p) {
		errno = ENOSYS;	/* Linux < 4.7 */
		return -1;
	}
	for (p += 8; *p >= '0' && *p <= '7'; p++)
		mask = mask * 8 + (*p - '0');
	return mask & 0777;
}

/*
 * The fallback when the socket's inode mode cannot be set (fchmod failed
 * with refused). Single-threaded: a umask swap with every signal blocked,
 * which nobody can observe. Multi-threaded: no way to bind closed without
 * another thread seeing the umask, so nothing is bound (guard_err). Not
 * even a stream socket may be born open: connect() checks the file's
 * permission when it looks the path up and only later whether the socket
 * listens, so a connect() that found the file open can succeed once the
 * program calls listen().
 */
static int bind_under_umask(sm_bind_fn *real_bind, int fd,
			    const struct sockaddr *addr, socklen_t len,
			    int refused, struct sm_born *out)
{
	sigset_t all, old;
	mode_t prev;

	if (!sm_single_threaded()) {
		out->guard_err = out->err = refused;
		return out->rc = -1;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	prev = umask(0777);
	out->rc = real_bind(fd, addr, len);
	out->err = out->rc < 0 ? errno : 0;
	umask(prev);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return out->rc;
}

int sm_born_bind(sm_bind_fn *real_bind, int fd, const struct sockaddr *addr,
		 socklen_t len, struct sm_born *out)
{
	struct stat sock;

	out->guard_err = 0;
	out->sock_ino = 0;
	if (fstat(fd, &sock) < 0 || !S_ISSOCK(sock.st_mode)) {
		/* EBADF, ENOTSOCK: the real bind says so; never fchmod a
		 * file that is not a socket. */
		out->rc = real_bind(fd, addr, len);
		out->err = out->rc < 0 ? errno : 0;
		return out->rc;
	}
	out->sock_ino = sock.st_ino;
	if (fchmod(fd, 0) < 0)
		return bind_under_umask(real_bind, fd, addr, len, errno, out);
	out->rc = real_bind(fd, addr, len);
	out->err = out->rc < 0 ? errno : 0;
	/* Only the socket's own inode (what fstat on the descriptor shows);
	 * the file just created keeps its mode 0. */
	fchmod(fd, sock.st_mode & 07777);
	return out->rc;
}
