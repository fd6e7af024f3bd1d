/* stale.h - stale=unlink: a dead socket file must not stop a restart. */
#ifndef SOCKMODE_STALE_H
#define SOCKMODE_STALE_H

/*
 * Called just before the real bind of path (as the program gave it) under
 * a rule with stale=unlink. Removes the entry at path only when all of
 * these hold: it is a socket file itself (fstatat relative to an
 * O_PATH|O_DIRECTORY descriptor of its directory, AT_SYMLINK_NOFOLLOW: a
 * symlink is never followed nor removed); a datagram connect() to it
 * fails with ECONNREFUSED, which the kernel answers only when no socket at
 * all is bound to the file (a bound stream socket, listening or not,
 * answers EPROTOTYPE, a bound datagram one accepts: both are alive and
 * kept); and the entry is still the same device and inode just before the
 * unlinkat(). Anything else, an error included, leaves the path alone: the
 * real bind then says EADDRINUSE. Logs a removal at info. Returns 1 when
 * it removed the file, else 0; errno is kept. Allocation-free, lock-free;
 * its descriptors are O_CLOEXEC and closed before it returns.
 */
int sm_stale_remove(const char *path);

/* For tests: called (when set) between the liveness probe and the
 * re-check of the inode, to change the entry in that window. */
extern void (*sm_stale_probed_hook)(void);

#endif
