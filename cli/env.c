/* env.c - the environment the command gets: SOCKMODE_* and LD_PRELOAD. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "keys.h"

#ifndef SOCKMODE_LIBDIR
#define SOCKMODE_LIBDIR "/usr/local/lib"
#endif
#define LIBNAME "libsockmode.so"

/*
 * Writes the library's absolute path into out: libsockmode.so beside this
 * program (a build tree), else the installed SOCKMODE_LIBDIR one.
 * Returns 0, or -1 when neither is readable.
 */
static int find_library(char *out, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			if (snprintf(out, size, "%s/%s", self, LIBNAME) <
				    (int)size && access(out, R_OK) == 0)
				return 0;
		}
	}
	if (snprintf(out, size, "%s/%s", SOCKMODE_LIBDIR, LIBNAME) >= (int)size)
		return -1;
	return access(out, R_OK) == 0 ? 0 : -1;
}

/*
 * Finds out whether the dynamic loader can really load lib here (a
 * readable file may sit on a noexec mount, be built for another machine,
 * lack a library it needs): dlopen()s it in a child process, whose stderr
 * is /dev/null and which ends with _exit. Returns NULL when it loads,
 * else why not, in buf (size bytes).
 */
static const char *load_error(const char *lib, char *buf, size_t size)
{
	struct statvfs vfs;
	size_t got = 0;
	ssize_t n;
	pid_t pid;
	int p[2], status;

	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		snprintf(buf, size, "cannot try to load it: %s", strerror(errno));
		return buf;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		const char *err;

		if (null >= 0)
			(void)dup2(null, STDERR_FILENO);
		if (dlopen(lib, RTLD_NOW | RTLD_LOCAL))
			_exit(0);
		err = dlerror();
		if (err)
			(void)!write(p[1], err, strlen(err));
		_exit(1);
	}
	close(p[1]);
	while (got + 1 < size &&
	       (n = read(p[0], buf + got, size - got - 1)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return NULL;
	if (statvfs(lib, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC))
		snprintf(buf + got, size - got, "%sits file system is mounted "
			 "noexec", got ? "; " : "");
	else if (!got)
		snprintf(buf, size, "the trial load ended with status %#x",
			 (unsigned)status);
	return buf;
}

/* Nonzero when the ':'- or ' '-separated list holds item. */
static int list_has(const char *list, const char *item)
{
	size_t len = strlen(item);
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ": ");

		if (n == len && strncmp(p, item, len) == 0)
			return 1;
		p += n;
		p += strspn(p, ": ");
	}
	return 0;
}

static void set_or_die(const char *name, const char *value)
{
	if ((value ? setenv(name, value, 1) : unsetenv(name)) != 0) {
		perror("sockmode: setenv");
		exit(111);
	}
}

void cli_set_environment(const char *(*get)(const char *name), int with_lib)
{
	const char *old = getenv("LD_PRELOAD"), *why;
	char lib[PATH_MAX], ebuf[1024], *preload;
	size_t i, size;

	for (i = 0; i < sm_nkeys; i++)
		set_or_die(sm_keys[i].env, get(sm_keys[i].env));
	for (i = 0; sm_env_settings[i]; i++)
		set_or_die(sm_env_settings[i], get(sm_env_settings[i]));
	if (!with_lib)	/* --via=seccomp: the supervisor acts, not the library */
		return;

	if (find_library(lib, sizeof lib) < 0) {
		fprintf(stderr, "sockmode: cannot find %s beside this program "
			"or in %s\n", LIBNAME, SOCKMODE_LIBDIR);
		exit(111);
	}
	if ((why = load_error(lib, ebuf, sizeof ebuf)) != NULL) {
		fprintf(stderr, "sockmode: %s cannot be loaded here, and the "
			"command would run unprotected; nothing run: %s\n", lib,
			why);
		exit(111);
	}
	if (old && list_has(old, lib))
		return;
	/* First, so that its bind() sees the program's calls before any
	 * other preloaded library's. */
	size = strlen(lib) + (old ? strlen(old) : 0) + 2;
	preload = malloc(size);
	if (!preload) {
		perror("sockmode");
		exit(111);
	}
	(void)snprintf(preload, size, "%s%s%s", lib, old && *old ? ":" : "",
		       old ? old : "");
	set_or_die("LD_PRELOAD", preload);
	free(preload);
}
