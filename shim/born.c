/* born.c - bind so that the socket file is born closed, umask untouched
 * for every thread of the program (SPEC 4.2, 4.4). */
#include "born.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * What a private-umask child does and what it found out. The child runs
 * in our memory (CLONE_VM), with a copy of our descriptor table (the
 * same sockets: a bind there binds ours) and its own copy of the
 * fs_struct (no CLONE_FS), so its umask() is seen by nobody else: neither
 * by threads glibc knows about nor by those it does not (raw clone()
 * threads of Go runtimes, JITs, sandboxes), whatever
 * __libc_single_threaded says. CLONE_VM|CLONE_VFORK alone is vfork()'s
 * shape, which valgrind also runs (as a fork: the bind's result comes
 * back in the exit status, not in memory).
 */
struct private_job {
	sm_bind_fn *real_bind;	/* NULL: only read the umask */
	int fd;
	const struct sockaddr *addr;
	socklen_t len;
	mode_t mask;		/* the umask found */
};

/* The child's stack: its two calls need little (a sanitizer's frames
 * included); kept off the common path by noinline below. */
#define SM_PRIVATE_STACK 8192

/* The child: runs with every signal blocked (inherited), on its own
 * small stack, and only makes system calls. */
static int private_child(void *arg)
{
	struct private_job *job = arg;

	job->mask = umask(0777);
	if (!job->real_bind)
		return 0;
	/* The result comes back in the exit status alone (valgrind runs
	 * the child in a copy of our memory). An errno fits. */
	return job->real_bind(job->fd, job->addr, job->len) < 0 ?
	       errno & 0xff : 0;
}

/*
 * Runs job in a child that shares our memory but has a private umask
 * (see struct private_job); the calling thread waits for it
 * (CLONE_VFORK), the others run on. Returns the child's exit status
 * (the bind's errno, or 0), or -1 with errno when no such child can be
 * made (EPERM under a seccomp profile, EAGAIN). Allocation-free and
 * lock-free: the stack is this frame's.
 */
__attribute__((noinline)) static int run_private(struct private_job *job)
{
	char stack[SM_PRIVATE_STACK] __attribute__((aligned(16)));
	sigset_t all, old;
	int pid, status = 0, err = 0;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	/* No termination signal: a "clone child", invisible to the
	 * program's wait() and SIGCHLD; reaped here with __WCLONE. */
	pid = clone(private_child, stack + sizeof stack,
		    CLONE_VM | CLONE_VFORK, job);
	if (pid < 0)
		err = errno;
	else
		while (waitpid(pid, &status, __WCLONE) < 0 && errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		errno = err;
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
}

/* The Umask: line of /proc/thread-self/status (Linux >= 4.7), or -1
 * with errno. */
static int umask_from_proc(void)
{
	char buf[1024], *p;
	ssize_t n;
	int fd, mask = 0;

	fd = open("/proc/thread-self/status", O_RDONLY | O_CLOEXEC);
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

int sm_read_umask(void)
{
	struct private_job job = { 0 };
	int mask = umask_from_proc();

	if (mask >= 0)
		return mask;
	if (run_private(&job) < 0)	/* no /proc: ask a private copy */
		return -1;
	return (int)(job.mask & 0777);
}

/*
 * The fallback when the socket's inode mode cannot be set (fchmod failed
 * with refused: an LSM, or a socket created by another user before a
 * privilege drop): the bind is done by a private-umask child under umask
 * 0777, which no thread of the program can observe. When no such child
 * can be made, nothing is bound (guard_err). Not even a stream socket may
 * be born open: connect() checks the file's permission when it looks the
 * path up and only later whether the socket listens.
 */
static int bind_under_umask(sm_bind_fn *real_bind, int fd,
			    const struct sockaddr *addr, socklen_t len,
			    int refused, struct sm_born *out)
{
	struct private_job job = { real_bind, fd, addr, len, 0 };
	int err = run_private(&job);

	if (err < 0) {
		out->guard_err = out->err = refused;
		return out->rc = -1;
	}
	out->err = err;
	return out->rc = err ? -1 : 0;
}

int sm_born_bind(sm_bind_fn *real_bind, int fd, const struct sockaddr *addr,
		 socklen_t len, struct sm_born *out)
{
	struct stat sock;

	out->guard_err = 0;
	out->sock_ino = 0;
	out->started.tv_sec = out->started.tv_nsec = 0;
	if (fstat(fd, &sock) < 0 || !S_ISSOCK(sock.st_mode)) {
		/* EBADF, ENOTSOCK: the real bind says so; never fchmod a
		 * file that is not a socket. */
		out->rc = real_bind(fd, addr, len);
		out->err = out->rc < 0 ? errno : 0;
		return out->rc;
	}
	out->sock_ino = sock.st_ino;
	clock_gettime(CLOCK_REALTIME_COARSE, &out->started);
	if (fchmod(fd, 0) < 0)
		return bind_under_umask(real_bind, fd, addr, len, errno, out);
	out->rc = real_bind(fd, addr, len);
	out->err = out->rc < 0 ? errno : 0;
	/* Only the socket's own inode (what fstat on the descriptor shows);
	 * the file just created keeps its mode 0. */
	fchmod(fd, sock.st_mode & 07777);
	return out->rc;
}
