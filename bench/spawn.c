/*
 * spawn.c - times process start-up: posix_spawn + waitpid of one program,
 * under several environments ("variants"), in alternating blocks.
 *
 *   spawn N BLOCK PROG @LABEL [VAR=VALUE]... [@LABEL [VAR=VALUE]...]...
 *
 * Each variant starts from this process's environment without LD_PRELOAD,
 * SOCKMODE_*, FAKETIME* and PROXYCHAINS_*, plus its own VAR=VALUE words.
 * After one warm-up block per variant, the variants take turns, BLOCK
 * spawns at a time (the first variant of each round rotates, so none is
 * always first), until each has N timed spawns. The child's stdout and
 * stderr go to /dev/null; a child that does not exit 0 is an error.
 *
 * Prints one line per variant:  LABEL n MIN MEDIAN MAX  (microseconds).
 * Exits 1 on any failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct variant {
	const char *label;
	char **env;
	double *us;
	size_t n;
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Whether the variable NAME=... is one a variant must set itself. */
static int scrubbed(const char *entry)
{
	return !strncmp(entry, "LD_PRELOAD=", 11) ||
	       !strncmp(entry, "SOCKMODE_", 9) ||
	       !strncmp(entry, "FAKETIME", 8) ||
	       !strncmp(entry, "PROXYCHAINS_", 12);
}

/* Builds a variant's environment: the scrubbed base, then words. */
static char **make_env(char **words, size_t nwords)
{
	size_t nbase = 0, i, k = 0;
	char **env;

	while (environ[nbase])
		nbase++;
	env = calloc(nbase + nwords + 1, sizeof *env);
	if (!env)
		return NULL;
	for (i = 0; i < nbase; i++)
		if (!scrubbed(environ[i]))
			env[k++] = environ[i];
	for (i = 0; i < nwords; i++)
		env[k++] = words[i];
	env[k] = NULL;
	return env;
}

/* Spawns prog once under env; returns the wall time in us, or -1. */
static double spawn_once(const char *prog, char **env,
			 posix_spawn_file_actions_t *fa)
{
	char *argv[] = { (char *)prog, NULL };
	double t0, t1;
	pid_t pid;
	int rc, status;

	t0 = now_us();
	rc = posix_spawn(&pid, prog, fa, NULL, argv, env);
	if (rc) {
		fprintf(stderr, "spawn: %s: %s\n", prog, strerror(rc));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("spawn: waitpid");
			return -1;
		}
	t1 = now_us();
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "spawn: %s: exit status 0x%x\n", prog, status);
		return -1;
	}
	return t1 - t0;
}

int main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	struct variant *v;
	size_t n, block, nv = 0, i, j, round;
	const char *prog;
	int a;

	if (argc < 5 || argv[4][0] != '@') {
		fprintf(stderr, "usage: spawn N BLOCK PROG @LABEL [VAR=VALUE]"
			"...\n");
		return 2;
	}
	n = strtoul(argv[1], NULL, 10);
	block = strtoul(argv[2], NULL, 10);
	prog = argv[3];
	if (!n || !block)
		return 2;
	v = calloc((size_t)argc, sizeof *v);
	if (!v)
		return 1;
	for (a = 4; a < argc; ) {
		int b = a + 1;

		while (b < argc && argv[b][0] != '@')
			b++;
		v[nv].label = argv[a] + 1;
		v[nv].env = make_env(argv + a + 1, (size_t)(b - a - 1));
		v[nv].us = calloc(n, sizeof *v[nv].us);
		if (!v[nv].env || !v[nv].us)
			return 1;
		nv++;
		a = b;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);

	for (i = 0; i < nv; i++)		/* warm-up, not recorded */
		for (j = 0; j < block; j++)
			if (spawn_once(prog, v[i].env, &fa) < 0)
				return 1;
	for (round = 0;; round++) {
		int more = 0;

		for (i = 0; i < nv; i++) {
			struct variant *cur = &v[(i + round) % nv];

			for (j = 0; j < block && cur->n < n; j++) {
				double us = spawn_once(prog, cur->env, &fa);

				if (us < 0)
					return 1;
				cur->us[cur->n++] = us;
			}
			more |= cur->n < n;
		}
		if (!more)
			break;
	}
	for (i = 0; i < nv; i++) {
		qsort(v[i].us, n, sizeof *v[i].us, cmp_double);
		printf("%s %zu %.2f %.2f %.2f\n", v[i].label, n, v[i].us[0],
		       n % 2 ? v[i].us[n / 2]
			     : (v[i].us[n / 2 - 1] + v[i].us[n / 2]) / 2,
		       v[i].us[n - 1]);
	}
	return 0;
}
