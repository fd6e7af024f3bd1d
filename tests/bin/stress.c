/* stress.c - SPEC 4.8 (safe in any context) and 4.4 (no umask leak)
 * under load. Run under the library with a rule for DIR's sockets.
 *
 *   stress threads DIR SECONDS      8 binding threads + 2 file creators
 *   stress signal  DIR SECONDS [idle-thread]
 *                                   binds in a SIGALRM handler too
 *   stress fork    DIR SECONDS      fork() while another thread binds
 *   stress fdfail  DIR CASE...      failing binds leak no descriptor;
 *                                   CASE: ok inuse noent policy
 *
 * Every socket that bind() created must have EXPECT_MODE (octal),
 * EXPECT_UID and EXPECT_GID (when set) by the time bind() returns.
 * threads and signal run with umask STRESS_UMASK (octal, default 0), and
 * files created meanwhile must get 0666 & ~STRESS_UMASK.
 * Prints its counts; exits 0 when every check held, 1 when one did not
 * (with a "VIOLATION:" line per broken promise), 2 on a setup error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

static mode_t want_mode, stress_umask;
static long want_uid = -1, want_gid = -1;
static int violations;

static void violation(const char *what, long n)
{
	if (n) {
		printf("VIOLATION: %s: %ld\n", what, n);
		violations++;
	}
}

static void make_addr(struct sockaddr_un *sa, const char *dir,
		      const char *name)
{
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if ((size_t)snprintf(sa->sun_path, sizeof sa->sun_path, "%s/%s", dir,
			     name) >= sizeof sa->sun_path) {
		fprintf(stderr, "path too long\n");
		exit(2);
	}
}

enum { B_OK, B_FAILED, B_WRONG };

/* Binds a new socket of type to sa, checks the file, removes it.
 * Async-signal-safe apart from what bind() itself does. */
static int bind_one(const struct sockaddr_un *sa, int type, int *err)
{
	int s = socket(AF_UNIX, type | SOCK_CLOEXEC, 0), rc = B_OK;
	struct stat st;

	*err = 0;
	if (s < 0) {
		*err = errno;
		return B_FAILED;
	}
	if (bind(s, (const struct sockaddr *)sa, sizeof *sa) < 0) {
		*err = errno;
		close(s);
		return B_FAILED;
	}
	if (lstat(sa->sun_path, &st) < 0 || !S_ISSOCK(st.st_mode) ||
	    (st.st_mode & 07777) != want_mode ||
	    (want_uid >= 0 && st.st_uid != (uid_t)want_uid) ||
	    (want_gid >= 0 && st.st_gid != (gid_t)want_gid))
		rc = B_WRONG;
	close(s);
	unlink(sa->sun_path);
	return rc;
}

/* Creates a file with mode 0666 and returns its mode as created. */
static int create_file(const char *path)
{
	struct stat st;
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		st.st_mode = 0;
	close(fd);
	unlink(path);
	return (int)(st.st_mode & 07777);
}

/* Starts a thread that only sleeps, with SIGALRM blocked from its first
 * instruction on (it inherits the mask), so that SIGALRM always
 * interrupts the main thread. */
static void start_idle_thread(void)
{
	sigset_t set, old;
	pthread_t t;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	if (pthread_create(&t, NULL, idle, NULL) != 0) {
		fprintf(stderr, "pthread_create failed\n");
		exit(2);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* ---- threads ---------------------------------------------------------- */

static const char *dir;
static _Atomic int stop;	/* set by main, read by the workers */
static int umask0;

struct worker {
	pthread_t t;
	int k;
	long binds[2], failed, wrong, files, badfiles, umask_seen;
	int lasterr;
};

static void *binder(void *arg)
{
	struct worker *w = arg;
	struct sockaddr_un sa[2];
	char name[32];
	long i;
	int err;

	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof name, "b%d.%ld", w->k, i);
		make_addr(&sa[i], dir, name);
	}
	for (i = 0; !stop; i++) {
		int dgram = (int)((i + w->k) & 1);

		switch (bind_one(&sa[i & 1], dgram ? SOCK_DGRAM : SOCK_STREAM,
				 &err)) {
		case B_OK:
			w->binds[dgram]++;
			break;
		case B_FAILED:
			w->failed++;
			w->lasterr = err;
			break;
		default:
			w->wrong++;
		}
	}
	return NULL;
}

