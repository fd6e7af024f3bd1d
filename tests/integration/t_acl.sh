#!/bin/bash
# Issue 7, acl=: named POSIX ACL entries on the socket file. Each test
# reads the result back with getfacl(1) (the exact entries, in the
# kernel's order) and connects real clients of each named user and group,
# and of users the ACL must keep out. The ids 61001-61009 have no passwd
# or group entry: numeric ids are accepted, and nobody else uses them.
# shellcheck source=tests/integration/lib.sh
# shellcheck disable=SC2154 # $T, $TOOLS are set by the driver

# The test server: python3 -c "$ACL_SERVER_PY" stream|dgram PATH [COUNT].
# Binds PATH (and listens), prints "ready", then per stream connection
# replies with what it read in upper case, per datagram prints
# "got MSG". Exits after COUNT connections or datagrams (default: never),
# or after 30 s without one.
ACL_SERVER_PY='
import socket, sys
kind, path = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else -1
s = socket.socket(socket.AF_UNIX,
                  socket.SOCK_DGRAM if kind == "dgram" else socket.SOCK_STREAM)
s.bind(path)
if kind == "stream":
    s.listen(8)
s.settimeout(30)
print("ready", flush=True)
while count != 0:
    count -= 1
    if kind == "dgram":
        print("got " + s.recv(4096).decode(), flush=True)
        continue
    c, _ = s.accept()
    c.settimeout(5)
    data = b""
    while True:
        d = c.recv(4096)
        if not d:
            break
        data += d
    c.sendall(data.upper())
    c.close()
'

# The ACL of the rule most tests use, as getfacl -n prints it (without
# its "# file:" line), and the rule itself: mode=0600 $ACL_RULE.
ACL_RULE=u:61001:rw,u:61004:r,g:61002:rw
ACL_MAIN='# owner: 0
# group: 0
user::rw-
user:61001:rw-
user:61004:r--
group::---
group:61002:rw-
mask::rw-
other::---'

# acl_of PATH: getfacl -n of PATH without the "# file:" line and the
# blank line at the end.
acl_of() { getfacl -np "$1" | sed -e 1d -e '/^$/d'; }

# acl_client UID GID GROUPS KIND PATH MSG: uclient, with the supplementary
# groups GROUPS (comma-separated; empty: none).
acl_client() {
	local grp=(--clear-groups)
	[ -n "$3" ] && grp=(--groups="$3")
	setpriv --reuid="$1" --regid="$2" "${grp[@]}" env -u LD_PRELOAD \
		"$PY" -c "$UCLIENT_PY" "$4" "$5" "$6"
}

# acl_reply UID GID GROUPS PATH: a stream exchange must succeed.
acl_reply() {
	local out
	out=$(acl_client "$1" "$2" "$3" stream "$4" "hi $1") ||
		fail "uid $1 gid $2 groups '$3' cannot use $4: $out"
	assert_eq "reply to uid $1 gid $2 groups '$3'" "HI $1" "$out"
}

# acl_denied UID GID GROUPS KIND PATH: connect/send must get EACCES.
acl_denied() {
	local out
	out=$(acl_client "$1" "$2" "$3" "$4" "$5" x) &&
		fail "uid $1 gid $2 groups '$3' could reach $5"
	assert_eq "$4 to $5 by uid $1 gid $2 groups '$3'" "ERR EACCES" "$out"
}

# acl_main_checks PATH: PATH has mode=0600 acl=$ACL_RULE, owned by root.
# The named user and the named group (primary or supplementary) get in;
# nobody, the read-only named user and the owning group (group::---) not.
acl_main_checks() {
	assert_eq "ACL of $1" "$ACL_MAIN" "$(acl_of "$1")"
	assert_stat "$1" 660 root root	# the group bits are the mask
	acl_reply 61001 61001 "" "$1"
	acl_reply 61003 61002 "" "$1"
	acl_reply 61005 61005 61002 "$1"
	acl_denied 65534 65534 "" stream "$1"
	acl_denied 61004 61004 "" stream "$1"	# r only: connect needs w
	acl_denied 61006 0 "" stream "$1"
}

# acl_listening NAME PATH: waits for the server NAME to listen on PATH;
# on failure shows the server's stderr.
acl_listening() {
	(wait_listening "$2") || fail "server $1 is not listening: $(cat "$T/$1.err")"
}

