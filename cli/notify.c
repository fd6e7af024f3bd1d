/* notify.c - one bind(2) of the supervised program, done on its behalf
 * with the library's own policy code (SPEC 7).
 *
 * The supervisor is a single thread that serves one notification at a
 * time, so it may take on, around each bind, the program thread's
 * directory, umask and file-system credentials: nobody else can observe
 * them, and the bind behaves as the program's own would have, down to
 * the owner of the new file and the errno of a refused one.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "apply.h"
#include "keys.h"
#include "log.h"
#include "path.h"
#include "super.h"

static const struct sm_policy *sup_pol;
static int root_fd = -1;		/* "/": where we wait between binds */
static struct statx root_stx;		/* ours, to compare the program's */
static struct stat mntns_st;
static gid_t their_groups[SUP_MAX_GROUPS];

int sup_init(const struct sm_policy *pol)
{
	sup_pol = pol;
	root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0 ||
	    statx(root_fd, "", AT_EMPTY_PATH, STATX_INO | STATX_MNT_ID,
		  &root_stx) < 0 || !(root_stx.stx_mask & STATX_MNT_ID) ||
	    stat("/proc/thread-self/ns/mnt", &mntns_st) < 0 ||
	    sup_creds_init() < 0 || sup_reach_init() < 0)
		return -1;
	return 0;
}

/* The bind the library's sm_apply() calls: the kernel's, directly (the
 * supervisor runs under no filter). */
static int real_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	/* The system call itself: with libsockmode.so in our own
	 * LD_PRELOAD (a unit's Environment= for the program), bind() would
	 * be the library's hook, applying the policy a second time. */
	return (int)syscall(SYS_bind, fd, addr, len);
}

/* Nonzero while notification id still names a thread blocked in that
 * bind(): what was read about its thread id was about that thread. */
static int still_valid(int listener, __u64 id)
{
	return ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* The kernel does the bind, untouched (SPEC 4.1). */
static void pass(struct seccomp_notif_resp *resp)
{
	resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	resp->error = 0;
	resp->val = 0;
}

/* bind() returns 0 (err 0) or -1 with errno err. */
static void answer(struct seccomp_notif_resp *resp, int err)
{
	resp->flags = 0;
	resp->error = err ? -err : 0;
	resp->val = err ? -1 : 0;
}

/*
 * The supervisor cannot act for this bind (why; cause an errno, or 0):
 * logged like the library's policy failures; with on_error=warn the
 * kernel binds untouched, else the bind fails with EACCES (SPEC 4.6).
 */
static void cannot(struct seccomp_notif_resp *resp, const char *path,
		   const char *why, int cause)
{
	int warn = sup_pol->on_error == SM_ON_ERROR_WARN;
	char ebuf[32];

	sm_log(SM_LOG_ERROR, "bind %s: %s%s%s%s", path, why,
	       cause ? ": " : "",
	       cause ? sm_strerror(cause, ebuf, sizeof ebuf) : "",
	       warn ? " (on_error=warn: bind kept)" : "");
	if (warn)
		pass(resp);
	else
		answer(resp, EACCES);
}

/* Nonzero when the object at name in dirfd is *want (same device and
 * inode); 0 when not, -1 with errno when it cannot be seen. */
static int same_object(int dirfd, const char *name, const struct stat *want)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, 0) < 0)
		return -1;
	return st.st_dev == want->st_dev && st.st_ino == want->st_ino;
}

/* 1 when the root directory of the thread of procfd is ours: the same
 * inode on the same mount (a chroot into a bind mount of "/" has our
 * inode, not our submounts). 0 when not, -1 with errno. */
static int same_root(int procfd)
{
	struct statx stx;

	if (statx(procfd, "root", 0, STATX_INO | STATX_MNT_ID, &stx) < 0)
		return -1;
	return stx.stx_dev_major == root_stx.stx_dev_major &&
	       stx.stx_dev_minor == root_stx.stx_dev_minor &&
	       stx.stx_ino == root_stx.stx_ino &&
	       (stx.stx_mask & STATX_MNT_ID) &&
	       stx.stx_mnt_id == root_stx.stx_mnt_id;
}

/*
 * Checks that the thread of procfd sees the file system as we do (same
 * root, same mount namespace), so that its bind path means here what it
 * means there; with enter, also enters its current directory (for a
 * relative path). Returns 0, or -1 with *why a message and errno the
 * cause (0 when there is none).
 */
