/* main.c - runs every CUnit suite; exit status 1 when anything failed. */
#include <CUnit/Basic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

void unit_make_dir(char *dir, const char *name)
{
	snprintf(dir, 64, "/tmp/sockmode-%s.XXXXXX", name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
}

void unit_remove_dir(const char *dir)
{
	char cmd[96];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

char unit_reports[8192];
unsigned unit_nreports;

void unit_collect(void *ctx, const char *msg)
{
	(void)ctx;
	strncat(unit_reports, msg, sizeof unit_reports - strlen(unit_reports) - 2);
	strcat(unit_reports, "\n");
	unit_nreports++;
}

const char *const *unit_env;

const char *unit_getenv(const char *name)
{
	size_t n = strlen(name);
	const char *const *e;

	for (e = unit_env; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

socklen_t unit_addr(struct sockaddr_un *a, const char *dir, const char *name,
		    char *path)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	snprintf(path, sizeof a->sun_path, "%s/%s", dir, name);
	strcpy(a->sun_path, path);
	return sizeof *a;
}

int unit_opath(const char *dir, const char *name)
{
	char path[128];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	return fd;
}

void add_suite(const char *name, const CU_TestInfo *tests)
{
	CU_pSuite s = CU_add_suite(name, NULL, NULL);
	const CU_TestInfo *t;

	if (!s) {
		fprintf(stderr, "cannot add suite %s\n", name);
		exit(2);
	}
	for (t = tests; t->pName; t++)
		CU_add_test(s, t->pName, t->pTestFunc);
}

int main(void)
{
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	suite_log();
	suite_glob();
	suite_keys();
	suite_policy();
	suite_path();
	suite_conf();
	suite_lifecycle();
	suite_access();
	suite_apply();
	suite_prove();
	suite_perm();
	suite_hold();
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	if (CU_get_number_of_tests_run() == 0)
		failed = 1;
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
