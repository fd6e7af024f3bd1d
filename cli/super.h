/* super.h - the seccomp supervisor's parts: cli/supervise.c starts it
 * and runs its loop, cli/notify.c answers one bind(2) (SPEC 7). */
#ifndef SOCKMODE_SUPER_H
#define SOCKMODE_SUPER_H

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

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
