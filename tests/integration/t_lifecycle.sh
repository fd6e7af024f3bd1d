#!/bin/bash
# Issue 7: stale=unlink (a crashed server's socket file does not stop a
# restart, a live one is never removed) and remove=exit (the socket files
# a process made are gone after its normal exit, and only those).

# The test server. lc_server MODE PATH...: binds a stream socket to each
# PATH (relative ones against $T) and listens; prints "bound" or
# "ERR ENAME" (then exits 1). MODE serve: answers each client "ok:"+what
# it sent, forever. MODE wait: waits until $T/go exists, then exits
# normally. MODE fork: forks a child that exits normally at once
# (sys.exit), writes $T/child-done, then waits as MODE wait does.
LC_SERVER_PY='
import errno, os, socket, sys, time
mode, paths = sys.argv[1], sys.argv[2:]
socks = []
for p in paths:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.bind(p)
    except OSError as e:
        print("ERR " + errno.errorcode.get(e.errno, str(e.errno)), flush=True)
        sys.exit(1)
    s.listen(8)
    socks.append(s)
print("bound", flush=True)
if mode == "serve":
    while True:
        c, _ = socks[0].accept()
        data = b""
        while True:
            d = c.recv(4096)
            if not d:
                break
            data += d
        c.sendall(b"ok:" + data)
        c.close()
if mode == "fork":
    pid = os.fork()
    if pid == 0:
        sys.exit(0)
    os.waitpid(pid, 0)
    open("child-done", "w").close()
while not os.path.exists("go"):
    time.sleep(0.02)
sys.exit(0)
'

# lc_server VAR=VALUE... -- MODE PATH...: the server in the foreground,
# under the library.
lc_server() {
	local vars=()
	while [ "$1" != -- ]; do vars+=("$1"); shift; done
	shift
	shim "${vars[@]}" -- "$PY" -c "$LC_SERVER_PY" "$@"
}

# start_lc NAME VAR=VALUE... -- MODE PATH...: the server in the background.
start_lc() {
	local name=$1 vars=()
	shift
	while [ "$1" != -- ]; do vars+=("$1"); shift; done
	shift
	start_shim "$name" "${vars[@]}" -- "$PY" -c "$LC_SERVER_PY" "$@"
}

# wait_exit NAME: waits (5 s at most) until background process NAME ended.
wait_exit() {
	local pid
	pid=$(cat "$T/$1.pid")
	wait_until "$1 to exit" 5 eval "! kill -0 $pid 2>/dev/null"
	wait "$pid" 2>/dev/null || true
	rm -f "$T/$1.pid"
}

# A crashed nc (SIGKILL) leaves its socket file.
leave_dead_socket() {
	start_bg nc nc -lU "$1" </dev/null
	wait_listening "$1"
	kill -9 "$(cat "$T/nc.pid")"
	wait_exit nc
	[ -S "$1" ] || fail "nc killed by SIGKILL left no socket at $1"
}

test_lifecycle_stale_socket_restart() {
	leave_dead_socket "$T/s"
	# Openbsd nc unlinks the path itself; a server that does not fails.
	assert_eq "restart without stale=" "ERR EADDRINUSE" \
		"$(lc_server SOCKMODE_MODE=0666 -- serve "$T/s" 2>"$T/err")"
	[ -S "$T/s" ] || fail "the dead socket file went away without stale="
	start_lc srv SOCKMODE_MODE=0666 SOCKMODE_STALE=unlink \
		SOCKMODE_LOG=info -- serve "$T/s"
	wait_listening "$T/s"
	assert_eq "server output" bound "$(cat "$T/srv.out")"
	grep -qxF "sockmode: $T/s: removed a stale socket" "$T/srv.err" ||
		fail "no removal logged: $(cat "$T/srv.err")"
	assert_stat "$T/s" 666 root root
	assert_eq "nobody's client" "ok:hi" \
		"$(uclient 65534 65534 stream "$T/s" hi)"
	stop_bg srv
}

test_lifecycle_stale_never_removes_a_live_socket() {
	local ino
	start_lc a SOCKMODE_MODE=0666 SOCKMODE_STALE=unlink -- serve "$T/s"
	wait_listening "$T/s"
	ino=$(stat -c %i "$T/s")
	assert_eq "second server" "ERR EADDRINUSE" \
		"$(lc_server SOCKMODE_MODE=0666 SOCKMODE_STALE=unlink -- \
			serve "$T/s" 2>"$T/err")"
	assert_eq "inode of the live socket" "$ino" "$(stat -c %i "$T/s")"
	assert_eq "the first server still serves" "ok:still" \
		"$(uclient 65534 65534 stream "$T/s" still)"
	stop_bg a
	# Bound but not listening yet: alive too (a stream probe would lie).
	rm -f "$T/s"
	start_bg b "$PY" -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])
print("bound", flush=True); time.sleep(60)' "$T/s"
	wait_until "the unlistening server to bind" 5 grep -q bound "$T/b.out"
	ino=$(stat -c %i "$T/s")
	assert_eq "server against a bound, unlistening socket" "ERR EADDRINUSE" \
		"$(lc_server SOCKMODE_STALE=unlink -- serve "$T/s" 2>"$T/err")"
	assert_eq "inode of the bound socket" "$ino" "$(stat -c %i "$T/s")"
	stop_bg b
}

