/* conf.c - the rules file: one rule a line, every error FILE:LINE:COL. */
#include "conf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keys.h"
#include "log.h"
#include "path.h"
#include "walk.h"

#define CONF_MAX_SIZE (16u << 20)	/* a rules file, not a database */
#define CONF_MAX_LINE 4096
#define MAX_WORDS 64		/* a pattern and its keys, with room to spare */

struct parser {
	struct sm_policy *pol;
	const char *name;
	unsigned line;
	size_t errors;
	sm_report_fn *report;
	void *ctx;
};

/* A word of a line: where it starts, how long, its 1-based column. */
struct word {
	const char *s;
	size_t len;
	unsigned col;
};

/* Reports "NAME:LINE:COL: message" and counts it. */
static void error_at(struct parser *ps, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void error_at(struct parser *ps, unsigned col, const char *fmt, ...)
{
	char msg[512], full[768];
	va_list ap;

	va_start(ap, fmt);
	sm_vformat(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sm_format(full, sizeof full, "%s:%u:%u: %s", ps->name, ps->line, col,
		  msg);
	ps->report(ps->ctx, full);
	ps->errors++;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Splits line (len bytes) into at most max words; a word starting with
 * '#' ends the line; a backslash keeps the next byte in the word. Returns
 * the number of words.
 */
static size_t split_words(const char *line, size_t len, struct word *w,
			  size_t max)
{
	size_t i = 0, n = 0;

	while (n < max) {
		size_t start;

		while (i < len && is_blank(line[i]))
			i++;
		if (i == len || line[i] == '#')
			break;
		start = i;
		while (i < len && !is_blank(line[i]))
			i += line[i] == '\\' && i + 1 < len ? 2 : 1;
		w[n].s = line + start;
		w[n].len = i - start;
		w[n].col = (unsigned)start + 1;
		n++;
	}
	return n;
}

/* Parses one key=value word into rule; *seen collects the keys. */
static void parse_key(struct parser *ps, const struct word *w,
		      struct sm_rule *rule, unsigned *seen)
{
	const char *eq = memchr(w->s, '=', w->len);
	const struct sm_key *key;
	char value[CONF_MAX_LINE + 1];
	const char *err, *near;
	size_t klen;

	if (!eq) {
		error_at(ps, w->col, "expected key=value, got '%.*s'",
			 (int)w->len, w->s);
		return;
	}
	klen = (size_t)(eq - w->s);
	key = sm_key_find(w->s, klen);
	if (!key && (near = sm_key_nearest(w->s, klen)) != NULL) {
		error_at(ps, w->col, "unknown key '%.*s' (did you mean %s?)",
			 (int)klen, w->s, near);
		return;
	}
	if (!key) {
		error_at(ps, w->col, "unknown key '%.*s' (keys: " SM_KEY_NAMES
			 ")", (int)klen, w->s);
		return;
	}
	if (*seen & key->bit) {
		error_at(ps, w->col, "duplicate key '%s'", key->name);
		return;
	}
	*seen |= key->bit;
	memcpy(value, eq + 1, w->len - klen - 1);
	value[w->len - klen - 1] = '\0';
	err = key->parse(value, rule);
	if (err)
		error_at(ps, w->col + (unsigned)klen + 1, "%s=%s: %s",
			 key->name, value, err);
	else if ((*seen & SM_HAS_MODE) && (*seen & SM_HAS_UMASK))
		error_at(ps, w->col, "mode and umask both given; use one");
}

/* The column of the first of the n words that sets key (key=...); else
 * the first key's. */
static unsigned key_col(const struct word *w, size_t n, const char *key)
{
	size_t i, len = strlen(key);

	for (i = 1; i < n; i++)
		if (w[i].len > len && memcmp(w[i].s, key, len) == 0 &&
		    w[i].s[len] == '=')
			return w[i].col;
	return w[n > 1].col;
}

/*
 * Reports "mode = 0660", "mode =0660" and "mode= 0660" (words i, i+1 and
 * perhaps i+2 of the n in w) as one mistake. Returns the number of words
 * it took: 0 when they are not such a key and value.
 */
static size_t blank_around_equals(struct parser *ps, const struct word *w,
				  size_t n, size_t i)
{
	const struct word *k = &w[i], *next = &w[i + 1];
	const char *eq = memchr(k->s, '=', k->len);
	size_t klen = eq ? (size_t)(eq - k->s) : k->len, took;
	const char *v;
	size_t vlen;

	if (i + 1 >= n || klen == 0 || memchr(next->s + 1, '=', next->len - 1))
		return 0;
	if (!eq && next->s[0] == '=' && next->len == 1 && i + 2 < n &&
	    !memchr(w[i + 2].s, '=', w[i + 2].len))
		v = w[i + 2].s, vlen = w[i + 2].len, took = 3;	/* k = v */
	else if (!eq && next->s[0] == '=' && next->len > 1)
		v = next->s + 1, vlen = next->len - 1, took = 2;	/* k =v */
	else if (eq && klen + 1 == k->len && next->s[0] != '=')
		v = next->s, vlen = next->len, took = 2;	/* k= v */
	else
		return 0;
	error_at(ps, k->col, "no blanks around '=': write %.*s=%.*s",
		 (int)klen, k->s, (int)vlen, v);
	return took;
}

/* Parses one line (without its newline) into a rule. */
static void parse_line(struct parser *ps, const char *line, size_t len)
{
	struct word w[MAX_WORDS + 1];
	struct sm_rule rule = { 0 };
	char glob[PATH_MAX], origin[PATH_MAX + 16];
	size_t n = split_words(line, len, w, MAX_WORDS + 1), i;
	size_t before = ps->errors;
	const char *nul = memchr(line, '\0', len);
	const struct sm_key_need *need;
	const char *err;
	unsigned seen = 0, col = 0;

	if (nul) {
		error_at(ps, (unsigned)(nul - line) + 1, "NUL byte in line");
		return;
	}
	if (n == 0)
		return;
	if (n > MAX_WORDS) {
		error_at(ps, w[MAX_WORDS].col, "too many words (a pattern and "
			 "at most %u keys)", MAX_WORDS - 1);
		return;
	}
	if (w[0].len >= sizeof glob) {
		error_at(ps, w[0].col, "pattern too long");
		return;
	}
	memcpy(glob, w[0].s, w[0].len);
	glob[w[0].len] = '\0';
	err = sm_policy_check_glob(glob, &col);
	if (err)
		error_at(ps, w[0].col + col, "%s", err);
	if (n == 1)
		error_at(ps, w[0].col, "no keys after the pattern (keys: "
			 SM_KEY_NAMES ")");
	for (i = 1; i < n; i++) {
		size_t took = blank_around_equals(ps, w, n, i);

		if (took) {
			i += took - 1;
			continue;
		}
		/* "mode 0660": one mistake, one message. */
		if (i + 1 < n && !memchr(w[i].s, '=', w[i].len) &&
		    !memchr(w[i + 1].s, '=', w[i + 1].len) &&
		    sm_key_find(w[i].s, w[i].len)) {
			error_at(ps, w[i].col, "expected key=value, got '%.*s "
				 "%.*s' (write %.*s=%.*s)", (int)w[i].len,
				 w[i].s, (int)w[i + 1].len, w[i + 1].s,
				 (int)w[i].len, w[i].s, (int)w[i + 1].len,
				 w[i + 1].s);
			i++;
			continue;
		}
		parse_key(ps, &w[i], &rule, &seen);
	}
	if (ps->errors == before && (need = sm_keys_unmet(seen, &rule)))
		error_at(ps, key_col(w, n, need->key), "%s", need->file);
	if (ps->errors != before)
		return;
	rule.keys = seen;
	sm_format(origin, sizeof origin, "%s:%u", ps->name, ps->line);
	if (sm_policy_add(ps->pol, &rule, glob, w[0].len, origin) < 0)
		error_at(ps, 1, "out of memory");
}

size_t sm_conf_parse(struct sm_policy *pol, const char *name,
		     const char *text, size_t len, sm_report_fn *report,
		     void *ctx)
{
	struct parser ps = { pol, name, 0, 0, report, ctx };
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		ps.line++;
		if (n > CONF_MAX_LINE)
			error_at(&ps, CONF_MAX_LINE + 1, "line too long (more "
				 "than %u bytes)", CONF_MAX_LINE);
		else
			parse_line(&ps, p, n);
		p += n + 1;
	}
	return ps.errors;
}

/* Reports "NAME: message" and returns 1 (one error). */
static size_t file_error(sm_report_fn *report, void *ctx, const char *name,
			 const char *what, int err)
{
	char msg[768], ebuf[32];

	if (err)
		sm_format(msg, sizeof msg, "%s: %s: %s", name, what,
			  sm_strerror(err, ebuf, sizeof ebuf));
	else
		sm_format(msg, sizeof msg, "%s: %s", name, what);
	report(ctx, msg);
	return 1;
}

/* The trust rule of SPEC 3.2 for a process running as root (effective
 * uid 0, set-user-ID root included): owned by root, not writable by group
 * or others. Returns NULL when the file may be used, else why not. */
static const char *untrusted(const struct stat *st)
{
	if (geteuid() != 0)
		return NULL;
	if (st->st_uid != 0)	/* the running user is root */
		return "refused: not owned by root (a rules file read by "
		       "root must be)";
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return "refused: writable by group or others (chmod go-w it)";
	return NULL;
}

/* Why a rules file could not be used: what, and errno (0: none). */
struct refusal {
	const char *what;
	int err;
	char buf[sizeof ((struct sm_walked *)0)->why];
};

/*
 * Opens the rules file path for reading, never opening anything that is
 * not a regular file. The path is resolved one component at a time
 * (sm_walk()); under euid 0 every directory on the way, those holding a
 * symlink followed included, must be root's (or ours) and not writable
 * by group or others (SM_WALK_STRICT, as sshd's StrictModes): a symlink
 * an attacker swapped in cannot lead to a harmless root file. The entry
 * is opened O_PATH and fstat'ed first; only a regular, trusted file is
 * then reopened for reading, through /proc/thread-self/fd/N (the same
 * inode; without /proc, by name in the walked directory, compared).
 * Returns the descriptor, or -1 with *r set (r->what NULL and r->err
 * ENOENT: the file does not exist).
 */
static int open_rules(const char *path, struct refusal *r)
{
	char proc[SM_PROC_FD_PATH_SIZE];
	const int rd = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	struct sm_walked w;
	struct stat st, now;
	int pfd, fd = -1;

	r->what = NULL;
	r->err = 0;
	/* Absent (the usual default): say so without the walk's two
	 * descriptors. Nothing is decided on this look but "nothing to
	 * read", as if the file were made just after. */
	if (fstatat(AT_FDCWD, path, &st, 0) < 0 && errno == ENOENT) {
		r->err = ENOENT;
		return -1;
	}
	if (sm_walk(path, geteuid() == 0 ? SM_WALK_STRICT : SM_WALK_ANY, 1,
		    &w) < 0) {
		r->err = errno;
		if (w.why[0]) {
			memcpy(r->buf, w.why, sizeof r->buf);
			r->what = r->buf;
			r->err = 0;
		} else if (errno != ENOENT) {
			r->what = "cannot open";
		}
		return -1;
	}
	pfd = openat(w.dirfd, w.name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0 || fstat(pfd, &st) < 0) {
		r->err = errno;
		r->what = errno == ENOENT ? NULL : "cannot open";
		goto out;	/* ENOENT: gone since the walk */
	}
	if (!S_ISREG(st.st_mode))
		r->what = "not a regular file";	/* and never opened */
	else
		r->what = untrusted(&st);
	if (r->what)
		goto out;
	fd = open(sm_proc_fd_path(pfd, proc), rd);
	if (fd < 0 && errno == ENOENT)	/* no /proc */
		fd = openat(w.dirfd, w.name, rd | O_NOFOLLOW);
	if (fd < 0) {
		r->err = errno;
		r->what = "cannot open";
	} else if (fstat(fd, &now) < 0 || now.st_dev != st.st_dev ||
		   now.st_ino != st.st_ino) {
		close(fd);
		fd = -1;
		r->what = "changed while being opened";
	}
out:
	if (pfd >= 0)
		close(pfd);
	close(w.dirfd);
	return fd;
}

/*
 * Reads fd to its end (not st_size bytes: /proc files say 0), at most
 * CONF_MAX_SIZE. Returns the text (malloc'ed, *len bytes) or NULL with
 * *why and *err.
 */
static char *read_all(int fd, size_t *len, const char **why, int *err)
{
	size_t size = 4096, got = 0;
	char *text = malloc(size), *bigger;

	*err = 0;
	for (;;) {
		ssize_t n;

		if (!text) {
			*why = "out of memory";
			return NULL;
		}
		if (got == size) {
			if (size > CONF_MAX_SIZE) {
				*why = "too large (more than 16 MiB)";
				break;
			}
			bigger = realloc(text, size * 2);
			if (!bigger)
				break;
			text = bigger;
			size *= 2;
		}
		n = read(fd, text + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*why = "cannot read";
			*err = errno;
			break;
		}
		if (n == 0) {
			*len = got;
			return text;
		}
		got += (size_t)n;
	}
	if (!*err && !text)
		*why = "out of memory";
	free(text);
	return NULL;
}

size_t sm_conf_load(struct sm_policy *pol, const char *path, int must_exist,
		    sm_report_fn *report, void *ctx)
{
	struct refusal r;
	const char *why = "out of memory";
	char *text;
	size_t got = 0, errors;
	int fd, err;

	fd = open_rules(path, &r);
	if (fd < 0) {
		if (!r.what && r.err == ENOENT && !must_exist)
			return 0;	/* the default file is not there */
		return file_error(report, ctx, path, r.what ? r.what
				  : "cannot open", r.err);
	}
	text = read_all(fd, &got, &why, &err);
	close(fd);
	if (!text)
		return file_error(report, ctx, path, why, err);
	errors = sm_conf_parse(pol, path, text, got, report, ctx);
	free(text);
	return errors;
}
