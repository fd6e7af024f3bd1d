/* diag.h - which Unix sockets are bound to files, and who holds them:
 * the kernel's NETLINK_SOCK_DIAG dump and a scan of /proc/PID/fd
 * (issue 16, --why and --audit). */
#ifndef SOCKMODE_DIAG_H
#define SOCKMODE_DIAG_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

/* One bound socket as the kernel reports it. */
struct dg_sock {
	unsigned ino;		/* the socket's own (sockfs) inode */
	unsigned vfs_ino;	/* the file it is bound to: inode ... */
	unsigned vfs_dev;	/* ... and device, kernel encoding */
	int has_vfs;		/* bound to a file (not abstract/unnamed) */
	unsigned char type;	/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	unsigned char state;	/* TCP_LISTEN (10), TCP_CLOSE (7), ... */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	/* The first process found holding it (pid 0: none visible). */
	pid_t pid;
	uid_t pid_uid;
	char comm[32];
	char cmdline[256];	/* its arguments, separated by blanks */
	unsigned nholders;	/* processes holding it, among those seen */
};

/* All sockets bound to a file: the dump.
 * n: how many; hidden: /proc/PID entries whose fds could not be read. */
struct dg_list {
	struct dg_sock *s;
	size_t n;
	unsigned hidden;
};

/*
 * Asks the kernel for every Unix socket bound to a filesystem path
 * (UDIAG_SHOW_NAME | UDIAG_SHOW_VFS, all states) into *l (l->s
 * allocated: dg_free()). Returns 0, or -1 with errno (EPERM,
 * EAFNOSUPPORT: no sock_diag here). Holders are not filled in.
 */
int dg_dump(struct dg_list *l);

/* Fills in the holders of l's sockets from /proc/PID/fd; l->hidden
 * counts the processes that could not be looked into. */
void dg_holders(struct dg_list *l);

/* The socket of l bound to the file st describes, or NULL. */
struct dg_sock *dg_find(const struct dg_list *l, const struct stat *st);

void dg_free(struct dg_list *l);

/*
 * Looks for socket files that no socket of l is bound to (stale ones)
 * in /run, /tmp and /var/run and 5 levels of directories below them
 * (each directory once, symlinks not followed): calls found(ctx, path,
 * st) for each.
 * Returns how many directories could not be read.
 */
unsigned dg_scan_stale(const struct dg_list *l,
		       void (*found)(void *ctx, const char *path,
				     const struct stat *st),
		       void *ctx);

/* "listening stream", "datagram", "stream, bound, not listening" ... */
const char *dg_state(const struct dg_sock *s);

#endif
