#!/bin/bash
# sockmode --why and --audit (issue 16): real servers, real users. In
# every case the verdict of --why, both as the user itself and as root
# --as the user, agrees with a real connect() made by that user, and the
# real check --why makes did not have to correct the bits' verdict; --audit lists the live
# sockets with the process that holds them.
WHY_BIN=$TOOLS/../sockmode

# A connect() and nothing else: prints "ok" or "ERR ENAME".
CONNECT_PY='
import errno, socket, sys
s = socket.socket(socket.AF_UNIX,
                  socket.SOCK_DGRAM if sys.argv[1] == "dgram" else socket.SOCK_STREAM)
try:
    s.connect(sys.argv[2])
    print("ok")
except OSError as e:
    print("ERR " + errno.errorcode.get(e.errno, str(e.errno)))
    sys.exit(1)
'
# A stream server that accepts and closes forever, and a datagram one.
STREAM_PY='
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(64)
while True:
    s.accept()[0].close()
'
DGRAM_PY='
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    s.recv(100)
'

# why ARGS...: the command, clean environment; stdout kept in $T/why.out,
# returns its exit status.
why() {
	local rc=0
	env "${CLEAN_ENV[@]}" -u LD_PRELOAD "$WHY_BIN" "$@" >"$T/why.out" \
		2>"$T/why.err" || rc=$?
	return "$rc"
}

# creds UID GID [GROUP]: the setpriv options for that user.
creds() {
	if [ -n "${3:-}" ]; then
		echo "--reuid=$1 --regid=$2 --groups=$3"
	else
		echo "--reuid=$1 --regid=$2 --clear-groups"
	fi
}

# agrees KIND PATH WANT UID GID [GROUP]: a real connect() as the user
# (KIND stream or dgram) and --why, run as the user and as root --as the
# user, all say WANT (yes or no). The verdict line of the root run is
# left in $T/why.out's first line, its whole output in $T/why.out.
agrees() {
	local kind=$1 path=$2 want=$3 uid=$4 gid=$5 group=${6:-} rc real
	local -a as=(--as "$uid") cr
	read -r -a cr <<<"$(creds "$uid" "$gid" "$group")"
	[ -n "$group" ] && as+=(-g "$group")
	real=$(setpriv "${cr[@]}" env -u LD_PRELOAD "$PY" -c "$CONNECT_PY" \
		"$kind" "$path") || true
	case $want in
	yes) [ "$real" = ok ] || fail "a real connect to $path as $uid: $real" ;;
	no) [ "$real" != ok ] || fail "a real connect to $path as $uid worked" ;;
	esac
	rc=0
	setpriv "${cr[@]}" env "${CLEAN_ENV[@]}" -u LD_PRELOAD "$WHY_BIN" \
		--why "$path" >"$T/why.self" 2>&1 || rc=$?
	assert_eq "--why $path run as $uid: exit" \
		"$([ "$want" = yes ] && echo 0 || echo 1)" "$rc"
	# The bits and the kernel agree: no correction by the real check.
	! grep -q "^note: the kernel accepted\|a security module" \
		"$T/why.self" || fail "the bits were wrong: $(cat "$T/why.self")"
	rc=0
	why --why "$path" "${as[@]}" || rc=$?
	assert_eq "--why $path --as $uid: exit ($(cat "$T/why.out"))" \
		"$([ "$want" = yes ] && echo 0 || echo 1)" "$rc"
	head -n 1 "$T/why.out" | grep -q "^$want: " ||
		fail "verdict: $(head -n 1 "$T/why.out")"
	real=${real#ERR }
	[ "$real" = ok ] && real=connected
	grep -q "^checked for real .*: $real" "$T/why.out" ||
		fail "the real check does not say $real: $(cat "$T/why.out")"
	! grep -q "^note: the kernel accepted\|a security module" \
		"$T/why.out" || fail "the bits were wrong: $(cat "$T/why.out")"
}

