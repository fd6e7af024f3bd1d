/* test_policy.c - the environment rule: errors, precedence, AT_SECURE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keys.h"
#include "log.h"
#include "policy.h"
#include "unit.h"

/* Loads pol from env; returns the error count. */
static size_t load(struct sm_policy *pol, const char *const *env, int secure)
{
	unit_env = env;
	unit_reports[0] = '\0';
	unit_nreports = 0;
	return sm_policy_load(pol, unit_getenv, secure, NULL, unit_collect, NULL);
}

static void no_variables_no_rules(void)
{
	static const char *const env[] = { "PATH=/bin", NULL };
	struct sm_policy p;

	CU_ASSERT_EQUAL(load(&p, env, 0), 0);
	CU_ASSERT_TRUE(p.valid);
	CU_ASSERT_EQUAL(p.nrules, 0);
	CU_ASSERT_EQUAL(p.on_error, SM_ON_ERROR_FAIL);
	CU_ASSERT_EQUAL(p.log_level, SM_LOG_ERROR);
	CU_ASSERT_PTR_NULL(sm_policy_match(&p, "/tmp/x"));
}

static void env_rule_matches_every_path(void)
{
	static const char *const env[] = {
		"SOCKMODE_MODE=0660", "SOCKMODE_OWNER=nobody",
		"SOCKMODE_GROUP=65534", "SOCKMODE_ON_ERROR=warn",
		"SOCKMODE_LOG=debug", NULL,
	};
	struct sm_policy p;
	const struct sm_rule *r;

	CU_ASSERT_EQUAL_FATAL(load(&p, env, 0), 0);
	CU_ASSERT_EQUAL(p.nrules, 1);
	CU_ASSERT_EQUAL(p.on_error, SM_ON_ERROR_WARN);
	CU_ASSERT_EQUAL(sm_log_level, SM_LOG_DEBUG);
	r = sm_policy_match(&p, "/any/where");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->keys, SM_HAS_MODE | SM_HAS_OWNER | SM_HAS_GROUP);
	CU_ASSERT_EQUAL(r->mode, 0660);
	CU_ASSERT_EQUAL(r->uid, 65534);
	CU_ASSERT_EQUAL(r->gid, 65534);
	CU_ASSERT_STRING_EQUAL(r->origin, "environment");
	sm_policy_free(&p);
	sm_log_level = SM_LOG_ERROR;
}

static void match_list_limits_the_rule(void)
{
	static const char *const env[] = {
		"SOCKMODE_UMASK=0007", "SOCKMODE_MATCH=/run/app/*.sock:/tmp/s?",
		NULL,
	};
	struct sm_policy p;
	const struct sm_rule *r;

	CU_ASSERT_EQUAL_FATAL(load(&p, env, 0), 0);
	CU_ASSERT_EQUAL(p.nrules, 2);
	r = sm_policy_match(&p, "/run/app/x.sock");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->mode, 0770);
	CU_ASSERT_EQUAL(r->keys, SM_HAS_UMASK);
	CU_ASSERT_PTR_NOT_NULL(sm_policy_match(&p, "/tmp/s1"));
	CU_ASSERT_PTR_NULL(sm_policy_match(&p, "/tmp/s12"));
	CU_ASSERT_PTR_NULL(sm_policy_match(&p, "/run/app/x.socket"));
	sm_policy_free(&p);
}

static void every_error_is_reported_at_once(void)
{
	static const char *const env[] = {
		"SOCKMODE_MODE=999", "SOCKMODE_UMASK=0o22",
		"SOCKMODE_OWNER=no-such-user-x", "SOCKMODE_GROUP=",
		"SOCKMODE_ON_ERROR=maybe", "SOCKMODE_LOG=loud",
		"SOCKMODE_MATCH=/a::[x", NULL,
	};
	struct sm_policy p;

	CU_ASSERT_EQUAL(load(&p, env, 0), 9);
	CU_ASSERT_EQUAL(unit_nreports, 9);
	CU_ASSERT_FALSE(p.valid);
	CU_ASSERT_EQUAL(p.nrules, 0);
	CU_ASSERT_STRING_EQUAL(unit_reports,
		"SOCKMODE_LOG=\"loud\": must be quiet, error, info or debug\n"
		"SOCKMODE_ON_ERROR=\"maybe\": must be fail or warn\n"
		"SOCKMODE_MODE=\"999\": not an octal number (digits 0-7 only, e.g. 0660)\n"
		"SOCKMODE_UMASK=\"0o22\": not an octal number (digits 0-7 only, e.g. 0660)\n"
		"SOCKMODE_OWNER=\"no-such-user-x\": unknown user\n"
		"SOCKMODE_GROUP=\"\": empty value\n"
		"SOCKMODE_MODE and SOCKMODE_UMASK are both set; use one\n"
		"SOCKMODE_MATCH=\"/a::[x\": empty pattern at position 4\n"
		"SOCKMODE_MATCH=\"/a::[x\": pattern at position 5: unterminated '[' in pattern\n");
	sm_log_level = SM_LOG_ERROR;
}