test_lifecycle_stale_never_follows_a_symlink() {
	leave_dead_socket "$T/dead"
	ln -s "$T/dead" "$T/s"
	assert_eq "server at a symlink" "ERR EADDRINUSE" \
		"$(lc_server SOCKMODE_STALE=unlink -- serve "$T/s" 2>"$T/err")"
	[ -L "$T/s" ] || fail "the symlink was removed"
	[ -S "$T/dead" ] || fail "the symlink's target was removed"
	: >"$T/file"
	assert_eq "server at a regular file" "ERR EADDRINUSE" \
		"$(lc_server SOCKMODE_STALE=unlink -- serve "$T/file" 2>"$T/err")"
	[ -f "$T/file" ] || fail "the regular file was removed"
}

test_lifecycle_remove_at_normal_exit() {
	start_lc srv SOCKMODE_REMOVE=exit SOCKMODE_LOG=info -- wait "$T/a" b
	wait_until "the server to bind" 5 grep -q bound "$T/srv.out"
	[ -S "$T/a" ] || fail "$T/a missing while running"
	[ -S "$T/b" ] || fail "$T/b missing while running"
	touch "$T/go"
	wait_exit srv
	[ ! -e "$T/a" ] || fail "$T/a left after a normal exit"
	[ ! -e "$T/b" ] || fail "$T/b (bound relative) left after a normal exit"
	grep -qxF "sockmode: $T/b: removed at exit" "$T/srv.err" ||
		fail "no removal logged: $(cat "$T/srv.err")"
}

test_lifecycle_remove_not_after_sigkill() {
	start_lc srv SOCKMODE_REMOVE=exit -- wait "$T/a" "$T/b"
	wait_until "the server to bind" 5 grep -q bound "$T/srv.out"
	kill -9 "$(cat "$T/srv.pid")"
	wait_exit srv
	# Documented: no code runs after SIGKILL; stale=unlink cleans up.
	[ -S "$T/a" ] || fail "SIGKILL: expected $T/a left"
	[ -S "$T/b" ] || fail "SIGKILL: expected $T/b left"
}

test_lifecycle_remove_only_our_inode() {
	local ino
	start_lc srv SOCKMODE_REMOVE=exit -- wait "$T/a" "$T/b" "$T/c"
	wait_until "the server to bind" 5 grep -q bound "$T/srv.out"
	rm "$T/b" "$T/c"
	echo other >"$T/b"
	leave_dead_socket "$T/c"	# another socket file, same name
	ino=$(stat -c %i "$T/c")
	touch "$T/go"
	wait_exit srv
	[ ! -e "$T/a" ] || fail "$T/a left after a normal exit"
	assert_eq "the file that replaced b" other "$(cat "$T/b")"
	assert_eq "the socket that replaced c" "$ino" "$(stat -c %i "$T/c")"
}

test_lifecycle_remove_not_by_a_forked_child() {
	start_lc srv SOCKMODE_REMOVE=exit -- fork "$T/a"
	wait_until "the child to exit" 5 test -e "$T/child-done"
	[ -S "$T/a" ] || fail "a forked child's exit removed its parent's socket"
	touch "$T/go"
	wait_exit srv
	[ ! -e "$T/a" ] || fail "$T/a left after the parent's normal exit"
}

test_lifecycle_bad_values_fail_closed() {
	local v out
	for v in SOCKMODE_STALE=yes SOCKMODE_STALE= SOCKMODE_REMOVE=never \
		SOCKMODE_REMOVE=; do
		out=$(shim "$v" -- "$TOOLS/bindprobe" path "$T/s" 2>"$T/err")
		assert_eq "bind under $v" "path rc=-1 errno=EACCES" "$out"
		[ ! -e "$T/s" ] || fail "$v: a file exists at $T/s"
	done
	grep -qxF 'sockmode: SOCKMODE_REMOVE="": empty value' "$T/err" ||
		fail "message: $(cat "$T/err")"
	"$TOOLS/../sockmode" --stale=later true 2>"$T/err" && fail "ran"
	assert_eq "--stale=later" "sockmode: --stale later: must be unlink" \
		"$(cat "$T/err")"
	"$TOOLS/../sockmode" --remove=exit --remove=exit true 2>"$T/err" &&
		fail "ran"
	assert_eq "--remove twice" "sockmode: --remove given twice" \
		"$(cat "$T/err")"
	assert_eq "--check" "  1  *                            mode from the\
 program's umask, owner unchanged, group unchanged, stale=unlink,\
 remove=exit  [environment]" "$(env -u SOCKMODE_CONFIG \
		"$TOOLS/../sockmode" --stale=unlink --remove=exit --check |
		sed -n 2p)"
}

# Under the supervisor: stale=unlink works (sm_apply does it there too);
# remove=exit is not supported and says so, leaving the file.
test_lifecycle_under_the_supervisor() {
	leave_dead_socket "$T/s"
	env -u SOCKMODE_CONFIG -u LD_PRELOAD "$TOOLS/../sockmode" \
		--via=seccomp --stale=unlink --remove=exit -m 0600 -- \
		"$PY" -c "$LC_SERVER_PY" wait "$T/s" >"$T/out" 2>"$T/err" &
	wait_until "the supervised server to bind" 5 grep -q bound "$T/out"
	assert_stat "$T/s" 600 root root
	touch "$T/go"
	wait
	assert_eq "supervisor's warning" "sockmode: warning: remove=exit is\
 not supported under --via=seccomp: the socket files are left at exit" \
		"$(cat "$T/err")"
	[ -S "$T/s" ] || fail "remove=exit acted under the supervisor"
}
