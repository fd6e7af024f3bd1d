/* apply.c - make the socket file this bind created exactly what the
 * rule says, touching no other inode (SPEC 4.2-4.5). */
#include "apply.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sockios.h>
#include <string.h>
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
#include "policy.h"
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
 * its directory without following a symlink and proven with sock_diag and
 * newborn(). Returns 0 with t->fd and t->st set; -1 with errno (EACCES:
 * the name is not our inode), no descriptor left open.
 */
static int prove_target(int sockfd, const struct sm_born *born,
			const char *path, struct target *t)
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
	if (t->dirfd >= 0 &&
	    (sm_prove_bound(born->sock_ino, &t->st) < 0 ||
	     !sm_prove_newborn(t->fd, &t->st, !born->guard_err,
				      &born->started)))
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

/* Unlinks name in dirfd if it is the inode st describes. Returns 1
 * when it did, else 0. */
static int unlink_if_ours(int dirfd, const char *name, const struct stat *st)
{
	struct stat now;

	return fstatat(dirfd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	       now.st_dev == st->st_dev && now.st_ino == st->st_ino &&
	       unlinkat(dirfd, name, 0) == 0;
}

/*
 * Removes the directory entry of t's proven inode, by unlinkat() relative
 * to a directory in which that entry was just checked to be the inode
 * (SPEC 4.5), never through the program's path alone: first the
 * directory the proof used, when it used one; then the directory the
 * kernel names for the inode itself (it may have landed elsewhere than
 * the program's path said, if that was swapped during the bind); last,
 * without /proc, the program's directory. Keeps errno.
 */
__attribute__((noinline)) static void remove_target(struct target *t)
{
	char real[PATH_MAX], *slash;
	int saved = errno, dirfd, removed = 0;

	if (t->dirfd >= 0)
		removed = unlink_if_ours(t->dirfd, t->name, &t->st);
	if (!removed && sm_fd_name(t->fd, real, sizeof real) == 0 &&
	    (slash = strrchr(real, '/')) != NULL) {
		*slash = '\0';	/* real: its directory; slash + 1: its name */
		dirfd = open(slash == real ? "/" : real,
			     O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dirfd >= 0) {
			removed = unlink_if_ours(dirfd, slash + 1, &t->st);
			close(dirfd);
		}
	} else if (!removed && errno == ENOENT && t->dirfd < 0 &&
		   (dirfd = open(t->dir, O_PATH | O_DIRECTORY |
				 O_CLOEXEC)) >= 0) {
		removed = unlink_if_ours(dirfd, t->name, &t->st);
		close(dirfd);
	}
	if (removed)
		sm_log(SM_LOG_INFO, "%s: removed", t->path);
	else
		sm_log(SM_LOG_ERROR, "%s: no longer our socket; left alone",
		       t->path);
	errno = saved;
}

/*
 * Takes n descriptor numbers (copies of sockfd) into spare, so that the
 * proof after the bind finds the descriptors it needs (a socket file
 * made but not provable is a file left behind). Returns 0, or -1 with
 * errno (EMFILE) and none taken.
 */
static int reserve(int sockfd, int *spare, int n)
{
	int i, saved;

	for (i = 0; i < n; i++) {
		spare[i] = fcntl(sockfd, F_DUPFD_CLOEXEC, 0);
		if (spare[i] < 0)
			goto fail;
	}
	return 0;
fail:
	saved = errno;
	while (i--)
		close(spare[i]);
	errno = saved;
	return -1;
}

/* Gives back what reserve() took; keeps errno. */
static void release(const int *spare, int n)
{
	int saved = errno;

	while (n--)
		close(spare[n]);
	errno = saved;
}

/*
 * The check after the bind (SPEC 3.3): nonzero when d's rule is still the
 * one the file gets by the name the kernel gives its inode (the
 * directory may have been swapped between the lookup and the kernel's
 * own walk). Else zero, errno EACCES, and what differs in why (size
 * bytes).
 */
__attribute__((noinline)) static int decided_right(
	const struct sm_policy *pol,
			 const struct sm_decision *d, const struct target *t,
			 char *why, size_t size)
{
	char real[PATH_MAX], rule[48];
	const struct sm_rule *now;
	const char *name = sm_fd_name(t->fd, real, sizeof real) == 0 ? real
								      : NULL;

	if (sm_policy_recheck(pol, d, name, t->path, &now) == 0)
		return 1;
	if (now)
		sm_format(rule, sizeof rule, "rule %u",
			  (unsigned)(now - pol->rules) + 1);
	sm_format(why, size, "the socket file is %s, which gets %s, not "
		  "rule %u: its directory changed during the bind",
		  name ? name : "in a directory with no name",
		  now ? rule : name ? "no rule" : "no rule surely",
		  (unsigned)(d->rule - pol->rules) + 1);
	errno = EACCES;
	return 0;
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

/* The descriptors the proof and the removal may hold at once: the
 * directory, the socket file, the sock_diag socket. */
#define SPARE_FDS 3

int sm_apply(sm_bind_fn *real_bind, const struct sm_policy *pol,
	     const struct sm_decision *d, int on_error, int fd,
	     const struct sockaddr *addr, socklen_t len, const char *path)
{
	const struct sm_rule *rule = d->rule;
	struct outcome o = { path, on_error == SM_ON_ERROR_WARN, NULL, 0 };
	struct sm_born born;
	struct target t;
	mode_t mode = 0;	/* unknown: leave the file as closed as born */
	char why[320];
	int mask, walked = -1, spare[SPARE_FDS], reserved;

	if ((rule->keys & SM_HAS_DIRS) &&	/* its stack only then */
	    sm_dirs_prepare(rule, path, &walked, why,
			    sizeof why) < 0 &&
	    !failed(&o, why)) {
		errno = o.err;	/* EACCES, ELOOP, or mkdirat's own */
		return -1;	/* nothing bound: nothing to remove */
	}
	if (rule->keys & SM_HAS_STALE)	/* a dead server's file: gone */
		sm_stale_remove(path);
	reserved = reserve(fd, spare, SPARE_FDS) == 0;
	if (!reserved && errno != EBADF &&	/* EBADF: the kernel says it */
	    !failed(&o, "no descriptors left to prove the socket file "
		    "ours afterwards")) {
		errno = o.err;	/* EMFILE: nothing bound, nothing made */
		return close_walked(walked, -1);
	}
	sm_born_bind(real_bind, fd, addr, len, &born);
	if (reserved)
		release(spare, SPARE_FDS);
	if (born.rc < 0) {
		if (!born.guard_err) {
			errno = born.err;
			return close_walked(walked, -1);
		}
		errno = born.guard_err;
		if (!failed(&o, "cannot create the socket file closed") ||
		    real_bind(fd, addr, len) < 0)
			return close_walked(walked, -1);
	}

	if (prove_target(fd, &born, path, &t) < 0) {
		/* Not provably ours: touch nothing, remove nothing. */
		int err = errno;

		if (failed(&o, "cannot prove the socket file is ours"))
			return close_walked(walked, 0);
		errno = resource_errno(err) ? err : EACCES;
		return close_walked(walked, -1);
	}
	/* The file is not where the rule was decided for: not even
	 * on_error=warn gives it that rule (it stays as closed as born). */
	if (walked >= 0 && !in_walked_dir(walked, &t)) {
		failed(&o, "its directory was swapped for a symlink during the "
		       "bind (the socket is not in the directory made)");
		goto done;
	}
	if (pol && !sm_policy_settled(pol, d) &&
	    !decided_right(pol, d, &t, why, sizeof why)) {
		failed(&o, why);
		goto done;
	}

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