static void match_needs_a_rule_and_absolute_globs(void)
{
	static const char *const alone[] = { "SOCKMODE_MATCH=/x", NULL };
	static const char *const relative[] = {
		"SOCKMODE_MODE=0600", "SOCKMODE_MATCH=app.sock", NULL,
	};
	static const char *const empty[] = {
		"SOCKMODE_MODE=0600", "SOCKMODE_MATCH=", NULL,
	};
	struct sm_policy p;

	CU_ASSERT_EQUAL(load(&p, alone, 0), 1);
	CU_ASSERT_STRING_EQUAL(unit_reports, "SOCKMODE_MATCH is set but no rule "
			       "variable is (SOCKMODE_MODE, SOCKMODE_GROUP, "
			       "...)\n");
	CU_ASSERT_EQUAL(load(&p, relative, 0), 1);
	CU_ASSERT_STRING_EQUAL(unit_reports, "SOCKMODE_MATCH=\"app.sock\": pattern "
			       "at position 1: pattern is not absolute (it is "
			       "matched against absolute paths: start it with "
			       "/ or *)\n");
	CU_ASSERT_EQUAL(load(&p, empty, 0), 1);
	CU_ASSERT_STRING_EQUAL(unit_reports, "SOCKMODE_MATCH=\"\": empty value\n");
	CU_ASSERT_FALSE(p.valid);
}

static void secure_execution_ignores_the_environment(void)
{
	static const char *const env[] = {
		"SOCKMODE_MODE=0777", "SOCKMODE_LOG=debug", NULL,
	};
	static const char *const bad[] = { "SOCKMODE_MODE=rw", NULL };
	struct sm_policy p;

	CU_ASSERT_EQUAL(load(&p, env, 1), 0);
	CU_ASSERT_TRUE(p.valid);
	CU_ASSERT_EQUAL(p.nrules, 0);
	CU_ASSERT_EQUAL(sm_log_level, SM_LOG_ERROR);
	CU_ASSERT_EQUAL(load(&p, bad, 1), 0);	/* not even parsed */
	CU_ASSERT_TRUE(p.valid);
	CU_ASSERT_EQUAL(unit_nreports, 0);
	/* The control: the same environment is obeyed when not secure. */
	CU_ASSERT_EQUAL(load(&p, env, 0), 0);
	CU_ASSERT_EQUAL(p.nrules, 1);
	sm_policy_free(&p);
	sm_log_level = SM_LOG_ERROR;
}

static void first_matching_rule_wins(void)
{
	struct sm_policy p = { .valid = 1 };
	struct sm_rule a = { .keys = SM_HAS_MODE, .mode = 0600 };
	struct sm_rule b = { .keys = SM_HAS_MODE, .mode = 0666 };

	CU_ASSERT_EQUAL(sm_policy_add(&p, &a, "/run/a/*", 8, "first"), 0);
	CU_ASSERT_EQUAL(sm_policy_add(&p, &b, "/run/*XXX", 6, "second"), 0);
	CU_ASSERT_EQUAL(sm_policy_match(&p, "/run/a/s")->mode, 0600);
	CU_ASSERT_EQUAL(sm_policy_match(&p, "/run/b/s")->mode, 0666);
	CU_ASSERT_STRING_EQUAL(sm_policy_match(&p, "/run/b/s")->origin, "second");
	CU_ASSERT_STRING_EQUAL(p.rules[1].glob, "/run/*");
	CU_ASSERT_PTR_NULL(sm_policy_match(&p, "/tmp/s"));
	sm_policy_free(&p);
	CU_ASSERT_EQUAL(p.nrules, 0);
}

