/* conf.h - the rules file (sockmode.conf), SPEC 3.2. */
#ifndef SOCKMODE_CONF_H
#define SOCKMODE_CONF_H

#include <stddef.h>

#include "policy.h"

/*
 * Reads the rules file path and appends its rules to pol, in order.
 * When must_exist is 0, a file that does not exist is no error (the
 * default /etc/sockmode.conf). When the process runs as root, a file not
 * owned by root or the real user, or writable by group or others, is
 * refused (symlinks are followed; the target is checked). Every error
 * goes to report as "FILE:LINE:COL: message" (or "FILE: message" for the
 * file as a whole); all of them, not just the first. Returns the number
 * of errors. Allocates; call at load only.
 */
size_t sm_conf_load(struct sm_policy *pol, const char *path, int must_exist,
		    sm_report_fn *report, void *ctx);

/*
 * Parses the len bytes of text as the rules file called name, appending
 * rules to pol and reporting errors as sm_conf_load does. Returns the
 * number of errors. (sm_conf_load's parser, exposed for tests and fuzzing.)
 */
size_t sm_conf_parse(struct sm_policy *pol, const char *name,
		     const char *text, size_t len, sm_report_fn *report,
		     void *ctx);

#endif
