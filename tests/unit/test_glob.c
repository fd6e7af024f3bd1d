/* test_glob.c - the glob matcher agrees with fnmatch(3) without flags. */
#include <fnmatch.h>
#include <string.h>

#include "glob.h"
#include "unit.h"

static const struct {
	const char *pattern, *path;
	int match;
} cases[] = {
	{ "/run/app/*.sock", "/run/app/a.sock", 1 },
	{ "/run/app/*.sock", "/run/app/sub/a.sock", 1 },	/* '*' crosses '/' */
	{ "/run/app/*.sock", "/run/app/a.socket", 0 },
	{ "/run/app/*.sock", "/run/other/a.sock", 0 },
	{ "*", "/anything/at/all", 1 },
	{ "/tmp/?", "/tmp/a", 1 },
	{ "/tmp/?", "/tmp/ab", 0 },
	{ "/tmp/?", "/tmp/", 0 },
	{ "/tmp/[abc].s", "/tmp/b.s", 1 },
	{ "/tmp/[abc].s", "/tmp/d.s", 0 },
	{ "/tmp/[a-c]x", "/tmp/cx", 1 },
	{ "/tmp/[!a-c]x", "/tmp/cx", 0 },
	{ "/tmp/[!a-c]x", "/tmp/dx", 1 },
	{ "/tmp/[^a-c]x", "/tmp/dx", 1 },
	{ "/tmp/[]]x", "/tmp/]x", 1 },
	{ "/tmp/[!]]x", "/tmp/]x", 0 },
	{ "/tmp/\\*", "/tmp/*", 1 },
	{ "/tmp/\\*", "/tmp/a", 0 },
	{ "/a*b*c", "/aXXbYYc", 1 },
	{ "/a*b*c", "/aXXbYYcZ", 0 },
	{ "/a*b*c", "/abcbc", 1 },
	{ "**/x", "/deep/er/x", 1 },
	{ "/x", "/x", 1 },
	{ "/x", "/x/", 0 },
	{ "", "", 1 },
	{ "*a*a*a*a*a*a*a*a*b", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
	{ "/t\xc3\xa9st/*", "/t\xc3\xa9st/s", 1 },
};

static void matches_like_fnmatch(void)
{
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int got = sm_glob_match(cases[i].pattern, cases[i].path);

		CU_ASSERT_EQUAL(got, cases[i].match);
		CU_ASSERT_EQUAL(got, fnmatch(cases[i].pattern, cases[i].path,
					     0) == 0);
	}
}

static void rejects_malformed_patterns(void)
{
	unsigned col = 99;

	CU_ASSERT_PTR_NULL(sm_glob_check("/run/[ab]/*.sock", &col));
	CU_ASSERT_PTR_NULL(sm_glob_check("/run/[]]", &col));
	CU_ASSERT_STRING_EQUAL(sm_glob_check("/run/[ab", &col),
			       "unterminated '[' in pattern");
	CU_ASSERT_EQUAL(col, 5);
	CU_ASSERT_STRING_EQUAL(sm_glob_check("/run/x\\", &col),
			       "trailing backslash in pattern");
	CU_ASSERT_EQUAL(col, 6);
	CU_ASSERT_PTR_NOT_NULL(sm_glob_check("/run/[[:alpha:]]", &col));
	CU_ASSERT_PTR_NOT_NULL(sm_glob_check("/run/[\\]", &col));
}

/* For a bind whose directory has no name: may glob match "/X" + tail?
 * Exact where the literal ending decides, and never "no" where some X
 * makes it match (checked against the matcher on sample names). */
static const struct {
	const char *glob, *tail;
	int may;
} endings[] = {
	{ "/run/app/*.sock", "/s", 0 },
	{ "/run/app/*.sock", "/a.sock", 1 },
	{ "/run/app/*", "/s", 1 },
	{ "/nonexistent/*", "/s", 1 },
	{ "*", "/s", 1 },
	{ "/tmp/x/s", "/s", 1 },		/* X = "tmp/x" */
	{ "/tmp/x/t", "/s", 0 },
	{ "/s", "/s", 0 },			/* X may not be empty */
	{ "/run/*/app.sock", "/s", 0 },
	{ "/run/*/app.sock", "/p.sock", 0 },
	{ "/run/*/app.sock", "/app.sock", 1 },	/* X = "run/x" */
	{ "/run/*[0-9].sock", "/s", 0 },
	{ "/run/*[0-9].sock", "/7.sock", 1 },
	{ "/run/*\\*", "/s", 0 },		/* escaped: a literal '*' */
	{ "/run/*?", "/s", 1 },
};

static void unnamed_directories_may_match(void)
{
	static const char *const samples[] = { "a", "tmp/x", "run/app",
					       "run/x", "run/app/a",
					       "run/7" };
	size_t i, j;

	for (i = 0; i < sizeof endings / sizeof endings[0]; i++) {
		int may = sm_glob_may_end_with(endings[i].glob,
					       endings[i].tail);

		CU_ASSERT_EQUAL(may, endings[i].may);
		for (j = 0; j < sizeof samples / sizeof samples[0]; j++) {
			char name[256];

			snprintf(name, sizeof name, "/%s%s", samples[j],
				 endings[i].tail);
			if (sm_glob_match(endings[i].glob, name))
				CU_ASSERT_TRUE(may);
		}
	}
	CU_ASSERT_TRUE(sm_glob_matches_all(NULL));
	CU_ASSERT_TRUE(sm_glob_matches_all("**"));
	CU_ASSERT_FALSE(sm_glob_matches_all("/*"));
}

void suite_glob(void)
{
	static const CU_TestInfo tests[] = {
		{ "matches like fnmatch", matches_like_fnmatch },
		{ "rejects malformed patterns", rejects_malformed_patterns },
		{ "unnamed directories may match",
		  unnamed_directories_may_match },
		CU_TEST_INFO_NULL,
	};
	add_suite("glob", tests);
}
