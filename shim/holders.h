/* holders.h - does another process still hold the socket bound to a
 * file? (remove=exit with daemons that fork and exit, issue 12) */
#ifndef SOCKMODE_HOLDERS_H
#define SOCKMODE_HOLDERS_H

#include <sys/stat.h>

/*
 * Asks whether a process other than this one holds a socket bound to the
 * file st describes (device and inode). First the kernel's list of Unix
 * sockets (a NETLINK_SOCK_DIAG dump with UDIAG_SHOW_VFS) says which
 * sockets are bound to that file; then every /proc/PID/fd this process
 * may read is searched for "socket:[INO]" of one of them. Returns 1 when
 * one is found (its pid in *pid), 0 when none is (no socket is bound to
 * the file any more, or none seen in another process), -1 when it cannot
 * tell (no sock_diag, no /proc). Limits: processes it may not inspect
 * (another user's, when not root; another pid namespace's) and sockets
 * in flight in an SCM_RIGHTS message are not seen. Keeps errno;
 * allocation-free and async-signal-safe (stack buffers, raw getdents64);
 * every descriptor closed before it returns. Costs a read of every
 * process's fd table: call it at exit only.
 */
int sm_held_elsewhere(const struct stat *st, int *pid);

#endif
