#!/bin/bash
# SPEC 4.6 and 6: bad SOCKMODE_* values. Each must give one clear message
# naming the variable, at load; every Unix path bind then fails with
# EACCES and creates nothing; non-Unix binds keep working.
# Also SOCKMODE_ON_ERROR=fail|warn on a real policy failure (SPEC 3.1, 4.5).
# shellcheck source=tests/integration/lib.sh
# shellcheck disable=SC2154 # $T, $TOOLS are set by the driver

# cfg_invalid NAME[=VALUE-SHOWN]... -- VAR=VALUE...: runs bindprobe and nc
# under the configuration VAR=VALUE... and checks SPEC 4.6:
#  - the path bind returns -1/EACCES and no file exists afterwards;
#  - stderr has one message line, naming every NAME (and, when given, the
#    value as the user wrote it), one "invalid configuration" line, one
#    line about the refused bind, and nothing else;
#  - nc -lU fails (does not listen) and leaves no file;
#  - an AF_INET bind in the same configuration works.
cfg_invalid() {
	local names=() vars=() out n line
	while [ "$1" != -- ]; do names+=("$1"); shift; done
	shift
	vars=("$@")
	out=$(shim "${vars[@]}" -- "$TOOLS/bindprobe" path "$T/s" 2>"$T/probe.err")
	assert_eq "path bind under ${vars[*]}" "path rc=-1 errno=EACCES" "$out"
	if [ -e "$T/s" ] || [ -L "$T/s" ]; then
		fail "a file exists at $T/s: $(ls -l "$T/s")"
	fi
	for n in "${names[@]}"; do
		local var=${n%%=*} shown=
		[ "$n" != "$var" ] && shown=${n#*=}
		assert_eq "lines naming $var in: $(cat "$T/probe.err")" 1 \
			"$(grep -c -- "$var" "$T/probe.err" || true)"
		line=$(grep -- "$var" "$T/probe.err")
		[[ $line == "sockmode: "* ]] || fail "no 'sockmode: ' prefix: $line"
		if [ -n "$shown" ] && [[ $line != *"$shown"* ]]; then
			fail "the message does not show the value '$shown': $line"
		fi
	done
	assert_eq "invalid-configuration lines" 1 \
		"$(grep -c 'invalid configuration' "$T/probe.err" || true)"
	assert_eq "lines about the refused bind of $T/s" 1 \
		"$(grep -cF "$T/s" "$T/probe.err" || true)"
	# Nothing else: one message (naming every NAME), the summary, the
	# refused bind.
	assert_eq "number of lines in: $(cat "$T/probe.err")" 3 \
		"$(wc -l <"$T/probe.err")"
	# A real program: nc cannot listen, and leaves nothing behind.
	local rc=0
	shim "${vars[@]}" -- timeout 5 nc -lU "$T/s" </dev/null \
		>/dev/null 2>"$T/nc.err" || rc=$?
	case $rc in 0 | 124) fail "nc -lU under ${vars[*]}: exit $rc (it listened)" ;; esac
	grep -q "Permission denied" "$T/nc.err" ||
		fail "nc did not report EACCES: $(cat "$T/nc.err")"
	[ -e "$T/s" ] && fail "nc left a file at $T/s"
	# Non-Unix binds keep working.
	assert_eq "inet bind under ${vars[*]}" "inet rc=0 errno=sentinel-kept" \
		"$(shim "${vars[@]}" -- "$TOOLS/bindprobe" inet 2>/dev/null)"
	return 0
}

test_config_mode_999() {
	cfg_invalid 'SOCKMODE_MODE=999' -- SOCKMODE_MODE=999
}

test_config_mode_0o660() {
	cfg_invalid 'SOCKMODE_MODE=0o660' -- SOCKMODE_MODE=0o660
}

test_config_mode_rw() {
	cfg_invalid 'SOCKMODE_MODE=rw' -- SOCKMODE_MODE=rw
}

test_config_mode_empty() {
	cfg_invalid SOCKMODE_MODE -- SOCKMODE_MODE=
}

test_config_mode_07777() {
	cfg_invalid 'SOCKMODE_MODE=07777' -- SOCKMODE_MODE=07777
}

test_config_mode_1000() {
	cfg_invalid 'SOCKMODE_MODE=1000' -- SOCKMODE_MODE=1000
}

test_config_mode_minus_1() {
	cfg_invalid 'SOCKMODE_MODE=-1' -- SOCKMODE_MODE=-1
}

test_config_mode_huge() {
	cfg_invalid 'SOCKMODE_MODE=99999999999999999999' -- \
		SOCKMODE_MODE=99999999999999999999
}

test_config_mode_huge_octal() {
	# Would wrap to 0660 in a 32-bit accumulator.
	cfg_invalid 'SOCKMODE_MODE=40000000660' -- SOCKMODE_MODE=40000000660
}

