/* test_apply.c - the apply path on real sockets (run as root). */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <grp.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "apply.h"
#include "keys.h"
#include "log.h"
#include "prove.h"
#include "unit.h"

static char dir[64];

/* A fresh private directory per test; removed with its content after. */
static void make_dir(void)
{
	unit_make_dir(dir, "unit");
}

static void remove_dir(void)
{
	unit_remove_dir(dir);
}

static void *idle_thread(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

/* Binds a new socket of type under rule; returns the fd (or -1 with the
 * bind's errno in *err) and leaves the path in path. */
static int bind_with(int type, const struct sm_rule *r, int on_error,
		     const char *name, char *path, int *err)
{
	struct sockaddr_un a;
	socklen_t len = unit_addr(&a, dir, name, path);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	CU_ASSERT_TRUE_FATAL(fd >= 0);
	errno = 0;
	if (sm_apply(bind, NULL, UNIT_RULE(r), on_error, fd, (struct sockaddr *)&a, len,
		     path) < 0) {
		*err = errno;
		close(fd);
		return -1;
	}
	*err = 0;
	return fd;
}

static mode_t current_umask(void)
{
	mode_t m = umask(022);

	umask(m);
	return m;
}

static void sets_exact_mode_owner_group(void)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	struct sm_rule r = { .keys = SM_HAS_MODE | SM_HAS_OWNER | SM_HAS_GROUP,
			     .mode = 0640, .uid = 65534, .gid = 4242 };
	char path[108];
	struct stat st;
	size_t i;
	int err;

	make_dir();
	umask(0);	/* the widest birth: the guard must still hold */
	for (i = 0; i < 3; i++) {
		int fd = bind_with(types[i], &r, SM_ON_ERROR_FAIL, "s", path, &err);

		CU_ASSERT_TRUE_FATAL(fd >= 0);
		CU_ASSERT_EQUAL(lstat(path, &st), 0);
		CU_ASSERT_TRUE(S_ISSOCK(st.st_mode));
		CU_ASSERT_EQUAL(st.st_mode & 07777, 0640);
		CU_ASSERT_EQUAL(st.st_uid, 65534);
		CU_ASSERT_EQUAL(st.st_gid, 4242);
		CU_ASSERT_EQUAL(current_umask(), 0);	/* restored */
		close(fd);
		unlink(path);
	}
	umask(022);
	remove_dir();
}

static void without_mode_keeps_the_program_umask(void)
{
	struct sm_rule r = { .keys = SM_HAS_GROUP, .gid = 4242 };
	char path[108];
	struct stat st;
	int err, fd;

	make_dir();
	umask(027);
	fd = bind_with(SOCK_DGRAM, &r, SM_ON_ERROR_FAIL, "s", path, &err);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(lstat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0750);
	CU_ASSERT_EQUAL(st.st_gid, 4242);
	CU_ASSERT_EQUAL(current_umask(), 027);
	close(fd);
	umask(022);
	remove_dir();
}

static void real_bind_errors_pass_unchanged(void)
{
	struct sm_rule r = { .keys = SM_HAS_MODE, .mode = 0600 };
	char path[108];
	int err, fd, fd2;
	struct stat st;

	make_dir();
	fd = bind_with(SOCK_STREAM, &r, SM_ON_ERROR_FAIL, "s", path, &err);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	fd2 = bind_with(SOCK_STREAM, &r, SM_ON_ERROR_FAIL, "s", path, &err);
	CU_ASSERT_EQUAL(fd2, -1);
	CU_ASSERT_EQUAL(err, EADDRINUSE);
	CU_ASSERT_EQUAL(lstat(path, &st), 0);	/* the first one's file stays */
	fd2 = bind_with(SOCK_STREAM, &r, SM_ON_ERROR_FAIL, "nodir/s", path, &err);
	CU_ASSERT_EQUAL(fd2, -1);
	CU_ASSERT_EQUAL(err, ENOENT);
	close(fd);
	remove_dir();
}

