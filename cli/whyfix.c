/* whyfix.c - what --why suggests: the chmod/chgrp/setfacl that fixes it
 * now, and the sockmode command line or rules-file line that fixes it
 * at the next start (issue 16). */
#include <string.h>
#include <sys/socket.h>

#include "why.h"

/* The command to put after "sockmode ... --": the holder's command line
 * when it is visible, else COMMAND. */
static const char *command(const struct why *w)
{
	return w->bound && w->sock.cmdline[0] ? w->sock.cmdline : "COMMAND";
}

/* The fixes for a directory USER may not search (step s). */
static void fix_dir(struct why *w, const struct wk_step *s, int parent)
{
	const struct ac_verdict *v = &s->v;
	char bits[4];

	if (v->masked)
		why_add(w->now, &w->nnow, "setfacl -m m::%s %s",
			ac_rwx(v->mask | 1, bits), s->path);
	else if (v->by == AC_BY_USER || v->by == AC_BY_GROUPS_ONLY)
		why_add(w->now, &w->nnow, "setfacl -m u:%s:%s %s",
			w->user_name, ac_rwx(v->perm | 1, bits), s->path);
	else
		why_add(w->now, &w->nnow, "chmod %c+x %s",
			v->by == AC_BY_OWNER ? 'u' : v->by == AC_BY_GROUP
			? 'g' : 'o', s->path);
	if (parent)
		why_add(w->good, &w->ngood, "the directory keeps its mode; "
			"if sockmode makes it (below /run, /var/run, /tmp, "
			"/var/tmp, /dev/shm): sockmode --dirmode=0755 "
			"--dirfix=yes -- %s", command(w));
}

/* The fixes for a socket file USER may not write. */
static void fix_socket(struct why *w)
{
	const struct wk_result *r = w->walk;
	const struct ac_verdict *v = &r->v;
	char bits[4], group[64];

	if (v->masked) {
		why_add(w->now, &w->nnow, "setfacl -m m::%s %s",
			ac_rwx(v->mask | 2, bits), r->name);
	} else if (v->by == AC_BY_OWNER) {
		why_add(w->now, &w->nnow, "chmod u+w %s", r->name);
		why_add(w->good, &w->ngood, "sockmode -m 0600 -- %s",
			command(w));
		why_add(w->good, &w->ngood, "rules-file line: %s mode=0600",
			r->name);
		return;
	} else if (v->by == AC_BY_GROUP) {
		ac_group_name(r->st.st_gid, group, sizeof group);
		why_add(w->now, &w->nnow, "chmod g+w %s", r->name);
		why_add(w->good, &w->ngood, "sockmode -m 0660 -g %s -- %s",
			group, command(w));
		why_add(w->good, &w->ngood, "rules-file line: %s mode=0660 "
			"group=%s", r->name, group);
		return;
	} else if (v->by == AC_BY_OTHER) {
		why_add(w->now, &w->nnow, "chmod o+w %s   (everyone)",
			r->name);
		why_add(w->good, &w->ngood, "sockmode -m 0666 -- %s",
			command(w));
		why_add(w->good, &w->ngood, "rules-file line: %s mode=0666",
			r->name);
		/* Only the user's group: not root's, nor the overflow
		 * group nogroup (65534) that unrelated users share. */
		if (w->user.uid != 0 && w->user.gid != 0 &&
		    w->user.gid != 65534) {
			why_add(w->now, &w->nnow, "chgrp %s %s && chmod g+w %s"
				"   (only group %s)", w->group_name, r->name,
				r->name, w->group_name);
			why_add(w->good, &w->ngood, "sockmode -m 0660 -g %s "
				"-- %s", w->group_name, command(w));
		}
	}
	why_add(w->now, &w->nnow, "setfacl -m u:%s:rw %s   (only %s)",
		w->user_name, r->name, w->user_name);
	why_add(w->good, &w->ngood, "sockmode --acl=u:%s:rw -- %s",
		w->user_name, command(w));
}

/* The fixes when the socket file is there but connect() is refused. */
static void fix_bound(struct why *w)
{
	const struct wk_result *r = w->walk;

	if (!w->bound) {
		why_add(w->now, &w->nnow, "nothing uses %s: rm %s, then "
			"start the server", r->name, r->name);
		why_add(w->good, &w->ngood, "sockmode --stale=unlink -- "
			"COMMAND   (a crashed server's file is removed at the "
			"next start)");
		why_add(w->good, &w->ngood, "rules-file line: %s stale=unlink",
			r->name);
	} else if (w->sock.type != SOCK_DGRAM && w->sock.state != 10) {
		why_add(w->now, &w->nnow, "the server (%s) has bound %s but "
			"not called listen(): wait for it, or look at the "
			"server", command(w), r->name);
	}
}

void why_fixes(struct why *w)
{
	const struct wk_result *r = w->walk;
	size_t i;

	if (w->verdict == WHY_YES || w->verdict == WHY_UNKNOWN)
		return;
	if (w->checked && w->check_err && r->blocked < 0 &&
	    r->end == WK_FOUND && S_ISSOCK(r->st.st_mode) && r->v.allowed &&
	    w->bound) {
		why_add(w->now, &w->nnow, "look at the security module's "
			"log: journalctl -k | grep -i -e apparmor -e avc");
		return;
	}
	for (i = 0; i < r->nsteps; i++)
		if (!r->steps[i].v.allowed)
			fix_dir(w, &r->steps[i], r->end == WK_FOUND &&
				i + 1 == r->nsteps);
	if (r->end == WK_MISSING) {
		why_add(w->now, &w->nnow, "start the server, or check the "
			"path: %s does not exist here (another mount "
			"namespace? PrivateTmp=?)", r->where);
	} else if (r->end == WK_NOTDIR || r->end == WK_LOOP) {
		why_add(w->now, &w->nnow, "check the path at %s", r->where);
	} else if (r->end == WK_FOUND && !S_ISSOCK(r->st.st_mode)) {
		why_add(w->now, &w->nnow, "no socket is there: remove %s if "
			"nothing needs it (a server's bind() there fails with "
			"EADDRINUSE), then start the server", r->name);
	} else if (r->end == WK_FOUND) {
		if (!r->v.allowed)
			fix_socket(w);
		fix_bound(w);
	}
}
