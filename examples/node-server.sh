#!/bin/bash
# node-server.sh - a Node.js http server on a Unix socket, reached by
# 'curl --unix-socket' running as nobody; the policy comes from a rules
# file this time (sockmode.conf(5)):
#
#   APP.sock   mode=0660 group=nogroup
#   *          mode=0600
#
#   sockmode --check -c sockmode.conf          # the rule table
#   sockmode --explain APP.sock -c sockmode.conf
#   sockmode -c sockmode.conf -- node server.js APP.sock
#
# Node binds through libuv, which calls libc's bind() from a process that
# already runs several threads. Without sockmode, root (umask 022) gets
# srwxr-xr-x and nobody's curl cannot connect; with the rules file the
# socket is srw-rw---- root:nogroup and nobody gets the page.
#
#   examples/node-server.sh [BUILD-DIR]  (default: the repository's build/)
# Run as root. Exit 0 only when every step showed what it should.
set -euo pipefail
# shellcheck source=examples/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_build "${1:-}"
node=/usr/bin/node
need_root "the client becomes nobody"
need_sockmode
need "$node" "apt-get install nodejs"
need curl "apt-get install curl"

make_tmp node
umask 022

# The server: Node's own http module listening on a path, nothing else.
cat >"$tmp/server.js" <<'EOF'
const http = require('http');
http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('hello from node on a unix socket\n');
}).listen(process.argv[2]);
EOF
expected="hello from node on a unix socket"

sock=$tmp/app.sock
conf=$tmp/sockmode.conf
# Owned by root and not writable by group or others: sockmode and the
# library refuse anything else when they run as root.
cat >"$conf" <<EOF
# The web app's socket: for the group nogroup (nobody's).
$sock   mode=0660 group=nogroup
# Anything else the program binds: owner only.
*   mode=0600
EOF
chmod 0644 "$conf"

echo "== sockmode --check -c sockmode.conf"
"$sockmode" --check -c "$conf" >"$tmp/check.out" 2>&1 ||
	die "sockmode --check: $(cat "$tmp/check.out")"
sed 's/^/   /' "$tmp/check.out"
grep -q '^configuration valid: 2 rules' "$tmp/check.out" ||
	die "--check did not report the two rules"
echo "== sockmode --explain PATH -c sockmode.conf (the app's socket, another)"
"$sockmode" --explain "$sock" -c "$conf" >"$tmp/explain.out" 2>&1 ||
	die "sockmode --explain: $(cat "$tmp/explain.out")"
sed 's/^/   /' "$tmp/explain.out"
if ! grep -q "rule 1, .*mode 0660, owner unchanged, group nogroup" \
	<<<"$(tr '\n' ' ' <"$tmp/explain.out")"; then
	die "--explain did not pick rule 1 (mode 0660 group nogroup) for $sock"
fi
"$sockmode" --explain "$tmp/other.sock" -c "$conf" >"$tmp/explain.out" 2>&1 ||
	die "sockmode --explain: $(cat "$tmp/explain.out")"
sed 's/^/   /' "$tmp/explain.out"
if ! grep -q "rule 2, .*mode 0600" <<<"$(tr '\n' ' ' <"$tmp/explain.out")"; then
	die "--explain did not pick rule 2 (mode 0600) for $tmp/other.sock"
fi

echo "== control: node server.js without sockmode"
start plain "$node" "$tmp/server.js" "$tmp/plain.sock"
wait_socket 10 "$tmp/plain.sock" plain
show_socket "$tmp/plain.sock"
http_refused "$tmp/plain.sock" "$expected"

echo "== sockmode -c sockmode.conf -- node server.js APP.sock"
start app "$sockmode" -c "$conf" -- "$node" "$tmp/server.js" "$sock"
wait_socket 10 "$sock" app
socket_is "$sock" "660 root nogroup"
http_served "$sock" "$expected"

ok "nobody was refused without sockmode and got" \
	"the page with the rules file"
