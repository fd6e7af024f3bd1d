/* born.h - the real bind, with the socket file born closed (SPEC 4.2, 4.4). */
#ifndef SOCKMODE_BORN_H
#define SOCKMODE_BORN_H

#include <sys/socket.h>
#include <sys/types.h>

typedef int sm_bind_fn(int fd, const struct sockaddr *addr, socklen_t len);

struct sm_born {
	int rc;		/* the real bind's result, with err its errno */
	int err;
	int guard_err;	/* nonzero: no way to bind closed (this errno);
			 * bind was not called */
	ino_t sock_ino;	/* the socket's own inode number (sockfs) */
};

/*
 * Calls real_bind so that the new socket file is born with mode 0000,
 * without ever changing the process umask. The kernel creates the file
 * with the socket inode's own mode masked by the umask, so the socket's
 * inode mode is set to 0 around the bind (and then restored, invisible to
 * the program). Should that fchmod() be refused (an LSM policy, another
 * user's socket): in a single-threaded process the umask is swapped
 * instead, with every signal blocked; in a multi-threaded one the socket
 * is not bound at all (guard_err set), whatever its type. A descriptor
 * that is not a socket goes to real_bind untouched (ENOTSOCK, EBADF).
 * Fills *out; returns out->rc. Allocation-free, lock-free.
 */
int sm_born_bind(sm_bind_fn *real_bind, int fd, const struct sockaddr *addr,
		 socklen_t len, struct sm_born *out);

/* Nonzero when the process is known to be single-threaded. */
int sm_single_threaded(void);

/*
 * The process umask. Single-threaded: umask() twice with every signal
 * blocked, so nothing can observe the change. Otherwise read from
 * /proc/self/status (Linux >= 4.7) without changing it. Returns it, or
 * -1 with errno. Allocation-free.
 */
int sm_read_umask(void);

#endif
