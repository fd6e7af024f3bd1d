/* path.h - the absolute form of a bind path, for matching. */
#ifndef SOCKMODE_PATH_H
#define SOCKMODE_PATH_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/un.h>

/* A bind path with its NUL: what sun_path can hold, plus one. The
 * directory of such a path fits too; the hook's stack stays small. */
#define SM_SUN_PATH_SIZE (sizeof(((struct sockaddr_un *)0)->sun_path) + 1)

/*
 * Writes the absolute form of path into out (size bytes): path itself
 * when it starts with '/', else the current directory, '/', path. "."
 * components and repeated slashes are dropped, and ".." is resolved
 * lexically (the kernel's own walk, through symlinks, is what the
 * resolved form and the post-bind check see). Returns 0, or -1 with errno
 * ENAMETOOLONG when it does not fit, or getcwd's errno (ENOENT: the
 * current directory was removed; ERANGE: its name is too long). No
 * allocation.
 */
int sm_abs_path(const char *path, char *out, size_t size);

/*
 * Splits path into its directory (into dir, size bytes: "." when path has
 * no slash, "/" for a top-level name) and returns a pointer to its last
 * component inside path. Returns NULL with errno ENAMETOOLONG when the
 * directory does not fit.
 */
const char *sm_split_path(const char *path, char *dir, size_t size);

/* The file-system uid new files get (the supervisor sets it per bind):
 * setfsuid() of an invalid id changes nothing and returns it; where a
 * seccomp filter refuses that call (systemd's ~@privileged), the
 * effective uid, which it is unless changed. A raw system call: one
 * imported symbol less to bind at every start. */
uid_t sm_fsuid(void);

/* Nonzero when s starts with the len bytes of prefix (which holds no
 * NUL); reads no further into s than its NUL. Allocation-free. */
int sm_has_prefix(const char *s, const char *prefix, size_t len);

/* Writes "/proc/thread-self/fd/N" into buf (SM_PROC_FD_PATH_SIZE bytes)
 * and returns buf: a path to the inode open as fd in the calling thread's
 * own descriptor table (a thread may have unshared it: /proc/self names
 * the thread-group leader's), even an O_PATH one. */
#define SM_PROC_FD_PATH_SIZE 32
const char *sm_proc_fd_path(int fd, char *buf);

/*
 * Sets the permission bits of the inode open as fd (an O_PATH descriptor
 * is enough): fchmodat2(AT_EMPTY_PATH) on Linux >= 6.6, else chmod() of
 * /proc/thread-self/fd/N. Returns 0, or -1 with errno (ENOENT: no /proc).
 */
int sm_chmod_fd(int fd, mode_t mode);

/*
 * Writes into out (size bytes) the kernel's name of the inode open as fd
 * (read back through /proc/thread-self/fd/N): an absolute path with every
 * symlink resolved. Returns 0, or -1 with errno: ENAMETOOLONG when it
 * does not fit (or is longer than a page), ENOENT when there is no /proc,
 * the inode was removed from its directory, or it has no name in our
 * root. Allocation-free.
 */
int sm_fd_name(int fd, char *out, size_t size);

/* Nonzero when the directory of path (relative to the current one) is
 * open but removed: no bind can make a file in it (the kernel says
 * ENOENT), and it can never come back. Keeps errno. */
int sm_dir_removed(const char *path);

/*
 * Sets the owner and group ((uid_t)-1/(gid_t)-1: unchanged) of the inode
 * open as fd (O_PATH is enough): fchownat(AT_EMPTY_PATH), as the system
 * call, never through the library's own fchownat() hook. Returns 0, or
 * -1 with errno.
 */
int sm_chown_fd(int fd, uid_t uid, gid_t gid);

/*
 * Writes into out (size bytes) the path of path's file with the symlinks
 * of its directory resolved: the kernel's name for the directory (opened
 * O_PATH, named by sm_fd_name()), '/', the last component (a last
 * component "." or ".." is resolved lexically). Returns 0, or -1 with
 * errno. One descriptor, closed before returning.
 */
int sm_resolve_dir(const char *path, char *out, size_t size);

#endif
