/* lint.c - sockmode --check's warnings: rules that can never act. */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "keys.h"

/* Nonzero when glob matches every path: a run of '*' alone (the globs
 * match with FNM_PATHNAME off, so '*' crosses '/'), or no glob at all
 * (the environment's rule without SOCKMODE_MATCH). */
static int matches_everything(const char *glob)
{
	return !glob || (*glob && glob[strspn(glob, "*")] == '\0');
}

/* The earlier of the first j rules of pol with the same glob as rule j,
 * or NULL. */
static const struct sm_rule *same_glob(const struct sm_policy *pol, size_t j)
{
	const char *g = pol->rules[j].glob;
	size_t i;

	for (i = 0; g && i < j; i++)
		if (pol->rules[i].glob && strcmp(pol->rules[i].glob, g) == 0)
			return &pol->rules[i];
	return NULL;
}

/* Nonzero when the user uid is a member of the group gid (its primary
 * group or a supplementary one). */
static int in_group(uid_t uid, gid_t gid)
{
	const struct passwd *pw = getpwuid(uid);
	gid_t groups[256];
	int n = (int)(sizeof groups / sizeof groups[0]), i;

	if (!pw)
		return 0;
	if (pw->pw_gid == gid)
		return 1;
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return 0;
	for (i = 0; i < n; i++)
		if (groups[i] == gid)
			return 1;
	return 0;
}

/*
 * Nonzero when the acl entry e of rule r cannot search a directory that
 * r's dirmode= makes: the class of permission bits it falls in (owner if
 * it is dirowner=, group if dirgroup= is its group, else other) lacks x.
 * An owner or group the rule leaves to the program counts as not the
 * entry's (the warning says so). Root searches anything.
 */
static int shut_out(const struct sm_rule *r, const struct sm_acl_entry *e)
{
	int user = e->tag == SM_ACL_USER;

	if (user && e->id == 0)
		return 0;
	if (user && (r->keys & SM_HAS_DIROWNER) && r->diruid == e->id)
		return !(r->dirmode & 0100);
	if ((r->keys & SM_HAS_DIRGROUP) &&
	    (user ? in_group(e->id, r->dirgid) : r->dirgid == e->id))
		return !(r->dirmode & 0010);
	return !(r->dirmode & 0001);
}

/* Warns about each acl entry of rule r (number n) that its dirmode=
 * directories shut out. Returns the number of warnings. */
static unsigned warn_acl(const struct sm_rule *r, size_t n)
{
	unsigned i, count = 0;

	if (!(r->keys & SM_HAS_DIRMODE))
		return 0;
	for (i = 0; i < r->nacl; i++) {
		const struct sm_acl_entry *e = &r->acl[i];
		int user = e->tag == SM_ACL_USER;
		const struct passwd *pw = user ? getpwuid(e->id) : NULL;
		const struct group *gr = user ? NULL : getgrgid(e->id);
		const char *name = pw ? pw->pw_name : gr ? gr->gr_name : NULL;
		char id[32];

		if (!shut_out(r, e))
			continue;
		snprintf(id, sizeof id, "%u", (unsigned)e->id);
		fprintf(stderr, "sockmode: warning: rule %zu [%s]: acl %s %s "
			"cannot reach the socket: the directories dirmode=%04o "
			"makes give it no search (x) permission%s\n", n,
			r->origin, user ? "user" : "group", name ? name : id,
			(unsigned)r->dirmode, (r->keys & SM_HAS_DIROWNER) &&
			(r->keys & SM_HAS_DIRGROUP) ? "" : " (unless it is "
			"the program's own user or group)");
		count++;
	}
	return count;
}

/*
 * Finds the rules that can never match, with a criterion that is sound
 * and simple: a rule after one that matches every path, or after one with
 * the same glob. (Globs that merely include one another, as a directory's
 * star before that directory's *.sock, are not detected.)
 */
unsigned cli_warn_rules(const struct sm_policy *pol)
{
	unsigned count = 0;
	size_t j;

	for (j = 0; j < pol->nrules; j++) {
		const struct sm_rule *r = &pol->rules[j];
		const struct sm_rule *s = same_glob(pol, j);

		if (s) {
			fprintf(stderr, "sockmode: warning: rule %zu (%s) "
				"[%s] can never match: rule %zu [%s] has the "
				"same pattern\n", j + 1, r->glob, r->origin,
				(size_t)(s - pol->rules) + 1, s->origin);
			count++;
		}
		count += warn_acl(r, j + 1);
		if (matches_everything(r->glob) && j + 1 < pol->nrules) {
			char which[64];

			if (j + 2 == pol->nrules)
				snprintf(which, sizeof which, "rule %zu", j + 2);
			else
				snprintf(which, sizeof which, "rules %zu to %zu",
					 j + 2, pol->nrules);
			fprintf(stderr, "sockmode: warning: %s can never match: "
				"rule %zu (*) [%s] before matches every path\n",
				which, j + 1, r->origin);
			return count + 1;
		}
	}
	return count;
}
