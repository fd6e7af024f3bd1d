/* unit.h - CUnit suites; each test file registers one. */
#ifndef SOCKMODE_UNIT_H
#define SOCKMODE_UNIT_H

#include <CUnit/CUnit.h>

void suite_log(void);
void suite_glob(void);
void suite_keys(void);
void suite_policy(void);
void suite_path(void);
void suite_apply(void);
void suite_conf(void);
void suite_lifecycle(void);
void suite_access(void);

/* Adds a suite named name with the NULL-terminated tests. */
void add_suite(const char *name, const CU_TestInfo *tests);

#endif
