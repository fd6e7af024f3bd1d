#!/bin/bash
# The sockmode command (SPEC 5): validation before anything runs, the
# environment it sets, exec without fork, exit codes, --check, --explain.
SOCKMODE_BIN=$TOOLS/../sockmode

# sm ARGS...: the command with a clean SOCKMODE_*/LD_PRELOAD environment.
sm() {
	env "${CLEAN_ENV[@]}" -u LD_PRELOAD "$SOCKMODE_BIN" "$@"
}

# expect_exit CODE CMD...: runs CMD, which must exit with CODE.
expect_exit() {
	local want=$1 rc=0
	shift
	"$@" || rc=$?
	assert_eq "exit status of $*" "$want" "$rc"
}

# The seed through the command: nobody reaches the socket.
test_cli_runs_the_seed() {
	start_bg srv "$SOCKMODE_BIN" -m 0666 -- nc -lU "$T/sock" </dev/null
	wait_listening "$T/sock"
	assert_stat "$T/sock" 666 root root
	echo hi | as_nobody timeout 5 nc -N -U "$T/sock" || fail "nobody was refused"
	wait_until "the data at the server" 5 grep -qx hi "$T/srv.out"
	stop_bg srv
}

# Exit 100 and nothing run for every usage or configuration error.
test_cli_errors_exit_100_and_run_nothing() {
	local args
	for args in "-m 999" "-m 0660 -u 007" "-o no-such-user-x" \
		"-g no-such-group-x" "-p /a:b -m 0600" "-p /x" "-m 0600 -m 0600" \
		"--on-error maybe -m 0600" "-c $T/missing.conf" "--bogus" \
		"--dirfix=yes --dirgroup=0" "--acl=o::rw" "--dirmode=0o7" \
		"--acl u:0:rw --acl u:1:rw"; do
		# shellcheck disable=SC2086 # the options, split on purpose
		expect_exit 100 sm $args -- touch "$T/ran" 2>"$T/err"
		[ ! -e "$T/ran" ] || fail "sockmode $args ran the command"
		grep -q '^sockmode: \|^usage: ' "$T/err" || fail "no message for: $args"
	done
	expect_exit 100 sm -m 0600 2>/dev/null	# no command
	out=$(sm -m 999 -- true 2>&1) || true
	assert_eq "message for -m 999" \
		"sockmode: -m 999: not an octal number (digits 0-7 only, e.g. 0660)" \
		"$(echo "$out" | head -1)"
	out=$(sm --dirfix=yes --dirowner=0 -- true 2>&1) || true
	assert_eq "message for --dirfix=yes alone" \
		"sockmode: --dirfix=yes needs --dirmode" "$out"
	out=$(sm --acl=u:0:rw,g::r -- true 2>&1) || true
	assert_eq "message for --acl=u:0:rw,g::r" "sockmode: --acl u:0:rw,g::r:\
 entry 2 'g::r': no name: the owner's and the group's entries come from\
 mode=" "$out"
}

# 127 not found, 126 not executable, 111 library missing.
test_cli_exit_codes_of_exec() {
	expect_exit 127 sm -m 0600 -- "$T/no-such-command" 2>/dev/null
	expect_exit 127 sm -m 0600 -- no-such-command-x 2>/dev/null
	printf '#!/bin/sh\n' >"$T/noexec"
	chmod 644 "$T/noexec"
	expect_exit 126 sm -m 0600 -- "$T/noexec" 2>/dev/null
	expect_exit 126 sm -m 0600 -- "$T" 2>/dev/null
	[ ! -e /usr/local/lib/libsockmode.so ] ||
		fail "/usr/local/lib/libsockmode.so exists: cannot test the missing-library case"
	cp "$SOCKMODE_BIN" "$T/sockmode"
	out=$("$T/sockmode" -m 0600 -- true 2>&1) && fail "ran without a library"
	expect_exit 111 "$T/sockmode" -m 0600 -- true 2>/dev/null
	echo "$out" | grep -q "cannot find libsockmode.so" || fail "message: $out"
	# The command's own status passes through.
	expect_exit 3 sm -m 0600 -- sh -c 'exit 3'
}

