/* stale.h - stale=unlink: a dead socket file must not stop a restart. */
#ifndef SOCKMODE_STALE_H
#define SOCKMODE_STALE_H

/*
 * Called just before the real bind of path (as the program gave it) under
 * a rule with stale=unlink. The directory part is resolved one component
 * at a time (sm_walk(), SM_WALK_LINKS): a symlink is followed only in a
 * directory no other user can change, so that nobody can point the
 * removal at a directory of their choice. The entry is then held open
 * O_PATH|O_NOFOLLOW from the first look to the unlink (its inode cannot
 * be freed, so its number cannot return as another file's: ext4 reuses
 * numbers at once). It is removed only when all of these hold: it is a
 * socket file itself (a symlink is never followed nor removed); a
 * datagram connect() through /proc/thread-self/fd/N of the held entry
 * fails with ECONNREFUSED, which the kernel answers only when no socket
 * at all is bound to that inode (a bound stream socket, listening or
 * not, answers EPROTOTYPE, a bound datagram one accepts: both are alive
 * and kept); and the name still is that inode just before the
 * unlinkat() relative to the walked directory. Without /proc nothing is
 * removed. Anything else, an error included, leaves the path alone: the
 * real bind then says EADDRINUSE. Logs a removal (and a symlink it would
 * not follow) at info. Returns 1 when it removed the file, else 0; errno
 * is kept. Allocation-free, lock-free; its descriptors are O_CLOEXEC and
 * closed before it returns.
 */
int sm_stale_remove(const char *path);

/* For tests: called (when set) between the liveness probe and the
 * re-check of the inode, to change the entry in that window. */
extern void (*sm_stale_probed_hook)(void);

#endif
