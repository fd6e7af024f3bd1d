#!/bin/bash
# SPEC 4.1 pass-through and 4.5 errno: bindprobe scenarios run without and
# with the library must print the same "SCENARIO rc=R errno=NAME" line.
# shellcheck source=tests/integration/lib.sh
# shellcheck disable=SC2154 # $T, $TOOLS are set by the driver

# pt_run CONFIG SCENARIO [ARG]: runs bindprobe under CONFIG and prints its
# line; stderr goes to $T/pt-CONFIG.err. CONFIG is one of
#   none     no library
#   nomatch  MODE=0600, MATCH=/nomatch/* (no path here matches)
#   all      MODE=0600, every path matches
#   owner    MODE=0600 OWNER=nobody GROUP=nogroup, every path matches
#   bad      an invalid configuration (MODE=999)
pt_run() {
	local config=$1
	shift
	case $config in
	none) "$TOOLS/bindprobe" "$@" ;;
	nomatch) shim SOCKMODE_MODE=0600 'SOCKMODE_MATCH=/nomatch/*' -- \
		"$TOOLS/bindprobe" "$@" ;;
	all) shim SOCKMODE_MODE=0600 -- "$TOOLS/bindprobe" "$@" ;;
	owner) shim SOCKMODE_MODE=0600 SOCKMODE_OWNER=nobody \
		SOCKMODE_GROUP=nogroup -- "$TOOLS/bindprobe" "$@" ;;
	bad) shim SOCKMODE_MODE=999 -- "$TOOLS/bindprobe" "$@" ;;
	*) fail "pt_run: unknown configuration $config" ;;
	esac 2>"$T/pt-$config.err"
}

# pt_same "CONFIG..." SCENARIO [ARG]: the line under each CONFIG equals the
# line without the library. A path ARG (and ARG.2) is removed before each
# run. With a valid configuration the library prints nothing (SPEC 4.10).
pt_same() {
	local configs=$1 config want got
	shift
	rm -f "${2:-/nonexistent}" "${2:-/nonexistent}.2"
	want=$(pt_run none "$@")
	[ -n "$want" ] || fail "bindprobe $* printed nothing: $(cat "$T/pt-none.err")"
	for config in $configs; do
		rm -f "${2:-/nonexistent}" "${2:-/nonexistent}.2"
		got=$(pt_run "$config" "$@") ||
			fail "bindprobe $* under '$config' died (status $?): $(cat "$T/pt-$config.err")"
		assert_eq "bindprobe $* under '$config' vs without the library" "$want" "$got"
		if [ "$config" != bad ] && [ -s "$T/pt-$config.err" ]; then
			fail "output under '$config': $(cat "$T/pt-$config.err")"
		fi
	done
	return 0
}

# pt_absent PATH...: none of PATH exists.
pt_absent() {
	local p
	for p in "$@"; do
		if [ -e "$p" ] || [ -L "$p" ]; then fail "$p exists: $(ls -l "$p")"; fi
	done
}

# SPEC 4.1: AF_INET and AF_INET6 binds, successful and failing
# (EADDRINUSE), are untouched, also under an invalid configuration (4.6).
test_passthrough_inet() {
	local s
	for s in inet inet-busy inet6; do
		pt_same "nomatch all owner bad" "$s"
	done
	assert_eq "inet-busy really fails" "inet-busy rc=-1 errno=EADDRINUSE" \
		"$(pt_run all inet-busy)"
	assert_eq "inet keeps errno" "inet rc=0 errno=sentinel-kept" "$(pt_run all inet)"
}

# SPEC 4.1: abstract and unnamed (autobind) addresses, and an addrlen too
# short for a family, go to the real bind, also under an invalid
# configuration.
test_passthrough_abstract_unnamed_short() {
	local s
	for s in abstract unnamed short; do
		pt_same "nomatch all owner bad" "$s"
	done
	assert_eq "abstract bind" "abstract rc=0 errno=sentinel-kept" "$(pt_run bad abstract)"
	assert_eq "unnamed bind" "unnamed rc=0 errno=sentinel-kept" "$(pt_run bad unnamed)"
}

# SPEC 4.1 and 6: invalid addresses and descriptors give exactly the real
# bind's error: addrlen > sizeof(sockaddr_un) (a path longer than
# sun_path), NULL address, bad fd, a non-socket fd, an AF_UNIX address on
# an AF_INET socket. Nothing is created at the path.
test_passthrough_invalid_addresses() {
	pt_same "nomatch all owner bad" toolong "$T/toolong.sock"
	pt_same "nomatch all owner bad" null-addr
	pt_same "nomatch all owner" badfd "$T/badfd.sock"
	pt_same "nomatch all owner" notsock "$T/notsock.sock"
	pt_same "nomatch all owner" family-mismatch "$T/mismatch.sock"
	pt_absent "$T/toolong.sock" "$T/badfd.sock" "$T/notsock.sock" "$T/mismatch.sock"
	assert_eq "toolong" "toolong rc=-1 errno=EINVAL" "$(pt_run all toolong "$T/toolong.sock")"
	assert_eq "badfd" "badfd rc=-1 errno=EBADF" "$(pt_run all badfd "$T/badfd.sock")"
	assert_eq "notsock" "notsock rc=-1 errno=ENOTSOCK" "$(pt_run all notsock "$T/notsock.sock")"
}