# has TEXT: the last --why or --audit output holds TEXT (a fixed string).
has() {
	grep -qF -- "$1" "$T/why.out" || fail "no '$1' in: $(cat "$T/why.out")"
}

# audit_lists PATH PID COMMAND: --audit lists PATH, held by PID COMMAND.
audit_lists() {
	why --audit "$1" || fail "--audit: $(cat "$T/why.err")"
	grep -qF "$1  " "$T/why.out" || fail "--audit: no $1: $(cat "$T/why.out")"
	grep -F "$1  " "$T/why.out" | grep -qF "pid $2 $3 " ||
		fail "--audit: $1 not held by pid $2 $3: $(cat "$T/why.out")"
}

# The seed: root's nc -lU under umask 022 gives 0755; nobody cannot
# write it; the fix is -m 0666, and with it nobody connects.
test_why_seed_no_write_for_other() {
	mkdir -m 755 "$T/mydir"
	start_bg srv nc -lU "$T/mydir/sock" </dev/null
	wait_listening "$T/mydir/sock"
	assert_eq "mode" 755 "$(mode_of "$T/mydir/sock")"
	agrees stream "$T/mydir/sock" no 65534 65534
	has "no write permission on the socket file (other: r-x, no write)"
	has "chmod o+w $T/mydir/sock"
	has "sockmode -m 0666 -- nc -lU $T/mydir/sock"
	has "rules-file line: $T/mydir/sock mode=0666"
	audit_lists "$T/mydir/sock" "$(cat "$T/srv.pid")" nc
	grep -F "$T/mydir/sock  " "$T/why.out" | grep -qF "who: root only" ||
		fail "--audit who: $(cat "$T/why.out")"
	stop_bg srv
	rm -f "$T/mydir/sock"
	# The fix, through a sockmode-wrapped server.
	start_bg srv "$WHY_BIN" -m 0666 -- nc -klU "$T/mydir/sock" </dev/null
	wait_listening "$T/mydir/sock"
	agrees stream "$T/mydir/sock" yes 65534 65534
	has "held by pid $(cat "$T/srv.pid") nc (user root)"
	audit_lists "$T/mydir/sock" "$(cat "$T/srv.pid")" nc
	grep -F "$T/mydir/sock  " "$T/why.out" | grep -qF "who: everyone" ||
		fail "--audit who: $(cat "$T/why.out")"
	grep -qF "! everyone can connect, and the process runs as root" \
		"$T/why.out" || fail "--audit flag: $(cat "$T/why.out")"
	stop_bg srv
}

# A directory 0600 in the path: the verdict names it and search.
test_why_directory_without_search() {
	mkdir -m 755 "$T/d"
	start_bg srv socat -u UNIX-LISTEN:"$T/d/sock",fork,mode=0666 \
		OPEN:/dev/null
	wait_listening "$T/d/sock"
	chmod 600 "$T/d"
	agrees stream "$T/d/sock" no 65534 65534
	has "no search permission on directory $T/d (other: ---, no search)"
	has "chmod o+x $T/d"
	audit_lists "$T/d/sock" "$(cat "$T/srv.pid")" socat
	grep -qF "who: nobody but root: directory $T/d is drw-------" \
		"$T/why.out" || fail "--audit who: $(cat "$T/why.out")"
	chmod 711 "$T/d"
	agrees stream "$T/d/sock" yes 65534 65534
	stop_bg srv
}

# A supplementary group that grants (python3 server, 0660 root:4242).
test_why_supplementary_group_grants() {
	start_bg srv "$WHY_BIN" -m 0660 -g 4242 -- "$PY" -c "$STREAM_PY" \
		"$T/sock"
	wait_listening "$T/sock"
	agrees stream "$T/sock" yes 65534 65534 4242
	has "owning group 4242 (a group of the user): rw-"
	agrees stream "$T/sock" no 12345 12345
	has "no write permission on the socket file (other: ---, no write)"
	has "sockmode -m 0660 -g 12345 -- "
	audit_lists "$T/sock" "$(cat "$T/srv.pid")" python3
	grep -qF "who: group 4242 (0 members)" "$T/why.out" ||
		fail "--audit who: $(cat "$T/why.out")"
	stop_bg srv
}

