/* noalloc.c - SPEC 4.8: the bind() path allocates no memory.
 *
 *   noalloc DIR
 *
 * Defines malloc and friends itself (so every allocation in the process,
 * the preloaded library's included, lands here), forwarding to glibc's
 * __libc_* functions and counting calls while `counting` is set. Counts
 * around matching bind() calls, stream and datagram, single-threaded and
 * then multi-threaded (the other thread idle), and must see 0. Proves the
 * counter works by counting around strdup() and getpwnam(), which must
 * allocate. Each bound socket must have EXPECT_MODE, so that we know the
 * binds went through the library. Not for sanitizer runs (ASan brings its
 * own allocator). Exit 0 when all held, 1 otherwise.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "testutil.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static volatile int counting;
static volatile long allocs;

static void count(void)
{
	if (counting)
		__atomic_add_fetch(&allocs, 1, __ATOMIC_SEQ_CST);
}

void *malloc(size_t n)
{
	count();
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
	count();
	return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
	count();
	return __libc_realloc(p, n);
}

void free(void *p)
{
	count();
	__libc_free(p);
}

void *memalign(size_t align, size_t n)
{
	count();
	return __libc_memalign(align, n);
}

void *aligned_alloc(size_t align, size_t n)
{
	count();
	return __libc_memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	void *p;

	count();
	p = __libc_memalign(align, n);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

static const char *dir;
static mode_t want_mode;
static int bad;

/* Binds rounds sockets of each type with the counter on around bind()
 * only; returns the number of allocations seen. */
static long bind_rounds(const char *tag, int rounds)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long before = allocs;
	int i;

	snprintf(sa.sun_path, sizeof sa.sun_path, "%s/%s", dir, tag);
	for (i = 0; i < rounds; i++) {
		int type = i & 1 ? SOCK_STREAM : SOCK_DGRAM, rc;
		int s = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
		int s2 = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
		struct stat st = { .st_mode = 0 };

		counting = 1;
		rc = bind(s, (struct sockaddr *)&sa, sizeof sa);
		counting = 0;
		if (rc < 0 || lstat(sa.sun_path, &st) < 0 ||
		    (st.st_mode & 07777) != want_mode) {
			if (bad++ < 3)
				fprintf(stderr, "bind %s: rc %d errno %d mode "
					"%04o\n", sa.sun_path, rc, errno,
					(unsigned)(st.st_mode & 07777));
		}
		/* A failing bind (EADDRINUSE) goes through the hook too. */
		counting = 1;
		rc = bind(s2, (struct sockaddr *)&sa, sizeof sa);
		counting = 0;
		if (rc == 0 || errno != EADDRINUSE)
			bad++;
		close(s);
		close(s2);
		unlink(sa.sun_path);
	}
	return allocs - before;
}

int main(int argc, char **argv)
{
	const char *em = getenv("EXPECT_MODE");
	long st_allocs, mt_allocs, probe;
	pthread_t t;
	char *p;

	if (argc != 2 || !em) {
		fprintf(stderr, "usage: EXPECT_MODE=0600 noalloc DIR\n");
		return 2;
	}
	dir = argv[1];
	want_mode = (mode_t)strtoul(em, NULL, 8);

	/* The detector must see what is known to allocate. */
	probe = allocs;
	counting = 1;
	p = strdup("sockmode");
	free(p);
	counting = 0;
	if (allocs - probe < 2) {
		printf("VIOLATION: the counter missed strdup()+free()\n");
		return 1;
	}
	probe = allocs;
	counting = 1;
	(void)getpwnam("nobody");
	counting = 0;
	printf("detector: strdup+free=2 getpwnam=%ld allocations\n",
	       allocs - probe);
	if (allocs - probe < 1) {
		printf("VIOLATION: the counter missed getpwnam()\n");
		return 1;
	}

	st_allocs = bind_rounds("st", 200);
	if (pthread_create(&t, NULL, idle, NULL) != 0)
		return 2;
	mt_allocs = bind_rounds("mt", 200);
	printf("noalloc: single-threaded binds=400 allocations=%ld; "
	       "multi-threaded binds=400 allocations=%ld; bad binds=%d\n",
	       st_allocs, mt_allocs, bad);
	if (st_allocs || mt_allocs || bad) {
		printf("VIOLATION: bind() allocated or misbehaved\n");
		return 1;
	}
	return 0;
}
