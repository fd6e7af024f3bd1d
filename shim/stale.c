/* stale.c - remove a socket file nothing is bound to any more, and
 * nothing else (issue 7, stale=unlink; issue 12). */
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
#include "walk.h"

void (*sm_stale_probed_hook)(void);

/*
 * Nonzero when no socket is bound to the inode open as entry (O_PATH). A
 * datagram connect() through /proc/thread-self/fd/N is the probe: it
 * reaches exactly that inode, however long its name and whatever happens
 * to the path's directories (a stream probe would also be refused by a
 * live server that has bound but not yet called listen()). Without /proc
 * the connect fails with ENOENT: zero, nothing is removed.
 */
static int nobody_bound(int entry)
{
	struct sockaddr_un a;
	int s, rc;

	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	sm_proc_fd_path(entry, a.sun_path);	/* 32 bytes at most: fits */
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
	struct sm_walked w;
	struct stat held, now;
	int saved = errno, entry, removed = 0;

	if (sm_walk(path, SM_WALK_LINKS, 0, &w) < 0) {
		if (w.why[0])
			sm_log(SM_LOG_INFO, "%s: stale=unlink: %s; nothing "
			       "removed", path, w.why);
		errno = saved;
		return 0;
	}
	/* Held across probe and unlink: the inode cannot be freed, so its
	 * number cannot come back as another file's meanwhile. */
	entry = openat(w.dirfd, w.name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (entry >= 0 && fstat(entry, &held) == 0 &&
	    S_ISSOCK(held.st_mode) && nobody_bound(entry) &&
	    fstatat(w.dirfd, w.name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	    now.st_dev == held.st_dev && now.st_ino == held.st_ino &&
	    unlinkat(w.dirfd, w.name, 0) == 0) {
		sm_log(SM_LOG_INFO, "%s: removed a stale socket", path);
		removed = 1;
	}
	if (entry >= 0)
		close(entry);
	close(w.dirfd);
	errno = saved;
	return removed;
}
