/* main.c - runs every CUnit suite; exit status 1 when anything failed. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

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
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	if (CU_get_number_of_tests_run() == 0)
		failed = 1;
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
