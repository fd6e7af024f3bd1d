/* diag.c - the sock_diag dump of the Unix sockets bound to files, and
 * the processes that hold them (issue 16). The request has the shape of
 * shim/prove.c's, as a dump (NLM_F_DUMP) of every state. */
#include "diag.h"
#include "prove.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

/* Sends the dump request on nl. Returns 0, or -1 with errno. */
static int request(int nl)
{
	return sm_diag_ask(nl, 0, UDIAG_SHOW_NAME | UDIAG_SHOW_VFS);
}

/* Adds the socket of message m (len bytes of attributes) to l when it is
 * bound to a path. Returns 0, or -1 with errno ENOMEM. */
static int add(struct dg_list *l, size_t *cap, const struct unix_diag_msg *m,
	       unsigned len)
{
	struct dg_sock s = { .ino = m->udiag_ino, .type = m->udiag_type,
			     .state = m->udiag_state };
	const struct rtattr *a;

	for (a = (const struct rtattr *)(m + 1); RTA_OK(a, len);
	     a = RTA_NEXT(a, len)) {
		size_t n = RTA_PAYLOAD(a);

		if (a->rta_type == UNIX_DIAG_VFS &&
		    n >= sizeof(struct unix_diag_vfs)) {
			const struct unix_diag_vfs *v = RTA_DATA(a);

			s.vfs_ino = v->udiag_vfs_ino;
			s.vfs_dev = v->udiag_vfs_dev;
			s.has_vfs = 1;
		} else if (a->rta_type == UNIX_DIAG_NAME && n > 0 &&
			   *(const char *)RTA_DATA(a) != 0) {
			if (n >= sizeof s.path)
				n = sizeof s.path - 1;
			memcpy(s.path, RTA_DATA(a), n);
			s.path[n] = 0;
		}
	}
	if (!s.has_vfs || !s.path[0])
		return 0;	/* abstract or unnamed */
	/* A connected stream socket with the file's name is one end of a
	 * connection (an accepted socket shares its listener's address):
	 * the file is the listener's. */
	if (s.type != SOCK_DGRAM && s.state == 1)	/* TCP_ESTABLISHED */
		return 0;
	if (l->n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 64;
		struct dg_sock *p = realloc(l->s, ncap * sizeof *p);

		if (!p)
			return -1;
		l->s = p;
		*cap = ncap;
	}
	l->s[l->n++] = s;
	return 0;
}

/* Orders sockets by their own inode, for dg_holders()' search. */
static int by_ino(const void *a, const void *b)
{
	unsigned x = ((const struct dg_sock *)a)->ino;
	unsigned y = ((const struct dg_sock *)b)->ino;

	return x < y ? -1 : x > y;
}

int dg_dump(struct dg_list *l)
{
	static union {
		char bytes[32768];
		struct nlmsghdr align;
	} buf;
	size_t cap = 0;
	int nl, saved, done = 0;

	memset(l, 0, sizeof *l);
	nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0)
		return -1;
	if (request(nl) < 0)
		goto fail;
	while (!done) {
		struct nlmsghdr *h;
		ssize_t n = recv(nl, buf.bytes, sizeof buf.bytes, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		for (h = &buf.align; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			const struct unix_diag_msg *m = NLMSG_DATA(h);

			if (h->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				errno = e->error ? -e->error : EPROTO;
				goto fail;
			}
			if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
			    h->nlmsg_len < NLMSG_LENGTH(sizeof *m))
				continue;
			if (add(l, &cap, m, (unsigned)(h->nlmsg_len -
					NLMSG_LENGTH(sizeof *m))) < 0)
				goto fail;
		}
	}
	close(nl);
	if (l->n)
		qsort(l->s, l->n, sizeof *l->s, by_ino);
	return 0;
fail:
	saved = errno;
	close(nl);
	dg_free(l);
	errno = saved;
	return -1;
}

void dg_free(struct dg_list *l)
{
	free(l->s);
	l->s = NULL;
	l->n = 0;
}

struct dg_sock *dg_find(const struct dg_list *l, const struct stat *st)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->s[i].vfs_ino == (unsigned)st->st_ino &&
		    l->s[i].vfs_dev >> 20 == major(st->st_dev) &&
		    (l->s[i].vfs_dev & 0xfffff) == minor(st->st_dev))
			return &l->s[i];
	return NULL;
}

/* Reads the real uid, the command name and the command line of the
 * process whose /proc directory is open as pfd into s. */
static void owner_of(int pfd, struct dg_sock *s)
{
	char buf[4096], *p;
	ssize_t n, i;
	int fd;

	fd = openat(pfd, "cmdline", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, s->cmdline, sizeof s->cmdline - 1);
		close(fd);
		for (i = 0; i < n - 1; i++)	/* NULs and newlines */
			if ((unsigned char)s->cmdline[i] < 0x20)
				s->cmdline[i] = ' ';
		s->cmdline[n > 0 ? n : 0] = 0;
	}

	fd = openat(pfd, "comm", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, s->comm, sizeof s->comm - 1);
		s->comm[n > 0 ? n : 0] = 0;
		s->comm[strcspn(s->comm, "\n")] = 0;
		close(fd);
	}
	fd = openat(pfd, "status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	p = strstr(buf, "\nUid:");
	if (p)
		s->pid_uid = (uid_t)strtoul(p + 5, NULL, 10);
}

