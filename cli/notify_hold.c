/* notify_hold.c - hold=yes under --via=seccomp (issue 14): a chmod or
 * chown call of the supervised program whose target is a socket file the
 * supervisor bound under a rule keeps the attributes the rule set. The
 * table of held inodes is the supervisor's own (sm_apply() fills it as it
 * binds); the decision and the action are the library's (shim/hold.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hold.h"
#include "super.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL	/* Linux >= 6.9: a pidfd for one thread */
#endif

/* One chmod-like or chown-like call, its arguments decoded. */
struct call {
	int is_chmod;
	int dirfd;		/* AT_FDCWD or the program's descriptor */
	uint64_t path;		/* its address in the program */
	mode_t mode;		/* chmod */
	uid_t uid;		/* chown */
	gid_t gid;
	int flags;		/* AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH */
};

int sup_hold_wants(long nr)
{
	switch (nr) {
#if defined(__x86_64__)
	case __NR_chmod:
	case __NR_chown:
	case __NR_lchown:
#endif
	case __NR_fchmodat:
	case SYS_fchmodat2:
	case __NR_fchownat:
		return 1;
	}
	return 0;
}

/* Decodes req's arguments into *c (the kernel's own signatures). */
static void decode(const struct seccomp_notif *req, struct call *c)
{
	const __u64 *a = req->data.args;

	memset(c, 0, sizeof *c);
	c->dirfd = AT_FDCWD;
	switch (req->data.nr) {
#if defined(__x86_64__)
	case __NR_chmod:
		c->is_chmod = 1;
		c->path = a[0];
		c->mode = (mode_t)a[1];
		return;
	case __NR_chown:
	case __NR_lchown:
		c->path = a[0];
		c->uid = (uid_t)a[1];
		c->gid = (gid_t)a[2];
		c->flags = req->data.nr == __NR_lchown ? AT_SYMLINK_NOFOLLOW
						       : 0;
		return;
#endif
	case __NR_fchmodat:
	case SYS_fchmodat2:
		c->is_chmod = 1;
		c->dirfd = (int)a[0];
		c->path = a[1];
		c->mode = (mode_t)a[2];
		c->flags = req->data.nr == SYS_fchmodat2 ? (int)a[3] : 0;
		return;
	default:	/* __NR_fchownat */
		c->dirfd = (int)a[0];
		c->path = a[1];
		c->uid = (uid_t)a[2];
		c->gid = (gid_t)a[3];
		c->flags = (int)a[4];
	}
}

/*
 * Reads the NUL-terminated string at addr in thread tid (its /proc
 * directory procfd) into buf (size bytes), a page at most at a time (a
 * read never spans into an unmapped page), as sup_read_mem() reads: also
 * where process_vm_readv is refused. Returns 0, or -1 with errno
 * (EFAULT, ESRCH, ENAMETOOLONG).
 */
static int read_string(int procfd, pid_t tid, uint64_t addr, char *buf,
		       size_t size)
{
	size_t got = 0;

	while (got < size) {
		size_t chunk = 4096 - (size_t)((addr + got) % 4096);
		ssize_t n;

		if (chunk > size - got)
			chunk = size - got;
		n = sup_read_mem(procfd, tid, buf + got, chunk, addr + got);
		if (n <= 0)
			return -1;
		if (memchr(buf + got, '\0', (size_t)n))
			return 0;
		got += (size_t)n;
	}
	errno = ENAMETOOLONG;
	return -1;
}

/*
 * The directory the call's path is relative to, as a descriptor of ours:
 * the thread's current directory, or its descriptor dirfd (pidfd_getfd).
 * Returns it, or AT_FDCWD for an absolute path (our root is the
 * program's: sup_as_caller() checks), or -1 with errno.
 */
static int base_dir(int procfd, pid_t tid, const struct call *c,
		    const char *path)
{
	const char *why;
	int pidfd, fd, whole;

	if (path[0] == '/')
		return AT_FDCWD;
	if (c->dirfd == AT_FDCWD)
		return openat(procfd, "cwd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* The thread's own table, proven (before Linux 6.9 a pidfd names
	 * the leader's: sup_take_fd() checks the copy is the thread's). */
	pidfd = sup_open_pidfd(tid, tid, &whole);
	if (pidfd < 0)
		return -1;
	fd = sup_take_fd(pidfd, whole, procfd, c->dirfd, &why);
	close(pidfd);
	return fd;
}

/* What the call does, as the program (run by sup_as_caller()). */
struct job {
	const struct call *c;
	int base;
	const char *path;
	int held;	/* out: the target is held (else: continue) */
	int err;	/* out: with held, the call's errno, or 0 */
};

/* Opens the job's target: the base descriptor itself (*own 0) for an
 * empty path with AT_EMPTY_PATH, else the path in it, O_PATH. Returns
 * the descriptor, or -1 with errno. */
static int open_target(const struct job *j, int *own)
{
	*own = !(!j->path[0] && (j->c->flags & AT_EMPTY_PATH));
	if (!*own)
		return j->base;
	return openat(j->base, j->path, O_PATH | O_CLOEXEC |
		      (j->c->flags & AT_SYMLINK_NOFOLLOW ? O_NOFOLLOW : 0));
}

/* Nonzero when the job's target, as the supervisor itself finds it, is
 * held: the cheap first look. Only then is the call examined again as
 * the program, whose own look-up decides. */
static int held_as_seen_here(const struct job *j)
{
	int own, fd = open_target(j, &own), held;

	if (fd < 0)
		return 0;
	held = sm_hold_fd(fd) != 0;
	if (own)
		close(fd);
	return held;
}

static void act(void *arg)
{
	struct job *j = arg;
	const struct call *c = j->c;
	int own, rc, fd = open_target(j, &own);

	if (fd < 0)
		return;	/* the kernel says why, as it would have */
	j->held = sm_hold_fd(fd) != 0;
	if (j->held) {
		rc = c->is_chmod ? sm_hold_chmod(fd, j->path, c->mode,
						 c->flags & AT_SYMLINK_NOFOLLOW)
				 : sm_hold_chown(fd, j->path, c->uid, c->gid);
		j->err = rc < 0 ? errno : 0;
	}
	if (own)
		close(fd);
}

void sup_hold_handle(int listener, const struct seccomp_notif *req,
		     struct seccomp_notif_resp *resp)
{
	char path[PATH_MAX], dir[32];
	struct call c;
	struct job j;
	int procfd;

	if (!sm_hold_active())
		return;	/* nothing held: continue */
	decode(req, &c);
	if (c.flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return;	/* the kernel's EINVAL */
	snprintf(dir, sizeof dir, "/proc/%d", (int)req->pid);
	procfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return;	/* the thread is gone */
	if (read_string(procfd, (pid_t)req->pid, c.path, path,
			sizeof path) < 0) {
		close(procfd);
		return;	/* the kernel's EFAULT, ENAMETOOLONG */
	}
	memset(&j, 0, sizeof j);
	j.c = &c;
	j.path = path;
	j.base = base_dir(procfd, (pid_t)req->pid, &c, path);
	close(procfd);
	if (j.base == -1)
		return;	/* EBADF and the like: the kernel says so */
	if (held_as_seen_here(&j) &&
	    sup_as_caller(listener, req, act, &j) == 0 && j.held) {
		resp->flags = 0;
		resp->error = j.err ? -j.err : 0;
		resp->val = j.err ? -1 : 0;
	}
	if (j.base >= 0)
		close(j.base);
}
