/*
 * alts.c - cheaper ways to do parts of a matching bind, each timed next
 * to the way libsockmode.so does it now, on the same freshly bound
 * socket file, in the same iteration. No library involved: this is the
 * evidence for the suggestions in RESULTS.md, not a measure of the
 * library (bindloop-tc measures the library's own calls).
 *
 *   alts [-n ITERS] PATH
 *
 * Prints one line per measured way: "GROUP<tab>WAY<tab>MEDIAN-NS", the timer's
 * own cost already taken off; a way that cannot work here prints its
 * errno text in place of the number.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/sockios.h>
#include <linux/unix_diag.h>

#ifndef SIOCUNIXFILE
#define SIOCUNIXFILE (SIOCPROTOPRIVATE + 0)	/* <linux/un.h> */
#endif
#ifndef SYS_removexattrat
#define SYS_removexattrat 466	/* Linux >= 6.13 */
#endif

#define MAXWAYS 24

struct way {
	const char *group, *name;
	const char *broken;	/* why it cannot work here, or NULL */
	long *ns;
	long n;
};

static struct way ways[MAXWAYS];
static int nways;
static long iters = 2000;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static struct way *way(const char *group, const char *name)
{
	int i;

	for (i = 0; i < nways; i++)
		if (ways[i].name == name)
			return &ways[i];
	if (nways == MAXWAYS)
		exit(3);
	ways[nways].group = group;
	ways[nways].name = name;
	ways[nways].ns = calloc((size_t)iters, sizeof(long));
	if (!ways[nways].ns)
		exit(1);
	return &ways[nways++];
}

static void add(struct way *w, double t0)
{
	w->ns[w->n++] = (long)(now_ns() - t0);
}

