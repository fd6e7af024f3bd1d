/* mkdirs.c - dirmode=, dirowner=, dirgroup=, dirfix=: the socket's
 * parent directories, made symlink-safe below a runtime root (issue 7). */
#include "mkdirs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "acl.h"
#include "log.h"
#include "path.h"

/* An absolute bind path: cwd and sun_path. Longer ones are refused. */
#define DIRS_PATH_SIZE 1024

/* One walk: the rule, the absolute path, and where a failure is told. */
struct walk {
	const struct sm_rule *rule;
	const char *abs;	/* the socket's absolute path */
	size_t dirlen;		/* abs[0..dirlen): the directory being done */
	int fix_only;		/* the directory exists: dirfix=yes alone */
	char *why;
	size_t size;
};

/* Says in w->why what failed (about the directory being done) and
 * returns -1 with errno err. */
static int refuse(struct walk *w, int err, const char *what)
{
	sm_format(w->why, w->size, "%s %.*s", what, (int)w->dirlen, w->abs);
	errno = err;
	return -1;
}

/*
 * A reason the walk cannot go on: for a directory that must be made, a
 * failure (refuse()); for dirfix=yes on an existing one, which the bind
 * can use as it is, a line at info and no failure. Returns -1 with errno
 * err, or 0 with errno saved.
 */
static int cannot_walk(struct walk *w, int err, const char *what, int saved)
{
	if (!w->fix_only)
		return refuse(w, err, what);
	sm_log(SM_LOG_INFO, "dirfix=yes: %s %.*s; the directory is used as it "
	       "is", what, (int)w->dirlen, w->abs);
	errno = saved;
	return 0;
}

/* The length of the root in SM_DIR_ROOTS that abs lies strictly below,
 * or 0. */
static size_t root_of(const char *abs)
{
	const char *r = SM_DIR_ROOTS;

	for (;;) {
		size_t len = strcspn(r, ":");

		if (sm_has_prefix(abs, r, len) && abs[len] == '/')
			return len;
		if (!r[len])
			return 0;
		r += len + 1;
	}
}

/* Nonzero when path, as the program gave it, has a ".." component: the
 * kernel follows it through symlinks, which a walk of names cannot. */
static int has_dotdot(const char *path)
{
	const char *p;

	for (p = path; *p; p++)
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || !p[2]) &&
		    (p == path || p[-1] == '/'))
			return 1;
	return 0;
}

/*
 * Gives the directory open as fd (st: its fstat) dirowner=, dirgroup=
 * and dirmode=, skipping what it has already (a non-root program may
 * fix nothing but may find nothing to fix). dirmode= sets the permission
 * bits: a set-group-ID or sticky bit the directory has stays. An access
 * ACL it inherited from a default ACL is removed first, so that the mode
 * bits are the whole truth (its own default ACL, for what is made inside,
 * stays). Returns 0, or -1 with errno.
 */
static int set_attrs(const struct sm_rule *r, int fd, const struct stat *st)
{
	uid_t uid = r->keys & SM_HAS_DIROWNER ? r->diruid : st->st_uid;
	gid_t gid = r->keys & SM_HAS_DIRGROUP ? r->dirgid : st->st_gid;
	mode_t mode = r->dirmode | (st->st_mode & (S_ISGID | S_ISVTX));
	int owned = uid == st->st_uid && gid == st->st_gid;

	if (!owned && sm_chown_fd(fd, uid, gid) < 0)
		return -1;
	if (!(r->keys & SM_HAS_DIRMODE))
		return 0;
	/* Not the owner (EPERM) of a directory already right: as it is. */
	if (sm_acl_drop(fd) < 0 &&
	    !(errno == EPERM && owned && (st->st_mode & 07777) == mode))
		return -1;
	if ((st->st_mode & 07777) != mode && sm_chmod_fd(fd, mode) < 0)
		return -1;
	return 0;
}

/*
 * dirfix=yes on the socket's existing directory, open as fd: only one
 * owned by root, by our file-system uid or already by dirowner.
 * Returns 0, or -1 with errno and w->why.
 */
static int fix_existing(struct walk *w, int fd)
{
	const struct sm_rule *r = w->rule;
	struct stat st;

	if (fstat(fd, &st) < 0)
		return refuse(w, errno, "dirfix: examining");
	if (st.st_uid != 0 && st.st_uid != sm_fsuid() &&
	    !((r->keys & SM_HAS_DIROWNER) && st.st_uid == r->diruid))
		return refuse(w, EACCES, "dirfix: not changing a directory "
			      "owned by another user:");
	if (set_attrs(r, fd, &st) < 0)
		return refuse(w, errno, "dirfix: changing");
	sm_log(SM_LOG_INFO, "%.*s: directory fixed (dirfix=yes)",
	       (int)w->dirlen, w->abs);
	return 0;
}

