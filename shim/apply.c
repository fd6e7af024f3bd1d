/* apply.c - make the socket file this bind created exactly what the
 * rule says, touching no other inode (SPEC 4.2-4.5). */
#include "apply.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "keys.h"
#include "log.h"
#include "path.h"
#include "prove.h"

#ifndef SIOCUNIXFILE	/* <linux/un.h>, which clashes with <sys/un.h> */
#define SIOCUNIXFILE (SIOCPROTOPRIVATE + 0)	/* Linux >= 4.19 */
#endif
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452	/* Linux >= 6.6, the common syscall table */
#endif

/* The inode this bind created, once proven, and how to reach it. */
struct target {
	const char *path;	/* as the program gave it, for messages */
	const char *name;	/* last component of path */
	char dir[SM_SUN_PATH_SIZE];	/* the rest of path */
	int dirfd;		/* O_PATH of dir, or -1 until needed */
	int fd;			/* O_PATH of the socket file itself */
	struct stat st;		/* fstat(fd) at proof time */
};

/*
 * Gets an O_PATH descriptor of exactly the inode sockfd is bound to. With
 * CAP_NET_ADMIN (a root daemon) the kernel hands it over (SIOCUNIXFILE):
 * no path is looked up at all. Without, the file is opened by name inside
 * its directory without following a symlink and proven with sock_diag.
 * Returns 0 with t->fd and t->st set; -1 with errno (EACCES: the name is
 * not our inode), no descriptor left open.
 */
