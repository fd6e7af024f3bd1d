#!/bin/bash
# The problem and the fix, end to end (README: "make demo").
# A root nc server with umask 022 and a client running as nobody:
# first without sockmode (Permission denied), then with it.
#   demo.sh LIBRARY
set -u
LIB=${1:?usage: demo.sh /path/to/libsockmode.so}
if [ "$(id -u)" -ne 0 ]; then
	echo "demo: run as root (the client becomes 'nobody' with setpriv)" >&2
	exit 1
fi
dir=$(mktemp -d /tmp/sockmode-demo.XXXXXX)
chmod 755 "$dir"
sock=$dir/app.sock
srv=""
trap '[ -n "$srv" ] && kill "$srv" 2>/dev/null; rm -rf "$dir"' EXIT
umask 022

# round TITLE [VAR=VALUE...]: one server/client round; 0 when nobody got in.
round() {
	local title=$1 i rc
	shift
	rm -f "$sock" "$dir/received"
	printf '\n== %s\n' "$title"
	printf '   root# %s nc -lU %s\n' "$*" "$sock"
	env "$@" nc -lU "$sock" >"$dir/received" &
	srv=$!
	for ((i = 0; i < 100; i++)); do
		[ -S "$sock" ] && break
		sleep 0.05
	done
	printf '   %s %s\n' "$(stat -c '%A %U %G' "$sock")" "$sock"
	printf '   nobody$ echo "hello from nobody" | nc -NU %s\n' "$sock"
	echo "hello from nobody" | timeout 5 setpriv --reuid=65534 \
		--regid=65534 --clear-groups nc -NU "$sock" 2>&1 | sed 's/^/   /'
	rc=${PIPESTATUS[1]}
	# A served client makes nc -l exit by itself; a refused one does not.
	for ((i = 0; rc == 0 && i < 40; i++)); do
		kill -0 "$srv" 2>/dev/null || break
		sleep 0.05
	done
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	srv=""
	if [ -s "$dir/received" ]; then
		printf '   server received: %s\n' "$(cat "$dir/received")"
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
