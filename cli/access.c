/* access.c - may this user do that to this inode: the kernel's answer
 * from mode bits, groups, the POSIX access ACL with its mask, the owner
 * and root's capabilities, with the entry that decided (issue 16).
 *
 * It follows fs/namei.c (generic_permission, acl_permission_check) and
 * fs/posix_acl.c (posix_acl_permission) step for step, quirks included:
 * the owner's bits decide for the owner even when others get more; a
 * group entry that matches but does not grant ends the search (other is
 * not looked at); an ACL whose mask is --- is not consulted at all. */
#include "access.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#define ACL_XATTR "system.posix_acl_access"
#define ACL_XATTR_VERSION 2

int ac_in_group(const struct ac_user *u, gid_t gid)
{
	size_t i;

	if (u->gid == gid)
		return 1;
	for (i = 0; i < u->ngroups; i++)
		if (u->groups[i] == gid)
			return 1;
	return 0;
}

/* Sets *v and returns its allowed. */
static int decide(struct ac_verdict *v, int allowed, enum ac_by by,
		  unsigned id, unsigned perm)
{
	v->allowed = allowed;
	v->by = by;
	v->id = id;
	v->perm = perm & 7;
	return allowed;
}

/* The mask entry's bits, or 7 when the ACL has none. */
static unsigned acl_mask(const struct ac_inode *ino)
{
	size_t i;

	for (i = 0; i < ino->nacl; i++)
		if (ino->acl[i].tag == AC_TAG_MASK)
			return ino->acl[i].perm & 7;
	return 7;
}

/* posix_acl_permission(): returns 1 allowed, 0 denied, into *v. */
static int acl_check(const struct ac_user *u, const struct ac_inode *ino,
		     unsigned want, struct ac_verdict *v)
{
	unsigned mask = acl_mask(ino);
	int found = 0;
	size_t i;

	for (i = 0; i < ino->nacl; i++) {
		const struct ac_acl_entry *e = &ino->acl[i];
		enum ac_by by;
		unsigned id;

		switch (e->tag) {
		case AC_TAG_USER_OBJ:
			if (u->uid == ino->uid)
				return decide(v, (e->perm & want) == want,
					      AC_BY_OWNER, ino->uid, e->perm);
			continue;
		case AC_TAG_USER:
			if (u->uid != e->id)
				continue;
			by = AC_BY_USER;
			id = e->id;
			break;
		case AC_TAG_GROUP_OBJ:
		case AC_TAG_GROUP:
			id = e->tag == AC_TAG_GROUP ? e->id : ino->gid;
			if (!ac_in_group(u, id))
				continue;
			found = 1;
			if ((e->perm & want) != want)
				continue;
			by = e->tag == AC_TAG_GROUP ? AC_BY_NAMED_GROUP
						    : AC_BY_GROUP;
			break;
		case AC_TAG_OTHER:
			if (found)
				return decide(v, 0, AC_BY_GROUPS_ONLY, 0, 0);
			return decide(v, (e->perm & want) == want,
				      AC_BY_OTHER, 0, e->perm);
		default:
			continue;
		}
		/* A named user or a granting group: the mask has its say. */
		decide(v, (e->perm & mask & want) == want, by, id, e->perm);
		if (!v->allowed) {
			v->masked = 1;
			v->mask = mask;
		}
		return v->allowed;
	}
	return decide(v, 0, AC_BY_OTHER, 0, 0);	/* no other entry: -EIO */
}

/* acl_permission_check(): the bits and the ACL, no capabilities. */
static int dac_check(const struct ac_user *u, const struct ac_inode *ino,
		     unsigned want, struct ac_verdict *v)
{
	unsigned mode = ino->mode & 0777;

	if (u->uid == ino->uid)
		return decide(v, !(want & ~(mode >> 6)), AC_BY_OWNER,
			      ino->uid, mode >> 6);
	if (ino->nacl && (mode & 070))
		return acl_check(u, ino, want, v);
	/* The group's bits count only for a member, and then alone. */
	if (ac_in_group(u, ino->gid))
		return decide(v, !(want & ~(mode >> 3)), AC_BY_GROUP,
			      ino->gid, mode >> 3);
	return decide(v, !(want & ~mode), AC_BY_OTHER, 0, mode);
}

int ac_may(const struct ac_user *u, const struct ac_inode *ino,
	   unsigned want, struct ac_verdict *v)
{
	memset(v, 0, sizeof *v);
	want &= 7;
	if (dac_check(u, ino, want, v) || u->uid != 0 || u->nocaps)
		return v->allowed;
	/* generic_permission(): root's CAP_DAC_OVERRIDE and
	 * CAP_DAC_READ_SEARCH; execute needs some x bit on a non-directory. */
	if (S_ISDIR(ino->mode) || !(want & AC_EXEC) || (ino->mode & 0111)) {
		v->masked = 0;
		return decide(v, 1, AC_BY_ROOT, 0, 7);
	}
	return 0;
}

