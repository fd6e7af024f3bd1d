/* prove.h - is this file the inode that socket is bound to? */
#ifndef SOCKMODE_PROVE_H
#define SOCKMODE_PROVE_H

#include <sys/stat.h>
#include <time.h>

/*
 * Sends on the NETLINK_SOCK_DIAG socket nl a request about Unix sockets:
 * the one whose own (sockfs) inode number is ino, or with ino 0 a dump of
 * every one in every state; show the UDIAG_SHOW_* attributes wanted.
 * Returns 0, or -1 with errno. Allocation-free, async-signal-safe.
 */
int sm_diag_ask(int nl, unsigned ino, unsigned show);

/*
 * Asks the kernel (NETLINK_SOCK_DIAG, UNIX_DIAG_VFS) which inode and
 * device the socket whose own (sockfs) inode number is sock_ino is bound
 * to, and compares them with st, the fstat() of
 * the file we opened. Returns 0 when they are the same file. Returns -1
 * with errno EACCES when they differ or the socket has no file, or with
 * the errno of the netlink failure (EAFNOSUPPORT, EPERM, ...) when the
 * kernel could not answer. Opens one descriptor (O_CLOEXEC) and closes
 * it before returning. Allocation-free, async-signal-safe.
 */
int sm_prove_bound(ino_t sock_ino, const struct stat *st);

/*
 * Nonzero when the file open as fd (st its fstat) is surely the one a
 * bind just created and not an older file that shares its inode number as
 * far as sock_diag can tell (it reports 32 bits; tmpfs hands out
 * duplicates once its counter wraps): no second link (none at all is
 * ours too: another name renamed over it since it was opened), owned by
 * the fsuid
 * that bound it, still mode 0 when it was born closed, and born (statx
 * btime, where the file system records it) no earlier than born_after,
 * a CLOCK_REALTIME_COARSE reading taken before the bind. Else zero with
 * errno EACCES. Allocation-free, async-signal-safe.
 */
int sm_prove_newborn(int fd, const struct stat *st, int born_closed,
		     const struct timespec *born_after);

#endif
