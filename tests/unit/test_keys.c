/* test_keys.c - value parsers shared by every front end (SPEC 3.1, 6). */
#include <grp.h>
#include <string.h>

#include "ids.h"
#include "keys.h"
#include "log.h"
#include "unit.h"

static const char NOT_OCTAL[] = "not an octal number (digits 0-7 only, e.g. 0660)";
static const char RANGE[] = "out of range (only the permission bits 0 to 0777)";

static void octal_accepts_permission_bits(void)
{
	static const struct { const char *s; mode_t m; } good[] = {
		{ "0660", 0660 }, { "660", 0660 }, { "0600", 0600 },
		{ "0", 0 }, { "777", 0777 }, { "0000000644", 0644 },
	};
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		mode_t m = 01234;

		CU_ASSERT_PTR_NULL(sm_parse_octal(good[i].s, &m));
		CU_ASSERT_EQUAL(m, good[i].m);
	}
}

static void octal_rejects_spec6_values(void)
{
	static const struct { const char *s, *msg; } bad[] = {
		{ "999", NOT_OCTAL }, { "0o660", NOT_OCTAL }, { "rw", NOT_OCTAL },
		{ "", "empty value" }, { "07777", RANGE }, { "1000", RANGE },
		{ "-1", NOT_OCTAL }, { "+660", NOT_OCTAL }, { " 660", NOT_OCTAL },
		{ "660 ", NOT_OCTAL }, { "0x1b6", NOT_OCTAL },
		{ "99999999999999999999999", NOT_OCTAL },
		{ "77777777777777777777777", RANGE },
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		mode_t m = 01234;
		const char *err = sm_parse_octal(bad[i].s, &m);

		CU_ASSERT_PTR_NOT_NULL_FATAL(err);
		CU_ASSERT_STRING_EQUAL(err, bad[i].msg);
		CU_ASSERT_EQUAL(m, 01234);	/* untouched on error */
	}
}

static void keys_parse_into_the_rule(void)
{
	struct sm_rule r = { 0 };
	const struct sm_key *k;

	k = sm_key_find("umask", 5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_STRING_EQUAL(k->env, "SOCKMODE_UMASK");
	CU_ASSERT_PTR_NULL(k->parse("0027", &r));
	CU_ASSERT_EQUAL(r.mode, 0750);

	k = sm_key_find("owner=", 5);	/* length, not the NUL, ends it */
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_PTR_NULL(k->parse("nobody", &r));
	CU_ASSERT_EQUAL(r.uid, 65534);
	CU_ASSERT_PTR_NULL(k->parse("4242", &r));
	CU_ASSERT_EQUAL(r.uid, 4242);
	CU_ASSERT_STRING_EQUAL(k->parse("no-such-user-x", &r), "unknown user");
	CU_ASSERT_STRING_EQUAL(k->parse("4294967295", &r),
			       "numeric id out of range");

	k = sm_key_find("group", 5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_PTR_NULL(k->parse("nogroup", &r));
	CU_ASSERT_EQUAL(r.gid, 65534);
	CU_ASSERT_STRING_EQUAL(k->parse("no-such-group-x", &r),
			       "unknown group");
	CU_ASSERT_STRING_EQUAL(k->parse("", &r), "empty value");

	CU_ASSERT_PTR_NULL(sm_key_find("mod", 3));
	CU_ASSERT_PTR_NULL(sm_key_find("perm", 4));
}

/* The lookup cache gives what NSS gives, also past its eight slots. */
static void group_lookups_agree_with_nss(void)
{
	static const char *const names[] = {
		"root", "daemon", "bin", "sys", "adm", "tty", "disk", "lp",
		"mail", "news", "uucp", "man", "nogroup", "root", "nogroup",
	};
	size_t i, round;

	for (round = 0; round < 2; round++)
		for (i = 0; i < sizeof names / sizeof names[0]; i++) {
			const struct group *gr = getgrnam(names[i]);
			gid_t gid = 4242;

			if (!gr)
				continue;
			CU_ASSERT_PTR_NULL(sm_lookup_group(names[i], &gid));
			CU_ASSERT_EQUAL(gid, gr->gr_gid);
		}
}

static void words_parse_exactly(void)
{
	int v = -1;

	CU_ASSERT_PTR_NULL(sm_parse_on_error("warn", &v));
	CU_ASSERT_EQUAL(v, SM_ON_ERROR_WARN);
	CU_ASSERT_PTR_NULL(sm_parse_on_error("fail", &v));
	CU_ASSERT_EQUAL(v, SM_ON_ERROR_FAIL);
	CU_ASSERT_STRING_EQUAL(sm_parse_on_error("Warn", &v),
			       "must be fail or warn");
	CU_ASSERT_STRING_EQUAL(sm_parse_on_error("", &v), "empty value");
	CU_ASSERT_PTR_NULL(sm_parse_log_level("debug", &v));
	CU_ASSERT_EQUAL(v, SM_LOG_DEBUG);
	CU_ASSERT_PTR_NULL(sm_parse_log_level("quiet", &v));
	CU_ASSERT_EQUAL(v, SM_LOG_QUIET);
	CU_ASSERT_STRING_EQUAL(sm_parse_log_level("loud", &v),
			       "must be quiet, error, info or debug");
}

/* "Did you mean": one edit away (two for longer names), case ignored,
 * the nearest wins; nothing for a word far from every key. */
static void nearest_key_for_a_misspelling(void)
{
	static const struct { const char *word, *key; } cases[] = {
		{ "gruop", "group" }, { "Mode", "mode" }, { "mod", "mode" },
		{ "modes", "mode" }, { "MODE", "mode" }, { "umsak", "umask" },
		{ "dirgroop", "dirgroup" }, { "dir_mode", "dirmode" },
		{ "ower", "owner" }, { "acls", "acl" }, { "perm", NULL },
		{ "size", NULL }, { "", NULL }, { "xx", NULL },
		{ "dirmodexx", "dirmode" }, { "dirmodexxx", NULL },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = sm_key_nearest(cases[i].word,
						 strlen(cases[i].word));

		if (cases[i].key)
			CU_ASSERT_PTR_NOT_NULL_FATAL(got);
		if (cases[i].key && strcmp(got, cases[i].key) != 0)
			CU_FAIL(cases[i].word);
		if (!cases[i].key && got)
			CU_FAIL(cases[i].word);
	}
}

void suite_keys(void)
{
	static const CU_TestInfo tests[] = {
		{ "octal accepts permission bits", octal_accepts_permission_bits },
		{ "octal rejects SPEC 6 values", octal_rejects_spec6_values },
		{ "keys parse into the rule", keys_parse_into_the_rule },
		{ "group lookups agree with NSS", group_lookups_agree_with_nss },
		{ "words parse exactly", words_parse_exactly },
		{ "nearest key for a misspelling",
		  nearest_key_for_a_misspelling },
		CU_TEST_INFO_NULL,
	};
	add_suite("keys", tests);
}
