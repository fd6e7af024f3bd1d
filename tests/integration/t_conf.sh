#!/bin/bash
# Rules-file tests (SPEC 3.2, 3.3, 4.6): real servers configured by
# sockmode.conf instead of the environment.

# conf FILE LINE...: writes a root-owned 0644 rules file.
conf() {
	local f=$1
	shift
	printf '%s\n' "$@" >"$f"
	chmod 644 "$f"
}

# Two rules, two sockets of one program: each gets its own rule.
test_conf_rules_per_path() {
	mkdir -p "$T/run"
	conf "$T/rules.conf" "# two services" \
		"$T/run/a.sock  mode=0660 group=nogroup" \
		"$T/run/*.sock  mode=0600 owner=nobody"
	start_shim a SOCKMODE_CONFIG="$T/rules.conf" -- nc -lU "$T/run/a.sock" </dev/null
	start_shim b SOCKMODE_CONFIG="$T/rules.conf" -- nc -lU "$T/run/b.sock" </dev/null
	wait_listening "$T/run/a.sock"
	wait_listening "$T/run/b.sock"
	assert_stat "$T/run/a.sock" 660 root nogroup
	assert_stat "$T/run/b.sock" 600 nobody root
	# Group access through the first rule; owner access through the second.
	[ "$(uclient 12345 65534 stream "$T/run/a.sock" hi)" = "" ] ||
		fail "group member could not connect to a.sock"
	[ "$(uclient 65534 65534 stream "$T/run/b.sock" hi)" = "" ] ||
		fail "nobody (the owner) could not connect to b.sock"
	out=$(uclient 12345 65534 stream "$T/run/b.sock" hi) && fail "b.sock let a stranger in"
	assert_eq "stranger's error on b.sock" "ERR EACCES" "$out"
	stop_bg a
	stop_bg b
}

# The environment's rule comes before the file's.
test_conf_env_rule_first() {
	conf "$T/rules.conf" "* mode=0600"
	shim SOCKMODE_CONFIG="$T/rules.conf" SOCKMODE_MODE=0640 \
		SOCKMODE_MATCH="$T/env.sock" -- "$TOOLS/bindprobe" path "$T/env.sock" >/dev/null
	shim SOCKMODE_CONFIG="$T/rules.conf" SOCKMODE_MODE=0640 \
		SOCKMODE_MATCH="$T/env.sock" -- "$TOOLS/bindprobe" path "$T/file.sock" >/dev/null
	assert_eq "env rule" 640 "$(mode_of "$T/env.sock")"
	assert_eq "file rule" 600 "$(mode_of "$T/file.sock")"
}

# Every error of the file at once, as FILE:LINE:COL; then fail closed.
test_conf_errors_all_at_once_and_fail_closed() {
	conf "$T/bad.conf" "$T/ok.sock mode=0600" "$T/x" \
		"$T/y mode=0600 perm=u:x:rw" "$T/z owner=no-such-user-x"
	out=$(shim SOCKMODE_CONFIG="$T/bad.conf" -- "$TOOLS/bindprobe" path "$T/ok.sock" 2>"$T/err")
	assert_eq "bind under a bad file" "path rc=-1 errno=EACCES" "$out"
	[ ! -e "$T/ok.sock" ] || fail "a socket was created under an invalid configuration"
	grep -qxF "sockmode: $T/bad.conf:2:1: no keys after the pattern (keys: mode, umask, owner, group, stale, remove, dirmode, dirowner, dirgroup, dirfix, acl, hold)" "$T/err" ||
		fail "line 2 not reported: $(cat "$T/err")"
	grep -qxF "sockmode: $T/bad.conf:3:$((${#T} + 14)): unknown key 'perm' (keys: mode, umask, owner, group, stale, remove, dirmode, dirowner, dirgroup, dirfix, acl, hold)" "$T/err" ||
		fail "line 3 not reported: $(cat "$T/err")"
	grep -qxF "sockmode: $T/bad.conf:4:$((${#T} + 10)): owner=no-such-user-x: unknown user" "$T/err" ||
		fail "line 4 not reported: $(cat "$T/err")"
	assert_eq "error lines" 3 "$(grep -c "^sockmode: $T/bad.conf:" "$T/err")"
	# Other families keep working.
	out=$(shim SOCKMODE_CONFIG="$T/bad.conf" -- "$TOOLS/bindprobe" inet 2>/dev/null)
	assert_eq "inet bind under a bad file" "inet rc=0 errno=sentinel-kept" "$out"
}

