/* pathwalk.c - connect()'s path lookup, replayed step by step on
 * descriptors: each directory is opened relative to the one before
 * (O_PATH|O_NOFOLLOW), its inode read from that descriptor, and nothing
 * is looked up by name twice (issue 16). */
#include "pathwalk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAXSYMLINKS 40	/* the kernel's limit */

void wk_fd_name(int fd, const char *fallback, char *out, size_t size)
{
	char proc[48];
	ssize_t n;

	snprintf(proc, sizeof proc, "/proc/thread-self/fd/%d", fd);
	n = readlink(proc, out, size - 1);
	if (n <= 0) {
		snprintf(out, size, "%s", fallback);
		return;
	}
	out[n] = 0;
}

const char *wk_mode_text(mode_t mode, char *buf)
{
	char rwx[4];
	size_t i;

	buf[0] = S_ISSOCK(mode) ? 's' : S_ISDIR(mode) ? 'd' : S_ISLNK(mode)
		 ? 'l' : S_ISFIFO(mode) ? 'p' : S_ISREG(mode) ? '-' : '?';
	for (i = 0; i < 3; i++)
		memcpy(buf + 1 + 3 * i, ac_rwx(mode >> (6 - 3 * i) & 7, rwx), 3);
	if (mode & S_ISVTX)
		buf[9] = mode & 1 ? 't' : 'T';
	buf[10] = 0;
	return buf;
}

/* Records the search of the directory open as dirfd, unless it is the
 * one searched last ("." components). Returns 0, or -1 with errno. */
static int add_step(struct wk_result *r, int dirfd, const struct ac_user *u)
{
	struct wk_step *s;
	struct stat st;

	if (fstat(dirfd, &st) < 0)
		return -1;
	if (r->nsteps && r->steps[r->nsteps - 1].dev == st.st_dev &&
	    r->steps[r->nsteps - 1].ino_nr == st.st_ino)
		return 0;
	if (r->nsteps == WK_MAX_STEPS) {
		errno = ELOOP;
		return -1;
	}
	s = &r->steps[r->nsteps];
	if (ac_inode_of_fd(dirfd, &s->ino) < 0)
		return -1;
	s->dev = st.st_dev;
	s->ino_nr = st.st_ino;
	wk_fd_name(dirfd, "?", s->path, sizeof s->path);
	if (!ac_may(u, &s->ino, AC_EXEC, &s->v) && r->blocked < 0)
		r->blocked = (int)r->nsteps;
	r->nsteps++;
	return 0;
}

/* Ends the walk as e with errno err at component comp of the directory
 * named dir. Returns 0. */
static int stop(struct wk_result *r, enum wk_end e, int err, const char *dir,
		const char *comp)
{
	r->end = e;
	r->err = err;
	snprintf(r->where_dir, sizeof r->where_dir, "%s", dir);
	snprintf(r->where, sizeof r->where, "%s%s%s", dir,
		 strcmp(dir, "/") ? "/" : "", comp);
	return 0;
}

/* Splices symlink target (open as fd, found as comp in dir) in front of
 * rest, the components not walked yet. Returns 1 when the target is
 * absolute, 0 relative, -1 with errno. */
static int splice_link(struct wk_result *r, int fd, const char *dir,
		  const char *comp, char *rest, size_t size)
{
	char target[PATH_MAX], tmp[2 * PATH_MAX];
	ssize_t n = readlinkat(fd, "", target, sizeof target - 1);

	if (n <= 0)
		return -1;
	target[n] = 0;
	if (r->nlinks < 8 &&
	    (size_t)snprintf(r->links[r->nlinks], sizeof r->links[0],
			     "%s%s%s -> %s", dir, strcmp(dir, "/") ? "/" : "",
			     comp, target) >= sizeof r->links[0])
		r->links[r->nlinks][sizeof r->links[0] - 2] = '~';
	r->nlinks++;
	n = snprintf(tmp, sizeof tmp, "%s%s%s", target, *rest ? "/" : "",
		     rest);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(rest, tmp, (size_t)n + 1);
	return target[0] == '/';
}

int wk_walk(const char *path, const struct ac_user *u, struct wk_result *r)
{
	char rest[2 * PATH_MAX], comp[NAME_MAX + 1], dir[PATH_MAX];
	int dirfd, fd = -1, rc;
	size_t len;

	memset(r, 0, sizeof *r);
	r->blocked = -1;
	len = strlen(path);
	if (len >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(rest, path, len + 1);
	dirfd = open(path[0] == '/' ? "/" : ".",
		     O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -1;
	for (;;) {
		char *p = rest, *end;
		int last;

		while (*p == '/')
			p++;
		end = p + strcspn(p, "/");
		len = (size_t)(end - p);
		if (len == 0) {	/* "/" or a trailing slash: the directory */
			fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
			break;
		}
		if (len > NAME_MAX) {
			wk_fd_name(dirfd, "?", dir, sizeof dir);
			stop(r, WK_ERROR, ENAMETOOLONG, dir, "");
			goto done;
		}
		memcpy(comp, p, len);
		comp[len] = 0;
		last = end[strspn(end, "/")] == 0;
		memmove(rest, end, strlen(end) + 1);
		if (add_step(r, dirfd, u) < 0)
			goto fail;
		wk_fd_name(dirfd, "?", dir, sizeof dir);
		fd = openat(dirfd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			stop(r, errno == ENOENT ? WK_MISSING : errno == EACCES
			     ? WK_UNSEEN : WK_ERROR, errno, dir, comp);
			goto done;
		}
		if (fstat(fd, &r->st) < 0)
			goto fail;
		if (S_ISLNK(r->st.st_mode)) {
			if (r->nlinks >= MAXSYMLINKS) {
				stop(r, WK_LOOP, ELOOP, dir, comp);
				goto done;
			}
			rc = splice_link(r, fd, dir, comp, rest, sizeof rest);
			close(fd);
			fd = -1;
			if (rc < 0)
				goto fail;
			if (rc == 1) {
				close(dirfd);
				dirfd = open("/", O_PATH | O_DIRECTORY |
					     O_CLOEXEC);
				if (dirfd < 0)
					return -1;
			}
			continue;
		}
		if (last && rest[0] == 0)
			break;
		if (!S_ISDIR(r->st.st_mode)) {
			stop(r, WK_NOTDIR, ENOTDIR, dir, comp);
			goto done;
		}
		close(dirfd);
		dirfd = fd;
		fd = -1;
	}
	/* fd is the file at the end of the path. */
	if (fd < 0 || fstat(fd, &r->st) < 0 || ac_inode_of_fd(fd, &r->ino) < 0)
		goto fail;
	wk_fd_name(fd, path, r->name, sizeof r->name);
	ac_may(u, &r->ino, AC_WRITE, &r->v);
	r->end = WK_FOUND;
done:
	if (fd >= 0)
		close(fd);
	close(dirfd);
	return 0;
fail:
	wk_fd_name(dirfd, "?", dir, sizeof dir);
	stop(r, WK_ERROR, errno, dir, comp);
	goto done;
}