# Not tested: an address pointer into unmapped memory. The real bind
# answers EFAULT; the hook reads sa_family first and the program gets
# SIGSEGV, like most libc calls given a wild pointer. Reading the address
# safely would cost a system call on every bind (SPEC 4.9); libsockmode(7), LIMITS.

# SPEC 4.1: a path that matches no glob is bound exactly as without the
# library: same result, same errno, same file mode (the program's umask).
test_passthrough_nonmatching_paths() {
	local n s
	n=$((108 - ${#T} - 1))
	local long
	long="$T/$(printf '%*s' "$n" '' | tr ' ' L)"
	for s in path dgram seqpacket umask; do
		pt_same nomatch "$s" "$T/$s.sock"
		assert_eq "mode of $s.sock" \
			"$([ $s = umask ] && echo 750 || echo 755)" "$(mode_of "$T/$s.sock")"
	done
	pt_same nomatch path-nonul "$long"
	assert_eq "mode of the 108-byte path" 755 "$(mode_of "$long")"
}

# SPEC 4.5: a matching bind that succeeds returns 0 with errno unchanged,
# for every socket type, with and without chown, for a 108-byte sun_path
# without NUL, and leaves the process umask as it was (4.4).
test_matching_bind_success_keeps_errno() {
	local s config n long
	n=$((108 - ${#T} - 1))
	long="$T/$(printf '%*s' "$n" '' | tr ' ' L)"
	for config in all owner; do
		for s in path dgram seqpacket; do
			rm -f "$T/$s.sock"
			assert_eq "$s under $config" "$s rc=0 errno=sentinel-kept" \
				"$(pt_run "$config" "$s" "$T/$s.sock")"
			[ -s "$T/pt-$config.err" ] && fail "output: $(cat "$T/pt-$config.err")"
			if [ "$config" = all ]; then
				assert_stat "$T/$s.sock" 600 root root
			else
				assert_stat "$T/$s.sock" 600 nobody nogroup
			fi
		done
		rm -f "$long"
		assert_eq "path-nonul under $config" "path-nonul rc=0 errno=sentinel-kept" \
			"$(pt_run "$config" path-nonul "$long")"
		[ -S "$long" ] || fail "no socket at the 108-byte path $long: $(ls "$T")"
		assert_eq "mode of the 108-byte path" 600 "$(mode_of "$long")"
		rm -f "$T/u.sock"
		assert_eq "umask under $config" "umask rc=0 errno=sentinel-kept umask-after=0027" \
			"$(pt_run "$config" umask "$T/u.sock")"
		assert_eq "mode of u.sock" 600 "$(mode_of "$T/u.sock")"
	done
}

# SPEC 4.1/4.5: a matching bind whose real bind fails gives the real error:
# ENOENT (no such directory, absolute and relative), ENOTDIR, EACCES (a
# directory nobody cannot write), EINVAL (socket already bound). Nothing is
# created.
test_matching_bind_real_errors() {
	touch "$T/file"
	pt_same "nomatch all owner" path "$T/nodir/s"
	pt_same "nomatch all owner" path "nodir/s"
	pt_same "nomatch all owner" path "$T/file/s"
	pt_same "nomatch all owner" bound-twice "$T/b.sock"
	pt_absent "$T/nodir" "$T/b.sock.2"
	assert_eq "ENOENT" "path rc=-1 errno=ENOENT" "$(pt_run all path "$T/nodir/s")"
	assert_eq "ENOTDIR" "path rc=-1 errno=ENOTDIR" "$(pt_run all path "$T/file/s")"
	# As nobody, in a root-owned 0755 directory.
	local want got
	want=$(as_nobody "$TOOLS/bindprobe" path "$T/nobody.sock")
	got=$(shim SOCKMODE_MODE=0666 -- "${NOBODY[@]}" "$TOOLS/bindprobe" path "$T/nobody.sock")
	assert_eq "nobody's bind in $T" "path rc=-1 errno=EACCES" "$want"
	assert_eq "nobody's bind in $T under the library" "$want" "$got"
	pt_absent "$T/nobody.sock"
}

# SPEC 4.1/4.3/4.5: EADDRINUSE on an existing path is the real bind's, and
# what was there is untouched: a live socket of another mode, a regular
# file, a symlink (not followed), a dangling symlink (target not created).
test_matching_bind_eaddrinuse_touches_nothing() {
	local before
	"$TOOLS/bindprobe" path "$T/old.sock" >/dev/null
	echo data >"$T/file"
	chmod 0604 "$T/file"
	ln -s file "$T/link"
	ln -s missing "$T/dangling"
	before=$(stat -c '%i %a %U %G %s' "$T/old.sock" "$T/file")
	local p
	for p in "$T/old.sock" "$T/file" "$T/link" "$T/dangling"; do
		assert_eq "bind $p without the library" "path rc=-1 errno=EADDRINUSE" \
			"$(pt_run none path "$p")"
		assert_eq "bind $p under the library" "path rc=-1 errno=EADDRINUSE" \
			"$(pt_run owner path "$p")"
	done
	assert_eq "what was there" "$before" "$(stat -c '%i %a %U %G %s' "$T/old.sock" "$T/file")"
	assert_eq "file content" data "$(cat "$T/file")"
	assert_eq "link" file "$(readlink "$T/link")"
	pt_absent "$T/missing"
}