# Run as root, a file others could write is refused, and so is a missing
# file that SOCKMODE_CONFIG names.
test_conf_untrusted_or_missing_refused() {
	conf "$T/open.conf" "* mode=0666"
	chmod 666 "$T/open.conf"
	out=$(shim SOCKMODE_CONFIG="$T/open.conf" -- "$TOOLS/bindprobe" path "$T/s" 2>"$T/err")
	assert_eq "bind under a writable file" "path rc=-1 errno=EACCES" "$out"
	grep -qxF "sockmode: $T/open.conf: refused: writable by group or others (chmod go-w it)" "$T/err" ||
		fail "no refusal message: $(cat "$T/err")"
	chmod 644 "$T/open.conf"
	chown 12345 "$T/open.conf"
	shim SOCKMODE_CONFIG="$T/open.conf" -- "$TOOLS/bindprobe" path "$T/s" 2>"$T/err" >/dev/null
	grep -q "refused: not owned by root" "$T/err" || fail "foreign owner accepted"
	out=$(shim SOCKMODE_CONFIG="$T/none.conf" -- "$TOOLS/bindprobe" path "$T/s" 2>"$T/err")
	assert_eq "bind under a missing file" "path rc=-1 errno=EACCES" "$out"
	grep -qxF "sockmode: $T/none.conf: cannot open: No such file or directory" "$T/err" ||
		fail "no message for the missing file: $(cat "$T/err")"
	[ ! -e "$T/s" ] || fail "a socket was created"
	# A non-root process may use a file it owns, whatever its mode.
	chown 12345 "$T/open.conf"
	chmod 777 "$T"
	out=$(as_uid 12345 12345 env LD_PRELOAD="$PRELOAD" SOCKMODE_CONFIG="$T/open.conf" \
		"$TOOLS/bindprobe" path "$T/u.sock")
	assert_eq "non-root bind" "path rc=0 errno=sentinel-kept" "$out"
	assert_eq "non-root socket mode" 666 "$(mode_of "$T/u.sock")"
}

# Issue 12, item 6: a rules file in a directory nobody can write, swapped
# by nobody for a symlink to a harmless root file that reads as empty
# (/etc/.pwd.lock, 0 bytes; /proc/self/environ, st_size 0), must not
# give a umask-0 root server a valid, empty configuration: fail closed.
test_conf_symlink_to_a_root_file_refused() {
	local target out
	mkdir -m 0777 "$T/ww"
	for target in /etc/.pwd.lock /proc/self/environ; do
		[ -e "$target" ] || { note "SKIP part: no $target here"; continue; }
		rm -f "$T/ww/rules.conf" "$T/s"
		as_nobody ln -s "$target" "$T/ww/rules.conf"
		out=$(umask 0 && shim SOCKMODE_CONFIG="$T/ww/rules.conf" -- \
			"$TOOLS/bindprobe" path "$T/s" 2>"$T/err")
		assert_eq "bind under a symlink to $target" \
			"path rc=-1 errno=EACCES" "$out"
		grep -qF "sockmode: $T/ww/rules.conf: refused: writable by group or others: the directory $T/ww (at 'rules.conf')" \
			"$T/err" || fail "no refusal message: $(cat "$T/err")"
		[ ! -e "$T/s" ] || fail "a socket was created, mode $(mode_of "$T/s")"
	done
	# A FIFO is refused at once, never opened (an open would hang).
	mkfifo -m 0644 "$T/fifo.conf"
	out=$(shim SOCKMODE_CONFIG="$T/fifo.conf" -- "$TOOLS/bindprobe" path "$T/s" 2>"$T/err")
	assert_eq "bind under a FIFO" "path rc=-1 errno=EACCES" "$out"
	grep -qxF "sockmode: $T/fifo.conf: not a regular file" "$T/err" ||
		fail "no FIFO message: $(cat "$T/err")"
}

# SPEC 3.3: a rule written for the real directory matches a bind through
# a symlinked one, and a relative bind path matches its absolute form --
# also when a catch-all rule after it matches the literal path.
test_conf_symlinked_and_relative_paths() {
	mkdir -p "$T/real"
	ln -s "$T/real" "$T/link"
	conf "$T/rules.conf" "$T/real/*.sock mode=0604" "$T/*/other.sock mode=0640" "* mode=0600"
	shim SOCKMODE_CONFIG="$T/rules.conf" -- "$TOOLS/bindprobe" path "$T/link/a.sock" >/dev/null
	assert_eq "bind through a symlinked directory" 604 "$(mode_of "$T/real/a.sock")"
	(cd "$T/link" && shim SOCKMODE_CONFIG="$T/rules.conf" -- "$TOOLS/bindprobe" path ./b.sock >/dev/null)
	assert_eq "relative bind in a symlinked cwd" 604 "$(mode_of "$T/real/b.sock")"
	# Rule 2 matches the literal path, rule 1 the resolved one: rule 1.
	shim SOCKMODE_CONFIG="$T/rules.conf" -- "$TOOLS/bindprobe" path "$T/link/other.sock" >/dev/null
	assert_eq "literal match first" 604 "$(mode_of "$T/real/other.sock")"
	# The control: a path outside both forms gets the catch-all.
	shim SOCKMODE_CONFIG="$T/rules.conf" -- "$TOOLS/bindprobe" path "$T/c.sock" >/dev/null
	assert_eq "catch-all" 600 "$(mode_of "$T/c.sock")"
}

# The shipped example loads as it is, without an error (its accounts are
# every Debian's); only its drop box moves into $T.
test_conf_example_file_is_valid() {
	sed -e "s|/tmp/mydir/sock|$T/drop.sock|" \
		"$HERE/../../sockmode.conf.example" >"$T/example.conf"
	chmod 644 "$T/example.conf"
	out=$(shim SOCKMODE_CONFIG="$T/example.conf" -- "$TOOLS/bindprobe" path "$T/drop.sock" 2>"$T/err")
	assert_eq "bind under the example" "path rc=0 errno=sentinel-kept" "$out"
	[ ! -s "$T/err" ] || fail "the example file has errors: $(cat "$T/err")"
	assert_eq "drop box mode" 666 "$(mode_of "$T/drop.sock")"
	shim SOCKMODE_CONFIG="$T/example.conf" -- "$TOOLS/bindprobe" path "$T/other.sock" >/dev/null
	assert_eq "catch-all mode" 600 "$(mode_of "$T/other.sock")"
}
