/* log.h - messages to stderr, one write(2) each, safe in any context. */
#ifndef SOCKMODE_LOG_H
#define SOCKMODE_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum sm_level { SM_LOG_QUIET, SM_LOG_ERROR, SM_LOG_INFO, SM_LOG_DEBUG };

/* The level in force; messages above it are dropped. Set once at load. */
extern int sm_log_level;

/*
 * Formats like snprintf into buf (always NUL-terminated, truncated with
 * "..." when it does not fit) and returns the length written. Understands
 * only %s %c %d %u %o %x %% with an optional '0' flag and width, and
 * %.*s; %s writes control bytes as \xNN. Allocation-free, lock-free, async-signal-safe.
 */
size_t sm_vformat(char *buf, size_t size, const char *fmt, va_list ap);
size_t sm_format(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Writes "sockmode: MESSAGE\n" to stderr with one write(2) when level is
 * enabled. errno is preserved. Async-signal-safe.
 */
void sm_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* An English description of errno value err, never translated, never
 * allocated ("errno 123" style fallback into buf when unknown). */
const char *sm_strerror(int err, char *buf, size_t size);

#endif
