/* test_conf.c - the rules file: fixtures, exact FILE:LINE:COL messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "keys.h"
#include "policy.h"
#include "unit.h"

#ifndef SM_TEST_FIXTURES
#error "build with -DSM_TEST_FIXTURES=\"/path/to/tests/conf\""
#endif

/* Loads fixture name into a fresh policy; returns the error count. The
 * fixture's path in messages is just its name (we chdir there). */
static size_t load_fixture(struct sm_policy *pol, const char *name)
{
	char old[4096];
	size_t errors;

	memset(pol, 0, sizeof *pol);
	pol->valid = 1;
	unit_reports[0] = '\0';
	unit_nreports = 0;
	if (!getcwd(old, sizeof old) || chdir(SM_TEST_FIXTURES) != 0)
		return 999;
	errors = sm_conf_load(pol, name, 1, unit_collect, NULL);
	if (chdir(old) != 0)
		return 998;
	return errors;
}

static void good_file_gives_the_rule_table(void)
{
	struct sm_policy p;
	const struct sm_rule *r;

	CU_ASSERT_EQUAL_FATAL(load_fixture(&p, "good.conf"), 0);
	CU_ASSERT_EQUAL_FATAL(p.nrules, 6);
	r = p.rules;
	CU_ASSERT_STRING_EQUAL(r[0].glob, "/run/app/*.sock");
	CU_ASSERT_EQUAL(r[0].keys, SM_HAS_MODE | SM_HAS_GROUP);
	CU_ASSERT_EQUAL(r[0].mode, 0660);
	CU_ASSERT_EQUAL(r[0].gid, 65534);
	CU_ASSERT_STRING_EQUAL(r[0].origin, "good.conf:2");
	CU_ASSERT_STRING_EQUAL(r[1].glob, "/tmp/mydir/sock");
	CU_ASSERT_EQUAL(r[1].mode, 0666);
	CU_ASSERT_STRING_EQUAL(r[1].origin, "good.conf:3");
	CU_ASSERT_EQUAL(r[2].keys, SM_HAS_OWNER | SM_HAS_GROUP | SM_HAS_UMASK);
	CU_ASSERT_EQUAL(r[2].mode, 0770);
	CU_ASSERT_EQUAL(r[2].uid, 65534);
	CU_ASSERT_STRING_EQUAL(r[3].glob, "/srv/with\\ space/s?");
	CU_ASSERT_STRING_EQUAL(r[4].glob, "/srv/[ab]/x#y");
	CU_ASSERT_EQUAL(r[4].keys, SM_HAS_OWNER);
	CU_ASSERT_EQUAL(r[4].uid, 0);
	CU_ASSERT_EQUAL(r[5].mode, 0700);
	CU_ASSERT_STRING_EQUAL(r[5].origin, "good.conf:8");

	/* First match wins; globs with *, ?, [...] and escapes. */
	CU_ASSERT_PTR_EQUAL(sm_policy_match(&p, "/run/app/a.sock"), &r[0]);
	CU_ASSERT_PTR_EQUAL(sm_policy_match(&p, "/srv/with space/s1"), &r[3]);
	CU_ASSERT_PTR_EQUAL(sm_policy_match(&p, "/srv/b/x#y"), &r[4]);
	CU_ASSERT_PTR_EQUAL(sm_policy_match(&p, "/srv/c/x#y"), &r[5]);
	CU_ASSERT_PTR_EQUAL(sm_policy_match(&p, "/var/lib/foo/d/s"), &r[2]);
	sm_policy_free(&p);
}

static void crlf_lines_are_accepted(void)
{
	struct sm_policy p;

	CU_ASSERT_EQUAL_FATAL(load_fixture(&p, "crlf.conf"), 0);
	CU_ASSERT_EQUAL(p.nrules, 2);
	CU_ASSERT_EQUAL(p.rules[1].mode, 0644);
	sm_policy_free(&p);
}

