#!/bin/bash
# Real, unmodified programs (nc, socat, python3) as servers under the
# library, with real clients running as other users (never preloaded).
# Each test checks the socket file's mode/owner/group and a data exchange.
# shellcheck source=tests/integration/lib.sh
# shellcheck disable=SC2154 # $T, $TOOLS are set by the driver

# A threaded stream server: python3 -c "$PR_SERVER_PY" PATH [UMASK].
# Prints "ready" once listening, then "got MSG" per connection, and replies
# with the message in upper case.
PR_SERVER_PY='
import os, socketserver, sys
path = sys.argv[1]
if len(sys.argv) > 2:
    os.umask(int(sys.argv[2], 8))
class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        data = self.rfile.read()
        print("got " + data.decode().strip(), flush=True)
        self.wfile.write(data.upper())
class Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True
srv = Server(path, Handler)
print("ready", flush=True)
srv.serve_forever()
'

# python3 -c "$PR_FORK_PY" DIR: forks a child that binds DIR/child.sock and
# a child that execs nc -lU DIR/exec.sock; the parent binds DIR/parent.sock.
# The children's pids go into DIR/kid.pid and DIR/exc.pid.
PR_FORK_PY='
import os, socket, sys
d = sys.argv[1]
def serve(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(5)
    while True:
        c, _ = s.accept()
        c.sendall(c.recv(100).upper())
        c.close()
kid = os.fork()
if kid == 0:
    serve(d + "/child.sock")
with open(d + "/kid.pid", "w") as f:
    f.write(str(kid))
exc = os.fork()
if exc == 0:
    os.execvp("nc", ["nc", "-lU", d + "/exec.sock"])
with open(d + "/exc.pid", "w") as f:
    f.write(str(exc))
serve(d + "/parent.sock")
'

# pr_py_server NAME PATH [VAR=VAL...]: starts the python server under the
# library with the given variables (none: without the library).
pr_py_server() {
	local name=$1 path=$2
	shift 2
	if [ $# -eq 0 ]; then
		start_bg "$name" "$PY" -c "$PR_SERVER_PY" "$path" </dev/null
	else
		start_shim "$name" "$@" -- "$PY" -c "$PR_SERVER_PY" "$path" \
			</dev/null
	fi
	wait_listening "$path"
}

# pr_denied UID GID PATH: a stream connect by UID:GID must get EACCES.
pr_denied() {
	local out
	out=$(uclient "$1" "$2" stream "$3" x) && fail "uid $1 gid $2 could connect to $3"
	assert_eq "connect by uid $1 gid $2 to $3" "ERR EACCES" "$out"
}

# pr_reply UID GID PATH: a stream exchange by UID:GID must succeed.
pr_reply() {
	local out
	out=$(uclient "$1" "$2" stream "$3" "hello $1") ||
		fail "uid $1 gid $2 cannot use $3: $out"
	assert_eq "reply to uid $1 gid $2 on $3" "HELLO $1" "$out"
}

# SPEC 1 and 4.2: the seed. nc as root under MODE=0666: nobody's nc
# connects and its data reaches the server.
test_nc_stream_mode_0666_nobody_connects() {
	start_shim srv SOCKMODE_MODE=0666 -- nc -lU "$T/sock" </dev/null
	wait_listening "$T/sock"
	assert_stat "$T/sock" 666 root root
	echo "hello from nobody" | as_nobody timeout 5 nc -N -U "$T/sock" ||
		fail "nobody's nc could not talk to the server"
	wait_until "the data at the server" 5 grep -qx "hello from nobody" "$T/srv.out"
	stop_bg srv
}

# The control that shows the seed test bites: the same without the
# library gives 0755 and nobody gets "Permission denied".
test_nc_stream_without_library_is_denied() {
	start_bg srv nc -lU "$T/sock" </dev/null
	wait_listening "$T/sock"
	assert_stat "$T/sock" 755 root root
	if as_nobody timeout 5 nc -U "$T/sock" </dev/null 2>"$T/client.err"; then
		fail "nobody connected without the library"
	fi
	grep -q "Permission denied" "$T/client.err" ||
		fail "expected Permission denied, got: $(cat "$T/client.err")"
	stop_bg srv
}

# SPEC 4.2 for SOCK_DGRAM: nc -lkuU (-k: the socket stays unconnected and
# takes datagrams from anyone) under MODE=0666 receives nobody's datagrams.
test_nc_dgram_mode_0666_nobody_sends() {
	start_shim srv SOCKMODE_MODE=0666 -- nc -lkuU "$T/dsock" </dev/null
	wait_for_socket "$T/dsock"
	# A datagram socket has no listen(): wait for the final mode.
	wait_until "mode 666 on $T/dsock" 5 test "$(mode_of "$T/dsock")" = 666
	assert_stat "$T/dsock" 666 root root
	assert_eq "nobody's sendto" sent "$(uclient 65534 65534 dgram "$T/dsock" dgram-from-nobody)"
	wait_until "the datagram at the server" 5 grep -qx dgram-from-nobody "$T/srv.out"
	stop_bg srv
}

# SPEC 4.2: MODE=0600 on a datagram socket keeps nobody out (EACCES),
# while root's datagram still arrives (the server is alive).
test_nc_dgram_mode_0600_nobody_refused() {
	start_shim srv SOCKMODE_MODE=0600 -- nc -lkuU "$T/dsock" </dev/null
	wait_for_socket "$T/dsock"
	wait_until "mode 600 on $T/dsock" 5 test "$(mode_of "$T/dsock")" = 600
	assert_stat "$T/dsock" 600 root root
	local out
	out=$(uclient 65534 65534 dgram "$T/dsock" from-nobody) &&
		fail "nobody could send a datagram to a 0600 socket"
	assert_eq "nobody's sendto" "ERR EACCES" "$out"
	assert_eq "root's sendto" sent "$(uclient 0 0 dgram "$T/dsock" from-root)"
	wait_until "root's datagram at the server" 5 grep -qx from-root "$T/srv.out"
	if grep -q from-nobody "$T/srv.out"; then fail "nobody's datagram arrived"; fi
	stop_bg srv
}

# SPEC 4.2 with socat: UNIX-LISTEN,fork relaying to EXEC:cat; two nobody
# clients in a row (socat forks a child per connection).
test_socat_listen_fork_exec_cat() {
	start_shim srv SOCKMODE_MODE=0666 -- \
		socat "UNIX-LISTEN:$T/sock,fork" EXEC:cat </dev/null
	wait_listening "$T/sock"
	assert_stat "$T/sock" 666 root root
	local i out
	for i in 1 2; do
		out=$(echo "ping $i" | as_nobody timeout 5 socat - "UNIX-CONNECT:$T/sock") ||
			fail "nobody's socat could not connect (round $i)"
		assert_eq "echo through socat, round $i" "ping $i" "$out"
	done
	stop_bg srv
}

# SPEC 4.2 with a python3 socketserver (threaded) server.
test_python_socketserver_mode_0666() {
	pr_py_server srv "$T/py.sock" SOCKMODE_MODE=0666
	assert_stat "$T/py.sock" 666 root root
	pr_reply 65534 65534 "$T/py.sock"
	grep -qx "got hello 65534" "$T/srv.out" || fail "the server did not get the data"
	stop_bg srv
}

# SPEC 3.1 OWNER/GROUP, 4.2 chown then exact chmod: nobody:nogroup 0600;
# nobody connects, a third uid is refused.
test_owner_group_nobody_0600() {
	pr_py_server srv "$T/own.sock" SOCKMODE_OWNER=nobody \
		SOCKMODE_GROUP=nogroup SOCKMODE_MODE=0600
	assert_stat "$T/own.sock" 600 nobody nogroup
	pr_reply 65534 65534 "$T/own.sock"
	pr_denied 12345 12345 "$T/own.sock"
	stop_bg srv
}

# SPEC 3.1 GROUP by name and by number: 0660 root:nogroup; a member of
# nogroup connects, a stranger is refused.
test_group_access_0660() {
	pr_py_server srv "$T/grp.sock" SOCKMODE_MODE=0660 SOCKMODE_GROUP=nogroup
	assert_stat "$T/grp.sock" 660 root nogroup
	pr_reply 12345 65534 "$T/grp.sock"
	pr_denied 12345 12345 "$T/grp.sock"
	stop_bg srv
	pr_py_server srv2 "$T/gid.sock" SOCKMODE_MODE=0660 SOCKMODE_GROUP=65534 \
		SOCKMODE_OWNER=12345
	assert_eq "mode/uid/group of gid.sock" "660 12345 nogroup" \
		"$(stat -c '%a %u %G' "$T/gid.sock")"
	pr_reply 12345 12345 "$T/gid.sock"
	pr_reply 23456 65534 "$T/gid.sock"
	pr_denied 23456 23456 "$T/gid.sock"
	stop_bg srv2
}

# SPEC 3.1 UMASK: 0002 gives 0775, whatever the program's own umask (077).
test_umask_0002_gives_775() {
	start_shim srv SOCKMODE_UMASK=0002 -- \
		"$PY" -c "$PR_SERVER_PY" "$T/um.sock" 077 </dev/null
	wait_listening "$T/um.sock"
	assert_stat "$T/um.sock" 775 root root
	# 0775 gives others no write permission.
	pr_denied 65534 65534 "$T/um.sock"
	stop_bg srv
}

# SPEC 3.1 MATCH: only matching paths get the mode; the others keep the
# program's umask mode. `*` also matches `/`; a later pattern can match.
test_match_globs() {
	mkdir "$T/in" "$T/out" "$T/in/deep"
	local vars=(SOCKMODE_MODE=0666 "SOCKMODE_MATCH=/nomatch/*:$T/in/*.sock")
	start_shim a "${vars[@]}" -- nc -lU "$T/in/a.sock" </dev/null
	start_shim b "${vars[@]}" -- nc -lU "$T/in/deep/b.sock" </dev/null
	start_shim c "${vars[@]}" -- nc -lU "$T/out/c.sock" </dev/null
	start_shim d "${vars[@]}" -- nc -lU "$T/in/d.sockx" </dev/null
	wait_listening "$T/in/a.sock"
	wait_listening "$T/in/deep/b.sock"
	wait_listening "$T/out/c.sock"
	wait_listening "$T/in/d.sockx"
	assert_stat "$T/in/a.sock" 666 root root
	assert_stat "$T/in/deep/b.sock" 666 root root
	assert_stat "$T/out/c.sock" 755 root root
	assert_stat "$T/in/d.sockx" 755 root root
	echo via-match | as_nobody timeout 5 nc -N -U "$T/in/deep/b.sock" ||
		fail "nobody cannot reach the matched socket"
	wait_until "data at the matched server" 5 grep -qx via-match "$T/b.out"
	if as_nobody timeout 5 nc -U "$T/out/c.sock" </dev/null 2>/dev/null; then
		fail "nobody reached the socket that did not match"
	fi
	stop_bg a; stop_bg b; stop_bg c; stop_bg d
}

# SPEC 3.3: a relative bind path is matched as an absolute path (here the
# globs are exact absolute paths, so only that can match).
test_match_relative_bind_path() {
	mkdir "$T/rel"
	local vars=(SOCKMODE_MODE=0666 "SOCKMODE_MATCH=$T/rel/rel.sock:$T/rel/dot.sock")
	start_shim r "${vars[@]}" -- env -C "$T/rel" nc -lU rel.sock </dev/null
	start_shim d "${vars[@]}" -- env -C "$T/rel" nc -lU ./dot.sock </dev/null
	start_shim n "${vars[@]}" -- env -C "$T/rel" nc -lU other.sock </dev/null
	wait_listening "$T/rel/rel.sock" rel.sock
	wait_listening "$T/rel/dot.sock" ./dot.sock
	wait_listening "$T/rel/other.sock" other.sock
	assert_stat "$T/rel/rel.sock" 666 root root
	assert_stat "$T/rel/dot.sock" 666 root root
	assert_stat "$T/rel/other.sock" 755 root root
	echo relative | as_nobody timeout 5 nc -N -U "$T/rel/rel.sock" ||
		fail "nobody cannot reach the relatively bound socket"
	wait_until "data at the server" 5 grep -qx relative "$T/r.out"
	stop_bg r; stop_bg d; stop_bg n
}

# SPEC 3.3: globs are also matched against the path with its directory's
# symlinks resolved: a bind through a symlinked directory matches a glob
# written for the real directory.
test_match_through_symlinked_directory() {
	mkdir "$T/real"
	ln -s real "$T/link"
	start_shim srv SOCKMODE_MODE=0666 "SOCKMODE_MATCH=$T/real/*" -- \
		nc -lU "$T/link/s.sock" </dev/null
	wait_listening "$T/real/s.sock" "$T/link/s.sock"
	assert_stat "$T/real/s.sock" 666 root root
	stop_bg srv
}

# SPEC 4.2: an access ACL inherited from a directory's default ACL is
# removed, so mode 0660 root:root really keeps nobody out. The control
# shows that without that removal nobody could connect in this directory.
test_default_acl_named_user_removed() {
	mkdir "$T/acl"
	setfacl -d -m u:nobody:rwx "$T/acl"
	# Control: no library, umask 0: the inherited ACL lets nobody in.
	start_bg ctl "$PY" -c "$PR_SERVER_PY" "$T/acl/ctl.sock" 0 </dev/null
	wait_listening "$T/acl/ctl.sock"
	getfacl -c "$T/acl/ctl.sock" 2>/dev/null | grep -q '^user:nobody:rwx' ||
		fail "control: no inherited user:nobody entry: $(getfacl -c "$T/acl/ctl.sock")"
	pr_reply 65534 65534 "$T/acl/ctl.sock"
	stop_bg ctl
	# Under the library: mode 0660 and nothing else.
	pr_py_server srv "$T/acl/srv.sock" SOCKMODE_MODE=0660
	assert_stat "$T/acl/srv.sock" 660 root root
	local acl
	acl=$(getfacl -c "$T/acl/srv.sock" 2>/dev/null)
	if grep -q '^user:nobody' <<<"$acl"; then fail "inherited ACL kept: $acl"; fi
	assert_eq "ACL of the socket" "$(printf 'user::rw-\ngroup::rw-\nother::---')" "$acl"
	pr_denied 65534 65534 "$T/acl/srv.sock"
	stop_bg srv
}

# SPEC 4.2: with a default ACL whose group:: entry is empty, chmod 0660
# alone would leave the owning group without access ("stat says 0660 while
# the owning group still cannot connect"); the library makes 0660 true.
test_default_acl_group_entry_mode_is_truth() {
	mkdir "$T/acl"
	setfacl -d -m g::---,u:daemon:rwx "$T/acl"
	pr_py_server srv "$T/acl/g.sock" SOCKMODE_MODE=0660 SOCKMODE_GROUP=nogroup
	assert_stat "$T/acl/g.sock" 660 root nogroup
	pr_reply 12345 65534 "$T/acl/g.sock"
	pr_denied 12345 12345 "$T/acl/g.sock"
	stop_bg srv
}

# SPEC 4.10: fork and exec children inherit the behaviour: a python3
# server forks a child that binds, and a child that execs nc -lU.
test_fork_and_exec_children_inherit() {
	start_shim srv SOCKMODE_MODE=0666 -- "$PY" -c "$PR_FORK_PY" "$T" </dev/null
	wait_listening "$T/parent.sock"
	wait_listening "$T/child.sock"
	wait_listening "$T/exec.sock"
	assert_stat "$T/parent.sock" 666 root root
	assert_stat "$T/child.sock" 666 root root
	assert_stat "$T/exec.sock" 666 root root
	assert_eq "reply from the forked child" "HELLO" \
		"$(uclient 65534 65534 stream "$T/child.sock" hello)"
	echo to-exec | as_nobody timeout 5 nc -N -U "$T/exec.sock" ||
		fail "nobody cannot reach the exec'd nc"
	wait_until "data at the exec'd nc" 5 grep -qx to-exec "$T/srv.out"
	# The children are not ours to wait for: kill them, then the parent.
	kill "$(cat "$T/kid.pid")" "$(cat "$T/exc.pid")" 2>/dev/null || true
	rm -f "$T/kid.pid" "$T/exc.pid"
	stop_bg srv
}

# SPEC 4.10: no output unless there is something to say. A valid
# configuration at the default log level adds nothing to stderr and leaves
# stdout as the program wrote it; SOCKMODE_LOG=info (the control) shows
# that the check sees the library's lines.
test_silent_by_default() {
	pr_py_server srv "$T/q.sock" SOCKMODE_MODE=0666 SOCKMODE_GROUP=nogroup
	pr_reply 65534 65534 "$T/q.sock"
	wait_until "the server's log of the exchange" 5 grep -q "^got" "$T/srv.out"
	stop_bg srv
	assert_eq "server stdout" "$(printf 'ready\ngot hello 65534')" "$(cat "$T/srv.out")"
	assert_eq "server stderr" "" "$(cat "$T/srv.err")"
	pr_py_server info "$T/i.sock" SOCKMODE_MODE=0666 SOCKMODE_LOG=info
	stop_bg info
	assert_eq "info-level lines" 1 "$(grep -c '^sockmode: ' "$T/info.err" || true)"
	grep -qF "sockmode: $T/i.sock: mode 0666" "$T/info.err" ||
		fail "no info line for $T/i.sock: $(cat "$T/info.err")"
}