static void lookup_tries_the_resolved_directory(void)
{
	char dir[] = "/tmp/sockmode-lookup.XXXXXX", real[64], link[64];
	char glob[80], path[96], buf[4096];
	struct sm_policy p = { .valid = 1 };
	struct sm_rule a = { .keys = SM_HAS_MODE, .mode = 0604 };
	struct sm_rule all = { .keys = SM_HAS_MODE, .mode = 0600 };
	const struct sm_rule *r;
	int via = -1;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(real, sizeof real, "%s/real", dir);
	snprintf(link, sizeof link, "%s/link", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(real, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(symlink(real, link), 0);
	snprintf(glob, sizeof glob, "%s/*.sock", real);
	CU_ASSERT_EQUAL(sm_policy_add(&p, &a, glob, strlen(glob), "t:1"), 0);
	CU_ASSERT_EQUAL(sm_policy_add(&p, &all, "*", 1, "t:2"), 0);

	snprintf(path, sizeof path, "%s/x.sock", link);	/* via the link */
	CU_ASSERT_EQUAL(sm_policy_lookup(&p, path, buf, sizeof buf, &r, &via), 0);
	CU_ASSERT_PTR_EQUAL(r, &p.rules[0]);
	CU_ASSERT_EQUAL(via, 1);
	snprintf(path, sizeof path, "%s/x.sock", real);	/* literally */
	CU_ASSERT_EQUAL(sm_policy_lookup(&p, path, buf, sizeof buf, &r, &via), 0);
	CU_ASSERT_PTR_EQUAL(r, &p.rules[0]);
	CU_ASSERT_EQUAL(via, 0);
	snprintf(path, sizeof path, "%s/none/x.sock", dir);	/* no such dir */
	CU_ASSERT_EQUAL(sm_policy_lookup(&p, path, buf, sizeof buf, &r, &via), 0);
	CU_ASSERT_PTR_EQUAL(r, &p.rules[1]);
	sm_policy_free(&p);
	unlink(link);
	rmdir(real);
	rmdir(dir);
}

/* Every SOCKMODE_* name that is not read is an error, with the nearest
 * known name when one is close; other names are no business of ours. */
static void unknown_names_fail_closed(void)
{
	static char *known[] = {
		"SOCKMODE_MODE=0660", "SOCKMODE_ACL=u:0:rw", "SOCKMODE_LOG=info",
		"SOCKMODE_MATCH=/x", "PATH=/bin", "SOCKMODEX=1", "XSOCKMODE_M=1",
		NULL,
	};
	static char *bad[] = {
		"SOCKMODE_MODE=0660", "SOCKMODE_MOD=0660", "SOCKMODE_gruop=x",
		"SOCKMODE_SANITIZER_RUNTIME=/lib/x.so", "SOCKMODE_=1",
		"SOCKMODE_NOVALUE", NULL,
	};
	static const char *const env[] = { "SOCKMODE_MODE=0660", NULL };
	struct sm_policy p;

	CU_ASSERT_EQUAL_FATAL(load(&p, env, 0), 0);
	CU_ASSERT_EQUAL(sm_policy_check_names(&p, known, unit_collect, NULL), 0);
	CU_ASSERT_TRUE(p.valid);
	CU_ASSERT_EQUAL(p.nrules, 1);
	CU_ASSERT_EQUAL(sm_policy_check_names(&p, bad, unit_collect, NULL), 5);
	CU_ASSERT_FALSE(p.valid);
	CU_ASSERT_EQUAL(p.nrules, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(unit_reports, "SOCKMODE_MOD: unknown "
				      "variable; did you mean SOCKMODE_MODE?\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(unit_reports, "SOCKMODE_gruop: unknown "
				      "variable; did you mean SOCKMODE_GROUP?\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(unit_reports, "SOCKMODE_SANITIZER_RUNTIME:"
				      " unknown variable (the SOCKMODE_* names "
				      "are listed in libsockmode(7))\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(unit_reports, "SOCKMODE_NOVALUE: "));
	sm_policy_free(&p);
}

/* A broken default rules file names the way out; SOCKMODE_CONFIG=none
 * reads no file, not even the default one. */
static void config_none_skips_the_default_file(void)
{
	static const char *const none[] = { "SOCKMODE_CONFIG=none", NULL };
	static const char *const empty[] = { NULL };
	const char *bad = SM_TEST_FIXTURES "/bad-mode.conf";
	struct sm_policy p;

	unit_env = empty;
	unit_reports[0] = '\0';
	unit_nreports = 0;
	CU_ASSERT_EQUAL(sm_policy_load(&p, unit_getenv, 0, bad, unit_collect,
				       NULL), 1);
	CU_ASSERT_FALSE(p.valid);
	CU_ASSERT_PTR_NOT_NULL(strstr(unit_reports, "bad-mode.conf is read by "
				      "default: mend it, or go without it with "
				      "SOCKMODE_CONFIG=none (sockmode "
				      "--no-config)\n"));
	unit_env = none;
	CU_ASSERT_EQUAL(sm_policy_load(&p, unit_getenv, 0, bad, unit_collect,
				       NULL), 0);
	CU_ASSERT_TRUE(p.valid);
	CU_ASSERT_EQUAL(p.nrules, 0);
	sm_policy_free(&p);
}

void suite_policy(void)
{
	static const CU_TestInfo tests[] = {
		{ "no variables, no rules", no_variables_no_rules },
		{ "env rule matches every path", env_rule_matches_every_path },
		{ "match list limits the rule", match_list_limits_the_rule },
		{ "every error is reported at once",
		  every_error_is_reported_at_once },
		{ "match needs a rule and absolute globs",
		  match_needs_a_rule_and_absolute_globs },
		{ "secure execution ignores the environment",
		  secure_execution_ignores_the_environment },
		{ "first matching rule wins", first_matching_rule_wins },
		{ "lookup tries the resolved directory",
		  lookup_tries_the_resolved_directory },
		{ "unknown names fail closed", unknown_names_fail_closed },
		{ "config none skips the default file",
		  config_none_skips_the_default_file },
		CU_TEST_INFO_NULL,
	};
	add_suite("policy", tests);
}
