/* access.h - may this user do that to this inode? The kernel's own
 * answer (generic_permission, posix_acl_permission, CAP_DAC_OVERRIDE)
 * computed from the inode's mode, owner, group and access ACL, with the
 * reason in words. Used by --why and --audit (issue 16). */
#ifndef SOCKMODE_ACCESS_H
#define SOCKMODE_ACCESS_H

#include <stddef.h>
#include <sys/types.h>

/* What is asked, as in the kernel: MAY_READ 4, MAY_WRITE 2, MAY_EXEC 1
 * (search, for a directory). */
enum { AC_READ = 4, AC_WRITE = 2, AC_EXEC = 1 };

/* A user as the kernel checks it: fsuid, fsgid, supplementary groups.
 * root: uid 0 with every capability (CAP_DAC_OVERRIDE), unless nocaps. */
#define AC_GROUPS_MAX 256
struct ac_user {
	uid_t uid;
	gid_t gid;
	size_t ngroups;
	gid_t groups[AC_GROUPS_MAX];
	int nocaps;		/* uid 0 without CAP_DAC_* (the bits only) */
};

/* One access ACL entry, tags as in <linux/posix_acl.h>. */
enum { AC_TAG_USER_OBJ = 0x01, AC_TAG_USER = 0x02, AC_TAG_GROUP_OBJ = 0x04,
       AC_TAG_GROUP = 0x08, AC_TAG_MASK = 0x10, AC_TAG_OTHER = 0x20 };
#define AC_ACL_MAX 64
struct ac_acl_entry {
	unsigned short tag, perm;
	unsigned id;		/* for AC_TAG_USER and AC_TAG_GROUP */
};

/* What the kernel looks at: file type and bits, owner, group, ACL. */
struct ac_inode {
	mode_t mode;		/* st_mode: type and permission bits */
	uid_t uid;
	gid_t gid;
	size_t nacl;		/* 0: no access ACL, the bits say all */
	struct ac_acl_entry acl[AC_ACL_MAX];
};

/* Which part of the inode's permissions decided. */
enum ac_by {
	AC_BY_OWNER,		/* the owner's bits (or ACL user:: entry) */
	AC_BY_USER,		/* a named ACL entry user:NAME */
	AC_BY_GROUP,		/* the owning group (bits or group::) */
	AC_BY_NAMED_GROUP,	/* a named ACL entry group:NAME */
	AC_BY_GROUPS_ONLY,	/* in a group class entry that does not
				 * grant it: "other" is not looked at */
	AC_BY_OTHER,		/* the other bits */
	AC_BY_ROOT,		/* CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH */
};

/* The answer, and why. */
struct ac_verdict {
	int allowed;
	enum ac_by by;
	unsigned id;		/* the user or group of AC_BY_USER/GROUP ... */
	unsigned perm;		/* the rwx bits of the deciding entry */
	int masked;		/* an ACL entry granted it, the mask did not */
	unsigned mask;		/* the ACL mask's bits, when masked */
};

/* Decides whether u may do want (AC_* bits) on ino as the kernel would,
 * into *v. Returns v->allowed. */
int ac_may(const struct ac_user *u, const struct ac_inode *ino,
	   unsigned want, struct ac_verdict *v);

/* Fills *ino from the inode open as fd (O_PATH is enough): fstat, then
 * the system.posix_acl_access attribute read through
 * /proc/thread-self/fd/N. Returns 0, or -1 with errno (an attribute the
 * filesystem does not support counts as no ACL). */
int ac_inode_of_fd(int fd, struct ac_inode *ino);

/* Parses a system.posix_acl_access value (len bytes) into ino's ACL.
 * Returns 0, or -1 with errno EINVAL when it is malformed. */
int ac_parse_acl(const unsigned char *buf, size_t len, struct ac_inode *ino);

/* Nonzero when u is in group gid (its fsgid or a supplementary one). */
int ac_in_group(const struct ac_user *u, gid_t gid);

/* Writes the reason of v in words into buf ("other: r-x, no write",
 * "group adm (4): rw-", "ACL user:nobody rw- but mask r--"). */
void ac_describe(const struct ac_verdict *v, unsigned want, char *buf,
		 size_t size);

/* "rwx" letters of perm (3 bits) into buf (4 bytes); returns buf. */
const char *ac_rwx(unsigned perm, char *buf);

/* Writes the ACL of ino as getfacl's short form into buf
 * ("user:nobody:rw-,mask::r--"): the named entries and the mask only,
 * or "" when it has none. */
void ac_acl_text(const struct ac_inode *ino, char *buf, size_t size);

/* Name of a user or group ("nobody"), or its number, into buf. */
const char *ac_user_name(uid_t uid, char *buf, size_t size);
const char *ac_group_name(gid_t gid, char *buf, size_t size);

#endif