static int see_as(int procfd, int enter, const char **why)
{
	int same, cwd;

	if (procfd < 0) {
		*why = "cannot see the program in /proc";
		errno = 0;
		return -1;
	}
	same = same_root(procfd);
	if (same <= 0) {
		*why = same < 0 ? "cannot see the program's root directory"
			: "the program changed its root directory (chroot): "
			  "cannot bind for it";
		errno = same < 0 ? errno : 0;
		return -1;
	}
	same = same_object(procfd, "ns/mnt", &mntns_st);
	if (same <= 0) {
		*why = same < 0 ? "cannot see the program's mount namespace"
			: "the program is in another mount namespace: cannot "
			  "bind for it";
		errno = same < 0 ? errno : 0;
		return -1;
	}
	if (!enter)
		return 0;
	cwd = openat(procfd, "cwd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0 || fchdir(cwd) < 0) {
		int err = errno;

		if (cwd >= 0)
			close(cwd);
		*why = "cannot enter the program's current directory";
		errno = err;
		return -1;
	}
	close(cwd);
	return 0;
}

/*
 * Takes the program's socket fd for the bind of path: a pidfd of the
 * calling thread, then (the notification still valid, so every fact read
 * through procfd and the pidfd was that thread's) a copy of its fd.
 * Returns the copy, or -1 with resp filled.
 */
static int take_socket(int listener, const struct seccomp_notif *req,
		       int procfd, const struct sup_thread *t, int fd,
		       const char *path, struct seccomp_notif_resp *resp)
{
	const char *why;
	int pidfd, whole, sockfd;

	pidfd = sup_open_pidfd((pid_t)req->pid, t->tgid, &whole);
	if (pidfd < 0) {
		cannot(resp, path, "cannot open the program's pidfd", errno);
		return -1;
	}
	if (!still_valid(listener, req->id)) {	/* gone: nobody to answer */
		close(pidfd);
		answer(resp, ESRCH);
		return -1;
	}
	sockfd = sup_take_fd(pidfd, whole, procfd, fd, &why);
	close(pidfd);
	if (sockfd < 0) {
		if (errno == EBADF)	/* what the kernel's bind says */
			answer(resp, EBADF);
		else
			cannot(resp, path, why, errno);
	}
	return sockfd;
}

/*
 * Binds the program's descriptor fd to un (len bytes; its path path)
 * with d's rule, as the thread of procfd: its credentials (capabilities
 * only when it is in our user namespace: one held in a namespace of its
 * own grants nothing over our files), its umask, and for the proof its
 * network namespace. The current directory is already the program's.
 * Fills resp.
 */
static void bind_for(int listener, const struct seccomp_notif *req,
		     int procfd, const struct sm_decision *d, int fd,
		     const struct sockaddr_un *un, socklen_t len,
		     const char *path, struct seccomp_notif_resp *resp)
{
	const char *why;
	struct sup_thread t;
	int sockfd, rc, err, same, netns;

	if (sup_read_status(procfd, &t, their_groups) < 0) {
		cannot(resp, path, "cannot read the program's credentials "
		       "and umask", errno);
		return;
	}
	same = sup_same_userns(procfd);
	if (same < 0) {
		cannot(resp, path, "cannot see the program's user namespace",
		       errno);
		return;
	}
	if (!same)
		t.id.capeff = 0;
	if (sup_enter_netns(procfd, &netns, &why) < 0) {
		cannot(resp, path, why, errno);
		return;
	}
	/* take_socket() checks the notification after the last read. */
	sockfd = take_socket(listener, req, procfd, &t, fd, path, resp);
	if (sockfd < 0)
		goto out;
	if (!sup_same_ident(&t.id) && sup_become(&t.id) < 0) {
		err = errno;
		sup_restore();
		cannot(resp, path, "cannot take on the program's credentials",
		       err);
		close(sockfd);
		goto out;
	}
	umask(t.umask);	/* what a rule without a mode uses, as there */
	rc = sm_apply(real_bind, sup_pol, d, sup_pol->on_error, sockfd,
		      (const struct sockaddr *)un, len, path);
	err = rc < 0 ? errno : 0;
	if (!sup_same_ident(&t.id))
		sup_restore();
	answer(resp, err);
	close(sockfd);
out:
	if (netns)
		sup_leave_netns();
}

