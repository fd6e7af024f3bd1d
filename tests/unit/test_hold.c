/* test_hold.c - hold=yes (issue 14): which attributes a rule holds, the
 * table of held inodes, and what a chmod/chown of one does (run as
 * root, on real socket files). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apply.h"
#include "hold.h"
#include "keys.h"
#include "unit.h"

static char dir[64];

/* A socket bound at dir/name through sm_apply() with rule r (so held as
 * the library holds it); its descriptor, open (the inode lives on). */
static int bound(const struct sm_rule *r, const char *name)
{
	struct sockaddr_un a;
	char path[sizeof a.sun_path];
	socklen_t len = unit_addr(&a, dir, name, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	CU_ASSERT_TRUE_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(sm_apply(bind, NULL, UNIT_RULE(r), SM_ON_ERROR_FAIL, fd,
				       (struct sockaddr *)&a, len, path), 0);
	return fd;
}

/* An O_PATH descriptor of dir/name. */
static int opath(const char *name)
{
	return unit_opath(dir, name);
}

static struct stat stat_of(const char *name)
{
	char path[128];
	struct stat st = { 0 };

	snprintf(path, sizeof path, "%s/%s", dir, name);
	CU_ASSERT_EQUAL(lstat(path, &st), 0);
	return st;
}

static void rule_holds_what_it_sets(void)
{
	struct sm_rule r = { .keys = SM_HAS_MODE | SM_HAS_GROUP };
	const struct sm_key *k = sm_key_find("hold", 4);

	CU_ASSERT_EQUAL(sm_hold_of_rule(&r), SM_HOLD_MODE | SM_HOLD_GROUP);
	r.keys = SM_HAS_UMASK | SM_HAS_OWNER;
	CU_ASSERT_EQUAL(sm_hold_of_rule(&r), SM_HOLD_MODE | SM_HOLD_OWNER);
	r.keys = SM_HAS_ACL;
	CU_ASSERT_EQUAL(sm_hold_of_rule(&r), SM_HOLD_MODE);
	r.keys = SM_HAS_STALE | SM_HAS_REMOVE;	/* sets no attribute */
	CU_ASSERT_EQUAL(sm_hold_of_rule(&r), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_STRING_EQUAL(k->env, "SOCKMODE_HOLD");
	r.keys = SM_HAS_MODE | SM_HAS_HOLD;
	CU_ASSERT_PTR_NULL(k->parse("no", &r));
	CU_ASSERT_EQUAL(sm_hold_of_rule(&r), 0);
	CU_ASSERT_PTR_NULL(k->parse("yes", &r));
	CU_ASSERT_EQUAL(sm_hold_of_rule(&r), SM_HOLD_MODE);
	CU_ASSERT_STRING_EQUAL(k->parse("", &r), "empty value");
	CU_ASSERT_STRING_EQUAL(k->parse("off", &r), "must be yes or no");
}

/* mode= and group= held: chmod and chown change nothing held, return 0
 * with errno kept; the owner (not held) is changed; a plain file and a
 * socket bound under hold=no are changed as asked. */
static void held_attributes_stay(void)
{
	static const struct sm_rule r = { .keys = SM_HAS_MODE | SM_HAS_GROUP,
					  .mode = 0660, .gid = 65534 };
	static const struct sm_rule no = { .keys = SM_HAS_MODE | SM_HAS_HOLD,
					   .mode = 0600, .hold = 0 };
	int s, n, fd, plain;
	struct stat st;

	unit_make_dir(dir, "hold");
	sm_hold_reset();
	CU_ASSERT_FALSE(sm_hold_active());
	s = bound(&r, "s");
	n = bound(&no, "n");
	CU_ASSERT_TRUE(sm_hold_active());
	fd = opath("s");
	CU_ASSERT_EQUAL(sm_hold_fd(fd), SM_HOLD_MODE | SM_HOLD_GROUP);
	errno = 4242;
	CU_ASSERT_EQUAL(sm_hold_chmod(fd, "s", 0666, 0), 0);
	CU_ASSERT_EQUAL(errno, 4242);
	CU_ASSERT_EQUAL(sm_hold_chown(fd, "s", 12345, 0), 0);
	CU_ASSERT_EQUAL(errno, 4242);
	st = stat_of("s");
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0660);
	CU_ASSERT_EQUAL(st.st_uid, 12345);
	CU_ASSERT_EQUAL(st.st_gid, 65534);
	close(fd);

	fd = opath("n");
	CU_ASSERT_EQUAL(sm_hold_fd(fd), 0);
	CU_ASSERT_EQUAL(sm_hold_chmod(fd, "n", 0666, 0), 0);
	CU_ASSERT_EQUAL(stat_of("n").st_mode & 07777, 0666);
	close(fd);
	plain = openat(open(dir, O_PATH | O_CLOEXEC), "plain",
		       O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	CU_ASSERT_TRUE_FATAL(plain >= 0);
	CU_ASSERT_EQUAL(sm_hold_chmod(plain, "plain", 0644, 0), 0);
	CU_ASSERT_EQUAL(stat_of("plain").st_mode & 07777, 0644);
	close(plain);
	close(s);
	close(n);
	sm_hold_reset();
	unit_remove_dir(dir);
}

/* The exported calls themselves (hook_mode.c is linked in, as in the
 * library): each form on the held socket keeps mode and group, returns
 * 0 with errno kept; through a symlink too; lchown and fchmodat with
 * AT_SYMLINK_NOFOLLOW act on the symlink itself; a missing file is the
 * real ENOENT. */
static void each_exported_call(void)
{
	static const struct sm_rule r = { .keys = SM_HAS_MODE | SM_HAS_GROUP,
					  .mode = 0640, .gid = 65534 };
	char sock[128], link[128], missing[128];
	int s, d, fd;
	struct stat st;

	unit_make_dir(dir, "hold");
	sm_hold_reset();
	s = bound(&r, "s");
	snprintf(sock, sizeof sock, "%s/s", dir);
	snprintf(link, sizeof link, "%s/l", dir);
	snprintf(missing, sizeof missing, "%s/missing", dir);
	CU_ASSERT_EQUAL(symlink("s", link), 0);
	d = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	fd = opath("s");
	errno = 4242;
	CU_ASSERT_EQUAL(chmod(sock, 0666), 0);
	CU_ASSERT_EQUAL(chmod(link, 0666), 0);
	CU_ASSERT_EQUAL(fchmodat(d, "s", 0666, 0), 0);
	CU_ASSERT_EQUAL(fchmodat(d, "s", 0666, AT_SYMLINK_NOFOLLOW), 0);
	CU_ASSERT_EQUAL(chown(sock, -1, 0), 0);
	CU_ASSERT_EQUAL(lchown(sock, -1, 0), 0);
	CU_ASSERT_EQUAL(fchownat(d, "s", -1, 0, 0), 0);
	CU_ASSERT_EQUAL(fchownat(fd, "", -1, 0, AT_EMPTY_PATH), 0);
	CU_ASSERT_EQUAL(errno, 4242);
	st = stat_of("s");
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0640);
	CU_ASSERT_EQUAL(st.st_gid, 65534);
	CU_ASSERT_EQUAL(lchown(link, -1, 0), 0);	/* the symlink's own */
	CU_ASSERT_EQUAL(stat_of("l").st_gid, 0);
	CU_ASSERT_EQUAL(fchmodat(d, "l", 0600, AT_SYMLINK_NOFOLLOW), -1);
	CU_ASSERT_EQUAL(errno, EOPNOTSUPP);
	CU_ASSERT_EQUAL(chmod(missing, 0600), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_EQUAL(chown(missing, 0, 0), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	close(fd);
	close(d);
	close(s);
	sm_hold_reset();
	unit_remove_dir(dir);
}

/* A caller that may not change the file gets the real call's EPERM for a
 * held attribute too: the permission check is made. */
static void held_but_not_permitted(void)
{
	static const struct sm_rule r = { .keys = SM_HAS_MODE | SM_HAS_GROUP,
					  .mode = 0666, .gid = 65534 };
	int s, fd, status = -1;
	pid_t pid;

	unit_make_dir(dir, "hold");
	sm_hold_reset();
	s = bound(&r, "s");
	fd = opath("s");
	pid = fork();
	CU_ASSERT_TRUE_FATAL(pid >= 0);
	if (pid == 0) {
		int bad = 0;

		/* Nobody, without the capabilities root's fsuid brings. */
		setfsgid(65534);
		setfsuid(65534);
		errno = 0;
		bad |= sm_hold_chmod(fd, "s", 0600, 0) != -1 || errno != EPERM;
		errno = 0;
		bad |= sm_hold_chown(fd, "s", -1, 0) != -1 || errno != EPERM;
		_exit(bad);
	}
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CU_ASSERT_EQUAL(stat_of("s").st_mode & 07777, 0666);
	close(fd);
	close(s);
	sm_hold_reset();
	unit_remove_dir(dir);
}

/* A socket removed and another bound at its name (not by the library) is
 * not held, even where the file system gives it the same inode number
 * (ext4 does, often at once): the birth time tells them apart. */
static void replaced_inode_not_held(void)
{
	static const struct sm_rule r = { .keys = SM_HAS_MODE, .mode = 0600 };
	unsigned tries, reused = 0;

	unit_make_dir(dir, "hold");
	for (tries = 0; tries < 20 && !reused; tries++) {
		struct sockaddr_un a;
		char path[sizeof a.sun_path];
		socklen_t len = unit_addr(&a, dir, "s", path);
		int s, fd, other;
		ino_t was;

		sm_hold_reset();
		s = bound(&r, "s");
		was = stat_of("s").st_ino;
		close(s);
		CU_ASSERT_EQUAL(unlink(path), 0);
		other = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		CU_ASSERT_EQUAL((int)syscall(SYS_bind, other, &a, len), 0);
		reused = stat_of("s").st_ino == was;
		fd = opath("s");
		CU_ASSERT_EQUAL(sm_hold_fd(fd), 0);
		CU_ASSERT_EQUAL(sm_hold_chmod(fd, "s", 0666, 0), 0);
		CU_ASSERT_EQUAL(stat_of("s").st_mode & 07777, 0666);
		close(fd);
		close(other);
		CU_ASSERT_EQUAL(unlink(path), 0);
	}
	if (!reused)
		printf("\n  (replaced_inode_not_held: this file system gave "
		       "no inode number twice; only a new number was tried)\n");
	sm_hold_reset();
	unit_remove_dir(dir);
}

/* Every slot held: the next socket is not; once one held file is gone,
 * its slot is taken again, by one later socket only. (The sockets
 * "againN" are closed but stay on disk: their files still hold them.) */
static void table_full_then_reclaimed(void)
{
	static const struct sm_rule r = { .keys = SM_HAS_MODE, .mode = 0600 };
	int fds[SM_HOLD_SLOTS + 1], fd;
	char name[16], path[128];
	unsigned i, held = 0;

	unit_make_dir(dir, "hold");
	sm_hold_reset();
	for (i = 0; i <= SM_HOLD_SLOTS; i++) {
		snprintf(name, sizeof name, "s%u", i);
		fds[i] = bound(&r, name);
	}
	fd = opath("s0");
	CU_ASSERT_EQUAL(sm_hold_fd(fd), SM_HOLD_MODE);
	close(fd);
	snprintf(name, sizeof name, "s%u", SM_HOLD_SLOTS);
	fd = opath(name);
	CU_ASSERT_EQUAL(sm_hold_fd(fd), 0);	/* the one too many */
	close(fd);
	snprintf(path, sizeof path, "%s/s0", dir);
	CU_ASSERT_EQUAL(unlink(path), 0);
	close(fds[0]);
	/* The sweep looks at a few slots a bind: within one round of the
	 * table, exactly one new socket gets s0's slot. */
	for (i = 0; i < SM_HOLD_SLOTS; i++) {
		snprintf(name, sizeof name, "again%u", i);
		close(bound(&r, name));
		fd = opath(name);
		held += sm_hold_fd(fd) == SM_HOLD_MODE;
		close(fd);
	}
	CU_ASSERT_EQUAL(held, 1);
	for (i = 1; i <= SM_HOLD_SLOTS; i++)
		close(fds[i]);
	sm_hold_reset();
	unit_remove_dir(dir);
}

void suite_hold(void)
{
	static const CU_TestInfo tests[] = {
		{ "a rule holds what it sets", rule_holds_what_it_sets },
		{ "held attributes stay", held_attributes_stay },
		{ "each exported call", each_exported_call },
		{ "held but not permitted: EPERM", held_but_not_permitted },
		{ "a replaced inode is not held", replaced_inode_not_held },
		{ "table full, then reclaimed", table_full_then_reclaimed },
		CU_TEST_INFO_NULL,
	};

	add_suite("hold", tests);
}
