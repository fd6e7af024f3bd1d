/* testutil.h - small helpers shared by the test programs of tests/bin.
 * static inline, so that a program that uses only some of them builds
 * without unused-function warnings. */
#ifndef SOCKMODE_TESTUTIL_H
#define SOCKMODE_TESTUTIL_H

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* The binds a loop makes, however long they take: the tests count on
 * at least these many (events, not seconds: a loaded machine is slower). */
#define LOOP_MIN_TRIES 1000

/* What a bind loop (bindloop, bornloop) is told: EXPECT_MODE and
 * EXPECT_UID from the environment, then PATH N SECONDS dgram|stream. */
struct loop_args {
	struct sockaddr_un sa;	/* AF_UNIX, PATH */
	long n;			/* at most N binds */
	double end;		/* until now() + SECONDS, past LOOP_MIN_TRIES */
	int stream;		/* stream, else dgram */
	mode_t want_mode;	/* what each socket file must have */
	uid_t want_uid;
};

static inline double now(void);

/* Fills *a from the environment and argv[1..4]; prints usage and
 * returns -1 when something is missing. */
static inline int loop_args(int argc, char **argv, const char *usage,
			    struct loop_args *a)
{
	const char *em = getenv("EXPECT_MODE"), *eu = getenv("EXPECT_UID");

	if (argc < 5 || !em || !eu) {
		fputs(usage, stderr);
		return -1;
	}
	memset(a, 0, sizeof *a);
	a->sa.sun_family = AF_UNIX;
	a->want_mode = (mode_t)strtoul(em, NULL, 8);
	a->want_uid = (uid_t)strtoul(eu, NULL, 10);
	snprintf(a->sa.sun_path, sizeof a->sa.sun_path, "%s", argv[1]);
	a->n = atol(argv[2]);
	a->end = now() + atof(argv[3]);
	a->stream = strcmp(argv[4], "stream") == 0;
	return 0;
}

/* Whether a loop that made tries binds goes on: below N, and below
 * LOOP_MIN_TRIES or before the end. */
static inline int loop_more(const struct loop_args *a, long tries)
{
	return tries < a->n && (tries < LOOP_MIN_TRIES || now() < a->end);
}

/* Seconds on the monotonic clock. */
static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The number of open descriptors of this process, or -1. */
static inline int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the DIR's own descriptor */
}

/* The umask from /proc/self/status, without changing it; -1 when
 * unreadable. Async-signal-safe in practice: open, read, close and
 * string scanning (the stress test calls it from a signal handler). */
static inline int read_umask(void)
{
	char buf[2048], *p;
	ssize_t n;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC), v = 0;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "\nUmask:");
	if (!p)
		return -1;
	for (p += 8; *p == '\t' || *p == ' '; p++)
		;
	for (; *p >= '0' && *p <= '7'; p++)
		v = v * 8 + (*p - '0');
	return v;
}

/* A thread that only exists, so that the process is multi-threaded. */
static inline void *idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

#endif
