/* cli.h - the parts of the sockmode command. */
#ifndef SOCKMODE_CLI_H
#define SOCKMODE_CLI_H

#include <limits.h>
#include <stddef.h>

#include "policy.h"

/* Prints pol as a table on stdout (--check). Returns the exit status. */
int cli_print_rules(const struct sm_policy *pol);

/* Warns on stderr about each rule of pol that can never match (an
 * earlier rule matches everything, or has the same glob) and each acl=
 * entry that the rule's dirmode= directories shut out. Returns how many
 * warnings it gave. */
unsigned cli_warn_rules(const struct sm_policy *pol);

/* Prints which rule of pol path gets and what it does (--explain).
 * Returns the exit status: 0, or 100 when path cannot be a bind path. */
int cli_explain(const struct sm_policy *pol, const char *path);

/* Sets the SOCKMODE_* variables to what get returns (unsetting those it
 * returns NULL for) and, when with_lib is set, puts the library into
 * LD_PRELOAD once. Exits 111 when the library cannot be found or the
 * environment not changed. */
void cli_set_environment(const char *(*get)(const char *name), int with_lib);

/* What cli_inspect() finds out about a command file. */
enum {
	CLI_ELF = 1u << 0,	/* an ELF file of this byte order */
	CLI_STATIC = 1u << 1,	/* ELF without PT_INTERP: statically linked */
	CLI_GO = 1u << 2,	/* has Go build info (.go.buildinfo) */
	CLI_SETID = 1u << 3,	/* set-user-ID or set-group-ID */
};

/* The command file, found and opened once: what is inspected is what
 * is executed. */
struct cli_command {
	int fd;			/* open on it (close-on-exec), or -1 */
	int err;		/* why not: ENOENT, EACCES, ... */
	unsigned kind;		/* the CLI_* bits of the file */
	char file[PATH_MAX];	/* its name (the command when not found) */
};

/* Finds cmd as execvp(3) would: as given when it holds a '/', else the
 * first executable regular file in $PATH; opens and inspects it into
 * *c (c->err: ENOENT none found, EACCES only ones we may not execute). */
void cli_find_command(const char *cmd, struct cli_command *c);

/* Execs exactly c's file with argv (an ELF file through its descriptor;
 * a script by name, once more proven to be the same inode). Returns
 * only on failure, after a message: 126 not executable (or replaced
 * meanwhile), 127 not found. */
int cli_exec(const struct cli_command *c, char **argv);

/* The CLI_* bits that describe the file open at fd; 0 when it cannot
 * be read. */
unsigned cli_inspect(int fd);

/*
 * Runs the seccomp supervisor of SPEC 7 for this process: forks it
 * (double fork: this process gets no child), then sets no_new_privs and
 * installs a filter that hands every bind(2) of this process and its
 * descendants to the supervisor, which applies pol (a copy made by the
 * fork) to AF_UNIX path binds and lets the kernel do the others. Call it
 * last before cli_exec(). Returns 0 once the supervisor holds the
 * filter's listener; on any failure prints a "sockmode: " message and
 * returns 111: the caller must exit with it and run nothing (never the
 * command unprotected).
 */
int cli_supervise(const struct sm_policy *pol);

#endif
