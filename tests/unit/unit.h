/* unit.h - CUnit suites; each test file registers one. */
#ifndef SOCKMODE_UNIT_H
#define SOCKMODE_UNIT_H

#include <CUnit/CUnit.h>
#include <sys/socket.h>
#include <sys/un.h>

void suite_log(void);
void suite_glob(void);
void suite_keys(void);
void suite_policy(void);
void suite_path(void);
void suite_apply(void);
void suite_conf(void);
void suite_lifecycle(void);
void suite_access(void);
void suite_prove(void);
void suite_perm(void);
void suite_hold(void);

/* Makes a fresh private directory /tmp/sockmode-NAME.XXXXXX (mode 0700)
 * into dir (64 bytes); a failure ends the test. */
void unit_make_dir(char *dir, const char *name);

/* Removes dir and its content. */
void unit_remove_dir(const char *dir);

/* What unit_collect() received (an sm_report_fn), one line each, and how
 * many; a test empties unit_reports before the call it checks. */
extern char unit_reports[8192];
extern unsigned unit_nreports;
void unit_collect(void *ctx, const char *msg);

/* A fake environment for sm_policy_load(): unit_getenv() looks name up
 * in unit_env, NULL-terminated NAME=VALUE strings. */
extern const char *const *unit_env;
const char *unit_getenv(const char *name);

/* Fills *a with the Unix address dir/name, also written into path
 * (sun_path bytes). Returns its length. */
socklen_t unit_addr(struct sockaddr_un *a, const char *dir, const char *name,
		    char *path);

/* The decision sm_apply() gets for rule r alone, without a policy to
 * check it against after the bind. */
#define UNIT_RULE(r) (&(struct sm_decision){ (r), 0 })

/* An O_PATH|O_NOFOLLOW descriptor of dir/name; a failure ends the test. */
int unit_opath(const char *dir, const char *name);

/* Adds a suite named name with the NULL-terminated tests. */
void add_suite(const char *name, const CU_TestInfo *tests);

#endif
