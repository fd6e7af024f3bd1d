/*
 * holdprobe - the chmod/chown calls of a program after its bind (issue
 * 14), run under the library: performs the operations of its command line
 * in order and prints one line for each,
 *
 *     OP=ok          the call returned 0 and left errno alone
 *     OP=ok-errno    it returned 0 but changed errno (a bug)
 *     OP=ENAME       it returned -1 with errno ENAME
 *
 * (errno is set to a sentinel just before each call). Operations:
 *
 *   bind PATH                 socket + bind() (the library's) + listen
 *   rawbind PATH              unlink PATH, then socket + the bind syscall
 *                             itself: a socket file the library never saw
 *   unlink PATH
 *   close                     closes the socket of the last bind
 *   chmod PATH MODE           MODE octal
 *   fchmodat DIR NAME MODE [nofollow]   DIR opened O_PATH|O_DIRECTORY
 *   chown PATH UID GID        -1 leaves one unchanged
 *   lchown PATH UID GID
 *   fchownat-empty PATH UID GID   fchownat(O_PATH fd, "", AT_EMPTY_PATH)
 *   fork-chmod PATH MODE      a forked child's chmod (its line: fork-...)
 *   exec-chmod PATH MODE      runs chmod(1) MODE PATH; exec-chmod=ok|fail
 *   stat PATH                 prints stat=MODE UID GID (mode octal)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define SENTINEL 4242

static int last_bound = -1;	/* the socket of the last bind */

static void result(const char *op, int rc)
{
	if (rc == 0)
		printf("%s=%s\n", op, errno == SENTINEL ? "ok" : "ok-errno");
	else
		printf("%s=%s\n", op, strerrorname_np(errno) ?
		       strerrorname_np(errno) : "unknown");
	fflush(stdout);
}

static int unix_socket(const char *path, struct sockaddr_un *a)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof a->sun_path, "%s", path);
	return socket(AF_UNIX, SOCK_STREAM, 0);
}

/* Runs the operation at argv[0]; returns how many words it used, or 0
 * for an unknown one. */
static int run(char **argv, int argc)
{
	const char *op = argv[0];
	struct sockaddr_un a;
	struct stat st;
	int fd, rc;

#define NEED(n) do { if (argc < (n)) return 0; } while (0)
	if (strcmp(op, "bind") == 0) {
		NEED(2);
		fd = unix_socket(argv[1], &a);
		errno = SENTINEL;
		rc = bind(fd, (struct sockaddr *)&a, sizeof a);
		result(op, rc ? rc : listen(fd, 8));
		last_bound = fd;	/* open: the socket lives on */
		return 2;
	}
	if (strcmp(op, "close") == 0) {
		errno = SENTINEL;
		result(op, close(last_bound));
		return 1;
	}
	if (strcmp(op, "rawbind") == 0) {
		NEED(2);
		unlink(argv[1]);
		fd = unix_socket(argv[1], &a);
		errno = SENTINEL;
		result(op, (int)syscall(SYS_bind, fd, &a, sizeof a));
		return 2;
	}
	if (strcmp(op, "unlink") == 0) {
		NEED(2);
		errno = SENTINEL;
		result(op, unlink(argv[1]));
		return 2;
	}
	if (strcmp(op, "chmod") == 0 || strcmp(op, "fork-chmod") == 0) {
		pid_t pid = 0;

		NEED(3);
		if (op[0] == 'f') {
			pid = fork();
			if (pid > 0) {
				waitpid(pid, NULL, 0);
				return 3;
			}
		}
		errno = SENTINEL;
		result(op, chmod(argv[1], (mode_t)strtoul(argv[2], NULL, 8)));
		if (op[0] == 'f')
			_exit(0);
		return 3;
	}
	if (strcmp(op, "fchmodat") == 0) {
		int nofollow;

		NEED(4);
		nofollow = argc > 4 && strcmp(argv[4], "nofollow") == 0;
		fd = open(argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC);
		errno = SENTINEL;
		result(op, fchmodat(fd, argv[2], (mode_t)strtoul(argv[3], NULL, 8),
				    nofollow ? AT_SYMLINK_NOFOLLOW : 0));
		close(fd);
		return nofollow ? 5 : 4;
	}
	if (strcmp(op, "chown") == 0 || strcmp(op, "lchown") == 0 ||
	    strcmp(op, "fchownat-empty") == 0) {
		uid_t uid;
		gid_t gid;

		NEED(4);
		uid = (uid_t)strtol(argv[2], NULL, 10);
		gid = (gid_t)strtol(argv[3], NULL, 10);
		fd = op[0] == 'f' ? open(argv[1], O_PATH | O_CLOEXEC) : -1;
		errno = SENTINEL;
		if (op[0] == 'c')
			rc = chown(argv[1], uid, gid);
		else if (op[0] == 'l')
			rc = lchown(argv[1], uid, gid);
		else
			rc = fchownat(fd, "", uid, gid, AT_EMPTY_PATH);
		result(op, rc);
		if (fd >= 0)
			close(fd);
		return 4;
	}
	if (strcmp(op, "exec-chmod") == 0) {
		pid_t pid;
		int status = 1;

		NEED(3);
		pid = fork();
		if (pid == 0) {
			execlp("chmod", "chmod", argv[2], argv[1], (char *)NULL);
			_exit(127);
		}
		waitpid(pid, &status, 0);
		printf("%s=%s\n", op, status == 0 ? "ok" : "fail");
		fflush(stdout);
		return 3;
	}
	if (strcmp(op, "stat") == 0) {
		NEED(2);
		if (lstat(argv[1], &st) < 0)
			printf("stat=%s\n", strerrorname_np(errno));
		else
			printf("stat=%o %u %u\n", (unsigned)(st.st_mode & 07777),
			       (unsigned)st.st_uid, (unsigned)st.st_gid);
		fflush(stdout);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1, n;

	while (i < argc) {
		n = run(argv + i, argc - i);
		if (n == 0) {
			fprintf(stderr, "holdprobe: bad operation at '%s'\n",
				argv[i]);
			return 2;
		}
		i += n;
	}
	return 0;
}
