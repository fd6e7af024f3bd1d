/* reach.c - how the supervisor reaches into the supervised program: its
 * memory, its namespaces, its descriptors (SPEC 7). Every fact about the
 * thread that called bind() is read through one descriptor of its /proc
 * directory (procfd), which names that thread and no other: a reused
 * thread id cannot slip in between two reads. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "log.h"
#include "super.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL	/* Linux >= 6.9: a pidfd for one thread */
#endif

/* How to get a refused read or descriptor in a default container. */
#define PTRACE_FIX "Docker's default seccomp profile refuses it without " \
	"CAP_SYS_PTRACE: docker run --cap-add SYS_PTRACE"

static struct stat userns_st;		/* our user namespace */
static int netns_fd = -1;		/* our network namespace */
static struct stat netns_st;

int sup_reach_init(void)
{
	netns_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (netns_fd < 0 || fstat(netns_fd, &netns_st) < 0 ||
	    stat("/proc/thread-self/ns/user", &userns_st) < 0)
		return -1;
	return 0;
}

/* The kernel's answer for a read of memory that is not there. */
static ssize_t unmapped(void)
{
	errno = EFAULT;
	return -1;
}

ssize_t sup_read_mem(int procfd, pid_t tid, void *buf, size_t len,
		     uint64_t addr)
{
	struct iovec local = { buf, len };
	/* An address in the program, only ever handed to the kernel. */
	struct iovec remote = { (void *)(uintptr_t)addr, len }; /* NOLINT(performance-no-int-to-ptr) */
	ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	int fd, err;

	if (n >= 0 || (errno != EPERM && errno != ENOSYS))
		return n;
	/* Refused by a filter (or ptrace rules): the same access check,
	 * without the system call such profiles block. */
	if ((off_t)addr < 0)
		return unmapped();
	fd = openat(procfd, "mem", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pread(fd, buf, len, (off_t)addr);
	err = errno;
	close(fd);
	if (n < 0 && err == EIO)	/* what /proc/TID/mem says */
		return unmapped();
	errno = err;
	return n;
}

int sup_same_userns(int procfd)
{
	struct stat st;

	if (fstatat(procfd, "ns/user", &st, 0) < 0)
		return -1;
	return st.st_dev == userns_st.st_dev && st.st_ino == userns_st.st_ino;
}

int sup_enter_netns(int procfd, int *entered, const char **why)
{
	struct stat st;
	int fd = openat(procfd, "ns/net", O_RDONLY | O_CLOEXEC), err;

	*entered = 0;
	if (fd < 0 || fstat(fd, &st) < 0) {
		err = errno;
		if (fd >= 0)
			close(fd);
		*why = "cannot see the program's network namespace";
		errno = err;
		return -1;
	}
	if (st.st_dev == netns_st.st_dev && st.st_ino == netns_st.st_ino) {
		close(fd);
		return 0;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		err = errno;
		close(fd);
		*why = "the program is in another network namespace, where "
		       "the proof of its socket must be asked, and the "
		       "supervisor cannot enter it (needs CAP_SYS_ADMIN)";
		errno = err;
		return -1;
	}
	close(fd);
	*entered = 1;
	return 0;
}

void sup_leave_netns(void)
{
	char ebuf[32];

	if (setns(netns_fd, CLONE_NEWNET) == 0)
		return;
	sm_log(SM_LOG_ERROR, "supervisor: cannot get back to its own network "
	       "namespace: %s; exiting", sm_strerror(errno, ebuf, sizeof ebuf));
	_exit(111);
}

int sup_open_pidfd(pid_t tid, pid_t tgid, int *whole)
{
	int fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);

	*whole = 0;
	if (fd < 0 && errno == EINVAL) {	/* before Linux 6.9 */
		fd = (int)syscall(SYS_pidfd_open, tgid, 0);
		*whole = 1;
	}
	return fd;
}

int sup_take_fd(int pidfd, int whole, int procfd, int fd, const char **why)
{
	struct stat got, theirs;
	char name[32];
	int copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0), err;

	*why = "cannot take the program's socket (pidfd_getfd)";
	if (copy < 0 || !whole)
		return copy;
	/* pidfd_getfd() of a process pidfd reads the leader's table; a
	 * thread after unshare(CLONE_FILES) has its own, which its /proc
	 * directory shows. */
	snprintf(name, sizeof name, "fd/%d", fd);
	if (fstatat(procfd, name, &theirs, 0) < 0) {
		err = errno == ENOENT ? EBADF : errno;
		close(copy);
		errno = err;
		return -1;
	}
	if (fstat(copy, &got) < 0 || got.st_dev != theirs.st_dev ||
	    got.st_ino != theirs.st_ino) {
		close(copy);
		*why = "the thread has a descriptor table of its own "
		       "(unshare(CLONE_FILES)), and before Linux 6.9 the "
		       "supervisor can take descriptors only from the "
		       "process's main table: cannot bind for it";
		errno = 0;
		return -1;
	}
	return copy;
}

int sup_probe(pid_t pid, const uint32_t *word, uint32_t want, int fd,
	      const char **why)
{
	char dir[32];
	uint32_t got = 0;
	int procfd, pidfd, copy, whole, err;
	ssize_t n;

	snprintf(dir, sizeof dir, "/proc/%d", (int)pid);
	procfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0) {
		*why = "the supervisor cannot see the program in /proc";
		return -1;
	}
	n = sup_read_mem(procfd, pid, &got, sizeof got, (uintptr_t)word);
	err = errno;
	close(procfd);
	if (n != (ssize_t)sizeof got || got != want) {
		*why = "the supervisor cannot read the program's memory "
		       "(process_vm_readv and /proc/PID/mem refused; "
		       PTRACE_FIX ")";
		errno = n < 0 ? err : 0;
		return -1;
	}
	pidfd = sup_open_pidfd(pid, pid, &whole);
	if (pidfd < 0) {
		*why = "the supervisor cannot open the program's pidfd";
		return -1;
	}
	copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	err = errno;
	close(pidfd);
	if (copy < 0) {
		*why = "the supervisor cannot take the program's sockets "
		       "(pidfd_getfd refused; " PTRACE_FIX ")";
		errno = err;
		return -1;
	}
	close(copy);
	return 0;
}
