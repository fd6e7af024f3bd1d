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

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
sockmode=$build/sockmode
node=/usr/bin/node
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
unset "${!SOCKMODE_@}"		# only what this example asks for

die() { echo "node-server.sh: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (the client becomes nobody)"
[ -x "$sockmode" ] || die "no $sockmode (run make)"
[ -x "$node" ] || die "needs $node (apt-get install nodejs)"
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
tmp=$(mktemp -d /tmp/sockmode-node.XXXXXX)
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
wait_until 10 test -S "$tmp/plain.sock" ||
	die "no socket $tmp/plain.sock: $(cat "$tmp/plain.err")"
echo "   $(stat -c '%A %U:%G' "$tmp/plain.sock")"
[ "$(get "$tmp/plain.sock")" = "$expected" ] ||
	die "the server does not answer root (the control is broken)"
if get "$tmp/plain.sock" "${NOBODY[@]}" >/dev/null 2>"$tmp/plain.curl.err"; then
	die "nobody reached a socket created without sockmode"
fi
echo "   root gets the page; nobody: $(cat "$tmp/plain.curl.err")"

echo "== sockmode -c sockmode.conf -- node server.js APP.sock"
start app "$sockmode" -c "$conf" -- "$node" "$tmp/server.js" "$sock"
wait_until 10 test -S "$sock" || die "no socket $sock: $(cat "$tmp/app.err")"
got=$(stat -c '%a %U %G' "$sock")
[ "$got" = "660 root nogroup" ] || die "socket is '$got', expected '660 root nogroup'"
echo "   $(stat -c '%A %U:%G' "$sock")"
body=$(get "$sock" "${NOBODY[@]}") || die "nobody's curl failed"
[ "$body" = "$expected" ] || die "nobody got '$body', expected '$expected'"
echo "   nobody\$ curl --unix-socket $sock http://localhost/"
echo "   $body"

echo "node-server.sh: ok: nobody was refused without sockmode and got" \
	"the page with the rules file"
