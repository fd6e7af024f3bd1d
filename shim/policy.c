/* policy.c - the rule table: environment rule, matching, ownership. */
#include "policy.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "glob.h"
#include "keys.h"
#include "log.h"
#include "path.h"

#define ENV_ORIGIN "environment"

/* Formats one message and hands it to report. */
static void complain(sm_report_fn *report, void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void complain(sm_report_fn *report, void *ctx, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	sm_vformat(msg, sizeof msg, fmt, ap);
	va_end(ap);
	report(ctx, msg);
}

int sm_policy_add(struct sm_policy *pol, const struct sm_rule *rule,
		  const char *glob, size_t glob_len, const char *origin)
{
	struct sm_rule *r;
	char *mem = NULL;

	if (pol->nrules == pol->cap) {
		size_t cap = pol->cap ? pol->cap * 2 : 8;
		int was_small = pol->rules == pol->small;
		struct sm_rule *rules = realloc(was_small ? NULL : pol->rules,
						cap * sizeof *rules);

		if (!rules)
			return -1;
		if (was_small)
			memcpy(rules, pol->small, pol->nrules * sizeof *rules);
		pol->rules = rules;
		pol->cap = cap;
	}
	if (glob) {	/* one allocation: the glob, then the origin */
		size_t olen = strlen(origin);

		mem = malloc(glob_len + 1 + olen + 1);
		if (!mem)
			return -1;
		memcpy(mem, glob, glob_len);
		mem[glob_len] = '\0';
		memcpy(mem + glob_len + 1, origin, olen + 1);
	}
	r = &pol->rules[pol->nrules++];
	*r = *rule;
	r->glob = mem;
	r->origin = mem ? mem + glob_len + 1 : origin;
	r->storage = mem;
	return 0;
}

const char *sm_policy_check_glob(const char *glob, unsigned *col)
{
	const char *err = sm_glob_check(glob, col);

	if (!err && !strchr("/*?[", glob[0])) {
		*col = 0;
		err = "pattern is not absolute (it is matched against "
		      "absolute paths: start it with / or *)";
	}
	return err;
}

/*
 * Checks the SOCKMODE_MATCH list, complaining about each bad pattern.
 * Returns the number of errors.
 */
static size_t check_match(const char *list, sm_report_fn *report, void *ctx)
{
	const char *p = list;
	size_t errors = 0;

	if (!*list) {
		complain(report, ctx, "SOCKMODE_MATCH=\"\": empty value");
		return 1;
	}
	for (;;) {
		size_t len = strcspn(p, ":");
		unsigned pos = (unsigned)(p - list) + 1;
		char glob[4096];
		const char *err;
		unsigned col = 0;

		if (len == 0) {
			complain(report, ctx,
				 "SOCKMODE_MATCH=\"%s\": empty pattern at "
				 "position %u", list, pos);
			errors++;
		} else if (len >= sizeof glob) {
			complain(report, ctx,
				 "SOCKMODE_MATCH: pattern at position %u is "
				 "too long", pos);
			errors++;
		} else {
			memcpy(glob, p, len);
			glob[len] = '\0';
			err = sm_policy_check_glob(glob, &col);
			if (err) {
				complain(report, ctx,
					 "SOCKMODE_MATCH=\"%s\": pattern at "
					 "position %u: %s", list, pos + col,
					 err);
				errors++;
			}
		}
		if (!p[len])
			return errors;
		p += len + 1;
	}
}

/* Adds one rule per SOCKMODE_MATCH pattern, or one for every path. */
static int add_env_rules(struct sm_policy *pol, const struct sm_rule *rule,
			 const char *list)
{
	const char *p = list;

	if (!list)
		return sm_policy_add(pol, rule, NULL, 0, ENV_ORIGIN);
	for (;;) {
		size_t len = strcspn(p, ":");

		if (sm_policy_add(pol, rule, p, len, ENV_ORIGIN) < 0)
			return -1;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

/* The environment's part of sm_policy_load(). Returns the error count. */
static size_t load_env(struct sm_policy *pol, sm_getenv_fn *get,
		       sm_report_fn *report, void *ctx)
{
	struct sm_rule rule = { .origin = ENV_ORIGIN };
	const struct sm_key_need *need;
	const char *v, *err, *match;
	size_t errors = 0, i;

	if ((v = get("SOCKMODE_LOG")) != NULL) {
		if ((err = sm_parse_log_level(v, &pol->log_level)) != NULL) {
			complain(report, ctx, "SOCKMODE_LOG=\"%s\": %s", v, err);
			errors++;
		}
		sm_log_level = pol->log_level;
	}
	if ((v = get("SOCKMODE_ON_ERROR")) != NULL &&
	    (err = sm_parse_on_error(v, &pol->on_error)) != NULL) {
		complain(report, ctx, "SOCKMODE_ON_ERROR=\"%s\": %s", v, err);
		errors++;
	}
	for (i = 0; i < sm_nkeys; i++) {
		if ((v = get(sm_keys[i].env)) == NULL)
			continue;
		rule.keys |= sm_keys[i].bit;
		if ((err = sm_keys[i].parse(v, &rule)) != NULL) {
			complain(report, ctx, "%s=\"%s\": %s", sm_keys[i].env,
				 v, err);
			errors++;
		}
	}
	if ((rule.keys & SM_HAS_MODE) && (rule.keys & SM_HAS_UMASK)) {
		complain(report, ctx, "SOCKMODE_MODE and SOCKMODE_UMASK are "
			 "both set; use one");
		errors++;
	} else if ((need = sm_keys_unmet(rule.keys, &rule)) != NULL) {
		complain(report, ctx, "%s", need->env);
		errors++;
	}
	match = get("SOCKMODE_MATCH");
	if (match) {
		errors += check_match(match, report, ctx);
		if (!rule.keys) {
			complain(report, ctx, "SOCKMODE_MATCH is set but no "
				 "rule variable is (SOCKMODE_MODE, "
				 "SOCKMODE_GROUP, ...)");
			errors++;
		}
	}
	if (!errors && rule.keys && add_env_rules(pol, &rule, match) < 0) {
		complain(report, ctx, "out of memory while loading the rules");
		errors++;
	}
	return errors;
}

size_t sm_policy_check_names(struct sm_policy *pol, char *const *env,
			     sm_report_fn *report, void *ctx)
{
	size_t errors = 0;

	for (; env && *env; env++) {
		const char *nearest = NULL;
		size_t len = strcspn(*env, "=");

		if (!sm_has_prefix(*env, "SOCKMODE_", 9) ||
		    sm_env_known(*env, len, &nearest))
			continue;
		if (nearest)
			complain(report, ctx, "%.*s: unknown variable; did you "
				 "mean %s?", (int)len, *env, nearest);
		else
			complain(report, ctx, "%.*s: unknown variable (the "
				 "SOCKMODE_* names are listed in "
				 "libsockmode(7))", (int)len, *env);
		errors++;
	}
	if (errors) {
		sm_policy_free(pol);
		pol->valid = 0;
	}
	return errors;
}

size_t sm_policy_load(struct sm_policy *pol, sm_getenv_fn *get, int secure,
		      const char *default_conf, sm_report_fn *report,
		      void *ctx)
{
	const char *conf = secure ? NULL : get("SOCKMODE_CONFIG");
	size_t errors = 0, n;

	memset(pol, 0, sizeof *pol);
	pol->rules = pol->small;
	pol->cap = sizeof pol->small / sizeof pol->small[0];
	pol->valid = 1;
	pol->log_level = SM_LOG_ERROR;
	sm_log_level = SM_LOG_ERROR;
	if (!secure)
		errors += load_env(pol, get, report, ctx);
	if (conf && !*conf) {
		complain(report, ctx, "SOCKMODE_CONFIG=\"\": empty value "
			 "(SOCKMODE_CONFIG=" SM_NO_CONFIG ": no rules file)");
		errors++;
	} else if (conf && strcmp(conf, SM_NO_CONFIG) == 0) {
		/* no rules file, not even the default one */
	} else if (conf) {
		errors += sm_conf_load(pol, conf, 1, report, ctx);
	} else if (default_conf &&
		   (n = sm_conf_load(pol, default_conf, 0, report, ctx))) {
		complain(report, ctx, "%s is read by default: mend it, or go "
			 "without it with SOCKMODE_CONFIG=" SM_NO_CONFIG
			 " (sockmode --no-config)", default_conf);
		errors += n;	/* the advice is no error of its own */
	}
	if (errors) {
		sm_policy_free(pol);
		pol->valid = 0;
	}
	return errors;
}

/* The first of the first n rules whose glob matches path, or NULL. */
static const struct sm_rule *match_first(const struct sm_policy *pol,
					 const char *path, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!pol->rules[i].glob || sm_glob_match(pol->rules[i].glob,
							 path))
			return &pol->rules[i];
	return NULL;
}

const struct sm_rule *sm_policy_match(const struct sm_policy *pol,
				      const char *abspath)
{
	return match_first(pol, abspath, pol->nrules);
}

/* "/" and the last component of path, into tail (SM_SUN_PATH_SIZE + 1
 * bytes). */
static const char *tail_of(const char *path, char *tail)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	size_t n = strlen(name);

	tail[0] = '/';
	memcpy(tail + 1, name, n + 1);
	return tail;
}

/*
 * The rule for a bind of path whose directory has no name we can know,
 * of which only "/" and the last component are known: the first rule
 * that surely matches any name (a catch-all) unless a rule before it
 * might match this one. Returns 1 with *rule (NULL: no rule can match);
 * or 0 with *rule the first rule that might match but need not.
 */
static int match_unnamed(const struct sm_policy *pol, const char *path,
			 const struct sm_rule **rule)
{
	char tail[SM_SUN_PATH_SIZE + 1];
	size_t i;

	tail_of(path, tail);
	for (i = 0; i < pol->nrules; i++) {
		const char *glob = pol->rules[i].glob;

		*rule = &pol->rules[i];
		if (sm_glob_matches_all(glob))
			return 1;
		if (sm_glob_may_end_with(glob, tail))
			return 0;
	}
	*rule = NULL;
	return 1;
}

/* The rule for literal index lit (pol->nrules: none; SM_UNNAMED: no
 * literal form) once the kernel's name real of the file is known:
 * only rules before the literal match can still win through it. */
static const struct sm_rule *with_real(const struct sm_policy *pol,
				       size_t lit, const char *real)
{
	const struct sm_rule *earlier;

	if (lit == SM_UNNAMED)
		lit = pol->nrules;
	earlier = match_first(pol, real, lit);
	return earlier ? earlier : lit < pol->nrules ? &pol->rules[lit] : NULL;
}

int sm_policy_settled(const struct sm_policy *pol,
		      const struct sm_decision *d)
{
	return d->rule == pol->rules &&
	       (d->literal == 0 || sm_glob_matches_all(d->rule->glob));
}

int sm_policy_recheck(const struct sm_policy *pol,
		      const struct sm_decision *d, const char *real,
		      const char *path, const struct sm_rule **now)
{
	if (real)
		*now = with_real(pol, d->literal, real);
	else if (d->literal != SM_UNNAMED)
		*now = d->literal < pol->nrules ? &pol->rules[d->literal]
						: NULL;
	else if (!match_unnamed(pol, path, now))
		*now = NULL;	/* might match: undecided, not this rule */
	return *now == d->rule ? 0 : -1;
}

int sm_policy_find(const struct sm_policy *pol, const char *path,
		   char *buf, size_t size, struct sm_decision *d,
		   int *via_resolved)
{
	const struct sm_rule *literal;
	int saved = errno;

	d->rule = NULL;
	d->literal = SM_UNNAMED;
	*via_resolved = 0;
	/* The literal form; with a current directory that has no name
	 * (removed, or longer than PATH_MAX), the kernel's name of the
	 * bind path's own directory (a "../s" may still have one). */
	if (sm_abs_path(path, buf, size) < 0 &&
	    (path[0] == '/' || sm_resolve_dir(path, buf, size) < 0)) {
		buf[0] = '\0';
		errno = saved;
		if (sm_dir_removed(path))	/* the kernel makes nothing */
			return 0;
		return match_unnamed(pol, path, &d->rule) ? 0 : -1;
	}
	literal = sm_policy_match(pol, buf);
	d->literal = literal ? (size_t)(literal - pol->rules) : pol->nrules;
	d->rule = literal;
	/* The resolved form costs three system calls: only worth it when a
	 * rule before the literal match could still match it. It replaces
	 * the literal form in buf. */
	if (literal != pol->rules && sm_resolve_dir(path, buf, size) == 0) {
		d->rule = with_real(pol, d->literal, buf);
		*via_resolved = d->rule != literal;
	}
	errno = saved;	/* a directory that does not exist is no error */
	return 0;
}

int sm_policy_lookup(const struct sm_policy *pol, const char *path,
		     char *buf, size_t size, const struct sm_rule **rule,
		     int *via_resolved)
{
	struct sm_decision d;
	int rc = sm_policy_find(pol, path, buf, size, &d, via_resolved);

	*rule = d.rule;
	return rc;
}

int sm_policy_decide(const struct sm_policy *pol, const char *path,
		     char *buf, size_t size, struct sm_decision *d)
{
	int via_resolved, saved = errno;

	d->rule = NULL;
	d->literal = SM_UNNAMED;
	if (!pol->valid) {	/* fail closed (SPEC 4.6) */
		sm_log(SM_LOG_ERROR, "bind %s: refused: the sockmode "
		       "configuration is invalid", path);
		errno = EACCES;
		return -1;
	}
	if (sm_policy_find(pol, path, buf, size, d, &via_resolved) < 0) {
		sm_log(SM_LOG_ERROR, "bind %s: its directory has no name "
		       "(removed, or longer than PATH_MAX), and rule %u (%s) "
		       "might match it%s", path,
		       (unsigned)(d->rule - pol->rules) + 1, d->rule->origin,
		       pol->on_error == SM_ON_ERROR_WARN ?
		       " (on_error=warn: bound untouched)" : ": refused");
		d->rule = NULL;
		if (pol->on_error != SM_ON_ERROR_WARN) {
			errno = EACCES;
			return -1;
		}
		errno = saved;
		return 0;
	}
	if (!d->rule) {
		sm_log(SM_LOG_DEBUG, "bind %s: no rule matches", path);
		return 0;
	}
	sm_log(SM_LOG_DEBUG, "bind %s: rule %u (%s)%s", path,
	       (unsigned)(d->rule - pol->rules) + 1, d->rule->origin,
	       via_resolved ? ", through the resolved directory" :
	       d->literal == SM_UNNAMED ? ", which matches any name" : "");
	return 1;
}

void sm_policy_free(struct sm_policy *pol)
{
	size_t i;

	for (i = 0; i < pol->nrules; i++)
		free(pol->rules[i].storage);
	if (pol->rules != pol->small)
		free(pol->rules);
	pol->rules = pol->small;
	pol->cap = sizeof pol->small / sizeof pol->small[0];
	pol->nrules = 0;
	pol->valid = 1;
}
