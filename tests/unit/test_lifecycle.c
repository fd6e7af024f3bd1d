/* test_lifecycle.c - stale=unlink and remove=exit (issue 7): their
 * parsers, and what they do on real sockets (run as root). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apply.h"
#include "conf.h"
#include "keys.h"
#include "onexit.h"
#include "policy.h"
#include "stale.h"
#include "unit.h"

static char dir[64];

/* A fresh private directory per test; removed with its content after. */
static void make_dir(void)
{
	unit_make_dir(dir, "lc");
}

static void remove_dir(void)
{
	unit_remove_dir(dir);
}

/* The key row called name. */
static const struct sm_key *key(const char *name)
{
	const struct sm_key *k = sm_key_find(name, strlen(name));

	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	return k;
}

static void keys_parse_exactly(void)
{
	struct sm_rule r = { 0 };

	CU_ASSERT_STRING_EQUAL(key("stale")->env, "SOCKMODE_STALE");
	CU_ASSERT_STRING_EQUAL(key("remove")->env, "SOCKMODE_REMOVE");
	CU_ASSERT_PTR_NULL(key("stale")->parse("unlink", &r));
	CU_ASSERT_EQUAL(r.stale, SM_STALE_UNLINK);
	CU_ASSERT_PTR_NULL(key("remove")->parse("exit", &r));
	CU_ASSERT_EQUAL(r.remove, SM_REMOVE_EXIT);
	CU_ASSERT_STRING_EQUAL(key("stale")->parse("", &r), "empty value");
	CU_ASSERT_STRING_EQUAL(key("stale")->parse("yes", &r), "must be unlink");
	CU_ASSERT_STRING_EQUAL(key("stale")->parse("Unlink", &r),
			       "must be unlink");
	CU_ASSERT_STRING_EQUAL(key("stale")->parse("unlink ", &r),
			       "must be unlink");
	CU_ASSERT_STRING_EQUAL(key("remove")->parse("", &r), "empty value");
	CU_ASSERT_STRING_EQUAL(key("remove")->parse("never", &r),
			       "must be exit");
	CU_ASSERT_STRING_EQUAL(key("remove")->parse("exit1", &r),
			       "must be exit");
}

static void rules_file_and_environment_accept_them(void)
{
	static const char good[] = "/run/a/* stale=unlink remove=exit\n";
	static const char bad[] = "/run/x stale=yes\n/run/y mode=0600 remove=\n"
				  "/run/z stale=unlink stale=unlink\n";
	static const char *const env[] = { "SOCKMODE_STALE=unlink",
					   "SOCKMODE_REMOVE=exit", NULL };
	static const char *const badenv[] = { "SOCKMODE_STALE=on",
					      "SOCKMODE_REMOVE=atexit", NULL };
	struct sm_policy p;

	memset(&p, 0, sizeof p);
	p.rules = p.small;
	p.cap = 2;
	unit_reports[0] = '\0';
	CU_ASSERT_EQUAL(sm_conf_parse(&p, "f", good, sizeof good - 1, unit_collect,
				      NULL), 0);
	CU_ASSERT_EQUAL_FATAL(p.nrules, 1);
	CU_ASSERT_EQUAL(p.rules[0].keys, SM_HAS_STALE | SM_HAS_REMOVE);
	CU_ASSERT_EQUAL(p.rules[0].stale, SM_STALE_UNLINK);
	CU_ASSERT_EQUAL(p.rules[0].remove, SM_REMOVE_EXIT);
	CU_ASSERT_EQUAL(sm_conf_parse(&p, "f", bad, sizeof bad - 1, unit_collect,
				      NULL), 3);
	CU_ASSERT_STRING_EQUAL(unit_reports, "f:1:14: stale=yes: must be unlink\n"
			       "f:2:25: remove=: empty value\n"
			       "f:3:21: duplicate key 'stale'\n");
	sm_policy_free(&p);

	unit_env = env;
	CU_ASSERT_EQUAL(sm_policy_load(&p, unit_getenv, 0, NULL, unit_collect,
				       NULL), 0);
	CU_ASSERT_EQUAL_FATAL(p.nrules, 1);
	CU_ASSERT_EQUAL(p.rules[0].keys, SM_HAS_STALE | SM_HAS_REMOVE);
	sm_policy_free(&p);
	unit_env = badenv;
	unit_reports[0] = '\0';
	CU_ASSERT_EQUAL(sm_policy_load(&p, unit_getenv, 0, NULL, unit_collect,
				       NULL), 2);
	CU_ASSERT_FALSE(p.valid);
	CU_ASSERT_STRING_EQUAL(unit_reports, "SOCKMODE_STALE=\"on\": must be unlink\n"
			       "SOCKMODE_REMOVE=\"atexit\": must be exit\n");
	sm_policy_free(&p);
}

