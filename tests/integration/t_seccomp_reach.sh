#!/bin/bash
# The seccomp supervisor against programs that change what it reaches
# into: a user namespace of their own (capabilities that must count for
# nothing here), a network namespace of their own (where the proof of
# the socket must be asked), a descriptor table of their own (before
# Linux 6.9), and a supervisor that cannot use process_vm_readv or
# pidfd_getfd (a default Docker container). The helpers sc, SC_BIN come
# from t_seccomp.sh. Sourced by run.sh.
# shellcheck disable=SC2154 # T, TOOLS, HERE come from run.sh

# reach_userns_works: fails the test when nobody cannot make a user
# namespace here (the attack would prove nothing); the kernel's own
# verdict on the bind is EACCES.
reach_userns_works() {
	local out rc=0
	out=$("$TOOLS/nsbind" userns "$1" 1 2>&1) || rc=$?
	[ "$rc" -eq 0 ] || fail "nobody cannot unshare a user namespace here: $out"
	assert_eq "the kernel's verdict, without sockmode" \
		"userns tries=1 bound=0 failed=1 errno=EACCES" "$out"
}

# A program that dropped to nobody and unshared a user namespace has a
# full CapEff there; the supervisor must not bind for it with those
# capabilities in its own namespace: no socket in a root-only 0700
# directory, and with dirfix no root 0700 directory opened up.
test_seccomp_userns_capabilities_count_for_nothing() {
	local n=200
	mkdir "$T/closed" "$T/fix"
	chmod 700 "$T/closed" "$T/fix"
	reach_userns_works "$T/closed"
	sc --via=seccomp -m 0666 -- "$TOOLS/nsbind" userns "$T/closed" "$n" \
		>"$T/out" 2>"$T/err" || fail "nsbind: $(cat "$T/err")"
	note "$(cat "$T/out")"
	assert_eq "sockets made in root's 0700 directory (attacker wins)" 0 \
		"$(find "$T/closed" -mindepth 1 | wc -l)"
	assert_eq "binds that worked" 0 "$(field bound "$T/out")"
	assert_eq "their errno (the kernel's)" EACCES "$(field errno "$T/out")"
	sc --via=seccomp -m 0666 --dirmode=0777 --dirfix=yes -- \
		"$TOOLS/nsbind" userns "$T/fix" 20 >"$T/out" 2>"$T/err" ||
		fail "nsbind: $(cat "$T/err")"
	assert_eq "root's 0700 directory after dirfix=yes dirmode=0777" 700 \
		"$(mode_of "$T/fix")"
	assert_eq "binds that worked with dirfix" 0 "$(field bound "$T/out")"
	echo "result: user namespace: 0 wins in $n binds + 20 dirfix binds"
}

# A program in a network namespace of its own, without CAP_NET_ADMIN:
# the sock_diag proof must be asked in that namespace, so its binds
# work as anyone else's: made by root and dropped to nobody, and made by
# nobody together with a user namespace. A supervisor without
# CAP_SYS_ADMIN cannot enter it and says so.
test_seccomp_netns_proof() {
	local n=20 nosys=(setpriv --bounding-set=-sys_admin)
	mkdir "$T/open" "$T/open2"
	chmod 1777 "$T/open" "$T/open2"
	sc --via=seccomp -m 0666 -- "$TOOLS/nsbind" netns "$T/open" "$n" \
		>"$T/out" 2>"$T/err" || fail "nsbind: $(cat "$T/err")"
	note "$(cat "$T/out")"
	assert_eq "binds from a network namespace of its own" "$n" \
		"$(field bound "$T/out")"
	assert_stat "$T/open/n0" 666 nobody nogroup
	sc --via=seccomp -m 0666 -- "$TOOLS/nsbind" usernet "$T/open" "$n" \
		>"$T/out" 2>"$T/err" || fail "nsbind: $(cat "$T/err")"
	assert_eq "binds from user and network namespaces of its own" "$n" \
		"$(field bound "$T/out")"
	assert_stat "$T/open/m$((n - 1))" 666 nobody nogroup
	"${nosys[@]}" env "${CLEAN_ENV[@]}" -u LD_PRELOAD "$SC_BIN" \
		--via=seccomp -m 0666 -- "$TOOLS/nsbind" usernet "$T/open2" 2 \
		>"$T/out" 2>"$T/err" || fail "nsbind: $(cat "$T/err")"
	assert_eq "without CAP_SYS_ADMIN" "usernet tries=2 bound=0 failed=2 errno=EACCES" \
		"$(cat "$T/out")"
	grep -q "^sockmode: bind $T/open2/m0: the program is in another network namespace.*cannot enter it (needs CAP_SYS_ADMIN)" \
		"$T/err" || fail "message: $(cat "$T/err")"
	assert_eq "sockets left" 0 "$(find "$T/open2" -mindepth 1 | wc -l)"
}

