/* whyout.c - what --why prints: the verdict line first, then the walk,
 * the socket file, what is bound, the real check, then the fix; or the
 * same facts as one JSON object (--json). */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "why.h"

static const char *const verdict_word[] = { "yes", "no", "unknown" };

/* "mode owner group" of ino, into buf. */
static const char *stat_text(const struct ac_inode *ino, char *buf,
			     size_t size)
{
	char mode[11], user[64], group[64];

	snprintf(buf, size, "%s %s %s", wk_mode_text(ino->mode, mode),
		 ac_user_name(ino->uid, user, sizeof user),
		 ac_group_name(ino->gid, group, sizeof group));
	return buf;
}

/* The user's supplementary groups by name, into buf. */
static const char *groups_text(const struct ac_user *u, char *buf,
			       size_t size)
{
	char name[64];
	size_t i, len;

	snprintf(buf, size, "%s", u->ngroups ? "" : "none");
	for (i = 0; i < u->ngroups; i++) {
		len = strlen(buf);
		snprintf(buf + len, size - len, "%s%s", i ? "," : "",
			 ac_group_name(u->groups[i], name, sizeof name));
	}
	return buf;
}

/* Who holds the bound socket, in words, into buf. */
static const char *holder_text(const struct why *w, char *buf, size_t size)
{
	char user[64];

	if (w->sock.pid)
		snprintf(buf, size, "pid %d %s (user %s)%s%s%s",
			 (int)w->sock.pid, w->sock.comm,
			 ac_user_name(w->sock.pid_uid, user, sizeof user),
			 w->sock.cmdline[0] ? ": " : "", w->sock.cmdline,
			 w->sock.nholders > 1 ? " (and other processes)" : "");
	else if (w->hidden)
		snprintf(buf, size, "not visible: %u processes of other users "
			 "could not be looked into (run as root)", w->hidden);
	else
		snprintf(buf, size, "no process seen");
	return buf;
}

/* Prints the lines under a heading, indented. */
static void lines(const char *heading, const char (*l)[WHY_LINE], size_t n)
{
	size_t i;

	if (n)
		printf("%s\n", heading);
	for (i = 0; i < n; i++)
		printf("  %s\n", l[i]);
}

void why_print_text(const struct why *w)
{
	const struct wk_result *r = w->walk;
	char buf[1024], why[256], acl[512];
	size_t i;

	printf("%s: %s (%u) %s connect to %s: %s\n",
	       verdict_word[w->verdict], w->user_name, (unsigned)w->user.uid,
	       w->verdict == WHY_YES ? "can" : w->verdict == WHY_NO
	       ? "cannot" : "may or may not", w->path, w->reason);
	printf("\nuser %s (%u), group %s (%u), supplementary groups: %s\n",
	       w->user_name, (unsigned)w->user.uid, w->group_name,
	       (unsigned)w->user.gid, groups_text(&w->user, buf, sizeof buf));
	printf("directories searched (each needs search permission, x):\n");
	for (i = 0; i < r->nsteps; i++) {
		const struct wk_step *s = &r->steps[i];

		ac_describe(&s->v, AC_EXEC, why, sizeof why);
		ac_acl_text(&s->ino, acl, sizeof acl);
		printf("  %s  %s  search: %s (%s)%s%s\n", s->path,
		       stat_text(&s->ino, buf, sizeof buf),
		       s->v.allowed ? "yes" : "NO", why, acl[0] ? "  acl: " : "",
		       acl);
	}
	for (i = 0; i < r->nlinks && i < 8; i++)
		printf("symlink followed: %s\n", r->links[i]);
	if (r->end == WK_FOUND) {
		ac_describe(&r->v, AC_WRITE, why, sizeof why);
		ac_acl_text(&r->ino, acl, sizeof acl);
		printf("%s %s: %s  write: %s (%s)%s%s\n",
		       S_ISSOCK(r->st.st_mode) ? "socket file" : "not a socket:",
		       r->name, stat_text(&r->ino, buf, sizeof buf),
		       r->v.allowed ? "yes" : "NO", why,
		       acl[0] ? "  acl: " : "", acl);
	} else {
		printf("stopped at %s: %s\n", r->where, strerror(r->err));
	}
	if (w->bound)
		printf("bound: %s (socket inode %u), held by %s\n",
		       dg_state(&w->sock), w->sock.ino,
		       holder_text(w, buf, sizeof buf));
	else if (r->end == WK_FOUND && S_ISSOCK(r->st.st_mode) && !w->diag_err)
		printf("bound: nothing (stale socket file)\n");
	if (w->checked)
		printf("checked for real (a child as %s called connect()): "
		       "%s%s%s\n", w->user_name,
		       w->check_err ? strerrorname_np(w->check_err)
		       : "connected", w->check_err ? ", " : "",
		       w->check_err ? strerror(w->check_err) : "");
	else if (!w->invoker_root && !w->self)
		printf("not checked for real (only root can connect() as "
		       "another user): the verdict is from the bits\n");
	for (i = 0; i < w->nnotes; i++)
		printf("note: %s\n", w->notes[i]);
	lines("fix now:", w->now, w->nnow);
	lines("fix for good (at the next start):", w->good, w->ngood);
}

