/* why.c - sockmode --why PATH: can USER connect to the Unix socket at
 * PATH, and if not, what stops it (issue 16). Walks the path (walk.c),
 * asks the kernel what is bound there (diag.c), decides with the
 * kernel's rules (access.c) and, as root, checks the verdict with a real
 * connect() made by a child that is USER. */
#include "why.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ids.h"

static const char why_usage[] =
	"usage: sockmode --why PATH [--as USER] [-g GROUP]... [--json]\n";

void why_add(char lines[][WHY_LINE], size_t *n, const char *fmt, ...)
{
	va_list ap;

	if (*n == WHY_LINES)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(lines[*n], WHY_LINE, fmt, ap);
	va_end(ap);
	++*n;
}

/* Adds group gid to u unless it is there. Returns 0, or -1 when full. */
static int add_group(struct ac_user *u, gid_t gid)
{
	if (ac_in_group(u, gid) && gid != u->gid)
		return 0;
	if (u->ngroups == AC_GROUPS_MAX)
		return -1;
	u->groups[u->ngroups++] = gid;
	return 0;
}

/*
 * Fills w->user for --as name (NULL: the invoking user, with the
 * credentials this process has) and its names. A name or a uid with a
 * passwd entry gets that entry's group and the group database's groups;
 * a uid without one gets the group of the same number. Returns NULL, or
 * a message.
 */
static const char *resolve_user(struct why *w, const char *name)
{
	struct ac_user *u = &w->user;
	const struct passwd *pw;
	gid_t g[AC_GROUPS_MAX];
	int n = AC_GROUPS_MAX, i;
	uid_t uid;
	const char *err;

	memset(u, 0, sizeof *u);
	if (!name) {
		u->uid = geteuid();
		u->gid = getegid();
		n = getgroups(AC_GROUPS_MAX, g);
		for (i = 0; i < n; i++)
			add_group(u, g[i]);
	} else {
		if ((err = sm_lookup_user(name, &uid)) != NULL)
			return err;
		u->uid = uid;
		u->gid = (gid_t)uid;
		pw = getpwuid(uid);
		if (pw) {
			u->gid = pw->pw_gid;
			if (getgrouplist(pw->pw_name, pw->pw_gid, g, &n) < 0)
				n = AC_GROUPS_MAX;
			for (i = 0; i < n; i++)
				if (g[i] != u->gid)
					add_group(u, g[i]);
		}
	}
	ac_user_name(u->uid, w->user_name, sizeof w->user_name);
	ac_group_name(u->gid, w->group_name, sizeof w->group_name);
	return NULL;
}

/*
 * In a child that drops to w->user's uid, gid and groups (or stays as it
 * is, for the invoking user itself): socket(type)
 * and a non-blocking connect() to w->path. Returns 0 when it connected
 * (or the backlog was full: EAGAIN), else the errno it got; -1 when the
 * child could not be made or become the user (errno set).
 */
static int connect_as(const struct why *w, int type)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int p[2], status, err = -1;
	pid_t pid;

	memcpy(a.sun_path, w->path, strlen(w->path));	/* it fits: parse() */
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		const struct ac_user *u = &w->user;
		int fd, e = -1;

		close(p[0]);
		if ((w->self || (setgroups(u->ngroups, u->groups) == 0 &&
				 setresgid(u->gid, u->gid, u->gid) == 0 &&
				 setresuid(u->uid, u->uid, u->uid) == 0)) &&
		    (fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
				 0)) >= 0)
			e = connect(fd, (struct sockaddr *)&a, sizeof a) == 0 ||
			    errno == EAGAIN ? 0 : errno;
		(void)!write(p[1], &e, sizeof e);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &err, sizeof err) != sizeof err)
		err = -1;
	close(p[0]);
	waitpid(pid, &status, 0);
	if (err < 0)
		errno = EPERM;
	return err;
}

