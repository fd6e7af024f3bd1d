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

/* What a lookup decided for one bind, and what the check after the bind
 * needs to decide again on the name of the inode the kernel made. */
struct sm_decision {
	const struct sm_rule *rule;	/* NULL: no rule applies */
	size_t literal;	/* index of the first rule matching the literal
			 * form; nrules: none; SM_UNNAMED: no absolute form
			 * could be made (its directory has no name) */
};
#define SM_UNNAMED ((size_t)-1)

/*
 * The rule a bind of path (as the program spelled it) gets: the first
 * rule whose glob matches path's absolute form (".." resolved lexically)
 * or, where it differs, the form with its directory's symlinks resolved
 * (SPEC 3.2, 3.3). The resolved form costs three system calls, so it is
 * only computed when a rule before the first literal match could still
 * match it. When the current directory has no name (removed, or longer
 * than PATH_MAX), the kernel's name of the path's own directory is the
 * literal form; when that has none either, only a rule that matches any
 * name can apply, and a rule before it whose glob might match the path
 * makes the decision impossible. buf (size bytes, PATH_MAX) is scratch.
 * Fills *d and sets *via_resolved; returns 0, or -1 when undecidable
 * (d->rule is then the rule that might match). Allocation-free and
 * async-signal-safe.
 */
int sm_policy_find(const struct sm_policy *pol, const char *path,
		   char *buf, size_t size, struct sm_decision *d,
		   int *via_resolved);

/* sm_policy_find() for those who want only the rule (--explain). */
int sm_policy_lookup(const struct sm_policy *pol, const char *path,
		     char *buf, size_t size, const struct sm_rule **rule,
		     int *via_resolved);

/*
 * Decides a bind of path (as the program spelled it) the same way for the
 * preload hook and the seccomp supervisor, logging as they both must:
 * returns 1 with d->rule when a rule applies; 0 when the bind goes to the
 * kernel untouched (no rule can match; or the decision is impossible and
 * on_error is warn); -1 with errno EACCES when it must fail (an invalid
 * configuration, or an impossible decision under fail). buf (size bytes,
 * PATH_MAX) is scratch. Allocation-free.
 */
int sm_policy_decide(const struct sm_policy *pol, const char *path,
		     char *buf, size_t size, struct sm_decision *d);

/* Nonzero when d can be decided by no name the bind's file may turn out
 * to have: the first rule, matched literally or matching everything.
 * Then the check after the bind is not needed. */
int sm_policy_settled(const struct sm_policy *pol,
		      const struct sm_decision *d);

/*
 * The check after the bind (SPEC 3.3, 4.3): decides d again with real,
 * the kernel's name of the inode the bind made (NULL when it has none we
 * can know), and path as the program spelled it. Sets *now to the rule
 * that name gets (NULL: none, or undecidable); returns 0 when it is
 * d->rule, else -1. Allocation-free.
 */
int sm_policy_recheck(const struct sm_policy *pol,
		      const struct sm_decision *d, const char *real,
		      const char *path, const struct sm_rule **now);

/* Releases what the load allocated and leaves pol empty and valid. */
void sm_policy_free(struct sm_policy *pol);

#endif
