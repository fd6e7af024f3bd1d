#!/bin/bash
# Helpers for the integration tests. Every test function runs with
# `set -e` in its own directory $T (mode 0755, owned by root) and umask 022;
# $PRELOAD is the LD_PRELOAD value for servers, $TOOLS holds the compiled
# tests/bin programs, $HERE the test scripts.

NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
# env options that clear every SOCKMODE_* variable: `env "${CLEAN_ENV[@]}"`.
CLEAN_ENV=(-u SOCKMODE_MODE -u SOCKMODE_UMASK -u SOCKMODE_OWNER
	-u SOCKMODE_GROUP -u SOCKMODE_MATCH -u SOCKMODE_ON_ERROR
	-u SOCKMODE_LOG -u SOCKMODE_CONFIG -u SOCKMODE_STALE -u SOCKMODE_REMOVE
	-u SOCKMODE_DIRMODE -u SOCKMODE_DIROWNER -u SOCKMODE_DIRGROUP
	-u SOCKMODE_DIRFIX -u SOCKMODE_ACL -u SOCKMODE_HOLD)
export PY=/usr/bin/python3

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
	env "${CLEAN_ENV[@]}" LD_PRELOAD="$PRELOAD" "${vars[@]}" "$@"
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

# as_uid UID GID CMD...: runs CMD as UID:GID with no supplementary groups.
as_uid() {
	local uid=$1 gid=$2
	shift 2
	setpriv --reuid="$uid" --regid="$gid" --clear-groups "$@"
}

# wait_until WHAT SECONDS CMD...: polls CMD (every 50 ms) until it
# succeeds; fails the test with WHAT after SECONDS.
wait_until() {
	local what=$1 secs=$2 i
	shift 2
	for ((i = 0; i < secs * 20; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	fail "waited ${secs}s in vain for: $what"
}

# wait_listening PATH [NAME]: waits until PATH is a socket file and a
# listening Unix stream socket bound to NAME (default PATH, as the program
# spelled it: a relative name for a relative bind) is in /proc/net/unix.
# listen() follows bind(), so the library has finished with the file.
wait_listening() {
	local name=${2:-$1}
	wait_for_socket "$1"
	# Flags 00010000 is __SO_ACCEPTCON: listening.
	# shellcheck disable=SC2016 # awk's $4 and $8
	wait_until "a listening socket bound to $name" 5 \
		awk -v p="$name" '$4 == "00010000" && $8 == p { f = 1 }
			END { exit !f }' /proc/net/unix
}

# The Unix-socket client of uclient, in Python (runs under setpriv).
UCLIENT_PY='
import errno, socket, sys
kind, path, msg = sys.argv[1], sys.argv[2], sys.argv[3].encode()
s = socket.socket(socket.AF_UNIX,
                  socket.SOCK_DGRAM if kind == "dgram" else socket.SOCK_STREAM)
s.settimeout(5)
try:
    if kind == "dgram":
        s.bind("")          # autobind: an (abstract) address to answer to
        s.sendto(msg, path)
        print("sent")
        sys.exit(0)
    s.connect(path)
    s.sendall(msg)
    s.shutdown(socket.SHUT_WR)
    data = b""
    while True:
        d = s.recv(4096)
        if not d:
            break
        data += d
    sys.stdout.write(data.decode())
except OSError as e:
    print("ERR " + errno.errorcode.get(e.errno, str(e.errno)))
    sys.exit(1)
'

# uclient UID GID stream|dgram PATH MESSAGE: as UID:GID, connects to (or
# sends a datagram to) the Unix socket PATH and sends MESSAGE. stream:
# prints the whole reply; dgram: prints "sent". On an error prints
# "ERR ENAME" (e.g. ERR EACCES) and returns 1. No LD_PRELOAD here.
uclient() {
	as_uid "$1" "$2" env -u LD_PRELOAD "$PY" -c "$UCLIENT_PY" "$3" "$4" "$5"
}

# start_shim NAME VAR=VALUE... -- CMD...: like `start_bg NAME shim ...`,
# but $T/NAME.pid is CMD's own pid (start_bg of the shim *function* records
# the pid of a subshell, so stop_bg would leave the server running).
start_shim() {
	local name=$1 vars=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do vars+=("$1"); shift; done
	shift
	start_bg "$name" env "${CLEAN_ENV[@]}" LD_PRELOAD="$PRELOAD" \
		"${vars[@]}" "$@"
}

# field KEY FILE: prints the value of the first KEY=VALUE word in FILE
# (the count lines of the tests/bin programs); fails the test when absent.
field() {
	local v
	v=$(grep -o "\(^\| \)$1=[^ ]*" "$2" | head -n 1 | sed 's/^ *[^=]*=//')
	[ -n "$v" ] || fail "no $1= in $2: $(cat "$2")"
	printf '%s\n' "$v"
}

# note TEXT...: a line for the test's own report (shown on failure, and in
# the log when the driver keeps it).
note() { printf '  %s\n' "$*" >&2; }

# needs FEATURE TEST...: TEST can only run where this machine has FEATURE
# (a capability, a kernel feature: probes.sh names them). run.sh probes
# each FEATURE once, before any test and without the library, and skips
# TEST with the reason where it is missing. Declared next to the test.
declare -A NEEDS
needs() {
	local feature=$1 t
	shift
	for t; do NEEDS[$t]="${NEEDS[$t]:-} $feature"; done
}
