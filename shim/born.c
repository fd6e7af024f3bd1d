/* born.c - bind under a guard umask that no other thread can observe. */
#include "born.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* glibc >= 2.32 keeps this flag: true until the first thread is created.
 * Weak, so that a libc without it (musl) reads as "multi-threaded",
 * the safe answer. */
extern char __libc_single_threaded __attribute__((weak));

int sm_single_threaded(void)
{
	return &__libc_single_threaded && __libc_single_threaded;
}

struct helper {
	int fd;
	const struct sockaddr *addr;
	socklen_t len;
	mode_t guard;
	int rc, err;
	mode_t old_umask;
};

/*
 * Runs in the clone() child: its own copy of the umask, the caller's
 * memory and descriptor table, every signal blocked, the caller's thread
 * asleep until it exits. Raw system calls only: the bind syscall, not a
 * library function that might take a lock.
 */
static int helper_main(void *arg)
{
	struct helper *h = arg;

	h->old_umask = umask(h->guard);
	h->rc = (int)syscall(SYS_bind, h->fd, h->addr, h->len);
	h->err = h->rc < 0 ? errno : 0;
	return 0;
}

/* Binds through a clone() child that does not share the umask (no
 * CLONE_FS). Returns 0 with h filled, or -1 with errno when the child
 * could not be started. */
static int bind_in_helper(struct helper *h)
{
	/* The child's stack: part of our own frame, idle while we sleep
	 * (CLONE_VFORK). helper_main needs a few hundred bytes. */
	char stack[4096] __attribute__((aligned(16)));
	pid_t pid;
	int saved = errno;

	pid = clone(helper_main, stack + sizeof stack,
		    CLONE_VM | CLONE_FILES | CLONE_VFORK, h);
	if (pid < 0)
		return -1;
	/* No exit signal: the child is a "clone" child, reaped only with
	 * __WCLONE, so the program's own wait()s never see it. */
	while (waitpid(pid, NULL, __WCLONE) < 0 && errno == EINTR)
		;
	errno = saved;
	return 0;
}

int sm_born_bind(sm_bind_fn *real_bind, int fd, const struct sockaddr *addr,
		 socklen_t len, int type, mode_t guard, struct sm_born *out)
{
	sigset_t all, old;

	out->old_umask = -1;
	out->helper_err = 0;
	if (!sm_single_threaded() &&
	    (type == SOCK_STREAM || type == SOCK_SEQPACKET)) {
		out->rc = real_bind(fd, addr, len);
		out->err = out->rc < 0 ? errno : 0;
		return out->rc;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (sm_single_threaded()) {
		mode_t prev = umask(guard);

		out->rc = real_bind(fd, addr, len);
		out->err = out->rc < 0 ? errno : 0;
		umask(prev);
		out->old_umask = (int)prev;
	} else {
		struct helper h = { fd, addr, len, guard, -1, 0, 0 };

		if (bind_in_helper(&h) < 0) {
			out->helper_err = errno;
			out->rc = -1;
			out->err = errno;
		} else {
			out->rc = h.rc;
			out->err = h.err;
			out->old_umask = (int)h.old_umask;
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return out->rc;
}
