/* onexit.h - remove=exit: the socket files this process made, removed
 * when it exits normally (issue 7). */
#ifndef SOCKMODE_ONEXIT_H
#define SOCKMODE_ONEXIT_H

#include <sys/stat.h>

/* How many socket files one process remembers; later ones are not. */
#define SM_ONEXIT_SLOTS 64

/*
 * Nonzero where sm_apply() remembers remove=exit sockets: the preloaded
 * library sets it at load. The command's supervisor (--via=seccomp)
 * leaves it 0: it binds for another process, whose exit it does not see
 * as its own.
 */
extern int sm_onexit_enabled;

/*
 * Remembers that this process (getpid()) created the socket file path
 * (as the program gave it; made absolute now, against the current
 * directory) whose inode st describes (the proof's fstat). Reserves a slot
 * with an atomic fetch-add; when the table is full, logs once at info and
 * remembers nothing more. Returns 0, or -1 when not remembered (full, or
 * the absolute path does not fit). Keeps errno. Allocation-free,
 * lock-free, async-signal-safe.
 */
int sm_onexit_remember(const char *path, const struct stat *st);

/*
 * What the library's destructor does at exit() or return from main():
 * for each remembered entry of this process (entries recorded under
 * another pid, e.g. by the parent of a forked child, are skipped) whose
 * path still names a socket with the remembered device and inode
 * (lstat: a symlink is not followed), unlinks it and logs at info.
 * Returns how many it removed. Each entry is tried once.
 */
unsigned sm_onexit_run(void);

/* Forgets every entry (for tests). */
void sm_onexit_reset(void);

#endif
