/* report.c - sockmode --check and --explain: the rule table in words. */
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "keys.h"
#include "log.h"
#include "path.h"

/* "www-data (33)", or "33" for an id without a name (NULL), into buf. */
static const char *named_id(const char *name, unsigned id, char *buf,
			    size_t size)
{
	if (name)
		snprintf(buf, size, "%s (%u)", name, id);
	else
		snprintf(buf, size, "%u", id);
	return buf;
}

static const char *user_name(uid_t uid, char *buf, size_t size)
{
	const struct passwd *pw = getpwuid(uid);

	return named_id(pw ? pw->pw_name : NULL, (unsigned)uid, buf, size);
}

static const char *group_name(gid_t gid, char *buf, size_t size)
{
	const struct group *gr = getgrgid(gid);

	return named_id(gr ? gr->gr_name : NULL, (unsigned)gid, buf, size);
}

/* Appends to buf (size bytes, holding a string) as snprintf would,
 * truncating. */
static void append(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void append(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

/* Appends to buf (size bytes) what rule r does to the socket's parent
 * directories and its ACL: "; missing parent directories made ...". */
static void describe_extras(const struct sm_rule *r, char *buf, size_t size)
{
	char id[96];
	unsigned i;

	if (r->keys & SM_HAS_DIRS) {
		append(buf, size, "; missing parent directories made");
		if (r->keys & SM_HAS_DIRMODE)
			append(buf, size, " with mode %04o",
			       (unsigned)r->dirmode);
		if (r->keys & SM_HAS_DIROWNER)
			append(buf, size, " owner %s",
			       user_name(r->diruid, id, sizeof id));
		if (r->keys & SM_HAS_DIRGROUP)
			append(buf, size, " group %s",
			       group_name(r->dirgid, id, sizeof id));
		if ((r->keys & SM_HAS_DIRFIX) && r->dirfix)
			append(buf, size, ", the existing one too (dirfix=yes)");
	}
	if ((r->keys & SM_HAS_HOLD) && !r->hold)
		append(buf, size, "; hold=no: the program's own chmod/chown "
		       "may change it");
	for (i = 0; i < r->nacl; i++) {
		const struct sm_acl_entry *e = &r->acl[i];

		append(buf, size, "%s%s %s %c%c%c", i ? ", " : "; acl: ",
		       e->tag == SM_ACL_USER ? "user" : "group",
		       e->tag == SM_ACL_USER ? user_name(e->id, id, sizeof id)
					     : group_name(e->id, id, sizeof id),
		       e->perm & 4 ? 'r' : '-', e->perm & 2 ? 'w' : '-',
		       e->perm & 1 ? 'x' : '-');
	}
}

/* What rule r does, in one line: "mode 0660, owner -, group www-data (33)". */
static void describe(const struct sm_rule *r, char *buf, size_t size)
{
	char mode[64], owner[96], group[96];

	if (r->keys & SM_HAS_MODE)
		snprintf(mode, sizeof mode, "mode %04o", (unsigned)r->mode);
	else if (r->keys & SM_HAS_UMASK)
		snprintf(mode, sizeof mode, "mode %04o (umask %04o)",
			 (unsigned)r->mode, (unsigned)(0777 & ~r->mode));
	else
		snprintf(mode, sizeof mode, "mode from the program's umask");
	if (r->keys & SM_HAS_OWNER)
		user_name(r->uid, owner, sizeof owner);
	else
		snprintf(owner, sizeof owner, "unchanged");
	if (r->keys & SM_HAS_GROUP)
		group_name(r->gid, group, sizeof group);
	else
		snprintf(group, sizeof group, "unchanged");
	snprintf(buf, size, "%s, owner %s, group %s%s%s", mode, owner, group,
		 r->keys & SM_HAS_STALE ? ", stale=unlink" : "",
		 r->keys & SM_HAS_REMOVE ? ", remove=exit" : "");
	describe_extras(r, buf, size);
}

static const char *on_error_word(int on_error)
{
	return on_error == SM_ON_ERROR_WARN ? "warn" : "fail";
}

int cli_print_rules(const struct sm_policy *pol)
{
	static const char *const levels[] = { "quiet", "error", "info", "debug" };
	char what[2048];
	size_t i;

	printf("configuration valid: %zu rule%s, on_error=%s, log=%s\n",
	       pol->nrules, pol->nrules == 1 ? "" : "s",
	       on_error_word(pol->on_error), levels[pol->log_level]);
	for (i = 0; i < pol->nrules; i++) {
		const struct sm_rule *r = &pol->rules[i];

		describe(r, what, sizeof what);
		printf("%3zu  %-28s %s  [%s]\n", i + 1, r->glob ? r->glob : "*",
		       what, r->origin);
	}
	if (pol->nrules == 0)
		printf("no rules: every bind() is passed through unchanged\n");
	fflush(stdout);	/* the table, then what is wrong with it */
	cli_warn_rules(pol);
	return 0;
}

int cli_explain(const struct sm_policy *pol, const char *path)
{
	char abs[PATH_MAX], buf[PATH_MAX], what[2048];
	const struct sm_rule *r;
	int resolved;

	if (strlen(path) >= SM_SUN_PATH_SIZE) {
		fprintf(stderr, "sockmode: --explain %s: longer than sun_path "
			"(%zu bytes): no program can bind it\n", path,
			SM_SUN_PATH_SIZE - 1);
		return 100;
	}
	/* Matched and printed as the absolute path a bind of it names. */
	if (!*path || sm_abs_path(path, abs, sizeof abs) < 0 ||
	    sm_policy_lookup(pol, abs, buf, sizeof buf, &r, &resolved) < 0) {
		fprintf(stderr, "sockmode: --explain %s: not a usable path\n",
			path);
		return 100;
	}
	if (!r) {
		printf("%s: no rule matches; bind() is passed through "
		       "unchanged\n", abs);
		return 0;
	}
	describe(r, what, sizeof what);
	printf("%s: rule %zu%s, pattern %s [%s]\n  %s; on_error=%s\n", abs,
	       (size_t)(r - pol->rules) + 1,
	       resolved ? " (through its resolved directory)" : "",
	       r->glob ? r->glob : "*",
	       r->origin, what, on_error_word(pol->on_error));
	return 0;
}
