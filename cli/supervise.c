/* supervise.c - sockmode --via=seccomp (SPEC 7): the filter that hands
 * the program's bind(2) calls to a supervisor process, and that
 * process's life: started before the filter, fed the filter's listener,
 * serving until no process uses the filter any more.
 *
 *   sockmode (pid P) --fork--> C --fork--> S (supervisor); C exits, so
 *   P, which becomes the program by exec, has no child of its own.
 *   P: no_new_privs, filter (listener L), L to S over a socketpair,
 *   S says "ready", P closes L and execs.  S: poll L, RECV, answer, SEND.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/filter.h>

#include "cli.h"
#include "log.h"
#include "super.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS	/* Linux >= 6.6 */
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP 1
#endif
#ifndef PR_SET_PTRACER
#define PR_SET_PTRACER 0x59616d61	/* Yama */
#endif

/* What the supervisor says first: its pid, for Yama's PR_SET_PTRACER,
 * which must be set before it can read the program. */
struct hello {
	char ok;	/* 'h' */
	pid_t pid;
};

/* What the supervisor answers once it holds the listener and has found
 * that it can reach the program: ok 'y', or 'n' with why and err. */
struct ready {
	char ok;
	int err;
	char why[256];
};

/* A word of the program-to-be that the supervisor reads to prove it can
 * (a fork: the same address in both). */
static const uint32_t probe_word = 0x736f636b;

/*
 * Sets no_new_privs and installs the filter: bind(2) of this
 * architecture goes to the listener (SECCOMP_RET_USER_NOTIF), everything
 * else is allowed. WAIT_KILLABLE_RECV: once the supervisor has a bind,
 * only a fatal signal ends the wait, so a bind never runs twice and
 * never reports EINTR after it happened. Returns the listener (close-on-
 * exec), or -1 with errno.
 */
static int install_filter(void)
{
#ifdef SUP_AUDIT_ARCH
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SUP_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bind,
			 2 + SUP_HOLD_NNR, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SUP_NR_BIND_ALT,
			 1 + SUP_HOLD_NNR, 0),
		SUP_HOLD_FILTER	/* chmod, chown: hold=yes (notify_hold.c) */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	};
	struct sock_fprog prog = { sizeof code / sizeof code[0], code };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			    SECCOMP_FILTER_FLAG_NEW_LISTENER |
			    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &prog);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* Sends descriptor fd over the socket chan. Returns 0, or -1 with errno. */
static int send_fd(int chan, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char byte = 'L';
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { 0 };
	struct cmsghdr *c;

	memset(&u, 0, sizeof u);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof u.buf;
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	return sendmsg(chan, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

/* Receives one descriptor from chan. Returns it, or -1 (errno 0: the
 * other end closed without sending one). */
static int recv_fd(int chan)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { 0 };
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	memset(&u, 0, sizeof u);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof u.buf;
	do
		n = recvmsg(chan, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	c = n == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int))) {
		if (n >= 0)
			errno = 0;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof fd);
	return fd;
}

/* Ends the supervisor after a failure of its own, with a log line: the
 * program's binds then fail with ENOSYS (closed, never unsupervised). */
static void die(const char *what)
{
	char ebuf[32];

	sm_log(SM_LOG_ERROR, "supervisor: %s: %s; exiting", what,
	       sm_strerror(errno, ebuf, sizeof ebuf));
	_exit(111);
}

/*
 * The supervisor's loop: answers every bind(2) notification on listener
 * until no process uses the filter any more (POLLHUP), then exits.
 */
