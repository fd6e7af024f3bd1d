/* born.h - the real bind, with the socket file born closed (SPEC 4.2, 4.4). */
#ifndef SOCKMODE_BORN_H
#define SOCKMODE_BORN_H

#include <sys/socket.h>
#include <sys/types.h>

typedef int sm_bind_fn(int fd, const struct sockaddr *addr, socklen_t len);

struct sm_born {
	int rc;		/* the real bind's result, with err its errno */
	int err;
	int old_umask;	/* the process umask, or -1 when not read */
	int helper_err;	/* nonzero: the private-umask helper could not
			 * run (this errno) and bind was not called */
};

/*
 * Calls bind so that the new socket file gets umask guard, and no other
 * thread ever sees a changed umask:
 *  - single-threaded process: umask swapped around real_bind with every
 *    signal blocked (reads the old umask on the way);
 *  - multi-threaded, stream or seqpacket: real_bind under the process
 *    umask, untouched (nobody can connect before listen());
 *  - multi-threaded, datagram: the bind syscall runs in a clone() child
 *    that shares memory and descriptors but not the umask.
 * Fills *out; always returns out->rc. Allocation-free, lock-free.
 */
int sm_born_bind(sm_bind_fn *real_bind, int fd, const struct sockaddr *addr,
		 socklen_t len, int type, mode_t guard, struct sm_born *out);

/* Nonzero when the process is known to be single-threaded. */
int sm_single_threaded(void);

#endif
