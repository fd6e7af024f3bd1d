/* env.c - the environment the command gets: SOCKMODE_* and LD_PRELOAD. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	static const char *const others[] = {
		"SOCKMODE_MATCH", "SOCKMODE_CONFIG", "SOCKMODE_ON_ERROR",
		"SOCKMODE_LOG", NULL,
	};
	const char *old = getenv("LD_PRELOAD");
	char lib[PATH_MAX], *preload;
	size_t i, size;

	for (i = 0; i < sm_nkeys; i++)
		set_or_die(sm_keys[i].env, get(sm_keys[i].env));
	for (i = 0; others[i]; i++)
		set_or_die(others[i], get(others[i]));
	if (!with_lib)	/* --via=seccomp: the supervisor acts, not the library */
		return;

	if (find_library(lib, sizeof lib) < 0) {
		fprintf(stderr, "sockmode: cannot find %s beside this program "
			"or in %s\n", LIBNAME, SOCKMODE_LIBDIR);
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