/* sm_prove_bound for socket fd. */
static int prove(int fd, const struct stat *st)
{
	struct stat sock;

	return fstat(fd, &sock) < 0 ? -2 : sm_prove_bound(sock.st_ino, st);
}

static void proof_tells_inodes_apart(void)
{
	char pa[108], pb[108];
	struct sockaddr_un a, b;
	struct stat sa, sb;
	int fa = socket(AF_UNIX, SOCK_STREAM, 0);
	int fb = socket(AF_UNIX, SOCK_DGRAM, 0);
	int unbound = socket(AF_UNIX, SOCK_STREAM, 0);

	make_dir();
	CU_ASSERT_EQUAL_FATAL(bind(fa, (struct sockaddr *)&a, unit_addr(&a, dir, "a", pa)), 0);
	CU_ASSERT_EQUAL_FATAL(bind(fb, (struct sockaddr *)&b, unit_addr(&b, dir, "b", pb)), 0);
	CU_ASSERT_EQUAL(stat(pa, &sa), 0);
	CU_ASSERT_EQUAL(stat(pb, &sb), 0);
	CU_ASSERT_EQUAL(prove(fa, &sa), 0);
	CU_ASSERT_EQUAL(prove(fb, &sb), 0);
	errno = 0;
	CU_ASSERT_EQUAL(prove(fa, &sb), -1);
	CU_ASSERT_EQUAL(errno, EACCES);
	errno = 0;
	CU_ASSERT_EQUAL(prove(unbound, &sa), -1);
	CU_ASSERT_EQUAL(errno, EACCES);
	/* Same inode number on another device is not the same file. */
	sa.st_dev ^= 1;
	CU_ASSERT_EQUAL(prove(fa, &sa), -1);
	close(fa);
	close(fb);
	close(unbound);
	remove_dir();
}

/* Runs fn in a child process as uid/gid 12345; returns its exit status. */
static int as_user(int (*fn)(void))
{
	pid_t pid = fork();
	int status = -1;

	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(12345, 12345, 12345) ||
		    setresuid(12345, 12345, 12345))
			_exit(99);
		_exit(fn());
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 98;
}

static int chown_fails(int on_error)
{
	struct sm_rule r = { .keys = SM_HAS_MODE | SM_HAS_OWNER, .mode = 0660,
			     .uid = 0 };
	char path[108];
	struct stat st;
	int err, fd;

	sm_log_level = SM_LOG_QUIET;
	fd = bind_with(SOCK_STREAM, &r, on_error, "s", path, &err);
	if (on_error == SM_ON_ERROR_FAIL)	/* -1, EPERM, file removed */
		return fd == -1 && err == EPERM && lstat(path, &st) < 0 &&
		       errno == ENOENT ? 0 : 1;
	/* warn: bind kept, mode still applied, owner unchanged */
	return fd >= 0 && lstat(path, &st) == 0 &&
	       (st.st_mode & 0777) == 0660 && st.st_uid == 12345 ? 0 : 1;
}

static int chown_fails_closed(void) { return chown_fails(SM_ON_ERROR_FAIL); }
static int chown_fails_warned(void) { return chown_fails(SM_ON_ERROR_WARN); }

static void policy_failure_fails_closed_or_warns(void)
{
	make_dir();
	CU_ASSERT_EQUAL_FATAL(chown(dir, 12345, 12345), 0);
	CU_ASSERT_EQUAL(as_user(chown_fails_closed), 0);
	CU_ASSERT_EQUAL(as_user(chown_fails_warned), 0);
	remove_dir();
}

/* A POSIX ACL xattr: user::rwx user:65534:rwx group::rwx mask::rwx
 * other::rwx (little-endian on-disk format, version 2). */
static void put_acl_entry(unsigned char *p, unsigned tag, unsigned perm,
			  uint32_t id)
{
	p[0] = (unsigned char)tag;
	p[1] = (unsigned char)(tag >> 8);
	p[2] = (unsigned char)perm;
	p[3] = 0;
	memcpy(p + 4, &id, 4);
}