static const struct {
	const char *file;
	size_t errors;
	const char *messages;
} bad[] = {
	{ "bad-no-keys.conf", 1, "bad-no-keys.conf:1:1: no keys after the "
	  "pattern (keys: " SM_KEY_NAMES ")\n" },
	{ "bad-unknown-key.conf", 1, "bad-unknown-key.conf:1:18: unknown key "
	  "'perm' (keys: " SM_KEY_NAMES ")\n" },
	{ "bad-duplicate-key.conf", 1,
	  "bad-duplicate-key.conf:1:32: duplicate key 'mode'\n" },
	{ "bad-missing-equals.conf", 1,
	  "bad-missing-equals.conf:1:8: expected key=value, got 'mode 0600' "
	  "(write mode=0600)\n" },
	{ "bad-mode.conf", 1, "bad-mode.conf:1:14: mode=999: not an octal "
	  "number (digits 0-7 only, e.g. 0660)\n" },
	{ "bad-mode-and-umask.conf", 1, "bad-mode-and-umask.conf:1:18: mode "
	  "and umask both given; use one\n" },
	{ "bad-glob.conf", 1,
	  "bad-glob.conf:1:6: unterminated '[' in pattern\n" },
	{ "bad-relative-glob.conf", 1, "bad-relative-glob.conf:1:1: pattern "
	  "is not absolute (it is matched against absolute paths: start it "
	  "with / or *)\n" },
	{ "bad-user.conf", 1,
	  "bad-user.conf:1:14: owner=no-such-user-x: unknown user\n" },
	{ "bad-group.conf", 1,
	  "bad-group.conf:1:14: group=no-such-group-x: unknown group\n" },
	{ "bad-empty-value.conf", 1,
	  "bad-empty-value.conf:1:13: mode=: empty value\n" },
	{ "bad-nul.conf", 1, "bad-nul.conf:2:10: NUL byte in line\n" },
	{ "bad-too-many-words.conf", 1, "bad-too-many-words.conf:1:634: too "
	  "many words (a pattern and at most 63 keys)\n" },
	{ "bad-many.conf", 4,
	  "bad-many.conf:3:1: no keys after the pattern (keys: " SM_KEY_NAMES
	  ")\n"
	  "bad-many.conf:4:18: unknown key 'size' (keys: " SM_KEY_NAMES ")\n"
	  "bad-many.conf:6:16: group=no-such-group-x: unknown group\n"
	  "bad-many.conf:6:37: mode=07777: out of range (only the permission "
	  "bits 0 to 0777)\n" },
};

static void each_bad_line_has_its_message(void)
{
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct sm_policy p;
		size_t errors = load_fixture(&p, bad[i].file);

		CU_ASSERT_EQUAL(errors, bad[i].errors);
		CU_ASSERT_EQUAL(unit_nreports, bad[i].errors);
		CU_ASSERT_STRING_EQUAL(unit_reports, bad[i].messages);
		if (strcmp(unit_reports, bad[i].messages) != 0)
			fprintf(stderr, "\n%s: got\n%s", bad[i].file, unit_reports);
		sm_policy_free(&p);
	}
}

static void long_lines_are_errors(void)
{
	struct sm_policy p = { .valid = 1 };
	char text[5000];

	memset(text, 'a', sizeof text);
	text[0] = '/';
	unit_reports[0] = '\0';
	unit_nreports = 0;
	CU_ASSERT_EQUAL(sm_conf_parse(&p, "mem", text, sizeof text, unit_collect,
				      NULL), 1);
	CU_ASSERT_STRING_EQUAL(unit_reports, "mem:1:4097: line too long (more than "
			       "4096 bytes)\n");
	CU_ASSERT_EQUAL(p.nrules, 0);
}

/* Writes a one-rule file at path with mode and owner; returns path. */
static const char *write_conf(const char *path, mode_t mode, uid_t uid)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("/run/t mode=0600\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(chmod(path, mode), 0);
	CU_ASSERT_EQUAL(chown(path, uid, 0), 0);
	return path;
}

