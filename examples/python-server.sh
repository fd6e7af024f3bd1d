#!/bin/bash
# python-server.sh - a Python http.server on a Unix socket, reached by
# 'curl --unix-socket' running as nobody.
#
#   sockmode -u 0007 -g nogroup -- python3 server.py PATH
#
# The server (inline below) is socketserver.UnixStreamServer with an
# http.server request handler: it has no option for the socket's mode.
# Without sockmode, root (umask 022) gets srwxr-xr-x and nobody's curl
# cannot connect; with '-u 0007 -g nogroup' the socket is srwxrwx---
# root:nogroup and nobody gets the page.
#
#   examples/python-server.sh [BUILD-DIR]  (default: the repository's build/)
# Run as root. Exit 0 only when every step showed what it should.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
sockmode=$build/sockmode
python=/usr/bin/python3
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
unset "${!SOCKMODE_@}"		# only what this example asks for

die() { echo "python-server.sh: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (the client becomes nobody)"
[ -x "$sockmode" ] || die "no $sockmode (run make)"
[ -x "$python" ] || die "needs $python (apt-get install python3)"
command -v curl >/dev/null || die "needs curl (apt-get install curl)"

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
tmp=$(mktemp -d /tmp/sockmode-python.XXXXXX)
chmod 0755 "$tmp"		# nobody must reach the sockets inside

# start NAME CMD...: runs CMD in its own process group (cleanup kills it
# and all it forks), output into $tmp/NAME.out and $tmp/NAME.err.
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

# get SOCKET [USER-CMD...]: GET / over the socket; prints the body.
get() {
	local sock=$1
	shift
	"$@" curl -sS --max-time 5 --fail --unix-socket "$sock" http://localhost/
}

# The server: a plain Python HTTP server on a Unix socket, nothing else.
cat >"$tmp/server.py" <<'EOF'
import http.server
import socketserver
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"hello from python on a unix socket\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        # The default one prints the client address, which a Unix
        # socket client does not have.
        sys.stderr.write("server: " + fmt % args + "\n")


socketserver.UnixStreamServer(sys.argv[1], Handler).serve_forever()
EOF
chmod 0644 "$tmp/server.py"
expected="hello from python on a unix socket"

umask 022

echo "== control: python3 server.py without sockmode"
start plain "$python" "$tmp/server.py" "$tmp/plain.sock"
wait_until 10 test -S "$tmp/plain.sock" ||
	die "no socket $tmp/plain.sock: $(cat "$tmp/plain.err")"
echo "   $(stat -c '%A %U:%G' "$tmp/plain.sock")"
[ "$(get "$tmp/plain.sock")" = "$expected" ] ||
	die "the server does not answer root (the control is broken)"
if get "$tmp/plain.sock" "${NOBODY[@]}" >/dev/null 2>"$tmp/plain.curl.err"; then
	die "nobody reached a socket created without sockmode"
fi
echo "   root gets the page; nobody: $(cat "$tmp/plain.curl.err")"

echo "== sockmode -u 0007 -g nogroup -- python3 server.py"
sock=$tmp/app.sock
start app "$sockmode" -u 0007 -g nogroup -- "$python" "$tmp/server.py" "$sock"
wait_until 10 test -S "$sock" || die "no socket $sock: $(cat "$tmp/app.err")"
got=$(stat -c '%a %U %G' "$sock")
[ "$got" = "770 root nogroup" ] || die "socket is '$got', expected '770 root nogroup'"
echo "   $(stat -c '%A %U:%G' "$sock")"
body=$(get "$sock" "${NOBODY[@]}") || die "nobody's curl failed"
[ "$body" = "$expected" ] || die "nobody got '$body', expected '$expected'"
echo "   nobody\$ curl --unix-socket $sock http://localhost/"
echo "   $body"

echo "python-server.sh: ok: nobody was refused without sockmode and got" \
	"the page with it"
