/*
 * interpose.c - linked into a harness, sees the calls that the preloaded
 * library makes inside bind().
 *
 * A function defined in the executable comes first in the dynamic
 * linker's lookup order, ahead of LD_PRELOAD libraries and libc, so the
 * definitions below receive every call the process makes, libsockmode.so's
 * included, and forward it to the next definition (glibc's).
 *
 * -DCOUNT_MALLOC  malloc, calloc and realloc count their calls
 *                 (ip_allocs(): all of them; ip_allocs_in(): those made
 *                 between ip_begin() and ip_end()).
 * -DTIME_CALLS    the libc functions libsockmode.so imports that enter the
 *                 kernel are timed when called between ip_begin() and
 *                 ip_end(); ip_report() prints, per function, the calls
 *                 per bind and the median ns of one call, and the median
 *                 of the whole bind() call.
 *
 * The real bind cannot be wrapped this way: the library finds it with
 * dlsym(RTLD_NEXT), past the executable. What the wrapped calls do not
 * explain is the real bind, the library's own code, and calls not listed.
 */
#include "interpose.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

static int inside;		/* between ip_begin() and ip_end() */

#ifdef COUNT_MALLOC
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static unsigned long nalloc, nalloc_in;

static void counted(void)
{
	__atomic_add_fetch(&nalloc, 1, __ATOMIC_RELAXED);
	if (inside)
		__atomic_add_fetch(&nalloc_in, 1, __ATOMIC_RELAXED);
}

void *malloc(size_t n)
{
	counted();
	return __libc_malloc(n);
}

void *calloc(size_t a, size_t b)
{
	counted();
	return __libc_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
	counted();
	return __libc_realloc(p, n);
}

unsigned long ip_allocs(void)
{
	return nalloc;
}

unsigned long ip_allocs_in(void)
{
	return nalloc_in;
}
#endif

#ifdef TIME_CALLS
#define MAXSAMPLES 65536

/* One timed function: its calls inside bind() and their durations. */
struct timed {
	const char *name;
	unsigned long calls;
	unsigned nsamples;
	uint32_t ns[MAXSAMPLES];
};

enum {
	T_GETSOCKOPT, T_FSTAT, T_FSTATAT, T_FCHMOD, T_OPEN, T_OPEN_PROC, T_OPENAT,
	T_CLOSE, T_SOCKET, T_SENDTO, T_RECV, T_FCHOWNAT, T_REMOVEXATTR,
	T_SYSCALL, T_CHMOD, T_READLINK, T_READ, T_GETCWD, T_UMASK,
	T_SIGMASK, T_UNLINKAT, T_WRITE, T_BIND, NTIMED
};

static struct timed timed[NTIMED] = {
	[T_GETSOCKOPT] = { .name = "getsockopt" },
	[T_FSTAT] = { .name = "fstat" },
	[T_FSTATAT] = { .name = "fstatat" },
	[T_FCHMOD] = { .name = "fchmod" },
	[T_OPEN] = { .name = "open" },
	[T_OPEN_PROC] = { .name = "open(/proc/...)" },
	[T_OPENAT] = { .name = "openat" },
	[T_CLOSE] = { .name = "close" },
	[T_SOCKET] = { .name = "socket" },
	[T_SENDTO] = { .name = "sendto" },
	[T_RECV] = { .name = "recv" },
	[T_FCHOWNAT] = { .name = "fchownat" },
	[T_REMOVEXATTR] = { .name = "removexattr" },
	[T_SYSCALL] = { .name = "syscall" },
	[T_CHMOD] = { .name = "chmod" },
	[T_READLINK] = { .name = "readlink" },
	[T_READ] = { .name = "read" },
	[T_GETCWD] = { .name = "getcwd" },
	[T_UMASK] = { .name = "umask" },
	[T_SIGMASK] = { .name = "pthread_sigmask" },
	[T_UNLINKAT] = { .name = "unlinkat" },
	[T_WRITE] = { .name = "write" },
	[T_BIND] = { .name = "bind() as a whole" },
};

static unsigned long nbinds;
static uint64_t t_bind;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void record(int which, uint64_t ns)
{
	struct timed *t = &timed[which];

	t->calls++;
	if (t->nsamples < MAXSAMPLES)
		t->ns[t->nsamples++] = (uint32_t)(ns > UINT32_MAX ? UINT32_MAX
								 : ns);
}

/* The next definition of name (glibc's), found once. */
static void *next(void **slot, const char *name)
{
	if (!*slot)
		*slot = dlsym(RTLD_NEXT, name);
	if (!*slot)
		abort();
	return *slot;
}

/* Defines a wrapper: FN returning RET with parameters PARAMS, forwarding
 * ARGS to the next definition, timed as slot ID while inside. */
