/* born.h - the real bind, with the socket file born closed (SPEC 4.2, 4.4). */
#ifndef SOCKMODE_BORN_H
#define SOCKMODE_BORN_H

#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

typedef int sm_bind_fn(int fd, const struct sockaddr *addr, socklen_t len);

struct sm_born {
	int rc;		/* the real bind's result, with err its errno */
	int err;
	int guard_err;	/* nonzero: no way to bind closed (this errno);
			 * bind was not called */
	ino_t sock_ino;	/* the socket's own inode number (sockfs) */
	struct timespec started;	/* CLOCK_REALTIME_COARSE just before
					 * the bind: no file it made is older */
};

/*
 * Calls real_bind so that the new socket file is born with mode 0000,
 * without ever changing the process umask. The kernel creates the file
 * with the socket inode's own mode masked by the umask, so the socket's
 * inode mode is set to 0 around the bind (and then restored, invisible to
 * the program). Should that fchmod() be refused (an LSM policy, a socket
 * created by another user before a privilege drop): the bind is done
 * under umask 0777 by a child that shares the memory and descriptors but
 * not the umask (clone() without CLONE_FS), so no thread of the program
 * ever sees a changed umask; if no such child can be made, the socket is
 * not bound at all (guard_err set), whatever its type. A descriptor
 * that is not a socket goes to real_bind untouched (ENOTSOCK, EBADF).
 * Fills *out; returns out->rc. Allocation-free, lock-free.
 */
int sm_born_bind(sm_bind_fn *real_bind, int fd, const struct sockaddr *addr,
		 socklen_t len, struct sm_born *out);

/*
 * The calling thread's umask, never changed: read from
 * /proc/thread-self/status (Linux >= 4.7), or without /proc asked of a
 * private-umask child (see sm_born_bind()). Returns it, or -1 with errno.
 * Allocation-free.
 */
int sm_read_umask(void);

#endif
