/* swapper.c - the attacker of the symlink-swap tests (SPEC 4.3), run as
 * nobody in a world-writable, non-sticky directory: keeps replacing PATH,
 * atomically with rename(), by an inode of its own:
 *
 *   swapper PATH KIND VICTIM SECONDS STOPFILE
 *
 * KIND symlink: a symlink to VICTIM (a root-owned file elsewhere);
 * KIND fifo / socket: a FIFO / a socket file of its own, mode 0640;
 * KIND parent: PATH is a directory of its own that the server binds in,
 * exchanged (renameat2 RENAME_EXCHANGE) with a symlink to the directory
 * VICTIM and back, over and over: the non-final-component swap of
 * CVE-2018-6954. It
 * keeps an O_PATH descriptor on each one it planted and checks later that
 * nobody changed its mode (0640) or owner (itself): "tampered" counts
 * those that were. Every few rounds it also tries to open VICTIM for
 * writing and, if it can, appends "pwned" ("pwned" counts those).
 *
 * Prints "ready", and at the end "swaps=N tampered=N pwned=N". Exit 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#define KEEP 64	/* planted inodes checked a while after planting */

static long tampered;

static void check(int fd)
{
	struct stat st;

	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || (st.st_mode & 07777) != 0640 ||
	    st.st_uid != getuid()) {
		if (tampered++ < 5)
			fprintf(stderr, "swapper: my inode is now %04o uid %u\n",
				(unsigned)(st.st_mode & 07777),
				(unsigned)st.st_uid);
	}
	close(fd);
}

/* KIND parent: exchanges the directory path with a symlink to victim
 * (at tmp) and back until end or stopfile. Returns the exit status. */
static int swap_parent(const char *path, const char *tmp, const char *victim,
		       double end, const char *stopfile)
{
	long swaps = 0, i;
	struct stat st;

	unlink(tmp);
	if (symlink(victim, tmp) < 0) {
		perror("swapper: symlink");
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	for (i = 0;; i++) {
		if ((i & 255) == 0 && (now() > end || stat(stopfile, &st) == 0))
			break;
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path,
			      RENAME_EXCHANGE) == 0)
			swaps++;
	}
	/* Leave the real directory at path. */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE);
	printf("swaps=%ld tampered=0 pwned=0\n", swaps);
	return 0;
}

int main(int argc, char **argv)
{
	static int kept[KEEP];
	char tmp[sizeof ((struct sockaddr_un *)0)->sun_path];
	const char *path, *kind, *victim;
	long swaps = 0, pwned = 0, i;
	unsigned seed = (unsigned)getpid();
	double end;
	struct stat st;

	if (argc != 6) {
		fprintf(stderr, "usage: swapper PATH symlink|fifo|socket|parent "
			"VICTIM SECONDS STOPFILE\n");
		return 2;
	}
	path = argv[1];
	kind = argv[2];
	victim = argv[3];
	end = now() + atof(argv[4]);
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.swap", path) >= sizeof tmp)
		return 2;
	for (i = 0; i < KEEP; i++)
		kept[i] = -1;
	umask(0);
	if (strcmp(kind, "parent") == 0)
		return swap_parent(path, tmp, victim, end, argv[5]);
	printf("ready\n");
	fflush(stdout);

	for (i = 0;; i++) {
		int fd = -1, spin;

		if ((i & 255) == 0 && (now() > end || stat(argv[5], &st) == 0))
			break;
		unlink(tmp);
		if (strcmp(kind, "symlink") == 0) {
			if (symlink(victim, tmp) < 0)
				continue;
		} else if (strcmp(kind, "fifo") == 0) {
			if (mkfifo(tmp, 0640) < 0)
				continue;
		} else {
			struct sockaddr_un sa = { .sun_family = AF_UNIX };
			int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

			memcpy(sa.sun_path, tmp, sizeof tmp);
			if (s < 0)
				return 2;
			umask(0137);
			if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0) {
				close(s);
				umask(0);
				continue;
			}
			umask(0);
			close(s);
		}
		if (strcmp(kind, "symlink") != 0)
			fd = open(tmp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (rename(tmp, path) == 0)
			swaps++;
		check(kept[i % KEEP]);
		kept[i % KEEP] = fd;
		if ((i & 63) == 0) {
			int v = open(victim, O_WRONLY | O_APPEND | O_CLOEXEC);

			if (v >= 0) {
				if (write(v, "pwned\n", 6) == 6)
					pwned++;
				close(v);
			}
		}
		/* Vary the phase against the server's loop. */
		spin = (int)(rand_r(&seed) % 2000);
		while (spin-- > 0)
			__asm__ __volatile__("" ::: "memory");
	}
	for (i = 0; i < KEEP; i++)
		check(kept[i]);
	printf("swaps=%ld tampered=%ld pwned=%ld\n", swaps, tampered, pwned);
	return 0;
}
