# shellcheck shell=bash
# lib.sh - what the examples share; each sources it (it is not run):
#
#   # shellcheck source=examples/lib.sh
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Sourcing it sets $here (this directory) and the client prefixes NOBODY
# and WWW; the functions below do the rest. Messages name the example
# ("nc.sh: FAIL: ..."); failures exit 1.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
me=${0##*/}
# "${NOBODY[@]}" CMD..., "${WWW[@]}" CMD...: run CMD as nobody:nogroup or
# as www-data, with no supplementary groups. (Used by the examples.)
# shellcheck disable=SC2034
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
# shellcheck disable=SC2034
WWW=(setpriv --reuid=www-data --regid=www-data --clear-groups)
tmp=""		# the example's temporary directory (make_tmp)
pids=()		# the process groups start started, for cleanup
last=""		# the one start started last

# die MESSAGE...: prints "EXAMPLE: FAIL: MESSAGE" on stderr; exits 1.
die() { echo "$me: FAIL: $*" >&2; exit 1; }

# ok MESSAGE...: prints "EXAMPLE: ok: MESSAGE"; returns 0.
ok() { echo "$me: ok: $*"; }

# use_build [DIR]: sets $build (DIR or the repo's build/, absolute) and $sockmode; dies if no DIR.
use_build() {
	local dir=${1:-$here/../build}
	build=$(cd "$dir" 2>/dev/null && pwd) ||
		die "no build directory $dir (run make, or name one)"
	# shellcheck disable=SC2034
	sockmode=$build/sockmode
	unset "${!SOCKMODE_@}"	# only what the example asks for applies
}

# need_root WHY: returns 0 as root; else dies "run as root (WHY)".
need_root() { [ "$(id -u)" -eq 0 ] || die "run as root ($1)"; }

# need_sockmode: returns 0 if $sockmode is executable; else dies.
need_sockmode() { [ -x "$sockmode" ] || die "no $sockmode (run make)"; }

# need PROGRAM WHY: returns 0 if PROGRAM (a path or a name on PATH) runs; else dies.
need() {
	case $1 in
	*/*) [ -x "$1" ] || die "needs $1 ($2)" ;;
	*) command -v "$1" >/dev/null || die "needs $1 ($2)" ;;
	esac
}

# need_openbsd_nc: returns 0 if nc is OpenBSD netcat; else dies.
need_openbsd_nc() {
	# Not grep -q: nc could die of SIGPIPE and fail the pipe (pipefail).
	nc -h 2>&1 | grep OpenBSD >/dev/null ||
		die "needs OpenBSD netcat (netcat-openbsd)"
}

# need_user USER: returns 0 if the user USER exists; else dies.
need_user() { getent passwd "$1" >/dev/null || die "needs the user $1"; }

# make_tmp TAG: sets $tmp (a new /tmp/sockmode-TAG.*) and the EXIT trap cleanup; else exits 1.
make_tmp() {
	trap cleanup EXIT
	tmp=$(mktemp -d "/tmp/sockmode-$1.XXXXXX") || exit 1
	chmod 0755 "$tmp" || exit 1	# the clients must reach the sockets inside
}

# cleanup: (EXIT trap) stops all that start started, runs example_cleanup if defined, removes $tmp.
cleanup() {
	local pid
	trap '' INT TERM HUP	# finish cleaning up, whatever comes
	for pid in "${pids[@]}"; do
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		reap "$pid"
	done
	if declare -F example_cleanup >/dev/null; then
		example_cleanup
	fi
	[ -z "$tmp" ] || rm -rf "$tmp"
}

# start NAME CMD...: runs CMD in the background, in its own process group; sets $last to its pid.
start() {
	local name=$1 in=/dev/null
	shift
	# Its own group, so that stop and cleanup kill all it forks; stdin
	# from $tmp/NAME.in if there is one, output into $tmp/NAME.out, .err.
	[ -e "$tmp/$name.in" ] && in=$tmp/$name.in
	setsid "$@" <"$in" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	last=$!
	pids+=("$last")
}

# stop PID: stops what start started as PID (TERM, after 3 s KILL), reaps and forgets it; returns 0.
stop() {
	local pid rest=()
	kill -TERM -- "-$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null || true
	reap "$1"
	for pid in "${pids[@]}"; do
		[ "$pid" = "$1" ] || rest+=("$pid")
	done
	pids=("${rest[@]}")
}

# reap PGID: waits up to 3 s for process group PGID to end, KILLs what is left, reaps it; returns 0.
reap() {
	local i
	for ((i = 0; i < 60; i++)); do
		kill -0 -- "-$1" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL -- "-$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# wait_until SECONDS CMD...: runs CMD every 50 ms until it succeeds (0) or SECONDS pass (1).
wait_until() {
	local i n=$(($1 * 20))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# wait_socket SECONDS PATH [NAME]: returns 0 once PATH is a socket; else dies (with NAME's stderr).
wait_socket() {
	wait_until "$1" test -S "$2" && return 0
	[ $# -ge 3 ] || die "no socket $2"
	die "no socket $2: $(cat "$tmp/$3.err")"
}

# show_socket PATH: prints PATH's mode, owner and group, ls style.
show_socket() { echo "   $(stat -c '%A %U:%G' "$1")"; }

# socket_is PATH 'MODE USER GROUP': dies unless PATH is that (e.g. '660 root www-data'); prints it.
socket_is() {
	local got
	got=$(stat -c '%a %U %G' "$1")
	[ "$got" = "$2" ] || die "socket is '$got', expected '$2'"
	show_socket "$1"
}

# has FILE TEXT: returns 0 if FILE holds the line TEXT.
has() { grep -qxF "$2" "$1" 2>/dev/null; }

# denied FILE [WHO]: returns 0 if the client error in FILE says 'Permission denied'; else dies.
denied() {
	grep -q 'Permission denied' "$1" ||
		die "expected 'Permission denied'${2:+ for $2}, got: $(cat "$1")"
}

# nc_send SOCKET TEXT [USER-CMD...]: nc -N sends TEXT as that user; prints the reply; nc's status.
nc_send() {
	local sock=$1 text=$2
	shift 2
	echo "$text" | timeout 5 "$@" nc -NU "$sock"
}

# get SOCKET [USER-CMD...]: curl GET / over SOCKET as that user; prints the body; curl's status.
get() {
	local sock=$1
	shift
	"$@" curl -sS --max-time 5 --fail --unix-socket "$sock" http://localhost/
}

# http_refused SOCKET EXPECTED: dies unless root gets EXPECTED, nobody nothing; prints the error.
http_refused() {
	[ "$(get "$1")" = "$2" ] ||
		die "the server does not answer root (the control is broken)"
	if get "$1" "${NOBODY[@]}" >/dev/null 2>"$tmp/nobody.curl.err"; then
		die "nobody reached a socket created without sockmode"
	fi
	echo "   root gets the page; nobody: $(cat "$tmp/nobody.curl.err")"
}

# http_served SOCKET EXPECTED: prints nobody's request and the body if it is EXPECTED; else dies.
http_served() {
	local body
	body=$(get "$1" "${NOBODY[@]}") || die "nobody's curl failed"
	[ "$body" = "$2" ] || die "nobody got '$body', expected '$2'"
	echo "   nobody\$ curl --unix-socket $1 http://localhost/"
	echo "   $body"
}
