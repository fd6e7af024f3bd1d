/* noseccomp.c - runs a command on a "kernel" whose seccomp() fails:
 *
 *   noseccomp ERRNO COMMAND [ARG]...
 *
 * Installs a seccomp filter (as root with CAP_SYS_ADMIN: no no_new_privs
 * needed, so nothing else about the command changes; without that
 * capability, as in a default container, no_new_privs first, which the
 * supervisor sets for itself anyway) under which every seccomp(2) call fails
 * with ERRNO (a number: 38 ENOSYS for a kernel without seccomp, 22
 * EINVAL for one that does not know a filter flag), then execs COMMAND.
 * Exit 2 on a usage or setup error, else COMMAND's own.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned err;
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_seccomp, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO),	/* | err */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof code / sizeof code[0], code };

	if (argc < 3) {
		fprintf(stderr, "usage: noseccomp ERRNO COMMAND [ARG]...\n");
		return 2;
	}
	err = (unsigned)strtoul(argv[1], NULL, 10);
	code[2].k |= err & SECCOMP_RET_DATA;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0 &&
	    (errno != EACCES || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	     syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)) {
		perror("noseccomp: seccomp");
		return 2;
	}
	execvp(argv[2], argv + 2);
	perror(argv[2]);
	return 127;
}