# acl_xattr PATH: the system.posix_acl_access attribute of PATH, in hex.
acl_xattr() {
	"$PY" -c 'import os, sys
print(os.getxattr(sys.argv[1], "system.posix_acl_access").hex())' "$1"
}

# acl_wait_ready NAME: waits for the server NAME's "ready".
acl_wait_ready() {
	wait_until "$1 to be ready" 5 grep -qx ready "$T/$1.out"
}

# The environment (SOCKMODE_ACL) with a python3 server.
test_acl_env_python_server() {
	start_shim srv SOCKMODE_MODE=0600 SOCKMODE_ACL="$ACL_RULE" -- \
		"$PY" -c "$ACL_SERVER_PY" stream "$T/s.sock" </dev/null
	acl_listening srv "$T/s.sock"
	acl_main_checks "$T/s.sock"
	stop_bg srv
	assert_eq "server stderr" "" "$(cat "$T/srv.err")"
}

# The rules file (acl= word, next to mode=) with socat as the server.
test_acl_rules_file_socat() {
	printf '# acl test\n%s/*.sock  mode=0600 acl=%s  # two groups\n' \
		"$T" "$ACL_RULE" >"$T/r.conf"
	start_shim srv SOCKMODE_CONFIG="$T/r.conf" -- \
		socat "UNIX-LISTEN:$T/s.sock,fork" EXEC:"tr a-z A-Z" </dev/null
	acl_listening srv "$T/s.sock"
	acl_main_checks "$T/s.sock"
	stop_bg srv
}

# The wrapper's --acl= option (preload), with python3.
test_acl_wrapper_option() {
	start_bg srv env "${CLEAN_ENV[@]}" -u LD_PRELOAD "$TOOLS/../sockmode" \
		-m 0600 --acl="$ACL_RULE" -- \
		"$PY" -c "$ACL_SERVER_PY" stream "$T/s.sock" </dev/null
	acl_listening srv "$T/s.sock"
	acl_main_checks "$T/s.sock"
	stop_bg srv
}

# Entries in any order, long and short tags, octal and letter perms, a
# name: the library sorts them (users, then groups, each by id) as the
# kernel demands (it refuses a group entry before a user entry). A named
# user with write only (-w-) connects: only write matters for a socket.
test_acl_entries_sorted() {
	start_shim srv SOCKMODE_MODE=0600 \
		SOCKMODE_ACL=group:61002:6,u:61005:-w-,user:nobody:r,u:61001:rw \
		-- "$PY" -c "$ACL_SERVER_PY" stream "$T/s.sock" </dev/null
	acl_listening srv "$T/s.sock"
	assert_eq "ACL" "# owner: 0
# group: 0
user::rw-
user:61001:rw-
user:61005:-w-
user:65534:r--
group::---
group:61002:rw-
mask::rw-
other::---" "$(acl_of "$T/s.sock")"
	# Byte for byte what setfacl(1) writes for the same entries (it sorts
	# by id as well, and computes the mask).
	touch "$T/ref"
	chmod 0600 "$T/ref"
	setfacl -m g:61002:rw,u:61005:w,u:nobody:r,u:61001:rw "$T/ref"
	assert_eq "attribute, against setfacl's" "$(acl_xattr "$T/ref")" \
		"$(acl_xattr "$T/s.sock")"
	acl_reply 61005 61005 "" "$T/s.sock"
	acl_reply 61003 61002 "" "$T/s.sock"
	acl_denied 65534 65534 "" stream "$T/s.sock"
	stop_bg srv
}

# With owner= and group=: the ACL's owner and owning-group entries apply
# to the new owner and group (chown first), the named entries still work.
# mode=0640: the owning group (r) is refused, the named group (rw) not.
test_acl_with_owner_and_group() {
	start_shim srv SOCKMODE_MODE=0640 SOCKMODE_OWNER=61001 \
		SOCKMODE_GROUP=61002 SOCKMODE_ACL=u:61003:rw,g:61004:rw -- \
		"$PY" -c "$ACL_SERVER_PY" stream "$T/s.sock" </dev/null
	acl_listening srv "$T/s.sock"
	assert_eq "ACL" "# owner: 61001
# group: 61002
user::rw-
user:61003:rw-
group::r--
group:61004:rw-
mask::rw-
other::---" "$(acl_of "$T/s.sock")"
	assert_eq "stat" "660 61001 61002" "$(stat -c '%a %u %g' "$T/s.sock")"
	acl_reply 61001 61001 "" "$T/s.sock"	# the owner, by user::
	acl_reply 61003 61003 "" "$T/s.sock"
	acl_reply 61007 61004 "" "$T/s.sock"
	acl_denied 61008 61002 "" stream "$T/s.sock"
	acl_denied 65534 65534 "" stream "$T/s.sock"
	stop_bg srv
}