static void *creator(void *arg)
{
	struct worker *w = arg;
	char path[4096];
	long i;

	snprintf(path, sizeof path, "%s/file%d", dir, w->k);
	for (i = 0; !stop; i++) {
		int m = create_file(path);

		w->files++;
		if (m != (int)(0666 & ~stress_umask))
			w->badfiles++;
		if ((i & 3) == 0 && read_umask() != umask0)
			w->umask_seen++;
	}
	return NULL;
}

static int run_threads(double secs)
{
	enum { NB = 8, NC = 2 };
	struct worker w[NB + NC];
	long binds[2] = { 0, 0 }, failed = 0, wrong = 0, files = 0,
	     badfiles = 0, seen = 0;
	int fds0, fds1, umask1, i, lasterr = 0;

	umask(stress_umask);
	umask0 = read_umask();
	fds0 = count_fds();
	memset(w, 0, sizeof w);
	for (i = 0; i < NB + NC; i++) {
		w[i].k = i;
		if (pthread_create(&w[i].t, NULL, i < NB ? binder : creator,
				   &w[i]) != 0) {
			fprintf(stderr, "pthread_create failed\n");
			return 2;
		}
	}
	usleep((useconds_t)(secs * 1e6));
	stop = 1;
	for (i = 0; i < NB + NC; i++) {
		pthread_join(w[i].t, NULL);
		binds[0] += w[i].binds[0];
		binds[1] += w[i].binds[1];
		failed += w[i].failed;
		wrong += w[i].wrong;
		files += w[i].files;
		badfiles += w[i].badfiles;
		seen += w[i].umask_seen;
		if (w[i].lasterr)
			lasterr = w[i].lasterr;
	}
	umask1 = read_umask();
	fds1 = count_fds();
	printf("threads: stream_binds=%ld dgram_binds=%ld failed=%ld "
	       "(errno %d) wrong_socket_mode=%ld files=%ld wrong_file_mode=%ld "
	       "umask_seen_changed=%ld umask=%04o/%04o fds=%d/%d\n",
	       binds[0], binds[1], failed, lasterr, wrong, files, badfiles,
	       seen, umask0, umask1, fds0, fds1);
	violation("failed binds", failed);
	violation("sockets with a wrong mode/owner", wrong);
	violation("files created with a wrong mode", badfiles);
	violation("times another thread saw a changed umask", seen);
	violation("umask changed", umask1 != umask0);
	violation("descriptors leaked", fds1 - fds0);
	violation("no stream bind done", binds[0] == 0);
	violation("no datagram bind done", binds[1] == 0);
	violation("no file created", files == 0);
	return violations ? 1 : 0;
}

/* ---- signal ----------------------------------------------------------- */

static struct sockaddr_un h_addr[2];
static char h_file[4096];
static volatile sig_atomic_t h_binds, h_failed, h_wrong, h_badfiles, h_err;
static double h_end;

static void on_alarm(int sig)
{
	int saved = errno, err, m;
	long i = h_binds + h_failed + h_wrong;

	(void)sig;
	/* Past the end, let main finish even if binds here are slow. */
	if (now() > h_end)
		return;
	switch (bind_one(&h_addr[i & 1], i & 1 ? SOCK_DGRAM : SOCK_STREAM,
			 &err)) {
	case B_OK:
		h_binds++;
		break;
	case B_FAILED:
		h_failed++;
		h_err = err;
		break;
	default:
		h_wrong++;
	}
	m = create_file(h_file);
	if (m != (int)(0666 & ~stress_umask))
		h_badfiles++;
	errno = saved;
}

