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

void suite_glob(void)
{
	static const CU_TestInfo tests[] = {
		{ "matches like fnmatch", matches_like_fnmatch },
		{ "rejects malformed patterns", rejects_malformed_patterns },
		CU_TEST_INFO_NULL,
	};
	add_suite("glob", tests);
}
