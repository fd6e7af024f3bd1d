/* hook_mode.c - the exported chmod(), fchmodat(), chown(), lchown() and
 * fchownat(): while this process holds a socket file (hold.h), a call
 * whose target is that inode keeps the attributes the rule set. With
 * nothing held, each is one branch and the real call. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hold.h"
#include "log.h"

#define EXPORT __attribute__((visibility("default")))

typedef int chmod_fn(const char *, mode_t);
typedef int fchmodat_fn(int, const char *, mode_t, int);
typedef int chown_fn(const char *, uid_t, gid_t);
typedef int fchownat_fn(int, const char *, uid_t, gid_t, int);

/* The next definitions: libc's, usually. Found once, at load. */
static chmod_fn *libc_chmod;
static fchmodat_fn *libc_fchmodat;
static chown_fn *libc_chown, *libc_lchown;
static fchownat_fn *libc_fchownat;
static volatile int loaded;

/* Finds the real functions. A constructor; also from the first call when
 * another library's constructor calls one before ours ran. */
__attribute__((constructor)) static void sm_mode_load(void)
{
	int saved = errno;

	if (loaded)
		return;
	libc_chmod = (chmod_fn *)dlsym(RTLD_NEXT, "chmod");
	libc_fchmodat = (fchmodat_fn *)dlsym(RTLD_NEXT, "fchmodat");
	libc_chown = (chown_fn *)dlsym(RTLD_NEXT, "chown");
	libc_lchown = (chown_fn *)dlsym(RTLD_NEXT, "lchown");
	libc_fchownat = (fchownat_fn *)dlsym(RTLD_NEXT, "fchownat");
	loaded = 1;
	errno = saved;
}

/* Nonzero when the real functions are there; else errno ENOSYS. */
static int have_real(void)
{
	if (!loaded)
		sm_mode_load();
	if (libc_chmod && libc_fchmodat && libc_chown && libc_lchown &&
	    libc_fchownat)
		return 1;
	errno = ENOSYS;
	return 0;
}

/* The flags this emulation understands; others go to the real call,
 * which rejects them (EINVAL) without touching a file. */
#define KNOWN_FLAGS (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)

/* Nonzero for the empty path of AT_EMPTY_PATH (a NULL one is the
 * kernel's EFAULT, left to it). */
static int is_empty(const char *path)
{
	return path && !path[0];
}

/*
 * Opens, once, the inode the call names: dirfd itself for an empty path
 * with AT_EMPTY_PATH (*own 0), else path relative to dirfd, as O_PATH,
 * not following a last symlink with AT_SYMLINK_NOFOLLOW (*own 1: close
 * it). Returns the descriptor, or -1 with the lookup's errno: what the
 * real call would have said.
 */
static int open_target(int dirfd, const char *path, int flags, int *own)
{
	*own = 0;
	if (is_empty(path) && (flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD)
		return dirfd;
	*own = 1;
	if (is_empty(path) && (flags & AT_EMPTY_PATH))
		path = ".";	/* AT_FDCWD: the current directory */
	return openat(dirfd, path, O_PATH | O_CLOEXEC |
		      (flags & AT_SYMLINK_NOFOLLOW ? O_NOFOLLOW : 0));
}

/* Closes fd when own; returns rc, keeping errno. */
static int done(int fd, int own, int rc)
{
	int saved = errno;

	if (own)
		close(fd);
	errno = saved;
	return rc;
}

/* Nonzero for a failed open that says "out of descriptors": the real
 * call needs none, so it gets the call unchecked rather than failing. */
static int out_of_fds(void)
{
	return errno == EMFILE || errno == ENFILE;
}

/*
 * The logic of every chmod-like call while something is held: the mode
 * of what dirfd/path/flags names (flags: KNOWN_FLAGS only) becomes mode,
 * unless that inode's mode is held. Returns what the real call returns;
 * errno unchanged on success.
 */
static int sm_chmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	int own, fd = open_target(dirfd, path, flags, &own);

	if (fd < 0)
		return out_of_fds() ? libc_fchmodat(dirfd, path, mode, flags)
				    : -1;
	return done(fd, own, sm_hold_chmod(fd, path, mode,
					   flags & AT_SYMLINK_NOFOLLOW));
}

/* The same for chown-like calls: held owner and group stay. */
static int sm_chownat(int dirfd, const char *path, uid_t uid, gid_t gid,
		      int flags)
{
	int own, fd = open_target(dirfd, path, flags, &own);

	if (fd < 0)
		return out_of_fds() ? libc_fchownat(dirfd, path, uid, gid,
						    flags) : -1;
	return done(fd, own, sm_hold_chown(fd, path, uid, gid));
}

EXPORT int chmod(const char *path, mode_t mode)
{
	if (!have_real())
		return -1;
	if (!sm_hold_active())
		return libc_chmod(path, mode);
	return sm_chmodat(AT_FDCWD, path, mode, 0);
}

EXPORT int fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	if (!have_real())
		return -1;
	if (!sm_hold_active() || (flags & ~KNOWN_FLAGS))
		return libc_fchmodat(dirfd, path, mode, flags);
	/* dirfd itself: no name to look up twice. Unless its mode is held,
	 * the real call (glibc before 2.39 says EINVAL to AT_EMPTY_PATH). */
	if ((flags & AT_EMPTY_PATH) && is_empty(path) &&
	    (dirfd == AT_FDCWD || !(sm_hold_fd(dirfd) & SM_HOLD_MODE)))
		return libc_fchmodat(dirfd, path, mode, flags);
	return sm_chmodat(dirfd, path, mode, flags);
}

EXPORT int chown(const char *path, uid_t uid, gid_t gid)
{
	if (!have_real())
		return -1;
	if (!sm_hold_active())
		return libc_chown(path, uid, gid);
	return sm_chownat(AT_FDCWD, path, uid, gid, 0);
}

EXPORT int lchown(const char *path, uid_t uid, gid_t gid)
{
	if (!have_real())
		return -1;
	if (!sm_hold_active())
		return libc_lchown(path, uid, gid);
	return sm_chownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

EXPORT int fchownat(int dirfd, const char *path, uid_t uid, gid_t gid,
		    int flags)
{
	if (!have_real())
		return -1;
	if (!sm_hold_active() || (flags & ~KNOWN_FLAGS))
		return libc_fchownat(dirfd, path, uid, gid, flags);
	return sm_chownat(dirfd, path, uid, gid, flags);
}
