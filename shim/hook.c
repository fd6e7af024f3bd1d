/* hook.c - the exported bind(), the real one, and loading the policy. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "apply.h"
#include "log.h"
#include "onexit.h"
#include "path.h"
#include "policy.h"

#define EXPORT __attribute__((visibility("default")))

static sm_bind_fn *sm_libc_bind;	/* the next bind: libc's, usually */
static struct sm_policy sm_the_policy;	/* read-only once loaded */
static volatile int sm_loaded;

/* Configuration errors go to stderr, one line each, at load. */
static void report_to_log(void *ctx, const char *msg)
{
	(void)ctx;
	sm_log(SM_LOG_ERROR, "%s", msg);
}

/* The environment's SOCKMODE_* entries, found in one pass at load: the
 * policy asks for some fifteen names, and most environments hold few of
 * them. More than fit: env_lookup() asks getenv() instead, and the names
 * are checked in environ itself. */
#define SM_ENV_MAX 32
static char *sm_env[SM_ENV_MAX + 1];	/* NULL-terminated */
static size_t sm_nenv;
static int sm_env_overflow;

/* Fills sm_env with the SOCKMODE_* entries of environ (at load). */
static void index_environment(void)
{
	char **e;

	for (e = environ; e && *e; e++) {
		if (!sm_has_prefix(*e, "SOCKMODE_", 9))
			continue;
		if (sm_nenv == SM_ENV_MAX)
			sm_env_overflow = 1;
		else
			sm_env[sm_nenv++] = *e;
	}
}

/* getenv(name) for a SOCKMODE_* name, through the index. */
static const char *env_lookup(const char *name)
{
	size_t i, len = strlen(name);

	if (sm_env_overflow)
		return getenv(name);
	for (i = 0; i < sm_nenv; i++)
		if (sm_has_prefix(sm_env[i], name, len) && sm_env[i][len] == '=')
			return sm_env[i] + len + 1;
	return NULL;
}

/*
 * Finds the real bind and builds the policy, once. Runs as a constructor,
 * before main(); also from the first bind() if another library's
 * constructor binds before ours ran (still single-threaded then).
 */
__attribute__((constructor)) static void sm_load(void)
{
	size_t errors;
	int secure;

	if (sm_loaded)
		return;
	sm_libc_bind = (sm_bind_fn *)dlsym(RTLD_NEXT, "bind");
	sm_onexit_enabled = 1;	/* this process's own binds */
	index_environment();
	secure = getauxval(AT_SECURE) != 0;
	errors = sm_policy_load(&sm_the_policy, env_lookup, secure,
				SM_DEFAULT_CONFIG, report_to_log, NULL);
	if (!secure)	/* a misspelt name fails closed too */
		errors += sm_policy_check_names(&sm_the_policy, sm_env_overflow
						? environ : sm_env,
						report_to_log, NULL);
	if (errors)
		sm_log(SM_LOG_ERROR, "invalid configuration: every bind() "
		       "of a Unix socket path will fail with EACCES");
	if (!sm_libc_bind)
		sm_log(SM_LOG_ERROR, "cannot find the real bind(): %s",
		       dlerror());
	sm_loaded = 1;
}

/*
 * The logic of the hook. Returns what bind() returns; errno is the real
 * bind's, or the policy failure's, and unchanged on success (SPEC 4.5).
 */
static int sm_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	const size_t off = offsetof(struct sockaddr_un, sun_path);
	char path[SM_SUN_PATH_SIZE], abspath[PATH_MAX];
	struct sockaddr_un un;	/* ours: what is matched is what is bound */
	struct sm_decision d;
	int saved = errno, rc;

	if (!sm_loaded) {
		sm_load();
		errno = saved;
	}
	if (!sm_libc_bind) {
		errno = ENOSYS;
		return -1;
	}
	/* Pass-through (SPEC 4.1): not AF_UNIX, unnamed, abstract, or an
	 * address the kernel will reject anyway. */
	if (!addr || len <= off || len > sizeof un ||
	    addr->sa_family != AF_UNIX ||
	    ((const struct sockaddr_un *)addr)->sun_path[0] == '\0')
		return sm_libc_bind(fd, addr, len);
	if (sm_the_policy.valid && sm_the_policy.nrules == 0)
		return sm_libc_bind(fd, addr, len);

	/* One copy of the address, read once: another thread of the
	 * program may rewrite its buffer while we decide. sun_path need not
	 * be NUL-terminated: path holds what the kernel reads. */
	memcpy(&un, addr, len);
	if (un.sun_family != AF_UNIX || un.sun_path[0] == '\0')
		return sm_libc_bind(fd, (struct sockaddr *)&un, len);
	memcpy(path, un.sun_path, len - off);
	path[len - off] = '\0';
	switch (sm_policy_decide(&sm_the_policy, path, abspath,
				 sizeof abspath, &d)) {
	case -1:
		return -1;
	case 0:
		errno = saved;
		return sm_libc_bind(fd, (struct sockaddr *)&un, len);
	}
	rc = sm_apply(sm_libc_bind, &sm_the_policy, &d, sm_the_policy.on_error,
		      fd, (struct sockaddr *)&un, len, path);
	if (rc == 0)
		errno = saved;
	return rc;
}

EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	return sm_bind(fd, addr, len);
}
