#!/bin/bash
# lifecycle.sh - one socket under /run through a daemon's life: its
# directory missing, two groups to reach it, a crash, a clean stop. One
# rule of a rules file (sockmode.conf(5)) with the four lifecycle keys:
#
#   /run/DIR/app.sock  mode=0660 group=www-data dirmode=0751 dirgroup=www-data acl=g:adm:rw stale=unlink remove=exit
#
#   sockmode -c sockmode.conf -v -- python3 server.py /run/DIR/app.sock
#
# The server (inline below) is socketserver.UnixStreamServer answering
# each client with the uid and gid it sees; on SIGTERM it calls sys.exit.
# It has no option for its socket's mode, its directory or a stale file.
#   1. Without sockmode, root (umask 022) cannot even start it: /run/DIR
#      does not exist (bind: ENOENT).
#   2. With the rules file, DIR is made drwxr-x--x root:www-data and the
#      socket is srw-rw----+ root:www-data with group:adm:rw-: a www-data
#      member and an adm member are answered, nobody:nogroup is refused.
#   3. kill -9 leaves the file: a plain restart fails with EADDRINUSE;
#      under sockmode the stale file is removed and clients are served.
#   4. SIGTERM, a normal exit: the file is removed (remove=exit).
# dirmode is 0751, not 0750: acl= is on the socket file only, and adm
# (not the directory's group) must be let through the directory; with
# 0750 the adm member would get "Permission denied" despite the ACL.
#
#   examples/lifecycle.sh [BUILD-DIR]  (default: the repository's build/)
# Run as root. Exit 0 only when every step showed what it should.
set -euo pipefail
# shellcheck source=examples/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_build "${1:-}"
python=/usr/bin/python3
need_root "the server's directory is in /run; the clients change ids"
need_sockmode
need "$python" "apt-get install python3"
need nc "apt-get install netcat-openbsd"
need_openbsd_nc
need getfacl "apt-get install acl"
need setpriv "apt-get install util-linux"
getent group www-data >/dev/null || die "needs the group www-data"
getent group adm >/dev/null || die "needs the group adm"

# The clients: uid nobody, with only the group www-data (33) or adm (4);
# nobody:nogroup is lib.sh's NOBODY.
WWW_MEMBER=(setpriv --reuid=65534 --regid=33 --clear-groups)
ADM_MEMBER=(setpriv --reuid=65534 --regid=4 --clear-groups)

dir=/run/sockmode-example-lifecycle.$$
sock=$dir/app.sock
[ ! -e "$dir" ] || die "$dir exists already"
# example_cleanup: (from cleanup) removes the directory under /run.
example_cleanup() { rm -rf "$dir"; }
make_tmp lifecycle
umask 022