/* Sets the verdict and its reason. */
static void say(struct why *w, enum why_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct why *w, enum why_verdict v, const char *fmt, ...)
{
	va_list ap;

	w->verdict = v;
	va_start(ap, fmt);
	(void)vsnprintf(w->reason, sizeof w->reason, fmt, ap);
	va_end(ap);
}

/* What the file type of mode is, in words. */
static const char *type_words(mode_t mode)
{
	return S_ISREG(mode) ? "a regular file" : S_ISDIR(mode)
		? "a directory" : S_ISFIFO(mode) ? "a FIFO" : S_ISCHR(mode)
		? "a character device" : S_ISBLK(mode) ? "a block device"
		: "not a socket";
}

/* Decides from the walk and the dump, in the kernel's order: the
 * directories, the lookup, write permission, then what is bound. */
static void decide(struct why *w)
{
	const struct wk_result *r = w->walk;
	char why[256];

	if (r->blocked >= 0) {
		const struct wk_step *s = &r->steps[r->blocked];

		ac_describe(&s->v, AC_EXEC, why, sizeof why);
		say(w, WHY_NO, "no search permission on directory %s (%s)",
		    s->path, why);
		return;
	}
	switch (r->end) {
	case WK_UNSEEN:
		say(w, WHY_UNKNOWN, "cannot tell: you (uid %u) have no search "
		    "permission on %s, so %s could not be seen; run as root "
		    "to see what %s would get", (unsigned)geteuid(),
		    r->where_dir, r->where, w->user_name);
		return;
	case WK_MISSING:
		say(w, WHY_NO, "%s does not exist (ENOENT)", r->where);
		return;
	case WK_NOTDIR:
		say(w, WHY_NO, "%s is not a directory (ENOTDIR)", r->where);
		return;
	case WK_LOOP:
		say(w, WHY_NO, "too many symbolic links at %s (ELOOP)",
		    r->where);
		return;
	case WK_ERROR:
		say(w, WHY_UNKNOWN, "cannot tell: %s: %s", r->where,
		    strerror(r->err));
		return;
	case WK_FOUND:
		break;
	}
	if (!S_ISSOCK(r->st.st_mode)) {
		say(w, WHY_NO, "%s is %s, not a socket (connect() gives "
		    "ECONNREFUSED)", r->name, type_words(r->st.st_mode));
		return;
	}
	if (!r->v.allowed) {
		ac_describe(&r->v, AC_WRITE, why, sizeof why);
		say(w, WHY_NO, "no write permission on the socket file (%s)",
		    why);
		return;
	}
	if (w->diag_err) {
		say(w, WHY_UNKNOWN, "cannot tell whether anything is bound: "
		    "the kernel's socket list (sock_diag): %s",
		    strerror(w->diag_err));
		return;
	}
	if (!w->bound)
		say(w, WHY_NO, "nothing is bound to %s: a stale socket file "
		    "(connect() gives ECONNREFUSED)", r->name);
	else if (w->sock.type != SOCK_DGRAM && w->sock.state != 10)
		say(w, WHY_NO, "the socket is bound but not listening "
		    "(connect() gives ECONNREFUSED)");
	else
		say(w, WHY_YES, "write permission on the socket file (%s), "
		    "search permission on every directory, and a %s is "
		    "bound", (ac_describe(&r->v, AC_WRITE, why, sizeof why),
			      why), dg_state(&w->sock));
}

/* The security modules the kernel runs, from securityfs, into buf. */
static void lsm_list(char *buf, size_t size)
{
	FILE *f = fopen("/sys/kernel/security/lsm", "re");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, (int)size, f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
}

/* As root: a real connect() as the user, and the verdict corrected by
 * it, so that it is never more optimistic than the kernel. */