static int run_signal(double secs, int threaded)
{
	struct sockaddr_un sa[2];
	struct sigaction act;
	struct itimerval it = { { 0, 300 }, { 0, 300 } }, off;
	long binds = 0, failed = 0, wrong = 0, umask_bad = 0, i;
	int err, lasterr = 0, fds0, fds1;
	double end;

	umask(stress_umask);
	umask0 = read_umask();
	if (threaded)
		start_idle_thread();
	make_addr(&sa[0], dir, "m0");
	make_addr(&sa[1], dir, "m1");
	make_addr(&h_addr[0], dir, "h0");
	make_addr(&h_addr[1], dir, "h1");
	snprintf(h_file, sizeof h_file, "%s/hfile", dir);
	memset(&act, 0, sizeof act);
	act.sa_handler = on_alarm;
	act.sa_flags = SA_RESTART;
	sigemptyset(&act.sa_mask);
	sigaction(SIGALRM, &act, NULL);
	fds0 = count_fds();
	end = h_end = now() + secs;
	setitimer(ITIMER_REAL, &it, NULL);
	/* Past the end the handler stops binding: on a loaded machine main
	 * may have been starved by it and gets a chance to reach 1000. */
	for (i = 0; now() < end || (binds < 1000 && now() < end + 8); i++) {
		switch (bind_one(&sa[i & 1], i & 1 ? SOCK_STREAM : SOCK_DGRAM,
				 &err)) {
		case B_OK:
			binds++;
			break;
		case B_FAILED:
			failed++;
			lasterr = err;
			break;
		default:
			wrong++;
		}
		if (read_umask() != umask0)
			umask_bad++;
	}
	memset(&off, 0, sizeof off);
	setitimer(ITIMER_REAL, &off, NULL);
	fds1 = count_fds();
	printf("signal%s: main_binds=%ld main_failed=%ld (errno %d) "
	       "main_wrong=%ld handler_binds=%ld handler_failed=%ld "
	       "(errno %d) handler_wrong=%ld handler_bad_files=%ld "
	       "umask_changed=%ld fds=%d/%d\n", threaded ? " (2 threads)" : "",
	       binds, failed, lasterr, wrong, (long)h_binds, (long)h_failed,
	       (int)h_err, (long)h_wrong, (long)h_badfiles, umask_bad, fds0,
	       fds1);
	violation("failed binds in main", failed);
	violation("wrong sockets in main", wrong);
	violation("failed binds in the handler", h_failed);
	violation("wrong sockets in the handler", h_wrong);
	violation("files with a wrong mode in the handler", h_badfiles);
	violation("umask seen changed after bind", umask_bad);
	violation("descriptors leaked", fds1 - fds0);
	violation("handler bound fewer than 100 times", h_binds < 100);
	violation("main bound fewer than 100 times", binds < 100);
	return violations ? 1 : 0;
}

/* ---- fork ------------------------------------------------------------- */

struct counts {
	long binds, failed, wrong;
	int lasterr;
};

static void *fork_binder(void *arg)
{
	struct counts *c = arg;
	struct sockaddr_un sa[2];
	long i;
	int err;

	make_addr(&sa[0], dir, "t0");
	make_addr(&sa[1], dir, "t1");
	for (i = 0; !stop; i++) {
		switch (bind_one(&sa[i & 1], i & 1 ? SOCK_STREAM : SOCK_DGRAM,
				 &err)) {
		case B_OK:
			c->binds++;
			break;
		case B_FAILED:
			c->failed++;
			c->lasterr = err;
			break;
		default:
			c->wrong++;
		}
	}
	return NULL;
}

/* In the child of fork(): async-signal-safe calls only. */
static void child(void)
{
	struct sockaddr_un sa;
	size_t len = strlen(dir);
	unsigned v = (unsigned)getpid();
	char num[16];
	int n = 0, err;

	alarm(5);	/* a lock held across fork() would hang us: die */
	if (read_umask() != umask0)
		_exit(10);
	do
		num[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	if (len + 4 + (size_t)n >= sizeof sa.sun_path)
		_exit(2);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, dir, len);
	memcpy(sa.sun_path + len, "/c", 2);
	len += 2;
	while (n)
		sa.sun_path[len++] = num[--n];
	if (bind_one(&sa, SOCK_DGRAM, &err) != B_OK)
		_exit(11);
	if (bind_one(&sa, SOCK_STREAM, &err) != B_OK)
		_exit(12);
	if (read_umask() != umask0)
		_exit(13);
	_exit(0);
}

static int run_fork(double secs)
{
	struct counts c = { 0, 0, 0, 0 };
	long forks = 0, ok = 0, bad_umask = 0, bad_bind = 0, hung = 0,
	     other = 0;
	pthread_t t;
	double end;

	umask(027);
	umask0 = read_umask();
	if (pthread_create(&t, NULL, fork_binder, &c) != 0)
		return 2;
	end = now() + secs;
	while (now() < end && forks < 5000) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 2;
		}
		if (pid == 0)
			child();
		forks++;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ok++;
		else if (WIFEXITED(status) && (WEXITSTATUS(status) == 10 ||
					       WEXITSTATUS(status) == 13))
			bad_umask++;
		else if (WIFEXITED(status) && (WEXITSTATUS(status) == 11 ||
					       WEXITSTATUS(status) == 12))
			bad_bind++;
		else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
			hung++;
		else
			other++;
	}
	stop = 1;
	pthread_join(t, NULL);
	printf("fork: forks=%ld children_ok=%ld child_umask_wrong=%ld "
	       "child_bind_failed=%ld child_hung=%ld child_other=%ld "
	       "thread_binds=%ld thread_failed=%ld (errno %d) "
	       "thread_wrong=%ld\n", forks, ok, bad_umask, bad_bind, hung,
	       other, c.binds, c.failed, c.lasterr, c.wrong);
	violation("children that saw a changed umask", bad_umask);
	violation("children whose bind failed or was wrong", bad_bind);
	violation("children that hung in bind (a lock held across fork)",
		  hung);
	violation("children that died otherwise", other);
	violation("failed binds in the binding thread", c.failed);
	violation("wrong sockets in the binding thread", c.wrong);
	violation("fewer than 100 forks", forks < 100);
	violation("fewer than 100 binds during the forks", c.binds < 100);
	return violations ? 1 : 0;
}

