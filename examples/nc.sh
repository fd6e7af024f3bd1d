#!/bin/bash
# nc.sh - OpenBSD netcat servers on Unix sockets, reached by 'nobody'.
#
# A root nc with umask 022 creates its socket srwxr-xr-x, so no other
# user can connect (connect() and sendto() need write permission).
# Under 'sockmode -m 0666' the same nc, unchanged, creates it srw-rw-rw-:
#   stream:   sockmode -m 0666 -- nc -lU PATH     (a two-way exchange)
#   datagram: sockmode -m 0666 -- nc -lkuU PATH   (datagrams from nobody)
# The control, without sockmode, shows nobody refused.
#
#   examples/nc.sh [BUILD-DIR]     (default: the repository's build/)
# Run as root. Exit 0 only when every step showed what it should.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
sockmode=$build/sockmode
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
unset "${!SOCKMODE_@}"		# only what this example asks for

die() { echo "nc.sh: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (the client becomes nobody)"
[ -x "$sockmode" ] || die "no $sockmode (run make)"
nc -h 2>&1 | grep -q OpenBSD || die "needs OpenBSD netcat (netcat-openbsd)"

tmp=""
pids=()
# nc's datagram client binds its reply socket in /tmp/nc-XXXXXX and
# removes it when it exits normally; remember which exist already, so
# that one left by a client killed on failure can be removed.
nc_dirs_before=$(find /tmp -maxdepth 1 -name 'nc-??????' -user 65534)

cleanup() {
	local pid i d
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
	while IFS= read -r d; do
		grep -qxF "$d" <<<"$nc_dirs_before" || rm -rf "$d"
	done < <(find /tmp -maxdepth 1 -name 'nc-??????' -user 65534)
	[ -z "$tmp" ] || rm -rf "$tmp"
}
trap cleanup EXIT
tmp=$(mktemp -d /tmp/sockmode-nc.XXXXXX)
chmod 0755 "$tmp"		# nobody must reach the sockets inside

# start NAME CMD...: runs CMD in its own process group (so that cleanup
# kills it and all it forks); stdin from $tmp/NAME.in when it exists,
# stdout and stderr into $tmp/NAME.out and $tmp/NAME.err.
start() {
	local name=$1 in=/dev/null
	shift
	[ -e "$tmp/$name.in" ] && in=$tmp/$name.in
	setsid "$@" <"$in" >"$tmp/$name.out" 2>"$tmp/$name.err" &
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

# has FILE TEXT: FILE holds the line TEXT.
has() { grep -qxF "$2" "$1" 2>/dev/null; }

umask 022

echo "== control: nc -lU without sockmode, client nobody"
start plain nc -lU "$tmp/plain.sock"
wait_until 5 test -S "$tmp/plain.sock" || die "no socket $tmp/plain.sock"
echo "   $(stat -c '%A %U:%G' "$tmp/plain.sock")"
if echo hi | timeout 5 "${NOBODY[@]}" nc -NU "$tmp/plain.sock" \
		>/dev/null 2>"$tmp/plain.client.err"; then
	die "nobody reached a socket created without sockmode"
fi
grep -q 'Permission denied' "$tmp/plain.client.err" ||
	die "expected 'Permission denied', got: $(cat "$tmp/plain.client.err")"
echo "   nobody: $(cat "$tmp/plain.client.err")"

echo "== stream: sockmode -m 0666 -- nc -lU, client nobody"
echo "hello from the server" >"$tmp/stream.in"
start stream "$sockmode" -m 0666 -- nc -N -lU "$tmp/stream.sock"
wait_until 5 test -S "$tmp/stream.sock" || die "no socket $tmp/stream.sock"
[ "$(stat -c %a "$tmp/stream.sock")" = 666 ] ||
	die "stream socket mode $(stat -c %a "$tmp/stream.sock"), expected 666"
echo "   $(stat -c '%A %U:%G' "$tmp/stream.sock")"
echo "hello from nobody" | timeout 5 "${NOBODY[@]}" nc -NU "$tmp/stream.sock" \
	>"$tmp/stream.client.out" || die "nobody could not talk to the stream server"
has "$tmp/stream.client.out" "hello from the server" ||
	die "nobody did not receive the server's line"
wait_until 5 has "$tmp/stream.out" "hello from nobody" ||
	die "the server did not receive nobody's line"
echo "   nobody got:  $(cat "$tmp/stream.client.out")"
echo "   server got:  $(cat "$tmp/stream.out")"

echo "== datagram: sockmode -m 0666 -- nc -lkuU, two clients as nobody"
start dgram "$sockmode" -m 0666 -- nc -lkuU "$tmp/dgram.sock"
wait_until 5 test -S "$tmp/dgram.sock" || die "no socket $tmp/dgram.sock"
[ "$(stat -c %a "$tmp/dgram.sock")" = 666 ] ||
	die "datagram socket mode $(stat -c %a "$tmp/dgram.sock"), expected 666"
echo "   $(stat -c '%A %U:%G' "$tmp/dgram.sock")"
for n in 1 2; do
	echo "datagram $n from nobody" |
		timeout 5 "${NOBODY[@]}" nc -q0 -uU "$tmp/dgram.sock" ||
		die "nobody could not send datagram $n"
	wait_until 5 has "$tmp/dgram.out" "datagram $n from nobody" ||
		die "the server did not receive datagram $n"
done
echo "   server got:  $(tr '\n' ' ' <"$tmp/dgram.out")"

echo "nc.sh: ok: nobody was refused without sockmode, and exchanged data" \
	"with both nc servers under sockmode -m 0666"
