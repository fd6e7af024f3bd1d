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
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "apply.h"
#include "keys.h"
#include "log.h"
#include "path.h"
#include "super.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL	/* Linux >= 6.9: a pidfd for one thread */
#endif

#define MAX_GROUPS 65536	/* NGROUPS_MAX of Linux */

/* The credentials that decide what a bind may do in the file system. */
struct ident {
	uid_t fsuid;
	gid_t fsgid;
	size_t ngroups;
	gid_t *groups;		/* room for MAX_GROUPS */
	uint64_t capeff;	/* effective capabilities */
};

/* What /proc/TID/status says about the thread that called bind(). */
struct thread {
	pid_t tgid;
	mode_t umask;
	struct ident id;
};

static const struct sm_policy *sup_pol;
static int root_fd = -1;		/* "/": where we wait between binds */
static struct stat root_st, mntns_st;	/* ours, to compare the program's */
static struct ident self;		/* our own credentials */
static struct __user_cap_data_struct self_caps[2];
static gid_t self_groups[MAX_GROUPS], their_groups[MAX_GROUPS];
static char status_buf[1 << 20];	/* a status with 65536 groups fits */

/* The text after "KEY:" at the start of a line of buf, blanks skipped;
 * NULL when there is no such line. */
static const char *status_field(const char *buf, const char *key)
{
	size_t n = strlen(key);
	const char *p = buf;

	while (p && *p) {
		if (strncmp(p, key, n) == 0 && p[n] == ':') {
			p += n + 1;
			return p + strspn(p, " \t");
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

/* Reads the index-th (from 0) number of the blank-separated list at p,
 * in base, into *out. Returns 0, or -1 when there is none. */
static int nth_number(const char *p, int index, int base,
		      unsigned long long *out)
{
	char *end;
	int i;

	if (!p)
		return -1;
	for (i = 0;; i++) {
		p += strspn(p, " \t");
		if (*p < '0' || *p > 'f')
			return -1;
		errno = 0;
		*out = strtoull(p, &end, base);
		if (end == p || errno)
			return -1;
		if (i == index)
			return 0;
		p = end;
	}
}

/*
 * Reads file (a /proc/PID/status) into *t, its groups into groups (room
 * for MAX_GROUPS). Returns 0, or -1 with errno (EPROTO: a field is
 * missing, e.g. Umask before Linux 4.7).
 */
static int read_status(const char *file, struct thread *t, gid_t *groups)
{
	unsigned long long v;
	const char *p;
	size_t len = 0;
	ssize_t n = 0;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (len < sizeof status_buf - 1) {
		n = read(fd, status_buf + len, sizeof status_buf - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (n < 0)
		return -1;
	status_buf[len] = '\0';

	t->id.groups = groups;
	t->id.ngroups = 0;
	if (nth_number(status_field(status_buf, "Tgid"), 0, 10, &v) < 0)
		goto bad;
	t->tgid = (pid_t)v;
	if (nth_number(status_field(status_buf, "Umask"), 0, 8, &v) < 0)
		goto bad;
	t->umask = (mode_t)(v & 0777);
	if (nth_number(status_field(status_buf, "Uid"), 3, 10, &v) < 0)
		goto bad;
	t->id.fsuid = (uid_t)v;
	if (nth_number(status_field(status_buf, "Gid"), 3, 10, &v) < 0)
		goto bad;
	t->id.fsgid = (gid_t)v;
	if (nth_number(status_field(status_buf, "CapEff"), 0, 16, &v) < 0)
		goto bad;
	t->id.capeff = v;
	p = status_field(status_buf, "Groups");
	if (!p)
		goto bad;
	while (t->id.ngroups < MAX_GROUPS && nth_number(p, 0, 10, &v) == 0) {
		groups[t->id.ngroups++] = (gid_t)v;
		p += strspn(p, " \t");
		p += strspn(p, "0123456789");
	}
	return 0;
bad:
	errno = EPROTO;
	return -1;
}

/* Nonzero when a and b are the same credentials. */
static int same_ident(const struct ident *a, const struct ident *b)
{
	return a->fsuid == b->fsuid && a->fsgid == b->fsgid &&
	       a->capeff == b->capeff && a->ngroups == b->ngroups &&
	       memcmp(a->groups, b->groups, a->ngroups * sizeof *a->groups)
		       == 0;
}

/* Sets our effective capabilities to eff, as far as we hold them
 * (permitted). Returns 0, or -1 with errno. */
static int set_effective(uint64_t eff)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memcpy(d, self_caps, sizeof d);
	d[0].effective = (uint32_t)eff & d[0].permitted;
	d[1].effective = (uint32_t)(eff >> 32) & d[1].permitted;
	return (int)syscall(SYS_capset, &h, d);
}

/* Sets our file-system uid and gid. Returns 0, or -1 with errno EPERM
 * (setfsuid reports nothing: read back). */
static int set_fsids(uid_t uid, gid_t gid)
{
	setfsgid(gid);
	setfsuid(uid);
	if ((gid_t)setfsgid((gid_t)-1) != gid ||
	    (uid_t)setfsuid((uid_t)-1) != uid) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

/*
 * Takes on who's groups, file-system ids and effective capabilities, so
 * that the bind is checked and its file owned as the program's would be.
 * Returns 0, or -1 with errno (then call restore()).
 */
static int become(const struct ident *who)
{
	if ((who->ngroups != self.ngroups ||
	     memcmp(who->groups, self.groups,
		    who->ngroups * sizeof *who->groups) != 0) &&
	    setgroups(who->ngroups, who->groups) < 0)
		return -1;
	if (set_fsids(who->fsuid, who->fsgid) < 0)
		return -1;
	/* Last: a non-zero fsuid dropped the file capabilities; this sets
	 * exactly the program's (what of them we hold). */
	return set_effective(who->capeff);
}

/*
 * Gets our own credentials back after become(). Exits the supervisor
 * when it cannot: it must never act for the next bind with another's
 * rights (the program's binds then fail with ENOSYS).
 */
static void restore(void)
{
	/* Capabilities first: setfsuid() and setgroups() need ours. */
	if (set_effective(self.capeff) < 0 ||
	    set_fsids(self.fsuid, self.fsgid) < 0 ||
	    setgroups(self.ngroups, self.groups) < 0 ||
	    set_effective(self.capeff) < 0) {
		char ebuf[32];

		sm_log(SM_LOG_ERROR, "supervisor: cannot get its own "
		       "credentials back: %s; exiting",
		       sm_strerror(errno, ebuf, sizeof ebuf));
		_exit(111);
	}
}

int sup_init(const struct sm_policy *pol)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct thread me;

	sup_pol = pol;
	root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0 || fstat(root_fd, &root_st) < 0 ||
	    stat("/proc/self/ns/mnt", &mntns_st) < 0 ||
	    syscall(SYS_capget, &h, self_caps) < 0 ||
	    read_status("/proc/self/status", &me, self_groups) < 0)
		return -1;
	self = me.id;
	return 0;
}

/* The bind the library's sm_apply() calls: the kernel's, directly (the
 * supervisor runs under no filter). */
static int real_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	return bind(fd, addr, len);
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

/*
 * Checks that thread tid sees the file system as we do (same root, same
 * mount namespace), so that its bind path means here what it means
 * there; with enter, also enters its current directory (for a relative
 * path). Returns 0, or -1 with *why a message and errno the cause (0
 * when there is none).
 */
static int see_as(pid_t tid, int enter, const char **why)
{
	char file[64];
	struct stat st;

	snprintf(file, sizeof file, "/proc/%d/root", (int)tid);
	if (stat(file, &st) < 0) {
		*why = "cannot see the program's root directory";
		return -1;
	}
	if (st.st_dev != root_st.st_dev || st.st_ino != root_st.st_ino) {
		*why = "the program changed its root directory (chroot): "
		       "cannot bind for it";
		errno = 0;
		return -1;
	}
	snprintf(file, sizeof file, "/proc/%d/ns/mnt", (int)tid);
	if (stat(file, &st) < 0) {
		*why = "cannot see the program's mount namespace";
		return -1;
	}
	if (st.st_dev != mntns_st.st_dev || st.st_ino != mntns_st.st_ino) {
		*why = "the program is in another mount namespace: cannot "
		       "bind for it";
		errno = 0;
		return -1;
	}
	snprintf(file, sizeof file, "/proc/%d/cwd", (int)tid);
	if (enter && chdir(file) < 0) {
		*why = "cannot enter the program's current directory";
		return -1;
	}
	return 0;
}

/* A pidfd of the calling thread (its own descriptor table), or of its
 * process before Linux 6.9. Returns it, or -1 with errno. */
static int open_pidfd(pid_t tid, pid_t tgid)
{
	int fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);

	if (fd < 0 && errno == EINVAL)
		fd = (int)syscall(SYS_pidfd_open, tgid, 0);
	return fd;
}

/*
 * Binds the program's descriptor fd to un (len bytes; its path path)
 * with rule, as thread tid of the program: its credentials, its umask.
 * The current directory is already the program's. Fills resp.
 */
static void bind_for(int listener, const struct seccomp_notif *req,
		     const struct sm_decision *d, int fd,
		     const struct sockaddr_un *un, socklen_t len,
		     const char *path, struct seccomp_notif_resp *resp)
{
	char status[64];
	struct thread t;
	int pidfd, sockfd, rc, err;

	snprintf(status, sizeof status, "/proc/%d/status", (int)req->pid);
	if (read_status(status, &t, their_groups) < 0) {
		cannot(resp, path, "cannot read the program's credentials "
		       "and umask", errno);
		return;
	}
	pidfd = open_pidfd((pid_t)req->pid, t.tgid);
	if (pidfd < 0) {
		cannot(resp, path, "cannot open the program's pidfd", errno);
		return;
	}
	if (!still_valid(listener, req->id)) {	/* pid reused: not ours */
		close(pidfd);
		answer(resp, ESRCH);
		return;
	}
	sockfd = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	close(pidfd);
	if (sockfd < 0) {
		if (errno == EBADF)	/* what the kernel's bind says */
			answer(resp, EBADF);
		else
			cannot(resp, path, "cannot get the program's socket",
			       errno);
		return;
	}
	if (!same_ident(&t.id, &self) && become(&t.id) < 0) {
		err = errno;
		restore();
		close(sockfd);
		cannot(resp, path, "cannot take on the program's credentials",
		       err);
		return;
	}
	umask(t.umask);	/* what a rule without a mode uses, as there */
	rc = sm_apply(real_bind, sup_pol, d, sup_pol->on_error, sockfd,
		      (const struct sockaddr *)un, len, path);
	err = rc < 0 ? errno : 0;
	if (!same_ident(&t.id, &self))
		restore();
	close(sockfd);
	answer(resp, err);
}

void sup_handle(int listener, const struct seccomp_notif *req,
		struct seccomp_notif_resp *resp)
{
	const size_t off = offsetof(struct sockaddr_un, sun_path);
	const struct sm_policy *pol = sup_pol;
	char path[SM_SUN_PATH_SIZE], abspath[PATH_MAX];
	struct sm_decision d;
	struct sockaddr_un un;
	struct iovec local, remote;
	const char *why = NULL;
	int fd, len, entered = 0;
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
	local.iov_base = &un;
	local.iov_len = (size_t)len;
	/* An address in the program, only ever handed to the kernel. */
	remote.iov_base = (void *)(uintptr_t)req->data.args[1]; /* NOLINT(performance-no-int-to-ptr) */
	remote.iov_len = (size_t)len;
	got = process_vm_readv((pid_t)req->pid, &local, 1, &remote, 1, 0);
	if (got != (ssize_t)len) {
		/* EFAULT (or a part of it unmapped): the kernel's bind says
		 * EFAULT too; ESRCH: the thread is gone. Else we cannot tell
		 * what this bind is: fail closed. */
		if (got < 0 && errno != EFAULT && errno != ESRCH)
			cannot(resp, "(unknown)", "cannot read the address the "
			       "program passed to bind()", errno);
		return;
	}
	if (un.sun_family != AF_UNIX || un.sun_path[0] == '\0')
		return;
	memcpy(path, un.sun_path, (size_t)len - off);
	path[(size_t)len - off] = '\0';

	if (pol->valid && pol->nrules == 0)
		return;
	entered = path[0] != '/';
	if (see_as((pid_t)req->pid, entered, &why) < 0) {
		cannot(resp, path, why, errno);
		goto out;
	}
	/* Still that thread: the address, the root, the directory were
	 * its own (a reused thread id would have made them another's). */
	if (!still_valid(listener, req->id))
		goto out;
	switch (sm_policy_decide(pol, path, abspath, sizeof abspath, &d)) {
	case -1:
		answer(resp, errno);
		goto out;
	case 0:
		goto out;
	}
	bind_for(listener, req, &d, fd, &un, (socklen_t)len, path, resp);
out:
	if (entered && fchdir(root_fd) < 0)
		_exit(111);	/* cannot happen: "/" is open */
}

int sup_as_caller(int listener, const struct seccomp_notif *req,
		  void (*fn)(void *arg), void *arg)
{
	char status[64];
	const char *why;
	struct thread t;
	int err;

	snprintf(status, sizeof status, "/proc/%d/status", (int)req->pid);
	if (see_as((pid_t)req->pid, 0, &why) < 0 ||
	    read_status(status, &t, their_groups) < 0)
		return -1;
	if (!still_valid(listener, req->id)) {
		errno = ESRCH;
		return -1;
	}
	if (!same_ident(&t.id, &self) && become(&t.id) < 0) {
		err = errno;
		restore();
		errno = err;
		return -1;
	}
	fn(arg);
	if (!same_ident(&t.id, &self))
		restore();
	return 0;
}