/* /proc/TID of the thread that called bind(), as a directory
 * descriptor. Returns it, or -1 with errno. */
static int open_proc(pid_t tid)
{
	char dir[32];

	snprintf(dir, sizeof dir, "/proc/%d", (int)tid);
	return open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

void sup_handle(int listener, const struct seccomp_notif *req,
		struct seccomp_notif_resp *resp)
{
	const size_t off = offsetof(struct sockaddr_un, sun_path);
	const struct sm_policy *pol = sup_pol;
	char path[SM_SUN_PATH_SIZE], abspath[PATH_MAX];
	struct sm_decision d;
	struct sockaddr_un un;
	const char *why = NULL;
	int fd, len, procfd, entered = 0;
	ssize_t got;

	resp->id = req->id;
	pass(resp);
	if (req->data.arch == SUP_AUDIT_ARCH && sup_hold_wants(req->data.nr)) {
		sup_hold_handle(listener, req, resp);	/* chmod, chown */
		return;
	}
	if (req->data.arch != SUP_AUDIT_ARCH ||
	    (req->data.nr != __NR_bind && req->data.nr != SUP_NR_BIND_ALT))
		return;
	fd = (int)req->data.args[0];
	len = (int)req->data.args[2];	/* the kernel's bind takes an int */
	/* Pass-through (SPEC 4.1) of what is surely not an AF_UNIX path,
	 * as the hook does; the kernel gives these its own errors. */
	if (!req->data.args[1] || len <= (int)off || len > (int)sizeof un)
		return;
	/* On failure (no /proc, or the thread gone) see_as() fails closed
	 * for an AF_UNIX path, or the memory cannot be read at all. */
	procfd = open_proc((pid_t)req->pid);
	got = sup_read_mem(procfd, (pid_t)req->pid, &un, (size_t)len,
			   req->data.args[1]);
	if (got != (ssize_t)len) {
		/* EFAULT (or a part of it unmapped): the kernel's bind says
		 * EFAULT too; ESRCH: the thread is gone. Else we cannot tell
		 * what this bind is: fail closed. */
		if (got < 0 && errno != EFAULT && errno != ESRCH)
			cannot(resp, "(unknown)", "cannot read the address the "
			       "program passed to bind()", errno);
		goto out;
	}
	if (un.sun_family != AF_UNIX || un.sun_path[0] == '\0')
		goto out;
	memcpy(path, un.sun_path, (size_t)len - off);
	path[(size_t)len - off] = '\0';

	if (pol->valid && pol->nrules == 0)
		goto out;
	entered = path[0] != '/';
	if (see_as(procfd, entered, &why) < 0) {
		cannot(resp, path, why, errno);
		goto out;
	}
	/* Still that thread: procfd, the address, the root, the directory
	 * were its own (a reused thread id would have made them another's);
	 * from here on procfd can name no other thread. */
	if (!still_valid(listener, req->id))
		goto out;
	switch (sm_policy_decide(pol, path, abspath, sizeof abspath, &d)) {
	case -1:
		answer(resp, errno);
		goto out;
	case 0:
		goto out;
	}
	bind_for(listener, req, procfd, &d, fd, &un, (socklen_t)len, path,
		 resp);
out:
	if (procfd >= 0)
		close(procfd);
	if (entered && fchdir(root_fd) < 0)
		_exit(111);	/* cannot happen: "/" is open */
}

int sup_as_caller(int listener, const struct seccomp_notif *req,
		  void (*fn)(void *arg), void *arg)
{
	const char *why;
	struct sup_thread t;
	int procfd, err, same;

	procfd = open_proc((pid_t)req->pid);
	if (procfd < 0)
		return -1;
	if (see_as(procfd, 0, &why) < 0 ||
	    sup_read_status(procfd, &t, their_groups) < 0 ||
	    (same = sup_same_userns(procfd)) < 0)
		goto fail;
	if (!same)
		t.id.capeff = 0;	/* as for a bind (bind_for) */
	if (!still_valid(listener, req->id)) {
		errno = ESRCH;
		goto fail;
	}
	if (!sup_same_ident(&t.id) && sup_become(&t.id) < 0) {
		err = errno;
		sup_restore();
		errno = err;
		goto fail;
	}
	fn(arg);
	if (!sup_same_ident(&t.id))
		sup_restore();
	close(procfd);
	return 0;
fail:
	err = errno;
	close(procfd);
	errno = err;
	return -1;
}
