/* apply.h - bind, prove, chown, chmod: one matching bind, race-safe. */
#ifndef SOCKMODE_APPLY_H
#define SOCKMODE_APPLY_H

#include <sys/socket.h>

#include "born.h"
#include "policy.h"
#include "rule.h"

/*
 * Binds fd to addr (an AF_UNIX address whose file path is path, as the
 * program gave it; the caller's own copy, which nobody else rewrites) so
 * that the socket file is born closed, then gives exactly the inode that
 * this bind created the owner, group and mode of d's rule (decided by
 * sm_policy_decide() on pol; pol NULL: d->rule alone, no check), once it
 * has checked that the kernel's name of that inode gets the same rule
 * (a directory swapped between the lookup and the bind: a policy
 * failure),
 * removing any inherited access ACL (SPEC 4.2-4.5). With stale=unlink,
 * a dead socket file at path is removed first (sm_stale_remove()); with
 * remove=exit, the proven inode is remembered for removal at exit
 * (sm_onexit_remember(), where sm_onexit_enabled).
 *
 * Returns what bind() must return. On success: 0 (errno unspecified: the
 * caller restores it). When the real bind fails: -1 with its errno. When
 * the policy cannot be applied: with on_error SM_ON_ERROR_FAIL, -1 with a
 * meaningful errno and the file removed if it was proven ours (EMFILE
 * before anything is bound when the descriptors the proof needs are not
 * there); with
 * SM_ON_ERROR_WARN, the real bind's result after doing what could be
 * done. Logs what it did or why it failed. Allocation-free, lock-free.
 */
int sm_apply(sm_bind_fn *real_bind, const struct sm_policy *pol,
	     const struct sm_decision *d, int on_error, int fd,
	     const struct sockaddr *addr, socklen_t len, const char *path);

#endif
