/* test_access.c - acl= and the directory keys (issue 7): their parsers,
 * the ACL attribute byte for byte, and directories made on a real
 * filesystem (run as root). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "acl.h"
#include "apply.h"
#include "conf.h"
#include "keys.h"
#include "mkdirs.h"
#include "policy.h"
#include "unit.h"

static char dir[64];

/* A fresh private directory below /tmp (a root for the directory keys);
 * removed with its content after. */
static void make_dir(void)
{
	unit_make_dir(dir, "access");
	CU_ASSERT_EQUAL_FATAL(chmod(dir, 0755), 0);
}

static void remove_dir(void)
{
	unit_remove_dir(dir);
}

/* Parses one acl= value into r (zeroed first); NULL or the message. */
static const char *acl(const char *value, struct sm_rule *r)
{
	memset(r, 0, sizeof *r);
	return sm_parse_acl(value, r);
}

static void acl_entries_parse_sorted(void)
{
	struct sm_rule r;

	CU_ASSERT_PTR_NULL_FATAL(acl("g:33:rw,u:7:-w-,user:3:r,group:4:7,"
				     "u:0:---", &r));
	CU_ASSERT_EQUAL_FATAL(r.nacl, 5);
	CU_ASSERT(r.acl[0].tag == SM_ACL_USER && r.acl[0].id == 0 &&
		  r.acl[0].perm == 0);
	CU_ASSERT(r.acl[1].tag == SM_ACL_USER && r.acl[1].id == 3 &&
		  r.acl[1].perm == 4);
	CU_ASSERT(r.acl[2].tag == SM_ACL_USER && r.acl[2].id == 7 &&
		  r.acl[2].perm == 2);
	CU_ASSERT(r.acl[3].tag == SM_ACL_GROUP && r.acl[3].id == 4 &&
		  r.acl[3].perm == 7);
	CU_ASSERT(r.acl[4].tag == SM_ACL_GROUP && r.acl[4].id == 33 &&
		  r.acl[4].perm == 6);
	CU_ASSERT_PTR_NULL(acl("u:root:wr", &r));	/* any order */
	CU_ASSERT_EQUAL(r.acl[0].perm, 6);
}

static void acl_bad_values_name_the_entry(void)
{
	static const struct {
		const char *value, *message;
	} bad[] = {
		{ "", "empty value" },
		{ "u:1:rw,", "entry 2 '': empty entry" },
		{ "u:1:rw,,g:2:r", "entry 2 '': empty entry" },
		{ "o::rw", "entry 1 'o::rw': the tag must be u, user, g or "
		  "group (mask and other entries come from mode=)" },
		{ "m::rw", "entry 1 'm::rw': the tag must be u, user, g or "
		  "group (mask and other entries come from mode=)" },
		{ "u::rw", "entry 1 'u::rw': no name: the owner's and the "
		  "group's entries come from mode=" },
		{ "u:1", "entry 1 'u:1': expected TAG:NAME:PERMS (e.g. "
		  "u:www-data:rw)" },
		{ "u:1:rwq", "entry 1 'u:1:rwq': permissions must be letters "
		  "of rwx or -, or one octal digit" },
		{ "u:1:rr", "entry 1 'u:1:rr': permissions must be letters "
		  "of rwx or -, or one octal digit" },
		{ "u:1:", "entry 1 'u:1:': permissions must be letters of rwx "
		  "or -, or one octal digit" },
		{ "u:1:8", "entry 1 'u:1:8': permissions must be letters of "
		  "rwx or -, or one octal digit" },
		{ "u:1:rw-x", "entry 1 'u:1:rw-x': permissions must be letters "
		  "of rwx or -, or one octal digit" },
		{ "u:a:b:rw", "entry 1 'u:a:b:rw': too many ':' (a name "
		  "cannot contain one)" },
		{ "u:no-such-user-with-a-very-long-name-indeed-xxxxxxxxx:rw",
		  "entry 1 'u:no-such-user-with-a-very-long-name-indeed-x...': "
		  "unknown user" },
		{ "g:1:rw,u:1:rw,g:1:r", "entry 3 'g:1:r': that group has an "
		  "entry already" },
		{ "u:root:rw,u:0:r", "entry 2 'u:0:r': that user has an entry "
		  "already" },
		{ "u:no-such-user-x:rw", "entry 1 'u:no-such-user-x:rw': "
		  "unknown user" },
		{ "g:no-such-group-x:rw", "entry 1 'g:no-such-group-x:rw': "
		  "unknown group" },
		{ "u:1:r,u:2:r,u:3:r,u:4:r,u:5:r,u:6:r,u:7:r,u:8:r,u:9:r",
		  "entry 9 'u:9:r': too many entries (at most 8)" },
	};
	struct sm_rule r;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *err = acl(bad[i].value, &r);

		CU_ASSERT_PTR_NOT_NULL_FATAL(err);
		if (strcmp(err, bad[i].message) != 0)
			fprintf(stderr, "\nacl=%s: got '%s'\n", bad[i].value,
				err);
		CU_ASSERT_STRING_EQUAL(err, bad[i].message);
	}
}