/* Looks at the fds of the process whose /proc directory is open as pfd
 * (pid): marks the sockets of l it holds. Returns -1 when its fds could
 * not be read, else 0. */
static int scan_process(struct dg_list *l, int pfd, pid_t pid)
{
	struct dirent *e;
	DIR *d;
	int fd = openat(pfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		char link[64], *end;
		struct dg_sock key, *s;
		ssize_t n;

		n = readlinkat(dirfd(d), e->d_name, link, sizeof link - 1);
		if (n <= 8 || memcmp(link, "socket:[", 8) != 0)
			continue;
		link[n] = 0;
		key.ino = (unsigned)strtoul(link + 8, &end, 10);
		if (strcmp(end, "]") != 0)
			continue;
		s = bsearch(&key, l->s, l->n, sizeof *l->s, by_ino);
		if (!s)
			continue;
		if (s->nholders++ == 0) {
			s->pid = pid;
			owner_of(pfd, s);
		} else if (s->pid == pid) {
			s->nholders--;	/* the same process, another fd */
		}
	}
	closedir(d);
	return 0;
}

void dg_holders(struct dg_list *l)
{
	struct dirent *e;
	DIR *proc = opendir("/proc");

	l->hidden = 0;
	if (!proc)
		return;
	while ((e = readdir(proc)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		int pfd;

		if (*end || pid <= 0)
			continue;
		pfd = openat(dirfd(proc), e->d_name,
			     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pfd < 0)
			continue;	/* gone */
		if (scan_process(l, pfd, (pid_t)pid) < 0)
			l->hidden++;
		close(pfd);
	}
	closedir(proc);
}

/* The directories dg_scan_stale() has been in, to see each once. */
struct seen {
	size_t n;
	dev_t dev[64];
	ino_t ino[64];
};

/* Nonzero when the directory st was seen; else records it. */
static int seen_before(struct seen *v, const struct stat *st)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (v->dev[i] == st->st_dev && v->ino[i] == st->st_ino)
			return 1;
	if (v->n < 64) {
		v->dev[v->n] = st->st_dev;
		v->ino[v->n++] = st->st_ino;
	}
	return 0;
}

unsigned dg_scan_stale(const struct dg_list *l,
		       void (*found)(void *ctx, const char *path,
				     const struct stat *st),
		       void *ctx)
{
	static const char *const roots[] = { "/run", "/tmp", "/var/run" };
	enum { DEPTH = 6 };
	/* The directories being read, from a root down: a stack, not
	 * recursion; each opened relative to the one above. */
	static struct {
		DIR *d;
		char path[PATH_MAX];
	} stack[DEPTH];
	struct seen seen = { 0 };
	char path[PATH_MAX];
	unsigned unreadable = 0;
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof roots / sizeof roots[0]; i++) {
		int top = 0, fd = open(roots[i], O_RDONLY | O_DIRECTORY |
				       O_CLOEXEC);

		if (fd < 0)
			continue;
		if (fstat(fd, &st) < 0 || seen_before(&seen, &st) ||
		    !(stack[0].d = fdopendir(fd))) {
			close(fd);
			continue;
		}
		snprintf(stack[0].path, sizeof stack[0].path, "%s", roots[i]);
		while (top >= 0) {
			struct dirent *e = readdir(stack[top].d);
			DIR *sub;
			int n;

			if (!e) {
				closedir(stack[top--].d);
				continue;
			}
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
			    fstatat(dirfd(stack[top].d), e->d_name, &st,
				    AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			n = snprintf(path, sizeof path, "%s/%s",
				     stack[top].path, e->d_name);
			if (n < 0 || (size_t)n >= sizeof path)
				continue;
			if (S_ISSOCK(st.st_mode) && !dg_find(l, &st))
				found(ctx, path, &st);
			if (!S_ISDIR(st.st_mode) || top + 1 >= DEPTH ||
			    seen_before(&seen, &st))
				continue;
			fd = openat(dirfd(stack[top].d), e->d_name, O_RDONLY |
				    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			sub = fd < 0 ? NULL : fdopendir(fd);
			if (!sub) {
				if (fd >= 0)
					close(fd);
				unreadable++;
				continue;
			}
			stack[++top].d = sub;
			memcpy(stack[top].path, path, (size_t)n + 1);
		}
	}
	return unreadable;
}

const char *dg_state(const struct dg_sock *s)
{
	const int listening = s->state == 10;	/* TCP_LISTEN */

	switch (s->type) {
	case SOCK_STREAM:
		return listening ? "listening stream"
				 : "stream, bound but not listening";
	case SOCK_SEQPACKET:
		return listening ? "listening seqpacket"
				 : "seqpacket, bound but not listening";
	case SOCK_DGRAM:
		return "datagram";
	default:
		return "socket of an unknown type";
	}
}