test_config_mode_with_blank() {
	cfg_invalid SOCKMODE_MODE -- "SOCKMODE_MODE=0660 "
}

test_config_mode_and_umask_both() {
	cfg_invalid SOCKMODE_MODE SOCKMODE_UMASK -- SOCKMODE_MODE=0660 \
		SOCKMODE_UMASK=0007
}

test_config_umask_1000() {
	cfg_invalid 'SOCKMODE_UMASK=1000' -- SOCKMODE_UMASK=1000
}

test_config_owner_unknown() {
	cfg_invalid 'SOCKMODE_OWNER=nosuchuser' -- SOCKMODE_MODE=0660 \
		SOCKMODE_OWNER=nosuchuser
}

test_config_owner_empty() {
	cfg_invalid SOCKMODE_OWNER -- SOCKMODE_OWNER=
}

test_config_owner_id_minus_one() {
	# 4294967295 is chown's "leave unchanged": not a usable uid.
	cfg_invalid 'SOCKMODE_OWNER=4294967295' -- SOCKMODE_OWNER=4294967295
}

test_config_group_unknown() {
	cfg_invalid 'SOCKMODE_GROUP=nosuchgroup' -- SOCKMODE_MODE=0660 \
		SOCKMODE_GROUP=nosuchgroup
}

test_config_on_error_maybe() {
	cfg_invalid 'SOCKMODE_ON_ERROR=maybe' -- SOCKMODE_MODE=0660 \
		SOCKMODE_ON_ERROR=maybe
}

test_config_log_loud() {
	cfg_invalid 'SOCKMODE_LOG=loud' -- SOCKMODE_MODE=0660 SOCKMODE_LOG=loud
}

test_config_match_empty_element() {
	cfg_invalid SOCKMODE_MATCH -- SOCKMODE_MODE=0660 \
		"SOCKMODE_MATCH=$T/*::/run/*"
}

test_config_match_unterminated_bracket() {
	cfg_invalid SOCKMODE_MATCH -- SOCKMODE_MODE=0660 "SOCKMODE_MATCH=$T/[ab"
}

test_config_match_empty() {
	cfg_invalid SOCKMODE_MATCH -- SOCKMODE_MODE=0660 SOCKMODE_MATCH=
}

# SPEC 4.6: reported once, at load, however many binds follow; each
# refused bind gets its own line; a forked child does not report again.
test_config_reported_once_per_process() {
	local out
	out=$(shim SOCKMODE_MODE=999 -- "$PY" -c '
import os, socket, sys
d = sys.argv[1]
for name in ("a", "b"):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind(d + "/" + name)
        print(name, "bound")
    except OSError as e:
        print(name, e.errno)
sys.stdout.flush()  # else the child inherits the unflushed lines
if os.fork() == 0:
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind(d + "/c")
    except OSError as e:
        print("c", e.errno, flush=True)
    os._exit(0)
os.wait()
' "$T" 2>"$T/py.err")
	assert_eq "results" "$(printf 'a 13\nb 13\nc 13')" "$out"
	assert_eq "lines naming SOCKMODE_MODE" 1 "$(grep -c SOCKMODE_MODE "$T/py.err" || true)"
	assert_eq "invalid-configuration lines" 1 "$(grep -c 'invalid configuration' "$T/py.err" || true)"
	assert_eq "refused-bind lines" 3 "$(grep -c "$T/[abc]" "$T/py.err" || true)"
	for f in a b c; do [ -e "$T/$f" ] && fail "file $T/$f exists"; done
	return 0
}

# The same configuration without errors prints nothing at load (SPEC 4.10),
# which shows that cfg_invalid's line counts come from the error.
test_config_valid_is_silent() {
	local out
	out=$(shim SOCKMODE_MODE=0660 SOCKMODE_ON_ERROR=warn SOCKMODE_LOG=error \
		"SOCKMODE_MATCH=$T/*" -- "$TOOLS/bindprobe" path "$T/s" 2>"$T/probe.err")
	assert_eq "path bind" "path rc=0 errno=sentinel-kept" "$out"
	assert_eq "stderr" "" "$(cat "$T/probe.err")"
	assert_stat "$T/s" 660 root root
}

# A program running as uid 12345 (setpriv execs it: usable after shim).
CFG_AS_12345=(setpriv --reuid=12345 --regid=12345 --clear-groups)

# cfg_user_dir: $T/u, owned by uid 12345. There, as uid 12345,
# SOCKMODE_OWNER=root cannot be applied (chown gives EPERM).
cfg_user_dir() {
	mkdir "$T/u"
	chown 12345:12345 "$T/u"
}

# SPEC 3.1 on_error=fail (the default) and 4.5: bind returns -1 with EPERM,
# the socket file it created is removed, and the failure is logged.
test_on_error_fail_removes_the_socket() {
	cfg_user_dir
	local on_error out
	for on_error in "" fail; do
		local vars=(SOCKMODE_OWNER=root SOCKMODE_MODE=0600)
		[ -n "$on_error" ] && vars+=("SOCKMODE_ON_ERROR=$on_error")
		out=$(shim "${vars[@]}" -- "${CFG_AS_12345[@]}" \
			"$TOOLS/bindprobe" path "$T/u/s" 2>"$T/probe.err")
		assert_eq "bind as uid 12345 with ${vars[*]}" \
			"path rc=-1 errno=EPERM" "$out"
		[ -e "$T/u/s" ] && fail "on_error=${on_error:-default}: the socket file was left: $(ls -l "$T/u/s")"
		grep -qF "$T/u/s" "$T/probe.err" ||
			fail "no log line about $T/u/s: $(cat "$T/probe.err")"
	done
	# A real program: nc reports the error and leaves nothing.
	local rc=0
	shim SOCKMODE_OWNER=root SOCKMODE_MODE=0600 -- "${CFG_AS_12345[@]}" \
		timeout 5 nc -lU "$T/u/nc.sock" </dev/null >/dev/null 2>"$T/nc.err" || rc=$?
	case $rc in 0 | 124) fail "nc -lU: exit $rc (it listened)" ;; esac
	grep -q "Operation not permitted" "$T/nc.err" ||
		fail "nc did not report EPERM: $(cat "$T/nc.err")"
	[ -e "$T/u/nc.sock" ] && fail "nc's socket file was left"
	return 0
}

