/*
 * deny - runs a command under a seccomp filter that refuses, with EPERM,
 * what a locked-down service manager might refuse the library:
 *
 *   deny netlink   -- CMD...   socket(AF_NETLINK, ...)
 *   deny unixfile  -- CMD...   ioctl(fd, SIOCUNIXFILE)
 *   deny both      -- CMD...   both of them
 *   deny nofsuid   -- CMD...   ioctl(fd, SIOCUNIXFILE) and setfsuid(2),
 *                              as systemd's SystemCallFilter=~@privileged
 *                              refuses setfsuid
 *
 * Sets no_new_privs (so no privilege is needed) and execs CMD.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SIOCUNIXFILE_ (SIOCPROTOPRIVATE + 0)
#define ARG0 offsetof(struct seccomp_data, args[0])
#define ARG1 offsetof(struct seccomp_data, args[1])
#define NR offsetof(struct seccomp_data, nr)
#define DENY BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)
#define ALLOW BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

int main(int argc, char **argv)
{
	int netlink, unixfile, fsuid;
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 5),
		DENY,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ioctl, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG1),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SIOCUNIXFILE_, 0, 1),
		DENY,
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_setfsuid, 0, 1),
		DENY,
		ALLOW,
	};
	struct sock_fprog prog = { sizeof f / sizeof f[0], f };

	if (argc < 4 || strcmp(argv[2], "--") != 0)
		goto usage;
	netlink = !strcmp(argv[1], "netlink") || !strcmp(argv[1], "both");
	fsuid = !strcmp(argv[1], "nofsuid");
	unixfile = !strcmp(argv[1], "unixfile") || !strcmp(argv[1], "both") ||
		   fsuid;
	if (!netlink && !unixfile)
		goto usage;
	if (!netlink)	/* socket(): never deny */
		f[4] = (struct sock_filter)ALLOW;
	if (!unixfile)
		f[8] = (struct sock_filter)ALLOW;
	if (!fsuid)
		f[11] = (struct sock_filter)ALLOW;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		perror("deny: seccomp");
		return 111;
	}
	execvp(argv[3], argv + 3);
	perror(argv[3]);
	return 127;
usage:
	fprintf(stderr, "usage: deny netlink|unixfile|both|nofsuid -- CMD...\n");
	return 100;
}
