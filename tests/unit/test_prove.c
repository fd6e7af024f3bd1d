/* test_prove.c - what a file must be to pass for the one a bind just
 * made, when sock_diag's 32-bit inode number is all that matched. */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "prove.h"
#include "unit.h"

static char dir[64];

/* A socket file dir/name, as root, made with mode 0; its O_PATH fd. */
static int made(const char *name, struct stat *st)
{
	struct sockaddr_un a;
	char path[108];
	socklen_t len = unit_addr(&a, dir, name, path);
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), fd;

	CU_ASSERT_EQUAL_FATAL(fchmod(s, 0), 0);
	CU_ASSERT_EQUAL_FATAL(bind(s, (struct sockaddr *)&a, len), 0);
	close(s);
	fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(fstat(fd, st), 0);
	return fd;
}

/* Nonzero when fd's file system records birth times. */
static int has_btime(int fd)
{
	struct statx stx;

	return statx(fd, "", AT_EMPTY_PATH, STATX_BTIME, &stx) == 0 &&
	       (stx.stx_mask & STATX_BTIME);
}

static void only_a_newborn_passes(void)
{
	struct timespec before, after;
	struct stat st;
	char path[128], link2[128];
	int fd;

	unit_make_dir(dir, "prove");
	clock_gettime(CLOCK_REALTIME_COARSE, &before);
	fd = made("new", &st);
	CU_ASSERT_TRUE(sm_prove_newborn(fd, &st, 1, &before));
	/* Mode 0 is asked only of a file born closed. */
	CU_ASSERT_EQUAL(fchmodat(AT_FDCWD, (snprintf(path, sizeof path,
				 "%s/new", dir), path), 0600, 0), 0);
	CU_ASSERT_EQUAL(fstat(fd, &st), 0);
	CU_ASSERT_FALSE(sm_prove_newborn(fd, &st, 1, &before));
	CU_ASSERT_TRUE(sm_prove_newborn(fd, &st, 0, &before));
	/* Another user's file. */
	CU_ASSERT_EQUAL(fchownat(fd, "", 12345, 12345, AT_EMPTY_PATH), 0);
	CU_ASSERT_EQUAL(fstat(fd, &st), 0);
	CU_ASSERT_FALSE(sm_prove_newborn(fd, &st, 0, &before));
	close(fd);
	/* A second link: not what a bind makes. */
	fd = made("linked", &st);
	snprintf(path, sizeof path, "%s/linked", dir);
	snprintf(link2, sizeof link2, "%s/linked2", dir);
	CU_ASSERT_EQUAL(link(path, link2), 0);
	CU_ASSERT_EQUAL(fstat(fd, &st), 0);
	CU_ASSERT_FALSE(sm_prove_newborn(fd, &st, 1, &before));
	close(fd);
	/* Born before the bind began: refused where the file system
	 * records a birth time, else the other checks are all there is. */
	fd = made("old", &st);
	clock_gettime(CLOCK_REALTIME_COARSE, &after);
	after.tv_sec += 2;
	CU_ASSERT_EQUAL(sm_prove_newborn(fd, &st, 1, &after), !has_btime(fd));
	close(fd);
	unit_remove_dir(dir);
}

void suite_prove(void)
{
	static const CU_TestInfo tests[] = {
		{ "only a newborn passes", only_a_newborn_passes },
		CU_TEST_INFO_NULL,
	};
	add_suite("prove", tests);
}
