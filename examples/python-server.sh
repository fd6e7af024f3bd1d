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
# shellcheck source=examples/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_build "${1:-}"
python=/usr/bin/python3
need_root "the client becomes nobody"
need_sockmode
need "$python" "apt-get install python3"
need curl "apt-get install curl"

make_tmp python

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
wait_socket 10 "$tmp/plain.sock" plain
show_socket "$tmp/plain.sock"
http_refused "$tmp/plain.sock" "$expected"

echo "== sockmode -u 0007 -g nogroup -- python3 server.py"
sock=$tmp/app.sock
start app "$sockmode" -u 0007 -g nogroup -- "$python" "$tmp/server.py" "$sock"
wait_socket 10 "$sock" app
socket_is "$sock" "770 root nogroup"
http_served "$sock" "$expected"

ok "nobody was refused without sockmode and got" "the page with it"
