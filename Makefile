# sockmode - make, make test, make demo, make check, make bench, make install
# Plain variables; override on the command line (make CC=musl-gcc).

PREFIX ?= /usr/local
# Where the library goes and where the command looks for it; the Debian
# package sets the multiarch directory (LD_PRELOAD=libsockmode.so by name).
LIBDIR ?= $(PREFIX)/lib
DESTDIR ?=
# The one place the version is written: the top of debian/changelog.
VERSION := ${shell sed -n '1s/^sockmode (\([^)]*\)).*/\1/p' debian/changelog}
CC ?= cc
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
       -Wmissing-prototypes -Wpointer-arith -Wvla
WERROR ?= -Werror
CPPFLAGS += -D_GNU_SOURCE
SHIM_FLAGS = -fPIC -fvisibility=hidden -fno-strict-aliasing
LDFLAGS ?=
SHIM_LDFLAGS = -shared -Wl,-z,defs -Wl,-z,relro -Wl,-z,now
SHIM_LIBS = -ldl

B = build
SHIM_SRC = $(sort $(wildcard shim/*.c))
SHIM_HDR = $(wildcard shim/*.h)
SHIM_OBJ = $(SHIM_SRC:shim/%.c=$(B)/shim/%.o)
UNIT_SRC = $(sort $(wildcard tests/unit/*.c))
TOOL_SRC = $(sort $(wildcard tests/bin/*.c))
TOOLS = $(TOOL_SRC:tests/bin/%.c=$(B)/tests/%)

# The sanitizer build: same sources, its own directory.
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer \
      -fno-sanitize-recover=all

.PHONY: all lib cli man deb test-deb test unit integration examples asan demo check bench clean deps \
	install uninstall fuzz test-fresh

all: lib cli man

lib: $(B)/libsockmode.so

# The man pages with the version of debian/changelog on their .TH line.
MAN_SRC = $(wildcard man/*.[157])
MAN = $(MAN_SRC:man/%=$(B)/man/%)
man: $(MAN)
$(B)/man/%: man/% debian/changelog
	@mkdir -p $(@D)
	sed '/^\.TH /s/"sockmode[^"]*"/"sockmode $(VERSION)"/' $< >$@

cli: $(B)/sockmode

# musl-gcc searches no kernel headers; give it only the linux/ and asm/
# ones (never glibc's) through a directory of links.
ifneq ($(findstring musl,$(CC)),)
KINC = $(B)/kernel-include
CPPFLAGS += -isystem $(KINC)
$(SHIM_OBJ): $(KINC)/linux
$(KINC)/linux:
	@mkdir -p $(KINC)
	ln -sfn /usr/include/linux $(KINC)/linux
	ln -sfn /usr/include/asm-generic $(KINC)/asm-generic
	ln -sfn /usr/include/$$(gcc -print-multiarch)/asm $(KINC)/asm
endif

$(B)/shim/%.o: shim/%.c $(SHIM_HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(WERROR) $(SHIM_FLAGS) -c -o $@ $<

$(B)/libsockmode.so: $(SHIM_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) $(SHIM_LDFLAGS) -o $@ $^ $(SHIM_LIBS)

# The command links the shim's parsing objects: same keys, same parser.
CLI_SRC = $(sort $(wildcard cli/*.c))
CLI_SHIM_OBJ = $(filter-out $(B)/shim/hook.o $(B)/shim/hook_mode.o,$(SHIM_OBJ))
$(B)/sockmode: $(CLI_SRC) $(wildcard cli/*.h) $(CLI_SHIM_OBJ) debian/changelog
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(WERROR) -Ishim \
		-DSOCKMODE_LIBDIR=\"$(LIBDIR)\" \
		-DSOCKMODE_VERSION=\"$(VERSION)\" $(LDFLAGS) -o $@ \
		$(CLI_SRC) $(CLI_SHIM_OBJ)

# Unit tests link the shim's objects directly: no preload needed; and
# the command's access module (cli/access.c), tested against the kernel.
UNIT_CLI_SRC = cli/access.c
$(B)/tests/unit: $(UNIT_SRC) $(SHIM_OBJ) tests/unit/unit.h $(wildcard tests/conf/*) \
		$(UNIT_CLI_SRC) cli/access.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(WERROR) -Ishim -Icli \
		-DSM_TEST_FIXTURES='"$(CURDIR)/tests/conf"' -o $@ \
		$(UNIT_SRC) $(UNIT_CLI_SRC) $(SHIM_OBJ) -lcunit -ldl -lpthread

# Small C programs the integration tests run (servers, probes, attackers).
$(B)/tests/%: tests/bin/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(WERROR) -o $@ $< -lpthread

deps:
	@sh tests/deps.sh

unit: $(B)/tests/unit
	$(B)/tests/unit

integration: lib $(TOOLS)
	RUN_LOG="$(CURDIR)/$(B)/integration.log" \
		bash tests/integration/run.sh "$(CURDIR)/$(B)/libsockmode.so" \
		"$(CURDIR)/$(B)/tests"

# The whole suite once more against an ASan+UBSan build of the library.
asan:
	$(MAKE) B=$(B)/asan CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" \
		$(B)/asan/libsockmode.so $(B)/asan/tests/unit
	ASAN_OPTIONS=detect_leaks=1 $(B)/asan/tests/unit
	SOCKMODE_SANITIZER_RUNTIME="$$($(CC) -print-file-name=libasan.so)" \
	ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	RUN_LOG="$(CURDIR)/$(B)/asan-integration.log" \
		bash tests/integration/run.sh \
		"$(CURDIR)/$(B)/asan/libsockmode.so" "$(CURDIR)/$(B)/tests"

# Runnable examples with real daemons (nginx, fcgiwrap, node, ...).
examples: all
	bash examples/run-all.sh "$(CURDIR)/$(B)"

test: deps
	$(MAKE) lib cli $(TOOLS) $(B)/tests/unit
	$(MAKE) unit
	$(MAKE) integration
	$(MAKE) examples
	$(MAKE) asan
	$(MAKE) test-deb

demo: deps
	$(MAKE) lib
	bash examples/demo.sh "$(CURDIR)/$(B)/libsockmode.so"

# make demo and make test on bare Debian 12: a chroot and two Docker
# containers (needs root, mmdebstrap and docker.io; minutes, not seconds).
test-fresh:
	bash tests/fresh.sh

# The Debian package, lintian-clean, as build/sockmode_VERSION_ARCH.deb.
deb:
	sh tests/package/build.sh "$(CURDIR)/$(B)"

# The package as admins meet it, each in a fresh bookworm root (never this
# machine): install, use, purge; the Ansible role; the containers example
# and hardened systemd units (named skips where Docker cannot run). Root;
# about two minutes once the roots are cached (/var/cache/sockmode-deb).
test-deb: deb
	bash tests/package/t_deb.sh "$(CURDIR)/$(B)"
	bash tests/package/t_ansible.sh "$(CURDIR)/$(B)"
	bash tests/package/t_containers.sh "$(CURDIR)/$(B)"
	bash tests/package/t_systemd.sh "$(CURDIR)/$(B)"

# The checkers, after make test (its logs feed the summary).
check: all $(TOOLS) $(B)/tests/unit
	@bash tests/check.sh

bench: lib
	bash bench/run.sh "$(CURDIR)/$(B)"

# libFuzzer on the rules-file parser, FUZZ_SECONDS (default 60) long.
# A crash leaves crash-* in $(B)/fuzz: add it to tests/fuzz/corpus.
FUZZ_SECONDS ?= 60
FUZZ_SRC = $(filter-out shim/hook.c shim/hook_mode.c,$(SHIM_SRC))
$(B)/fuzz/conf_fuzz: tests/fuzz/conf_fuzz.c $(FUZZ_SRC) $(SHIM_HDR)
	@mkdir -p $(@D)
	clang $(CPPFLAGS) -g -O1 -Ishim -fsanitize=fuzzer,address,undefined \
		-o $@ tests/fuzz/conf_fuzz.c $(FUZZ_SRC)

fuzz: $(B)/fuzz/conf_fuzz
	sh tests/deps.sh clang libclang-rt-14-dev
	mkdir -p $(B)/fuzz/corpus
	cd $(B)/fuzz && ./conf_fuzz -max_total_time=$(FUZZ_SECONDS) \
		-max_len=8192 corpus $(CURDIR)/tests/fuzz/corpus

clean:
	rm -rf $(B)

# PREFIX and DESTDIR as usual; ldconfig only for a real install, so that
# LD_PRELOAD=libsockmode.so works by name.
install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man5 \
		$(DESTDIR)$(PREFIX)/share/man/man7 \
		$(DESTDIR)$(PREFIX)/share/doc/sockmode
	install -m 0644 $(B)/libsockmode.so $(DESTDIR)$(LIBDIR)/
	install -m 0755 $(B)/sockmode $(DESTDIR)$(PREFIX)/bin/
	for m in $(MAN); do \
		install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man$${m##*.}/; \
	done
	install -m 0644 sockmode.conf.example README.md bench/RESULTS.md \
		$(DESTDIR)$(PREFIX)/share/doc/sockmode/
	if [ -z "$(DESTDIR)" ]; then ldconfig; fi

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libsockmode.so \
		$(DESTDIR)$(PREFIX)/bin/sockmode
	for m in $(notdir $(wildcard man/*.[157])); do \
		rm -f $(DESTDIR)$(PREFIX)/share/man/man$${m##*.}/$$m; \
	done
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/sockmode
	if [ -z "$(DESTDIR)" ]; then ldconfig; fi
