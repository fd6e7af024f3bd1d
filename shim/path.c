/* path.c - absolute paths and parent directories in stack buffers. */
#include "path.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452	/* Linux >= 6.6, the common syscall table */
#endif

/*
 * Tidies the absolute path s in place: drops "." components and repeated
 * slashes, and resolves ".." lexically (a ".." at the top stays at "/"),
 * so that a glob is never matched against a name that climbs out of its
 * directory ("/run/app/../../tmp/x" is matched as "/tmp/x"; the kernel's
 * own walk, through symlinks, is checked after the bind on the inode it
 * created).
 */
static void tidy(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		size_t n;

		while (*r == '/')
			r++;
		n = strcspn(r, "/");
		if (n == 0)
			break;
		if (n == 1 && r[0] == '.') {
			r += 1;
			continue;
		}
		if (n == 2 && r[0] == '.' && r[1] == '.') {
			while (w > s && *--w != '/')
				;
			r += 2;
			continue;
		}
		*w++ = '/';
		while (n--)	/* w < r: copies leftwards, in place */
			*w++ = *r++;
	}
	if (w == s)
		*w++ = '/';
	*w = '\0';
}

int sm_abs_path(const char *path, char *out, size_t size)
{
	size_t plen = strlen(path), dlen = 0;

	if (path[0] != '/') {
		if (!getcwd(out, size))
			return -1;
		dlen = strlen(out);
		if (dlen + 1 + plen + 1 > size) {
			errno = ENAMETOOLONG;
			return -1;
		}
		out[dlen++] = '/';
	} else if (plen + 1 > size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(out + dlen, path, plen + 1);
	tidy(out);
	return 0;
}

const char *sm_split_path(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t len;

	if (!slash) {
		if (size < 2)
			goto too_long;
		memcpy(dir, ".", 2);
		return path;
	}
	len = slash == path ? 1 : (size_t)(slash - path);
	if (len + 1 > size)
		goto too_long;
	memcpy(dir, path, len);
	dir[len] = '\0';
	return slash + 1;
too_long:
	errno = ENAMETOOLONG;
	return NULL;
}

uid_t sm_fsuid(void)
{
	long uid = syscall(SYS_setfsuid, -1);	/* reads it, changes nothing */

	return uid < 0 ? geteuid() : (uid_t)uid;
}

int sm_has_prefix(const char *s, const char *prefix, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != prefix[i])	/* also at s's NUL */
			return 0;
	return 1;
}

const char *sm_proc_fd_path(int fd, char *buf)
{
	sm_format(buf, SM_PROC_FD_PATH_SIZE, "/proc/thread-self/fd/%d", fd);
	return buf;
}

int sm_chmod_fd(int fd, mode_t mode)
{
	char proc[SM_PROC_FD_PATH_SIZE];

	if (syscall(SYS_fchmodat2, fd, "", mode, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
		return -1;
	/* The syscall, not chmod(): the library's own chmod() hook is not
	 * for its own calls. */
	return (int)syscall(SYS_fchmodat, AT_FDCWD, sm_proc_fd_path(fd, proc),
			    mode);
}

int sm_chown_fd(int fd, uid_t uid, gid_t gid)
{
	return (int)syscall(SYS_fchownat, fd, "", uid, gid, AT_EMPTY_PATH);
}

int sm_fd_name(int fd, char *out, size_t size)
{
	char proc[SM_PROC_FD_PATH_SIZE];
	struct stat st;
	ssize_t n = readlink(sm_proc_fd_path(fd, proc), out, size);

	if (n < 0)
		return -1;
	if ((size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	out[n] = '\0';
	/* No name in our root; or removed since: the kernel then appends
	 * " (deleted)", which a live file may also end with (fstat says). */
	if (out[0] != '/' ||
	    ((size_t)n > 10 && memcmp(out + n - 10, " (deleted)", 10) == 0 &&
	     fstat(fd, &st) == 0 && st.st_nlink == 0)) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

int sm_dir_removed(const char *path)
{
	char dir[SM_SUN_PATH_SIZE];
	struct stat st;
	int fd, removed = 0, saved = errno;

	if (sm_split_path(path, dir, sizeof dir) &&
	    (fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		removed = fstat(fd, &st) == 0 && st.st_nlink == 0;
		close(fd);
	}
	errno = saved;
	return removed;
}

int sm_resolve_dir(const char *path, char *out, size_t size)
{
	char dir[SM_SUN_PATH_SIZE];
	const char *name = sm_split_path(path, dir, sizeof dir);
	size_t nlen, dlen;
	int fd, rc, saved;

	if (!name)
		return -1;
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = sm_fd_name(fd, out, size);
	saved = errno;
	close(fd);
	if (rc < 0) {
		errno = saved;
		return -1;
	}
	dlen = strlen(out);
	nlen = strlen(name);
	if (dlen + 1 + nlen + 1 > size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (dlen > 1)
		out[dlen++] = '/';
	memcpy(out + dlen, name, nlen + 1);
	tidy(out);	/* a name of "." or ".." */
	return 0;
}
