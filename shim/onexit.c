/* onexit.c - remove=exit: a fixed table of the socket files this process
 * created, removed by a destructor at normal exit -- by the last process
 * that holds the socket, and only the entry proven at bind time. */
#include "onexit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "holders.h"
#include "log.h"
#include "path.h"
#include "walk.h"

struct slot {
	char path[SM_WALK_PATH_SIZE];	/* absolute, as bound */
	dev_t dev;		/* the socket file */
	ino_t ino;
	dev_t dir_dev;		/* the directory it was proven in */
	ino_t dir_ino;
	int ready;		/* set last (release): the rest is written */
};

int sm_onexit_enabled;
static struct slot slots[SM_ONEXIT_SLOTS];	/* bss: costs nothing unused */
static unsigned used;		/* slots reserved, may pass SM_ONEXIT_SLOTS */
static int full_logged;

/*
 * Walks to s->path's directory (sm_walk(), SM_WALK_LINKS: a symlink only
 * where no other user can change it) and checks that its entry is the
 * socket file s->dev/s->ino. With check_dir, the directory must be
 * s->dir_dev/s->dir_ino too; else they are set from it. Returns the
 * directory's descriptor with *name its entry, or -1 (with errno, and
 * why set when a symlink was refused).
 */
static int find_entry(struct slot *s, int check_dir, struct sm_walked *w)
{
	struct stat dir, st;

	if (sm_walk(s->path, SM_WALK_LINKS, 0, w) < 0)
		return -1;
	if (fstat(w->dirfd, &dir) < 0 ||
	    (check_dir && (dir.st_dev != s->dir_dev ||
			   dir.st_ino != s->dir_ino)) ||
	    fstatat(w->dirfd, w->name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISSOCK(st.st_mode) || st.st_dev != s->dev ||
	    st.st_ino != s->ino) {
		close(w->dirfd);
		w->dirfd = -1;
		errno = ESTALE;
		return -1;
	}
	s->dir_dev = dir.st_dev;
	s->dir_ino = dir.st_ino;
	return w->dirfd;
}

int sm_onexit_remember(const char *path, const struct stat *st)
{
	unsigned i = __atomic_fetch_add(&used, 1, __ATOMIC_RELAXED);
	int saved = errno;
	struct sm_walked w;
	struct slot *s;

	if (i >= SM_ONEXIT_SLOTS) {
		if (!__atomic_exchange_n(&full_logged, 1, __ATOMIC_RELAXED))
			sm_log(SM_LOG_INFO, "%s: remove=exit: already %u socket "
			       "files to remove at exit; no more are "
			       "remembered", path, SM_ONEXIT_SLOTS);
		return -1;
	}
	s = &slots[i];
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	/* The proof's descriptor is still open: st's inode number cannot
	 * be another file's, so finding it by name proves the entry. */
	w.why[0] = '\0';
	if (sm_abs_path(path, s->path, sizeof s->path) < 0 ||
	    find_entry(s, 0, &w) < 0) {
		sm_log(SM_LOG_INFO, "%s: remove=exit: %s; it will not be "
		       "removed at exit", path, w.why[0] ? w.why :
		       "cannot find the socket file again by its path");
		errno = saved;
		return -1;	/* the slot stays unready: skipped */
	}
	close(w.dirfd);
	__atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE);
	errno = saved;
	return 0;
}

/* Removes s's entry if it is still the socket proven at bind time, in
 * the directory it was proven in, and no other process holds the
 * socket. Returns 1 when it removed it. */
static int remove_slot(struct slot *s)
{
	struct sm_walked w;
	struct stat st = { .st_dev = s->dev, .st_ino = s->ino };
	int pid, held;

	if (find_entry(s, 1, &w) < 0)
		return 0;	/* moved, replaced, or behind a swap */
	held = sm_held_elsewhere(&st, &pid);
	if (held == 1)
		sm_log(SM_LOG_INFO, "%s: still held by process %d; left for "
		       "it to remove at its exit", s->path, pid);
	else if (held < 0)
		sm_log(SM_LOG_INFO, "%s: cannot tell whether another process "
		       "holds it (no /proc or sock_diag); left", s->path);
	else if (unlinkat(w.dirfd, w.name, 0) == 0)
		sm_log(SM_LOG_INFO, "%s: removed at exit", s->path);
	else
		held = 1;
	close(w.dirfd);
	return held == 0;
}

unsigned sm_onexit_run(void)
{
	unsigned n = __atomic_load_n(&used, __ATOMIC_ACQUIRE), i, removed = 0;
	int saved = errno;

	if (n > SM_ONEXIT_SLOTS)
		n = SM_ONEXIT_SLOTS;
	for (i = 0; i < n; i++)
		if (__atomic_exchange_n(&slots[i].ready, 0, __ATOMIC_ACQUIRE))
			removed += (unsigned)remove_slot(&slots[i]);
	errno = saved;
	return removed;
}

void sm_onexit_reset(void)
{
	memset(slots, 0, sizeof slots);
	used = 0;
	full_logged = 0;
}

/* At exit() and return from main(), in the process that loaded us and
 * in each forked child that inherited the table. */
__attribute__((destructor)) static void sm_onexit_destructor(void)
{
	if (sm_onexit_enabled)
		sm_onexit_run();
}
