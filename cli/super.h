/* super.h - the seccomp supervisor's parts: cli/supervise.c starts it
 * and runs its loop, cli/notify.c answers one bind(2) (SPEC 7). */
#ifndef SOCKMODE_SUPER_H
#define SOCKMODE_SUPER_H

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include "policy.h"

/* The bind(2) numbers of this architecture the filter catches, and the
 * audit architecture it checks first (other architectures, e.g. 32-bit
 * code on x86_64, pass untouched: a documented limit). */
#if defined(__x86_64__)
#define SUP_AUDIT_ARCH AUDIT_ARCH_X86_64
#define SUP_NR_BIND_ALT (__X32_SYSCALL_BIT | __NR_bind)	/* the x32 ABI */
#elif defined(__aarch64__)
#define SUP_AUDIT_ARCH AUDIT_ARCH_AARCH64
#define SUP_NR_BIND_ALT __NR_bind
#endif

/*
 * Prepares the supervisor to act for pol, which must stay valid and
 * unchanged: opens "/" and notes this process's root, mount namespace
 * and credentials. Call once, in the supervisor. Returns 0, or -1 with
 * errno.
 */
int sup_init(const struct sm_policy *pol);

/*
 * Decides and does one notified bind(2): fills resp (zeroed by the
 * caller; its id is set here) with either SECCOMP_USER_NOTIF_FLAG_CONTINUE
 * (not an AF_UNIX path, or no rule: the kernel binds, untouched), or the
 * result of the bind done here with the library's sm_apply() under the
 * program's credentials, umask and directories (0, or error = -errno).
 * listener is the filter's listener, for SECCOMP_IOCTL_NOTIF_ID_VALID.
 * Exits the supervisor (binds then fail with ENOSYS) only if it cannot
 * get its own credentials back after acting as the program.
 */
void sup_handle(int listener, const struct seccomp_notif *req,
		struct seccomp_notif_resp *resp);

#define SUP_MAX_GROUPS 65536	/* NGROUPS_MAX of Linux */

/* The credentials that decide what a bind may do in the file system. */
struct sup_ident {
	uid_t fsuid;
	gid_t fsgid;
	size_t ngroups;
	gid_t *groups;		/* room for SUP_MAX_GROUPS */
	uint64_t capeff;	/* effective capabilities */
};

/* What /proc/TID/status says about the thread that called bind(). */
struct sup_thread {
	pid_t tgid;
	mode_t umask;
	struct sup_ident id;
};

/* ---- creds.c: the program's credentials, taken on and given back ---- */

/* Notes our own credentials, for sup_same_ident() and sup_restore().
 * Call once. Returns 0, or -1 with errno. */
int sup_creds_init(void);

/*
 * Reads the status file in dirfd (a /proc/TID directory) into *t, its
 * groups into groups (room for SUP_MAX_GROUPS). Returns 0, or -1 with
 * errno (EPROTO: a field is missing, e.g. Umask before Linux 4.7).
 */
int sup_read_status(int dirfd, struct sup_thread *t, gid_t *groups);

/* Nonzero when who are our own credentials. */
int sup_same_ident(const struct sup_ident *who);

/*
 * Takes on who's groups, file-system ids and effective capabilities (as
 * far as we hold them), so that a bind is checked and its file owned as
 * the program's would be. Returns 0, or -1 with errno (then call
 * sup_restore()).
 */
int sup_become(const struct sup_ident *who);

/* Gets our own credentials back after sup_become(). Exits the
 * supervisor when it cannot: it must never act for the next bind with
 * another's rights (the program's binds then fail with ENOSYS). */
void sup_restore(void);

/* ---- reach.c: the program's memory, namespaces and descriptors ------ */

/* Notes our own user and network namespaces. Call once. Returns 0, or
 * -1 with errno. */
int sup_reach_init(void);

/*
 * Reads len bytes at addr of the memory of thread tid, whose /proc
 * directory is procfd, into buf: process_vm_readv(2), or where that is
 * refused (a seccomp profile, e.g. Docker's without CAP_SYS_PTRACE)
 * pread(2) on its /proc/TID/mem. Returns the bytes read (short: the
 * rest is unmapped), or -1 with errno (EFAULT: unmapped; ESRCH: gone).
 */
