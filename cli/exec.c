/* exec.c - find the command, warn where the library cannot act, exec. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/*
 * Finds cmd as execvp(3) would: as given when it holds a '/', else the
 * first executable regular file in $PATH. Writes it into out; returns 0,
 * or -1 when none was found.
 */
static int find_command(const char *cmd, char *out, size_t size)
{
	const char *path = getenv("PATH"), *p;

	if (strchr(cmd, '/'))
		return snprintf(out, size, "%s", cmd) < (int)size ? 0 : -1;
	for (p = path ? path : "/usr/local/bin:/usr/bin:/bin"; ; p++) {
		size_t n = strcspn(p, ":");
		struct stat st;

		if (snprintf(out, size, "%.*s%s%s", (int)n, p, n ? "/" : "",
			     cmd) < (int)size &&
		    stat(out, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(out, X_OK) == 0)
			return 0;
		p += n;
		if (!*p)
			return -1;
	}
}

/*
 * Returns 1 when file is an ELF executable with no program interpreter
 * (statically linked), 0 otherwise (dynamic, a script, unreadable).
 */
static int is_static_elf(const char *file)
{
	unsigned char buf[4096];
	ssize_t n;
	int fd = open(file, O_RDONLY | O_CLOEXEC), i;
	size_t phoff, phentsize, phnum;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n < (ssize_t)sizeof(Elf32_Ehdr) || memcmp(buf, ELFMAG, SELFMAG) != 0)
		return 0;
	if (buf[EI_CLASS] == ELFCLASS64 && n >= (ssize_t)sizeof(Elf64_Ehdr)) {
		const Elf64_Ehdr *e = (const Elf64_Ehdr *)buf;

		phoff = e->e_phoff;
		phentsize = e->e_phentsize;
		phnum = e->e_phnum;
	} else {
		const Elf32_Ehdr *e = (const Elf32_Ehdr *)buf;

		phoff = e->e_phoff;
		phentsize = e->e_phentsize;
		phnum = e->e_phnum;
	}
	if (phentsize < sizeof(Elf32_Phdr) || phoff > (size_t)n ||
	    phnum > ((size_t)n - phoff) / phentsize)
		return 0;	/* headers beyond what we read: do not guess */
	for (i = 0; (size_t)i < phnum; i++) {
		/* p_type is the first word in both classes. */
		Elf32_Word type;

		memcpy(&type, buf + phoff + (size_t)i * phentsize, sizeof type);
		if (type == PT_INTERP)
			return 0;
	}
	return 1;
}

int cli_exec(char **argv)
{
	char file[PATH_MAX];
	struct stat st;

	if (find_command(argv[0], file, sizeof file) == 0) {
		if (is_static_elf(file))
			fprintf(stderr, "sockmode: warning: %s is statically "
				"linked: the library cannot act there\n", file);
		if (stat(file, &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID)))
			fprintf(stderr, "sockmode: warning: %s is set-user-ID "
				"or set-group-ID: the loader ignores "
				"LD_PRELOAD there\n", file);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "sockmode: %s: %s\n", argv[0], strerror(errno));
	return errno == ENOENT || errno == ENOTDIR ? 127 : 126;
}
