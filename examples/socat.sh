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
# shellcheck source=examples/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_build "${1:-}"
need_root "the clients become nobody, www-data"
need_sockmode
need socat "apt-get install socat"
need_user www-data

# talk SOCKET TEXT USER-CMD...: sends TEXT through the relay as that user;
# prints what came back.
talk() {
	local sock=$1 text=$2
	shift 2
	echo "$text" | timeout 5 "$@" socat -t 2 - "UNIX-CONNECT:$sock"
}

make_tmp socat
umask 022

echo "== control: socat UNIX-LISTEN without sockmode, client nobody"
start plain socat "UNIX-LISTEN:$tmp/plain.sock,fork" EXEC:cat
wait_socket 5 "$tmp/plain.sock"
show_socket "$tmp/plain.sock"
if talk "$tmp/plain.sock" hi "${NOBODY[@]}" >/dev/null 2>"$tmp/plain.client.err"; then
	die "nobody reached a socket created without sockmode"
fi
denied "$tmp/plain.client.err"
echo "   nobody refused: Permission denied"

echo "== sockmode -m 0660 -g nogroup -- socat UNIX-LISTEN:...,fork EXEC:cat"
sock=$tmp/relay.sock
start relay "$sockmode" -m 0660 -g nogroup -- \
	socat "UNIX-LISTEN:$sock,fork" EXEC:cat
wait_socket 5 "$sock" relay
socket_is "$sock" "660 root nogroup"
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
denied "$tmp/www.err" www-data
echo "   www-data refused: Permission denied"

ok "the relay's socket was 0660 root:nogroup; nobody was" \
	"served, www-data refused"
