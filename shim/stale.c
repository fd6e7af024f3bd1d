/* stale.c - remove a socket file nothing is bound to any more, and
 * nothing else (issue 7, stale=unlink). */
#include "stale.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "path.h"

void (*sm_stale_probed_hook)(void);

/*
 * Nonzero when nothing is bound to the socket file name in dirfd (path:
 * the same file as the program named it, for when /proc is not there or
 * the descriptor's name does not fit in sun_path). A datagram connect()
 * is the probe: a stream one would also be refused by a live server that
 * has bound but not yet called listen().
 */
static int nobody_bound(int dirfd, const char *name, const char *path)
{
	struct sockaddr_un a;
	char proc[SM_PROC_FD_PATH_SIZE];
	size_t plen, nlen = strlen(name);
	int s, rc;

	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	sm_proc_fd_path(dirfd, proc);
	plen = strlen(proc);
	/* Through the directory descriptor: the same directory the entry
	 * was looked at in, whatever happens to the path's components. */
	if (plen + 1 + nlen < sizeof a.sun_path &&
	    access(proc, F_OK) == 0) {
		memcpy(a.sun_path, proc, plen);
		a.sun_path[plen] = '/';
		memcpy(a.sun_path + plen + 1, name, nlen);
	} else {
		memcpy(a.sun_path, path, strlen(path));	/* fits: it is bound */
	}
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return 0;
	rc = connect(s, (const struct sockaddr *)&a, sizeof a);
	rc = rc < 0 && errno == ECONNREFUSED;
	close(s);
	if (sm_stale_probed_hook)
		sm_stale_probed_hook();
	return rc;
}

int sm_stale_remove(const char *path)
{
	char dir[SM_SUN_PATH_SIZE];
	const char *name;
	struct stat before, now;
	int saved = errno, dirfd, removed = 0;

	name = sm_split_path(path, dir, sizeof dir);
	if (!name || !*name) {
		errno = saved;
		return 0;
	}
	dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		errno = saved;
		return 0;
	}
	if (fstatat(dirfd, name, &before, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISSOCK(before.st_mode) && nobody_bound(dirfd, name, path) &&
	    fstatat(dirfd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISSOCK(now.st_mode) && now.st_dev == before.st_dev &&
	    now.st_ino == before.st_ino && unlinkat(dirfd, name, 0) == 0) {
		sm_log(SM_LOG_INFO, "%s: removed a stale socket", path);
		removed = 1;
	}
	close(dirfd);
	errno = saved;
	return removed;
}
