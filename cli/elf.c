/* elf.c - what kind of program a command file is: statically linked, Go,
 * set-user-ID. It decides --via=auto (SPEC 7) and the warnings. */
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* The start of a Go build-info blob (Go >= 1.13), 16-byte aligned in
 * the file: found by scanning when a binary has no section headers. */
static const char go_magic[] = "\xff Go buildinf:";
#define GO_MAGIC_LEN (sizeof go_magic - 1)
#define GO_SECTION ".go.buildinfo"

/* What the ELF header says, in one shape for both classes. */
struct ehdr {
	int is64;
	uint64_t phoff, shoff;
	size_t phentsize, phnum, shentsize, shnum, shstrndx;
};

/* Reads exactly size bytes at off. Returns 0, or -1 (short or error). */
static int read_at(int fd, void *buf, size_t size, uint64_t off)
{
	ssize_t n = pread(fd, buf, size, (off_t)off);

	return n == (ssize_t)size ? 0 : -1;
}

/* Reads and checks the ELF header of fd. Returns 0, or -1 when fd is not
 * an ELF file of this machine's byte order. */
static int read_ehdr(int fd, struct ehdr *h)
{
	union {
		unsigned char ident[EI_NIDENT];
		Elf32_Ehdr e32;
		Elf64_Ehdr e64;
	} u;

	memset(&u, 0, sizeof u);
	if (read_at(fd, &u, sizeof u.e32, 0) < 0 ||
	    memcmp(u.ident, ELFMAG, SELFMAG) != 0)
		return -1;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (u.ident[EI_DATA] != ELFDATA2LSB)
		return -1;
#else
	if (u.ident[EI_DATA] != ELFDATA2MSB)
		return -1;
#endif
	h->is64 = u.ident[EI_CLASS] == ELFCLASS64;
	if (h->is64) {
		if (read_at(fd, &u, sizeof u.e64, 0) < 0)
			return -1;
		h->phoff = u.e64.e_phoff;
		h->phentsize = u.e64.e_phentsize;
		h->phnum = u.e64.e_phnum;
		h->shoff = u.e64.e_shoff;
		h->shentsize = u.e64.e_shentsize;
		h->shnum = u.e64.e_shnum;
		h->shstrndx = u.e64.e_shstrndx;
	} else {
		h->phoff = u.e32.e_phoff;
		h->phentsize = u.e32.e_phentsize;
		h->phnum = u.e32.e_phnum;
		h->shoff = u.e32.e_shoff;
		h->shentsize = u.e32.e_shentsize;
		h->shnum = u.e32.e_shnum;
		h->shstrndx = u.e32.e_shstrndx;
	}
	return 0;
}

/* 1 when a program header is PT_INTERP (dynamically linked), 0 when none
 * is (statically linked), -1 when they cannot be read. */
static int has_interp(int fd, const struct ehdr *h)
{
	size_t i;

	if (h->phentsize < sizeof(Elf32_Phdr) || h->phnum == 0)
		return -1;
	for (i = 0; i < h->phnum; i++) {
		uint32_t type;	/* p_type is the first word in both classes */

		if (read_at(fd, &type, sizeof type,
			    h->phoff + (uint64_t)i * h->phentsize) < 0)
			return -1;
		if (type == PT_INTERP)
			return 1;
	}
	return 0;
}

/* The offset and size of section i's header fields we need. Returns 0,
 * or -1 when it cannot be read. */
static int section(int fd, const struct ehdr *h, size_t i, uint32_t *name,
		   uint64_t *off, uint64_t *size)
{
	uint64_t at = h->shoff + (uint64_t)i * h->shentsize;

	if (h->is64) {
		Elf64_Shdr s;

		if (h->shentsize < sizeof s || read_at(fd, &s, sizeof s, at) < 0)
			return -1;
		*name = s.sh_name;
		*off = s.sh_offset;
		*size = s.sh_size;
	} else {
		Elf32_Shdr s;

		if (h->shentsize < sizeof s || read_at(fd, &s, sizeof s, at) < 0)
			return -1;
		*name = s.sh_name;
		*off = s.sh_offset;
		*size = s.sh_size;
	}
	return 0;
}

/* 1 when a section is called .go.buildinfo, 0 when none is, -1 when the
 * file has no (readable) section headers. */
static int has_go_section(int fd, const struct ehdr *h)
{
	char want[sizeof GO_SECTION], got[sizeof GO_SECTION];
	uint64_t stroff, strsize, off, size;
	uint32_t name;
	size_t i;

	if (h->shnum == 0 || h->shnum > 65535 || h->shstrndx >= h->shnum ||
	    section(fd, h, h->shstrndx, &name, &stroff, &strsize) < 0)
		return -1;
	memcpy(want, GO_SECTION, sizeof want);
	for (i = 0; i < h->shnum; i++) {
		if (section(fd, h, i, &name, &off, &size) < 0)
			return -1;
		if (name >= strsize || strsize - name < sizeof got ||
		    read_at(fd, got, sizeof got, stroff + name) < 0)
			continue;
		if (memcmp(got, want, sizeof want) == 0)
			return 1;
	}
	return 0;
}

/* 1 when the Go build-info magic is anywhere in the file at a 16-byte
 * boundary, else 0. Reads the whole file: only for files without
 * section headers. */
static int has_go_magic(int fd)
{
	static unsigned char buf[1 << 16];
	uint64_t off = 0;
	ssize_t n;
	size_t i;

	while ((n = pread(fd, buf, sizeof buf, (off_t)off)) >=
	       (ssize_t)GO_MAGIC_LEN) {
		for (i = 0; i + GO_MAGIC_LEN <= (size_t)n; i += 16)
			if (memcmp(buf + i, go_magic, GO_MAGIC_LEN) == 0)
				return 1;
		off += (uint64_t)n;	/* a multiple of 16 unless at the end */
	}
	return 0;
}

unsigned cli_inspect(int fd)
{
	unsigned kind = 0;
	struct ehdr h;
	struct stat st;
	int go;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & (S_ISUID | S_ISGID)))
		kind |= CLI_SETID;
	if (read_ehdr(fd, &h) == 0) {
		kind |= CLI_ELF;
		if (has_interp(fd, &h) == 0)
			kind |= CLI_STATIC;
		go = has_go_section(fd, &h);
		if (go < 0)
			go = has_go_magic(fd);
		if (go > 0)
			kind |= CLI_GO;
	}
	return kind;
}
