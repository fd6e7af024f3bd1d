/* walk.h - a path resolved one component at a time, following only the
 * symlinks nobody else could have put there (issue 12). */
#ifndef SOCKMODE_WALK_H
#define SOCKMODE_WALK_H

#include <limits.h>

/* The longest path (symlink targets spliced in) a walk resolves. */
#define SM_WALK_PATH_SIZE 1024

/* What a walk trusts. "Trusted" directory: owned by root or the
 * effective uid, and not writable by group or others -- or sticky, and
 * the entry looked up in it owned by root or the effective uid (nobody
 * else may rename or remove that entry then). */
enum sm_walk_trust {
	SM_WALK_ANY,	/* every symlink is followed, as open() would */
	SM_WALK_LINKS,	/* a symlink only in a trusted directory */
	SM_WALK_STRICT,	/* every directory looked in must be trusted */
};

/* Where a walk ended: a directory and a name in it. */
struct sm_walked {
	int dirfd;			/* O_PATH|O_DIRECTORY, or -1 */
	char name[NAME_MAX + 1];	/* the last component */
	char why[256];			/* on EACCES/ELOOP: what was refused */
};

/*
 * Resolves path (relative ones against the current directory; under
 * SM_WALK_STRICT made absolute first, so that every directory from "/"
 * is judged) one component at a time: each name is opened with
 * O_PATH|O_NOFOLLOW in the directory reached so far, a symlink is read
 * through that descriptor (readlinkat(fd, "")) and its target spliced
 * in, at most 40 of them. With follow_last a symlink as the last
 * component is followed too; without, the last component is left as it
 * is (it may not exist). Returns 0 with w->dirfd (the caller closes it)
 * and w->name; or -1 with errno and w->dirfd -1: ELOOP (a symlink in a
 * directory that is not trusted under SM_WALK_LINKS, or too many), EACCES
 * (SM_WALK_STRICT: an untrusted directory), both with w->why set;
 * ENOENT, ENOTDIR, ENAMETOOLONG as open() says. Allocation-free and
 * async-signal-safe; no descriptor is left open but w->dirfd.
 */
int sm_walk(const char *path, enum sm_walk_trust trust, int follow_last,
	    struct sm_walked *w);

#endif
