/*
 * nsbind - binds Unix sockets from inside namespaces and descriptor
 * tables of its own, to attack (and check) the seccomp supervisor:
 *
 *   nsbind userns DIR N   drop to nobody, unshare(CLONE_NEWUSER) (full
 *                         capabilities, in that namespace only), then
 *                         try N stream binds of DIR/uI. DIR is meant to
 *                         be root's and closed to nobody: the kernel
 *                         refuses each (EACCES); every bind that works
 *                         is a win of the attacker.
 *   nsbind netns DIR N    unshare(CLONE_NEWNET) (as root), drop to
 *                         nobody, then N stream binds of DIR/nI (DIR
 *                         open to nobody): each should work.
 *   nsbind usernet DIR N  drop to nobody, unshare(CLONE_NEWUSER |
 *                         CLONE_NEWNET), N binds of DIR/mI.
 *   nsbind files PATH     a thread makes socket A at descriptor D, then
 *                         unshare(CLONE_FILES) and puts socket B at D in
 *                         its own table, and binds D to PATH. The line
 *                         adds which socket got the address:
 *                         bound=B (right), bound=A (the other table's),
 *                         or bound=none.
 *
 * Prints "MODE tries=N bound=K failed=F errno=NAME" (errno: of the last
 * failure, or none). Exit 0 when the line was printed, 2 on a setup
 * error (the namespaces could not be made: not a result).
 */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "nsbind: %s: %s\n", what, strerror(errno));
	exit(2);
}

static const char *errname(int e)
{
	switch (e) {
	case 0: return "none";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case EADDRINUSE: return "EADDRINUSE";
	case ENOENT: return "ENOENT";
	case EBADF: return "EBADF";
	default: return strerror(e);
	}
}

/* Becomes nobody:nogroup, no supplementary groups. */
static void drop(void)
{
	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		die("dropping to nobody");
}

/* Binds a new stream socket to PATH. Returns 0, or the errno. */
static int bind_one(const char *path, int *fdp)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), err = 0;

	if (fd < 0)
		die("socket");
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		err = errno;
	if (fdp)
		*fdp = fd;
	else
		close(fd);
	return err;
}

/* The path a socket is bound to ("" when unbound) into out. */
static void bound_to(int fd, char *out, size_t size)
{
	struct sockaddr_un sa;
	socklen_t len = sizeof sa;

	memset(&sa, 0, sizeof sa);
	out[0] = '\0';
	if (getsockname(fd, (struct sockaddr *)&sa, &len) == 0 &&
	    len > sizeof(sa_family_t))
		snprintf(out, size, "%s", sa.sun_path);
}

static const char *files_path;
static int files_a = -1, files_b = -1, files_err;

/* The thread of "files": its own table, B where A is in the other. */
static void *files_thread(void *arg)
{
	(void)arg;
	if (unshare(CLONE_FILES) < 0)
		die("unshare(CLONE_FILES)");
	files_b = socket(AF_UNIX, SOCK_STREAM, 0);
	if (files_b < 0 || dup2(files_b, files_a) < 0)
		die("socket B");
	close(files_b);
	files_b = files_a;	/* in this table, D is B now */
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		snprintf(sa.sun_path, sizeof sa.sun_path, "%s", files_path);
		if (bind(files_b, (struct sockaddr *)&sa, sizeof sa) < 0)
			files_err = errno;
	}
	/* Report B's address from here: D is A in the other table. */
	{
		char *b = malloc(128);

		bound_to(files_b, b, 128);
		return b;
	}
}

static int files(const char *path)
{
	char a[128], *b;
	pthread_t t;

	files_path = path;
	files_a = socket(AF_UNIX, SOCK_STREAM, 0);
	if (files_a < 0)
		die("socket A");
	if (pthread_create(&t, NULL, files_thread, NULL) != 0 ||
	    pthread_join(t, (void **)&b) != 0)
		die("thread");
	bound_to(files_a, a, sizeof a);
	printf("files tries=1 bound=%s failed=%d errno=%s\n",
	       strcmp(b, path) == 0 ? "B" : strcmp(a, path) == 0 ? "A"
							     : "none",
	       files_err != 0, errname(files_err));
	free(b);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	char path[108];
	long i, n, bound = 0, failed = 0;
	int err, last = 0, ns = 0, netfirst = 0;

	if (strcmp(mode, "files") == 0 && argc == 3)
		return files(argv[2]);
	if (argc != 4)
		goto usage;
	if (strcmp(mode, "userns") == 0)
		ns = CLONE_NEWUSER;
	else if (strcmp(mode, "usernet") == 0)
		ns = CLONE_NEWUSER | CLONE_NEWNET;
	else if (strcmp(mode, "netns") == 0)
		netfirst = 1;
	else
		goto usage;
	n = atol(argv[3]);
	if (netfirst && unshare(CLONE_NEWNET) < 0)
		die("unshare(CLONE_NEWNET)");
	drop();
	if (ns && unshare(ns) < 0)
		die("unshare(CLONE_NEWUSER)");
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%c%ld", argv[2],
			 ns == CLONE_NEWUSER ? 'u' : ns ? 'm' : 'n', i);
		err = bind_one(path, NULL);
		if (err) {
			failed++;
			last = err;
		} else {
			bound++;
		}
	}
	printf("%s tries=%ld bound=%ld failed=%ld errno=%s\n", mode, n, bound,
	       failed, errname(last));
	return 0;
usage:
	fprintf(stderr, "usage: nsbind userns|netns|usernet DIR N | "
		"nsbind files PATH\n");
	return 2;
}
