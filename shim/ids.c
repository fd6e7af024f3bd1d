/* ids.c - the only place that asks NSS for users and groups. */
#include "ids.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>

/* One typed NSS call: 0 and *id when found, ENOENT when absent, else rc. */
typedef int nss_call(const char *name, char *buf, size_t size,
		     unsigned long *id);

static int call_passwd(const char *name, char *buf, size_t size,
		       unsigned long *id)
{
	struct passwd ent, *found = NULL;
	int rc = getpwnam_r(name, &ent, buf, size, &found);

	if (rc == 0 && found)
		*id = found->pw_uid;
	return rc ? rc : found ? 0 : ENOENT;
}

static int call_group(const char *name, char *buf, size_t size,
		      unsigned long *id)
{
	struct group ent, *found = NULL;
	int rc = getgrnam_r(name, &ent, buf, size, &found);

	if (rc == 0 && found)
		*id = found->gr_gid;
	return rc ? rc : found ? 0 : ENOENT;
}

/*
 * Parses a decimal id. Returns 1 and stores it when s is all digits and
 * fits below 0xffffffff (the "no change" value of chown(2)); 0 when s is
 * not a number; -1 when it is a number out of range.
 */
static int parse_id(const char *s, unsigned long *out)
{
	unsigned long v = 0;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		if (v > (0xfffffffeUL - (unsigned long)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (p == s || *p)
		return 0;
	*out = v;
	return 1;
}

/*
 * Resolves name (digits, or a name for call) into *id. Returns NULL on
 * success, else a static message (unknown when there is no such name).
 */
static const char *resolve(const char *name, nss_call *call,
			   const char *unknown, unsigned long *id)
{
	size_t size = 1024;

	switch (parse_id(name, id)) {
	case 1:
		return NULL;
	case -1:
		return "numeric id out of range";
	}
	if (!*name)
		return "empty value";
	for (;;) {
		char *buf = malloc(size);
		int rc;

		if (!buf)
			return "out of memory";
		rc = call(name, buf, size, id);
		free(buf);
		if (rc == ERANGE && size < (1u << 20)) {
			size *= 4;
			continue;
		}
		if (rc == 0)
			return NULL;
		return rc == ENOENT || rc == ESRCH ? unknown : "lookup failed";
	}
}

const char *sm_lookup_user(const char *name, uid_t *uid)
{
	unsigned long id = 0;
	const char *err = resolve(name, call_passwd, "unknown user", &id);

	if (err)
		return err;
	*uid = (uid_t)id;
	return NULL;
}

const char *sm_lookup_group(const char *name, gid_t *gid)
{
	unsigned long id = 0;
	const char *err = resolve(name, call_group, "unknown group", &id);

	if (err)
		return err;
	*gid = (gid_t)id;
	return NULL;
}
