/* hold.c - hold=yes: a fixed table of the socket files bound under a
 * rule, and what a later chmod/chown of one of them does (issue 14).
 *
 * Each slot is a small seqlock: a writer takes it by moving seq from even
 * to odd (compare-and-swap), writes, and makes seq even again; a reader
 * copies the fields and trusts them only if seq was even and unchanged
 * around the copy. No lock, no allocation: safe in a signal handler and
 * in many threads at once, and a forked child simply has a copy. */
#include "hold.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "log.h"
#include "path.h"

/* What tells one inode from another: a reused inode number has another
 * birth time (where the file system records one). */
struct ident {
	unsigned long long dev, ino;
	long long bsec;
	unsigned bnsec;
	unsigned has_btime;
	mode_t mode;		/* with the file type */
	uid_t uid;
	gid_t gid;
};

struct slot {
	unsigned seq;		/* odd: being written */
	unsigned held;		/* SM_HOLD_*; 0: free */
	unsigned long long dev, ino;
	long long bsec;
	unsigned bnsec, has_btime;
	char path[PATH_MAX];	/* absolute; read only by the slot's writer */
};

unsigned sm_hold_live;		/* slots with held != 0 */
static struct slot slots[SM_HOLD_SLOTS];	/* bss: costs nothing unused */
static int full_logged;
static unsigned sweep;		/* the next slot a full table looks at */
#define SM_HOLD_SWEEP 4		/* how many, per bind */

unsigned sm_hold_of_rule(const struct sm_rule *r)
{
	unsigned held = 0;

	if ((r->keys & SM_HAS_HOLD) && !r->hold)
		return 0;
	if (r->keys & (SM_HAS_MODE | SM_HAS_UMASK | SM_HAS_ACL))
		held |= SM_HOLD_MODE;
	if (r->keys & SM_HAS_OWNER)
		held |= SM_HOLD_OWNER;
	if (r->keys & SM_HAS_GROUP)
		held |= SM_HOLD_GROUP;
	return held;
}

/* Fills *id from statx(dirfd, path, flags), or from fstatat where statx
 * is unavailable (an older kernel or C library, a seccomp profile: no
 * birth time then, the inode number alone tells). Returns 0, or -1 with
 * errno. */
static int ident_at(int dirfd, const char *path, int flags, struct ident *id)
{
	struct stat st;
#ifdef STATX_BTIME	/* glibc >= 2.28, musl >= 1.2.5 */
	struct statx x;

	if (statx(dirfd, path, flags | AT_STATX_SYNC_AS_STAT,
		  STATX_BASIC_STATS | STATX_BTIME, &x) == 0) {
		id->dev = makedev(x.stx_dev_major, x.stx_dev_minor);
		id->ino = x.stx_ino;
		id->has_btime = (x.stx_mask & STATX_BTIME) != 0;
		id->bsec = id->has_btime ? x.stx_btime.tv_sec : 0;
		id->bnsec = id->has_btime ? x.stx_btime.tv_nsec : 0;
		id->mode = x.stx_mode;
		id->uid = x.stx_uid;
		id->gid = x.stx_gid;
		return 0;
	}
	if (errno != ENOSYS && errno != EPERM)	/* EPERM: a seccomp profile */
		return -1;
#endif
	if (fstatat(dirfd, path, &st, flags) < 0)
		return -1;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->has_btime = 0;
	id->bsec = 0;
	id->bnsec = 0;
	id->mode = st.st_mode;
	id->uid = st.st_uid;
	id->gid = st.st_gid;
	return 0;
}

static int ident_of(int fd, struct ident *id)
{
	return ident_at(fd, "", AT_EMPTY_PATH, id);
}

/* Nonzero when slot values (dev, ino, birth time) name the inode id. A
 * birth time recorded on one side only cannot be compared: the inode
 * number decides. */
static int same_inode(unsigned long long dev, unsigned long long ino,
		      long long bsec, unsigned bnsec, unsigned has_btime,
		      const struct ident *id)
{
	if (dev != id->dev || ino != id->ino)
		return 0;
	return !has_btime || !id->has_btime ||
	       (bsec == id->bsec && bnsec == id->bnsec);
}