ssize_t sup_read_mem(int procfd, pid_t tid, void *buf, size_t len,
		     uint64_t addr);

/* 1 when the thread of procfd is in our user namespace, 0 when in
 * another (its capabilities count for nothing here), -1 with errno. */
int sup_same_userns(int procfd);

/*
 * Enters the network namespace of the thread of procfd when it is not
 * ours (the sock_diag proof of its socket answers only there), setting
 * *entered. Returns 0, or -1 with *why a message and errno the cause.
 */
int sup_enter_netns(int procfd, int *entered, const char **why);

/* Goes back to our own network namespace after sup_enter_netns();
 * exits the supervisor when it cannot. */
void sup_leave_netns(void);

/*
 * A pidfd for thread tid (Linux >= 6.9: PIDFD_THREAD), else for its
 * process tgid, setting *whole. Returns it, or -1 with errno.
 */
int sup_open_pidfd(pid_t tid, pid_t tgid, int *whole);

/*
 * Takes a copy of descriptor fd of the thread of procfd through pidfd
 * (pidfd_getfd(2)). With whole (a process pidfd: the thread-group
 * leader's table) it proves that the copy is what the thread's own
 * table holds at fd. Returns the copy, or -1 with errno (EBADF: the
 * thread has no such descriptor) and *why a message.
 */
int sup_take_fd(int pidfd, int whole, int procfd, int fd, const char **why);

/*
 * Checks, before the program runs, that this supervisor can read the
 * memory of process pid (the program-to-be: word, an address in it that
 * holds want) and take its descriptor fd. Returns 0, or -1 with errno
 * and *why a message that names the cause and the fix.
 */
int sup_probe(pid_t pid, const uint32_t *word, uint32_t want, int fd,
	      const char **why);

/*
 * Runs fn(arg) once as thread req->pid of the program: its file-system
 * credentials, groups and capabilities, after checking that it sees the
 * file system as we do and that req is still pending. Returns 0 when fn
 * ran, or -1 with errno when it could not (fn not called). Exits the
 * supervisor, as sup_handle() does, if it cannot get its own credentials
 * back.
 */
int sup_as_caller(int listener, const struct seccomp_notif *req,
		  void (*fn)(void *arg), void *arg);

/* hold=yes under the supervisor (cli/notify_hold.c): the chmod and chown
 * calls the filter also stops, with the numbers of this architecture. */
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452	/* Linux >= 6.6, the common syscall table */
#endif
#if defined(__x86_64__)
#define SUP_HOLD_NNR 6
#define SUP_HOLD_FILTER \
	SUP_HOLD_JEQ(__NR_chmod, 6), SUP_HOLD_JEQ(__NR_fchmodat, 5), \
	SUP_HOLD_JEQ(SYS_fchmodat2, 4), SUP_HOLD_JEQ(__NR_chown, 3), \
	SUP_HOLD_JEQ(__NR_lchown, 2), SUP_HOLD_JEQ(__NR_fchownat, 1),
#else	/* the common table: only the *at forms */
#define SUP_HOLD_NNR 3
#define SUP_HOLD_FILTER \
	SUP_HOLD_JEQ(__NR_fchmodat, 3), SUP_HOLD_JEQ(SYS_fchmodat2, 2), \
	SUP_HOLD_JEQ(__NR_fchownat, 1),
#endif
/* "nr goes to the listener": jump over the `left` - 1 checks after it and
 * the ALLOW that ends them. */
#define SUP_HOLD_JEQ(nr, left) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, left, 0)

/* Nonzero for a syscall number of SUP_HOLD_FILTER. */
int sup_hold_wants(long nr);

/*
 * Answers one notified chmod/chown call (resp already says CONTINUE):
 * when its target is a socket file the supervisor holds, does what
 * sm_hold_chmod()/sm_hold_chown() do, as the program, and answers their
 * result; any other target, or a call it cannot examine, continues in
 * the kernel untouched.
 */
void sup_hold_handle(int listener, const struct seccomp_notif *req,
		     struct seccomp_notif_resp *resp);

#endif