static void inherited_acl_is_removed(void)
{
	unsigned char acl[4 + 5 * 8] = { 2, 0, 0, 0 };
	struct sm_rule r = { .keys = SM_HAS_MODE, .mode = 0660 };
	char path[108], probe[8];
	struct stat st;
	int err, fd;

	make_dir();
	put_acl_entry(acl + 4, 0x01, 7, UINT32_MAX);
	put_acl_entry(acl + 12, 0x02, 7, 65534);
	put_acl_entry(acl + 20, 0x04, 7, UINT32_MAX);
	put_acl_entry(acl + 28, 0x10, 7, UINT32_MAX);
	put_acl_entry(acl + 36, 0x20, 7, UINT32_MAX);
	CU_ASSERT_EQUAL_FATAL(setxattr(dir, "system.posix_acl_default", acl,
				       sizeof acl, 0), 0);
	fd = bind_with(SOCK_STREAM, &r, SM_ON_ERROR_FAIL, "s", path, &err);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(lstat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0660);
	errno = 0;
	CU_ASSERT_EQUAL(getxattr(path, "system.posix_acl_access", probe,
				 sizeof probe), -1);
	CU_ASSERT_EQUAL(errno, ENODATA);
	close(fd);
	remove_dir();
}

/* A "real bind" that records what the new file looks like the instant
 * the kernel created it, and the umask in force then. */
static mode_t born_mode;
static int born_umask;

static int bind_and_look(int fd, const struct sockaddr *a, socklen_t len)
{
	const struct sockaddr_un *un = (const struct sockaddr_un *)a;
	struct stat st;
	int rc = bind(fd, a, len);

	born_mode = lstat(un->sun_path, &st) == 0 ? st.st_mode & 07777 : 01000;
	born_umask = sm_read_umask();
	return rc;
}

static void socket_file_is_born_closed(void)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM };
	struct sm_rule r = { .keys = SM_HAS_MODE, .mode = 0666 };
	struct sockaddr_un a;
	char path[108];
	struct stat st;
	size_t i;

	make_dir();
	umask(0);
	for (i = 0; i < 2; i++) {
		int fd = socket(AF_UNIX, types[i], 0);

		born_mode = 07777;
		CU_ASSERT_EQUAL(sm_apply(bind_and_look, NULL, UNIT_RULE(&r), SM_ON_ERROR_FAIL, fd,
					 (struct sockaddr *)&a,
					 unit_addr(&a, dir, "s", path), path), 0);
		CU_ASSERT_EQUAL(born_mode, 0);		/* nobody could reach it */
		CU_ASSERT_EQUAL(born_umask, 0);		/* umask never touched */
		CU_ASSERT_EQUAL(lstat(path, &st), 0);
		CU_ASSERT_EQUAL(st.st_mode & 07777, 0666);
		/* The socket's own inode mode is restored: invisible. */
		CU_ASSERT_EQUAL(fstat(fd, &st), 0);
		CU_ASSERT_EQUAL(st.st_mode & 07777, 0777);
		close(fd);
		unlink(path);
	}
	umask(022);
	remove_dir();
}

/* Another user's socket (created before a privilege drop): fchmod() on
 * it is refused, so the fallback runs: a child with a private umask
 * binds under umask 0777, the file still born 0, the umask of the
 * process never changed, single- or multi-threaded (issue 15, 4). */
static int foreign_fd = -1;

/* Nonzero under valgrind, which preloads its own vgpreload_*.so. */
static int under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD");

	return p && strstr(p, "vgpreload") != NULL;
}

