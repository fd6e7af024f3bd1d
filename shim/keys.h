/* keys.h - the configuration keys, shared by environment, file and CLI. */
#ifndef SOCKMODE_KEYS_H
#define SOCKMODE_KEYS_H

#include <stddef.h>
#include <sys/types.h>

#include "rule.h"

enum sm_on_error { SM_ON_ERROR_FAIL, SM_ON_ERROR_WARN };

/*
 * A rule key. parse() reads value into rule and returns NULL, or returns
 * a static message saying what is wrong with the value.
 */
struct sm_key {
	const char *name;	/* in the rules file: mode=0660 */
	const char *env;	/* as a variable: SOCKMODE_MODE=0660 */
	unsigned bit;		/* SM_HAS_* */
	const char *(*parse)(const char *value, struct sm_rule *rule);
};

#define SM_NKEYS 12
extern const struct sm_key sm_keys[SM_NKEYS];
extern const size_t sm_nkeys;	/* SM_NKEYS */

/* The rules file's list of keys, for messages. */
#define SM_KEY_NAMES "mode, umask, owner, group, stale, remove, dirmode, " \
	"dirowner, dirgroup, dirfix, acl, hold"

/* A key whose value needs another key given too, as each front end says
 * it. (mode with umask, the other mistake between keys, each front end
 * reports as the words come.) */
struct sm_key_need {
	const char *key;	/* the key the rules file's message is about */
	const char *file;	/* in the rules file's words */
	const char *env;	/* in the SOCKMODE_* variables' words */
	const char *cli;	/* in sockmode's options' words */
};

/* The first need that rule r (keys: its SM_HAS_* bits, given or not
 * well formed; r: the values parsed) leaves unmet, or NULL. */
const struct sm_key_need *sm_keys_unmet(unsigned keys,
					const struct sm_rule *r);

/* The key called name (len bytes, not NUL-terminated), or NULL. */
const struct sm_key *sm_key_find(const char *name, size_t len);

/* The key nearest to the unknown name (len bytes) when one is close
 * enough to be the one meant ("gruop", "Mode"), else NULL. */
const char *sm_key_nearest(const char *name, size_t len);

/* The SOCKMODE_* variables that are not rule keys (the rule keys' are
 * sm_keys[].env), NULL-terminated: with them, every name the library
 * reads. */
extern const char *const sm_env_settings[];

/* Nonzero when name (len bytes: a SOCKMODE_* variable's name) is one the
 * library reads. Else 0, with *nearest the known name close enough to be
 * the one meant, or NULL. Allocation-free. */
int sm_env_known(const char *name, size_t len, const char **nearest);

/* Parses a 0777-bits octal number ("0660", "660"). NULL or a message. */
const char *sm_parse_octal(const char *s, mode_t *out);

/* "fail" or "warn" into *out (SM_ON_ERROR_*). NULL or a message. */
const char *sm_parse_on_error(const char *s, int *out);

/* "quiet", "error", "info" or "debug" into *out (SM_LOG_*). */
const char *sm_parse_log_level(const char *s, int *out);

#endif
