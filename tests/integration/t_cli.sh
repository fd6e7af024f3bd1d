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

# A misspelt SOCKMODE_* variable is an error for --check and for a run,
# even when the options replace the environment's rule.
test_cli_unknown_variable() {
	expect_exit 100 env "${CLEAN_ENV[@]}" -u LD_PRELOAD SOCKMODE_MOD=0660 \
		"$SOCKMODE_BIN" --check >"$T/out" 2>"$T/err"
	grep -qx "sockmode: SOCKMODE_MOD: unknown variable; did you mean SOCKMODE_MODE?" \
		"$T/err" || fail "--check said: $(cat "$T/out" "$T/err")"
	expect_exit 100 env "${CLEAN_ENV[@]}" -u LD_PRELOAD SOCKMODE_GRUOP=www-data \
		"$SOCKMODE_BIN" -m 0660 -- touch "$T/ran" 2>"$T/err"
	[ ! -e "$T/ran" ] || fail "ran the command beside SOCKMODE_GRUOP"
	grep -q "did you mean SOCKMODE_GROUP?" "$T/err" || fail "run said: $(cat "$T/err")"
}

# The script for `unshare -m sh -c "$noexec_setup" sh DIR SOCKMODE LIB
# CMD...`: copies SOCKMODE to DIR/bin and LIB to a noexec tmpfs at DIR/lib,
# linked from DIR/bin (where the command looks for it), then runs CMD.
# shellcheck disable=SC2016 # expanded by that inner shell
noexec_setup='
	mount --make-rprivate /
	mkdir -p "$1/bin" "$1/lib"
	cp "$2" "$1/bin/sockmode"
	mount -t tmpfs -o noexec,mode=755 sockmode-noexec "$1/lib"
	cp "$3" "$1/lib/libsockmode.so"
	ln -s "$1/lib/libsockmode.so" "$1/bin/libsockmode.so"
	shift 3
	"$@"'

# The library on a noexec mount (systemd's NoExecPaths=) is readable but
# cannot be loaded: the command says so, exits 111, and runs nothing,
# instead of running the program unprotected.
test_cli_library_not_loadable() {
	local lib
	lib=$(dirname "$SOCKMODE_BIN")/libsockmode.so
	expect_exit 111 unshare -m sh -c "$noexec_setup" sh "$T/nx" "$SOCKMODE_BIN" \
		"$lib" env "${CLEAN_ENV[@]}" -u LD_PRELOAD "$T/nx/bin/sockmode" \
		-m 0666 -- touch "$T/ran" 2>"$T/err"
	[ ! -e "$T/ran" ] || fail "the command ran without the library"
	grep -q "^sockmode: $T/nx/bin/libsockmode.so cannot be loaded here, and the command would run unprotected; nothing run: .*its file system is mounted noexec$" \
		"$T/err" || fail "message: $(cat "$T/err")"
	# The same copy on an ordinary mount loads and runs.
	expect_exit 0 unshare -m sh -c "${noexec_setup/noexec,/}" sh "$T/ok" \
		"$SOCKMODE_BIN" "$lib" env "${CLEAN_ENV[@]}" -u LD_PRELOAD \
		"$T/ok/bin/sockmode" -m 0666 -- touch "$T/ran"
	[ -e "$T/ran" ] || fail "the command did not run with a loadable library"
}

