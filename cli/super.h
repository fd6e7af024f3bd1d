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

#endif
