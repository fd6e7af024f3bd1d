/*
 * bindprobe - performs one bind() scenario and prints one line:
 *
 *     SCENARIO rc=R errno=NAME
 *
 * errno is set to a sentinel (4242) just before the bind under test; the
 * line says errno=sentinel-kept when the call left it alone, else the
 * symbolic name of errno (e.g. EACCES), or errno=N for an unnamed value.
 *
 *   bindprobe inet                  AF_INET 127.0.0.1 port 0
 *   bindprobe inet-busy             the same port twice: the second bind
 *   bindprobe inet6                 AF_INET6 ::1 port 0
 *   bindprobe abstract [NAME]       abstract address "\0NAME"
 *   bindprobe unnamed               addrlen == sizeof(sa_family_t)
 *   bindprobe short                 addrlen == 1 (less than a family)
 *   bindprobe path PATH             stream socket, NUL-terminated PATH
 *   bindprobe path-nonul PATH       sun_path without a NUL; addrlen covers
 *                                   exactly the bytes of PATH (at most 108)
 *   bindprobe dgram PATH            SOCK_DGRAM socket bound to PATH
 *   bindprobe seqpacket PATH        SOCK_SEQPACKET socket bound to PATH
 *   bindprobe toolong [PATH]        addrlen sizeof(sockaddr_un) + 1
 *   bindprobe badfd [PATH]          fd -1 (AF_UNIX PATH, default "badfd.sock")
 *   bindprobe notsock [PATH]        a regular file's fd
 *   bindprobe null-addr             addr NULL, addrlen 16
 *   bindprobe badptr [LEN]          addr an unmapped pointer, AF_UNIX-sized
 *   bindprobe family-mismatch [PATH] AF_UNIX address on an AF_INET socket
 *   bindprobe bound-twice PATH      binds an already bound socket again
 *   bindprobe umask PATH            stream bind of PATH with umask 027; the
 *                                   line adds umask-after=NNNN
 *
 * The bound socket is left as it is (the file stays) and the program exits.
 * Exit status: 0 when the line was printed, 2 on a usage or setup error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define SENTINEL 4242

static const char *scenario;

static void die(const char *what)
{
	fprintf(stderr, "bindprobe %s: %s: %s\n", scenario, what,
		strerror(errno));
	exit(2);
}

static void usage(void)
{
	fprintf(stderr, "bindprobe: usage: bindprobe SCENARIO [ARG] "
		"(see the comment at the top of bindprobe.c)\n");
	exit(2);
}

static int xsocket(int domain, int type)
{
	int fd = socket(domain, type, 0);

	if (fd < 0)
		die("socket");
	return fd;
}

/* Fills un with a NUL-terminated path; returns the usual addrlen. */
static socklen_t unix_addr(struct sockaddr_un *un, const char *path)
{
	size_t n = strlen(path);

	memset(un, 0, sizeof *un);
	un->sun_family = AF_UNIX;
	if (n >= sizeof un->sun_path) {
		fprintf(stderr, "bindprobe %s: path too long for sun_path "
			"(use path-nonul or toolong)\n", scenario);
		exit(2);
	}
	memcpy(un->sun_path, path, n + 1);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
}

/* The bind under test: errno is the sentinel just before it. */
static int probe(int fd, const struct sockaddr *addr, socklen_t len, int *err)
{
	int rc;

	errno = SENTINEL;
	rc = bind(fd, addr, len);
	*err = errno;
	return rc;
}