static size_t load_path(const char *path, int must_exist)
{
	struct sm_policy p = { .valid = 1 };
	size_t errors;

	unit_reports[0] = '\0';
	unit_nreports = 0;
	errors = sm_conf_load(&p, path, must_exist, unit_collect, NULL);
	sm_policy_free(&p);
	return errors;
}

static void root_trusts_only_safe_files(void)
{
	char dir[] = "/tmp/sockmode-conf.XXXXXX", a[64], b[64], l[64], msg[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(a, sizeof a, "%s/a.conf", dir);
	snprintf(b, sizeof b, "%s/b.conf", dir);
	snprintf(l, sizeof l, "%s/link.conf", dir);

	CU_ASSERT_EQUAL(load_path(write_conf(a, 0644, 0), 1), 0);
	CU_ASSERT_EQUAL(load_path(write_conf(a, 0664, 0), 1), 1);
	snprintf(msg, sizeof msg, "%s: refused: writable by group or others "
		 "(chmod go-w it)\n", a);
	CU_ASSERT_STRING_EQUAL(unit_reports, msg);
	CU_ASSERT_EQUAL(load_path(write_conf(a, 0602, 0), 1), 1);
	CU_ASSERT_EQUAL(load_path(write_conf(a, 0600, 12345), 1), 1);
	snprintf(msg, sizeof msg, "%s: refused: not owned by root (a rules "
		 "file read by root must be)\n", a);
	CU_ASSERT_STRING_EQUAL(unit_reports, msg);

	/* A symlink is followed; its target is what is checked. */
	write_conf(b, 0644, 0);
	CU_ASSERT_EQUAL(symlink(b, l), 0);
	CU_ASSERT_EQUAL(load_path(l, 1), 0);
	CU_ASSERT_EQUAL(chmod(b, 0666), 0);
	CU_ASSERT_EQUAL(load_path(l, 1), 1);

	/* Missing: an error when named, nothing when it is the default. */
	CU_ASSERT_EQUAL(load_path("/nonexistent/sockmode.conf", 0), 0);
	CU_ASSERT_EQUAL(load_path("/nonexistent/sockmode.conf", 1), 1);
	CU_ASSERT_STRING_EQUAL(unit_reports, "/nonexistent/sockmode.conf: cannot "
			       "open: No such file or directory\n");
	CU_ASSERT_EQUAL(load_path(dir, 1), 1);
	snprintf(msg, sizeof msg, "%s: not a regular file\n", dir);
	CU_ASSERT_STRING_EQUAL(unit_reports, msg);

	/* Issue 12: every directory on the way must be root's and closed
	 * to others, or sticky with the entry root's. A symlink in an open
	 * directory does not lead to a harmless root file (b, 0644). */
	CU_ASSERT_EQUAL(chmod(b, 0644), 0);
	snprintf(msg, sizeof msg, "%s/ww", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(msg, 0777), 0);
	CU_ASSERT_EQUAL_FATAL(chmod(msg, 0777), 0);
	snprintf(l, sizeof l, "%s/ww/x.conf", dir);
	CU_ASSERT_EQUAL_FATAL(symlink(b, l), 0);
	CU_ASSERT_EQUAL(load_path(l, 1), 1);
	snprintf(msg, sizeof msg, "%s: refused: writable by group or others: "
		 "the directory %s/ww (at 'x.conf')\n", l, dir);
	CU_ASSERT_STRING_EQUAL(unit_reports, msg);
	/* Sticky: a root-owned entry is trusted, another user's is not. */
	snprintf(msg, sizeof msg, "%s/ww", dir);
	CU_ASSERT_EQUAL(chmod(msg, 01777), 0);
	CU_ASSERT_EQUAL(load_path(l, 1), 0);
	CU_ASSERT_EQUAL(lchown(l, 12345, 12345), 0);
	CU_ASSERT_EQUAL(load_path(l, 1), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(unit_reports, "refused: writable by "
				      "group or others: the directory"));
	unlink(l);
	snprintf(msg, sizeof msg, "%s/ww", dir);
	rmdir(msg);
	/* A FIFO is never opened (no hang), a device node neither. */
	snprintf(l, sizeof l, "%s/fifo", dir);
	CU_ASSERT_EQUAL_FATAL(mkfifo(l, 0644), 0);
	CU_ASSERT_EQUAL(load_path(l, 1), 1);
	snprintf(msg, sizeof msg, "%s: not a regular file\n", l);
	CU_ASSERT_STRING_EQUAL(unit_reports, msg);
	unlink(l);
	CU_ASSERT_EQUAL(load_path("/dev/null", 1), 1);
	CU_ASSERT_STRING_EQUAL(unit_reports, "/dev/null: not a regular file\n");
	/* Read to the end: a /proc file (st_size 0) is not an empty file. */
	CU_ASSERT_TRUE(load_path("/proc/self/environ", 1) >= 1);

	unlink(a);
	unlink(b);
	rmdir(dir);
}

static const char *fake_value;

static const char *fake_getenv(const char *name)
{
	if (strcmp(name, "SOCKMODE_CONFIG") == 0)
		return SM_TEST_FIXTURES "/good.conf";
	if (strcmp(name, "SOCKMODE_MODE") == 0)
		return "0600";
	if (strcmp(name, "SOCKMODE_MATCH") == 0)
		return fake_value;
	return NULL;
}

static void environment_rule_comes_first(void)
{
	struct sm_policy p;

	fake_value = "/run/app/a.sock";
	unit_reports[0] = '\0';
	CU_ASSERT_EQUAL_FATAL(sm_policy_load(&p, fake_getenv, 0, NULL,
					     unit_collect, NULL), 0);
	CU_ASSERT_EQUAL(p.nrules, 7);
	CU_ASSERT_EQUAL(sm_policy_match(&p, "/run/app/a.sock")->mode, 0600);
	CU_ASSERT_EQUAL(sm_policy_match(&p, "/run/app/b.sock")->mode, 0660);
	sm_policy_free(&p);
	/* Secure execution: SOCKMODE_CONFIG is ignored with the rest. */
	CU_ASSERT_EQUAL(sm_policy_load(&p, fake_getenv, 1, NULL, unit_collect,
				       NULL), 0);
	CU_ASSERT_EQUAL(p.nrules, 0);
	/* An error in the file invalidates the environment's rule too. */
	fake_value = "/x:";
	CU_ASSERT_EQUAL(sm_policy_load(&p, fake_getenv, 0, NULL, unit_collect,
				       NULL), 1);
	CU_ASSERT_FALSE(p.valid);
	CU_ASSERT_EQUAL(p.nrules, 0);
}

static void ten_thousand_rules_load(void)
{
	struct sm_policy p = { .valid = 1 };
	size_t i, n = 10000, len = 0;
	char *text = malloc(n * 40);

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "/run/r%zu/*.sock mode=0%o\n",
				       i, (unsigned)(0600 + i % 8));
	CU_ASSERT_EQUAL(sm_conf_parse(&p, "big", text, len, unit_collect, NULL), 0);
	CU_ASSERT_EQUAL(p.nrules, n);
	CU_ASSERT_EQUAL(sm_policy_match(&p, "/run/r9999/x.sock")->mode, 0607);
	CU_ASSERT_PTR_NULL(sm_policy_match(&p, "/run/r10000/x.sock"));
	sm_policy_free(&p);
	free(text);
}

void suite_conf(void)
{
	static const CU_TestInfo tests[] = {
		{ "good file gives the rule table",
		  good_file_gives_the_rule_table },
		{ "CRLF lines are accepted", crlf_lines_are_accepted },
		{ "each bad line has its message",
		  each_bad_line_has_its_message },
		{ "long lines are errors", long_lines_are_errors },
		{ "root trusts only safe files", root_trusts_only_safe_files },
		{ "environment rule comes first",
		  environment_rule_comes_first },
		{ "ten thousand rules load", ten_thousand_rules_load },
		CU_TEST_INFO_NULL,
	};
	add_suite("conf", tests);
}
