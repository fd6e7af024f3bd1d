/* hold.h - hold=yes (issue 14): the socket files this process bound
 * under a rule keep the attributes the rule set, whatever the program's
 * own later chmod(2)/chown(2) ask. A fixed table of held inodes and the
 * decision for one call, shared by the library's hooks and the seccomp
 * supervisor. */
#ifndef SOCKMODE_HOLD_H
#define SOCKMODE_HOLD_H

#include <sys/stat.h>
#include <sys/types.h>

#include "rule.h"

/* How many socket files one process holds at once. */
#define SM_HOLD_SLOTS 64u

/* Which attributes of an inode are held. */
enum { SM_HOLD_MODE = 1u << 0, SM_HOLD_OWNER = 1u << 1,
       SM_HOLD_GROUP = 1u << 2 };

/* The attributes rule holds (hold=yes, the default): the mode with mode=,
 * umask= or acl=, the owner with owner=, the group with group=; 0 with
 * hold=no. */
unsigned sm_hold_of_rule(const struct sm_rule *rule);

/*
 * Holds the socket file open as fd (an O_PATH descriptor of the inode the
 * bind created and the policy has just set; path as the program gave it,
 * made absolute against the current directory) with what rule holds: its
 * device, inode and birth time, and its mode, owner and group as they are
 * now (statx). A slot of an inode that no longer exists is reused (when
 * the table is full, found a few slots per call); when none is found,
 * logs once and does not hold this one. Returns 0,
 * or -1 when not held (nothing to hold, table full, statx failed). Keeps
 * errno. Allocation-free, lock-free, async-signal-safe.
 */
int sm_hold_remember(const struct sm_rule *rule, int fd, const char *path);

/* Nonzero while some inode is held: the one branch a process pays that
 * holds nothing. */
extern unsigned sm_hold_live;
static inline int sm_hold_active(void)
{
	return __atomic_load_n(&sm_hold_live, __ATOMIC_RELAXED) != 0;
}

/* The attributes held on the inode open as fd (any descriptor, O_PATH
 * too); 0 when none, or when fd cannot be examined. */
unsigned sm_hold_fd(int fd);

/*
 * What a chmod of the inode open as fd (O_PATH or any descriptor) to mode
 * does: when the mode is held, nothing is changed, but the permission
 * check of the real call is made (the current mode set again), so the
 * result is exactly the real call's had it succeeded; else the mode is set
 * on fd itself, never by name. nofollow: the call would not have followed
 * a symlink (fd may be one: EOPNOTSUPP, as the kernel and glibc say).
 * path is the program's, for the info line. Returns 0, or -1 with errno;
 * errno is unchanged on success.
 */
int sm_hold_chmod(int fd, const char *path, mode_t mode, int nofollow);

/*
 * What a chown of the inode open as fd to uid/gid ((uid_t)-1/(gid_t)-1:
 * unchanged) does: held owner or group are replaced by the file's current
 * ones (the real call's permission check, no change), the rest is set on
 * fd itself (fchownat AT_EMPTY_PATH). Returns 0, or -1 with errno; errno
 * unchanged on success.
 */
int sm_hold_chown(int fd, const char *path, uid_t uid, gid_t gid);

/* Forgets every held inode (for tests). */
void sm_hold_reset(void);

#endif