/* Takes slot s for writing if its seq is still seen. Returns nonzero. */
static int take(struct slot *s, unsigned seen)
{
	return !(seen & 1) &&
	       __atomic_compare_exchange_n(&s->seq, &seen, seen + 1, 0,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Ends the write of slot s (taken by take()). */
static void give_back(struct slot *s)
{
	__atomic_fetch_add(&s->seq, 1, __ATOMIC_RELEASE);
}

/* Sets the held attributes of taken slot s (0 frees it), counting live
 * slots. */
static void set_held(struct slot *s, unsigned held)
{
	unsigned was = __atomic_load_n(&s->held, __ATOMIC_RELAXED);

	__atomic_store_n(&s->held, held, __ATOMIC_RELAXED);
	if (!was && held)
		__atomic_fetch_add(&sm_hold_live, 1, __ATOMIC_RELAXED);
	else if (was && !held)
		__atomic_fetch_sub(&sm_hold_live, 1, __ATOMIC_RELAXED);
}

/* Writes id and held into taken slot s, and gives it back. */
static void fill(struct slot *s, const struct ident *id, unsigned held)
{
	__atomic_store_n(&s->dev, id->dev, __ATOMIC_RELAXED);
	__atomic_store_n(&s->ino, id->ino, __ATOMIC_RELAXED);
	__atomic_store_n(&s->bsec, id->bsec, __ATOMIC_RELAXED);
	__atomic_store_n(&s->bnsec, id->bnsec, __ATOMIC_RELAXED);
	__atomic_store_n(&s->has_btime, id->has_btime, __ATOMIC_RELAXED);
	set_held(s, held);
	give_back(s);
}

/* Nonzero when slot s may take id without a look: it is free, or held
 * an inode with id's number (that inode is gone: the number is id's). */
static int reusable(struct slot *s, const struct ident *id)
{
	return !__atomic_load_n(&s->held, __ATOMIC_RELAXED) ||
	       (__atomic_load_n(&s->dev, __ATOMIC_RELAXED) == id->dev &&
		__atomic_load_n(&s->ino, __ATOMIC_RELAXED) == id->ino);
}

/*
 * Takes a slot for id: a free one, one that held an inode with id's
 * number (that inode is gone: its number is id's now), or, when every
 * slot is held, one whose path no longer names its inode (of the next
 * SM_HOLD_SWEEP looked at). Returns it, or NULL.
 */
static struct slot *claim(const struct ident *id)
{
	unsigned i, seq;

	for (i = 0; i < SM_HOLD_SLOTS; i++) {
		struct slot *s = &slots[i];

		seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
		if (reusable(s, id) && take(s, seq)) {
			if (reusable(s, id))	/* still, now that it is ours */
				return s;
			give_back(s);
		}
	}
	/* Full: a few slots a time, round the table, so that a process
	 * holding 64 live sockets pays a few look-ups a bind, not 64. */
	for (i = 0; i < SM_HOLD_SWEEP; i++) {
		struct slot *s = &slots[__atomic_fetch_add(&sweep, 1,
							   __ATOMIC_RELAXED) %
					SM_HOLD_SLOTS];
		struct ident now;

		seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
		if (!take(s, seq))
			continue;
		if (!s->held ||
		    (s->path[0] &&	/* a path to look at */
		     (ident_at(AT_FDCWD, s->path, AT_SYMLINK_NOFOLLOW,
			       &now) < 0 || !S_ISSOCK(now.mode) ||
		      !same_inode(s->dev, s->ino, s->bsec, s->bnsec,
				  s->has_btime, &now))))
			return s;	/* its socket file is gone */
		give_back(s);
	}
	return NULL;
}

int sm_hold_remember(const struct sm_rule *rule, int fd, const char *path)
{
	unsigned held = sm_hold_of_rule(rule);
	int saved = errno;
	struct ident id;
	struct slot *s;

	if (!held || ident_of(fd, &id) < 0) {
		errno = saved;
		return -1;
	}
	s = claim(&id);
	if (!s) {
		if (!__atomic_exchange_n(&full_logged, 1, __ATOMIC_RELAXED))
			sm_log(SM_LOG_INFO, "%s: hold: already %u socket files "
			       "held; this one's mode, owner and group are not",
			       path, SM_HOLD_SLOTS);
		errno = saved;
		return -1;
	}
	if (sm_abs_path(path, s->path, sizeof s->path) < 0)
		s->path[0] = '\0';	/* never found gone: kept while full */
	fill(s, &id, held);
	errno = saved;
	return 0;
}

/*
 * The attributes held on inode id (0: none). A slot with id's number but
 * another birth time held a file that is gone: it is freed.
 */
static unsigned held_on(const struct ident *id)
{
	unsigned i, tries;

	if (!S_ISSOCK(id->mode))
		return 0;
	for (i = 0; i < SM_HOLD_SLOTS; i++) {
		struct slot *s = &slots[i];

		for (tries = 0; tries < 4; tries++) {
			unsigned seq = __atomic_load_n(&s->seq,
						       __ATOMIC_ACQUIRE);
			unsigned held = __atomic_load_n(&s->held,
							__ATOMIC_RELAXED);
			unsigned long long dev = __atomic_load_n(
				&s->dev, __ATOMIC_RELAXED);
			unsigned long long ino = __atomic_load_n(
				&s->ino, __ATOMIC_RELAXED);
			long long bsec = __atomic_load_n(&s->bsec,
							 __ATOMIC_RELAXED);
			unsigned bnsec = __atomic_load_n(&s->bnsec,
							 __ATOMIC_RELAXED);
			unsigned has = __atomic_load_n(&s->has_btime,
						       __ATOMIC_RELAXED);

			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			if (seq & 1)
				break;	/* being written: not this one */
			if (__atomic_load_n(&s->seq, __ATOMIC_RELAXED) != seq)
				continue;	/* torn: read again */
			if (!held || dev != id->dev || ino != id->ino)
				break;
			if (same_inode(dev, ino, bsec, bnsec, has, id))
				return held;
			if (take(s, seq)) {	/* number reused: gone */
				set_held(s, 0);
				give_back(s);
			}
			break;
		}
	}
	return 0;
}

unsigned sm_hold_fd(int fd)
{
	struct ident id;
	int saved = errno;
	unsigned held = ident_of(fd, &id) == 0 ? held_on(&id) : 0;

	errno = saved;
	return held;
}

/* Nonzero when info lines are written. */
static int informing(void)
{
	return sm_log_level >= SM_LOG_INFO;
}

/* Logs, after a change to held inode fd, what it now really is. */
static void log_now(int fd, const char *path, const char *what)
{
	struct ident now;

	if (ident_of(fd, &now) == 0)
		sm_log(SM_LOG_INFO, "%s: %s; it is mode %04o owner %u group %u",
		       path && path[0] ? path : "(by descriptor)", what, (unsigned)(now.mode & 07777),
		       (unsigned)now.uid, (unsigned)now.gid);
}

int sm_hold_chmod(int fd, const char *path, mode_t mode, int nofollow)
{
	char what[128];
	struct ident id;
	unsigned held;
	int saved = errno;

	if (ident_of(fd, &id) < 0)
		return -1;
	if (nofollow && S_ISLNK(id.mode)) {
		errno = EOPNOTSUPP;	/* no mode on a symlink */
		return -1;
	}
	held = held_on(&id);
	/* Held: the current mode again, for the real permission check. */
	if (sm_chmod_fd(fd, held & SM_HOLD_MODE ? id.mode & 07777 : mode) < 0)
		return -1;
	if (held && informing()) {
		if (held & SM_HOLD_MODE)
			sm_format(what, sizeof what, "kept mode %04o (the "
				  "program asked for %04o)",
				  (unsigned)(id.mode & 07777),
				  (unsigned)(mode & 07777));
		else
			sm_format(what, sizeof what, "mode %04o set as the "
				  "program asked (the rule holds only its "
				  "owner/group)", (unsigned)(mode & 07777));
		log_now(fd, path, what);
	}
	errno = saved;
	return 0;
}

int sm_hold_chown(int fd, const char *path, uid_t uid, gid_t gid)
{
	char what[160];
	struct ident id;
	unsigned held, kept = 0;
	uid_t u = uid;
	gid_t g = gid;
	int saved = errno;

	if (ident_of(fd, &id) < 0)
		return -1;
	held = held_on(&id);
	if ((held & SM_HOLD_OWNER) && uid != (uid_t)-1) {
		u = id.uid;	/* the permission check, no change */
		kept |= uid != id.uid ? SM_HOLD_OWNER : 0;
	}
	if ((held & SM_HOLD_GROUP) && gid != (gid_t)-1) {
		g = id.gid;
		kept |= gid != id.gid ? SM_HOLD_GROUP : 0;
	}
	if (sm_chown_fd(fd, u, g) < 0)
		return -1;
	if (held && informing()) {
		size_t n = 0;

		if (!kept)
			sm_format(what, sizeof what, "owner %d group %d set as "
				  "the program asked (nothing it changes is "
				  "held)", (int)uid, (int)gid);
		if (kept & SM_HOLD_OWNER)
			n = sm_format(what, sizeof what, "kept owner %u (the "
				      "program asked for %u)",
				      (unsigned)id.uid, (unsigned)uid);
		if (kept & SM_HOLD_GROUP)
			sm_format(what + n, sizeof what - n, "%skept group %u "
				  "(the program asked for %u)", n ? ", " : "",
				  (unsigned)id.gid, (unsigned)gid);
		log_now(fd, path, what);
	}
	errno = saved;
	return 0;
}

void sm_hold_reset(void)
{
	unsigned i;

	for (i = 0; i < SM_HOLD_SLOTS; i++) {
		slots[i].seq = 0;
		slots[i].held = 0;
	}
	sm_hold_live = 0;
	full_logged = 0;
	sweep = 0;
}
