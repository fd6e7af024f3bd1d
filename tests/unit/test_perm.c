/* test_perm.c - cli/access.c against the kernel itself (issue 16): for
 * a table of modes x ACLs x users x groups, the module's answer equals
 * what faccessat() says in a child that really is that user. As root. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "access.h"
#include "unit.h"

/* Files are owned by OWNER:GROUP; NAMED and NGROUP appear in ACLs. */
enum { OWNER = 12345, GROUP = 4000, NAMED = 23456, NGROUP = 5000,
       STRANGER = 34567, NOGRP = 1 };

/* The users of the table. */
#define U(u, g, n, ...) { .uid = u, .gid = g, .ngroups = n, \
			  .groups = { __VA_ARGS__ } }
static const struct ac_user users[] = {
	U(0, 0, 0, 0),				/* root */
	U(OWNER, NOGRP, 0, 0),			/* the owner */
	U(OWNER, GROUP, 0, 0),			/* owner, in group */
	U(NAMED, NOGRP, 0, 0),			/* ACL user */
	U(NAMED, GROUP, 0, 0),			/* ACL user + group */
	U(STRANGER, GROUP, 0, 0),		/* primary group */
	U(STRANGER, NOGRP, 1, GROUP),		/* supplementary */
	U(STRANGER, NOGRP, 1, NGROUP),		/* ACL group */
	U(STRANGER, NOGRP, 2, GROUP, NGROUP),	/* both groups */
	U(STRANGER, NOGRP, 0, 0),		/* other */
};
#define NUSERS (sizeof users / sizeof users[0])

/* ACL variants: named entries (tag, perm, id) and the group:: perm; the
 * owner, mask and other entries come from the file's mode. */
struct variant {
	unsigned group_obj;
	unsigned n;
	struct ac_acl_entry e[3];
};
static const struct variant variants[] = {
	{ 0, 0, { { 0, 0, 0 } } },	/* no ACL at all */
	{ 4, 1, { { AC_TAG_USER, 6, NAMED } } },
	{ 0, 1, { { AC_TAG_GROUP, 7, NGROUP } } },
	{ 6, 2, { { AC_TAG_USER, 5, NAMED }, { AC_TAG_GROUP, 2, NGROUP } } },
	{ 1, 3, { { AC_TAG_USER, 7, NAMED }, { AC_TAG_GROUP, 3, GROUP },
		  { AC_TAG_GROUP, 4, NGROUP } } },
};
#define NVARIANTS (sizeof variants / sizeof variants[0])
#define NMODES 512
#define NFILES (2 * (unsigned)NVARIANTS * NMODES)	/* files, then directories */

static char dir[64];

/* Appends one xattr entry at p; returns the next position. */
static unsigned char *put(unsigned char *p, unsigned tag, unsigned perm,
			  unsigned id)
{
	p[0] = (unsigned char)tag;
	p[1] = (unsigned char)(tag >> 8);
	p[2] = (unsigned char)perm;
	p[3] = 0;
	p[4] = (unsigned char)id;
	p[5] = (unsigned char)(id >> 8);
	p[6] = (unsigned char)(id >> 16);
	p[7] = (unsigned char)(id >> 24);
	return p + 8;
}

/* Sets variant v's ACL on path for mode (the kernel keeps the mode). */
static int set_acl(const char *path, const struct variant *v, unsigned mode)
{
	unsigned char buf[4 + 8 * 8], *p = buf;
	unsigned i;

	memcpy(p, "\2\0\0\0", 4);
	p = put(p + 4, AC_TAG_USER_OBJ, mode >> 6 & 7, ~0u);
	for (i = 0; i < v->n && v->e[i].tag == AC_TAG_USER; i++)
		p = put(p, AC_TAG_USER, v->e[i].perm, v->e[i].id);
	p = put(p, AC_TAG_GROUP_OBJ, v->group_obj, ~0u);
	for (; i < v->n; i++)
		p = put(p, AC_TAG_GROUP, v->e[i].perm, v->e[i].id);
	p = put(p, AC_TAG_MASK, mode >> 3 & 7, ~0u);
	p = put(p, AC_TAG_OTHER, mode & 7, ~0u);
	return setxattr(path, "system.posix_acl_access", buf,
			(size_t)(p - buf), 0);
}

/* The path of file number i. */
static void file_path(unsigned i, char *out, size_t size)
{
	snprintf(out, size, "%s/%c%u", dir, i < NFILES / 2 ? 'f' : 'd', i);
}