# A default ACL on the directory: the socket's inherited access ACL is
# replaced, not merged: only the configured named entries remain, and the
# users the default ACL named can no longer connect.
test_acl_replaces_inherited_acl() {
	mkdir "$T/d"
	setfacl -d -m u:65534:rw,g:65534:rw,g::rw,o::rw "$T/d"
	# Control: without the library (umask 0), the inherited ACL lets
	# nobody in.
	# shellcheck disable=SC2016 # expanded by sh
	start_bg ctl sh -c 'umask 0; exec "$@"' sh \
		"$PY" -c "$ACL_SERVER_PY" stream "$T/d/ctl.sock" </dev/null
	wait_listening "$T/d/ctl.sock"
	acl_of "$T/d/ctl.sock" | grep -qx 'user:65534:rw-' ||
		fail "control: no inherited entry: $(acl_of "$T/d/ctl.sock")"
	acl_reply 65534 65534 "" "$T/d/ctl.sock"
	stop_bg ctl
	start_shim srv SOCKMODE_MODE=0600 SOCKMODE_ACL=u:61001:rw -- \
		"$PY" -c "$ACL_SERVER_PY" stream "$T/d/s.sock" </dev/null
	acl_listening srv "$T/d/s.sock"
	assert_eq "ACL" "# owner: 0
# group: 0
user::rw-
user:61001:rw-
group::---
mask::rw-
other::---" "$(acl_of "$T/d/s.sock")"
	acl_reply 61001 61001 "" "$T/d/s.sock"
	acl_denied 65534 65534 "" stream "$T/d/s.sock"
	acl_denied 61009 65534 "" stream "$T/d/s.sock"
	acl_denied 61006 0 "" stream "$T/d/s.sock"
	stop_bg srv
}

# A datagram socket: the named user and group can send, nobody cannot.
test_acl_datagram() {
	start_shim srv SOCKMODE_MODE=0600 SOCKMODE_ACL=u:61001:w,g:61002:rw -- \
		"$PY" -c "$ACL_SERVER_PY" dgram "$T/d.sock" </dev/null
	acl_wait_ready srv
	assert_eq "ACL" "# owner: 0
# group: 0
user::rw-
user:61001:-w-
group::---
group:61002:rw-
mask::rw-
other::---" "$(acl_of "$T/d.sock")"
	acl_denied 65534 65534 "" dgram "$T/d.sock"
	assert_eq "send by 61001" sent "$(acl_client 61001 61001 "" dgram "$T/d.sock" one)"
	assert_eq "send by 61003:61002" sent \
		"$(acl_client 61003 61002 "" dgram "$T/d.sock" two)"
	wait_until "both datagrams" 5 grep -qx "got two" "$T/srv.out"
	stop_bg srv
	assert_eq "received" "$(printf 'ready\ngot one\ngot two')" "$(cat "$T/srv.out")"
}

