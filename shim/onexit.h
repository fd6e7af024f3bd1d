/* onexit.h - remove=exit: the socket files this process made, removed
 * when it exits normally (issue 7), by the last process holding it
 * (issue 12). */
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
 * Remembers that this process created the socket file path (as the
 * program gave it; made absolute now, against the current directory)
 * whose inode st describes (the proof's fstat; call it while the proof's
 * descriptor is still open, so that the inode number cannot be another
 * file's). The path is walked now as it will be at exit (sm_walk(),
 * SM_WALK_LINKS) and the entry found must be that socket file; the
 * directory's device and inode are remembered with it. No descriptor is
 * kept (daemons close them all). Reserves a slot with an atomic
 * fetch-add; when the table is full, logs once at info and remembers
 * nothing more. Returns 0, or -1 when not remembered (full, too long,
 * or the entry is not found again: logged at info). Keeps errno.
 * Allocation-free, lock-free, async-signal-safe.
 */
int sm_onexit_remember(const char *path, const struct stat *st);

/*
 * What the library's destructor does at exit() or return from main(),
 * in the process that bound and in every forked child that inherited the
 * table: for each remembered entry, walks to its directory again one
 * component at a time (a symlink only where no other user can change
 * it), checks that the directory is the remembered one and that the name
 * in it is still the remembered socket file (AT_SYMLINK_NOFOLLOW), and
 * asks sm_held_elsewhere() whether another process still holds a socket
 * bound to it (a daemon's child after the parent's exit, a process the
 * descriptor was passed to): then it is left for that process's exit.
 * Otherwise unlinkat() relative to that directory, logged at info.
 * Returns how many it removed. Each entry is tried once per process.
 */
unsigned sm_onexit_run(void);

/* Forgets every entry (for tests). */
void sm_onexit_reset(void);

#endif
