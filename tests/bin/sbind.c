/* sbind.c - a small Unix-socket program for the seccomp supervisor tests
 * (SPEC 7), built statically by tests/integration/t_seccomp.sh (the
 * Makefile's dynamic build of it is unused):
 *
 *   sbind serve PATH           binds a stream socket, listens, prints
 *                              "listening"; answers one connection with
 *                              "static " and what it read; exits 0.
 *   sbind bind PATH...         binds a stream socket to each PATH and
 *                              prints "PATH rc=R errno=NAME" per bind.
 *   sbind lines                the same for each line read from stdin,
 *                              until end of file.
 *   sbind storm DIR BINDS SIGNALS restart|norestart
 *                              binds stream sockets in DIR while another
 *                              thread keeps sending this thread SIGUSR1,
 *                              whose handler has SA_RESTART or not, until
 *                              at least BINDS binds were tried and the
 *                              handler ran at least SIGNALS times (events,
 *                              not seconds: a loaded machine only takes
 *                              longer), or 50 * BINDS binds were tried
 *                              (the signals never came). After an
 *                              EINTR it asks the socket whether the bind
 *                              happened anyway (getsockname) and binds
 *                              again if not. Every bound file must have
 *                              EXPECT_MODE (octal). Prints "tries= ok=
 *                              eintr= false_eintr= failed= lasterr=
 *                              wrong= signals=".
 *
 * errno names: EACCES, ENOSYS, ... (errno=0 after a success).
 * Exit 0 when the line(s) were printed, 2 on a usage or setup error.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

static const char *errname(int err)
{
	const char *name = err ? strerrorname_np(err) : "0";

	return name ? name : "unknown";
}

static socklen_t addr_of(struct sockaddr_un *un, const char *path)
{
	memset(un, 0, sizeof *un);
	un->sun_family = AF_UNIX;
	snprintf(un->sun_path, sizeof un->sun_path, "%s", path);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
			   strlen(un->sun_path) + 1);
}

/* Binds a new stream socket to path and listens; prints the line. */
static void bind_one(const char *path)
{
	struct sockaddr_un un;
	socklen_t len = addr_of(&un, path);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), rc, err;

	if (s < 0) {
		perror("socket");
		exit(2);
	}
	rc = bind(s, (struct sockaddr *)&un, len);
	err = rc < 0 ? errno : 0;
	if (rc == 0)
		listen(s, 8);
	printf("%s rc=%d errno=%s\n", path, rc, errname(err));
	fflush(stdout);
	/* left open: the socket stays bound while the program runs */
}

static int serve(const char *path)
{
	struct sockaddr_un un;
	socklen_t len = addr_of(&un, path);
	char buf[512] = "static ";
	size_t have = 7;
	ssize_t n;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), c;

	if (s < 0 || bind(s, (struct sockaddr *)&un, len) < 0 ||
	    listen(s, 8) < 0) {
		printf("bind %s: %s\n", path, errname(errno));
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	c = accept(s, NULL, NULL);
	if (c < 0)
		return 2;
	while (have < sizeof buf &&
	       (n = read(c, buf + have, sizeof buf - have)) > 0)
		have += (size_t)n;
	if (write(c, buf, have) != (ssize_t)have)
		return 2;
	close(c);
	return 0;
}

static volatile sig_atomic_t signals;
static volatile int stop;

static void on_usr1(int sig)
{
	(void)sig;
	signals++;
}

/* The storm: SIGUSR1 at the binding thread, 5 to 60 microseconds apart
 * (a supervised bind takes about 60). */
static void *storm(void *arg)
{
	pthread_t target = *(pthread_t *)arg;
	unsigned seed = 1;

	while (!stop) {
		double until = now() + (5 + rand_r(&seed) % 56) / 1e6;

		pthread_kill(target, SIGUSR1);
		while (now() < until)
			;
	}
	return NULL;
}

static int storm_run(const char *dir, long n, long nsig, int restart)
{
	struct sigaction sa;
	pthread_t self = pthread_self(), t;
	long tries = 0, ok = 0, eintr = 0, false_eintr = 0, failed = 0;
	long wrong = 0;
	int lasterr = 0;
	const char *em = getenv("EXPECT_MODE");
	mode_t want = em ? (mode_t)strtoul(em, NULL, 8) : 0;

	if (!em) {
		fprintf(stderr, "sbind storm: EXPECT_MODE not set\n");
		return 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) < 0 ||
	    pthread_create(&t, NULL, storm, &self) != 0)
		return 2;
	while ((tries < n || signals < nsig) && tries < 50 * n) {
		char path[sizeof ((struct sockaddr_un *)0)->sun_path];
		struct sockaddr_un un, got;
		socklen_t len, glen;
		struct stat st;
		int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), rc;
		int retries = 0, happened = 0;

		if (s < 0)
			return 2;
		snprintf(path, sizeof path, "%s/s%ld", dir, tries % 8);
		unlink(path);
		len = addr_of(&un, path);
		tries++;
		for (;;) {
			rc = bind(s, (struct sockaddr *)&un, len);
			if (rc == 0 || errno != EINTR)
				break;
			eintr++;
			glen = sizeof got;
			memset(&got, 0, sizeof got);
			if (getsockname(s, (struct sockaddr *)&got, &glen) == 0 &&
			    glen > offsetof(struct sockaddr_un, sun_path)) {
				false_eintr++;	/* it happened after all */
				happened = 1;
				break;
			}
			if (++retries > 100000)
				break;	/* starved: counted as a failed bind */
		}
		if (rc == 0) {
			ok++;
			if (lstat(path, &st) < 0 || (st.st_mode & 07777) != want)
				wrong++;
		} else if (!happened) {
			failed++;
			lasterr = errno;
		}
		close(s);
	}
	stop = 1;
	pthread_join(t, NULL);
	printf("tries=%ld ok=%ld eintr=%ld false_eintr=%ld failed=%ld "
	       "lasterr=%s wrong=%ld signals=%ld\n", tries, ok, eintr,
	       false_eintr, failed, errname(lasterr), wrong, (long)signals);
	return 0;
}

int main(int argc, char **argv)
{
	char line[256];
	int i;

	if (argc >= 3 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "bind") == 0) {
		for (i = 2; i < argc; i++)
			bind_one(argv[i]);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "lines") == 0) {
		while (fgets(line, sizeof line, stdin)) {
			line[strcspn(line, "\n")] = '\0';
			if (*line)
				bind_one(line);
		}
		return 0;
	}
	if (argc == 6 && strcmp(argv[1], "storm") == 0)
		return storm_run(argv[2], strtol(argv[3], NULL, 10),
				 strtol(argv[4], NULL, 10),
				 strcmp(argv[5], "restart") == 0);
	fprintf(stderr, "usage: see the comment at the top of sbind.c\n");
	return 2;
}
