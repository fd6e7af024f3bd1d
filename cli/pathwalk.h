/* pathwalk.h - the path walk of connect(): every directory searched, the
 * symlinks followed, and the file at the end, each with what USER may do
 * there (issue 16, --why and --audit). */
#ifndef SOCKMODE_PATHWALK_H
#define SOCKMODE_PATHWALK_H

#include <limits.h>
#include <sys/stat.h>

#include "access.h"

#define WK_MAX_STEPS 64

/* One directory the lookup searched (needs search permission). */
struct wk_step {
	char path[PATH_MAX];	/* the kernel's name for it */
	struct ac_inode ino;
	struct ac_verdict v;	/* may USER search it */
	dev_t dev;		/* which directory it is */
	ino_t ino_nr;
};

/* Where the walk stopped, when it did not reach a file. */
enum wk_end {
	WK_FOUND,		/* final holds the file at the path */
	WK_MISSING,		/* a component does not exist (ENOENT) */
	WK_NOTDIR,		/* a component is not a directory */
	WK_UNSEEN,		/* the invoking user cannot look into a
				 * directory: what is beyond is unknown */
	WK_LOOP,		/* too many symlinks (ELOOP) */
	WK_ERROR,		/* another system call failure: err */
};

struct wk_result {
	size_t nsteps;
	struct wk_step steps[WK_MAX_STEPS];
	int blocked;		/* first step USER may not search, or -1 */
	size_t nlinks;
	char links[8][PATH_MAX + 64];	/* "NAME -> TARGET", the first 8 */
	enum wk_end end;
	int err;		/* errno of the failure that ended it */
	char where[PATH_MAX + 256];	/* the component it ended at */
	char where_dir[PATH_MAX];	/* the directory that holds it */
	/* With WK_FOUND: */
	char name[PATH_MAX];	/* the kernel's name for the file */
	struct stat st;
	struct ac_inode ino;
	struct ac_verdict v;	/* may USER write it */
};

/*
 * Walks path as the kernel's lookup for connect() does: from the cwd or
 * "/", component by component, following symlinks (also the last) and
 * "..", each directory opened O_PATH|O_NOFOLLOW relative to the one
 * before, never by name again. Records in *r what USER u may do at each
 * step. Returns 0 when the walk was made (r->end says how it ended), or
 * -1 with errno when it could not start.
 */
int wk_walk(const char *path, const struct ac_user *u, struct wk_result *r);

/* The kernel's name of the inode open as fd (/proc/thread-self/fd), or
 * fallback, into out. */
void wk_fd_name(int fd, const char *fallback, char *out, size_t size);

/* "srwxr-xr-x"-style type and permission letters of mode into buf (11
 * bytes); returns buf. */
const char *wk_mode_text(mode_t mode, char *buf);

#endif
