/* audit.c - sockmode --audit [GLOB]...: every Unix socket bound to a
 * path (the sock_diag dump), one row each, with who can connect in
 * words, and the things an admin should look at; then the socket files
 * with nothing bound below /run, /tmp and /var/run (issue 16). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "glob.h"
#include "json.h"
#include "why.h"

/* Someone who is nobody in particular: no id of any file, no group. */
#define STRANGER ((uid_t)-3)

/* What --audit found out about one socket. */
struct row {
	const struct dg_sock *s;
	struct wk_result walk;
	int seen;		/* the path was walked to this very socket */
	char who[512];
	size_t nflags;
	char flags[4][WHY_LINE];
};

/* How many users are in group gid: its members and the users whose
 * primary group it is. */
static unsigned members(gid_t gid)
{
	const struct group *gr = getgrgid(gid);
	const struct passwd *pw;
	unsigned n = 0;
	char **m;

	if (gr)
		for (m = gr->gr_mem; *m; m++)
			n++;
	setpwent();
	while ((pw = getpwent()) != NULL) {
		int listed = 0;

		if (pw->pw_gid != gid)
			continue;
		for (m = gr ? gr->gr_mem : NULL; m && *m; m++)
			listed |= strcmp(*m, pw->pw_name) == 0;
		n += !listed;
	}
	endpwent();
	return n;
}

/* Where u is stopped on the way to r's socket: the index of the first
 * directory it may not search, r->nsteps for the socket file itself, or
 * -1 when it may connect. */
static int stopped_at(const struct wk_result *r, const struct ac_user *u)
{
	struct ac_verdict v;
	size_t i;

	for (i = 0; i < r->nsteps; i++)
		if (!ac_may(u, &r->steps[i].ino, AC_EXEC, &v))
			return (int)i;
	return ac_may(u, &r->ino, AC_WRITE, &v) ? -1 : (int)r->nsteps;
}

/* Appends to buf (size bytes) a part of the "who" sentence. */
static void who_add(char *buf, size_t size, const char *part)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "%s%s", len ? ", " : "", part);
}

/* Fills x->who and the group flag: everyone, the owning group, the ACL's
 * users and groups, the owner only, or nobody but root. */
static void who_can(struct row *x)
{
	const struct wk_result *r = &x->walk;
	struct ac_user u = { .uid = STRANGER, .gid = (gid_t)STRANGER };
	char name[64], part[160], mode[11];
	int at;
	size_t i;

	if (stopped_at(r, &u) < 0) {
		snprintf(x->who, sizeof x->who, "everyone");
		return;
	}
	u.gid = r->st.st_gid;
	at = stopped_at(r, &u);
	if (at < 0) {
		snprintf(part, sizeof part, "group %s (%u members)",
			 ac_group_name(r->st.st_gid, name, sizeof name),
			 members(r->st.st_gid));
		who_add(x->who, sizeof x->who, part);
	} else if (at < (int)r->nsteps && (r->ino.mode & 020)) {
		why_add(x->flags, &x->nflags, "its mode grants group %s, but "
			"directory %s (%s) shuts the group out",
			ac_group_name(r->st.st_gid, name, sizeof name),
			r->steps[at].path,
			wk_mode_text(r->steps[at].ino.mode, mode));
	}
	for (i = 0; i < r->ino.nacl; i++) {
		const struct ac_acl_entry *e = &r->ino.acl[i];
		struct ac_user n = { .uid = STRANGER, .gid = (gid_t)STRANGER };

		if (e->tag == AC_TAG_USER)
			n.uid = e->id;
		else if (e->tag == AC_TAG_GROUP)
			n.gid = e->id;
		else
			continue;
		if (stopped_at(r, &n) >= 0)
			continue;
		if (e->tag == AC_TAG_USER)
			snprintf(part, sizeof part, "user %s",
				 ac_user_name(e->id, name, sizeof name));
		else
			snprintf(part, sizeof part, "group %s (%u members)",
				 ac_group_name(e->id, name, sizeof name),
				 members(e->id));
		who_add(x->who, sizeof x->who, part);
	}
	u.uid = r->st.st_uid;
	u.gid = (gid_t)STRANGER;
	u.nocaps = 1;	/* root's capabilities are "but root" below */
	at = stopped_at(r, &u);
	if (x->who[0]) {
		if (at < 0)
			who_add(x->who, sizeof x->who, "the owner");
	} else if (at < 0) {
		snprintf(x->who, sizeof x->who, "%s only",
			 r->st.st_uid ? "the owner" : "root");
	} else if (at < (int)r->nsteps) {
		snprintf(x->who, sizeof x->who, "nobody but root: directory "
			 "%s is %s", r->steps[at].path,
			 wk_mode_text(r->steps[at].ino.mode, mode));
	} else {
		snprintf(x->who, sizeof x->who, "nobody but root: the socket "
			 "file is %s", wk_mode_text(r->ino.mode, mode));
	}
}

