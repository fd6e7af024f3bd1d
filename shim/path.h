/* path.h - the absolute form of a bind path, for matching. */
#ifndef SOCKMODE_PATH_H
#define SOCKMODE_PATH_H

#include <stddef.h>

/*
 * Writes the absolute form of path into out (size bytes): path itself
 * when it starts with '/', else the current directory, '/', path. "."
 * components and repeated slashes are dropped; ".." is kept (the kernel
 * resolves it through symlinks, text cannot). Returns 0, or -1 with errno
 * ENAMETOOLONG when it does not fit, or getcwd's errno. No allocation.
 */
int sm_abs_path(const char *path, char *out, size_t size);

/*
 * Splits path into its directory (into dir, size bytes: "." when path has
 * no slash, "/" for a top-level name) and returns a pointer to its last
 * component inside path. Returns NULL with errno ENAMETOOLONG when the
 * directory does not fit.
 */
const char *sm_split_path(const char *path, char *dir, size_t size);

#endif
