/* exec.c - find the command and exec it. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cli_find_command(const char *cmd, char *out, size_t size)
{
	const char *path = getenv("PATH"), *p;

	if (strchr(cmd, '/'))
		return snprintf(out, size, "%s", cmd) < (int)size ? 0 : -1;
	for (p = path ? path : "/usr/local/bin:/usr/bin:/bin"; ; p++) {
		size_t n = strcspn(p, ":");
		struct stat st;

		if (snprintf(out, size, "%.*s%s%s", (int)n, p, n ? "/" : "",
			     cmd) < (int)size &&
		    stat(out, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(out, X_OK) == 0)
			return 0;
		p += n;
		if (!*p)
			return -1;
	}
}

int cli_exec(char **argv)
{
	int err;

	execvp(argv[0], argv);
	err = errno;
	fprintf(stderr, "sockmode: %s: %s\n", argv[0], strerror(err));
	return err == ENOENT || err == ENOTDIR ? 127 : 126;
}
