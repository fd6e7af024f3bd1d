/* exec.c - find the command once, and exec exactly the file found (the
 * one --via=auto inspected), not whatever its name names by then. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli.h"
#include "walk.h"

/* Opens file to be inspected and executed: for reading where we may
 * read it, else O_PATH (executable only); never blocks (a FIFO).
 * Returns the descriptor (close-on-exec), or -1 with errno. */
static int open_file(const char *file)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0 && errno == EACCES)
		fd = open(file, O_PATH | O_CLOEXEC);
	return fd;
}

/* Returns 0 when fd is a regular file we may execute (as access(2)
 * judges it), else -1 with errno (EACCES). */
static int executable(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = EACCES;
		return -1;
	}
#ifdef SYS_faccessat2
	if (syscall(SYS_faccessat2, fd, "", X_OK, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
#endif
	if (st.st_mode & 0111)	/* before Linux 5.8: the bits say */
		return 0;
	errno = EACCES;
	return -1;
}

void cli_find_command(const char *cmd, struct cli_command *c)
{
	const char *path = getenv("PATH"), *p;
	int denied = 0;

	c->kind = 0;
	c->err = 0;
	if (strchr(cmd, '/')) {	/* as given; exec says if it cannot */
		if (snprintf(c->file, sizeof c->file, "%s", cmd) >=
		    (int)sizeof c->file)
			c->err = ENAMETOOLONG;
		else if ((c->fd = open_file(c->file)) < 0)
			c->err = errno;
		goto out;
	}
	for (p = path ? path : "/usr/local/bin:/usr/bin:/bin"; *cmd; p++) {
		size_t n = strcspn(p, ":");

		if (snprintf(c->file, sizeof c->file, "%.*s%s%s", (int)n, p,
			     n ? "/" : "", cmd) < (int)sizeof c->file) {
			c->fd = open_file(c->file);
			if (c->fd >= 0 && executable(c->fd) == 0)
				goto out;
			if (c->fd >= 0 || errno == EACCES)
				denied = 1;	/* as execvp(3): EACCES */
			if (c->fd >= 0)
				close(c->fd);
		}
		p += n;
		if (!*p)
			break;
	}
	c->err = denied ? EACCES : ENOENT;
	snprintf(c->file, sizeof c->file, "%s", cmd);
out:
	if (c->err)
		c->fd = -1;
	else
		c->kind = cli_inspect(c->fd);
}

/* Execs the file c->file by its name, once more proven to be c->fd's
 * inode; like execvp(3), a file without "#!" that the kernel cannot
 * execute is run by /bin/sh. Returns only on failure, with errno. */
static void exec_by_name(const struct cli_command *c, char **argv)
{
	struct stat had, has;
	size_t n;
	char **sh;

	if (fstat(c->fd, &had) < 0 || stat(c->file, &has) < 0)
		return;
	if (had.st_dev != has.st_dev || had.st_ino != has.st_ino) {
		errno = ESTALE;
		return;
	}
	execv(c->file, argv);
	if (errno != ENOEXEC)
		return;
	for (n = 0; argv[n]; n++)
		;
	sh = calloc(n + 2, sizeof *sh);
	if (!sh)
		return;
	sh[0] = (char *)"/bin/sh";
	sh[1] = (char *)c->file;
	memcpy(sh + 2, argv + 1, n * sizeof *sh);	/* with its NULL */
	execv("/bin/sh", sh);
	free(sh);
}

/*
 * Nonzero when nobody but root and us could have put another file at
 * c->file since it was inspected: every directory its name leads
 * through (symlinks followed) is trusted (sm_walk() SM_WALK_STRICT:
 * root's or ours, and not writable by others) and the name still leads
 * to c->fd's inode. Then an exec by name runs the file inspected, and
 * the program keeps the name (/proc/PID/comm) a plain exec gives it;
 * through a descriptor, kernels before 6.14 would call it "3".
 */
static int name_is_ours(const struct cli_command *c)
{
	struct sm_walked w;
	struct stat had, has;
	int ok;

	if (sm_walk(c->file, SM_WALK_STRICT, 1, &w) < 0)
		return 0;
	ok = fstat(c->fd, &had) == 0 &&
	     fstatat(w.dirfd, w.name, &has, AT_SYMLINK_NOFOLLOW) == 0 &&
	     had.st_dev == has.st_dev && had.st_ino == has.st_ino;
	close(w.dirfd);
	return ok;
}

int cli_exec(const struct cli_command *c, char **argv)
{
	extern char **environ;
	int err = c->err;

	if (c->fd >= 0) {
		/* An ELF file: the very inode inspected, by its name where
		 * nobody else can swap it, else through the descriptor. A
		 * script must be opened by name by its interpreter: see
		 * exec_by_name(). */
		if ((c->kind & CLI_ELF) && !name_is_ours(c))
			syscall(SYS_execveat, c->fd, "", argv, environ,
				AT_EMPTY_PATH);
		else
			exec_by_name(c, argv);
		err = errno;
	}
	if (err == ESTALE)
		fprintf(stderr, "sockmode: %s: %s was replaced after sockmode "
			"inspected it; not run\n", argv[0], c->file);
	else
		fprintf(stderr, "sockmode: %s: %s\n", argv[0], strerror(err));
	return err == ENOENT || err == ENOTDIR ? 127 : 126;
}
