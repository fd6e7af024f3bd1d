#!/bin/bash
# The seccomp supervisor (SPEC 7): statically linked and Go programs, whose
# bind(2) no preloaded library sees. Real programs (built here: a gcc
# -static C server, Go servers with and without cgo), a real nobody
# client, the races of SPEC 4 again, and what happens when the supervisor
# cannot run or dies. Sourced by run.sh.
# shellcheck disable=SC2154 # T, TOOLS, HERE come from run.sh

SC_BIN=$TOOLS/../sockmode

# sc ARGS...: sockmode with a clean SOCKMODE_*/LD_PRELOAD environment.
sc() {
	env "${CLEAN_ENV[@]}" -u LD_PRELOAD "$SC_BIN" "$@"
}

# sc_static NAME: compiles tests/bin/NAME.c with gcc -static into $T/NAME.
sc_static() {
	"${CC:-cc}" -static -D_GNU_SOURCE -O2 -o "$T/$1" "$HERE/../bin/$1.c" \
		-lpthread || fail "cannot build $1 statically"
	if readelf -l "$T/$1" | grep -q INTERP; then
		fail "$1 is not statically linked"
	fi
}

# sc_go NAME [cgo]: builds tests/go/NAME.go into $T/NAME: CGO_ENABLED=0
# (static) unless cgo; standard library only, offline, with the build
# cache beside the test programs (it survives between tests and runs).
sc_go() {
	local cache=$TOOLS/go-cache cgo=0
	[ "${2:-}" = cgo ] && cgo=1
	command -v go >/dev/null || fail "no go compiler (tests/deps.sh installs golang-go)"
	mkdir -p "$cache"
	env HOME="$T" GOCACHE="$cache/build" GOPATH="$cache/path" \
		GOENV=off GOPROXY=off GOTOOLCHAIN=local GO111MODULE=off \
		GOFLAGS= CGO_ENABLED=$cgo \
		go build -o "$T/$1" "$HERE/../go/$1.go" ||
		fail "cannot build $1.go"
}

# sc_start_fed NAME CMD...: like start_bg, with a pipe as CMD's stdin
# whose other end is this shell's descriptor 3: write lines to it, and
# close it (exec 3>&-) for end of file.
sc_start_fed() {
	local name=$1
	shift
	mkfifo "$T/$name.fifo"
	exec 4<>"$T/$name.fifo"	# opens at once: it is its own reader
	# shellcheck disable=SC2094 # a FIFO: both ends, on purpose
	exec 3>"$T/$name.fifo" 5<"$T/$name.fifo" 4<&-
	rm "$T/$name.fifo"
	"$@" <&5 3>&- 5<&- >"$T/$name.out" 2>"$T/$name.err" &
	echo $! >"$T/$name.pid"
	exec 5<&-
}

# sc_supervisor ERRFILE: the pid the supervisor logged (at -vv) in ERRFILE.
sc_supervisor() {
	local pid
	wait_until "the supervisor's pid in $1" 5 \
		grep -q '^sockmode: supervisor pid [0-9]* serves' "$1"
	pid=$(sed -n 's/^sockmode: supervisor pid \([0-9]*\) serves.*/\1/p' "$1")
	assert_eq "the supervisor's name" sockmode-super "$(cat "/proc/$pid/comm")"
	echo "$pid"
}

