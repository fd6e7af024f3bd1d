/*
 * bindloop.c - times one bind() scenario in a loop. The same binary runs
 * with and without LD_PRELOAD=libsockmode.so; the library decides from
 * SOCKMODE_* whether it acts.
 *
 *   bindloop [-r REPS] [-n ITERS] [-t] [-d] [-m] [-q] MODE [PATH]
 *
 * MODE, one socket + bind + close (+ unlink) cycle per iteration:
 *   inet       AF_INET 127.0.0.1 port 0
 *   abstract   AF_UNIX abstract address "\0sockmode-bench-PID"
 *   path       AF_UNIX PATH, then unlink(PATH)
 *   textbook   the hand-written sequence: umask(0777), bind, umask(old),
 *              chown(PATH, uid, gid), chmod(PATH, 0660), then unlink
 * Options:
 *   -d   SOCK_DGRAM instead of SOCK_STREAM (Unix modes)
 *   -t   start one idle pthread first: the process is multi-threaded
 *   -r   repetitions (default 5); -n iterations per repetition (1000)
 *   -m   write a marker before and after each bind (write(-1, ...) fails
 *        with EBADF and shows in strace output), for syscall listings
 *   -q   print nothing but errors (for callgrind and strace runs)
 *
 * Prints one line per repetition: the mean nanoseconds per iteration,
 * after one untimed warm-up repetition. Before them, for the path modes,
 * one comment line "# mode 0NNN uid U gid G" describing the socket file
 * the first bind made, so a run can check the library acted (or not).
 * Exits 1 when a call fails.
 *
 * Linked with interpose.c and built with -DCOUNT_MALLOC, it prints instead
 * "mallocs-in-bind N binds B process-total T": the allocations made inside
 * bind() over B binds (warm-up included). With -DTIME_CALLS, the calls
 * made inside bind() and their median times (see interpose.c).
 */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#if defined COUNT_MALLOC || defined TIME_CALLS
#include "interpose.h"
#define INTERPOSED 1
#else
#define INTERPOSED 0
static void ip_begin(void) {}
static void ip_end(void) {}
#endif

enum mode { INET, ABSTRACT, PATH, TEXTBOOK };

static int sock_type = SOCK_STREAM;
static int markers;
static long binds_done;
static struct sockaddr_un un;
static socklen_t un_len;
static struct sockaddr_in in4;

static void die(const char *what)
{
	fprintf(stderr, "bindloop: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void marker(const char *text)
{
	if (markers) {
		ssize_t r = write(-1, text, strlen(text));

		(void)r;
	}
}

/* The bind under test, with its markers and allocation count. */
static int bind_under_test(int fd, const struct sockaddr *a, socklen_t len)
{
	int rc;

	marker("sockmode-bench: bind begins");
	ip_begin();
	rc = bind(fd, a, len);
	ip_end();
	binds_done++;
	marker("sockmode-bench: bind ends");
	return rc;
}

/* One socket + bind + close (+ unlink, unless keep) cycle. */
static void cycle(enum mode m, int keep)
{
	int fd, rc;

	switch (m) {
	case INET:
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			die("socket");
		rc = bind_under_test(fd, (struct sockaddr *)&in4, sizeof in4);
		break;
	case ABSTRACT:
	case PATH:
		fd = socket(AF_UNIX, sock_type | SOCK_CLOEXEC, 0);
		if (fd < 0)
			die("socket");
		rc = bind_under_test(fd, (struct sockaddr *)&un, un_len);
		break;
	case TEXTBOOK: {
		mode_t old;

		fd = socket(AF_UNIX, sock_type | SOCK_CLOEXEC, 0);
		if (fd < 0)
			die("socket");
		old = umask(0777);
		rc = bind(fd, (struct sockaddr *)&un, un_len);
		umask(old);
		if (rc == 0 && (chown(un.sun_path, getuid(), getgid()) < 0 ||
				chmod(un.sun_path, 0660) < 0))
			die("chown/chmod");
		break;
	}
	default:
		return;
	}
	if (rc < 0)
		die("bind");
	close(fd);
	if ((m == PATH || m == TEXTBOOK) && !keep && unlink(un.sun_path) < 0)
		die("unlink");
}

static void *idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long reps = 5, iters = 1000, r, i;
	int opt, quiet = 0;
	enum mode m;
	pthread_t th;

	while ((opt = getopt(argc, argv, "r:n:tdmq")) != -1) {
		switch (opt) {
		case 'r': reps = strtol(optarg, NULL, 10); break;
		case 'n': iters = strtol(optarg, NULL, 10); break;
		case 'd': sock_type = SOCK_DGRAM; break;
		case 'm': markers = 1; break;
		case 'q': quiet = 1; break;
		case 't':
			if ((errno = pthread_create(&th, NULL, idle, NULL)))
				die("pthread_create");
			break;
		default: return 2;
		}
	}
	if (optind >= argc)
		return 2;
	if (!strcmp(argv[optind], "inet"))
		m = INET;
	else if (!strcmp(argv[optind], "abstract"))
		m = ABSTRACT;
	else if (!strcmp(argv[optind], "path"))
		m = PATH;
	else if (!strcmp(argv[optind], "textbook"))
		m = TEXTBOOK;
	else
		return 2;

	in4.sin_family = AF_INET;
	in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	un.sun_family = AF_UNIX;
	if (m == ABSTRACT) {
		int n = snprintf(un.sun_path + 1, sizeof un.sun_path - 1,
				 "sockmode-bench-%d", (int)getpid());

		un_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path)
				     + 1 + (size_t)n);
	} else if (m == PATH || m == TEXTBOOK) {
		if (optind + 1 >= argc ||
		    strlen(argv[optind + 1]) >= sizeof un.sun_path)
			return 2;
		strcpy(un.sun_path, argv[optind + 1]);
		un_len = (socklen_t)sizeof un;
		unlink(un.sun_path);
	}

	if ((m == PATH || m == TEXTBOOK) && !quiet) {
		struct stat st;

		cycle(m, 1);
		if (lstat(un.sun_path, &st) < 0)
			die("lstat");
		printf("# mode %04o uid %u gid %u\n",
		       (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
		       (unsigned)st.st_gid);
		unlink(un.sun_path);
	}

	for (i = 0; i < iters; i++)		/* warm-up */
		cycle(m, 0);
	for (r = 0; r < reps; r++) {
		double t0 = now_ns();

		for (i = 0; i < iters; i++)
			cycle(m, 0);
		if (!quiet && !INTERPOSED)
			printf("%.1f\n", (now_ns() - t0) / (double)iters);
	}
#ifdef COUNT_MALLOC
	/* The process total shows that the counter is live (stdio
	 * allocates its buffer). */
	printf("mallocs-in-bind %lu binds %ld process-total %lu\n",
	       ip_allocs_in(), binds_done, ip_allocs());
#endif
#ifdef TIME_CALLS
	ip_report();
#endif
	return 0;
}
