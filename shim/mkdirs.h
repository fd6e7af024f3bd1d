/* mkdirs.h - dirmode=, dirowner=, dirgroup=, dirfix=: the socket's
 * parent directories, made symlink-safe below a runtime root (issue 7). */
#ifndef SOCKMODE_MKDIRS_H
#define SOCKMODE_MKDIRS_H

#include <stddef.h>

#include "rule.h"

/* The roots below which directories are made or fixed, ':'-separated
 * for messages. The roots themselves are never made nor changed. */
#define SM_DIR_ROOTS "/run:/var/run:/tmp:/var/tmp:/dev/shm"

/*
 * Called before the bind of path (as the program gave it) under rule.
 * Does nothing unless the rule has dirmode=, dirowner= or dirgroup=, and
 * nothing (one stat) when the socket's directory exists and dirfix=yes is
 * not given. Otherwise walks from the root that the absolute path starts
 * with (SM_DIR_ROOTS) down to the socket's directory, one component at a
 * time relative to the previous one's O_PATH descriptor with O_NOFOLLOW:
 * a symlink, a ".." or a non-directory below the root stops it. A missing
 * component is made with mkdirat() (mode 0700 while dirmode= is pending,
 * else 0777 under the umask), reopened without following, checked to be
 * a directory owned by our file-system uid, then chowned (dirowner=,
 * dirgroup=) and chmodded (dirmode=) through that descriptor. With
 * dirfix=yes the socket's existing directory gets the same, if it is
 * owned by root, by us or already by dirowner.
 *
 * A path whose last component is empty, "." or ".." is left to the bind.
 *
 * Returns 0 with *dirfd the O_PATH descriptor of the socket's directory
 * as the walk reached it (for the caller to check, after the bind, that
 * the socket is in it, and to close), or -1 when there was no walk. Or
 * returns -1 with errno and, in why (size bytes), what failed ("making
 * directory /run/app", ...) for the caller's message. Made
 * directories stay when the bind later fails (as mkdir -p's do). Logs
 * what it made or changed at info. Allocation-free; its descriptors are
 * O_CLOEXEC, and all but *dirfd closed before it returns.
 */
int sm_dirs_prepare(const struct sm_rule *rule, const char *path, int *dirfd,
		    char *why, size_t size);

#endif
