/* apply.c - make the socket file this bind created exactly what the
 * rule says, touching no other inode (SPEC 4.2-4.5). */
#include "apply.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acl.h"
#include "hold.h"
#include "keys.h"
#include "log.h"
#include "mkdirs.h"
#include "onexit.h"
#include "path.h"
#include "prove.h"
#include "stale.h"

#ifndef SIOCUNIXFILE	/* <linux/un.h>, which clashes with <sys/un.h> */
#define SIOCUNIXFILE (SIOCPROTOPRIVATE + 0)	/* Linux >= 4.19 */
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

/* How the steps after the bind went: the first failure, for the errno. */
struct outcome {
	const char *path;
	int warn;		/* on_error=warn: log and go on */
	const char *step;	/* the first step that failed, or NULL */
	int err;		/* its errno */
};

/*
 * Records that step failed with errno and logs it. Returns nonzero when
 * the remaining steps should still be tried (on_error=warn).
 */
static int failed(struct outcome *o, const char *step)
{
	char ebuf[32];
	int err = errno;

	if (!o->step) {
		o->step = step;
		o->err = err;
	}
	sm_log(SM_LOG_ERROR, "bind %s: %s: %s%s", o->path, step,
	       sm_strerror(err, ebuf, sizeof ebuf),
	       o->warn ? " (on_error=warn: bind kept)" : "");
	return o->warn;
}

/* The owner and group the file has after the chown, for messages. */
static uid_t owner_of(const struct sm_rule *r, const struct stat *st)
{
	return r->keys & SM_HAS_OWNER ? r->uid : st->st_uid;
}

static gid_t group_of(const struct sm_rule *r, const struct stat *st)
{
	return r->keys & SM_HAS_GROUP ? r->gid : st->st_gid;
}

/* Closes walked, the directory sm_dirs_prepare() reached, when it is a
 * descriptor. Returns rc; keeps errno. */
static int close_walked(int walked, int rc)
{
	int saved = errno;

	if (walked >= 0)
		close(walked);
	errno = saved;
	return rc;
}

/*
 * Nonzero when t's proven inode is the entry t->name of the directory
 * open as walked: the bind, which looks the path up again, landed in the
 * directory the walk made or checked, not through a symlink swapped in
 * since. Else zero with errno EACCES.
 */
static int in_walked_dir(int walked, const struct target *t)
{
	struct stat st;

	if (fstatat(walked, t->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_dev == t->st.st_dev && st.st_ino == t->st.st_ino)
		return 1;
	errno = EACCES;
	return 0;
}

/*
 * Gives t's inode rule's ACL, which replaces an inherited one and sets
 * the mode bits too; without acl=, or when that failed under
 * on_error=warn, removes an inherited ACL and sets mode exactly. Returns
 * 0 to go on, -1 to stop (a step failed under on_error=fail).
 */
static int set_permissions(const struct target *t, const struct sm_rule *rule,
			   mode_t mode, struct outcome *o)
{
	if (rule->keys & SM_HAS_ACL) {
		if (sm_acl_set(t->fd, rule, mode) == 0)
			return 0;
		if (!failed(o, errno == ENOENT ? "setting the ACL (is /proc "
			    "mounted?)" : "setting the ACL"))
			return -1;
	}
	if (sm_acl_drop(t->fd) < 0 &&
	    !failed(o, errno == ENOENT ? "removing the inherited ACL (is "
		    "/proc mounted?)" : "removing the inherited ACL"))
		return -1;
	if (sm_chmod_fd(t->fd, mode) < 0 && !failed(o, "chmod"))
		return -1;
	return 0;
}

int sm_apply(sm_bind_fn *real_bind, const struct sm_rule *rule,
	     int on_error, int fd, const struct sockaddr *addr,
	     socklen_t len, const char *path)
{
	struct outcome o = { path, on_error == SM_ON_ERROR_WARN, NULL, 0 };
	struct sm_born born;
	struct target t;
	mode_t mode = 0;	/* unknown: leave the file as closed as born */
	char dirs_failed[320];
	int mask, walked = -1;

	if ((rule->keys & SM_HAS_DIRS) &&	/* its stack only then */
	    sm_dirs_prepare(rule, path, &walked, dirs_failed,
			    sizeof dirs_failed) < 0 &&
	    !failed(&o, dirs_failed)) {
		errno = o.err;	/* EACCES, ELOOP, or mkdirat's own */
		return -1;	/* nothing bound: nothing to remove */
	}
	if (rule->keys & SM_HAS_STALE)	/* a dead server's file: gone */
		sm_stale_remove(path);
	if (sm_born_bind(real_bind, fd, addr, len, &born) < 0) {
		if (!born.guard_err) {
			errno = born.err;
			return close_walked(walked, -1);
		}
		errno = born.guard_err;
		if (!failed(&o, "cannot create the socket file closed") ||
		    real_bind(fd, addr, len) < 0)
			return close_walked(walked, -1);
	}

	if (prove_target(fd, born.sock_ino, path, &t) < 0) {
		/* Not provably ours: touch nothing, remove nothing. */
		int why = errno;

		if (failed(&o, "cannot prove the socket file is ours"))
			return close_walked(walked, 0);
		errno = resource_errno(why) ? why : EACCES;
		return close_walked(walked, -1);
	}
	if (walked >= 0 && !in_walked_dir(walked, &t) &&
	    !failed(&o, "its directory was swapped for a symlink during the "
		    "bind (the socket is not in the directory made)"))
		goto done;

	if (rule->keys & (SM_HAS_MODE | SM_HAS_UMASK))
		mode = rule->mode;
	else if ((mask = sm_read_umask()) >= 0)	/* as the program's umask */
		mode = 0777 & ~(mode_t)mask;	/* would have made it */
	else if (!failed(&o, "reading the umask (is /proc mounted?)"))
		goto done;

	if ((rule->keys & (SM_HAS_OWNER | SM_HAS_GROUP)) &&
	    sm_chown_fd(t.fd,	/* the syscall: not the chown hook */
			rule->keys & SM_HAS_OWNER ? rule->uid : (uid_t)-1,
			rule->keys & SM_HAS_GROUP ? rule->gid : (gid_t)-1) < 0 &&
	    !failed(&o, "chown"))
		goto done;
	if (set_permissions(&t, rule, mode, &o) < 0)
		goto done;
	if (!o.step && (rule->keys & SM_HAS_ACL))
		sm_log(SM_LOG_INFO, "%s: mode %04o and acl (ls shows %04o: "
		       "the mask) owner %u group %u", path, (unsigned)mode,
		       (unsigned)sm_acl_shown_mode(rule, mode),
		       (unsigned)owner_of(rule, &t.st),
		       (unsigned)group_of(rule, &t.st));
	else if (!o.step)
		sm_log(SM_LOG_INFO, "%s: mode %04o owner %u group %u", path,
		       (unsigned)mode, (unsigned)owner_of(rule, &t.st),
		       (unsigned)group_of(rule, &t.st));
done:
	close_walked(walked, 0);
	if (o.step && !o.warn)
		remove_target(&t);
	else if ((rule->keys & SM_HAS_REMOVE) && sm_onexit_enabled)
		sm_onexit_remember(path, &t.st);	/* proven ours */
	if (!o.step)	/* hold=yes: the program's own chmod cannot undo it */
		sm_hold_remember(rule, t.fd, path);
	close(t.fd);
	if (t.dirfd >= 0)
		close(t.dirfd);
	if (o.step && !o.warn) {
		/* ENOENT means no /proc here; the program's path exists. */
		errno = o.err == ENOENT ? EACCES : o.err;
		return -1;
	}
	return 0;
}
