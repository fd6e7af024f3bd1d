/* test_path.c - absolute paths for matching, parents for proofs. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "path.h"
#include "unit.h"

static void absolute_paths_are_tidied(void)
{
	char out[PATH_MAX];

	CU_ASSERT_EQUAL(sm_abs_path("/run/app.sock", out, sizeof out), 0);
	CU_ASSERT_STRING_EQUAL(out, "/run/app.sock");
	CU_ASSERT_EQUAL(sm_abs_path("//run/./x/../y//s", out, sizeof out), 0);
	CU_ASSERT_STRING_EQUAL(out, "/run/y/s");
	/* ".." never climbs out of a rule's directory unseen. */
	CU_ASSERT_EQUAL(sm_abs_path("/run/app/../../tmp/x.sock", out,
				    sizeof out), 0);
	CU_ASSERT_STRING_EQUAL(out, "/tmp/x.sock");
	CU_ASSERT_EQUAL(sm_abs_path("/../a/..", out, sizeof out), 0);
	CU_ASSERT_STRING_EQUAL(out, "/");
	CU_ASSERT_EQUAL(sm_abs_path("/a/b/../..c/..d", out, sizeof out), 0);
	CU_ASSERT_STRING_EQUAL(out, "/a/..c/..d");
	CU_ASSERT_EQUAL(sm_abs_path("/run/.hidden/./.", out, sizeof out), 0);
	CU_ASSERT_STRING_EQUAL(out, "/run/.hidden");
}

static void relative_paths_use_the_cwd(void)
{
	char out[PATH_MAX], old[PATH_MAX];

	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(old, sizeof old));
	CU_ASSERT_EQUAL_FATAL(chdir("/tmp"), 0);
	CU_ASSERT_EQUAL(sm_abs_path("./a.sock", out, sizeof out), 0);
	CU_ASSERT_STRING_EQUAL(out, "/tmp/a.sock");
	CU_ASSERT_EQUAL(sm_abs_path("b/c", out, sizeof out), 0);
	CU_ASSERT_STRING_EQUAL(out, "/tmp/b/c");
	CU_ASSERT_EQUAL_FATAL(chdir("/"), 0);
	CU_ASSERT_EQUAL(sm_abs_path("s", out, sizeof out), 0);
	CU_ASSERT_STRING_EQUAL(out, "/s");
	CU_ASSERT_EQUAL(chdir(old), 0);
}

static void too_long_is_an_error_not_a_truncation(void)
{
	char out[16];

	errno = 0;
	CU_ASSERT_EQUAL(sm_abs_path("/0123456789abcdef", out, sizeof out), -1);
	CU_ASSERT_EQUAL(errno, ENAMETOOLONG);
	CU_ASSERT_EQUAL(sm_abs_path("/0123456789abcd", out, sizeof out), 0);
}

static void split_gives_directory_and_name(void)
{
	char dir[64];

	CU_ASSERT_STRING_EQUAL(sm_split_path("/run/app/s", dir, sizeof dir), "s");
	CU_ASSERT_STRING_EQUAL(dir, "/run/app");
	CU_ASSERT_STRING_EQUAL(sm_split_path("/s", dir, sizeof dir), "s");
	CU_ASSERT_STRING_EQUAL(dir, "/");
	CU_ASSERT_STRING_EQUAL(sm_split_path("s", dir, sizeof dir), "s");
	CU_ASSERT_STRING_EQUAL(dir, ".");
	CU_ASSERT_STRING_EQUAL(sm_split_path("a/b", dir, sizeof dir), "b");
	CU_ASSERT_STRING_EQUAL(dir, "a");
	CU_ASSERT_PTR_NULL(sm_split_path("/abcdef/s", dir, 4));
}

void suite_path(void)
{
	static const CU_TestInfo tests[] = {
		{ "absolute paths are tidied", absolute_paths_are_tidied },
		{ "relative paths use the cwd", relative_paths_use_the_cwd },
		{ "too long is an error, not a truncation",
		  too_long_is_an_error_not_a_truncation },
		{ "split gives directory and name",
		  split_gives_directory_and_name },
		CU_TEST_INFO_NULL,
	};
	add_suite("path", tests);
}
