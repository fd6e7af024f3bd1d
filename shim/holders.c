/* holders.c - which processes still hold a bound socket: sock_diag for
 * the sockets bound to a file, /proc/PID/fd for their holders. */
#include "holders.h"
#include "prove.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "log.h"

#define MAX_SOCKS 16	/* sockets bound to one file: one, in practice */

/* The sockfs inodes of the sockets bound to one file. */
struct socks {
	unsigned ino[MAX_SOCKS];
	unsigned n;
	int more;	/* more than MAX_SOCKS: judged held */
};

/* Adds the socket m describes to s when its UNIX_DIAG_VFS is (dev, ino)
 * in the kernel's encoding. */
static void consider(const struct nlmsghdr *h, unsigned dev, unsigned ino,
		     struct socks *s)
{
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	const struct rtattr *a;
	unsigned len;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof *m))
		return;
	len = h->nlmsg_len - NLMSG_LENGTH(sizeof *m);
	for (a = (const struct rtattr *)(m + 1); RTA_OK(a, len);
	     a = RTA_NEXT(a, len)) {
		struct unix_diag_vfs vfs;

		if (a->rta_type != UNIX_DIAG_VFS ||
		    RTA_PAYLOAD(a) < sizeof vfs)
			continue;
		memcpy(&vfs, RTA_DATA(a), sizeof vfs);
		if (vfs.udiag_vfs_ino != ino || vfs.udiag_vfs_dev != dev)
			return;
		if (s->n < MAX_SOCKS)
			s->ino[s->n++] = m->udiag_ino;
		else
			s->more = 1;
		return;
	}
}

/*
 * Fills s with the sockets bound to the file st, from a sock_diag dump
 * of every Unix socket of this network namespace. Returns 0, or -1 with
 * errno.
 */
static int bound_to(const struct stat *st, struct socks *s)
{
	union {
		char bytes[8192];
		struct nlmsghdr align;
	} buf;
	/* The kernel's device encoding: major high 12 bits, minor low 20. */
	unsigned dev = (unsigned)(major(st->st_dev) << 20 | minor(st->st_dev));
	int nl, rc = -1, err;

	s->n = 0;
	s->more = 0;
	nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0)
		return -1;
	if (sm_diag_ask(nl, 0, UDIAG_SHOW_VFS) < 0)
		goto out;
	for (;;) {
		ssize_t n = recv(nl, buf.bytes, sizeof buf.bytes, 0);
		struct nlmsghdr *h;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		for (h = &buf.align; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				rc = 0;
				goto out;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				errno = e->error ? -e->error : EPROTO;
				goto out;
			}
			if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY)
				consider(h, dev, (unsigned)st->st_ino, s);
		}
	}
out:
	err = errno;
	close(nl);
	errno = err;
	return rc;
}

/* The decimal number name (digits only) or -1. */
static int number(const char *name)
{
	int v = 0;

	if (!*name)
		return -1;
	for (; *name; name++) {
		if (*name < '0' || *name > '9' || v > 100000000)
			return -1;
		v = v * 10 + (*name - '0');
	}
	return v;
}

/* Nonzero when link (a /proc fd link's text, n bytes) is "socket:[I]"
 * for one of s's inodes. */
static int is_one_of(const char *link, ssize_t n, const struct socks *s)
{
	unsigned long v = 0;
	ssize_t i;
	unsigned k;

	if (n < 10 || memcmp(link, "socket:[", 8) != 0 || link[n - 1] != ']')
		return 0;
	for (i = 8; i < n - 1; i++) {
		if (link[i] < '0' || link[i] > '9')
			return 0;
		v = v * 10 + (unsigned long)(link[i] - '0');
	}
	for (k = 0; k < s->n; k++)
		if (s->ino[k] == v)
			return 1;
	return 0;
}

/* A directory read with raw getdents64 into a stack buffer. */
struct dents {
	int fd;
	long n, off;
	union {
		char bytes[4096];
		long align;
	} buf;
};

/* The next entry's name of d (not "." nor ".."), or NULL at the end or
 * on an error. */
static const char *next_name(struct dents *d)
{
	for (;;) {
		const char *e;
		unsigned short reclen;

		if (d->off >= d->n) {
			d->n = syscall(SYS_getdents64, d->fd, d->buf.bytes,
				       sizeof d->buf.bytes);
			d->off = 0;
			if (d->n <= 0)
				return NULL;
		}
		/* struct linux_dirent64: ino, off, reclen, type, name */
		e = d->buf.bytes + d->off;
		memcpy(&reclen, e + 16, sizeof reclen);
		d->off += reclen;
		if (e[19] != '.')
			return e + 19;
	}
}

/* Nonzero when the fd table /proc/PID/fd (open as dir) holds one of s. */
static int table_holds(int dir, const struct socks *s)
{
	struct dents d = { .fd = dir };
	const char *name;

	while ((name = next_name(&d))) {
		char link[64];
		ssize_t len = readlinkat(dir, name, link, sizeof link);

		if (len > 0 && is_one_of(link, len, s))
			return 1;
	}
	return 0;
}

/* Searches every /proc/PID/fd but self's. Returns 1 with *pid, 0, or -1
 * when /proc cannot be read. */
static int scan_proc(const struct socks *s, int self, int *pid)
{
	struct dents d = { .fd = open("/proc", O_RDONLY | O_DIRECTORY |
				      O_CLOEXEC) };
	const char *name;
	int held = 0;

	if (d.fd < 0)
		return -1;
	while (!held && (name = next_name(&d))) {
		char path[32];
		int p = number(name), fds;

		if (p <= 0 || p == self)
			continue;
		sm_format(path, sizeof path, "%d/fd", p);
		fds = openat(d.fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fds < 0)
			continue;	/* gone, or not ours to see */
		held = table_holds(fds, s);
		close(fds);
		if (held)
			*pid = p;
	}
	close(d.fd);
	return held ? 1 : d.n < 0 ? -1 : 0;
}

int sm_held_elsewhere(const struct stat *st, int *pid)
{
	struct socks s;
	char self[16];
	ssize_t n;
	int saved = errno, rc;

	*pid = 0;
	if (bound_to(st, &s) < 0) {
		errno = saved;
		return -1;
	}
	if (s.more) {
		errno = saved;
		return 1;
	}
	if (s.n == 0) {
		errno = saved;
		return 0;	/* nothing is bound to the file at all */
	}
	/* Our pid as this /proc counts it (its pid namespace). */
	n = readlink("/proc/self", self, sizeof self - 1);
	if (n <= 0) {
		errno = saved;
		return -1;
	}
	self[n] = '\0';
	rc = scan_proc(&s, number(self), pid);
	errno = saved;
	return rc;
}