/* A socket of type bound to name (a plain bind); its fd. */
static int plain_bound(int type, const char *name)
{
	struct sockaddr_un a;
	char path[sizeof a.sun_path];
	socklen_t len = unit_addr(&a, dir, name, path);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	CU_ASSERT_TRUE_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(bind(fd, (struct sockaddr *)&a, len), 0);
	return fd;
}

/* sm_apply() of a new stream socket to name under rule r: 0, or the
 * errno of the failed bind. The socket stays open in *fd when fd is not
 * NULL, else it is closed. */
static int apply_fd(const struct sm_rule *r, const char *name, int *fd)
{
	struct sockaddr_un a;
	char path[sizeof a.sun_path];
	socklen_t len = unit_addr(&a, dir, name, path);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), err = 0;

	CU_ASSERT_TRUE_FATAL(s >= 0);
	if (sm_apply(bind, NULL, UNIT_RULE(r), SM_ON_ERROR_FAIL, s,
		     (struct sockaddr *)&a,
		     len, path) < 0)
		err = errno;
	if (fd)
		*fd = s;
	else
		close(s);
	return err;
}

static int apply_errno(const struct sm_rule *r, const char *name)
{
	return apply_fd(r, name, NULL);
}

/* An O_PATH descriptor of dir/name: holds its inode, so that a new file
 * cannot get the same inode number while the test looks. */
static int hold(const char *name)
{
	return unit_opath(dir, name);
}

/* The inode at dir/name (lstat), or 0 when there is none. */
static ino_t inode_of(const char *name)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return lstat(path, &st) == 0 ? st.st_ino : 0;
}

static const struct sm_rule stale_rule = {
	.keys = SM_HAS_MODE | SM_HAS_STALE, .mode = 0600,
	.stale = SM_STALE_UNLINK,
};

static void stale_socket_is_removed(void)
{
	const struct sm_rule plain = { .keys = SM_HAS_MODE, .mode = 0600 };
	ino_t old;
	int held[2];

	make_dir();
	close(plain_bound(SOCK_STREAM, "s"));	/* a dead server's file */
	held[0] = hold("s");
	old = inode_of("s");
	CU_ASSERT_EQUAL(apply_errno(&plain, "s"), EADDRINUSE);
	CU_ASSERT_EQUAL(inode_of("s"), old);
	CU_ASSERT_EQUAL(apply_errno(&stale_rule, "s"), 0);
	CU_ASSERT_NOT_EQUAL(inode_of("s"), 0);
	CU_ASSERT_NOT_EQUAL(inode_of("s"), old);
	close(plain_bound(SOCK_DGRAM, "d"));	/* a dead datagram one too */
	held[1] = hold("d");
	old = inode_of("d");
	CU_ASSERT_EQUAL(apply_errno(&stale_rule, "d"), 0);
	CU_ASSERT_NOT_EQUAL(inode_of("d"), 0);
	CU_ASSERT_NOT_EQUAL(inode_of("d"), old);
	close(held[0]);
	close(held[1]);
	remove_dir();
}

