/*
 * secureprobe - binds a stream socket to PATH and prints one line:
 *
 *     secure=S mapped=M rc=R errno=E
 *
 * S is getauxval(AT_SECURE), M is 1 when a libsockmode object is mapped
 * into the process (so the library was loaded), R and E the bind's result.
 * Used set-user-ID to show that the SOCKMODE_* environment is ignored in
 * secure-execution mode (SPEC 4.7).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int library_mapped(void)
{
	char line[512];
	FILE *maps = fopen("/proc/self/maps", "r");
	int found = 0;

	if (!maps)
		return -1;
	while (!found && fgets(line, sizeof line, maps))
		found = strstr(line, "libsockmode") != NULL;
	fclose(maps);
	return found;
}

int main(int argc, char **argv)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd, rc;

	if (argc != 2 || strlen(argv[1]) >= sizeof a.sun_path) {
		fprintf(stderr, "usage: secureprobe PATH\n");
		return 2;
	}
	strcpy(a.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	errno = 0;
	rc = bind(fd, (struct sockaddr *)&a, sizeof a);
	printf("secure=%lu mapped=%d rc=%d errno=%d\n", getauxval(AT_SECURE),
	       library_mapped(), rc, rc ? errno : 0);
	return 0;
}
