/* naive.c - the textbook LD_PRELOAD socket-mode shim, deliberately NOT
 * race-safe: the control group that shows the race tests bite.
 *
 * It swaps the process umask around the real bind() in every process
 * (multi-threaded too), then chown()s and chmod()s the socket by path,
 * following whatever the path names by then. Reads SOCKMODE_MODE (octal)
 * and SOCKMODE_OWNER (name or number). Built by the tests themselves:
 *   cc -shared -fPIC -o naive.so naive.c -ldl
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	static int (*real_bind)(int, const struct sockaddr *, socklen_t);
	const struct sockaddr_un *un = (const struct sockaddr_un *)addr;
	const char *mode = getenv("SOCKMODE_MODE");
	const char *owner = getenv("SOCKMODE_OWNER");
	mode_t old;
	int rc;

	if (!real_bind)
		real_bind = (int (*)(int, const struct sockaddr *,
				     socklen_t))dlsym(RTLD_NEXT, "bind");
	if (!addr || addr->sa_family != AF_UNIX || !un->sun_path[0])
		return real_bind(fd, addr, len);
	old = umask(0777);
	rc = real_bind(fd, addr, len);
	umask(old);
	if (rc == 0 && owner) {
		struct passwd *pw = getpwnam(owner);
		uid_t uid = pw ? pw->pw_uid : (uid_t)strtoul(owner, NULL, 10);

		chown(un->sun_path, uid, (gid_t)-1);
	}
	if (rc == 0 && mode)
		chmod(un->sun_path, (mode_t)strtoul(mode, NULL, 8));
	return rc;
}
