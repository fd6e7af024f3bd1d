/* cli.h - the parts of the sockmode command. */
#ifndef SOCKMODE_CLI_H
#define SOCKMODE_CLI_H

#include "policy.h"

/* Prints pol as a table on stdout (--check). Returns the exit status. */
int cli_print_rules(const struct sm_policy *pol);

/* Prints which rule of pol path gets and what it does (--explain).
 * Returns the exit status: 0, or 100 when path cannot be a bind path. */
int cli_explain(const struct sm_policy *pol, const char *path);

/* Sets the SOCKMODE_* variables to what get returns (unsetting those it
 * returns NULL for) and puts the library into LD_PRELOAD once. Exits 111
 * when the library cannot be found or the environment not changed. */
void cli_set_environment(const char *(*get)(const char *name));

/* Warns about a command the library cannot reach, then execs it.
 * Returns only on failure: 126 not executable, 127 not found. */
int cli_exec(char **argv);

#endif
