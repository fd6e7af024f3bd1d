/* walk.c - resolving a path without following a symlink another user
 * could have changed (issue 12: the rules file, stale=, remove=exit). */
#include "walk.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "path.h"

#define MAX_LINKS 40	/* as the kernel's MAXSYMLINKS */

/* Nonzero when the directory dir may hold entry (both fstat'ed) without
 * another user being able to swap it: see enum sm_walk_trust. */
static int trusted(const struct stat *dir, const struct stat *entry)
{
	uid_t me = geteuid();

	if (dir->st_uid != 0 && dir->st_uid != me)
		return 0;
	if (!(dir->st_mode & (S_IWGRP | S_IWOTH)))
		return 1;
	return (dir->st_mode & S_ISVTX) &&
	       (entry->st_uid == 0 || entry->st_uid == me);
}

/* Says in w->why what is wrong with the directory open as fd (named by
 * the kernel's path of it, for the message only) and returns -1 with
 * errno err. */
static int refuse(struct sm_walked *w, int fd, int err, const char *what)
{
	char proc[SM_PROC_FD_PATH_SIZE], dir[200];
	ssize_t n = readlink(sm_proc_fd_path(fd, proc), dir, sizeof dir - 1);

	if (n <= 0)
		memcpy(dir, "?", 2);
	else
		dir[n] = '\0';
	sm_format(w->why, sizeof w->why, "%s %s (at '%s')", what, dir,
		  w->name);
	errno = err;
	return -1;
}

/* Why the directory dir (fstat) is not trusted, for messages. */
static const char *distrust(const struct stat *dir)
{
	if (dir->st_uid != 0 && dir->st_uid != geteuid())
		return "refused: not owned by root nor by us: the directory";
	return "refused: writable by group or others: the directory";
}

/*
 * Replaces the path left to resolve (rest, in buf) by the target of the
 * symlink open as link followed by rest. Returns 0, or -1 with errno.
 */
static int splice_link(int link, char *buf, const char *rest)
{
	char target[SM_WALK_PATH_SIZE];
	size_t rlen = strlen(rest);
	ssize_t n = readlinkat(link, "", target, sizeof target);

	if (n < 0)
		return -1;
	if (n == 0 || (size_t)n + 1 + rlen + 1 > sizeof target) {
		errno = n ? ENAMETOOLONG : ENOENT;
		return -1;
	}
	if (rlen) {
		target[n++] = '/';
		memcpy(target + n, rest, rlen);
		n += (ssize_t)rlen;
	}
	target[n] = '\0';
	memcpy(buf, target, (size_t)n + 1);
	return 0;
}

int sm_walk(const char *path, enum sm_walk_trust trust, int follow_last,
	    struct sm_walked *w)
{
	char buf[SM_WALK_PATH_SIZE];
	const char *p = buf;
	struct stat dir, st;
	int fd, next, links = 0, err;

	w->dirfd = -1;
	w->why[0] = '\0';
	if (trust == SM_WALK_STRICT && path[0] != '/') {
		if (sm_abs_path(path, buf, sizeof buf) < 0)
			return -1;
	} else if (strlen(path) >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	} else {
		memcpy(buf, path, strlen(path) + 1);
	}
	fd = open(buf[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		size_t len;
		int last;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len >= sizeof w->name) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		memcpy(w->name, len ? p : ".", len ? len : 1);
		w->name[len ? len : 1] = '\0';
		for (p += len; *p == '/'; p++)
			;
		last = !*p;
		next = openat(fd, w->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && !(last && !follow_last && errno == ENOENT))
			goto fail;
		if (next >= 0 && fstat(next, &st) < 0)
			goto fail_next;
		if (next < 0) {	/* anyone's to create: not trusted */
			memset(&st, 0, sizeof st);
			st.st_uid = (uid_t)-1;
		}
		if (trust != SM_WALK_ANY && fstat(fd, &dir) < 0)
			goto fail_next;
		if (trust == SM_WALK_STRICT && !trusted(&dir, &st)) {
			refuse(w, fd, EACCES, distrust(&dir));
			goto fail_next;
		}
		if (last && (!follow_last || next < 0 || !S_ISLNK(st.st_mode))) {
			if (next >= 0)
				close(next);
			w->dirfd = fd;
			return 0;
		}
		if (S_ISLNK(st.st_mode)) {
			if (trust == SM_WALK_LINKS && !trusted(&dir, &st)) {
				refuse(w, fd, ELOOP, "not following a symlink "
				       "in a directory others may change:");
				goto fail_next;
			}
			if (++links > MAX_LINKS) {
				errno = ELOOP;
				goto fail_next;
			}
			if (splice_link(next, buf, p) < 0)
				goto fail_next;
			close(next);
			p = buf;
			if (buf[0] == '/') {
				close(fd);
				fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
				if (fd < 0)
					return -1;
			}
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			goto fail_next;
		}
		close(fd);
		fd = next;
	}
fail_next:
	err = errno;
	if (next >= 0)
		close(next);
	errno = err;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}
