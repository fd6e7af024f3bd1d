/* acl.c - acl=: named POSIX ACL entries on the socket file, written as
 * the system.posix_acl_access attribute, without libacl (issue 7). */
#include "acl.h"

#include <errno.h>
#include <string.h>
#include <sys/xattr.h>

#include "ids.h"
#include "log.h"
#include "path.h"

/* The attribute's format (<linux/posix_acl_xattr.h>): a little-endian
 * version word, then entries of tag (16 bits), perm (16), id (32). */
#define ACL_XATTR "system.posix_acl_access"
#define ACL_XATTR_VERSION 2
#define TAG_USER_OBJ 0x01
#define TAG_GROUP_OBJ 0x04
#define TAG_MASK 0x10
#define TAG_OTHER 0x20
#define NO_ID 0xffffffffu

/* Parses PERMS ("rw", "r-x", "6") into *perm. Returns 0, or -1. */
static int parse_perms(const char *s, size_t len, unsigned short *perm)
{
	size_t i;

	*perm = 0;
	if (len == 1 && s[0] >= '0' && s[0] <= '7') {
		*perm = (unsigned short)(s[0] - '0');
		return 0;
	}
	if (len == 0 || len > 3)
		return -1;
	for (i = 0; i < len; i++) {
		const char *at = strchr("rwx", s[i]);
		unsigned short bit;

		if (s[i] == '-')
			continue;
		if (!s[i] || !at)
			return -1;
		bit = (unsigned short)(4 >> (at - "rwx"));
		if (*perm & bit)
			return -1;
		*perm |= bit;
	}
	return 0;
}

/* Orders entries as the kernel checks them: tag, then id. */
static int before(const struct sm_acl_entry *a, const struct sm_acl_entry *b)
{
	return a->tag != b->tag ? a->tag < b->tag : a->id < b->id;
}

/* Parses one entry s (len bytes) into *e. Returns NULL or a message. */
static const char *parse_entry(const char *s, size_t len,
			       struct sm_acl_entry *e)
{
	const char *c1 = memchr(s, ':', len), *c2;
	char name[256];
	size_t tlen, nlen;
	const char *err;
	uid_t uid;
	gid_t gid;

	if (memchr(s, ' ', len) || memchr(s, '\t', len))
		return "a blank in the entry (entries are separated by ',' "
		       "alone)";
	c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - s)) : NULL;
	if (!c2)
		return "expected TAG:NAME:PERMS (e.g. u:www-data:rw)";
	tlen = (size_t)(c1 - s);
	nlen = (size_t)(c2 - c1 - 1);
	if ((tlen == 1 && s[0] == 'u') || (tlen == 4 && !memcmp(s, "user", 4)))
		e->tag = SM_ACL_USER;
	else if ((tlen == 1 && s[0] == 'g') ||
		 (tlen == 5 && !memcmp(s, "group", 5)))
		e->tag = SM_ACL_GROUP;
	else
		return "the tag must be u, user, g or group (mask and other "
		       "entries come from mode=)";
	if (nlen == 0)
		return "no name: the owner's and the group's entries come "
		       "from mode=";
	if (nlen >= sizeof name)
		return "name too long";
	if (memchr(c2 + 1, ':', len - (size_t)(c2 + 1 - s)))
		return "too many ':' (a name cannot contain one)";
	if (parse_perms(c2 + 1, len - (size_t)(c2 + 1 - s), &e->perm) < 0)
		return "permissions must be letters of rwx or -, or one "
		       "octal digit";
	memcpy(name, c1 + 1, nlen);
	name[nlen] = '\0';
	if (e->tag == SM_ACL_USER) {
		err = sm_lookup_user(name, &uid);
		e->id = (unsigned)uid;
	} else {
		err = sm_lookup_group(name, &gid);
		e->id = (unsigned)gid;
	}
	return err;
}

/* Inserts e among the n sorted entries of r. Returns NULL, or a
 * message when its user or group has an entry already. */
static const char *insert_sorted(struct sm_rule *r, unsigned n,
				 const struct sm_acl_entry *e)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (r->acl[i].tag == e->tag && r->acl[i].id == e->id)
			return e->tag == SM_ACL_USER
			       ? "that user has an entry already"
			       : "that group has an entry already";
	for (i = n; i > 0 && before(e, &r->acl[i - 1]); i--)
		r->acl[i] = r->acl[i - 1];
	r->acl[i] = *e;
	return NULL;
}