static int fallback_binds_closed(const char *name)
{
	struct sm_rule r = { .keys = SM_HAS_MODE, .mode = 0660 };
	struct sockaddr_un a;
	char path[108];
	struct stat st;
	int rc;

	umask(0);
	born_mode = 07777;
	rc = sm_apply(bind_and_look, NULL, UNIT_RULE(&r), SM_ON_ERROR_FAIL,
		      foreign_fd, (struct sockaddr *)&a,
		      unit_addr(&a, dir, name, path), path);
	if (rc != 0)
		return 1;
	/* What the child saw, in memory it shares with us; valgrind runs
	 * such a child as a fork (its memory a copy): there only what the
	 * bind left is looked at. */
	if (!under_valgrind() && (born_mode != 0 || born_umask != 0777))
		return 1;
	if (sm_read_umask() != 0 || lstat(path, &st) ||
	    (st.st_mode & 07777) != 0660 || st.st_uid != getuid())
		return 2;
	return 0;
}

static int fallback_single_threaded(void)
{
	return fallback_binds_closed("st");
}

/* Multi-threaded: the same, while another thread runs. */
static int fallback_multi_threaded(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, idle_thread, NULL))
		return 3;
	return fallback_binds_closed("mt");
}

static void foreign_socket_falls_back_safely(void)
{
	make_dir();
	CU_ASSERT_EQUAL_FATAL(chmod(dir, 0777), 0);
	foreign_fd = socket(AF_UNIX, SOCK_DGRAM, 0);	/* root's */
	CU_ASSERT_EQUAL(as_user(fallback_single_threaded), 0);
	close(foreign_fd);
	foreign_fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	CU_ASSERT_EQUAL(as_user(fallback_multi_threaded), 0);
	close(foreign_fd);
	remove_dir();
}

static void multithreaded_binds_keep_the_umask(void)
{
	static const int types[] = { SOCK_DGRAM, SOCK_STREAM };
	struct sm_rule r = { .keys = SM_HAS_MODE, .mode = 0604 };
	char path[108];
	struct stat st;
	pthread_t t;
	size_t i;
	int err;

	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, idle_thread, NULL), 0);
	make_dir();
	umask(0);
	for (i = 0; i < 2; i++) {
		int fd = bind_with(types[i], &r, SM_ON_ERROR_FAIL, "s", path, &err);

		CU_ASSERT_TRUE_FATAL(fd >= 0);
		CU_ASSERT_EQUAL(lstat(path, &st), 0);
		CU_ASSERT_EQUAL(st.st_mode & 07777, 0604);
		CU_ASSERT_EQUAL(current_umask(), 0);
		close(fd);
		unlink(path);
	}
	/* Without a mode key, the umask is read from /proc here. */
	{
		struct sm_rule g = { .keys = SM_HAS_GROUP, .gid = 4242 };
		int fd;

		umask(027);
		fd = bind_with(SOCK_DGRAM, &g, SM_ON_ERROR_FAIL, "g", path, &err);
		CU_ASSERT_TRUE_FATAL(fd >= 0);
		CU_ASSERT_EQUAL(lstat(path, &st), 0);
		CU_ASSERT_EQUAL(st.st_mode & 07777, 0750);
		CU_ASSERT_EQUAL(current_umask(), 027);
		close(fd);
	}
	umask(022);
	pthread_cancel(t);
	pthread_join(t, NULL);
	remove_dir();
}

void suite_apply(void)
{
	static const CU_TestInfo tests[] = {
		{ "sets exact mode, owner, group", sets_exact_mode_owner_group },
		{ "without mode keeps the program umask",
		  without_mode_keeps_the_program_umask },
		{ "real bind errors pass unchanged",
		  real_bind_errors_pass_unchanged },
		{ "proof tells inodes apart", proof_tells_inodes_apart },
		{ "policy failure fails closed or warns",
		  policy_failure_fails_closed_or_warns },
		{ "inherited ACL is removed", inherited_acl_is_removed },
		{ "socket file is born closed", socket_file_is_born_closed },
		{ "foreign socket falls back safely",
		  foreign_socket_falls_back_safely },
		/* last: after it the process is no longer single-threaded */
		{ "multi-threaded binds keep the umask",
		  multithreaded_binds_keep_the_umask },
		CU_TEST_INFO_NULL,
	};
	add_suite("apply", tests);
}