static void die(const char *what)
{
	fprintf(stderr, "alts: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* The sock_diag request and answer, as shim/prove.c makes them. */
static void ask(int nl, unsigned ino)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg = {
		.nlh = { .nlmsg_len = sizeof msg,
			 .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST },
		.req = { .sdiag_family = AF_UNIX, .udiag_ino = ino,
			 .udiag_show = UDIAG_SHOW_VFS,
			 .udiag_cookie = { ~0U, ~0U } },
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char buf[1024];

	if (sendto(nl, &msg, sizeof msg, 0, (struct sockaddr *)&kernel,
		   sizeof kernel) < 0)
		die("sendto");
	if (recv(nl, buf, sizeof buf, MSG_DONTWAIT) <= 0)
		die("recv");
}

int main(int argc, char **argv)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	char dir[sizeof un.sun_path], *name;
	const char *unixfile_broken = NULL, *xattrat_broken = NULL;
	const char *tmpfile_broken = NULL;
	int opt, kept_nl, i;
	long it, timer = 0;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n')
			return 2;
		iters = strtol(optarg, NULL, 10);
	}
	if (optind >= argc || argv[optind][0] != '/' ||
	    strlen(argv[optind]) >= sizeof un.sun_path || iters < 2)
		return 2;
	strcpy(un.sun_path, argv[optind]);
	strcpy(dir, un.sun_path);
	name = strrchr(dir, '/');
	*name++ = '\0';
	kept_nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
			 NETLINK_SOCK_DIAG);
	if (kept_nl < 0)
		die("netlink socket");
	unlink(un.sun_path);
	{
		double a = now_ns(), b = a;

		for (i = 0; i < 1000; i++)
			b = now_ns();
		timer = (long)((b - a) / 1000);
	}

	for (it = 0; it < iters; it++) {
		struct stat sst, st, tmp;
		int fd, dirfd, rdfd, pfd, nl, r;
		char proc[32], buf[4096];
		double t0;

		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			die("socket");
		/* Born closed: three ways, one per iteration in turn. */
		switch (it % 3) {
		case 0: {
			struct stat s;

			t0 = now_ns();
			if (fstat(fd, &s) < 0 || fchmod(fd, 0) < 0)
				die("fchmod");
			if (bind(fd, (struct sockaddr *)&un, sizeof un) < 0)
				die("bind");
			fchmod(fd, s.st_mode & 07777);
			add(way("born", "now: fstat + fchmod(sock, 0) + bind + "
				"fchmod(sock, back)"), t0);
			break;
		}
		case 1: {
			sigset_t all, old;
			mode_t prev;

			t0 = now_ns();
			sigfillset(&all);
			pthread_sigmask(SIG_SETMASK, &all, &old);
			prev = umask(0777);
			if (bind(fd, (struct sockaddr *)&un, sizeof un) < 0)
				die("bind");
			umask(prev);
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			add(way("born", "alt: signals blocked + umask swap + "
				"bind (single-threaded only)"), t0);
			break;
		}
		default:
			t0 = now_ns();
			if (bind(fd, (struct sockaddr *)&un, sizeof un) < 0)
				die("bind");
			add(way("born", "ref: bare bind"), t0);
		}

		/* Reaching the file: directory, then name, no symlink. */
		t0 = now_ns();
		dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			die("open dir");
		pfd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (pfd < 0 || fstat(pfd, &st) < 0)
			die("openat");
		add(way("reach", "now: open(dir, O_PATH) + openat(name, "
			"O_PATH+O_NOFOLLOW) + fstat"), t0);
		t0 = now_ns();
		rdfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rdfd < 0)
			die("open dir O_RDONLY");
		r = openat(rdfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (r < 0 || fstat(r, &tmp) < 0)
			die("openat");
		add(way("reach", "alt: the same with the directory opened "
			"O_RDONLY (for fgetxattr, below)"), t0);
		close(r);

		/* The proof. */
		t0 = now_ns();
		if (fstat(fd, &sst) < 0)
			die("fstat sock");
		nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
			    NETLINK_SOCK_DIAG);
		if (nl < 0)
			die("socket netlink");
		ask(nl, (unsigned)sst.st_ino);
		close(nl);
		add(way("proof", "now: fstat(sock) + socket(NETLINK_SOCK_DIAG)"
			" + sendto + recv + close"), t0);
		t0 = now_ns();
		if (fstat(kept_nl, &tmp) < 0 || fstat(fd, &sst) < 0)
			die("fstat kept");
		ask(kept_nl, (unsigned)sst.st_ino);
		add(way("proof", "alt: kept netlink socket: fstat(it) + "
			"fstat(sock) + sendto + recv"), t0);
		t0 = now_ns();
		r = ioctl(fd, SIOCUNIXFILE);
		if (r >= 0) {
			if (fstat(r, &tmp) < 0)
				die("fstat unixfile");
			close(r);
			add(way("proof", "alt: ioctl(sock, SIOCUNIXFILE) + fstat"
				" + close (needs CAP_NET_ADMIN)"), t0);
		} else {
			unixfile_broken = strerror(errno);
		}

		/* The inherited ACL. */
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", pfd);
		t0 = now_ns();
		if (removexattr(proc, "system.posix_acl_access") < 0 &&
		    errno != ENODATA && errno != ENOTSUP)
			die("removexattr");
		add(way("acl", "now: removexattr(\"/proc/self/fd/N\")"), t0);
		t0 = now_ns();
		if (syscall(SYS_removexattrat, pfd, "", AT_EMPTY_PATH,
			    "system.posix_acl_access") == 0 || errno == ENODATA)
			add(way("acl", "alt: removexattrat(fd, \"\", "
				"AT_EMPTY_PATH) (Linux 6.13+)"), t0);
		else
			xattrat_broken = strerror(errno);
		t0 = now_ns();
		if (fgetxattr(rdfd, "system.posix_acl_default", buf,
			      sizeof buf) < 0 && errno != ENODATA &&
		    errno != ENOTSUP)
			die("fgetxattr");
		add(way("acl", "alt: fgetxattr(dirfd, posix_acl_default), "
			"the directory opened O_RDONLY: remove only when it has "
			"a default ACL"), t0);
		t0 = now_ns();
		if (lremovexattr(un.sun_path, "system.posix_acl_access") < 0 &&
		    errno != ENODATA && errno != ENOTSUP)
			die("lremovexattr");
		add(way("acl", "ref: lremovexattr(path) (by name: not "
			"allowed, SPEC 4.3)"), t0);

		/* A rule without mode=: the mode the umask would give. */
		t0 = now_ns();
		{
			int sf = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
			ssize_t got = sf < 0 ? -1 : read(sf, buf, sizeof buf);

			if (got < 0)
				die("/proc/self/status");
			close(sf);
		}
		add(way("umask", "now: open + read + close "
			"/proc/self/status"), t0);
		t0 = now_ns();
		r = openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0777);
		if (r >= 0) {
			if (fstat(r, &tmp) < 0)
				die("fstat tmpfile");
			close(r);
			add(way("umask", "alt: openat(dirfd, \".\", O_TMPFILE, "
				"0777) + fstat + close"), t0);
		} else {
			tmpfile_broken = strerror(errno);
		}

		/* A path that matched no rule: its directory resolved. */
		t0 = now_ns();
		{
			int df = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
			char p2[32];

			snprintf(p2, sizeof p2, "/proc/self/fd/%d", df);
			if (df < 0 || readlink(p2, buf, sizeof buf) < 0)
				die("readlink");
			close(df);
		}
		add(way("resolve", "now: open(dir, O_PATH) + "
			"readlink(\"/proc/self/fd/N\") + close"), t0);
		t0 = now_ns();
		{
			char out[PATH_MAX];

			if (!realpath(dir, out))
				die("realpath");
		}
		add(way("resolve", "alt: realpath(dir) (glibc: one readlink "
			"per component)"), t0);

		close(pfd);
		close(dirfd);
		close(rdfd);
		close(fd);
		if (unlink(un.sun_path) < 0)
			die("unlink");
	}

	for (i = 0; i < nways; i++) {
		struct way *w = &ways[i];
		long med;

		qsort(w->ns, (size_t)w->n, sizeof(long), cmp_long);
		med = w->n % 2 ? w->ns[w->n / 2]
			       : (w->ns[w->n / 2 - 1] + w->ns[w->n / 2]) / 2;
		printf("%s\t%s\t%ld\n", w->group, w->name, med - timer);
	}
	if (unixfile_broken)
		printf("proof\talt: ioctl(sock, SIOCUNIXFILE) (needs "
		       "CAP_NET_ADMIN)\t%s\n", unixfile_broken);
	if (xattrat_broken)
		printf("acl\talt: removexattrat(fd, \"\", AT_EMPTY_PATH) "
		       "(Linux 6.13+)\t%s\n", xattrat_broken);
	if (tmpfile_broken)
		printf("umask\talt: openat(dirfd, \".\", O_TMPFILE, 0777)\t%s\n",
		       tmpfile_broken);
	return 0;
}
