/* mkdirs.c - dirmode=, dirowner=, dirgroup=, dirfix=: the socket's
 * parent directories, made symlink-safe below a runtime root (issue 7). */
#include "mkdirs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "path.h"

/* An absolute bind path: cwd and sun_path. Longer ones are refused. */
#define DIRS_PATH_SIZE 1024

/* One walk: the rule, the absolute path, and where a failure is told. */
struct walk {
	const struct sm_rule *rule;
	const char *abs;	/* the socket's absolute path */
	size_t dirlen;		/* abs[0..dirlen): the directory being done */
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

/* The length of the root in SM_DIR_ROOTS that abs lies strictly below,
 * or 0. */
static size_t root_of(const char *abs)
{
	const char *r = SM_DIR_ROOTS;

	for (;;) {
		size_t len = strcspn(r, ":");

		if (strncmp(abs, r, len) == 0 && abs[len] == '/')
			return len;
		if (!r[len])
			return 0;
		r += len + 1;
	}
}

/* Nonzero when a ".." component lies between p (a '/') and end. */
static int has_dotdot(const char *p, const char *end)
{
	for (; p < end; p++)
		if (p[0] == '/' && p[1] == '.' && p[2] == '.' &&
		    (p[3] == '/' || !p[3]))
			return 1;
	return 0;
}

/* Gives the directory open as fd dirowner=, dirgroup= and dirmode=.
 * Returns 0, or -1 with errno. */
static int set_attrs(const struct sm_rule *r, int fd)
{
	if ((r->keys & (SM_HAS_DIROWNER | SM_HAS_DIRGROUP)) &&
	    fchownat(fd, "", r->keys & SM_HAS_DIROWNER ? r->diruid : (uid_t)-1,
		     r->keys & SM_HAS_DIRGROUP ? r->dirgid : (gid_t)-1,
		     AT_EMPTY_PATH) < 0)
		return -1;
	if ((r->keys & SM_HAS_DIRMODE) && sm_chmod_fd(fd, r->dirmode) < 0)
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
	uid_t fsuid = (uid_t)setfsuid((uid_t)-1);	/* reads, sets nothing */
	struct stat st;

	if (fstat(fd, &st) < 0)
		return refuse(w, errno, "dirfix: examining");
	if (st.st_uid != 0 && st.st_uid != fsuid &&
	    !((r->keys & SM_HAS_DIROWNER) && st.st_uid == r->diruid))
		return refuse(w, EACCES, "dirfix: not changing a directory "
			      "owned by another user:");
	if (set_attrs(r, fd) < 0)
		return refuse(w, errno, "dirfix: changing");
	sm_log(SM_LOG_INFO, "%.*s: directory fixed (dirfix=yes)",
	       (int)w->dirlen, w->abs);
	return 0;
}

/*
 * Opens component name of the directory open as parent, making it when
 * it is missing. Returns its O_PATH descriptor, or -1 with errno and
 * w->why.
 */
static int step(struct walk *w, int parent, const char *name, int is_last)
{
	const struct sm_rule *r = w->rule;
	const int flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	struct stat st;
	int fd = openat(parent, name, flags), made = 0;

	if (fd < 0 && errno == ENOENT) {
		made = mkdirat(parent, name, r->keys & SM_HAS_DIRMODE ? 0700
								      : 0777) == 0;
		if (!made && errno != EEXIST)	/* EEXIST: someone else's */
			return refuse(w, errno, "making directory");
		fd = openat(parent, name, flags);
	}
	if (fd < 0 && (errno == ENOTDIR || errno == ELOOP))
		return refuse(w, ELOOP, "a symlink or a non-directory is in "
			      "the way at");
	if (fd < 0)
		return refuse(w, errno, "opening directory");
	if (made) {
		/* Ours only if we own it: a swap between mkdirat and openat
		 * brings another user's directory (or fails above). */
		if (fstat(fd, &st) < 0 ||
		    st.st_uid != (uid_t)setfsuid((uid_t)-1)) {
			close(fd);
			return refuse(w, EACCES, "directory replaced while "
				      "being made:");
		}
		if (set_attrs(r, fd) < 0) {
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

int sm_dirs_prepare(const struct sm_rule *rule, const char *path, int *dirfd,
		    char *why, size_t size)
{
	char abs[DIRS_PATH_SIZE], *last, *p;
	struct walk w = { rule, abs, 0, why, size };
	struct stat st;
	size_t root;
	int fd, saved = errno;

	*dirfd = -1;
	if (!(rule->keys & SM_HAS_DIRS) || no_name(path))
		return 0;
	if (sm_abs_path(path, abs, sizeof abs) < 0)
		return refuse(&w, errno, "making the path absolute");
	last = strrchr(abs, '/');
	w.dirlen = last == abs ? 1 : (size_t)(last - abs);
	if (!((rule->keys & SM_HAS_DIRFIX) && rule->dirfix)) {
		char c = abs[w.dirlen];

		abs[w.dirlen] = '\0';
		fd = stat(abs, &st);
		abs[w.dirlen] = c;
		if (fd == 0 || errno != ENOENT) {	/* the bind tells */
			errno = saved;
			return 0;
		}
	}
	root = root_of(abs);
	if (!root)
		return refuse(&w, EACCES, "not below /run, /var/run, /tmp, "
			      "/var/tmp or /dev/shm, so no directory is made "
			      "or changed:");
	if (root >= w.dirlen)
		return refuse(&w, EACCES, "a root directory itself is never "
			      "made or changed:");
	if (has_dotdot(abs + root, last))
		return refuse(&w, EACCES, "a '..' is in");
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
			return -1;
		fd = next;
		p += len + 1;
	}
	*dirfd = fd;
	errno = saved;
	return 0;
}
