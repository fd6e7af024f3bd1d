/* test_log.c - the async-signal-safe formatter. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "unit.h"

static void formats_the_supported_conversions(void)
{
	char buf[128];

	sm_format(buf, sizeof buf, "%s=%d %u %o %04o %x %c %%", "k", -42, 7u,
		  8u, 0660u, 255u, 'z');
	CU_ASSERT_STRING_EQUAL(buf, "k=-42 7 10 0660 ff z %");
	sm_format(buf, sizeof buf, "%d %d", 0, -2147483647 - 1);
	CU_ASSERT_STRING_EQUAL(buf, "0 -2147483648");
	sm_format(buf, sizeof buf, "[%5u]", 42u);
	CU_ASSERT_STRING_EQUAL(buf, "[   42]");
	sm_format(buf, sizeof buf, "<%.*s|%.*s>", 3, "abcdef", -1, "xy");
	CU_ASSERT_STRING_EQUAL(buf, "<abc|xy>");
	{	/* %.*s reads no byte past the precision (found by make fuzz) */
		char *two = malloc(2);

		CU_ASSERT_PTR_NOT_NULL_FATAL(two);
		memcpy(two, "ab", 2);
		sm_format(buf, sizeof buf, "%.*s", 2, two);
		CU_ASSERT_STRING_EQUAL(buf, "ab");
		free(two);
	}
}

static void escapes_control_bytes(void)
{
	char buf[64];

	sm_format(buf, sizeof buf, "%s", "a\nb\x1b[0m\x7f");
	CU_ASSERT_STRING_EQUAL(buf, "a\\x0ab\\x1b[0m\\x7f");
	{
		const char *volatile none = NULL;	/* hide it from -Wformat */

		sm_format(buf, sizeof buf, "%s", none);
		CU_ASSERT_STRING_EQUAL(buf, "(null)");
	}
}

static void truncates_with_an_ellipsis(void)
{
	char buf[8];
	size_t n = sm_format(buf, sizeof buf, "%s", "0123456789");

	CU_ASSERT_EQUAL(n, 7);
	CU_ASSERT_STRING_EQUAL(buf, "0123...");
	n = sm_format(buf, sizeof buf, "%s", "0123456");
	CU_ASSERT_STRING_EQUAL(buf, "0123456");
}

static void describes_errno_without_locale(void)
{
	char buf[32];

	CU_ASSERT_STRING_EQUAL(sm_strerror(13, buf, sizeof buf),
			       "Permission denied");
	CU_ASSERT_PTR_NOT_NULL(strstr(sm_strerror(99999, buf, sizeof buf),
				      "99999"));
}

void suite_log(void)
{
	static const CU_TestInfo tests[] = {
		{ "formats the supported conversions",
		  formats_the_supported_conversions },
		{ "escapes control bytes", escapes_control_bytes },
		{ "truncates with an ellipsis", truncates_with_an_ellipsis },
		{ "describes errno without locale",
		  describes_errno_without_locale },
		CU_TEST_INFO_NULL,
	};
	add_suite("log", tests);
}