# -c RELATIVE is exported absolute: a program that changes directory
# before its bind still reads the rules.
test_cli_relative_config_is_made_absolute() {
	printf '%s\n' "$T/*.sock mode=0604" >"$T/r.conf"
	chmod 644 "$T/r.conf"
	# shellcheck disable=SC2016 # expanded by the inner shell
	out=$(cd "$T" && sm -c r.conf -- sh -c 'cd / && printenv SOCKMODE_CONFIG &&
		"$1" path "$2"' sh "$TOOLS/bindprobe" "$T/a.sock")
	assert_eq "environment and bind" "$T/r.conf
path rc=0 errno=sentinel-kept" "$out"
	assert_eq "mode from the relative rules file" 604 "$(mode_of "$T/a.sock")"
}

# with_etc_conf LINE CMD...: runs CMD in a private mount namespace whose
# /etc (an overlay on the real one) holds a sockmode.conf with LINE. The
# overlay's upper layer is a tmpfs of its own: an upper directory on the
# overlayfs root of a container is refused.
with_etc_conf() {
	local line=$1
	shift
	mkdir -p "$T/etc-layer"
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m sh -c 'mount --make-rprivate / &&
		mount -t tmpfs sockmode-etc-layer "$1" &&
		mkdir "$1/up" "$1/work" &&
		mount -t overlay sockmode-etc -o "lowerdir=/etc,upperdir=$1/up,workdir=$1/work" /etc &&
		printf "%s\n" "$2" >/etc/sockmode.conf && shift 2 && "$@"' \
		sh "$T/etc-layer" "$line" "$@"
}

# One typo in /etc/sockmode.conf stops every run, and the message names
# the way out; --no-config (SOCKMODE_CONFIG=none) is that way, for the
# command and for the library.
test_cli_no_config() {
	expect_exit 100 with_etc_conf "/x mode=9" env "${CLEAN_ENV[@]}" -u LD_PRELOAD \
		"$SOCKMODE_BIN" -m 0660 -- touch "$T/ran" 2>"$T/err"
	[ ! -e "$T/ran" ] || fail "ran the command with a broken /etc/sockmode.conf"
	grep -qx "sockmode: /etc/sockmode.conf is read by default: mend it, or go without it with SOCKMODE_CONFIG=none (sockmode --no-config)" \
		"$T/err" || fail "message: $(cat "$T/err")"
	out=$(with_etc_conf "/x mode=9" env "${CLEAN_ENV[@]}" -u LD_PRELOAD \
		"$SOCKMODE_BIN" --no-config -m 0604 -- "$TOOLS/bindprobe" path "$T/a.sock")
	assert_eq "bind under --no-config" "path rc=0 errno=sentinel-kept" "$out"
	assert_eq "mode under --no-config" 604 "$(mode_of "$T/a.sock")"
	out=$(with_etc_conf "/x mode=9" env "${CLEAN_ENV[@]}" LD_PRELOAD="$PRELOAD" \
		SOCKMODE_CONFIG=none SOCKMODE_MODE=0640 "$TOOLS/bindprobe" path "$T/b.sock")
	assert_eq "bind under SOCKMODE_CONFIG=none" "path rc=0 errno=sentinel-kept" "$out"
	assert_eq "mode under SOCKMODE_CONFIG=none" 640 "$(mode_of "$T/b.sock")"
	expect_exit 100 sm -c "$T/r.conf" --no-config --check 2>/dev/null
}

# Messages name the option as it was written, say what is missing, and
# --explain shows the absolute path it matched.
test_cli_messages() {
	out=$(sm --on-error=ignore -m 0660 -- touch "$T/ran" 2>&1) || true
	assert_eq "--on-error=ignore" "sockmode: --on-error ignore: must be fail or warn" "$out"
	out=$(sm -m 0660 2>&1) || true
	assert_eq "no command" "sockmode: no command given" "$(echo "$out" | head -1)"
	echo "$out" | grep -q '^usage: sockmode' || fail "no usage after: $out"
	out=$(cd "$T" && sm -m 0660 -p "$T/*" --explain ./x//a.sock)
	assert_eq "explain, relative" "$T/x/a.sock: rule 1, pattern $T/* [environment]" \
		"$(echo "$out" | head -1)"
	out=$(cd "$T" && sm -m 0660 -p /run/x --explain a.sock)
	assert_eq "explain, relative, no match" \
		"$T/a.sock: no rule matches; bind() is passed through unchanged" "$out"
}

# The annotated example validates on a stock Debian, as its header says.
test_cli_example_validates() {
	sm --check -c "$HERE/../../sockmode.conf.example" >"$T/out" 2>"$T/err" ||
		fail "sockmode.conf.example: $(cat "$T/err")"
	grep -q '^configuration valid: [1-9][0-9]* rules' "$T/out" || fail "$(cat "$T/out")"
	grep -q 'sockmode --check -c FILE' "$HERE/../../sockmode.conf.example" ||
		fail "the example does not say how to check it"
}

# --check warns about rules that can never match and acl= entries that
# the rule's own dirmode= directories shut out; a sound table gets none.
test_cli_check_warns() {
	printf '%s\n' "/run/a/*.sock mode=0660" "/run/a/*.sock mode=0666" \
		"/run/x/*.sock mode=0660 dirmode=0750 dirgroup=www-data acl=u:nobody:rw,g:www-data:rw,g:nogroup:rw" \
		"/run/y/*.sock mode=0660 dirmode=0751 acl=u:nobody:rw" \
		"* mode=0600" "/run/b/*.sock mode=0660" "/run/c/*.sock mode=0660" >"$T/r.conf"
	chmod 644 "$T/r.conf"
	sm --check -c "$T/r.conf" >"$T/out" 2>"$T/err" || fail "--check: $(cat "$T/err")"
	assert_eq "warnings" "sockmode: warning: rule 2 (/run/a/*.sock) [$T/r.conf:2] can never match: rule 1 [$T/r.conf:1] has the same pattern
sockmode: warning: rule 3 [$T/r.conf:3]: acl user nobody cannot reach the socket: the directories dirmode=0750 makes give it no search (x) permission (unless it is the program's own user or group)
sockmode: warning: rule 3 [$T/r.conf:3]: acl group nogroup cannot reach the socket: the directories dirmode=0750 makes give it no search (x) permission (unless it is the program's own user or group)
sockmode: warning: rules 6 to 7 can never match: rule 5 (*) [$T/r.conf:5] before matches every path" "$(cat "$T/err")"
	# The environment's rule without -p matches every path: the whole
	# file comes after it.
	sm --check -c "$T/r.conf" -m 0600 >/dev/null 2>"$T/err"
	grep -qx "sockmode: warning: rules 2 to 8 can never match: rule 1 (\*) \[environment\] before matches every path" \
		"$T/err" || fail "env catch-all: $(cat "$T/err")"
	sm --check -c "$T/r.conf" -m 0600 -p '/run/z/*' >/dev/null 2>"$T/err"
	grep -q "rules 7 to 8 can never match: rule 6" "$T/err" || fail "with -p: $(cat "$T/err")"
	sm --check -c "$HERE/../../sockmode.conf.example" >/dev/null 2>"$T/err"
	[ ! -s "$T/err" ] || fail "warnings for the example: $(cat "$T/err")"
}

# What a default Docker container withholds (probes.sh).
needs sys_admin test_cli_library_not_loadable test_cli_no_config
needs child_fds test_cli_warns_static_and_setuid
