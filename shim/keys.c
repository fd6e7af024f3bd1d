/* keys.c - one table row per rule key; every front end parses with it. */
#include "keys.h"

#include <string.h>

#include "acl.h"
#include "ids.h"
#include "log.h"
#include "suggest.h"

const char *sm_parse_octal(const char *s, mode_t *out)
{
	unsigned long v = 0;
	const char *p;

	if (!*s)
		return "empty value";
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '7')
			return "not an octal number (digits 0-7 only, e.g. 0660)";
		v = v * 8 + (unsigned long)(*p - '0');
		if (v > 0777)
			return "out of range (only the permission bits 0 to 0777)";
	}
	*out = (mode_t)v;
	return NULL;
}

static const char *parse_mode(const char *s, struct sm_rule *r)
{
	return sm_parse_octal(s, &r->mode);
}

static const char *parse_umask(const char *s, struct sm_rule *r)
{
	mode_t mask = 0;
	const char *err = sm_parse_octal(s, &mask);

	if (!err)
		r->mode = 0777 & ~mask;
	return err;
}

static const char *parse_owner(const char *s, struct sm_rule *r)
{
	return sm_lookup_user(s, &r->uid);
}

static const char *parse_group(const char *s, struct sm_rule *r)
{
	return sm_lookup_group(s, &r->gid);
}

static const char *parse_stale(const char *s, struct sm_rule *r)
{
	if (!*s)
		return "empty value";
	if (strcmp(s, "unlink") != 0)
		return "must be unlink";
	r->stale = SM_STALE_UNLINK;
	return NULL;
}

static const char *parse_remove(const char *s, struct sm_rule *r)
{
	if (!*s)
		return "empty value";
	if (strcmp(s, "exit") != 0)
		return "must be exit";
	r->remove = SM_REMOVE_EXIT;
	return NULL;
}

static const char *parse_dirmode(const char *s, struct sm_rule *r)
{
	return sm_parse_octal(s, &r->dirmode);
}

static const char *parse_dirowner(const char *s, struct sm_rule *r)
{
	return sm_lookup_user(s, &r->diruid);
}

static const char *parse_dirgroup(const char *s, struct sm_rule *r)
{
	return sm_lookup_group(s, &r->dirgid);
}

/* "yes" or "no" into *out (1 or 0). NULL or a message. */
static const char *parse_yes_no(const char *s, int *out)
{
	if (!*s)
		return "empty value";
	if (strcmp(s, "yes") != 0 && strcmp(s, "no") != 0)
		return "must be yes or no";
	*out = s[0] == 'y';
	return NULL;
}

static const char *parse_dirfix(const char *s, struct sm_rule *r)
{
	return parse_yes_no(s, &r->dirfix);
}

static const char *parse_hold(const char *s, struct sm_rule *r)
{
	return parse_yes_no(s, &r->hold);
}

const struct sm_key_need *sm_keys_unmet(unsigned keys,
					const struct sm_rule *r)
{
	static const struct sm_key_need dirfix = {
		"dirfix",
		"dirfix=yes needs dirmode= (the mode the existing directory "
		"gets)",
		"SOCKMODE_DIRFIX=yes needs SOCKMODE_DIRMODE (the mode the "
		"existing directory gets)",
		"--dirfix=yes needs --dirmode",
	};

	if ((keys & SM_HAS_DIRFIX) && r->dirfix && !(keys & SM_HAS_DIRMODE))
		return &dirfix;
	return NULL;
}

