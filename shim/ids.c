/* ids.c - the only place that asks NSS for users and groups. */
#include "ids.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

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
 * The last names resolved, per kind: a rules file names the same few
 * users and groups on many lines, and each NSS lookup reads /etc/passwd
 * or /etc/group again (1,000 rules with a group name took 6 ms to load
 * without this). Load time only, which is single-threaded.
 */
#define CACHE_SLOTS 8
#define CACHE_NAME 32
struct cache {
	char name[CACHE_SLOTS][CACHE_NAME];
	unsigned long id[CACHE_SLOTS];
	unsigned next;
};

static struct cache user_cache, group_cache;

static int cache_get(const struct cache *c, const char *name,
		     unsigned long *id)
{
	unsigned i;

	for (i = 0; i < CACHE_SLOTS; i++)
		if (c->name[i][0] && strcmp(c->name[i], name) == 0) {
			*id = c->id[i];
			return 1;
		}
	return 0;
}

static void cache_put(struct cache *c, const char *name, unsigned long id)
{
	unsigned i = c->next++ % CACHE_SLOTS;
	size_t len = strlen(name);

	if (len >= CACHE_NAME)
		return;
	memcpy(c->name[i], name, len + 1);
	c->id[i] = id;
}

/*
 * Resolves name (digits, or a name for call) into *id, through cache.
 * Returns NULL on success, else a static message (unknown when there is
 * no such name).
 */
static const char *resolve(const char *name, nss_call *call,
			   struct cache *cache, const char *unknown,
			   unsigned long *id)
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
	if (cache_get(cache, name, id))
		return NULL;
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
		if (rc == 0) {
			cache_put(cache, name, *id);
			return NULL;
		}
		return rc == ENOENT || rc == ESRCH ? unknown : "lookup failed";
	}
}

const char *sm_lookup_user(const char *name, uid_t *uid)
{
	unsigned long id = 0;
	const char *err = resolve(name, call_passwd, &user_cache, "unknown user",
				  &id);

	if (err)
		return err;
	*uid = (uid_t)id;
	return NULL;
}

const char *sm_lookup_group(const char *name, gid_t *gid)
{
	unsigned long id = 0;
	const char *err = resolve(name, call_group, &group_cache, "unknown group",
				  &id);

	if (err)
		return err;
	*gid = (gid_t)id;
	return NULL;
}