/* An inode's facts as JSON members. */
static void js_inode(struct js *j, const struct ac_inode *ino)
{
	char buf[512];

	snprintf(buf, sizeof buf, "%04o", (unsigned)(ino->mode & 07777));
	js_str(j, "mode", buf);
	js_str(j, "owner", ac_user_name(ino->uid, buf, sizeof buf));
	js_str(j, "group", ac_group_name(ino->gid, buf, sizeof buf));
	ac_acl_text(ino, buf, sizeof buf);
	js_str(j, "acl", buf[0] ? buf : NULL);
}

/* An array of lines. */
static void js_lines(struct js *j, const char *key, const char (*l)[WHY_LINE],
		     size_t n)
{
	size_t i;

	js_open(j, key, '[');
	for (i = 0; i < n; i++)
		js_str(j, NULL, l[i]);
	js_close(j, ']');
}

void why_print_json(const struct why *w)
{
	const struct wk_result *r = w->walk;
	struct js j = { .f = stdout };
	char why[256];
	size_t i;

	js_open(&j, NULL, '{');
	js_str(&j, "path", w->path);
	js_str(&j, "verdict", verdict_word[w->verdict]);
	js_str(&j, "reason", w->reason);
	js_open(&j, "user", '{');
	js_num(&j, "uid", w->user.uid);
	js_str(&j, "name", w->user_name);
	js_num(&j, "gid", w->user.gid);
	js_open(&j, "groups", '[');
	for (i = 0; i < w->user.ngroups; i++)
		js_num(&j, NULL, w->user.groups[i]);
	js_close(&j, ']');
	js_close(&j, '}');
	js_open(&j, "directories", '[');
	for (i = 0; i < r->nsteps; i++) {
		js_open(&j, NULL, '{');
		js_str(&j, "path", r->steps[i].path);
		js_inode(&j, &r->steps[i].ino);
		js_bool(&j, "search", r->steps[i].v.allowed);
		ac_describe(&r->steps[i].v, AC_EXEC, why, sizeof why);
		js_str(&j, "why", why);
		js_close(&j, '}');
	}
	js_close(&j, ']');
	js_open(&j, "symlinks", '[');
	for (i = 0; i < r->nlinks && i < 8; i++)
		js_str(&j, NULL, r->links[i]);
	js_close(&j, ']');
	js_open(&j, "file", '{');
	js_bool(&j, "exists", r->end == WK_FOUND);
	if (r->end == WK_FOUND) {
		js_str(&j, "name", r->name);
		js_bool(&j, "socket", S_ISSOCK(r->st.st_mode));
		js_inode(&j, &r->ino);
		js_bool(&j, "write", r->v.allowed);
		ac_describe(&r->v, AC_WRITE, why, sizeof why);
		js_str(&j, "why", why);
	} else {
		js_str(&j, "stopped_at", r->where);
		js_str(&j, "error", strerrorname_np(r->err));
	}
	js_close(&j, '}');
	js_open(&j, "bound", '{');
	js_bool(&j, "bound", w->bound);
	if (w->bound) {
		js_str(&j, "state", dg_state(&w->sock));
		js_num(&j, "pid", w->sock.pid);
		if (w->sock.pid) {
			js_str(&j, "command", w->sock.comm);
			js_num(&j, "uid", w->sock.pid_uid);
			js_str(&j, "cmdline", w->sock.cmdline);
		}
	}
	js_num(&j, "hidden_processes", w->hidden);
	js_close(&j, '}');
	js_bool(&j, "checked", w->checked);
	if (w->checked)
		js_str(&j, "connect", w->check_err
		       ? strerrorname_np(w->check_err) : "ok");
	js_lines(&j, "notes", w->notes, w->nnotes);
	js_lines(&j, "fix_now", w->now, w->nnow);
	js_lines(&j, "fix_for_good", w->good, w->ngood);
	js_close(&j, '}');
}