/* Walks to s's path and fills x: who can connect, and the flags. */
static void inspect(struct row *x, const struct dg_sock *s)
{
	const struct wk_result *r = &x->walk;
	struct ac_user nobody = { .uid = STRANGER, .gid = (gid_t)STRANGER };
	char mode[11];
	size_t i;

	memset(x, 0, sizeof *x);
	x->s = s;
	if (s->path[0] != '/') {
		snprintf(x->who, sizeof x->who, "unknown: a relative name, "
			 "bound in the server's working directory");
		return;
	}
	if (wk_walk(s->path, &nobody, &x->walk) < 0 || r->end != WK_FOUND) {
		if (r->end == WK_MISSING)
			snprintf(x->who, sizeof x->who, "nobody: its file is "
				 "gone (%.400s was removed; the socket lives "
				 "on, unreachable)", r->where);
		else if (r->end == WK_UNSEEN)
			snprintf(x->who, sizeof x->who, "unknown: you cannot "
				 "look into %.400s", r->where_dir);
		else
			snprintf(x->who, sizeof x->who, "unknown: %.400s: %s",
				 r->where, strerror(r->err));
		return;
	}
	if (r->st.st_ino != s->vfs_ino || major(r->st.st_dev) !=
	    s->vfs_dev >> 20 || minor(r->st.st_dev) != (s->vfs_dev & 0xfffff)) {
		snprintf(x->who, sizeof x->who, "nobody: the file at this path "
			 "is not this socket's any more (removed or replaced)");
		return;
	}
	x->seen = 1;
	who_can(x);
	if (strcmp(x->who, "everyone") == 0 && s->pid && s->pid_uid == 0)
		why_add(x->flags, &x->nflags, "everyone can connect, and the "
			"process runs as root");
	for (i = 0; i < r->nsteps; i++) {
		mode_t m = r->steps[i].ino.mode;

		if ((m & 002) && !(m & S_ISVTX))
			why_add(x->flags, &x->nflags, "directory %s is %s: "
				"writable by others without the sticky bit "
				"(anyone can replace the socket)",
				r->steps[i].path, wk_mode_text(m, mode));
	}
}

/* Sorts the dump by path. */
static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct dg_sock *)a)->path,
		      ((const struct dg_sock *)b)->path);
}

/* Nonzero when path matches one of the globs (or there are none). */
static int wanted(char **globs, int n, const char *path)
{
	int i;

	for (i = 0; i < n; i++)
		if (sm_glob_match(globs[i], path))
			return 1;
	return n == 0;
}

/* The stale socket files found, for the printers. */
struct stale {
	char **globs;
	int nglobs;
	size_t n;
	struct {
		char path[PATH_MAX];
		struct ac_inode ino;
	} f[256];
};

/* dg_scan_stale()'s callback: keeps a stale file the globs want. */
static void found_stale(void *ctx, const char *path, const struct stat *st)
{
	struct stale *v = ctx;

	if (v->n == 256 || !wanted(v->globs, v->nglobs, path))
		return;
	snprintf(v->f[v->n].path, sizeof v->f[0].path, "%s", path);
	memset(&v->f[v->n].ino, 0, sizeof v->f[0].ino);
	v->f[v->n].ino.mode = st->st_mode;
	v->f[v->n].ino.uid = st->st_uid;
	v->f[v->n].ino.gid = st->st_gid;
	v->n++;
}

/* "srw-rw---- root www-data" of ino, and its ACL, into buf. */
static const char *attrs(const struct ac_inode *ino, char *buf, size_t size)
{
	char mode[11], user[64], group[64], acl[256];

	ac_acl_text(ino, acl, sizeof acl);
	snprintf(buf, size, "%s %s %s%s%s", wk_mode_text(ino->mode, mode),
		 ac_user_name(ino->uid, user, sizeof user),
		 ac_group_name(ino->gid, group, sizeof group),
		 acl[0] ? " acl " : "", acl);
	return buf;
}

/* Who holds s, in words, into buf. */
static const char *holder(const struct dg_sock *s, char *buf, size_t size)
{
	char user[64];

	if (s->pid)
		snprintf(buf, size, "pid %d %s (%s)", (int)s->pid, s->comm,
			 ac_user_name(s->pid_uid, user, sizeof user));
	else
		snprintf(buf, size, "process not visible");
	return buf;
}