/* The attribute, as the kernel documents it: version 2, then entries
 * of tag, perm (little-endian 16 bits each) and id (32 bits). */
static void acl_attribute_is_exact(void)
{
	static const unsigned char want[] = {
		2, 0, 0, 0,
		0x01, 0, 6, 0, 0xff, 0xff, 0xff, 0xff,	/* user::rw- */
		0x02, 0, 4, 0, 3, 0, 0, 0,		/* user:3:r-- */
		0x02, 0, 2, 0, 0x10, 0x27, 0, 0,	/* user:10000:-w- */
		0x04, 0, 4, 0, 0xff, 0xff, 0xff, 0xff,	/* group::r-- */
		0x08, 0, 3, 0, 0x01, 0x00, 0x01, 0,	/* group:65537:-wx */
		0x10, 0, 7, 0, 0xff, 0xff, 0xff, 0xff,	/* mask::rwx */
		0x20, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,	/* other::--- */
	};
	static const unsigned char groups_only[] = {
		2, 0, 0, 0,
		0x01, 0, 6, 0, 0xff, 0xff, 0xff, 0xff,	/* user::rw- */
		0x04, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,	/* group::--- */
		0x08, 0, 6, 0, 4, 0, 0, 0,		/* group:4:rw- */
		0x10, 0, 6, 0, 0xff, 0xff, 0xff, 0xff,	/* mask::rw- */
		0x20, 0, 4, 0, 0xff, 0xff, 0xff, 0xff,	/* other::r-- */
	};
	unsigned char out[SM_ACL_XATTR_MAX];
	struct sm_rule r;

	CU_ASSERT_PTR_NULL_FATAL(acl("g:65537:wx,u:10000:w,u:3:r", &r));
	CU_ASSERT_EQUAL_FATAL(sm_acl_xattr(&r, 0640, out), sizeof want);
	CU_ASSERT_EQUAL(memcmp(out, want, sizeof want), 0);
	CU_ASSERT_PTR_NULL_FATAL(acl("g:4:rw", &r));
	CU_ASSERT_EQUAL_FATAL(sm_acl_xattr(&r, 0604, out), sizeof groups_only);
	CU_ASSERT_EQUAL(memcmp(out, groups_only, sizeof groups_only), 0);
	CU_ASSERT_EQUAL(sm_acl_shown_mode(&r, 0604), 0664);
	CU_ASSERT_PTR_NULL_FATAL(acl("u:1:x", &r));
	CU_ASSERT_EQUAL(sm_acl_shown_mode(&r, 0640), 0650);
}

