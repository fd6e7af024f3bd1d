/* prove.c - the sock_diag proof that a path is the socket's own inode. */
#include "prove.h"

#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/stat.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

int sm_diag_ask(int nl, unsigned ino, unsigned show)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg = {
		.nlh = {
			.nlmsg_len = sizeof msg,
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | (ino ? 0 : NLM_F_DUMP),
		},
		.req = {
			.sdiag_family = AF_UNIX,
			.udiag_states = ino ? 0 : ~0U,
			.udiag_ino = ino,
			.udiag_show = show,
			.udiag_cookie = { ~0U, ~0U },
		},
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	return sendto(nl, &msg, sizeof msg, 0, (struct sockaddr *)&kernel,
		      sizeof kernel) < 0 ? -1 : 0;
}

/*
 * Sends the request for socket inode ino on the netlink socket nl and
 * reads the answer's UNIX_DIAG_VFS into *vfs. Returns 0, or -1 with errno
 * (EACCES when the socket is not bound to a file).
 */
static int ask(int nl, unsigned ino, struct unix_diag_vfs *vfs)
{
	union {
		char bytes[1024];
		struct nlmsghdr align;
	} buf;
	struct nlmsghdr *h;
	ssize_t n;

	if (sm_diag_ask(nl, ino, UDIAG_SHOW_VFS) < 0)
		return -1;
	/* The kernel queues its answer before sendto() returns. */
	do
		n = recv(nl, buf.bytes, sizeof buf.bytes, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	for (h = &buf.align; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
		struct unix_diag_msg *m = NLMSG_DATA(h);
		struct rtattr *a;
		unsigned len;

		if (h->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(h);

			errno = e->error ? -e->error : EPROTO;
			return -1;
		}
		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
		    h->nlmsg_len < NLMSG_LENGTH(sizeof *m) ||
		    m->udiag_ino != ino)
			continue;
		len = h->nlmsg_len - NLMSG_LENGTH(sizeof *m);
		for (a = (struct rtattr *)(m + 1); RTA_OK(a, len);
		     a = RTA_NEXT(a, len)) {
			if (a->rta_type == UNIX_DIAG_VFS &&
			    RTA_PAYLOAD(a) >= sizeof *vfs) {
				memcpy(vfs, RTA_DATA(a), sizeof *vfs);
				return 0;
			}
		}
	}
	errno = EACCES;	/* bound to no file, or no answer about it */
	return -1;
}

int sm_prove_bound(ino_t sock_ino, const struct stat *st)
{
	struct unix_diag_vfs vfs;
	int nl, rc, saved;

	nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0)
		return -1;
	rc = ask(nl, (unsigned)sock_ino, &vfs);
	saved = errno;
	close(nl);
	errno = saved;
	if (rc < 0)
		return -1;
	/* The kernel reports a 32-bit inode and its internal device
	 * encoding: major in the high 12 bits, minor in the low 20. */
	if (vfs.udiag_vfs_ino != (unsigned)st->st_ino ||
	    vfs.udiag_vfs_dev >> 20 != major(st->st_dev) ||
	    (vfs.udiag_vfs_dev & 0xfffff) != minor(st->st_dev)) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

int sm_prove_newborn(int fd, const struct stat *st, int born_closed,
		     const struct timespec *born_after)
{
	struct statx stx;
	/* No second link; none at all once another name was renamed
	 * over it since it was opened: still ours, and harmless. */
	if (st->st_nlink > 1 || st->st_uid != sm_fsuid() ||
	    (born_closed && (st->st_mode & 07777) != 0))
		goto no;
	if (syscall(SYS_statx, fd, "", AT_EMPTY_PATH | AT_STATX_SYNC_AS_STAT,
		    STATX_BTIME, &stx) == 0 && (stx.stx_mask & STATX_BTIME) &&
	    (stx.stx_btime.tv_sec < born_after->tv_sec ||
	     (stx.stx_btime.tv_sec == born_after->tv_sec &&
	      stx.stx_btime.tv_nsec < (unsigned)born_after->tv_nsec)))
		goto no;
	return 1;
no:
	errno = EACCES;
	return 0;
}
