#!/bin/bash
# The problem and the fix, end to end (README: "make demo").
# A root nc server with umask 022 and a client running as nobody:
# first without sockmode (Permission denied), then with it.
#   demo.sh LIBRARY
set -u
LIB=${1:?usage: demo.sh /path/to/libsockmode.so}
# shellcheck source=examples/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [ "$(id -u)" -ne 0 ]; then
	echo "demo: run as root (the client becomes 'nobody' with setpriv)" >&2
	exit 1
fi
make_tmp demo
sock=$tmp/app.sock
umask 022

# round TITLE [VAR=VALUE...]: one server/client round; 0 when nobody got in.
round() {
	local title=$1 srv i rc said
	shift
	rm -f "$sock"
	printf '\n== %s\n' "$title"
	printf '   root# %s nc -lU %s\n' "$*" "$sock"
	start server env "$@" nc -lU "$sock"
	srv=$last
	wait_until 5 test -S "$sock"
	# What the server said on stderr (a loader warning, say), then later.
	said=$(wc -c <"$tmp/server.err")
	head -c "$said" "$tmp/server.err" >&2
	printf '   %s %s\n' "$(stat -c '%A %U %G' "$sock")" "$sock"
	printf '   nobody$ echo "hello from nobody" | nc -NU %s\n' "$sock"
	nc_send "$sock" "hello from nobody" "${NOBODY[@]}" 2>&1 | sed 's/^/   /'
	rc=${PIPESTATUS[0]}
	# A served client makes nc -l exit by itself; a refused one does not.
	for ((i = 0; rc == 0 && i < 40; i++)); do
		kill -0 "$srv" 2>/dev/null || break
		sleep 0.05
	done
	stop "$srv"
	tail -c "+$((said + 1))" "$tmp/server.err" >&2
	if [ -s "$tmp/server.out" ]; then
		printf '   server received: %s\n' "$(cat "$tmp/server.out")"
	fi
	return "$rc"
}

before=0 after=0
round "before: no sockmode" || before=1
round "after: with sockmode" LD_PRELOAD="$LIB" SOCKMODE_MODE=0666 || after=1
echo
if [ "$before" = 1 ] && [ "$after" = 0 ]; then
	echo "demo: without sockmode nobody was refused; with it nobody got in."
	exit 0
fi
echo "demo: unexpected result (before refused: $before, after refused: $after)" >&2
exit 1