const char *sm_parse_acl(const char *s, struct sm_rule *r)
{
	static char msg[320];	/* at load only: one caller at a time */
	const char *p = s, *err;
	unsigned n = 0;

	if (!*s)
		return "empty value";
	for (;;) {
		size_t len = strcspn(p, ",");
		struct sm_acl_entry e = { 0, 0, 0 };

		if (n == SM_ACL_MAX)
			err = "too many entries (at most 8)";
		else if (len == 0)
			err = "empty entry";
		else if ((err = parse_entry(p, len, &e)) == NULL)
			err = insert_sorted(r, n, &e);
		if (err) {	/* a long entry shortened: the reason stays */
			sm_format(msg, sizeof msg, "entry %u '%.*s%s': %s",
				  n + 1, (int)(len > 48 ? 45 : len), p,
				  len > 48 ? "..." : "", err);
			return msg;
		}
		r->nacl = ++n;
		if (!p[len])
			return NULL;
		p += len + 1;
	}
}

/* Appends one entry to the attribute at *out, little-endian. */
static unsigned char *put_entry(unsigned char *out, unsigned tag,
				unsigned perm, unsigned id)
{
	out[0] = (unsigned char)tag;
	out[1] = (unsigned char)(tag >> 8);
	out[2] = (unsigned char)perm;
	out[3] = 0;
	out[4] = (unsigned char)id;
	out[5] = (unsigned char)(id >> 8);
	out[6] = (unsigned char)(id >> 16);
	out[7] = (unsigned char)(id >> 24);
	return out + 8;
}

/* The ACL's mask: the union of the group class, as setfacl(1) makes it. */
static unsigned acl_mask(const struct sm_rule *r, mode_t mode)
{
	unsigned mask = (mode >> 3) & 7, i;

	for (i = 0; i < r->nacl; i++)
		mask |= r->acl[i].perm;
	return mask;
}

mode_t sm_acl_shown_mode(const struct sm_rule *r, mode_t mode)
{
	return (mode & 0707) | (mode_t)(acl_mask(r, mode) << 3);
}

size_t sm_acl_xattr(const struct sm_rule *r, mode_t mode,
		    unsigned char *out)
{
	unsigned char *p = out + 4;
	unsigned group = (mode >> 3) & 7, i;

	out[0] = ACL_XATTR_VERSION;
	out[1] = out[2] = out[3] = 0;
	p = put_entry(p, TAG_USER_OBJ, (mode >> 6) & 7, NO_ID);
	for (i = 0; i < r->nacl; i++) {
		if (r->acl[i].tag == SM_ACL_GROUP && (i == 0 ||
		    r->acl[i - 1].tag == SM_ACL_USER))
			p = put_entry(p, TAG_GROUP_OBJ, group, NO_ID);
		p = put_entry(p, r->acl[i].tag, r->acl[i].perm, r->acl[i].id);
	}
	if (r->nacl == 0 || r->acl[r->nacl - 1].tag == SM_ACL_USER)
		p = put_entry(p, TAG_GROUP_OBJ, group, NO_ID);
	p = put_entry(p, TAG_MASK, acl_mask(r, mode), NO_ID);
	p = put_entry(p, TAG_OTHER, mode & 7, NO_ID);
	return (size_t)(p - out);
}

int sm_acl_set(int fd, const struct sm_rule *r, mode_t mode)
{
	unsigned char attr[SM_ACL_XATTR_MAX];
	char proc[SM_PROC_FD_PATH_SIZE];
	size_t len = sm_acl_xattr(r, mode, attr);

	return setxattr(sm_proc_fd_path(fd, proc), ACL_XATTR, attr, len, 0);
}

int sm_acl_drop(int fd)
{
	char proc[SM_PROC_FD_PATH_SIZE];

	if (removexattr(sm_proc_fd_path(fd, proc), ACL_XATTR) == 0)
		return 0;
	return errno == ENODATA || errno == ENOTSUP ? 0 : -1;
}
