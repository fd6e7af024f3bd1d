/* why.h - sockmode --why and --audit (issue 16): who can connect to a
 * Unix socket, and why not. */
#ifndef SOCKMODE_WHY_H
#define SOCKMODE_WHY_H

#include "access.h"
#include "diag.h"
#include "pathwalk.h"

/* sockmode --why PATH [--as USER] [-g GROUP]... [--json]: argv[1] is
 * "--why" or "--why=PATH". Returns the exit status: 0 USER can connect,
 * 1 cannot, 100 usage error, 111 a system call failed or the answer
 * could not be seen. */
int cli_why(int argc, char **argv);

/* sockmode --audit [GLOB]... [--json]: argv[1] is "--audit". Returns the
 * exit status: 0, 100 usage, 111 the kernel's socket list is
 * unavailable. */
int cli_audit(int argc, char **argv);

/* The verdict of --why. */
enum why_verdict { WHY_YES, WHY_NO, WHY_UNKNOWN };

#define WHY_LINES 8
#define WHY_LINE 640

/* Everything --why found out, for the text and JSON printers. */
struct why {
	const char *path;		/* as given */
	struct ac_user user;
	char user_name[64], group_name[64];
	int invoker_root;
	int self;			/* USER is the invoking user as it is */
	struct wk_result *walk;
	int diag_err;			/* errno of the sock_diag dump, or 0 */
	int bound;
	struct dg_sock sock;		/* with bound */
	unsigned hidden;		/* processes not looked into */
	int checked, check_err;		/* the real connect() as USER */
	enum why_verdict verdict;
	char reason[WHY_LINE];
	size_t nnotes, nnow, ngood;
	char notes[WHY_LINES][WHY_LINE];
	char now[WHY_LINES][WHY_LINE];	/* the fix now */
	char good[WHY_LINES][WHY_LINE];	/* the fix at the next start */
};

/* Prints w as text, or as one JSON object, on stdout. */
void why_print_text(const struct why *w);
void why_print_json(const struct why *w);

/* Appends a formatted line to lines (n of WHY_LINES used). */
void why_add(char lines[][WHY_LINE], size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The suggested fixes of w, from its facts (whyfix.c). */
void why_fixes(struct why *w);

#endif