#define WRAP(RET, FN, ID, PARAMS, ARGS)					\
	RET FN PARAMS							\
	{								\
		static void *real;					\
		RET (*f) PARAMS = (RET (*) PARAMS)next(&real, #FN);	\
		uint64_t t0;						\
		RET r;							\
									\
		if (!inside)						\
			return f ARGS;					\
		t0 = now_ns();						\
		r = f ARGS;						\
		record(ID, now_ns() - t0);				\
		return r;						\
	}

WRAP(int, getsockopt, T_GETSOCKOPT,
     (int fd, int level, int name, void *val, socklen_t *len),
     (fd, level, name, val, len))
WRAP(int, fstat, T_FSTAT, (int fd, struct stat *st), (fd, st))
WRAP(int, fstatat, T_FSTATAT,
     (int dfd, const char *p, struct stat *st, int flags),
     (dfd, p, st, flags))
WRAP(int, fchmod, T_FCHMOD, (int fd, mode_t m), (fd, m))
WRAP(int, close, T_CLOSE, (int fd), (fd))
WRAP(int, socket, T_SOCKET, (int d, int t, int p), (d, t, p))
WRAP(ssize_t, sendto, T_SENDTO,
     (int fd, const void *b, size_t n, int fl, const struct sockaddr *a,
      socklen_t al), (fd, b, n, fl, a, al))
WRAP(ssize_t, recv, T_RECV, (int fd, void *b, size_t n, int fl),
     (fd, b, n, fl))
WRAP(int, fchownat, T_FCHOWNAT,
     (int dfd, const char *p, uid_t u, gid_t g, int fl),
     (dfd, p, u, g, fl))
WRAP(int, removexattr, T_REMOVEXATTR, (const char *p, const char *n),
     (p, n))
WRAP(int, chmod, T_CHMOD, (const char *p, mode_t m), (p, m))
WRAP(ssize_t, readlink, T_READLINK, (const char *p, char *b, size_t n),
     (p, b, n))
WRAP(ssize_t, read, T_READ, (int fd, void *b, size_t n), (fd, b, n))
WRAP(char *, getcwd, T_GETCWD, (char *b, size_t n), (b, n))
WRAP(mode_t, umask, T_UMASK, (mode_t m), (m))
WRAP(int, pthread_sigmask, T_SIGMASK,
     (int how, const sigset_t *s, sigset_t *o), (how, s, o))
WRAP(int, unlinkat, T_UNLINKAT, (int dfd, const char *p, int fl),
     (dfd, p, fl))
WRAP(ssize_t, write, T_WRITE, (int fd, const void *b, size_t n),
     (fd, b, n))

/* The variadic ones: take the optional mode argument along. */
int open(const char *p, int flags, ...)
{
	static void *real;
	int (*f)(const char *, int, ...) =
		(int (*)(const char *, int, ...))next(&real, "open");
	mode_t mode = 0;
	uint64_t t0;
	va_list ap;
	int r;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = va_arg(ap, mode_t);
	va_end(ap);
	if (!inside)
		return f(p, flags, mode);
	t0 = now_ns();
	r = f(p, flags, mode);
	record(strncmp(p, "/proc/", 6) ? T_OPEN : T_OPEN_PROC, now_ns() - t0);
	return r;
}

int openat(int dfd, const char *p, int flags, ...)
{
	static void *real;
	int (*f)(int, const char *, int, ...) =
		(int (*)(int, const char *, int, ...))next(&real, "openat");
	mode_t mode = 0;
	uint64_t t0;
	va_list ap;
	int r;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = va_arg(ap, mode_t);
	va_end(ap);
	if (!inside)
		return f(dfd, p, flags, mode);
	t0 = now_ns();
	r = f(dfd, p, flags, mode);
	record(T_OPENAT, now_ns() - t0);
	return r;
}

/* syscall(2): the library's fchmodat2. Up to six arguments are passed on
 * (reading more than the caller gave is harmless on the ABIs here). */
long syscall(long nr, ...)
{
	static void *real;
	long (*f)(long, ...) = (long (*)(long, ...))next(&real, "syscall");
	long a[6];
	uint64_t t0;
	va_list ap;
	long r;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (!inside)
		return f(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	t0 = now_ns();
	r = f(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	record(T_SYSCALL, now_ns() - t0);
	return r;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double median_of(struct timed *t)
{
	unsigned n = t->nsamples;

	if (!n)
		return 0;
	qsort(t->ns, n, sizeof t->ns[0], cmp_u32);
	return n % 2 ? t->ns[n / 2] : (t->ns[n / 2 - 1] + t->ns[n / 2]) / 2.0;
}

void ip_report(void)
{
	uint64_t a, b;
	int i;

	/* The cost of the timer itself, taken off every median. */
	a = now_ns();
	for (i = 0; i < 1000; i++)
		b = now_ns();
	b = now_ns();
	printf("timer %.1f\n", (double)(b - a) / 1001);
	for (i = 0; i < NTIMED; i++)
		if (timed[i].calls)
			printf("call %s %.3f %.1f\n", timed[i].name,
			       (double)timed[i].calls / (double)nbinds,
			       median_of(&timed[i]));
}
#endif

void ip_begin(void)
{
#ifdef TIME_CALLS
	t_bind = now_ns();
#endif
	inside = 1;
}

void ip_end(void)
{
	inside = 0;
#ifdef TIME_CALLS
	record(T_BIND, now_ns() - t_bind);
	nbinds++;
#endif
}
