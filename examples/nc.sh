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
# shellcheck source=examples/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_build "${1:-}"
need_root "the client becomes nobody"
need_sockmode
need_openbsd_nc

# nc's datagram client binds its reply socket in /tmp/nc-XXXXXX and
# removes it when it exits normally; remember which exist already, so
# that one left by a client killed on failure can be removed.
nc_dirs_before=$(find /tmp -maxdepth 1 -name 'nc-??????' -user 65534)
# example_cleanup: (called by cleanup) removes those left since.
example_cleanup() {
	local d
	while IFS= read -r d; do
		grep -qxF "$d" <<<"$nc_dirs_before" || rm -rf "$d"
	done < <(find /tmp -maxdepth 1 -name 'nc-??????' -user 65534)
}
make_tmp nc
umask 022

echo "== control: nc -lU without sockmode, client nobody"
start plain nc -lU "$tmp/plain.sock"
wait_socket 5 "$tmp/plain.sock"
show_socket "$tmp/plain.sock"
if nc_send "$tmp/plain.sock" hi "${NOBODY[@]}" \
		>/dev/null 2>"$tmp/plain.client.err"; then
	die "nobody reached a socket created without sockmode"
fi
denied "$tmp/plain.client.err"
echo "   nobody: $(cat "$tmp/plain.client.err")"

echo "== stream: sockmode -m 0666 -- nc -lU, client nobody"
echo "hello from the server" >"$tmp/stream.in"
start stream "$sockmode" -m 0666 -- nc -N -lU "$tmp/stream.sock"
wait_socket 5 "$tmp/stream.sock"
[ "$(stat -c %a "$tmp/stream.sock")" = 666 ] ||
	die "stream socket mode $(stat -c %a "$tmp/stream.sock"), expected 666"
show_socket "$tmp/stream.sock"
nc_send "$tmp/stream.sock" "hello from nobody" "${NOBODY[@]}" \
	>"$tmp/stream.client.out" || die "nobody could not talk to the stream server"
has "$tmp/stream.client.out" "hello from the server" ||
	die "nobody did not receive the server's line"
wait_until 5 has "$tmp/stream.out" "hello from nobody" ||
	die "the server did not receive nobody's line"
echo "   nobody got:  $(cat "$tmp/stream.client.out")"
echo "   server got:  $(cat "$tmp/stream.out")"

echo "== datagram: sockmode -m 0666 -- nc -lkuU, two clients as nobody"
start dgram "$sockmode" -m 0666 -- nc -lkuU "$tmp/dgram.sock"
wait_socket 5 "$tmp/dgram.sock"
[ "$(stat -c %a "$tmp/dgram.sock")" = 666 ] ||
	die "datagram socket mode $(stat -c %a "$tmp/dgram.sock"), expected 666"
show_socket "$tmp/dgram.sock"
for n in 1 2; do
	echo "datagram $n from nobody" |
		timeout 5 "${NOBODY[@]}" nc -q0 -uU "$tmp/dgram.sock" ||
		die "nobody could not send datagram $n"
	wait_until 5 has "$tmp/dgram.out" "datagram $n from nobody" ||
		die "the server did not receive datagram $n"
done
echo "   server got:  $(tr '\n' ' ' <"$tmp/dgram.out")"

ok "nobody was refused without sockmode, and exchanged data" \
	"with both nc servers under sockmode -m 0666"