static void serve(int listener)
{
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	size_t req_size, resp_size;

	/* The kernel's structures may be larger than our headers' ones. */
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		die("SECCOMP_GET_NOTIF_SIZES");
	req_size = sizes.seccomp_notif > sizeof *req ? sizes.seccomp_notif
						      : sizeof *req;
	resp_size = sizes.seccomp_notif_resp > sizeof *resp
			    ? sizes.seccomp_notif_resp : sizeof *resp;
	/* Linux >= 6.6: the kernel switches straight to us and back, about
	 * halving a notification's round trip. Older: not needed. */
	(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
		    SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	req = malloc(req_size);
	resp = malloc(resp_size);
	if (!req || !resp)
		die("malloc");
	for (;;) {
		struct pollfd p = { listener, POLLIN, 0 };

		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (!(p.revents & POLLIN)) {
			if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
				_exit(0);	/* nobody left to serve */
			continue;
		}
		memset(req, 0, req_size);
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
			if (errno == ENOENT || errno == EINTR)
				continue;	/* the caller is gone */
			die("SECCOMP_IOCTL_NOTIF_RECV");
		}
		memset(resp, 0, resp_size);
		sup_handle(listener, req, resp);
		/* ENOENT: the caller was killed meanwhile; nothing to do. */
		(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
	}
}

/*
 * The supervisor process, from its birth: a session of its own (no
 * terminal signals), "/" as directory, no descriptor of the program's
 * but stderr, waits for the listener on chan, says ready, serves.
 * Never returns.
 */
static void supervisor(int chan, int theirs, const struct sm_policy *pol)
{
	struct hello h = { 'h', 0 };
	struct ready r = { 'y', 0, "" };
	struct ucred peer;
	socklen_t plen = sizeof peer;
	const char *why;
	int listener, null;

	if (chan <= 2) {	/* sockmode started with 0, 1 or 2 closed */
		int low = chan;

		chan = fcntl(low, F_DUPFD_CLOEXEC, 3);
		if (chan < 0)
			_exit(111);
		close(low);
	}
	setsid();
	(void)prctl(PR_SET_NAME, "sockmode-super", 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);
	if (chdir("/") < 0)
		_exit(111);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
		_exit(111);
	if (chan > 3)
		close_range(3, (unsigned)chan - 1, 0);
	close_range((unsigned)chan + 1, ~0u, 0);

	h.pid = getpid();
	if (send(chan, &h, sizeof h, MSG_NOSIGNAL) != (ssize_t)sizeof h)
		_exit(0);	/* sockmode gave up: nothing to serve */
	listener = recv_fd(chan);
	if (listener < 0)
		_exit(0);
	if (sup_init(pol) < 0)
		die("cannot start");
	if (getsockopt(chan, SOL_SOCKET, SO_PEERCRED, &peer, &plen) < 0)
		peer.pid = 0;
	/* Find out now, not at the first bind, when this supervisor cannot
	 * reach the program (e.g. a default Docker container). */
	if (sup_probe(peer.pid, &probe_word, probe_word, theirs, &why) < 0) {
		r.ok = 'n';
		r.err = errno;
		snprintf(r.why, sizeof r.why, "%s", why);
	}
	sm_log(SM_LOG_DEBUG, "supervisor pid %d serves the binds of pid %d",
	       (int)h.pid, (int)peer.pid);
	if (send(chan, &r, sizeof r, MSG_NOSIGNAL) != (ssize_t)sizeof r ||
	    r.ok != 'y')
		_exit(111);
	close(chan);
	serve(listener);
	_exit(0);
}

/* "sockmode: cannot run under the seccomp supervisor: WHY[: ERRNO]". */
static int refuse(const char *why, int err)
{
	fprintf(stderr, "sockmode: cannot run the command under the seccomp "
		"supervisor: %s%s%s\n", why, err ? ": " : "",
		err ? strerror(err) : "");
	return 111;
}

/* The message for a failed install_filter() with errno err. */
static const char *filter_error(int err)
{
	switch (err) {
	case EINVAL:
		return "the kernel rejects the filter (seccomp user "
		       "notification with SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV "
		       "needs Linux >= 5.19)";
	case EBUSY:
		return "this process already has a seccomp listener (sockmode "
		       "--via=seccomp inside another, or another supervisor)";
	case ENOSYS:
#ifdef SUP_AUDIT_ARCH
		return "seccomp is not available (kernel without "
		       "CONFIG_SECCOMP_FILTER, or seccomp() blocked)";
#else
		return "not supported on this architecture";
#endif
	default:
		return "cannot install the seccomp filter";
	}
}

/* Receives exactly one message of size bytes from chan into buf.
 * Returns 0, or -1 (errno 0: a short one or end of file). */
static int recv_msg(int chan, void *buf, size_t size)
{
	ssize_t n;

	do
		n = recv(chan, buf, size, 0);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)size)
		return 0;
	if (n >= 0)
		errno = 0;
	return -1;
}

int cli_supervise(const struct sm_policy *pol)
{
	struct hello h;
	struct ready r;
	int sv[2], status = 0, listener, err, had_sigchld;
	sigset_t pending;
	pid_t mid, w;

	/* A SIGCHLD that C's exit leaves pending (when it is blocked) would
	 * reach the program after exec: note whether one was there. */
	sigpending(&pending);
	had_sigchld = sigismember(&pending, SIGCHLD);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return refuse("socketpair", errno);
	fflush(NULL);
	mid = fork();
	if (mid < 0) {
		err = errno;
		close(sv[0]);
		close(sv[1]);
		return refuse("fork", err);
	}
	if (mid == 0) {	/* C: start S and go, so that S is nobody's child */
		pid_t sup;

		sup = fork();
		if (sup == 0)
			supervisor(sv[1], sv[0], pol);
		_exit(sup < 0 ? 1 : 0);
	}
	close(sv[1]);
	do
		w = waitpid(mid, &status, 0);
	while (w < 0 && errno == EINTR);
	/* ECHILD: SIGCHLD ignored, C reaped itself; the answer tells. */
	if (w == mid && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
		close(sv[0]);
		return refuse("cannot fork the supervisor", 0);
	}
	sigpending(&pending);
	if (!had_sigchld && sigismember(&pending, SIGCHLD) == 1) {
		static const struct timespec zero = { 0, 0 };
		sigset_t chld;

		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		(void)sigtimedwait(&chld, NULL, &zero);
	}

	if (recv_msg(sv[0], &h, sizeof h) < 0 || h.ok != 'h') {
		err = errno;
		close(sv[0]);
		return refuse("the supervisor did not start", err);
	}
	/* Where Yama restricts ptrace, let the supervisor read our memory
	 * and take our sockets (EINVAL without Yama: nothing to do). */
	(void)prctl(PR_SET_PTRACER, (unsigned long)h.pid, 0, 0, 0);

	listener = install_filter();
	if (listener < 0) {
		err = errno;
		close(sv[0]);	/* the supervisor sees EOF and exits */
		return refuse(filter_error(err), err);
	}
	if (send_fd(sv[0], listener) < 0) {
		err = errno;
		close(sv[0]);
		close(listener);
		return refuse("cannot hand the listener to the supervisor", err);
	}
	close(listener);	/* the program must never answer itself */
	err = recv_msg(sv[0], &r, sizeof r) < 0 ? errno : 0;
	close(sv[0]);
	if (err || (r.ok != 'y' && r.ok != 'n'))
		return refuse("the supervisor did not start", err);
	if (r.ok == 'n') {
		r.why[sizeof r.why - 1] = '\0';
		return refuse(r.why, r.err);
	}
	return 0;
}
