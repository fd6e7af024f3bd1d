#!/bin/bash
# Attacks of the independent review on the core (issue 12) that the bind
# path itself must hold against: the rule decided on one lookup and the
# bind made on another (3), /proc/self naming the thread-group leader's
# descriptors (7), a umask change seen by a thread glibc does not know
# (8), the program rewriting its address during the bind, ".." climbing
# out of a rule's directory, and the descriptor limit. Each prints its
# counts (result:). Sourced by run.sh.
# shellcheck disable=SC2154 # T, TOOLS, HERE, PRELOAD come from run.sh

# attacks_rules_swap CAPS [RUNNER [warn]]: two rules, "$T/vdir/* mode=0600" then
# "* mode=0666"; nobody keeps exchanging $T/ww/d, where a root server
# binds s, with a symlink to $T/vdir (root's). Whichever rule the
# lookup chose, the file must get the rule of the directory the kernel
# really made it in: 0600 in $T/vdir, 0666 elsewhere. CAPS as for
# races_swap.
attacks_rules_swap() {
	local noadmin=0 runner=${2:-shim} tries ok landed f warn=()
	[ "$1" = noadmin ] && noadmin=1
	# With on_error=warn a bind that landed where the rule was not
	# decided is kept, but as it was born: mode 0, never the other rule.
	[ "${3:-}" = warn ] && warn=(SOCKMODE_ON_ERROR=warn CLOSED_OK=1)
	mkdir -p "$T/ww/d" "$T/vdir"
	chmod 0777 "$T/ww" "$T/ww/d"
	chown nobody "$T/ww/d"
	printf '%s\n' "$T/vdir/* mode=0600" "* mode=0666" >"$T/rules.conf"
	races_start_attacker "$TOOLS/swapper" "$T/ww/d" parent "$T/vdir" \
		30 "$T/stop"
	"$runner" SOCKMODE_CONFIG="$T/rules.conf" SOCKMODE_LOG=quiet \
		"${warn[@]}" EXPECT_MODE=0666 EXPECT_UID=0 EXPECT_IN="$T/vdir" \
		EXPECT_IN_MODE=0600 NOADMIN=$noadmin -- "$TOOLS/bindloop" \
		"$T/ww/d/s" 2000 60 dgram >"$T/server.out" 2>"$T/server.err"
	races_stop_attacker
	note "server: $(cat "$T/server.out")"
	note "attacker (nobody): $(tail -n 1 "$T/atk.out")"
	tries=$(field tries "$T/server.out")
	ok=$(field ok "$T/server.out")
	landed=$(field landed_in "$T/server.out")
	# The attack must have run before its outcome means anything.
	[ "$tries" -ge 1000 ] || fail "only $tries binds: the race did not run"
	[ "$(field swaps "$T/atk.out")" -ge 1000 ] ||
		fail "the attacker barely ran"
	[ "$ok" -ge 20 ] || fail "only $ok binds succeeded: nothing to attack"
	[ "$landed" -ge 1 ] || fail "no bind landed in $T/vdir: no swap hit"
	assert_eq "socket files whose mode was not their directory's rule" \
		0 "$(field wrong "$T/server.out")"
	# A bind that landed there but could not be proven (no
	# CAP_NET_ADMIN, the name led elsewhere by then) is left alone, as it
	# was born: mode 0, root's.
	for f in "$T"/vdir/*; do
		[ -e "$f" ] || continue
		assert_eq "what is left in $T/vdir" "0 0 socket" \
			"$(stat -c '%a %u %F' "$f")"
	done
	echo "result: rule swap ($1): $tries binds, $ok succeeded ($landed in" \
		"the root directory), $(field eacces "$T/server.out") refused," \
		"$(field swaps "$T/atk.out") swaps, 0 wins"
}

test_attack_rule_decided_on_another_lookup() {
	attacks_rules_swap all
}

test_attack_rule_decided_on_another_lookup_noadmin() {
	attacks_rules_swap noadmin
}

test_attack_rule_decided_on_another_lookup_warn() {
	attacks_rules_swap all shim warn
}

# A thread with its own descriptor table (unshare(CLONE_FILES)) binds
# under acl= and under a plain mode (which strips an inherited ACL):
# /proc/self/fd/N would be the leader's descriptor N, an unrelated root
# 0600 file with an ACL of its own. Neither may change.
test_attack_unshared_descriptor_table() {
	local rule vars before
	for rule in acl mode; do
		vars=(SOCKMODE_MODE=0660)
		[ "$rule" = acl ] && vars+=(SOCKMODE_ACL=u:nobody:rw)
		rm -f "$T/victim" "$T/s"
		printf 'secret\n' >"$T/victim"
		chmod 0600 "$T/victim"
		setfacl -m u:12345:r "$T/victim"
		getfacl -cp "$T/victim" >"$T/victim.acl"
		before=$(stat -c '%a %u' "$T/victim")
		shim "${vars[@]}" -- "$TOOLS/tablebind" \
			"$T/s" "$T/victim" >"$T/out" 2>"$T/err" ||
			fail "tablebind: $(cat "$T/out" "$T/err")"
		assert_eq "the bind in the unshared thread ($rule)" "rc=0" \
			"$(cat "$T/out")"
		assert_eq "the leader's file: mode, owner ($rule)" "$before" \
			"$(stat -c '%a %u' "$T/victim")"
		getfacl -cp "$T/victim" | diff "$T/victim.acl" - >/dev/null ||
			fail "the leader's file's ACL changed ($rule): $(getfacl -cp "$T/victim")"
		if [ "$rule" = acl ]; then
			getfacl -cp "$T/s" | grep -qx 'user:nobody:rw-' ||
				fail "the socket has no ACL: $(getfacl -cp "$T/s")"
		fi
		[ "$(mode_of "$T/s")" = 660 ] ||
			fail "the socket is $(mode_of "$T/s"), not 660 ($rule)"
	done
	echo "result: unshared descriptor table: the leader's file untouched" \
		"under acl= and under mode="
}

# A raw clone() thread (CLONE_VM|CLONE_FS|CLONE_THREAD, as Go runtimes
# and sandboxes make) keeps creating files while the program binds under
# a rule without mode (the umask is read) and with a socket created
# before a privilege drop (the umask fallback); glibc thinks the process
# single-threaded. The thread must never see another umask.
test_attack_umask_seen_by_raw_thread() {
	shim SOCKMODE_OWNER=nobody EXPECT_MODE=0755 -- "$TOOLS/rawthread" \
		"$T/a" 2000 50 \
		>"$T/out" 2>"$T/err" || fail "rawthread: $(cat "$T/out" "$T/err")"
	note "owner only: $(cat "$T/out")"
	[ "$(field binds "$T/out")" -ge 1000 ] || fail "too few binds"
	[ "$(field files "$T/out")" -ge 1000 ] ||
		fail "the raw thread barely ran"
	assert_eq "binds that failed" 0 "$(field failed "$T/out")"
	assert_eq "files the raw thread made under another umask" 0 \
		"$(field badfiles "$T/out")"
	echo "result: raw clone thread, umask read: $(field binds "$T/out")" \
		"binds, $(field files "$T/out") files, 0 under another umask"
	mkdir "$T/u"
	chown 12345:12345 "$T/u"
	shim SOCKMODE_MODE=0600 FSUID=12345 EXPECT_MODE=0600 -- \
		"$TOOLS/rawthread" "$T/u/a" \
		2000 50 >"$T/out" 2>"$T/err" ||
		fail "rawthread: $(cat "$T/out" "$T/err")"
	note "fallback: $(cat "$T/out")"
	[ "$(field binds "$T/out")" -ge 1000 ] || fail "too few binds"
	assert_eq "binds that failed (fallback)" 0 "$(field failed "$T/out")"
	assert_eq "sockets not born closed then 0600 (fallback)" 0 \
		"$(field badsocks "$T/out")"
	assert_eq "files the raw thread made under another umask (fallback)" \
		0 "$(field badfiles "$T/out")"
	echo "result: raw clone thread, fallback bind: $(field binds "$T/out")" \
		"binds, $(field files "$T/out") files, 0 under another umask"
}

# Another thread of the program keeps rewriting the address buffer
# between "$T/ok/s" (rule: mode 0666) and "$T/no/s" (no rule) during the
# binds: whatever is bound must get the rule of what it is bound to.
test_attack_address_rewritten_during_bind() {
	mkdir "$T/ok" "$T/no"
	shim SOCKMODE_MODE=0666 SOCKMODE_MATCH="$T/ok/*" -- "$TOOLS/flipbind" \
		"$T/ok/s" "$T/no/s" 3000 100 >"$T/out" 2>"$T/err" ||
		fail "flipbind: $(cat "$T/out" "$T/err")"
	note "$(cat "$T/out")"
	[ "$(field ok "$T/out")" -ge 1000 ] || fail "too few binds succeeded"
	if [ "$(field in_ok "$T/out")" -lt 1 ] || [ "$(field in_no "$T/out")" -lt 1 ]; then
		fail "the rewrite never changed where a bind went"
	fi
	assert_eq "sockets whose mode was not their path's rule" 0 \
		"$(field wrong "$T/out")"
	echo "result: address rewritten during bind: $(field ok "$T/out") binds" \
		"($(field in_ok "$T/out") under the rule), 0 wrong"
}

# ".." climbs out of a rule's directory: "$T/app/../x.sock" is "$T/x.sock",
# which the rule for "$T/app/*" does not get.
test_attack_dotdot_leaves_the_rule() {
	mkdir "$T/app"
	out=$(shim SOCKMODE_MODE=0666 SOCKMODE_MATCH="$T/app/*" -- \
		"$TOOLS/bindprobe" path "$T/app/../x.sock")
	assert_eq "bind through .." "path rc=0 errno=sentinel-kept" "$out"
	assert_eq "mode of $T/x.sock (umask 022, no rule)" 755 \
		"$(mode_of "$T/x.sock")"
	out=$(shim SOCKMODE_MODE=0666 SOCKMODE_MATCH="$T/app/*" -- \
		"$TOOLS/bindprobe" path "$T/app/./../app/y.sock")
	assert_eq "mode of $T/app/y.sock (the rule)" 666 \
		"$(mode_of "$T/app/y.sock")"
}

# At every descriptor limit a matching bind either works, with the mode
# asked, or fails with EMFILE and leaves no file: never a file it could
# not prove (a mode-0 file nobody removes).
test_attack_descriptor_limit_leaves_nothing() {
	local n out worked=0 refused=0
	for n in 4 5 6 7 8 9; do
		rm -f "$T/s"
		out=$(shim SOCKMODE_MODE=0666 SOCKMODE_LOG=quiet -- \
			prlimit --nofile=$n:$n "$TOOLS/bindprobe" path "$T/s")
		case $out in
		"path rc=0 errno=sentinel-kept")
			worked=$((worked + 1))
			assert_eq "mode at nofile=$n" 666 "$(mode_of "$T/s")" ;;
		"path rc=-1 errno=EMFILE")
			refused=$((refused + 1))
			[ ! -e "$T/s" ] ||
				fail "nofile=$n: EMFILE but a file is left: $(stat -c %a "$T/s")" ;;
		*) fail "nofile=$n: $out" ;;
		esac
	done
	if [ "$worked" -lt 1 ] || [ "$refused" -lt 1 ]; then
		fail "the limits did not cover both outcomes ($worked worked, $refused refused)"
	fi
	echo "result: descriptor limits 4..9: $refused refused with EMFILE and" \
		"nothing left, $worked worked"
}

# Issue 15, 4: a multi-threaded program (python3) creates its socket as
# root, drops to uid 12345 (all threads), then binds: the socket's own
# inode is root's, so the library cannot narrow it, and the umask must
# stay the program's. The bind works under sockmode as it does without,
# born closed, with the mode asked.
test_privilege_drop_before_bind_threaded() {
	mkdir "$T/u"
	chown 12345:12345 "$T/u"
	# shellcheck disable=SC2016 # Python, not shell
	local py='
import os, socket, sys, threading, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
os.setgid(12345)
os.setuid(12345)
mask = os.umask(0o022); os.umask(mask)
s.bind(sys.argv[1])
s.listen(1)
now = os.umask(0o022); os.umask(now)
print("bound umask %04o -> %04o threads %d" % (mask, now, threading.active_count()), flush=True)
c, _ = s.accept()
c.recv(100)
c.sendall(b"hello\n")
c.close()
'
	start_shim srv SOCKMODE_MODE=0660 -- "$PY" -c "$py" "$T/u/s"
	wait_listening "$T/u/s"
	wait_until "the server to say it bound" 5 grep -q bound "$T/srv.out"
	assert_eq "the server" "bound umask 0022 -> 0022 threads 2" \
		"$(cat "$T/srv.out")"
	assert_eq "mode/owner/group of the socket" "660 12345 12345" \
		"$(stat -c '%a %u %g' "$T/u/s")"
	out=$(uclient 65534 65534 stream "$T/u/s" hi) && fail "nobody got in: $out"
	assert_eq "nobody's connect" "ERR EACCES" "$out"
	assert_eq "the owner's connect" hello "$(uclient 12345 12345 stream "$T/u/s" hi)"
	stop_bg srv
}

# Where a seccomp filter refuses setfsuid(2) (systemd's
# SystemCallFilter=~@privileged), the proof by name still knows whose the
# new file is: a mode-only rule works, as without the filter.
test_proof_without_setfsuid() {
	out=$(shim SOCKMODE_MODE=0660 -- "$TOOLS/deny" nofsuid -- \
		"$TOOLS/bindprobe" path "$T/s" 2>"$T/err")
	assert_eq "bind with setfsuid refused" "path rc=0 errno=sentinel-kept" \
		"$out"
	assert_eq "mode" 660 "$(mode_of "$T/s")"
	assert_eq "stderr" "" "$(cat "$T/err")"
}

# The supervisor binds with the system call itself: with the library in
# its own LD_PRELOAD (a unit's Environment= meant for the program), its
# binds are not the library's hook, which would apply the policy twice
# and leave a file the proof no longer recognises as new.
test_supervisor_with_the_library_preloaded() {
	sc_static sbind
	# Without SIOCUNIXFILE (a unit without CAP_NET_ADMIN), the proof by
	# name is the one a second, inner apply would defeat.
	out=$(env "${CLEAN_ENV[@]}" LD_PRELOAD="$PRELOAD" SOCKMODE_MODE=0666 \
		"$TOOLS/deny" unixfile -- "$SC_BIN" --via=seccomp -m 0660 -- \
		"$T/sbind" bind "$T/s" 2>"$T/err")
	assert_eq "supervised bind" "$T/s rc=0 errno=0" "$out"
	assert_eq "mode (the command's -m)" 660 "$(mode_of "$T/s")"
}

# unshare(2) of any kind is refused without CAP_SYS_ADMIN by Docker's
# default seccomp profile.
needs sys_admin test_attack_unshared_descriptor_table
