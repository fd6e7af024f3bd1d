/* policy.h - the rule table, built once at load and only read after. */
#ifndef SOCKMODE_POLICY_H
#define SOCKMODE_POLICY_H

#include <stddef.h>

#include "rule.h"

struct sm_policy {
	struct sm_rule *rules;	/* first match wins: small, or the heap */
	size_t nrules, cap;
	struct sm_rule small[2];	/* the environment's rule needs no malloc
					 * (a policy must not be copied) */
	int valid;		/* 0: fail every AF_UNIX path bind (SPEC 4.6) */
	int on_error;		/* SM_ON_ERROR_* */
	int log_level;		/* SM_LOG_* */
};

/* The rules file read when SOCKMODE_CONFIG is not set, if it exists. */
#ifndef SM_DEFAULT_CONFIG
#define SM_DEFAULT_CONFIG "/etc/sockmode.conf"
#endif

/* SOCKMODE_CONFIG=none: no rules file at all, not even the default. */
#define SM_NO_CONFIG "none"

/* Receives each configuration error, already formatted, without a newline. */
typedef void sm_report_fn(void *ctx, const char *msg);

/* Looks a variable up, as getenv(3) does. */
typedef const char *sm_getenv_fn(const char *name);

/*
 * Builds pol: first the rule of the SOCKMODE_* variables that get
 * returns, then the rules of the file SOCKMODE_CONFIG names (which must
 * exist) or else of default_conf when it exists (NULL: none). When secure
 * is set (AT_SECURE), the environment is ignored entirely: only
 * default_conf is read. Every error goes to report (all of them, not
 * just the first) and leaves pol invalid and empty. Sets sm_log_level
 * from SOCKMODE_LOG. Returns the number of errors. Allocates; call at
 * load only.
 */
size_t sm_policy_load(struct sm_policy *pol, sm_getenv_fn *get, int secure,
		      const char *default_conf, sm_report_fn *report,
		      void *ctx);

/*
 * Checks the names of the SOCKMODE_* entries of env (NAME=VALUE strings,
 * NULL-terminated; other names are skipped): each one that is neither a
 * key's variable nor a setting (sm_env_settings) is reported, with the
 * known name it is nearest to when one is close. Any such name leaves pol
 * invalid and empty, as an error of sm_policy_load() does (fail closed).
 * Returns the number of unknown names.
 */
size_t sm_policy_check_names(struct sm_policy *pol, char *const *env,
			     sm_report_fn *report, void *ctx);

/*
 * Checks that glob is usable as a rule's pattern: well formed and able to
 * match an absolute path. Returns NULL, or a static message with *col the
 * 0-based offset of the fault.
 */
const char *sm_policy_check_glob(const char *glob, unsigned *col);

/*
 * Appends a copy of rule with its own copy of glob and origin. Without a
 * glob (NULL: every path), origin is not copied: it must outlive pol (a
 * string literal). Returns 0, or -1 when out of memory.
 */
int sm_policy_add(struct sm_policy *pol, const struct sm_rule *rule,
		  const char *glob, size_t glob_len, const char *origin);

/*
 * The first rule whose glob matches the absolute path, or NULL.
 * Allocation-free and async-signal-safe.
 */
const struct sm_rule *sm_policy_match(const struct sm_policy *pol,
				      const char *abspath);

/*
 * The rule a bind of path (as the program spelled it) gets: the first
 * rule whose glob matches path's absolute form or, where it differs, the
 * form with its directory's symlinks resolved (SPEC 3.2, 3.3). The
 * resolved form costs three system calls, so it is only computed when a
 * rule before the first literal match could still match it. buf (size
 * bytes, PATH_MAX) is scratch. Sets *rule (NULL: none) and *via_resolved;
 * returns 0, or -1 with errno when path cannot be made absolute.
 * Allocation-free and async-signal-safe.
 */
int sm_policy_lookup(const struct sm_policy *pol, const char *path,
		     char *buf, size_t size, const struct sm_rule **rule,
		     int *via_resolved);

/*
 * Decides a bind of path (as the program spelled it) the same way for the
 * preload hook and the seccomp supervisor, logging as they both must:
 * returns 1 with *rule when a rule applies; 0 when the bind goes to the
 * kernel untouched (no rule matches; or the path could not be made
 * absolute and on_error is warn); -1 with errno when it must fail (an
 * invalid configuration: EACCES; no absolute path under fail: its errno).
 * buf (size bytes, PATH_MAX) is scratch. Allocation-free.
 */
int sm_policy_decide(const struct sm_policy *pol, const char *path,
		     char *buf, size_t size, const struct sm_rule **rule);

/* Releases what the load allocated and leaves pol empty and valid. */
void sm_policy_free(struct sm_policy *pol);

#endif