static void check_for_real(struct why *w)
{
	char lsm[128];
	int type = w->bound ? w->sock.type : SOCK_STREAM;
	int err = connect_as(w, type);

	if (err < 0) {
		why_add(w->notes, &w->nnotes, "could not check for real: "
			"a child as %s: %s", w->user_name, strerror(errno));
		return;
	}
	w->checked = 1;
	w->check_err = err;
	if (err == 0 && w->verdict != WHY_YES) {
		why_add(w->notes, &w->nnotes, "the kernel accepted the "
			"connection although: %s", w->reason);
		say(w, WHY_YES, "a real connect() as %s succeeded",
		    w->user_name);
	} else if (err != 0 && w->verdict == WHY_YES) {
		lsm_list(lsm, sizeof lsm);
		if (err == EACCES || err == EPERM)
			say(w, WHY_NO, "refused by the kernel (%s) although the "
			    "permission bits and ACLs allow it: a security "
			    "module (%s) or another policy says no",
			    strerrorname_np(err), lsm[0] ? lsm : "LSM");
		else
			say(w, WHY_NO, "a real connect() as %s failed: %s",
			    w->user_name, strerror(err));
	}
}

/* Reads the options after --why into w. Returns 0, or 100 (printed). */
static int parse(int argc, char **argv, struct why *w, int *json)
{
	static const struct option longs[] = {
		{ "why", required_argument, NULL, 'W' },
		{ "as", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *as = NULL, *err, *groups[AC_GROUPS_MAX];
	size_t ngroups = 0, i;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+g:", longs, NULL)) != -1) {
		if (c == 'W')
			w->path = optarg;
		else if (c == 'a')
			as = optarg;
		else if (c == 'j')
			*json = 1;
		else if (c == 'g' && ngroups < AC_GROUPS_MAX)
			groups[ngroups++] = optarg;
		else
			goto usage;
	}
	w->self = !as && !ngroups;
	if (!w->path || optind < argc)
		goto usage;
	if (!*w->path) {
		fputs("sockmode: --why: empty path\n", stderr);
		return 100;
	}
	if (strlen(w->path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		fprintf(stderr, "sockmode: --why %s: %zu bytes, longer than "
			"sun_path holds (%zu): no socket can be bound there\n",
			w->path, strlen(w->path),
			sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		return 100;
	}
	if ((err = resolve_user(w, as)) != NULL) {
		fprintf(stderr, "sockmode: --as %s: %s\n", as, err);
		return 100;
	}
	for (i = 0; i < ngroups; i++) {
		gid_t gid;

		if ((err = sm_lookup_group(groups[i], &gid)) != NULL) {
			fprintf(stderr, "sockmode: -g %s: %s\n", groups[i], err);
			return 100;
		}
		if (add_group(&w->user, gid) < 0) {
			fputs("sockmode: -g: too many groups\n", stderr);
			return 100;
		}
	}
	return 0;
usage:
	fputs(why_usage, stderr);
	return 100;
}

int cli_why(int argc, char **argv)
{
	static struct why w;
	static struct wk_result walk;
	struct dg_list l;
	struct dg_sock *s;
	int json = 0, rc;

	if ((rc = parse(argc, argv, &w, &json)) != 0)
		return rc;
	w.walk = &walk;
	w.invoker_root = geteuid() == 0;
	if (wk_walk(w.path, &w.user, &walk) < 0) {
		fprintf(stderr, "sockmode: --why %s: %s\n", w.path,
			strerror(errno));
		return 111;
	}
	if (walk.end == WK_FOUND && S_ISSOCK(walk.st.st_mode)) {
		if (dg_dump(&l) < 0) {
			w.diag_err = errno;
		} else {
			if ((s = dg_find(&l, &walk.st)) != NULL) {
				dg_holders(&l);
				w.bound = 1;
				w.sock = *s;
				w.hidden = l.hidden;
			}
			dg_free(&l);
		}
	}
	decide(&w);
	if ((w.invoker_root || w.self) && w.verdict != WHY_UNKNOWN)
		check_for_real(&w);
	why_fixes(&w);
	if (json)
		why_print_json(&w);
	else
		why_print_text(&w);
	if (fflush(stdout) == EOF)
		return 111;
	return w.verdict == WHY_YES ? 0 : w.verdict == WHY_NO ? 1 : 111;
}