# The server: a plain Python stream server on a Unix socket, nothing else.
cat >"$tmp/server.py" <<'EOF'
import signal
import socket
import socketserver
import struct
import sys


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        self.rfile.readline()
        creds = self.request.getsockopt(
            socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        _, uid, gid = struct.unpack("3i", creds)
        self.wfile.write(b"hello uid %d gid %d\n" % (uid, gid))


def stop(signum, frame):
    sys.exit(0)  # a normal exit: the C library's exit() runs


signal.signal(signal.SIGTERM, stop)
server = socketserver.UnixStreamServer(sys.argv[1], Handler)
print("listening on", sys.argv[1], flush=True)
server.serve_forever()
EOF
chmod 0644 "$tmp/server.py"

conf=$tmp/sockmode.conf
# Owned by root and not writable by group or others: sockmode and the
# library refuse anything else when they run as root.
cat >"$conf" <<EOF
# The app's socket: for www-data (nginx) and adm; its directory under
# /run made when missing; a crashed server's file no obstacle to a
# restart; the file removed at a clean stop.
$sock  mode=0660 group=www-data dirmode=0751 dirgroup=www-data acl=g:adm:rw stale=unlink remove=exit
EOF
chmod 0644 "$conf"

# serve NAME: starts the server under sockmode -c sockmode.conf -v; sets
# $app; dies unless it listens within 10 s.
serve() {
	start "$1" "$sockmode" -c "$conf" -v -- "$python" "$tmp/server.py" "$sock"
	app=$last
	wait_until 10 has "$tmp/$1.out" "listening on $sock" ||
		die "the server did not start: $(cat "$tmp/$1.err")"
	sed 's/^/   /' "$tmp/$1.err"
}

# plain NAME: runs the server without sockmode; dies unless it fails;
# prints its last line of error.
plain() {
	if timeout 5 "$python" "$tmp/server.py" "$sock" >/dev/null 2>"$tmp/$1.err"; then
		die "the server ran without sockmode"
	fi
	echo "   $(tail -n 1 "$tmp/$1.err")"
}

# answered LABEL GID USER-CMD...: dies unless that client gets its answer.
answered() {
	local label=$1 gid=$2 reply
	shift 2
	reply=$(nc_send "$sock" hello "$@") || die "the $label could not connect"
	[ "$reply" = "hello uid 65534 gid $gid" ] ||
		die "the $label got '$reply', expected 'hello uid 65534 gid $gid'"
	echo "   $label (uid 65534 gid $gid): $reply"
}

# shape [brief]: dies unless the directory and the socket are what the
# rule says; shows them (ls -ld, getfacl; but for brief, the socket only).
shape() {
	local got acl
	got=$(stat -c '%A %U %G' "$dir")
	[ "$got" = "drwxr-x--x root www-data" ] ||
		die "the directory is '$got', expected 'drwxr-x--x root www-data'"
	got=$(stat -c '%A %U %G' "$sock")
	[ "$got" = "srw-rw---- root www-data" ] ||
		die "the socket is '$got', expected 'srw-rw---- root www-data'"
	acl=$(getfacl -p "$sock" 2>&1) || die "getfacl: $acl"
	grep -qx 'group:adm:rw-' <<<"$acl" || die "getfacl does not show group:adm:rw-"
	grep -qx 'other::---' <<<"$acl" || die "getfacl does not show other::---"
	if [ "${1:-}" = brief ]; then
		echo "   $(stat -c '%A %U:%G %n' "$sock"), group:adm:rw-"
		return
	fi
	echo "   \$ ls -ld $dir $sock"
	# As an administrator looks (the + of the ACL): not parsed.
	# shellcheck disable=SC2012
	ls -ld "$dir" "$sock" | sed 's/^/   /'
	echo "   \$ getfacl -p $sock"
	sed -e '/^$/d' -e 's/^/   /' <<<"$acl"
}

echo "== the rules file ($conf, root 0644)"
sed 's/^/   /' "$conf"
"$sockmode" --check -c "$conf" >"$tmp/check.out" 2>&1 ||
	die "sockmode --check: $(cat "$tmp/check.out")"
grep -q '^configuration valid: 1 rule' "$tmp/check.out" ||
	die "--check did not report the rule: $(cat "$tmp/check.out")"

echo "== 1. before: python3 server.py $sock without sockmode (root, umask 022)"
plain before
grep -q 'FileNotFoundError: \[Errno 2\]' "$tmp/before.err" ||
	die "expected ENOENT from bind, got: $(cat "$tmp/before.err")"
[ ! -e "$dir" ] || die "$dir was made without sockmode"
echo "   (no $dir: the server cannot start)"

echo "== 2. sockmode -c sockmode.conf -v -- python3 server.py $sock"
serve app
shape
answered "www-data member" 33 "${WWW_MEMBER[@]}"
answered "adm member" 4 "${ADM_MEMBER[@]}"
if nc_send "$sock" hello "${NOBODY[@]}" >/dev/null 2>"$tmp/nobody.err"; then
	die "nobody:nogroup reached the socket"
fi
denied "$tmp/nobody.err" nobody:nogroup
echo "   nobody:nogroup: $(cat "$tmp/nobody.err")"

echo "== 3. crash: kill -9 the server"
{ kill -KILL "$app" && wait "$app"; } 2>/dev/null || true	# no "Killed" notice
stop "$app"	# forgets it
[ -S "$sock" ] || die "the socket file went away after kill -9"
echo "   the file stays: $(stat -c '%A %U:%G %n' "$sock")"
echo "   restart without sockmode:"
plain restart
grep -q 'Address already in use' "$tmp/restart.err" ||
	die "expected EADDRINUSE, got: $(cat "$tmp/restart.err")"
echo "   restart with sockmode -c sockmode.conf -v:"
serve again
grep -q "$sock: removed a stale socket" "$tmp/again.err" ||
	die "no 'removed a stale socket' in the log"
shape brief
answered "www-data member" 33 "${WWW_MEMBER[@]}"
answered "adm member" 4 "${ADM_MEMBER[@]}"

echo "== 4. clean stop: SIGTERM, the server calls sys.exit(0)"
kill -TERM "$app"
rc=0
wait "$app" || rc=$?
stop "$app"
[ "$rc" -eq 0 ] || die "the server exited with $rc, expected 0"
sed 's/^/   /' "$tmp/again.err" | grep 'removed at exit' ||
	die "no 'removed at exit' in the log"
[ ! -e "$sock" ] || die "the socket file is still there after a clean stop"
echo "   exit status 0; $sock is gone (remove=exit)"
echo "   (after kill -9 it stayed, step 3: that is what stale=unlink is for)"

ok "the directory was made, www-data and adm were served and" \
	"nobody refused, a crash did not stop the restart, a clean stop" \
	"removed the file"
