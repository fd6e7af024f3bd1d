/* rawthread.c - a thread glibc does not know about (issue 12, 8): made
 * with a raw clone(CLONE_VM|CLONE_FS|CLONE_THREAD...), as Go runtimes,
 * JITs and sandboxes make them, so __libc_single_threaded stays true. It
 * keeps creating files (mode 0666 asked) and checks each one's mode
 * against the umask the process had at start, while the main thread
 * binds datagram sockets:
 *
 *   EXPECT_MODE=0755 rawthread PATH N SECONDS
 *
 * Each socket file must end with EXPECT_MODE. With FSUID=N, each socket
 * is created as root and bound with the file-system uid N (the library's
 * fallback path, as bornloop). Prints "binds= failed= lasterr=
 * badsocks= files= badfiles=". Exit 0; the test decides.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "testutil.h"

static char file[4200];
static mode_t want_file;
static long files, badfiles;
static int stop, done;

/* The raw thread: system calls only (it shares the main thread's TLS). */
static int creator(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		struct stat st;
		long fd = syscall(SYS_openat, AT_FDCWD, file,
				  O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);

		if (fd < 0)
			continue;
		if (syscall(SYS_fstat, fd, &st) == 0 &&
		    (st.st_mode & 07777) != want_file)
			__atomic_add_fetch(&badfiles, 1, __ATOMIC_RELAXED);
		syscall(SYS_close, fd);
		syscall(SYS_unlinkat, AT_FDCWD, file, 0);
		__atomic_add_fetch(&files, 1, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
	return 0;
}

int main(int argc, char **argv)
{
	static char stack[65536] __attribute__((aligned(16)));
	const char *em = getenv("EXPECT_MODE"), *fs = getenv("FSUID");
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	long n, binds = 0, failed = 0, badsocks = 0;
	int lasterr = 0;
	mode_t want_sock, mask;
	double end;

	if (argc != 4 || !em) {
		fputs("usage: EXPECT_MODE=0755 rawthread PATH N SECONDS\n", stderr);
		return 2;
	}
	want_sock = (mode_t)strtoul(em, NULL, 8);
	snprintf(a.sun_path, sizeof a.sun_path, "%s", argv[1]);
	snprintf(file, sizeof file, "%s.file", argv[1]);
	n = atol(argv[2]);
	end = now() + atof(argv[3]);
	mask = umask(022);
	umask(mask);
	want_file = 0666 & ~mask;
	if (clone(creator, stack + sizeof stack, CLONE_VM | CLONE_FS |
		  CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM,
		  NULL) < 0) {
		perror("clone");
		return 2;
	}
	while (binds < n && now() < end) {
		int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		struct stat st;
		int rc;

		if (s < 0)
			return 2;
		if (fs)
			setfsuid((uid_t)atoi(fs));
		rc = bind(s, (struct sockaddr *)&a, sizeof a);
		if (rc < 0)
			lasterr = errno;
		if (fs)
			setfsuid(0);
		binds++;
		if (rc < 0)
			failed++;
		else if (lstat(a.sun_path, &st) < 0 ||
			 (st.st_mode & 07777) != want_sock)
			badsocks++;
		close(s);
		unlink(a.sun_path);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE))
		usleep(1000);
	printf("binds=%ld failed=%ld lasterr=%d badsocks=%ld files=%ld "
	       "badfiles=%ld\n", binds, failed, lasterr, badsocks, files,
	       badfiles);
	return 0;
}
