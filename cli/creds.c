/* creds.c - the supervised thread's credentials and umask, read from its
 * /proc status, and the supervisor taking them on around a bind and
 * getting its own back (SPEC 7). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "super.h"

static struct sup_ident self;		/* our own credentials */
static struct __user_cap_data_struct self_caps[2];
static gid_t self_groups[SUP_MAX_GROUPS];
static char status_buf[1 << 20];	/* a status with 65536 groups fits */

/* The text after "KEY:" at the start of a line of buf, blanks skipped;
 * NULL when there is no such line. */
static const char *status_field(const char *buf, const char *key)
{
	size_t n = strlen(key);
	const char *p = buf;

	while (p && *p) {
		if (strncmp(p, key, n) == 0 && p[n] == ':') {
			p += n + 1;
			return p + strspn(p, " \t");
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

/* Reads the index-th (from 0) number of the blank-separated list at p,
 * in base, into *out. Returns 0, or -1 when there is none. */
static int nth_number(const char *p, int index, int base,
		      unsigned long long *out)
{
	char *end;
	int i;

	if (!p)
		return -1;
	for (i = 0;; i++) {
		p += strspn(p, " \t");
		if (*p < '0' || *p > 'f')
			return -1;
		errno = 0;
		*out = strtoull(p, &end, base);
		if (end == p || errno)
			return -1;
		if (i == index)
			return 0;
		p = end;
	}
}

int sup_read_status(int dirfd, struct sup_thread *t, gid_t *groups)
{
	unsigned long long v;
	const char *p;
	size_t len = 0;
	ssize_t n = 0;
	int fd = openat(dirfd, "status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (len < sizeof status_buf - 1) {
		n = read(fd, status_buf + len, sizeof status_buf - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (n < 0)
		return -1;
	status_buf[len] = '\0';

	t->id.groups = groups;
	t->id.ngroups = 0;
	if (nth_number(status_field(status_buf, "Tgid"), 0, 10, &v) < 0)
		goto bad;
	t->tgid = (pid_t)v;
	if (nth_number(status_field(status_buf, "Umask"), 0, 8, &v) < 0)
		goto bad;
	t->umask = (mode_t)(v & 0777);
	if (nth_number(status_field(status_buf, "Uid"), 3, 10, &v) < 0)
		goto bad;
	t->id.fsuid = (uid_t)v;
	if (nth_number(status_field(status_buf, "Gid"), 3, 10, &v) < 0)
		goto bad;
	t->id.fsgid = (gid_t)v;
	if (nth_number(status_field(status_buf, "CapEff"), 0, 16, &v) < 0)
		goto bad;
	t->id.capeff = v;
	p = status_field(status_buf, "Groups");
	if (!p)
		goto bad;
	while (t->id.ngroups < SUP_MAX_GROUPS &&
	       nth_number(p, 0, 10, &v) == 0) {
		groups[t->id.ngroups++] = (gid_t)v;
		p += strspn(p, " \t");
		p += strspn(p, "0123456789");
	}
	return 0;
bad:
	errno = EPROTO;
	return -1;
}

int sup_creds_init(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct sup_thread me;
	int dirfd = open("/proc/thread-self", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (dirfd < 0)
		return -1;
	rc = sup_read_status(dirfd, &me, self_groups);
	close(dirfd);
	if (rc < 0 || syscall(SYS_capget, &h, self_caps) < 0)
		return -1;
	self = me.id;
	return 0;
}

int sup_same_ident(const struct sup_ident *a)
{
	const struct sup_ident *b = &self;

	return a->fsuid == b->fsuid && a->fsgid == b->fsgid &&
	       a->capeff == b->capeff && a->ngroups == b->ngroups &&
	       memcmp(a->groups, b->groups, a->ngroups * sizeof *a->groups)
		       == 0;
}

/* Sets our effective capabilities to eff, as far as we hold them
 * (permitted). Returns 0, or -1 with errno. */
static int set_effective(uint64_t eff)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memcpy(d, self_caps, sizeof d);
	d[0].effective = (uint32_t)eff & d[0].permitted;
	d[1].effective = (uint32_t)(eff >> 32) & d[1].permitted;
	return (int)syscall(SYS_capset, &h, d);
}

/* Sets our file-system uid and gid. Returns 0, or -1 with errno EPERM
 * (setfsuid reports nothing: read back). */
static int set_fsids(uid_t uid, gid_t gid)
{
	setfsgid(gid);
	setfsuid(uid);
	if ((gid_t)setfsgid((gid_t)-1) != gid ||
	    (uid_t)setfsuid((uid_t)-1) != uid) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

int sup_become(const struct sup_ident *who)
{
	if ((who->ngroups != self.ngroups ||
	     memcmp(who->groups, self.groups,
		    who->ngroups * sizeof *who->groups) != 0) &&
	    setgroups(who->ngroups, who->groups) < 0)
		return -1;
	if (set_fsids(who->fsuid, who->fsgid) < 0)
		return -1;
	/* Last: a non-zero fsuid dropped the file capabilities; this sets
	 * exactly the program's (what of them we hold). */
	return set_effective(who->capeff);
}

void sup_restore(void)
{
	/* Capabilities first: setfsuid() and setgroups() need ours. */
	if (set_effective(self.capeff) < 0 ||
	    set_fsids(self.fsuid, self.fsgid) < 0 ||
	    setgroups(self.ngroups, self.groups) < 0 ||
	    set_effective(self.capeff) < 0) {
		char ebuf[32];

		sm_log(SM_LOG_ERROR, "supervisor: cannot get its own "
		       "credentials back: %s; exiting",
		       sm_strerror(errno, ebuf, sizeof ebuf));
		_exit(111);
	}
}