static int prove_target(int sockfd, ino_t sock_ino, const char *path,
			struct target *t)
{
	t->path = path;
	t->dirfd = -1;
	t->name = sm_split_path(path, t->dir, sizeof t->dir);
	if (!t->name)
		return -1;
	t->fd = ioctl(sockfd, SIOCUNIXFILE);
	if (t->fd < 0) {
		t->dirfd = open(t->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (t->dirfd < 0)
			return -1;
		t->fd = openat(t->dirfd, t->name,
			       O_PATH | O_NOFOLLOW | O_CLOEXEC);
	}
	if (t->fd < 0 || fstat(t->fd, &t->st) < 0)
		goto fail;
	if (!S_ISSOCK(t->st.st_mode)) {
		errno = EACCES;
		goto fail;
	}
	if (t->dirfd >= 0 && sm_prove_bound(sock_ino, &t->st) < 0)
		goto fail;
	return 0;
fail: {
	int saved = errno;

	if (t->fd >= 0)
		close(t->fd);
	if (t->dirfd >= 0)
		close(t->dirfd);
	errno = saved;
	return -1;
}
}

/* Sets the permission bits of t's inode through its O_PATH descriptor.
 * Returns 0, or -1 with errno. */
static int chmod_target(const struct target *t, mode_t mode)
{
	char proc[SM_PROC_FD_PATH_SIZE];

	if (syscall(SYS_fchmodat2, t->fd, "", mode, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
		return -1;
	return chmod(sm_proc_fd_path(t->fd, proc), mode);
}

/* Removes an access ACL the file inherited from a default ACL, so that
 * the mode bits are the whole truth. Returns 0 (also when there was none
 * or the filesystem has no ACLs), or -1 with errno. */
static int drop_acl(const struct target *t)
{
	char proc[SM_PROC_FD_PATH_SIZE];

	if (removexattr(sm_proc_fd_path(t->fd, proc), "system.posix_acl_access")
	    == 0)
		return 0;
	return errno == ENODATA || errno == ENOTSUP ? 0 : -1;
}

/*
 * Removes t's directory entry if it still names the proven inode, by
 * unlinkat() relative to its directory (the one the proof used, when it
 * used one), after checking the entry is that inode (SPEC 4.5). Keeps
 * errno.
 */
static void remove_target(struct target *t)
{
	struct stat now;
	int saved = errno;

	if (t->dirfd < 0)
		t->dirfd = open(t->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (t->dirfd >= 0 &&
	    fstatat(t->dirfd, t->name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	    now.st_dev == t->st.st_dev && now.st_ino == t->st.st_ino) {
		if (unlinkat(t->dirfd, t->name, 0) == 0)
			sm_log(SM_LOG_INFO, "%s: removed", t->path);
	} else {
		sm_log(SM_LOG_ERROR, "%s: no longer our socket; left alone",
		       t->path);
	}
	errno = saved;
}

/* Nonzero for an errno that says "out of a resource", worth passing on
 * to the program as it is; other proof failures become EACCES. */
static int resource_errno(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOMEM ||
	       err == ENOBUFS;
}

/* Logs a policy failure: what step failed on which path, and why. */
static void fail_log(const char *path, const char *step, int err, int warn)
{
	char ebuf[32];

	sm_log(SM_LOG_ERROR, "bind %s: %s: %s%s", path, step,
	       sm_strerror(err, ebuf, sizeof ebuf),
	       warn ? " (on_error=warn: bind kept)" : "");
}

int sm_apply(sm_bind_fn *real_bind, const struct sm_rule *rule,
	     int on_error, int fd, const struct sockaddr *addr,
	     socklen_t len, const char *path)
{
	int warn = on_error == SM_ON_ERROR_WARN;
	int err = 0;
	const char *step = NULL;
	struct sm_born born;
	struct target t;
	mode_t mode;

	if (sm_born_bind(real_bind, fd, addr, len, &born) < 0) {
		if (!born.guard_err) {
			errno = born.err;
			return -1;
		}
		fail_log(path, "cannot create the socket file closed",
			 born.guard_err, warn);
		if (!warn) {
			errno = born.guard_err;
			return -1;
		}
		if (real_bind(fd, addr, len) < 0)
			return -1;
	}

	if (prove_target(fd, born.sock_ino, path, &t) < 0) {
		/* Not provably ours: touch nothing, remove nothing. */
		int why = errno;

		fail_log(path, "cannot prove the socket file is ours", why,
			 warn);
		if (warn)
			return 0;
		errno = resource_errno(why) ? why : EACCES;
		return -1;
	}

	if (rule->keys & (SM_HAS_MODE | SM_HAS_UMASK)) {
		mode = rule->mode;
	} else {	/* the mode the program's umask would have given */
		int mask = sm_read_umask();

		if (mask < 0) {
			err = errno;
			step = "reading the umask (is /proc mounted?)";
			mask = 0777;
		}
		mode = 0777 & ~(mode_t)mask;
	}

	if ((!step || warn) &&
	    (rule->keys & (SM_HAS_OWNER | SM_HAS_GROUP)) &&
	    fchownat(t.fd, "",
		     rule->keys & SM_HAS_OWNER ? rule->uid : (uid_t)-1,
		     rule->keys & SM_HAS_GROUP ? rule->gid : (gid_t)-1,
		     AT_EMPTY_PATH) < 0) {
		err = errno;
		step = "chown";
	}
	if ((!step || warn) && drop_acl(&t) < 0) {
		err = errno;
		step = err == ENOENT ? "removing the inherited ACL (is /proc "
				       "mounted?)"
				     : "removing the inherited ACL";
	}
	if ((!step || warn) && chmod_target(&t, mode) < 0) {
		err = errno;
		step = "chmod";
	}

	if (step) {
		fail_log(path, step, err, warn);
		if (!warn)
			remove_target(&t);
	} else {
		sm_log(SM_LOG_INFO, "%s: mode %04o owner %u group %u", path,
		       (unsigned)mode,
		       (unsigned)(rule->keys & SM_HAS_OWNER ? rule->uid
							    : t.st.st_uid),
		       (unsigned)(rule->keys & SM_HAS_GROUP ? rule->gid
							    : t.st.st_gid));
	}
	close(t.fd);
	if (t.dirfd >= 0)
		close(t.dirfd);
	if (step && !warn) {
		/* ENOENT means no /proc here; the program's path exists. */
		errno = err == ENOENT ? EACCES : err;
		return -1;
	}
	return 0;
}