static void report(int rc, int err, const char *extra)
{
	char num[32];
	const char *name;

	if (err == SENTINEL) {
		name = "sentinel-kept";
	} else if (!(name = strerrorname_np(err))) {
		snprintf(num, sizeof num, "%d", err);
		name = num;
	}
	printf("%s rc=%d errno=%s%s\n", scenario, rc, name, extra ? extra : "");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *arg = argc > 2 ? argv[2] : NULL;
	struct sockaddr_un un;
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
	socklen_t len;
	int fd, rc, err;

	if (argc < 2 || argc > 3)
		usage();
	scenario = argv[1];
	memset(&in4, 0, sizeof in4);
	in4.sin_family = AF_INET;
	in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	if (strcmp(scenario, "inet") == 0) {
		fd = xsocket(AF_INET, SOCK_STREAM);
		rc = probe(fd, (struct sockaddr *)&in4, sizeof in4, &err);
	} else if (strcmp(scenario, "inet-busy") == 0) {
		int first = xsocket(AF_INET, SOCK_STREAM);

		len = sizeof in4;
		if (bind(first, (struct sockaddr *)&in4, len) < 0 ||
		    getsockname(first, (struct sockaddr *)&in4, &len) < 0 ||
		    listen(first, 1) < 0)
			die("first bind");
		fd = xsocket(AF_INET, SOCK_STREAM);
		rc = probe(fd, (struct sockaddr *)&in4, sizeof in4, &err);
	} else if (strcmp(scenario, "inet6") == 0) {
		memset(&in6, 0, sizeof in6);
		in6.sin6_family = AF_INET6;
		in6.sin6_addr = in6addr_loopback;
		fd = xsocket(AF_INET6, SOCK_STREAM);
		rc = probe(fd, (struct sockaddr *)&in6, sizeof in6, &err);
	} else if (strcmp(scenario, "abstract") == 0) {
		char name[64];
		size_t n;

		snprintf(name, sizeof name, "%s",
			 arg ? arg : "sockmode-bindprobe");
		n = strlen(name);
		memset(&un, 0, sizeof un);
		un.sun_family = AF_UNIX;
		memcpy(un.sun_path + 1, name, n);
		fd = xsocket(AF_UNIX, SOCK_STREAM);
		rc = probe(fd, (struct sockaddr *)&un,
			   (socklen_t)(offsetof(struct sockaddr_un, sun_path)
				       + 1 + n), &err);
	} else if (strcmp(scenario, "unnamed") == 0) {
		memset(&un, 0, sizeof un);
		un.sun_family = AF_UNIX;
		fd = xsocket(AF_UNIX, SOCK_STREAM);
		rc = probe(fd, (struct sockaddr *)&un, sizeof(sa_family_t),
			   &err);
	} else if (strcmp(scenario, "short") == 0) {
		memset(&un, 0, sizeof un);
		un.sun_family = AF_UNIX;
		fd = xsocket(AF_UNIX, SOCK_STREAM);
		rc = probe(fd, (struct sockaddr *)&un, 1, &err);
	} else if (strcmp(scenario, "path") == 0 ||
		   strcmp(scenario, "dgram") == 0 ||
		   strcmp(scenario, "seqpacket") == 0) {
		int type = scenario[0] == 'd' ? SOCK_DGRAM :
			   scenario[0] == 's' ? SOCK_SEQPACKET : SOCK_STREAM;

		if (!arg)
			usage();
		len = unix_addr(&un, arg);
		fd = xsocket(AF_UNIX, type);
		rc = probe(fd, (struct sockaddr *)&un, len, &err);
	} else if (strcmp(scenario, "path-nonul") == 0) {
		size_t n;

		if (!arg)
			usage();
		n = strlen(arg);
		if (n > sizeof un.sun_path)
			n = sizeof un.sun_path;
		memset(&un, 'X', sizeof un);	/* no NUL anywhere after */
		un.sun_family = AF_UNIX;
		memcpy(un.sun_path, arg, n);
		fd = xsocket(AF_UNIX, SOCK_STREAM);
		rc = probe(fd, (struct sockaddr *)&un,
			   (socklen_t)(offsetof(struct sockaddr_un, sun_path)
				       + n), &err);
	} else if (strcmp(scenario, "toolong") == 0) {
		struct sockaddr_storage ss;
		struct sockaddr_un *u = (struct sockaddr_un *)&ss;

		memset(&ss, 0, sizeof ss);
		u->sun_family = AF_UNIX;
		snprintf(u->sun_path, sizeof u->sun_path, "%s",
			 arg ? arg : "toolong.sock");
		fd = xsocket(AF_UNIX, SOCK_STREAM);
		rc = probe(fd, (struct sockaddr *)&ss,
			   sizeof(struct sockaddr_un) + 1, &err);
	} else if (strcmp(scenario, "badfd") == 0) {
		len = unix_addr(&un, arg ? arg : "badfd.sock");
		rc = probe(-1, (struct sockaddr *)&un, len, &err);
	} else if (strcmp(scenario, "notsock") == 0) {
		len = unix_addr(&un, arg ? arg : "notsock.sock");
		fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die("open /proc/self/exe");
		rc = probe(fd, (struct sockaddr *)&un, len, &err);
	} else if (strcmp(scenario, "null-addr") == 0) {
		fd = xsocket(AF_UNIX, SOCK_STREAM);
		rc = probe(fd, NULL, 16, &err);
	} else if (strcmp(scenario, "badptr") == 0) {
		/* A page that is mapped and then unmapped: certainly invalid. */
		void *page = mmap(NULL, 4096, PROT_NONE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (page == MAP_FAILED)
			die("mmap");
		munmap(page, 4096);
		len = arg ? (socklen_t)atoi(arg) : sizeof(struct sockaddr_un);
		fd = xsocket(AF_UNIX, SOCK_STREAM);
		rc = probe(fd, page, len, &err);
	} else if (strcmp(scenario, "family-mismatch") == 0) {
		len = unix_addr(&un, arg ? arg : "mismatch.sock");
		fd = xsocket(AF_INET, SOCK_STREAM);
		rc = probe(fd, (struct sockaddr *)&un, len, &err);
	} else if (strcmp(scenario, "bound-twice") == 0) {
		char other[sizeof un.sun_path + 8];

		if (!arg)
			usage();
		snprintf(other, sizeof other, "%s.2", arg);
		fd = xsocket(AF_UNIX, SOCK_STREAM);
		len = unix_addr(&un, arg);
		if (bind(fd, (struct sockaddr *)&un, len) < 0)
			die("first bind");
		len = unix_addr(&un, other);
		rc = probe(fd, (struct sockaddr *)&un, len, &err);
	} else if (strcmp(scenario, "umask") == 0) {
		char extra[32];
		mode_t after;

		if (!arg)
			usage();
		len = unix_addr(&un, arg);
		fd = xsocket(AF_UNIX, SOCK_STREAM);
		umask(027);
		rc = probe(fd, (struct sockaddr *)&un, len, &err);
		after = umask(027);
		snprintf(extra, sizeof extra, " umask-after=%04o",
			 (unsigned)after);
		report(rc, err, extra);
		return 0;
	} else {
		usage();
	}
	report(rc, err, NULL);
	return 0;
}