# SPEC 3.1 on_error=warn: the failure is logged, bind() returns 0 (errno
# untouched) and the socket stays, owned by the program's user; what could
# be applied (mode 0600) is.
test_on_error_warn_keeps_the_socket() {
	cfg_user_dir
	local out
	out=$(shim SOCKMODE_OWNER=root SOCKMODE_MODE=0600 SOCKMODE_ON_ERROR=warn -- \
		"${CFG_AS_12345[@]}" "$TOOLS/bindprobe" path "$T/u/s" 2>"$T/probe.err")
	assert_eq "bind with on_error=warn" "path rc=0 errno=sentinel-kept" "$out"
	[ -S "$T/u/s" ] || fail "on_error=warn removed the socket"
	assert_eq "mode/uid/gid" "600 12345 12345" "$(stat -c '%a %u %g' "$T/u/s")"
	assert_eq "log lines in: $(cat "$T/probe.err")" 1 \
		"$(grep -c "^sockmode: .*$T/u/s" "$T/probe.err" || true)"
}

# Every SOCKMODE_* name that the library does not read is an error (a
# misspelt variable must not leave the socket at the umask's mode): the
# bind fails closed, and each unknown name is named once. The library
# indexes the SOCKMODE_* entries in one pass (32 of them); past that it
# checks environ itself: both ways find every unknown name.
test_config_unknown_variables_fail_closed() {
	local i n extra=()
	for ((i = 0; i < 40; i++)); do extra+=("SOCKMODE_UNUSED_$i=x"); done
	for n in 5 40; do
		out=$(shim "${extra[@]:0:n/2}" SOCKMODE_MODE=0640 "${extra[@]:n/2:n-n/2}" \
			-- "$TOOLS/bindprobe" path "$T/s$n" 2>"$T/err")
		assert_eq "bind, $n unknown names" "path rc=-1 errno=EACCES" "$out"
		[ ! -e "$T/s$n" ] || fail "a socket exists with $n unknown names"
		assert_eq "names reported in: $(cat "$T/err")" "$n" \
			"$(grep -c '^sockmode: SOCKMODE_UNUSED_[0-9]*: unknown variable' "$T/err")"
	done
	out=$(shim SOCKMODE_MOD=0660 -- "$TOOLS/bindprobe" path "$T/mod" 2>"$T/err")
	assert_eq "bind with SOCKMODE_MOD" "path rc=-1 errno=EACCES" "$out"
	grep -qx "sockmode: SOCKMODE_MOD: unknown variable; did you mean SOCKMODE_MODE?" \
		"$T/err" || fail "no did-you-mean in: $(cat "$T/err")"
	# Other prefixes are not ours; the known names all work.
	out=$(shim SOCKMODEX=1 XSOCKMODE_MOD=1 SOCKMODE_MODE=0604 -- \
		"$TOOLS/bindprobe" path "$T/ok.sock")
	assert_eq "bind beside other names" "path rc=0 errno=sentinel-kept" "$out"
	assert_eq "mode beside other names" 604 "$(mode_of "$T/ok.sock")"
}