# A named ACL entry grants; a mask takes it away (a datagram socket).
test_why_acl_entry_and_mask() {
	start_bg srv "$WHY_BIN" -m 0600 -- "$PY" -c "$DGRAM_PY" "$T/sock"
	wait_for_socket "$T/sock"
	wait_until "mode 600" 5 test "$(mode_of "$T/sock")" = 600
	agrees dgram "$T/sock" no 65534 65534
	setfacl -m u:nobody:rw "$T/sock"
	agrees dgram "$T/sock" yes 65534 65534
	has "ACL user:nobody:rw-"
	has "datagram is bound"
	setfacl -m m::r "$T/sock"
	agrees dgram "$T/sock" no 65534 65534
	has "ACL user:nobody:rw-, but the mask is r--: no write"
	has "setfacl -m m::rw- $T/sock"
	audit_lists "$T/sock" "$(cat "$T/srv.pid")" python3
	stop_bg srv
}

# A stale socket file after kill -9: nothing bound, stale=unlink.
test_why_stale_after_kill() {
	start_bg srv "$WHY_BIN" -m 0666 -- "$PY" -c "$STREAM_PY" "$T/sock"
	wait_listening "$T/sock"
	kill -9 "$(cat "$T/srv.pid")"
	wait "$(cat "$T/srv.pid")" 2>/dev/null || true
	[ -S "$T/sock" ] || fail "the socket file went away"
	agrees stream "$T/sock" no 65534 65534
	has "nothing is bound to $T/sock: a stale socket file"
	has "stale=unlink"
	has "checked for real (a child as nobody called connect()): ECONNREFUSED"
	why --audit "$T/*"
	has "$T/sock  stale  srw-rw-rw- root root  nothing bound"
}

# A regular file, a missing path, a symlink to a socket, a relative path.
test_why_file_missing_symlink_relative() {
	: >"$T/file"
	chmod 666 "$T/file"
	agrees stream "$T/file" no 65534 65534
	has "$T/file is a regular file, not a socket"
	agrees stream "$T/missing/sock" no 65534 65534
	has "$T/missing does not exist (ENOENT)"
	start_bg srv nc -klU "$T/sock" </dev/null
	wait_listening "$T/sock"
	chmod 666 "$T/sock"
	ln -s sock "$T/link"
	agrees stream "$T/link" yes 65534 65534
	has "symlink followed: $T/link -> sock"
	has "socket file $T/sock: srw-rw-rw- root root  write: yes"
	mkdir -m 755 "$T/sub"
	(cd "$T/sub" && agrees stream ../sock yes 65534 65534)
	has "$T/sub  drwxr-xr-x root root  search: yes"
	stop_bg srv
}

# --json: the same facts, as one object.
test_why_json() {
	start_bg srv nc -klU "$T/sock" </dev/null
	wait_listening "$T/sock"
	why --why "$T/sock" --as 65534 --json || true
	"$PY" -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["verdict"] == "no", j
assert j["file"]["mode"] == "0755" and j["file"]["write"] is False, j
assert j["bound"]["state"] == "listening stream", j
assert j["bound"]["command"] == "nc", j
assert j["connect"] == "EACCES", j
assert any("-m 0666" in f for f in j["fix_for_good"]), j
' "$T/why.out" || fail "--json: $(cat "$T/why.out")"
	why --audit "$T/*" --json
	"$PY" -c '
import json, sys
j = json.load(open(sys.argv[1]))
s = [x for x in j["sockets"] if x["path"] == sys.argv[2]]
assert len(s) == 1 and s[0]["command"] == "nc", j
' "$T/why.out" "$T/sock" || fail "--audit --json: $(cat "$T/why.out")"
	stop_bg srv
}

