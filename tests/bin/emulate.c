/*
 * emulate - runs a command as if on an older kernel or in a default
 * container, by a seccomp filter that refuses what those refuse:
 *
 *   emulate linux-6.8 -- CMD...  pidfd_open(PID, PIDFD_THREAD) fails with
 *                                EINVAL (no thread pidfds before 6.9)
 *   emulate no-vm-readv -- CMD... process_vm_readv(2) fails with EPERM
 *   emulate docker -- CMD...     process_vm_readv, pidfd_getfd and kcmp
 *                                fail with EPERM, as under Docker's
 *                                default seccomp profile without
 *                                CAP_SYS_PTRACE
 *
 * Sets no_new_privs (so no privilege is needed) and execs CMD. The filter
 * is inherited: a supervisor that CMD forks gets it too.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

#define NR offsetof(struct seccomp_data, nr)
#define ARG1 offsetof(struct seccomp_data, args[1])
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
#define ALLOW RET(SECCOMP_RET_ALLOW)
#define ERR(e) RET(SECCOMP_RET_ERRNO | (e))
#define IS(nr, yes, no) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), (yes), (no))

int main(int argc, char **argv)
{
	/* linux-6.8: pidfd_open with PIDFD_THREAD in its flags. */
	struct sock_filter old[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR),
		IS(SYS_pidfd_open, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG1),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PIDFD_THREAD, 0, 1),
		ERR(EINVAL),
		ALLOW,
	};
	struct sock_filter vm[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR),
		IS(SYS_process_vm_readv, 0, 1),
		ERR(EPERM),
		ALLOW,
	};
	struct sock_filter docker[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR),
		IS(SYS_process_vm_readv, 3, 0),
		IS(SYS_pidfd_getfd, 2, 0),
		IS(SYS_kcmp, 1, 0),
		ALLOW,
		ERR(EPERM),
	};
	struct sock_fprog prog;

	if (argc < 4 || strcmp(argv[2], "--") != 0)
		goto usage;
	if (strcmp(argv[1], "linux-6.8") == 0)
		prog = (struct sock_fprog){ sizeof old / sizeof old[0], old };
	else if (strcmp(argv[1], "no-vm-readv") == 0)
		prog = (struct sock_fprog){ sizeof vm / sizeof vm[0], vm };
	else if (strcmp(argv[1], "docker") == 0)
		prog = (struct sock_fprog){ sizeof docker / sizeof docker[0],
					    docker };
	else
		goto usage;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		perror("emulate: seccomp");
		return 111;
	}
	execvp(argv[3], argv + 3);
	perror(argv[3]);
	return 127;
usage:
	fprintf(stderr, "usage: emulate linux-6.8|no-vm-readv|docker -- CMD...\n");
	return 100;
}
