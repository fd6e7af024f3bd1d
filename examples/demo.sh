#!/bin/bash
# The problem and the fix, end to end (README: "make demo").
# A root nc server with umask 022 and a client running as nobody:
# first without sockmode (Permission denied), then with it.
#   demo.sh LIBRARY
# Every step is checked; a failed one says what was expected, what
# happened, and exits 1.
set -u
LIB=${1:?usage: demo.sh /path/to/libsockmode.so}
# shellcheck source=examples/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ "$(id -u)" -eq 0 ] || die "run as root (the client becomes 'nobody' with setpriv)"
[ -r "$LIB" ] || die "no library at $LIB (run make)"
need nc "apt-get install netcat-openbsd, or run make deps"
need_openbsd_nc
need setpriv "apt-get install util-linux"
make_tmp demo
# LD_PRELOAD splits on blanks and colons: a checkout path with one cannot
# be preloaded from there, so a copy is.
case $LIB in
*[[:space:]:]*) cp "$LIB" "$tmp/libsockmode.so" || die "cannot copy $LIB"
	LIB=$tmp/libsockmode.so ;;
esac
sock=$tmp/app.sock
umask 022

# round TITLE WANT [VAR=VALUE...]: one server/client round. WANT is
# "refused" (nobody must get 'Permission denied') or "served" (nobody's
# line must reach the server). Returns 0 when it went as WANT says;
# otherwise prints why on stderr and returns 1.
round() {
	local title=$1 want=$2 srv rc
	shift 2
	rm -f "$sock"
	printf '\n== %s\n' "$title"
	printf '   root# %s nc -lU %s\n' "$*" "$sock"
	start server env "$@" nc -lU "$sock"
	srv=$last
	if ! wait_until 5 test -S "$sock"; then
		echo "demo: the root nc server made no socket at $sock in 5 s;" \
			"its stderr: $(cat "$tmp/server.err")" >&2
		return 1
	fi
	if grep -q 'cannot be preloaded' "$tmp/server.err"; then
		echo "demo: the loader did not load the library: $(cat "$tmp/server.err")" >&2
		return 1
	fi
	printf '   %s %s\n' "$(stat -c '%A %U %G' "$sock")" "$sock"
	printf '   nobody$ echo "hello from nobody" | nc -NU %s\n' "$sock"
	nc_send "$sock" "hello from nobody" "${NOBODY[@]}" >"$tmp/client.out" 2>&1
	rc=$?
	sed 's/^/   /' "$tmp/client.out"
	if [ "$rc" -eq 0 ]; then
		# A served client makes nc -l exit by itself, after writing.
		wait_until 2 has "$tmp/server.out" "hello from nobody"
	fi
	stop "$srv"
	cat "$tmp/server.err" >&2
	[ -s "$tmp/server.out" ] &&
		printf '   server received: %s\n' "$(cat "$tmp/server.out")"
	case $want in
	refused)
		[ "$rc" -ne 0 ] && grep -q 'Permission denied' "$tmp/client.out" &&
			return 0
		echo "demo: expected nobody to get 'Permission denied' from a socket" \
			"made without sockmode; nc exited $rc and said: $(cat "$tmp/client.out")" >&2
		;;
	served)
		[ "$rc" -eq 0 ] && has "$tmp/server.out" "hello from nobody" &&
			return 0
		echo "demo: expected the server to receive nobody's line through a" \
			"0666 socket; nc exited $rc and said: $(cat "$tmp/client.out")," \
			"the socket was $(stat -c %a "$sock" 2>/dev/null || echo gone)" >&2
		;;
	esac
	return 1
}

round "before: no sockmode" refused ||
	die "the problem did not show (see above), so the demo proves nothing"
round "after: with sockmode" served LD_PRELOAD="$LIB" SOCKMODE_MODE=0666 ||
	die "with sockmode, nobody still could not talk to the server (see above)"
echo
echo "demo: without sockmode nobody was refused; with it nobody got in."