# Bad input: an unknown user, a path longer than sun_path, usage; a
# directory the invoking user cannot look into (said, not guessed).
test_why_bad_input() {
	local long rc
	why --why "$T/sock" --as no-such-user-x && fail "unknown user accepted"
	assert_eq "exit for an unknown user" 100 "$(why --why "$T/sock" \
		--as no-such-user-x; echo $?)"
	grep -q "^sockmode: --as no-such-user-x: " "$T/why.err" ||
		fail "message: $(cat "$T/why.err")"
	long=$T/$(printf 'x%.0s' $(seq 1 120))
	assert_eq "exit for a long path" 100 "$(why --why "$long"; echo $?)"
	grep -q "longer than sun_path holds (107): no socket can be bound there" \
		"$T/why.err" || fail "message: $(cat "$T/why.err")"
	assert_eq "exit without PATH" 100 "$(why --why; echo $?)"
	assert_eq "exit for a bad option" 100 "$(why --why "$T/s" --bogus; echo $?)"
	assert_eq "exit for a bad glob" 100 "$(why --audit '[x'; echo $?)"
	mkdir -m 700 "$T/closed"
	start_bg srv nc -klU "$T/closed/sock" </dev/null
	wait_listening "$T/closed/sock"
	chmod 666 "$T/closed/sock"
	rc=0
	as_nobody env -u LD_PRELOAD "$WHY_BIN" --why "$T/closed/sock" \
		--as root >"$T/why.out" 2>&1 || rc=$?
	assert_eq "exit when it cannot see" 111 "$rc"
	has "unknown: root (0) may or may not connect"
	has "no search permission on $T/closed, so $T/closed/sock could not be seen"
	# As root it can see: root gets in, even through mode 0000.
	chmod 000 "$T/closed/sock"
	agrees stream "$T/closed/sock" yes 0 0
	has "root: CAP_DAC_OVERRIDE"
	# Without root, --audit says what it could not see.
	as_nobody env -u LD_PRELOAD "$WHY_BIN" --audit "$T/*" >"$T/why.out"
	has "# not root: what uid 65534 can see"
	has "$T/closed/sock  listening stream  -  process not visible  who: unknown: you cannot look into $T/closed"
	stop_bg srv
}

# A stream socket bound but not listening: refused, and said so.
test_why_bound_not_listening() {
	start_bg srv "$PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
time.sleep(60)
' "$T/sock"
	wait_for_socket "$T/sock"
	chmod 666 "$T/sock"
	agrees stream "$T/sock" no 65534 65534
	has "the socket is bound but not listening (connect() gives ECONNREFUSED)"
	has "checked for real (a child as nobody called connect()): ECONNREFUSED"
	why --audit "$T/sock"
	has "$T/sock  stream, bound but not listening  srw-rw-rw- root root  pid $(cat "$T/srv.pid") python3 (root)"
	stop_bg srv
}

# --audit's flags: a directory writable by others without the sticky bit,
# a group the mode grants but a directory above shuts out.
test_why_audit_flags() {
	mkdir -m 777 "$T/ww"
	chmod 777 "$T/ww"	# no sticky bit, whatever the umask
	mkdir -m 700 "$T/ww/closed"
	start_bg srv "$WHY_BIN" -m 0660 -g 4242 -- "$PY" -c "$STREAM_PY" \
		"$T/ww/closed/sock"
	wait_listening "$T/ww/closed/sock"
	agrees stream "$T/ww/closed/sock" no 65534 65534 4242
	has "no search permission on directory $T/ww/closed (other: ---, no search)"
	why --audit "$T/ww/*"
	has "who: root only"
	has "  ! directory $T/ww is drwxrwxrwx: writable by others without the sticky bit"
	has "  ! its mode grants group 4242, but directory $T/ww/closed (drwx------) shuts the group out"
	stop_bg srv
}
