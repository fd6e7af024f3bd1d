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

#define SM_NKEYS 11
extern const struct sm_key sm_keys[SM_NKEYS];
extern const size_t sm_nkeys;	/* SM_NKEYS */

/* The rules file's list of keys, for messages. */
#define SM_KEY_NAMES "mode, umask, owner, group, stale, remove, dirmode, " \
	"dirowner, dirgroup, dirfix, acl"

/*
 * Checks the keys of one rule together (keys: its SM_HAS_* bits, r: its
 * parsed values): mode with umask, dirfix=yes without dirmode. Returns
 * NULL, or a static message in the rules file's words.
 */
const char *sm_keys_conflict(unsigned keys, const struct sm_rule *r);

/* The key called name (len bytes, not NUL-terminated), or NULL. */
const struct sm_key *sm_key_find(const char *name, size_t len);

/* Parses a 0777-bits octal number ("0660", "660"). NULL or a message. */
const char *sm_parse_octal(const char *s, mode_t *out);

/* "fail" or "warn" into *out (SM_ON_ERROR_*). NULL or a message. */
const char *sm_parse_on_error(const char *s, int *out);

/* "quiet", "error", "info" or "debug" into *out (SM_LOG_*). */
const char *sm_parse_log_level(const char *s, int *out);

#endif
