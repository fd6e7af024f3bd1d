#!/bin/bash
# SPEC 4.7: in a secure-execution (set-user-ID) process the SOCKMODE_*
# environment is ignored. The loader preloads there only a library named
# without a slash, from a trusted directory, with its set-user-ID bit on:
# such a copy is installed for the test and removed after it.

test_secure_execution_ignores_environment() {
	local dir lib name=libsockmode-sectest.so out
	dir=$(dirname "$(readlink -f "$(ldd /bin/true | awk '/libc.so/ {print $3}')")")
	lib=$dir/$name
	[ ! -e "$lib" ] || fail "$lib exists already"
	trap 'rm -f "$lib"' EXIT
	# The library itself, not the sanitizer build: the sanitizer runtime
	# cannot be preloaded into a set-user-ID program.
	install -m 4755 "$TOOLS/../libsockmode.so" "$lib"
	install -m 4755 "$TOOLS/secureprobe" "$T/probe"
	chmod 777 "$T"

	# The control: not secure, the environment is obeyed.
	out=$(env LD_PRELOAD=$name SOCKMODE_MODE=0666 "$T/probe" "$T/plain.sock")
	assert_eq "plain run" "secure=0 mapped=1 rc=0 errno=0" "$out"
	assert_eq "plain mode" 666 "$(mode_of "$T/plain.sock")"

	# Set-user-ID root, run by nobody: loaded, but the environment is
	# ignored (mode from the umask, not 0666) ...
	out=$(as_nobody env LD_PRELOAD=$name SOCKMODE_MODE=0666 "$T/probe" "$T/secure.sock")
	assert_eq "secure run" "secure=1 mapped=1 rc=0 errno=0" "$out"
	assert_eq "secure mode" 755 "$(mode_of "$T/secure.sock")"
	assert_eq "secure owner" root "$(stat -c %U "$T/secure.sock")"
	# ... even an invalid one, which would otherwise refuse the bind.
	out=$(as_nobody env LD_PRELOAD=$name SOCKMODE_MODE=999 SOCKMODE_CONFIG=/nonexistent \
		"$T/probe" "$T/secure2.sock" 2>"$T/err")
	assert_eq "secure run, bad env" "secure=1 mapped=1 rc=0 errno=0" "$out"
	[ ! -s "$T/err" ] || fail "messages in secure mode: $(cat "$T/err")"
	rm -f "$lib"
	trap - EXIT
}