# sc_gone PID: true when PID no longer runs (a zombie counts as gone).
sc_gone() {
	[ ! -e "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# ---- real programs, a real nobody client ---------------------------------

# A gcc -static C server: --via=auto picks the supervisor (says so at -v),
# the socket is exactly 0660 root:nogroup, nobody (group nogroup)
# connects, a user outside the group is refused.
test_seccomp_static_c_server() {
	sc_static sbind
	start_bg srv "$SC_BIN" -v -m 0660 -g nogroup -- "$T/sbind" serve "$T/s.sock"
	wait_listening "$T/s.sock"
	assert_stat "$T/s.sock" 660 root nogroup
	grep -q "^sockmode: --via=auto chose seccomp: $T/sbind is statically linked$" \
		"$T/srv.err" || fail "auto's choice: $(cat "$T/srv.err")"
	assert_eq "uid 12345 (not in the group) connecting" "ERR EACCES" \
		"$(uclient 12345 12345 stream "$T/s.sock" x || true)"
	assert_eq "nobody's reply" "static hi" \
		"$(uclient 65534 65534 stream "$T/s.sock" hi)"
	wait_until "the server to exit" 5 sc_gone "$(cat "$T/srv.pid")"
}

# A CGO_ENABLED=0 Go server: mode 0600 owner nobody; nobody connects,
# another user is refused.
test_seccomp_go_server() {
	sc_go gserver
	start_bg srv "$SC_BIN" -v -m 0600 -o nobody -- "$T/gserver" serve "$T/g.sock"
	wait_listening "$T/g.sock"
	assert_stat "$T/g.sock" 600 nobody root
	grep -q "^sockmode: --via=auto chose seccomp: $T/gserver is a Go program$" \
		"$T/srv.err" || fail "auto's choice: $(cat "$T/srv.err")"
	assert_eq "uid 12345 connecting" "ERR EACCES" \
		"$(uclient 12345 12345 stream "$T/g.sock" x || true)"
	assert_eq "nobody's reply" "go hi" \
		"$(uclient 65534 65534 stream "$T/g.sock" hi)"
	wait_until "the server to exit" 5 sc_gone "$(cat "$T/srv.pid")"
}

# A Go program built with cgo is dynamically linked, yet its net package
# still binds by itself: auto must see the Go build info. The control
# (--via=preload) shows the library indeed cannot reach it.
test_seccomp_go_cgo_auto_and_preload_control() {
	sc_go gserver cgo
	readelf -l "$T/gserver" | grep -q INTERP ||
		fail "the cgo build is not dynamically linked"
	start_bg pre "$SC_BIN" --via=preload -m 0666 -- "$T/gserver" serve "$T/p.sock"
	wait_listening "$T/p.sock"
	assert_stat "$T/p.sock" 755 root root	# umask 022: untouched
	grep -q "warning: $T/gserver is a Go program: the library cannot act" \
		"$T/pre.err" || fail "no warning: $(cat "$T/pre.err")"
	uclient 0 0 stream "$T/p.sock" x >/dev/null
	stop_bg pre
	start_bg srv "$SC_BIN" -v -m 0666 -- "$T/gserver" serve "$T/g.sock"
	wait_listening "$T/g.sock"
	assert_stat "$T/g.sock" 666 root root
	grep -q "chose seccomp: $T/gserver is a Go program" "$T/srv.err" ||
		fail "auto's choice: $(cat "$T/srv.err")"
	assert_eq "nobody's reply" "go hi" \
		"$(uclient 65534 65534 stream "$T/g.sock" hi)"
	# Without section headers (stripped hard), the build-info magic.
	"$PY" -c '
import struct, sys
f = open(sys.argv[1], "r+b")
f.seek(0x28); f.write(struct.pack("<Q", 0))        # e_shoff
f.seek(0x3c); f.write(struct.pack("<HH", 0, 0))    # e_shnum, e_shstrndx
' "$T/gserver"
	readelf -S "$T/gserver" 2>&1 | grep -q "no sections" ||
		fail "section headers left: $(readelf -S "$T/gserver" 2>&1 | head -3)"
	sc -v -m 0666 -- "$T/gserver" nosuchmode 2>"$T/err" || true
	grep -q "chose seccomp: $T/gserver is a Go program" "$T/err" ||
		fail "auto without section headers: $(cat "$T/err")"
}

# 50 goroutines, each on its own OS thread, bind relative names at once:
# every bind is served (from threads other than the main one: the
# supervisor finds the process and the directory of each thread), the
# addresses are the relative names the program gave, and nobody connects.
test_seccomp_go_many_goroutines() {
	local n=50 i bad=0
	sc_go gserver
	mkdir "$T/d"
	sc_start_fed srv "$SC_BIN" --via=seccomp -m 0660 -g nogroup -- \
		"$T/gserver" many "$T/d" "$n"
	wait_until "the goroutines' binds" 10 grep -qx ready "$T/srv.out"
	note "$(head -n 1 "$T/srv.out")"
	assert_eq "bound" "$n" "$(field bound "$T/srv.out")"
	assert_eq "failed" 0 "$(field failed "$T/srv.out")"
	[ "$(field threads "$T/srv.out")" -ge 4 ] ||
		fail "only $(field threads "$T/srv.out") threads bound"
	for ((i = 0; i < n; i++)); do
		[ "$(stat -c '%a %U %G' "$T/d/g$i")" = "660 root nogroup" ] ||
			{ bad=$((bad + 1)); note "g$i: $(stat -c '%a %U %G' "$T/d/g$i")"; }
	done
	assert_eq "sockets without 0660 root:nogroup" 0 "$bad"
	# shellcheck disable=SC2016 # awk's $8
	assert_eq "relative addresses g0..g$((n - 1)) in /proc/net/unix" "$n" \
		"$(awk '$8 ~ /^g[0-9]+$/' /proc/net/unix | sort -u | wc -l)"
	for i in 0 17 49; do
		assert_eq "nobody's reply from g$i" "g$i" \
			"$(cd "$T/d" && uclient 65534 65534 stream "g$i" x)"
	done
	exec 3>&-
	wait_until "the server to exit" 5 sc_gone "$(cat "$T/srv.pid")"
}

# Children are served across fork and exec, also one that outlives the
# program; the supervisor exits once nobody uses the filter any more.
test_seccomp_children_and_supervisor_exit() {
	local sup
	sc_static sbind
	mkdir "$T/d"
	# shellcheck disable=SC2016 # the script's own $1
	(cd "$T/d" && sc --via=seccomp -vv -m 0640 -- sh -c \
		'"$1" bind a & "$1" bind b; wait; (sleep 0.5; exec "$1" bind late) & exec "$1" bind c' \
		sh "$T/sbind") >"$T/out" 2>"$T/err"
	sup=$(sc_supervisor "$T/err")
	for f in a b c; do
		grep -qx "$f rc=0 errno=0" "$T/out" || fail "bind $f: $(cat "$T/out")"
		assert_stat "$T/d/$f" 640 root root
	done
	# sockmode's process is gone; its late child is not yet.
	wait_until "the late child's bind" 5 grep -qx "late rc=0 errno=0" "$T/out"
	assert_stat "$T/d/late" 640 root root
	wait_until "the supervisor to exit after the last user" 5 sc_gone "$sup"
}

# The command keeps sockmode's pid (exec), and has no child and no
# SIGCHLD of the supervisor's start (double fork), even with SIGCHLD
# blocked, when a pending one would survive exec.
test_seccomp_keeps_pid_no_child_no_sigchld() {
	local pid out
	# shellcheck disable=SC2016 # the shell's own $$
	env -u LD_PRELOAD "$SC_BIN" --via=seccomp -m 0600 -- sh -c 'echo $$' >"$T/pid" &
	pid=$!
	wait "$pid"
	assert_eq "the command's pid" "$pid" "$(cat "$T/pid")"
	assert_eq "the command's children" "" \
		"$(sc --via=seccomp -m 0600 -- cat /proc/thread-self/children)"
	out=$("$PY" -c '
import signal, subprocess, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
sys.stdout.write(subprocess.run(sys.argv[1:], capture_output=True,
                                text=True).stdout)' \
		env -u LD_PRELOAD "$SC_BIN" --via=seccomp -m 0600 -- \
		grep '^SigBlk\|^ShdPnd' /proc/self/status)
	note "$out"
	echo "$out" | grep -q '^SigBlk:.*[13579bdf]....$' ||
		fail "SIGCHLD was not blocked: $out"
	echo "$out" | grep -qx 'ShdPnd:[[:space:]]*0*' ||
		fail "a signal is pending at the command's start: $out"
}

# ---- SPEC 4.1 and 4.5: pass-through, the real bind's errno ----------------

# Every bind the supervisor does not act on, and every error of a bind it
# does act on, gives exactly what it gives without sockmode.
test_seccomp_passthrough_and_errnos() {
	local args bare sup b=$T/bare s=$T/sup
	sc_static bindprobe
	mkdir "$T/bare" "$T/sup"
	: >"$T/bare/m-exists"
	: >"$T/sup/m-exists"
	chmod 600 "$T/bare/m-exists" "$T/sup/m-exists"
	while read -r args; do
		[ -n "$args" ] || continue
		# shellcheck disable=SC2086 # the scenario's words
		bare=$("$T/bindprobe" ${args//@/$b} 2>&1)
		# shellcheck disable=SC2086
		sup=$(sc --via=seccomp -m 0666 -p "$T/sup/m*" -- \
			"$T/bindprobe" ${args//@/$s} 2>&1)
		assert_eq "bindprobe $args" "$bare" "$sup"
		note "$sup"
	done <<-'EOF'
		inet
		inet-busy
		inet6
		abstract sm-test-abstract
		unnamed
		short
		toolong @/m-toolong
		null-addr
		badptr
		path @/nomatch.sock
		dgram @/nomatch-dgram.sock
		path @/missing/m.sock
		path @/m-exists
		badfd @/m-badfd.sock
		notsock @/m-notsock.sock
		family-mismatch @/m-family.sock
		bound-twice @/m-twice.sock
	EOF
	# The non-matching socket is as the kernel made it; the matching
	# ones the policy; the existing file was not touched.
	assert_eq "non-matching socket" "$(mode_of "$T/bare/nomatch.sock")" \
		"$(mode_of "$T/sup/nomatch.sock")"
	assert_eq "matching socket bound twice" 666 "$(mode_of "$T/sup/m-twice.sock")"
	[ -f "$T/sup/m-exists" ] || fail "the existing file was replaced"
	assert_eq "an existing file at a matching path" "600 0 0" \
		"$(stat -c '%a %u %s' "$T/sup/m-exists")"
}

# The bind runs with the program's credentials, not the supervisor's
# (root): a program that dropped to uid 12345 gets EACCES in a root-only
# directory as it would alone, owns the sockets it makes, and cannot get
# a chown it could not do itself (EPERM, as with the library, socket
# file removed).
test_seccomp_binds_as_the_program() {
	local bare sup drop=(setpriv --reuid=12345 --regid=12345 --clear-groups)
	sc_static bindprobe
	mkdir "$T/closed" "$T/open"
	chmod 755 "$T/closed"
	chmod 1777 "$T/open"
	bare=$("${drop[@]}" "$T/bindprobe" path "$T/closed/bare.sock")
	sup=$(sc --via=seccomp -m 0666 -- "${drop[@]}" "$T/bindprobe" path "$T/closed/s.sock")
	assert_eq "a root-only directory, as uid 12345" "$bare" "$sup"
	assert_eq "its errno" "path rc=-1 errno=EACCES" "$sup"
	sup=$(sc --via=seccomp -m 0666 -- "${drop[@]}" "$T/bindprobe" path "$T/open/s.sock")
	assert_eq "an open directory" "path rc=0 errno=sentinel-kept" "$sup"
	assert_eq "mode, owner, group" "666 12345 12345" "$(stat -c '%a %u %g' "$T/open/s.sock")"
	# The library's verdict on the same chown, for comparison.
	bare=$(env -u SOCKMODE_MODE LD_PRELOAD="$PRELOAD" SOCKMODE_GROUP=nogroup \
		"${drop[@]}" "$TOOLS/bindprobe" path "$T/open/lib.sock" 2>/dev/null)
	sup=$(sc --via=seccomp -g nogroup -- "${drop[@]}" "$T/bindprobe" path "$T/open/g.sock" 2>"$T/err")
	assert_eq "chown to a group uid 12345 is not in" "$bare" "$sup"
	assert_eq "its errno" "path rc=-1 errno=EPERM" "$sup"
	[ ! -e "$T/open/g.sock" ] || fail "the refused socket file was left"
	grep -q "^sockmode: bind $T/open/g.sock: chown: Operation not permitted$" "$T/err" ||
		fail "no log line: $(cat "$T/err")"
}

# A program that changed its root directory: the supervisor cannot see
# its paths as it does, so it fails closed (EACCES), or with
# on_error=warn lets the kernel bind untouched.
test_seccomp_chroot_fails_closed() {
	sc_static bindprobe
	mkdir "$T/root"
	cp "$T/bindprobe" "$T/root/"
	out=$(sc --via=seccomp -m 0666 -- /usr/sbin/chroot "$T/root" /bindprobe path /s 2>"$T/err")
	assert_eq "bind in a chroot" "path rc=-1 errno=EACCES" "$out"
	[ ! -e "$T/root/s" ] || fail "a socket file was made"
	grep -q "^sockmode: bind /s: the program changed its root directory" "$T/err" ||
		fail "no log line: $(cat "$T/err")"
	out=$(sc --via=seccomp --on-error warn -m 0666 -- /usr/sbin/chroot "$T/root" /bindprobe path /s 2>/dev/null)
	assert_eq "with on_error=warn" "path rc=0 errno=sentinel-kept" "$out"
	assert_eq "its mode (the kernel's)" 755 "$(mode_of "$T/root/s")"
}

# ---- SPEC 4.3: only our inode ---------------------------------------------

# sc_swap CAPS: nobody keeps swapping $T/ww/s for a symlink to the
# root-only victim while a static server, under the supervisor, binds
# datagram sockets there, mode 0666 owner nobody. CAPS all: the program
# keeps CAP_NET_ADMIN (so does the supervisor acting for it: SIOCUNIXFILE);
# noadmin: it drops it around each bind, and the supervisor must find the
# file by name and prove it. The checks of t_races.sh.
sc_swap() {
	local noadmin=0
	[ "$1" = noadmin ] && noadmin=1
	sc_static bindloop
	races_swap_setup
	races_start_attacker "$TOOLS/swapper" "$T/ww/s" symlink "$T/victim" \
		30 "$T/stop"
	env EXPECT_MODE=0666 EXPECT_UID=65534 NOADMIN=$noadmin \
		"$SC_BIN" --via=seccomp -m 0666 -o nobody -- "$T/bindloop" \
		"$T/ww/s" 200000 4 dgram "$T/victim" \
		>"$T/server.out" 2>"$T/server.err"
	races_stop_attacker
	note "server: $(cat "$T/server.out")"
	note "attacker (nobody): $(tail -n 1 "$T/atk.out")"
	# Supervised binds are slow against the attacker's renames: far fewer
	# succeed (91 to 10,000 seen under load), still enough to attack.
	races_swap_check "symlink swap, static server, supervisor, $1" 20
}

test_seccomp_symlink_swap() { sc_swap all; }

test_seccomp_symlink_swap_noadmin() { sc_swap noadmin; }

# ---- signals, a dead supervisor, no supervisor ----------------------------

# A storm of signals at the binding thread, with and without SA_RESTART:
# no bind happens twice (a restarted bind would fail with EADDRINUSE) and
# no EINTR is reported for a bind that happened; a bind interrupted
# before the supervisor took it may fail with EINTR (it did not happen),
# never when the handler has SA_RESTART.
test_seccomp_signal_storm() {
	local how
	sc_static sbind
	mkdir "$T/d"
	for how in restart norestart; do
		env EXPECT_MODE=0660 "$SC_BIN" --via=seccomp -m 0660 -- \
			"$T/sbind" storm "$T/d" 1000 5000 "$how" >"$T/$how.out" ||
			fail "sbind storm $how"
		note "$how: $(cat "$T/$how.out")"
		assert_eq "$how: binds that failed (EADDRINUSE: twice)" 0 \
			"$(field failed "$T/$how.out")"
		assert_eq "$how: EINTR for binds that happened" 0 \
			"$(field false_eintr "$T/$how.out")"
		assert_eq "$how: sockets without mode 0660" 0 "$(field wrong "$T/$how.out")"
		assert_eq "$how: binds that succeeded" "$(field tries "$T/$how.out")" \
			"$(field ok "$T/$how.out")"
		[ "$(field signals "$T/$how.out")" -ge 5000 ] ||
			fail "$how: the storm thread sent fewer than 5000 signals" \
				"in $(field tries "$T/$how.out") binds: nothing was tested"
	done
	assert_eq "EINTR with SA_RESTART" 0 "$(field eintr "$T/restart.out")"
	echo "signal storm: $(field tries "$T/restart.out") + $(field tries \
		"$T/norestart.out") binds, $(field signals "$T/restart.out") +" \
		"$(field signals "$T/norestart.out") signals, 0 twice, 0 false EINTR"
}

# The supervisor killed while the program runs: its next bind fails at
# once with ENOSYS and creates nothing; nothing hangs.
test_seccomp_supervisor_killed() {
	local sup
	sc_static sbind
	sc_start_fed srv "$SC_BIN" --via=seccomp -vv -m 0666 -- "$T/sbind" lines
	sup=$(sc_supervisor "$T/srv.err")
	echo "$T/one" >&3
	wait_until "the first bind" 5 grep -q "^$T/one rc=" "$T/srv.out"
	grep -qx "$T/one rc=0 errno=0" "$T/srv.out" || fail "$(cat "$T/srv.out")"
	assert_stat "$T/one" 666 root root
	kill -9 "$sup"
	wait_until "the supervisor to die" 5 sc_gone "$sup"
	echo "$T/two" >&3
	wait_until "the second bind to return" 5 grep -q "^$T/two rc=" "$T/srv.out"
	grep -qx "$T/two rc=-1 errno=ENOSYS" "$T/srv.out" || fail "$(cat "$T/srv.out")"
	[ ! -e "$T/two" ] || fail "a socket file was made without the supervisor"
	exec 3>&-
	wait_until "the program to exit" 5 sc_gone "$(cat "$T/srv.pid")"
}

# No seccomp (a kernel without it, one older than 5.19, a listener
# already there): exit 111 with a message, the command never runs
# unprotected. auto needs seccomp only for what it sends there.
test_seccomp_unavailable_exits_111() {
	local rc
	sc_static sbind
	for err in 38:"seccomp is not available" \
		22:"needs Linux >= 5.19"; do
		rc=0
		"$TOOLS/noseccomp" "${err%%:*}" env -u LD_PRELOAD "$SC_BIN" \
			-m 0666 -- "$T/sbind" bind "$T/s" >"$T/out" 2>"$T/err" || rc=$?
		assert_eq "exit status (seccomp() fails with ${err%%:*})" 111 "$rc"
		grep -q "^sockmode: cannot run the command under the seccomp supervisor: .*${err#*:}" \
			"$T/err" || fail "message: $(cat "$T/err")"
		if [ -s "$T/out" ] || [ -e "$T/s" ]; then fail "the command ran"; fi
	done
	rc=0
	"$TOOLS/noseccomp" 38 "$SC_BIN" --via=seccomp -m 0666 -- touch "$T/ran" \
		2>/dev/null || rc=$?
	assert_eq "--via=seccomp without seccomp" 111 "$rc"
	[ ! -e "$T/ran" ] || fail "the command ran"
	"$TOOLS/noseccomp" 38 "$SC_BIN" -m 0666 -- touch "$T/ran" ||
		fail "auto with a dynamic program needs no seccomp"
	[ -e "$T/ran" ] || fail "the dynamic program did not run"
	rc=0
	sc --via=seccomp -m 0666 -- "$SC_BIN" --via=seccomp -m 0666 -- \
		touch "$T/nested" 2>"$T/err" || rc=$?
	assert_eq "sockmode --via=seccomp inside another" 111 "$rc"
	grep -q "already has a seccomp listener" "$T/err" || fail "message: $(cat "$T/err")"
	[ ! -e "$T/nested" ] || fail "the nested command ran"
}

# --via: what auto chooses and says (-v), what each way sets in the
# environment, and a bad value.
test_seccomp_via_option() {
	local lib
	lib=$(cd "$TOOLS/.." && pwd)/libsockmode.so
	sc -v -m 0600 -- /bin/true 2>"$T/err"
	assert_eq "-v, dynamic program" "sockmode: --via=auto chose preload: /bin/true is dynamically linked" \
		"$(cat "$T/err")"
	sc -m 0600 -- /bin/true 2>"$T/err"
	[ ! -s "$T/err" ] || fail "auto said something without -v: $(cat "$T/err")"
	sc --via=seccomp -m 0600 -- env >"$T/env" 2>"$T/err"
	[ ! -s "$T/err" ] || fail "--via=seccomp said something: $(cat "$T/err")"
	grep -qx "SOCKMODE_MODE=0600" "$T/env" || fail "no SOCKMODE_MODE"
	grep -q "^LD_PRELOAD=" "$T/env" && fail "--via=seccomp set LD_PRELOAD"
	sc --via=preload -m 0600 -- env >"$T/env"
	grep -qx "LD_PRELOAD=$lib" "$T/env" || fail "--via=preload: $(grep LD_PRELOAD "$T/env")"
	rc=0
	sc --via=ptrace -m 0600 -- touch "$T/ran" 2>"$T/err" || rc=$?
	assert_eq "exit status of --via=ptrace" 100 "$rc"
	assert_eq "its message" "sockmode: --via ptrace: not auto, preload or seccomp" \
		"$(cat "$T/err")"
	[ ! -e "$T/ran" ] || fail "ran with a bad --via"
	# Under --via=preload a static program gets nothing: the warning says so.
	sc_static bindprobe
	sc --via=preload -m 0666 -- "$T/bindprobe" path "$T/p.sock" >/dev/null 2>"$T/err"
	assert_eq "static program under --via=preload" 755 "$(mode_of "$T/p.sock")"
	grep -q "warning: $T/bindprobe is statically linked: the library cannot act" "$T/err" ||
		fail "no warning: $(cat "$T/err")"
}