const struct sm_key sm_keys[SM_NKEYS] = {
	{ "mode", "SOCKMODE_MODE", SM_HAS_MODE, parse_mode },
	{ "umask", "SOCKMODE_UMASK", SM_HAS_UMASK, parse_umask },
	{ "owner", "SOCKMODE_OWNER", SM_HAS_OWNER, parse_owner },
	{ "group", "SOCKMODE_GROUP", SM_HAS_GROUP, parse_group },
	{ "stale", "SOCKMODE_STALE", SM_HAS_STALE, parse_stale },
	{ "remove", "SOCKMODE_REMOVE", SM_HAS_REMOVE, parse_remove },
	{ "dirmode", "SOCKMODE_DIRMODE", SM_HAS_DIRMODE, parse_dirmode },
	{ "dirowner", "SOCKMODE_DIROWNER", SM_HAS_DIROWNER, parse_dirowner },
	{ "dirgroup", "SOCKMODE_DIRGROUP", SM_HAS_DIRGROUP, parse_dirgroup },
	{ "dirfix", "SOCKMODE_DIRFIX", SM_HAS_DIRFIX, parse_dirfix },
	{ "acl", "SOCKMODE_ACL", SM_HAS_ACL, sm_parse_acl },
	{ "hold", "SOCKMODE_HOLD", SM_HAS_HOLD, parse_hold },
};
const size_t sm_nkeys = sizeof sm_keys / sizeof sm_keys[0];
_Static_assert(sizeof sm_keys / sizeof sm_keys[0] == SM_NKEYS &&
	       SM_HAS_HOLD == 1u << (SM_NKEYS - 1),
	       "SM_NKEYS: one row per key, one SM_HAS_ bit per row");

const struct sm_key *sm_key_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sm_nkeys; i++)
		if (strlen(sm_keys[i].name) == len &&
		    memcmp(sm_keys[i].name, name, len) == 0)
			return &sm_keys[i];
	return NULL;
}

const char *const sm_env_settings[] = {
	"SOCKMODE_MATCH", "SOCKMODE_CONFIG", "SOCKMODE_ON_ERROR",
	"SOCKMODE_LOG", NULL,
};

const char *sm_key_nearest(const char *name, size_t len)
{
	struct sm_suggest s;
	size_t i;

	sm_suggest_init(&s, name, len);
	for (i = 0; i < sm_nkeys; i++)
		sm_suggest_try(&s, sm_keys[i].name);
	return s.best;
}

int sm_env_known(const char *name, size_t len, const char **nearest)
{
	struct sm_suggest s;
	size_t i;

	sm_suggest_init(&s, name, len);
	for (i = 0; i < sm_nkeys; i++) {
		if (strlen(sm_keys[i].env) == len &&
		    memcmp(sm_keys[i].env, name, len) == 0)
			return 1;
		sm_suggest_try(&s, sm_keys[i].env);
	}
	for (i = 0; sm_env_settings[i]; i++) {
		if (strlen(sm_env_settings[i]) == len &&
		    memcmp(sm_env_settings[i], name, len) == 0)
			return 1;
		sm_suggest_try(&s, sm_env_settings[i]);
	}
	*nearest = s.best;
	return 0;
}

/* Finds s in a NULL-terminated list of words; its index or -1. */
static int word_index(const char *s, const char *const *words)
{
	int i;

	for (i = 0; words[i]; i++)
		if (strcmp(s, words[i]) == 0)
			return i;
	return -1;
}

const char *sm_parse_on_error(const char *s, int *out)
{
	static const char *const words[] = { "fail", "warn", NULL };
	int i = word_index(s, words);

	if (!*s)
		return "empty value";
	if (i < 0)
		return "must be fail or warn";
	*out = i == 0 ? SM_ON_ERROR_FAIL : SM_ON_ERROR_WARN;
	return NULL;
}

const char *sm_parse_log_level(const char *s, int *out)
{
	static const char *const words[] = { "quiet", "error", "info",
					     "debug", NULL };
	static const int levels[] = { SM_LOG_QUIET, SM_LOG_ERROR, SM_LOG_INFO,
				      SM_LOG_DEBUG };
	int i = word_index(s, words);

	if (!*s)
		return "empty value";
	if (i < 0)
		return "must be quiet, error, info or debug";
	*out = levels[i];
	return NULL;
}