# A thread with a descriptor table of its own binds its socket B at a
# number where the main table holds socket A. On this kernel (a thread
# pidfd) B is bound; as before Linux 6.9 (pidfd_getfd reads the main
# table) the supervisor must refuse rather than bind A.
test_seccomp_thread_own_descriptor_table() {
	sc --via=seccomp -m 0666 -- "$TOOLS/nsbind" files "$T/s1" >"$T/out" 2>"$T/err" ||
		fail "nsbind: $(cat "$T/err")"
	assert_eq "with thread pidfds" "files tries=1 bound=B failed=0 errno=none" \
		"$(cat "$T/out")"
	assert_stat "$T/s1" 666 root root
	"$TOOLS/emulate" linux-6.8 -- env "${CLEAN_ENV[@]}" "$SC_BIN" \
		--via=seccomp -m 0666 -- "$TOOLS/nsbind" files "$T/s2" \
		>"$T/out" 2>"$T/err" || fail "nsbind: $(cat "$T/err")"
	assert_eq "as before Linux 6.9" "files tries=1 bound=none failed=1 errno=EACCES" \
		"$(cat "$T/out")"
	grep -q "^sockmode: bind $T/s2: the thread has a descriptor table of its own" \
		"$T/err" || fail "message: $(cat "$T/err")"
	[ ! -e "$T/s2" ] || fail "a socket file was made for the wrong socket"
	# Ordinary binds still work there (the process's pidfd).
	assert_eq "a plain bind as before Linux 6.9" "path rc=0 errno=sentinel-kept" \
		"$("$TOOLS/emulate" linux-6.8 -- env "${CLEAN_ENV[@]}" "$SC_BIN" \
			--via=seccomp -m 0666 -- "$TOOLS/bindprobe" path "$T/s3")"
	assert_stat "$T/s3" 666 root root
}

# Where process_vm_readv is refused (Docker's profile without
# CAP_SYS_PTRACE), the supervisor reads the address from /proc/TID/mem:
# binds work, and the errno of a bad address is still the kernel's.
test_seccomp_without_process_vm_readv() {
	local nov=("$TOOLS/emulate" no-vm-readv --)
	mkdir "$T/open"
	chmod 1777 "$T/open"
	assert_eq "a bind" "path rc=0 errno=sentinel-kept" \
		"$("${nov[@]}" env "${CLEAN_ENV[@]}" "$SC_BIN" --via=seccomp \
			-m 0660 -g nogroup -- "$TOOLS/bindprobe" path "$T/s")"
	assert_stat "$T/s" 660 root nogroup
	assert_eq "a bind as nobody" "path rc=0 errno=sentinel-kept" \
		"$("${nov[@]}" env "${CLEAN_ENV[@]}" "$SC_BIN" --via=seccomp \
			-m 0600 -- "${NOBODY[@]}" "$TOOLS/bindprobe" path "$T/open/s")"
	assert_stat "$T/open/s" 600 nobody nogroup
	assert_eq "an unmapped address" "$("$TOOLS/bindprobe" badptr)" \
		"$("${nov[@]}" env "${CLEAN_ENV[@]}" "$SC_BIN" --via=seccomp \
			-m 0666 -- "$TOOLS/bindprobe" badptr)"
}

# Where pidfd_getfd is refused too (a default Docker container), no bind
# can be done: sockmode says so before the command runs, exit 111, and
# names the fix.
test_seccomp_docker_profile_exits_111() {
	local rc=0
	"$TOOLS/emulate" docker -- env "${CLEAN_ENV[@]}" "$SC_BIN" --via=seccomp \
		-m 0666 -- touch "$T/ran" 2>"$T/err" || rc=$?
	assert_eq "exit status" 111 "$rc"
	[ ! -e "$T/ran" ] || fail "the command ran"
	assert_eq "the message" "sockmode: cannot run the command under the seccomp supervisor: the supervisor cannot take the program's sockets (pidfd_getfd refused; Docker's default seccomp profile refuses it without CAP_SYS_PTRACE: docker run --cap-add SYS_PTRACE): Operation not permitted" \
		"$(cat "$T/err")"
}

# --via=auto inspects the command and must exec that very file: while
# an attacker (nobody, whose directory is in $PATH) keeps exchanging a
# dynamic and a static build of bindprobe under the name the command is
# found by, every run's socket must get the policy (a static program run
# with the library would keep the kernel's 0755: a win).
test_seccomp_auto_execs_what_it_inspected() {
	local i n=300 wins=0 ran_static=0
	sc_static bindprobe
	mkdir "$T/bin" "$T/s"
	mv "$T/bindprobe" "$T/bin/prog"
	cp "$TOOLS/bindprobe" "$T/bin/other"
	chown nobody "$T/bin"
	start_bg atk "${NOBODY[@]}" "$TOOLS/exchanger" "$T/bin/prog" \
		"$T/bin/other" 60 "$T/stop"
	wait_until "the attacker" 5 grep -qx ready "$T/atk.out"
	for ((i = 0; i < n; i++)); do
		env "${CLEAN_ENV[@]}" -u LD_PRELOAD PATH="$T/bin:$PATH" "$SC_BIN" \
			-v -m 0666 -- prog path "$T/s/$i" >"$T/out" 2>"$T/err" ||
			fail "run $i: $(cat "$T/err")"
		grep -q "chose seccomp" "$T/err" && ran_static=$((ran_static + 1))
		[ "$(mode_of "$T/s/$i")" = 666 ] || wins=$((wins + 1))
	done
	: >"$T/stop"
	wait_until "the attacker to stop" 5 grep -q '^swaps=' "$T/atk.out"
	note "$n runs, $ran_static chose seccomp, $(tail -n 1 "$T/atk.out")"
	if [ "$ran_static" -eq 0 ] || [ "$ran_static" -eq "$n" ]; then
		fail "the swap never changed auto's choice ($ran_static of $n chose seccomp)"
	fi
	assert_eq "sockets without the policy's 0666 (attacker wins)" 0 "$wins"
	echo "result: command swap: 0 wins in $n runs ($ran_static chose seccomp)"
}