# A filesystem without ACL support (ramfs, in a private mount namespace
# so nothing outlives the test): with acl= the bind fails with
# EOPNOTSUPP, says so, and leaves no socket file. The control: the same
# bind without acl= works there.
needs sys_admin test_acl_unsupported_filesystem_fails
needs root_mount test_acl_unsupported_filesystem_fails
test_acl_unsupported_filesystem_fails() {
	local lib=(env "${CLEAN_ENV[@]}" LD_PRELOAD="$PRELOAD" SOCKMODE_MODE=0600)
	mkdir "$T/r"
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m --propagation private bash -c '
		t=$1; shift
		mount -t ramfs ramfs "$t/r" || exit 3
		setfacl -m u:61001:rw "$t/r" 2>"$t/setfacl.err" && exit 4
		"$@" "$TOOLS/bindprobe" path "$t/r/ok.sock" >"$t/ctl.out" 2>&1
		"$@" SOCKMODE_ACL=u:61001:rw "$TOOLS/bindprobe" path "$t/r/s.sock" \
			>"$t/out" 2>"$t/err"
		ls -A "$t/r" >"$t/ls"
		stat -c %a "$t/r/ok.sock" >"$t/ctl.mode"
		# on_error=warn: the bind is kept, with the mode asked for.
		"$@" SOCKMODE_ACL=u:61001:rw SOCKMODE_ON_ERROR=warn \
			"$TOOLS/bindprobe" path "$t/r/w.sock" >"$t/warn.out" \
			2>"$t/warn.err"
		stat -c %a "$t/r/w.sock" >"$t/warn.mode"
	' sh "$T" "${lib[@]}" || fail "ramfs setup failed: $? $(cat "$T/setfacl.err")"
	assert_eq "control bind" "path rc=0 errno=sentinel-kept" "$(cat "$T/ctl.out")"
	assert_eq "control mode" 600 "$(cat "$T/ctl.mode")"
	assert_eq "bind with acl=" "path rc=-1 errno=EOPNOTSUPP" "$(cat "$T/out")"
	assert_eq "message" "sockmode: bind $T/r/s.sock: setting the ACL:\
 Operation not supported" "$(cat "$T/err")"
	assert_eq "files left" ok.sock "$(cat "$T/ls")"
	assert_eq "bind with acl=, on_error=warn" "path rc=0 errno=sentinel-kept" \
		"$(cat "$T/warn.out")"
	assert_eq "message under warn" "sockmode: bind $T/r/w.sock: setting the\
 ACL: Operation not supported (on_error=warn: bind kept)" "$(cat "$T/warn.err")"
	assert_eq "mode under warn (no ACL: the mode still)" 600 \
		"$(cat "$T/warn.mode")"
}

# Under the seccomp supervisor (sm_apply in the supervisor process).
test_acl_under_seccomp_supervisor() {
	start_bg srv env "${CLEAN_ENV[@]}" -u LD_PRELOAD "$TOOLS/../sockmode" \
		--via=seccomp -m 0600 --acl=u:61001:rw -- \
		"$PY" -c "$ACL_SERVER_PY" stream "$T/s.sock" 1 </dev/null
	acl_listening srv "$T/s.sock"
	assert_eq "ACL" "# owner: 0
# group: 0
user::rw-
user:61001:rw-
group::---
mask::rw-
other::---" "$(acl_of "$T/s.sock")"
	acl_denied 65534 65534 "" stream "$T/s.sock"
	acl_reply 61001 61001 "" "$T/s.sock"
	# One connection served: the server, then the supervisor, exit.
	wait "$(cat "$T/srv.pid")" || fail "supervised server: $(cat "$T/srv.err")"
	rm "$T/srv.pid"
}

# --check describes the entries (sorted, names with their ids); bad
# values stop the wrapper with one message and exit 100, nothing run.
test_acl_wrapper_check_and_bad_values() {
	local sm=(env "${CLEAN_ENV[@]}" -u LD_PRELOAD "$TOOLS/../sockmode")
	assert_eq "--check" "  1  *                            mode 0600, owner\
 unchanged, group unchanged; acl: user 61005 -w-, user nobody (65534) r--,\
 group adm (4) rw-  [environment]" \
		"$("${sm[@]}" -m 0600 --acl=g:adm:6,u:61005:-w-,user:nobody:r \
			--check | sed -n 2p)"
	local rc=0
	"${sm[@]}" --acl=u:nosuchuser-acl:rw -- touch "$T/ran" 2>"$T/err" || rc=$?
	assert_eq "exit status, unknown user" 100 "$rc"
	assert_eq "message" "sockmode: --acl u:nosuchuser-acl:rw: entry 1\
 'u:nosuchuser-acl:rw': unknown user" "$(cat "$T/err")"
	rc=0
	"${sm[@]}" -m 0600 --acl=u:61001:rw,o::rw -- touch "$T/ran" 2>"$T/err" ||
		rc=$?
	assert_eq "exit status, other entry" 100 "$rc"
	assert_eq "message" "sockmode: --acl u:61001:rw,o::rw: entry 2 'o::rw':\
 the tag must be u, user, g or group (mask and other entries come from\
 mode=)" "$(cat "$T/err")"
	[ ! -e "$T/ran" ] || fail "the command ran"
}
