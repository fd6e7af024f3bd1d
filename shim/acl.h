/* acl.h - acl=: named POSIX ACL entries on the socket file, written as
 * the system.posix_acl_access attribute, without libacl (issue 7). */
#ifndef SOCKMODE_ACL_H
#define SOCKMODE_ACL_H

#include <stddef.h>
#include <sys/types.h>

#include "rule.h"

/*
 * Parses acl='s value, "u:www-data:rw,g:adm:rw": comma-separated entries
 * TAG:NAME:PERMS, TAG one of u, user, g, group; NAME a name or a numeric
 * id (resolved now, with NSS: call at load only); PERMS letters from rwx
 * and '-' ("rw", "rw-", "---"), or one octal digit. At most SM_ACL_MAX
 * entries, each user or group named once. Fills r->acl sorted as the
 * kernel wants them and r->nacl. Returns NULL, or a message (in a static
 * buffer: valid until the next call) naming the entry at fault.
 */
const char *sm_parse_acl(const char *s, struct sm_rule *r);

/*
 * Writes into out (size bytes, at least SM_ACL_XATTR_MAX) the
 * system.posix_acl_access attribute of r's entries for a file of mode:
 * owner, group and other entries from mode's bits, r's named entries, and
 * a mask that is the union of the group class (group bits and every
 * named entry), as setfacl(1) computes it. Returns its length.
 */
#define SM_ACL_XATTR_MAX (4 + 8 * (SM_ACL_MAX + 4))
size_t sm_acl_xattr(const struct sm_rule *r, mode_t mode,
		    unsigned char *out);

/* The permission bits a file of mode shows once r's ACL is set: owner
 * and other from mode, the ACL's mask as the group bits. */
mode_t sm_acl_shown_mode(const struct sm_rule *r, mode_t mode);

/*
 * Replaces the access ACL of the inode open as fd (an O_PATH descriptor)
 * with r's, through /proc/self/fd/N. The kernel also sets the mode's
 * permission bits from it: owner, mask (shown as the group bits), other.
 * Returns 0, or -1 with errno (EOPNOTSUPP: no ACLs on that filesystem;
 * ENOENT: no /proc). Allocation-free.
 */
int sm_acl_set(int fd, const struct sm_rule *r, mode_t mode);

/*
 * Removes the access ACL of the inode open as fd (one it inherited from
 * a default ACL), so that the mode bits are the whole truth. Returns 0,
 * also when there was none or the filesystem has no ACLs; else -1 with
 * errno. Allocation-free.
 */
int sm_acl_drop(int fd);

#endif
