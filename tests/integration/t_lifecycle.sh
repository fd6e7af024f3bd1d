#!/bin/bash
# Issue 7: stale=unlink (a crashed server's socket file does not stop a
# restart, a live one is never removed) and remove=exit (the socket files
# a process made are gone after its normal exit, and only those).

# The test server. lc_server MODE PATH...: binds a stream socket to each
# PATH (relative ones against $T) and listens; prints "bound" or
# "ERR ENAME" (then exits 1). MODE serve: answers each client "ok:"+what
# it sent, forever. MODE wait: waits until $T/go exists, then exits
# normally. MODE fork: forks a child that exits normally at once
# (sys.exit), writes $T/child-done, then waits as MODE wait does. MODE
# daemon: as a classic daemon (nginx's "daemon on"), forks and exits in
# the parent at once; the child writes its pid to $T/child.pid and
# serves, and exits normally after answering "quit".
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
if mode == "daemon":
    if os.fork() != 0:
        sys.exit(0)
    with open("child.pid", "w") as f:
        f.write(str(os.getpid()))
    mode = "serve"
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
        if data == b"quit":
            sys.exit(0)
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

# A daemon that binds, forks and exits in the parent: the parent's exit
# leaves the socket the child serves; the child's normal exit removes it.
test_lifecycle_remove_by_the_last_holder() {
	local child
	start_lc srv SOCKMODE_MODE=0666 SOCKMODE_REMOVE=exit SOCKMODE_LOG=info \
		-- daemon "$T/d.sock"
	wait_exit srv	# the parent
	wait_until "the child to start" 5 test -s "$T/child.pid"
	child=$(cat "$T/child.pid")
	[ -S "$T/d.sock" ] || fail "the parent's exit removed the child's socket"
	grep -q "sockmode: $T/d.sock: still held by process $child; left" \
		"$T/srv.err" || fail "no 'still held' line: $(cat "$T/srv.err")"
	assert_eq "nobody's client of the child" "ok:hi" \
		"$(uclient 65534 65534 stream "$T/d.sock" hi)"
	assert_eq "the last client" "ok:quit" \
		"$(uclient 65534 65534 stream "$T/d.sock" quit)"
	wait_until "the child to exit" 5 eval "! kill -0 $child 2>/dev/null"
	[ ! -e "$T/d.sock" ] || fail "the child's normal exit left its socket"
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

# Issue 12 races. lc_race_setup: $T/ww world-writable, not sticky; $T/ww/d
# a directory of nobody's, where the root victim binds; $T/vdir a root
# directory outside it.
lc_race_setup() {
	mkdir -m 0777 "$T/ww"
	mkdir -m 0755 "$T/ww/d" "$T/vdir"
	chown 65534:65534 "$T/ww/d"
}

# lc_exchange A B: nobody keeps exchanging A and B (its own) until
# lc_exchange_stop.
lc_exchange() {
	rm -f "$T/stop"
	start_bg atk "${NOBODY[@]}" "$TOOLS/exchanger" "$1" "$2" 60 "$T/stop"
	wait_until "the attacker to start" 5 grep -qs ready "$T/atk.out"
}

lc_exchange_stop() {
	touch "$T/stop"
	wait "$(cat "$T/atk.pid")" || fail "the attacker failed: $(cat "$T/atk.err")"
	rm -f "$T/atk.pid"
	note "attacker (nobody): $(tail -n 1 "$T/atk.out")"
}

# remove=exit (item 1): nobody exchanges the victim's directory with a
# symlink to $T/vdir, which holds a root-only regular file of the
# socket's name. N root servers bind $T/ww/d/s and exit normally. The
# file must survive every one of them.
test_lifecycle_race_remove_exit_never_follows_a_swap() {
	local n=600 i tries=0 wins=0 removed=0 dfd
	lc_race_setup
	printf 'secret\n' >"$T/vdir/s"
	chmod 0600 "$T/vdir/s"
	as_nobody ln -s "$T/vdir" "$T/ww/l"
	exec {dfd}<"$T/ww/d"	# the real directory, wherever it is moved
	lc_exchange "$T/ww/d" "$T/ww/l"
	for ((i = 0; i < n; i++)); do
		if [ "$(shim SOCKMODE_REMOVE=exit SOCKMODE_MATCH="$T/ww/d/s" \
			-- "$TOOLS/bindprobe" path "$T/ww/d/s" 2>/dev/null)" = \
			"path rc=0 errno=sentinel-kept" ]; then
			tries=$((tries + 1))
			[ -e "/proc/$$/fd/$dfd/s" ] || removed=$((removed + 1))
		fi
		rm -f "/proc/$$/fd/$dfd/s"
		if [ ! -e "$T/vdir/s" ]; then
			wins=$((wins + 1))
			printf 'secret\n' >"$T/vdir/s"
			chmod 0600 "$T/vdir/s"
		fi
	done
	lc_exchange_stop
	exec {dfd}<&-
	echo "result: remove=exit under a directory swap: $wins root files" \
		"deleted in $tries exits ($removed of our sockets removed)"
	assert_eq "root files deleted through the swapped directory" 0 "$wins"
	[ "$tries" -ge 100 ] || fail "only $tries binds: the race did not run"
	[ "$removed" -ge 10 ] || fail "remove=exit removed only $removed sockets"
}

# lc_stale_race PATH N WATCHDIR NAME live|dead: the root staleloop under
# stale=unlink for the paths in ww/d, counts in $T/victim.out.
lc_stale_race() {
	shim SOCKMODE_MODE=0600 SOCKMODE_STALE=unlink SOCKMODE_MATCH="*/ww/d/*" -- \
		"$TOOLS/staleloop" "$@" >"$T/victim.out" 2>"$T/victim.err" ||
		fail "staleloop: $(cat "$T/victim.err")"
	note "victim (root): $(cat "$T/victim.out")"
}

# stale=unlink (item 5): a name of 92+ bytes (bound relative, from $T/ww:
# /proc/self/fd/N/NAME does not fit in sun_path), and nobody exchanging
# the bind's directory with another of its directories, where a live root
# server listens under the same name. The live socket must never go.
test_lifecycle_race_stale_long_name_keeps_live_socket() {
	local name
	name=$(printf 'n%.0s' $(seq 1 95))
	lc_race_setup
	mkdir -m 0755 "$T/ww/e"
	chown 65534:65534 "$T/ww/e"
	lc_exchange "$T/ww/d" "$T/ww/e"
	(cd "$T/ww" && lc_stale_race "d/$name" 3000 "$T/ww/e" "$name" live)
	lc_exchange_stop
	echo "result: stale=unlink, long name, directory exchanged:" \
		"$(field removed "$T/victim.out") live sockets removed in" \
		"$(field tries "$T/victim.out") restarts ($(field bound "$T/victim.out") bound)"
	assert_eq "live sockets removed" 0 "$(field removed "$T/victim.out")"
	[ "$(field bound "$T/victim.out")" -ge 10 ] ||
		fail "only $(field bound "$T/victim.out") binds: the race did not run"
}

# stale through a symlinked parent (weakness): nobody exchanges the bind's
# directory with a symlink to $T/vdir, which holds a dead root socket of
# the same name. stale=unlink must never remove it.
test_lifecycle_race_stale_never_follows_a_swapped_dir() {
	lc_race_setup
	as_nobody ln -s "$T/vdir" "$T/ww/l"
	lc_exchange "$T/ww/d" "$T/ww/l"
	lc_stale_race "$T/ww/d/s" 3000 "$T/vdir" s dead
	lc_exchange_stop
	echo "result: stale=unlink, directory swapped for a symlink:" \
		"$(field removed "$T/victim.out") root sockets elsewhere removed" \
		"in $(field tries "$T/victim.out") restarts"
	assert_eq "dead sockets removed outside the directory" 0 \
		"$(field removed "$T/victim.out")"
	[ "$(field bound "$T/victim.out")" -ge 10 ] ||
		fail "only $(field bound "$T/victim.out") binds: the race did not run"
}