/* Makes the table's files and directories. Returns how many it made. */
static unsigned make_files(void)
{
	char path[96];
	unsigned i, made = 0;

	for (i = 0; i < NFILES; i++) {
		unsigned mode = i % NMODES;
		const struct variant *v = &variants[(i / NMODES) % NVARIANTS];
		int isdir = i >= NFILES / 2, fd;

		file_path(i, path, sizeof path);
		if (isdir) {
			if (mkdir(path, 0700) < 0)
				continue;
		} else {
			fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
				  0600);
			if (fd < 0)
				continue;
			close(fd);
		}
		if (chown(path, OWNER, GROUP) < 0 || chmod(path, mode) < 0 ||
		    (v->n && set_acl(path, v, mode) < 0))
			continue;
		made++;
	}
	return made;
}

/* In a child that is user u: faccessat() of every file for read, write
 * and execute, one byte each ('1' allowed) into out (3 * NFILES). */
static int kernel_answers(const struct ac_user *u, char *out)
{
	int p[2], status;
	size_t got = 0;
	pid_t pid;

	if (pipe(p) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		char path[96], c;
		unsigned i, k;

		close(p[0]);
		if (setgroups(u->ngroups, u->groups) < 0 ||
		    setresgid(u->gid, u->gid, u->gid) < 0 ||
		    setresuid(u->uid, u->uid, u->uid) < 0)
			_exit(1);
		for (i = 0; i < NFILES; i++) {
			file_path(i, path, sizeof path);
			for (k = 0; k < 3; k++) {
				c = faccessat(AT_FDCWD, path,
					      k == 0 ? R_OK : k == 1 ? W_OK
					      : X_OK, AT_EACCESS) == 0
				    ? '1' : '0';
				if (write(p[1], &c, 1) != 1)
					_exit(1);
			}
		}
		_exit(0);
	}
	close(p[1]);
	while (got < 3 * NFILES) {
		ssize_t n = read(p[0], out + got, 3 * NFILES - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(p[0]);
	waitpid(pid, &status, 0);
	return got == 3 * NFILES && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void test_access_equals_the_kernel(void)
{
	static char kernel[3 * NFILES];
	unsigned u, i, k, wrong = 0, yes = 0, no = 0, masked = 0;
	char path[96];

	if (geteuid() != 0) {
		fprintf(stderr, "\n  test_perm: not root, cannot become users\n");
		CU_FAIL("needs root to be the table's users");
		return;
	}
	unit_make_dir(dir, "perm");
	CU_ASSERT_EQUAL_FATAL(chmod(dir, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(make_files(), NFILES);
	for (u = 0; u < NUSERS; u++) {
		CU_ASSERT_EQUAL_FATAL(kernel_answers(&users[u], kernel), 0);
		for (i = 0; i < NFILES; i++) {
			struct ac_inode ino;
			int fd;

			file_path(i, path, sizeof path);
			fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
			CU_ASSERT_FATAL(fd >= 0);
			CU_ASSERT_EQUAL_FATAL(ac_inode_of_fd(fd, &ino), 0);
			close(fd);
			for (k = 0; k < 3; k++) {
				struct ac_verdict v;
				int mine = ac_may(&users[u], &ino, 4 >> k, &v);
				int theirs = kernel[3 * i + k] == '1';

				masked += v.masked;
				if (mine == theirs) {
					yes += mine;
					no += !mine;
					continue;
				}
				if (wrong++ < 5)
					fprintf(stderr, "\n  %s mode %04o acl %u:"
						" uid %u %c: kernel %d, module"
						" %d", path, i % NMODES,
						(unsigned)((i / NMODES) % NVARIANTS),
						(unsigned)users[u].uid,
						"rwx"[k], theirs, mine);
			}
		}
	}
	CU_ASSERT_EQUAL(wrong, 0);
	/* The table exercises both answers and the mask. */
	CU_ASSERT(yes > 10000 && no > 10000 && masked > 100);
	unit_remove_dir(dir);
}

/* The parser refuses what is not an access ACL attribute. */
static void test_access_parse_refuses_garbage(void)
{
	static const unsigned char v1[12] = { 1, 0, 0, 0, 1, 0, 6, 0 };
	static const unsigned char odd[7] = { 2, 0, 0, 0, 1, 0, 6 };
	struct ac_inode ino;

	CU_ASSERT_EQUAL(ac_parse_acl(v1, sizeof v1, &ino), -1);
	CU_ASSERT_EQUAL(ac_parse_acl(odd, sizeof odd, &ino), -1);
	CU_ASSERT_EQUAL(ino.nacl, 0);
}

static const CU_TestInfo tests[] = {
	{ "the access module answers as faccessat does",
	  test_access_equals_the_kernel },
	{ "ACL attributes that are not version 2 are refused",
	  test_access_parse_refuses_garbage },
	CU_TEST_INFO_NULL,
};

void suite_perm(void)
{
	add_suite("perm (who may, issue 16)", tests);
}