/* Binds a stream socket to dir/name under rule r; the socket, or -1. */
static int bind_under(const struct sm_rule *r, const char *name, char *path)
{
	struct sockaddr_un a;
	socklen_t len = unit_addr(&a, dir, name, path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (sm_apply(bind, NULL, UNIT_RULE(r), SM_ON_ERROR_FAIL, fd, (struct sockaddr *)&a,
		     len, path) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The socket file carries exactly the attribute sm_acl_xattr() builds
 * for its rule, and the kernel derived the mode from it. */
static void acl_is_set_on_the_socket_file(void)
{
	unsigned char want[SM_ACL_XATTR_MAX], got[SM_ACL_XATTR_MAX];
	struct sm_rule r;
	char path[108];
	struct stat st;
	size_t len;
	int fd;

	CU_ASSERT_PTR_NULL_FATAL(acl("u:65534:rw,g:65534:w", &r));
	r.keys = SM_HAS_ACL | SM_HAS_MODE;
	r.mode = 0600;
	make_dir();
	fd = bind_under(&r, "s", path);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	len = sm_acl_xattr(&r, 0600, want);
	CU_ASSERT_EQUAL(getxattr(path, "system.posix_acl_access", got,
				 sizeof got), (ssize_t)len);
	CU_ASSERT_EQUAL(memcmp(got, want, len), 0);
	CU_ASSERT_EQUAL(lstat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0660);	/* group bits: mask */
	close(fd);
	remove_dir();
}

/* Runs sm_dirs_prepare for path under r, checking that a walk's
 * descriptor is the socket's directory, and closes it. 0, or the
 * errno. */
static int prepare_abs(const struct sm_rule *r, const char *path, char *why)
{
	char parent[256];
	struct stat want, got;
	int fd = -2, rc;

	why[0] = '\0';
	rc = sm_dirs_prepare(r, path, &fd, why, 192) < 0 ? errno : 0;
	CU_ASSERT(rc ? fd == -1 : fd >= -1);
	if (fd >= 0) {
		snprintf(parent, sizeof parent, "%s", path);
		*strrchr(parent, '/') = '\0';
		CU_ASSERT(fstat(fd, &got) == 0 && stat(parent, &want) == 0 &&
			  got.st_ino == want.st_ino);
		close(fd);
	}
	return rc;
}

/* The same for dir/rel. */
static int prepare(const struct sm_rule *r, const char *rel, char *why)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	return prepare_abs(r, path, why);
}

/* "mode uid gid" of dir/rel, or "none". */
static const char *attrs(const char *rel)
{
	static char out[64];
	char path[256];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	if (lstat(path, &st) < 0)
		return "none";
	snprintf(out, sizeof out, "%o %u %u", (unsigned)(st.st_mode & 07777),
		 (unsigned)st.st_uid, (unsigned)st.st_gid);
	return out;
}

static void missing_directories_are_made(void)
{
	struct sm_rule r = { .keys = SM_HAS_DIRMODE | SM_HAS_DIRGROUP,
			     .dirmode = 0750, .dirgid = 65534 };
	char why[192];

	make_dir();
	CU_ASSERT_EQUAL(prepare(&r, "a/b/s", why), 0);
	CU_ASSERT_STRING_EQUAL(attrs("a"), "750 0 65534");
	CU_ASSERT_STRING_EQUAL(attrs("a/b"), "750 0 65534");
	CU_ASSERT_STRING_EQUAL(attrs("a/b/s"), "none");
	/* Existing now: without dirfix=yes nothing changes. */
	r.dirmode = 0700;
	CU_ASSERT_EQUAL(prepare(&r, "a/b/s", why), 0);
	CU_ASSERT_STRING_EQUAL(attrs("a/b"), "750 0 65534");
	/* dirfix=yes: the socket's own directory only. */
	r.keys |= SM_HAS_DIRFIX;
	r.dirfix = 1;
	CU_ASSERT_EQUAL(prepare(&r, "a/b/s", why), 0);
	CU_ASSERT_STRING_EQUAL(attrs("a/b"), "700 0 65534");
	CU_ASSERT_STRING_EQUAL(attrs("a"), "750 0 65534");
	remove_dir();
}

static void directories_are_refused(void)
{
	struct sm_rule r = { .keys = SM_HAS_DIRMODE, .dirmode = 0750 };
	char why[192], link[128], want[256];

	make_dir();
	/* A symlink below the root is never followed. */
	snprintf(link, sizeof link, "%s/l", dir);
	CU_ASSERT_EQUAL_FATAL(symlink("/", link), 0);
	CU_ASSERT_EQUAL(prepare(&r, "l/nonexistent-sockmode/s", why), ELOOP);
	snprintf(want, sizeof want, "a symlink or a non-directory is in the "
		 "way at %s/l", dir);
	CU_ASSERT_STRING_EQUAL(why, want);
	CU_ASSERT_EQUAL(access("/nonexistent-sockmode", F_OK), -1);
	/* Nor "..". */
	CU_ASSERT_EQUAL(prepare(&r, "x/../y/s", why), EACCES);
	CU_ASSERT_STRING_EQUAL(attrs("x"), "none");
	/* dirfix=yes on a directory of another user. */
	CU_ASSERT_EQUAL_FATAL(unlink(link), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(link, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(chown(link, 12345, 12345), 0);
	r.keys |= SM_HAS_DIRFIX;
	r.dirfix = 1;
	CU_ASSERT_EQUAL(prepare(&r, "l/s", why), EACCES);
	snprintf(want, sizeof want, "dirfix: not changing a directory owned "
		 "by another user: %s/l", dir);
	CU_ASSERT_STRING_EQUAL(why, want);
	CU_ASSERT_STRING_EQUAL(attrs("l"), "755 12345 12345");
	/* ... unless it is already dirowner's. */
	r.keys |= SM_HAS_DIROWNER;
	r.diruid = 12345;
	CU_ASSERT_EQUAL(prepare(&r, "l/s", why), 0);
	CU_ASSERT_STRING_EQUAL(attrs("l"), "750 12345 12345");
	/* Outside the roots, and a root itself. */
	CU_ASSERT_EQUAL(prepare_abs(&r, "/nonexistent-sockmode/a/s", why),
			EACCES);
	CU_ASSERT_STRING_EQUAL(why, "not below /run, /var/run, /tmp, /var/tmp "
			       "or /dev/shm, so no directory is made or "
			       "changed: /nonexistent-sockmode/a");
	/* dirfix=yes alone where the walk cannot go: the existing directory
	 * is used as it is (a root, outside the roots, through a symlink). */
	CU_ASSERT_EQUAL(prepare_abs(&r, "/tmp/s", why), 0);
	CU_ASSERT_EQUAL(prepare_abs(&r, "/proc/s", why), 0);
	snprintf(link, sizeof link, "%s/l2", dir);
	CU_ASSERT_EQUAL_FATAL(symlink(dir, link), 0);
	CU_ASSERT_EQUAL(prepare(&r, "l2/l/s", why), 0);
	CU_ASSERT_STRING_EQUAL(attrs("l"), "750 12345 12345");
	CU_ASSERT_STRING_EQUAL(why, "");
	CU_ASSERT_EQUAL(prepare_abs(&r, "/tmpx/a/s", why), EACCES);
	CU_ASSERT_EQUAL(access("/tmpx", F_OK), -1);
	/* No socket name: left to the bind, nothing made. */
	CU_ASSERT_EQUAL(prepare(&r, "n1/s/", why), 0);
	CU_ASSERT_EQUAL(prepare(&r, "n2/..", why), 0);
	CU_ASSERT_EQUAL(prepare(&r, "n3/.", why), 0);
	CU_ASSERT_STRING_EQUAL(attrs("n1"), "none");
	CU_ASSERT_STRING_EQUAL(attrs("n2"), "none");
	CU_ASSERT_STRING_EQUAL(attrs("n3"), "none");
	remove_dir();
}

/* dirmode= sets the permission bits exactly: an inherited access ACL
 * goes, an inherited set-group-ID bit stays. */
static void dirmode_is_exact_and_keeps_setgid(void)
{
	unsigned char acl[4 + 5 * 8] = { 2, 0, 0, 0, 1, 0, 7, 0, 0xff, 0xff,
		0xff, 0xff, 2, 0, 7, 0, 2, 0, 0, 0, 4, 0, 7, 0, 0xff, 0xff, 0xff,
		0xff, 0x10, 0, 7, 0, 0xff, 0xff, 0xff, 0xff, 0x20, 0, 5, 0, 0xff,
		0xff, 0xff, 0xff };	/* u::rwx u:2:rwx g::rwx m::rwx o::r-x */
	struct sm_rule r = { .keys = SM_HAS_DIRMODE, .dirmode = 0750 };
	char why[192], path[128], probe[8];

	make_dir();
	CU_ASSERT_EQUAL_FATAL(chmod(dir, 02755), 0);
	CU_ASSERT_EQUAL_FATAL(setxattr(dir, "system.posix_acl_default", acl,
				       sizeof acl, 0), 0);
	CU_ASSERT_EQUAL(prepare(&r, "a/s", why), 0);
	CU_ASSERT_STRING_EQUAL(attrs("a"), "2750 0 0");
	snprintf(path, sizeof path, "%s/a", dir);
	errno = 0;
	CU_ASSERT_EQUAL(getxattr(path, "system.posix_acl_access", probe,
				 sizeof probe), -1);
	CU_ASSERT_EQUAL(errno, ENODATA);
	remove_dir();
}

static void dirfix_needs_dirmode(void)
{
	static const char bad[] = "/run/a/* dirgroup=0 dirfix=yes\n"
				  "/run/b/* dirfix=maybe dirmode=0700\n";
	static const char good[] = "/run/c/* dirfix=no dirgroup=0\n"
				   "/run/d/* dirfix=yes dirmode=0711\n";
	struct sm_policy p;

	memset(&p, 0, sizeof p);
	p.rules = p.small;
	p.cap = 2;
	unit_reports[0] = '\0';
	CU_ASSERT_EQUAL(sm_conf_parse(&p, "f", bad, sizeof bad - 1, unit_collect,
				      NULL), 2);
	CU_ASSERT_STRING_EQUAL(unit_reports, "f:1:21: dirfix=yes needs dirmode= "
			       "(the mode the existing directory gets)\n"
			       "f:2:17: dirfix=maybe: must be yes or no\n");
	CU_ASSERT_EQUAL(sm_conf_parse(&p, "f", good, sizeof good - 1, unit_collect,
				      NULL), 0);
	CU_ASSERT_EQUAL_FATAL(p.nrules, 2);
	CU_ASSERT_EQUAL(p.rules[0].dirfix, 0);
	CU_ASSERT_EQUAL(p.rules[1].keys, SM_HAS_DIRFIX | SM_HAS_DIRMODE);
	CU_ASSERT_EQUAL(p.rules[1].dirmode, 0711);
	sm_policy_free(&p);
}

void suite_access(void)
{
	static const CU_TestInfo tests[] = {
		{ "acl entries parse, sorted", acl_entries_parse_sorted },
		{ "acl bad values name the entry",
		  acl_bad_values_name_the_entry },
		{ "acl attribute is exact", acl_attribute_is_exact },
		{ "acl is set on the socket file",
		  acl_is_set_on_the_socket_file },
		{ "missing directories are made", missing_directories_are_made },
		{ "directories are refused", directories_are_refused },
		{ "dirmode is exact and keeps setgid",
		  dirmode_is_exact_and_keeps_setgid },
		{ "dirfix needs dirmode", dirfix_needs_dirmode },
		CU_TEST_INFO_NULL,
	};

	add_suite("access", tests);
}