static void live_sockets_are_kept(void)
{
	int bound, listening, dgram;
	ino_t a, b, c;

	make_dir();
	bound = plain_bound(SOCK_STREAM, "bound");	/* no listen() */
	listening = plain_bound(SOCK_STREAM, "listening");
	CU_ASSERT_EQUAL(listen(listening, 1), 0);
	dgram = plain_bound(SOCK_DGRAM, "dgram");
	a = inode_of("bound");
	b = inode_of("listening");
	c = inode_of("dgram");
	CU_ASSERT_EQUAL(apply_errno(&stale_rule, "bound"), EADDRINUSE);
	CU_ASSERT_EQUAL(apply_errno(&stale_rule, "listening"), EADDRINUSE);
	CU_ASSERT_EQUAL(apply_errno(&stale_rule, "dgram"), EADDRINUSE);
	CU_ASSERT_EQUAL(inode_of("bound"), a);
	CU_ASSERT_EQUAL(inode_of("listening"), b);
	CU_ASSERT_EQUAL(inode_of("dgram"), c);
	close(bound);
	close(listening);
	close(dgram);
	remove_dir();
}

static void files_and_symlinks_are_kept(void)
{
	char file[128], target[128], link[128];
	ino_t f, l, t;
	FILE *fp;

	make_dir();
	snprintf(file, sizeof file, "%s/file", dir);
	fp = fopen(file, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fclose(fp);
	close(plain_bound(SOCK_STREAM, "dead"));
	snprintf(target, sizeof target, "%s/dead", dir);
	snprintf(link, sizeof link, "%s/link", dir);
	CU_ASSERT_EQUAL_FATAL(symlink(target, link), 0);
	f = inode_of("file");
	l = inode_of("link");
	t = inode_of("dead");
	CU_ASSERT_EQUAL(apply_errno(&stale_rule, "file"), EADDRINUSE);
	CU_ASSERT_EQUAL(apply_errno(&stale_rule, "link"), EADDRINUSE);
	CU_ASSERT_EQUAL(inode_of("file"), f);
	CU_ASSERT_EQUAL(inode_of("link"), l);
	CU_ASSERT_EQUAL(inode_of("dead"), t);
	CU_ASSERT_EQUAL(sm_stale_remove(link), 0);
	CU_ASSERT_EQUAL(sm_stale_remove(target), 1);	/* itself: dead */
	CU_ASSERT_EQUAL(inode_of("dead"), 0);
	remove_dir();
}

/* Swaps dir/s for another dead socket file, as a racing process could. */
static void swap_in_another(void)
{
	char s[128], t[128];

	snprintf(s, sizeof s, "%s/s", dir);
	snprintf(t, sizeof t, "%s/other", dir);
	CU_ASSERT_EQUAL(rename(t, s), 0);
}

static void entry_swapped_after_the_probe_is_kept(void)
{
	ino_t other;
	int held[2];

	make_dir();
	close(plain_bound(SOCK_STREAM, "s"));
	close(plain_bound(SOCK_STREAM, "other"));
	held[0] = hold("s");	/* no inode number reused meanwhile */
	held[1] = hold("other");
	other = inode_of("other");
	sm_stale_probed_hook = swap_in_another;
	CU_ASSERT_EQUAL(apply_errno(&stale_rule, "s"), EADDRINUSE);
	sm_stale_probed_hook = NULL;
	CU_ASSERT_EQUAL(inode_of("s"), other);	/* not removed: not probed */
	close(held[0]);
	close(held[1]);
	remove_dir();
}

static const struct sm_rule remove_rule = { .keys = SM_HAS_REMOVE,
					    .remove = SM_REMOVE_EXIT };

/* sm_apply() under remove=exit, the way the preloaded library runs it. */
static int bind_remembered(const char *name)
{
	return apply_errno(&remove_rule, name);
}

static void onexit_removes_only_our_inodes(void)
{
	char path[128], cwd[256];
	FILE *fp;
	int held, a_fd;

	make_dir();
	sm_onexit_reset();
	sm_onexit_enabled = 1;
	CU_ASSERT_EQUAL(apply_fd(&remove_rule, "a", &a_fd), 0);	/* held */
	CU_ASSERT_EQUAL(bind_remembered("b"), 0);
	/* A relative bind is remembered by its absolute path. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof cwd));
	CU_ASSERT_EQUAL_FATAL(chdir(dir), 0);
	{
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		strcpy(a.sun_path, "rel");
		CU_ASSERT_EQUAL(sm_apply(bind, NULL, UNIT_RULE(&(struct sm_rule){
				.keys = SM_HAS_REMOVE }), SM_ON_ERROR_FAIL, fd,
				(struct sockaddr *)&a, sizeof a, "rel"), 0);
		close(fd);
	}
	CU_ASSERT_EQUAL_FATAL(chdir(cwd), 0);
	/* b is replaced by a regular file, c by another socket file: not
	 * ours any more. */
	CU_ASSERT_EQUAL(bind_remembered("c"), 0);
	snprintf(path, sizeof path, "%s/b", dir);
	CU_ASSERT_EQUAL(unlink(path), 0);
	fp = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fclose(fp);
	held = hold("c");	/* its inode number is not reused */
	snprintf(path, sizeof path, "%s/c", dir);
	CU_ASSERT_EQUAL(unlink(path), 0);
	close(plain_bound(SOCK_STREAM, "c"));
	/* A forked child's exit leaves a socket its parent still holds. */
	{
		pid_t pid = fork();
		int status;

		CU_ASSERT_TRUE_FATAL(pid >= 0);
		if (pid == 0)
			_exit((int)sm_onexit_run());
		CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
		CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	}
	CU_ASSERT_NOT_EQUAL(inode_of("a"), 0);
	/* And removes the one nobody holds: rel's socket is closed. */
	CU_ASSERT_EQUAL(inode_of("rel"), 0);
	CU_ASSERT_EQUAL(sm_onexit_run(), 1);	/* a: held by us only */
	CU_ASSERT_EQUAL(inode_of("a"), 0);
	CU_ASSERT_NOT_EQUAL(inode_of("b"), 0);
	CU_ASSERT_NOT_EQUAL(inode_of("c"), 0);
	CU_ASSERT_EQUAL(sm_onexit_run(), 0);	/* each entry once */
	close(held);
	close(a_fd);
	sm_onexit_enabled = 0;
	remove_dir();
}

static void onexit_table_is_bounded(void)
{
	char path[128];
	struct stat st;
	unsigned i;

	make_dir();
	sm_onexit_reset();
	close(plain_bound(SOCK_STREAM, "t"));
	snprintf(path, sizeof path, "%s/t", dir);
	CU_ASSERT_EQUAL_FATAL(lstat(path, &st), 0);
	for (i = 0; i < SM_ONEXIT_SLOTS; i++)
		CU_ASSERT_EQUAL(sm_onexit_remember(path, &st), 0);
	CU_ASSERT_EQUAL(sm_onexit_remember(path, &st), -1);
	CU_ASSERT_EQUAL(sm_onexit_remember(path, &st), -1);
	CU_ASSERT_EQUAL(sm_onexit_run(), 1);	/* the first; then gone */
	sm_onexit_reset();
	/* A path whose entry is not the socket is not remembered. */
	CU_ASSERT_EQUAL(sm_onexit_remember("/nonexistent/s", &st), -1);
	sm_onexit_reset();
	/* Without sm_onexit_enabled (the supervisor), nothing is kept. */
	CU_ASSERT_EQUAL(bind_remembered("s"), 0);
	CU_ASSERT_EQUAL(sm_onexit_run(), 0);
	CU_ASSERT_NOT_EQUAL(inode_of("s"), 0);
	remove_dir();
}

void suite_lifecycle(void)
{
	static const CU_TestInfo tests[] = {
		{ "stale/remove keys parse exactly", keys_parse_exactly },
		{ "rules file and environment accept them",
		  rules_file_and_environment_accept_them },
		{ "stale socket is removed", stale_socket_is_removed },
		{ "live sockets are kept", live_sockets_are_kept },
		{ "files and symlinks are kept", files_and_symlinks_are_kept },
		{ "entry swapped after the probe is kept",
		  entry_swapped_after_the_probe_is_kept },
		{ "remove=exit removes only our inodes",
		  onexit_removes_only_our_inodes },
		{ "remove=exit table is bounded", onexit_table_is_bounded },
		CU_TEST_INFO_NULL,
	};
	add_suite("lifecycle", tests);
}