# The environment the command gets: the variables, and the library in
# LD_PRELOAD exactly once, in front of what was there.
test_cli_environment_and_preload_once() {
	local lib
	lib=$(cd "$TOOLS/.." && pwd)/libsockmode.so
	sm -m 0640 -g nogroup -p "$T/*" -v -- env >"$T/env"
	grep -qx "SOCKMODE_MODE=0640" "$T/env" || fail "no SOCKMODE_MODE"
	grep -qx "SOCKMODE_GROUP=nogroup" "$T/env" || fail "no SOCKMODE_GROUP"
	grep -qx "SOCKMODE_MATCH=$T/\*" "$T/env" || fail "no SOCKMODE_MATCH"
	grep -qx "SOCKMODE_LOG=info" "$T/env" || fail "-v did not set SOCKMODE_LOG"
	grep -qx "LD_PRELOAD=$lib" "$T/env" || fail "LD_PRELOAD: $(grep LD_PRELOAD "$T/env")"
	# Nested, and with something already preloaded.
	env LD_PRELOAD=/lib/other.so "$SOCKMODE_BIN" -m 0600 -- \
		"$SOCKMODE_BIN" -m 0600 -- env >"$T/env2"
	assert_eq "LD_PRELOAD" "LD_PRELOAD=$lib:/lib/other.so" "$(grep ^LD_PRELOAD= "$T/env2")"
	# Rule options replace inherited rule variables as a whole.
	env SOCKMODE_UMASK=077 SOCKMODE_OWNER=nobody "$SOCKMODE_BIN" -m 0600 -- env >"$T/env3"
	grep -q '^SOCKMODE_UMASK=\|^SOCKMODE_OWNER=' "$T/env3" &&
		fail "inherited rule variables survived: $(grep ^SOCKMODE_ "$T/env3")"
	true
}

# exec, no fork: the command has the PID sockmode had.
test_cli_execs_without_fork() {
	# (env and sockmode both exec: $! is the pid all three have)
	env -u LD_PRELOAD "$SOCKMODE_BIN" -m 0600 -- sh -c 'echo $$' >"$T/pid" &
	local pid=$!
	wait "$pid"
	assert_eq "the command's pid" "$pid" "$(cat "$T/pid")"
}

# Warnings where the library cannot act: static and setuid commands.
test_cli_warns_static_and_setuid() {
	printf 'int main(void) { return 0; }\n' >"$T/s.c"
	"${CC:-cc}" -static -o "$T/static" "$T/s.c"
	sm --via=preload -m 0600 -- "$T/static" 2>"$T/err"
	grep -q "is statically linked: the library cannot act there" "$T/err" ||
		fail "no static warning: $(cat "$T/err")"
	# auto takes the supervisor there, quietly (it can act).
	sm -m 0600 -- "$T/static" 2>"$T/err"
	[ ! -s "$T/err" ] || fail "auto said something: $(cat "$T/err")"
	cp /bin/true "$T/suid"
	chmod 4755 "$T/suid"
	sm -m 0600 -- "$T/suid" 2>"$T/err"
	grep -q "set-user-ID" "$T/err" || fail "no setuid warning: $(cat "$T/err")"
	sm -m 0600 -- /bin/true 2>"$T/err"
	[ ! -s "$T/err" ] || fail "warning for a normal program: $(cat "$T/err")"
}

# --check prints the table (0), or the errors (100).
test_cli_check() {
	printf '%s\n' "/run/app/*.sock mode=0660 group=nogroup" "* umask=077" >"$T/r.conf"
	chmod 644 "$T/r.conf"
	sm --check -c "$T/r.conf" -m 0600 -p /tmp/x.sock >"$T/out"
	grep -q "^configuration valid: 3 rules, on_error=fail, log=error$" "$T/out" ||
		fail "header: $(cat "$T/out")"
	grep -q "^  1  /tmp/x.sock .*mode 0600, owner unchanged, group unchanged  \[environment\]$" "$T/out" ||
		fail "rule 1: $(cat "$T/out")"
	grep -q "^  2  /run/app/\*.sock .*mode 0660, owner unchanged, group nogroup (65534)  \[$T/r.conf:1\]$" "$T/out" ||
		fail "rule 2: $(cat "$T/out")"
	grep -q "^  3  \* .*mode 0700 (umask 0077)" "$T/out" || fail "rule 3: $(cat "$T/out")"
	printf '/x mode=9\n' >"$T/bad.conf"
	chmod 644 "$T/bad.conf"
	expect_exit 100 sm --check -c "$T/bad.conf" 2>"$T/err" >/dev/null
	grep -qx "sockmode: $T/bad.conf:1:9: mode=9: not an octal number (digits 0-7 only, e.g. 0660)" "$T/err" ||
		fail "error line: $(cat "$T/err")"
}

# --explain: the matching rule, or none; a path no bind can take is 100.
test_cli_explain() {
	out=$(sm -m 0660 -g nogroup -p '/run/app/*.sock' --explain /run/app/a.sock)
	echo "$out" | grep -q "^/run/app/a.sock: rule 1, pattern /run/app/\*.sock \[environment\]$" ||
		fail "explain: $out"
	echo "$out" | grep -q "mode 0660, owner unchanged, group nogroup (65534); on_error=fail" ||
		fail "explain: $out"
	out=$(sm -m 0660 -p '/run/app/*.sock' --explain /tmp/other.sock)
	assert_eq "no match" "/tmp/other.sock: no rule matches; bind() is passed through unchanged" "$out"
	long=/tmp/$(printf 'x%.0s' $(seq 120))
	expect_exit 100 sm -m 0660 --explain "$long" 2>"$T/err"
	grep -q "longer than sun_path" "$T/err" || fail "no message for a long path"
}
