#!/bin/bash
# Helpers for the integration tests. Every test function runs with
# `set -e` in its own directory $T (mode 0755, owned by root) and umask 022;
# $PRELOAD is the LD_PRELOAD value for servers, $TOOLS holds the compiled
# tests/bin programs, $HERE the test scripts.

NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
PY=/usr/bin/python3

# fail MESSAGE: ends the test with a message.
fail() { echo "FAIL: $*" >&2; exit 1; }

# as_nobody CMD...: runs CMD as nobody:nogroup with no supplementary groups.
as_nobody() { "${NOBODY[@]}" "$@"; }

# shim VAR=VALUE... -- CMD...: runs CMD with the library preloaded and the
# given variables set (nothing else of the SOCKMODE_* environment leaks in).
shim() {
	local vars=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do vars+=("$1"); shift; done
	shift
	env -u SOCKMODE_MODE -u SOCKMODE_UMASK -u SOCKMODE_OWNER \
		-u SOCKMODE_GROUP -u SOCKMODE_MATCH -u SOCKMODE_ON_ERROR \
		-u SOCKMODE_LOG -u SOCKMODE_CONFIG \
		LD_PRELOAD="$PRELOAD" "${vars[@]}" "$@"
}

# wait_for_socket PATH [SECONDS]: waits until PATH is a socket.
wait_for_socket() {
	local i n=$(( ${2:-5} * 20 ))
	for ((i = 0; i < n; i++)); do
		[ -S "$1" ] && return 0
		sleep 0.05
	done
	fail "no socket at $1 after ${2:-5}s"
}

# start_bg NAME CMD...: starts CMD in the background; its PID goes into
# $T/NAME.pid, its stdout into $T/NAME.out, its stderr into $T/NAME.err.
start_bg() {
	local name=$1; shift
	"$@" >"$T/$name.out" 2>"$T/$name.err" &
	echo $! >"$T/$name.pid"
}

# stop_bg NAME: kills the background process NAME and waits for it.
stop_bg() {
	local pid
	pid=$(cat "$T/$1.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$T/$1.pid"
}

# mode_of PATH: prints the permission bits in octal (e.g. 660).
mode_of() { stat -c %a "$1"; }

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# assert_stat PATH MODE OWNER GROUP: e.g. assert_stat s 660 root www-data
assert_stat() {
	[ -S "$1" ] || fail "$1 is not a socket"
	assert_eq "mode/owner/group of $1" "$2 $3 $4" "$(stat -c '%a %U %G' "$1")"
}

# cleanup_dir DIR: kills anything still running from DIR's tests and
# removes DIR.
cleanup_dir() {
	local p
	for p in "$1"/*.pid; do
		[ -e "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null
	done
	rm -rf "$1"
}
