/* onexit.c - remove=exit: a fixed table of the socket files this process
 * created, removed by a destructor at normal exit. */
#include "onexit.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "path.h"

struct slot {
	char path[PATH_MAX];	/* absolute, as bound */
	dev_t dev;
	ino_t ino;
	pid_t pid;		/* the process that bound it */
	int ready;		/* set last (release): the rest is written */
};

int sm_onexit_enabled;
static struct slot slots[SM_ONEXIT_SLOTS];	/* bss: costs nothing unused */
static unsigned used;		/* slots reserved, may pass SM_ONEXIT_SLOTS */
static int full_logged;

int sm_onexit_remember(const char *path, const struct stat *st)
{
	unsigned i = __atomic_fetch_add(&used, 1, __ATOMIC_RELAXED);
	int saved = errno;
	struct slot *s;

	if (i >= SM_ONEXIT_SLOTS) {
		if (!__atomic_exchange_n(&full_logged, 1, __ATOMIC_RELAXED))
			sm_log(SM_LOG_INFO, "%s: remove=exit: already %u socket "
			       "files to remove at exit; no more are "
			       "remembered", path, SM_ONEXIT_SLOTS);
		return -1;
	}
	s = &slots[i];
	if (sm_abs_path(path, s->path, sizeof s->path) < 0) {
		sm_log(SM_LOG_INFO, "%s: remove=exit: cannot make the path "
		       "absolute; it will not be removed at exit", path);
		errno = saved;
		return -1;	/* the slot stays unready: skipped */
	}
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->pid = getpid();
	__atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE);
	errno = saved;
	return 0;
}

unsigned sm_onexit_run(void)
{
	unsigned n = __atomic_load_n(&used, __ATOMIC_ACQUIRE), i, removed = 0;
	pid_t self = getpid();
	int saved = errno;

	if (n > SM_ONEXIT_SLOTS)
		n = SM_ONEXIT_SLOTS;
	for (i = 0; i < n; i++) {
		struct slot *s = &slots[i];
		struct stat now;

		if (!__atomic_exchange_n(&s->ready, 0, __ATOMIC_ACQUIRE))
			continue;
		if (s->pid != self)
			continue;
		if (lstat(s->path, &now) == 0 && S_ISSOCK(now.st_mode) &&
		    now.st_dev == s->dev && now.st_ino == s->ino &&
		    unlink(s->path) == 0) {
			sm_log(SM_LOG_INFO, "%s: removed at exit", s->path);
			removed++;
		}
	}
	errno = saved;
	return removed;
}

void sm_onexit_reset(void)
{
	memset(slots, 0, sizeof slots);
	used = 0;
	full_logged = 0;
}

/* At exit() and return from main(), in the process that loaded us. */
__attribute__((destructor)) static void sm_onexit_destructor(void)
{
	if (sm_onexit_enabled)
		sm_onexit_run();
}
