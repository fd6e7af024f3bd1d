#!/bin/bash
# socat.sh - a socat relay on a Unix socket, reached by 'nobody'.
#
#   sockmode -m 0660 -g nogroup -- socat UNIX-LISTEN:PATH,fork EXEC:cat
#
# socat (root, umask 022) binds PATH, forks a 'cat' for every client and
# relays. Under sockmode the socket is srw-rw---- root:nogroup, so nobody
# (group nogroup) is served, twice, while www-data (not in that group) is
# refused. The control, without sockmode, refuses nobody as well.
#
#   examples/socat.sh [BUILD-DIR]     (default: the repository's build/)
# Run as root. Exit 0 only when every step showed what it should.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
sockmode=$build/sockmode
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
unset "${!SOCKMODE_@}"		# only what this example asks for
WWW=(setpriv --reuid=www-data --regid=www-data --clear-groups)

die() { echo "socat.sh: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (the clients become nobody, www-data)"
[ -x "$sockmode" ] || die "no $sockmode (run make)"
command -v socat >/dev/null || die "needs socat (apt-get install socat)"
getent passwd www-data >/dev/null || die "needs the user www-data"

tmp=""
pids=()

cleanup() {
	local pid i
	trap '' INT TERM HUP	# finish cleaning up, whatever comes
	for pid in "${pids[@]}"; do
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		for ((i = 0; i < 40; i++)); do
			kill -0 -- "-$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -KILL -- "-$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	[ -z "$tmp" ] || rm -rf "$tmp"
}
trap cleanup EXIT
tmp=$(mktemp -d /tmp/sockmode-socat.XXXXXX)
chmod 0755 "$tmp"		# the clients must reach the sockets inside

# start NAME CMD...: runs CMD in its own process group (cleanup kills it
# and every child it forked), output into $tmp/NAME.out and .err.
start() {
	local name=$1
	shift
	setsid "$@" </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err" &
	pids+=("$!")
}

# wait_until SECONDS CMD...: polls CMD every 50 ms, at most SECONDS.
wait_until() {
	local i n=$(($1 * 20))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# talk SOCKET TEXT USER-CMD...: sends TEXT through the relay as that user;
# prints what came back.
talk() {
	local sock=$1 text=$2
	shift 2
	echo "$text" | timeout 5 "$@" socat -t 2 - "UNIX-CONNECT:$sock"
}

umask 022

echo "== control: socat UNIX-LISTEN without sockmode, client nobody"
start plain socat "UNIX-LISTEN:$tmp/plain.sock,fork" EXEC:cat
wait_until 5 test -S "$tmp/plain.sock" || die "no socket $tmp/plain.sock"
echo "   $(stat -c '%A %U:%G' "$tmp/plain.sock")"
if talk "$tmp/plain.sock" hi "${NOBODY[@]}" >/dev/null 2>"$tmp/plain.client.err"; then
	die "nobody reached a socket created without sockmode"
fi
grep -q 'Permission denied' "$tmp/plain.client.err" ||
	die "expected 'Permission denied', got: $(cat "$tmp/plain.client.err")"
echo "   nobody refused: Permission denied"

echo "== sockmode -m 0660 -g nogroup -- socat UNIX-LISTEN:...,fork EXEC:cat"
sock=$tmp/relay.sock
start relay "$sockmode" -m 0660 -g nogroup -- \
	socat "UNIX-LISTEN:$sock,fork" EXEC:cat
wait_until 5 test -S "$sock" || die "no socket $sock: $(cat "$tmp/relay.err")"
got=$(stat -c '%a %U %G' "$sock")
[ "$got" = "660 root nogroup" ] || die "socket is '$got', expected '660 root nogroup'"
echo "   $(stat -c '%A %U:%G' "$sock")"
for n in 1 2; do
	reply=$(talk "$sock" "hello $n from nobody" "${NOBODY[@]}") ||
		die "nobody could not use the relay (connection $n)"
	[ "$reply" = "hello $n from nobody" ] ||
		die "connection $n: sent 'hello $n from nobody', got back '$reply'"
	echo "   nobody, connection $n, echoed back: $reply"
done
if talk "$sock" "hello from www-data" "${WWW[@]}" >/dev/null 2>"$tmp/www.err"; then
	die "www-data (not in group nogroup) reached a 0660 root:nogroup socket"
fi
grep -q 'Permission denied' "$tmp/www.err" ||
	die "expected 'Permission denied' for www-data, got: $(cat "$tmp/www.err")"
echo "   www-data refused: Permission denied"

echo "socat.sh: ok: the relay's socket was 0660 root:nogroup; nobody was" \
	"served, www-data refused"