static void print_text(const struct row *x, size_t n, const struct stale *v)
{
	char a[512], h[160];
	size_t i, k;

	for (i = 0; i < n; i++) {
		printf("%s  %s  %s  %s  who: %s\n", x[i].s->path,
		       dg_state(x[i].s), x[i].seen ? attrs(&x[i].walk.ino, a,
		       sizeof a) : "-", holder(x[i].s, h, sizeof h), x[i].who);
		for (k = 0; k < x[i].nflags; k++)
			printf("  ! %s\n", x[i].flags[k]);
	}
	for (i = 0; i < v->n; i++) {
		printf("%s  stale  %s  nothing bound  who: nobody\n",
		       v->f[i].path, attrs(&v->f[i].ino, a, sizeof a));
		printf("  ! a socket file with nothing bound (connect() gives "
		       "ECONNREFUSED): remove it, or stale=unlink\n");
	}
}

static void print_json(const struct row *x, size_t n, const struct stale *v,
		       unsigned hidden, unsigned unreadable)
{
	struct js j = { .f = stdout };
	char buf[512];
	size_t i, k;

	js_open(&j, NULL, '{');
	js_bool(&j, "root", geteuid() == 0);
	js_num(&j, "hidden_processes", hidden);
	js_num(&j, "unreadable_directories", unreadable);
	js_open(&j, "sockets", '[');
	for (i = 0; i < n; i++) {
		const struct ac_inode *ino = &x[i].walk.ino;

		js_open(&j, NULL, '{');
		js_str(&j, "path", x[i].s->path);
		js_str(&j, "state", dg_state(x[i].s));
		if (x[i].seen) {
			snprintf(buf, sizeof buf, "%04o",
				 (unsigned)(ino->mode & 07777));
			js_str(&j, "mode", buf);
			js_str(&j, "owner", ac_user_name(ino->uid, buf,
							 sizeof buf));
			js_str(&j, "group", ac_group_name(ino->gid, buf,
							  sizeof buf));
			ac_acl_text(ino, buf, sizeof buf);
			js_str(&j, "acl", buf[0] ? buf : NULL);
		}
		js_num(&j, "pid", x[i].s->pid);
		if (x[i].s->pid) {
			js_str(&j, "command", x[i].s->comm);
			js_num(&j, "uid", x[i].s->pid_uid);
		}
		js_str(&j, "who", x[i].who);
		js_open(&j, "flags", '[');
		for (k = 0; k < x[i].nflags; k++)
			js_str(&j, NULL, x[i].flags[k]);
		js_close(&j, ']');
		js_close(&j, '}');
	}
	js_close(&j, ']');
	js_open(&j, "stale", '[');
	for (i = 0; i < v->n; i++)
		js_str(&j, NULL, v->f[i].path);
	js_close(&j, ']');
	js_close(&j, '}');
}

int cli_audit(int argc, char **argv)
{
	static struct stale v;
	struct dg_list l;
	struct row *x;
	size_t i, n = 0;
	unsigned unreadable, col;
	int json = 0, k, nglobs = 0;

	for (k = 2; k < argc; k++) {
		const char *err;

		if (strcmp(argv[k], "--json") == 0) {
			json = 1;
			continue;
		}
		err = argv[k][0] == '-' ? "not an option of --audit (only "
		      "--json and GLOBs)" : sm_glob_check(argv[k], &col);
		if (err) {
			fprintf(stderr, "sockmode: --audit %s: %s\n", argv[k],
				err);
			return 100;
		}
		argv[2 + nglobs++] = argv[k];
	}
	if (dg_dump(&l) < 0) {
		fprintf(stderr, "sockmode: --audit: the kernel's socket list "
			"(NETLINK_SOCK_DIAG): %s\n", strerror(errno));
		return 111;
	}
	dg_holders(&l);
	if (l.n)
		qsort(l.s, l.n, sizeof *l.s, by_path);
	x = calloc(l.n ? l.n : 1, sizeof *x);
	if (!x) {
		perror("sockmode");
		dg_free(&l);
		return 111;
	}
	for (i = 0; i < l.n; i++)
		if (wanted(argv + 2, nglobs, l.s[i].path))
			inspect(&x[n++], &l.s[i]);
	v.globs = argv + 2;
	v.nglobs = nglobs;
	unreadable = dg_scan_stale(&l, found_stale, &v);
	if (json) {
		print_json(x, n, &v, l.hidden, unreadable);
	} else {
		if (geteuid() != 0)
			printf("# not root: what uid %u can see; %u processes "
			       "not looked into, %u directories not read\n",
			       (unsigned)geteuid(), l.hidden, unreadable);
		print_text(x, n, &v);
	}
	free(x);
	dg_free(&l);
	return fflush(stdout) == EOF ? 111 : 0;
}