# Found once, run once: the exit codes of execvp(3) (126 not executable,
# 127 not found), and a script still gets its own name as $0.
test_seccomp_exec_exit_codes_and_scripts() {
	local rc
	mkdir "$T/bin"
	# shellcheck disable=SC2016 # the scripts' own $0
	printf '#!/bin/sh\necho "script $0"\n' >"$T/bin/scr"
	# shellcheck disable=SC2016
	printf 'echo "no #! $0"\n' >"$T/bin/bare"
	: >"$T/bin/noexec"
	chmod 755 "$T/bin/scr" "$T/bin/bare"
	assert_eq "a script found in PATH" "script $T/bin/scr" \
		"$(PATH="$T/bin:$PATH" sc -m 0666 -- scr)"
	assert_eq "a file without #!" "no #! $T/bin/bare" "$(sc -m 0666 -- "$T/bin/bare")"
	for args in "127 $T/nothing" "127 no-such-command-x" "126 $T/bin/noexec" "126 $T/bin"; do
		rc=0
		sc -m 0666 -- "${args#* }" 2>/dev/null || rc=$?
		assert_eq "exit status of sockmode -- ${args#* }" "${args%% *}" "$rc"
	done
	rc=0
	PATH="$T/bin:$PATH" sc -m 0666 -- noexec 2>"$T/err" || rc=$?
	assert_eq "only a non-executable file in PATH" 126 "$rc"
	assert_eq "its message" "sockmode: noexec: Permission denied" "$(cat "$T/err")"
}

# A chroot into a bind mount of "/" has our root inode but not our
# submounts: a path under one means another directory there. The
# supervisor must see that it is another root and fail closed, not
# bind in the submount (where the program never asked).
test_seccomp_chroot_into_bind_mount_of_root() {
	local out
	sc_static bindprobe
	mkdir "$T/sub" "$T/r"
	# shellcheck disable=SC2016 # the inner script's own $1..$4
	out=$(unshare -m --propagation private sh -c '
		mount -t tmpfs none "$1/sub" && mount --bind / "$1/r" || exit 2
		env -u LD_PRELOAD "$2" --via=seccomp -m 0666 -- \
			/usr/sbin/chroot "$1/r" "$3" path "$1/sub/s" 2>"$1/err"
		if [ -e "$1/sub/s" ]; then echo "in the submount"; fi
		' sh "$T" "$SC_BIN" "$T/bindprobe") || fail "setup: $out"
	assert_eq "a bind from the chroot" "path rc=-1 errno=EACCES" "$out"
	grep -q "^sockmode: bind $T/sub/s: the program changed its root directory" \
		"$T/err" || fail "message: $(cat "$T/err")"
	[ ! -e "$T/sub/s" ] || fail "a socket file was made under the submount"
}

# Where nobody else can swap the command (every directory on its path
# root's and not writable by others), it is executed by its name, so the
# program keeps the name a plain exec gives it (ps, pgrep, killall,
# start-stop-daemon --name read /proc/PID/comm): nc, not nc.openbsd (the
# file the symlink leads to) or, before Linux 6.14, "3" (a descriptor).
test_seccomp_exec_keeps_the_program_name() {
	local via
	for via in preload seccomp; do
		assert_eq "comm of cat (--via=$via)" cat \
			"$(sc --via=$via -m 0666 -- cat /proc/self/comm)"
		rm -f "$T/n.sock"
		start_bg srv env "${CLEAN_ENV[@]}" -u LD_PRELOAD "$SC_BIN" \
			--via=$via -m 0666 -- nc -lU "$T/n.sock" </dev/null
		wait_for_socket "$T/n.sock"
		assert_eq "comm of nc, a symlink to nc.openbsd (--via=$via)" nc \
			"$(cat "/proc/$(cat "$T/srv.pid")/comm")"
		assert_eq "mode (--via=$via)" 666 "$(mode_of "$T/n.sock")"
		stop_bg srv
	done
}

# What a chroot (fresh.sh) or a locked-down kernel withholds (probes.sh).
needs userns test_seccomp_userns_capabilities_count_for_nothing \
	test_seccomp_netns_proof
needs tmp_on_root test_seccomp_chroot_into_bind_mount_of_root