int ac_parse_acl(const unsigned char *buf, size_t len, struct ac_inode *ino)
{
	size_t i, n;

	ino->nacl = 0;
	if (len < 4 || (len - 4) % 8 ||
	    (unsigned)(buf[0] | buf[1] << 8 | buf[2] << 16 |
		       (unsigned)buf[3] << 24) != ACL_XATTR_VERSION)
		goto bad;
	n = (len - 4) / 8;
	if (n > AC_ACL_MAX)
		goto bad;
	for (i = 0; i < n; i++) {
		const unsigned char *p = buf + 4 + 8 * i;
		struct ac_acl_entry *e = &ino->acl[i];

		e->tag = (unsigned short)(p[0] | p[1] << 8);
		e->perm = (unsigned short)(p[2] | p[3] << 8);
		e->id = (unsigned)(p[4] | p[5] << 8 | p[6] << 16) |
			(unsigned)p[7] << 24;
	}
	ino->nacl = n;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int ac_inode_of_fd(int fd, struct ac_inode *ino)
{
	unsigned char buf[4 + 8 * AC_ACL_MAX];
	char proc[48];
	struct stat st;
	ssize_t n;

	memset(ino, 0, sizeof *ino);
	if (fstat(fd, &st) < 0)
		return -1;
	ino->mode = st.st_mode;
	ino->uid = st.st_uid;
	ino->gid = st.st_gid;
	if (S_ISLNK(st.st_mode))
		return 0;
	snprintf(proc, sizeof proc, "/proc/thread-self/fd/%d", fd);
	n = getxattr(proc, ACL_XATTR, buf, sizeof buf);
	if (n < 0)
		return errno == ENODATA || errno == EOPNOTSUPP ? 0 : -1;
	return ac_parse_acl(buf, (size_t)n, ino);
}

const char *ac_rwx(unsigned perm, char *buf)
{
	buf[0] = perm & 4 ? 'r' : '-';
	buf[1] = perm & 2 ? 'w' : '-';
	buf[2] = perm & 1 ? 'x' : '-';
	buf[3] = 0;
	return buf;
}

/* name, or id when there is no name (NULL), into buf; returns buf. */
static const char *name_or_id(const char *name, unsigned id, char *buf,
			      size_t size)
{
	if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "%u", id);
	return buf;
}

const char *ac_user_name(uid_t uid, char *buf, size_t size)
{
	const struct passwd *pw = getpwuid(uid);

	return name_or_id(pw ? pw->pw_name : NULL, (unsigned)uid, buf, size);
}

const char *ac_group_name(gid_t gid, char *buf, size_t size)
{
	const struct group *gr = getgrgid(gid);

	return name_or_id(gr ? gr->gr_name : NULL, (unsigned)gid, buf, size);
}

/* The word for what was asked: "write", "search", "read". */
static const char *asked(unsigned want)
{
	return want & AC_WRITE ? "write" : want & AC_EXEC ? "search" : "read";
}

void ac_describe(const struct ac_verdict *v, unsigned want, char *buf,
		 size_t size)
{
	char name[64], bits[4], mbits[4];
	const char *no = v->allowed ? "" : ", no ";

	ac_rwx(v->perm, bits);
	switch (v->by) {
	case AC_BY_ROOT:
		snprintf(buf, size, "root: CAP_DAC_OVERRIDE");
		return;
	case AC_BY_OWNER:
		snprintf(buf, size, "owner %s: %s%s%s",
			 ac_user_name(v->id, name, sizeof name), bits, no,
			 v->allowed ? "" : asked(want));
		return;
	case AC_BY_USER:
		ac_user_name(v->id, name, sizeof name);
		if (v->masked)
			snprintf(buf, size, "ACL user:%s:%s, but the mask is "
				 "%s: no %s", name, bits,
				 ac_rwx(v->mask, mbits), asked(want));
		else
			snprintf(buf, size, "ACL user:%s:%s%s%s", name, bits,
				 no, v->allowed ? "" : asked(want));
		return;
	case AC_BY_GROUP:
	case AC_BY_NAMED_GROUP:
		ac_group_name(v->id, name, sizeof name);
		if (v->masked)
			snprintf(buf, size, "%s %s: %s, but the ACL mask is "
				 "%s: no %s", v->by == AC_BY_GROUP
				 ? "owning group" : "ACL group", name, bits,
				 ac_rwx(v->mask, mbits), asked(want));
		else
			snprintf(buf, size, "%s %s (a group of the user): "
				 "%s%s%s", v->by == AC_BY_GROUP
				 ? "owning group" : "ACL group", name, bits,
				 no, v->allowed ? "" : asked(want));
		return;
	case AC_BY_GROUPS_ONLY:
		snprintf(buf, size, "in a group of the ACL, none of which "
			 "grants %s (other is then not looked at)",
			 asked(want));
		return;
	case AC_BY_OTHER:
		snprintf(buf, size, "other: %s%s%s", bits, no,
			 v->allowed ? "" : asked(want));
		return;
	}
}

void ac_acl_text(const struct ac_inode *ino, char *buf, size_t size)
{
	char name[64], bits[4];
	size_t i, len;

	buf[0] = 0;
	for (i = 0; i < ino->nacl; i++) {
		const struct ac_acl_entry *e = &ino->acl[i];

		len = strlen(buf);
		if (e->tag == AC_TAG_USER)
			snprintf(buf + len, size - len, "%suser:%s:%s",
				 len ? "," : "",
				 ac_user_name(e->id, name, sizeof name),
				 ac_rwx(e->perm, bits));
		else if (e->tag == AC_TAG_GROUP)
			snprintf(buf + len, size - len, "%sgroup:%s:%s",
				 len ? "," : "",
				 ac_group_name(e->id, name, sizeof name),
				 ac_rwx(e->perm, bits));
		else if (e->tag == AC_TAG_MASK)
			snprintf(buf + len, size - len, "%smask::%s",
				 len ? "," : "", ac_rwx(e->perm, bits));
	}
}