/* ---- fdfail ----------------------------------------------------------- */

static int run_case(const char *what, int rounds)
{
	struct sockaddr_un sa;
	long i, bad = 0, left = 0;
	int fds0, fds1, err, want_err = 0, r;
	struct stat st;

	if (strcmp(what, "ok") == 0) {
		make_addr(&sa, dir, "ok");
	} else if (strcmp(what, "inuse") == 0) {
		make_addr(&sa, dir, "busy");
		unlink(sa.sun_path);
		/* A socket inode with nobody behind it: bind() must say
		 * EADDRINUSE. mknod needs no privilege for S_IFSOCK. */
		if (mknod(sa.sun_path, S_IFSOCK | 0600, 0) < 0) {
			perror("mknod");
			return 2;
		}
		want_err = EADDRINUSE;
	} else if (strcmp(what, "noent") == 0) {
		make_addr(&sa, dir, "missing/sock");
		want_err = ENOENT;
	} else if (strcmp(what, "policy") == 0) {
		make_addr(&sa, dir, "pol");
		want_err = EPERM;
	} else {
		fprintf(stderr, "unknown case %s\n", what);
		return 2;
	}
	fds0 = count_fds();
	for (i = 0; i < rounds; i++) {
		r = bind_one(&sa, i & 1 ? SOCK_STREAM : SOCK_DGRAM, &err);
		if (want_err == 0 ? r != B_OK : r != B_FAILED ||
		    (err != want_err &&
		     !(want_err == EPERM && err == EACCES)))
			bad++;
		if (strcmp(what, "policy") == 0 && lstat(sa.sun_path, &st) == 0) {
			left++;	/* a failed bind must remove its file */
			unlink(sa.sun_path);
		}
	}
	fds1 = count_fds();
	if (strcmp(what, "inuse") == 0)
		unlink(sa.sun_path);
	printf("fdfail %s: binds=%d unexpected_result=%ld (last errno %d) "
	       "files_left=%ld fds=%d/%d\n", what, rounds, bad, err, left,
	       fds0, fds1);
	violation("unexpected bind results", bad);
	violation("socket files left behind by a failed bind", left);
	violation("descriptors leaked", fds1 - fds0);
	return 0;
}

static int run_fdfail(int ncase, char **cases)
{
	int pass, i;

	umask(022);
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			printf("fdfail: now multi-threaded\n");
			start_idle_thread();
		}
		for (i = 0; i < ncase; i++)
			if (run_case(cases[i], 400) == 2)
				return 2;
	}
	return violations ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *em = getenv("EXPECT_MODE");
	int rc;

	if (argc < 4) {
		fprintf(stderr, "usage: stress threads|signal|fork DIR SECONDS "
			"| stress fdfail DIR CASE...\n");
		return 2;
	}
	dir = argv[2];
	want_mode = em ? (mode_t)strtoul(em, NULL, 8) : 0600;
	if (getenv("STRESS_UMASK"))
		stress_umask = (mode_t)strtoul(getenv("STRESS_UMASK"), NULL, 8);
	if (getenv("EXPECT_UID"))
		want_uid = atol(getenv("EXPECT_UID"));
	if (getenv("EXPECT_GID"))
		want_gid = atol(getenv("EXPECT_GID"));
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(argv[1], "threads") == 0)
		rc = run_threads(atof(argv[3]));
	else if (strcmp(argv[1], "signal") == 0)
		rc = run_signal(atof(argv[3]), argc > 4 &&
				strcmp(argv[4], "idle-thread") == 0);
	else if (strcmp(argv[1], "fork") == 0)
		rc = run_fork(atof(argv[3]));
	else if (strcmp(argv[1], "fdfail") == 0)
		rc = run_fdfail(argc - 3, argv + 3);
	else
		rc = 2;
	return rc;
}