/*
 * Opens component name of the directory open as parent, making it when
 * it is missing. Returns its O_PATH descriptor; or -1 with errno and
 * w->why; or -2 (errno kept) when dirfix=yes alone cannot go on.
 */
static int step(struct walk *w, int parent, const char *name, int is_last)
{
	const struct sm_rule *r = w->rule;
	const int flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	struct stat st;
	int fd = openat(parent, name, flags), made = 0, saved = errno;

	if (fd < 0 && errno == ENOENT) {
		made = mkdirat(parent, name, r->keys & SM_HAS_DIRMODE ? 0700
								      : 0777) == 0;
		if (!made && errno != EEXIST)	/* EEXIST: someone else's */
			return refuse(w, errno, "making directory");
		fd = openat(parent, name, flags);
	}
	if (fd < 0 && (errno == ENOTDIR || errno == ELOOP))
		return cannot_walk(w, ELOOP, "a symlink or a non-directory is "
				   "in the way at", saved) < 0 ? -1 : -2;
	if (fd < 0)
		return refuse(w, errno, "opening directory");
	if (made) {
		/* Ours only if we own it: a swap between mkdirat and openat
		 * brings another user's directory (or fails above). */
		if (fstat(fd, &st) < 0 || st.st_uid != sm_fsuid()) {
			close(fd);
			return refuse(w, EACCES, "directory replaced while "
				      "being made:");
		}
		if (set_attrs(r, fd, &st) < 0) {
			int err = errno;

			close(fd);
			return refuse(w, err, "setting owner and mode of new "
				      "directory");
		}
		sm_log(SM_LOG_INFO, "%.*s: directory made", (int)w->dirlen,
		       w->abs);
	} else if (is_last && (r->keys & SM_HAS_DIRFIX) && r->dirfix &&
		   fix_existing(w, fd) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* Nonzero when the last component of path is empty, "." or "..": no
 * socket name, nothing to make directories for. */
static int no_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;

	return !*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* 1 when the directory of path (as the program gave it) exists, 0 when
 * it does not, -1 when that cannot be told (the bind will say why). */
static int dir_exists(const char *path)
{
	char dir[SM_SUN_PATH_SIZE];
	struct stat st;

	if (!sm_split_path(path, dir, sizeof dir))
		return -1;
	if (fstatat(AT_FDCWD, dir, &st, 0) == 0)
		return S_ISDIR(st.st_mode) ? 1 : -1;
	return errno == ENOENT ? 0 : -1;
}

int sm_dirs_prepare(const struct sm_rule *rule, const char *path, int *dirfd,
		    char *why, size_t size)
{
	char abs[DIRS_PATH_SIZE], *last, *p;
	struct walk w = { rule, path, 0, 0, why, size };
	size_t root;
	int fd, exists, saved = errno;

	*dirfd = -1;
	if (!(rule->keys & SM_HAS_DIRS) || no_name(path))
		return 0;
	exists = dir_exists(path);
	errno = saved;
	if (exists < 0 || (exists && !((rule->keys & SM_HAS_DIRFIX) &&
					rule->dirfix)))
		return 0;	/* nothing to make, nothing to fix */
	w.fix_only = exists;
	w.dirlen = strlen(path);
	w.abs = path;
	if (has_dotdot(path))
		return cannot_walk(&w, EACCES, "a '..' is in", saved);
	if (sm_abs_path(path, abs, sizeof abs) < 0)
		return cannot_walk(&w, ENAMETOOLONG, "too long, with the "
				   "current directory, to make directories "
				   "for:", saved);
	w.abs = abs;
	last = strrchr(abs, '/');
	w.dirlen = last == abs ? 1 : (size_t)(last - abs);
	root = root_of(abs);
	if (!root)
		return cannot_walk(&w, EACCES, "not below /run, /var/run, "
				   "/tmp, /var/tmp or /dev/shm, so no "
				   "directory is made or changed:", saved);
	if (root >= w.dirlen)
		return cannot_walk(&w, EACCES, "a root directory itself is "
				   "never made or changed:", saved);
	abs[root] = '\0';
	fd = open(abs, O_PATH | O_DIRECTORY | O_CLOEXEC);	/* trusted */
	abs[root] = '/';
	if (fd < 0)
		return refuse(&w, errno, "opening the root of");
	for (p = abs + root + 1; p <= last;) {
		size_t len = strcspn(p, "/");
		int next;

		w.dirlen = (size_t)(p + len - abs);
		p[len] = '\0';	/* the component alone, for a moment */
		next = step(&w, fd, p, p + len == last);
		p[len] = '/';
		close(fd);
		if (next < 0)
			return next == -2 ? 0 : -1;
		fd = next;
		p += len + 1;
	}
	*dirfd = fd;
	errno = saved;
	return 0;
}
