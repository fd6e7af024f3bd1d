#!/bin/bash
# Resource limits and locked-down environments (SPEC 4.3, 4.5, 4.6): when
# the library cannot prove or finish its work, the bind fails with a clear
# errno and a log line, and no socket is ever left with a mode nobody
# asked for (a file left behind is one the proof could not claim, and it
# is still mode 0000 from its birth).

# probe_under WHO VARS... -- CMD...: bindprobe line of CMD ending in
# "bindprobe path $T/s", stderr in $T/err. WHO: root or user (uid 12345).
probe_under() {
	local who=$1 vars=()
	shift
	while [ "$1" != -- ]; do vars+=("$1"); shift; done
	shift
	if [ "$who" = user ]; then
		as_uid 12345 12345 env LD_PRELOAD="$PRELOAD" "${vars[@]}" "$@" 2>"$T/err"
	else
		env LD_PRELOAD="$PRELOAD" "${vars[@]}" "$@" 2>"$T/err"
	fi
}

# never_wide PATH: PATH is absent or a socket of mode 0000.
never_wide() {
	[ ! -e "$1" ] || assert_eq "mode of what was left at $1" 0 "$(mode_of "$1")"
}

# Without CAP_NET_ADMIN the proof is sock_diag: denied, the bind fails.
test_limits_netlink_denied_fails_closed() {
	chmod 777 "$T"
	out=$(probe_under user SOCKMODE_MODE=0666 -- "$TOOLS/bindprobe" path "$T/ok")
	assert_eq "control: non-root proof by netlink" "path rc=0 errno=sentinel-kept" "$out"
	assert_eq "control mode" 666 "$(mode_of "$T/ok")"
	out=$(probe_under user SOCKMODE_MODE=0666 -- "$TOOLS/deny" netlink -- \
		"$TOOLS/bindprobe" path "$T/s")
	assert_eq "netlink denied" "path rc=-1 errno=EACCES" "$out"
	grep -q "^sockmode: bind $T/s: cannot prove the socket file is ours: Operation not permitted$" "$T/err" ||
		fail "log: $(cat "$T/err")"
	never_wide "$T/s"
}

# Root: SIOCUNIXFILE denied falls back to sock_diag; both denied fail.
test_limits_root_proofs_fall_back_then_fail() {
	out=$(probe_under root SOCKMODE_MODE=0666 -- "$TOOLS/deny" unixfile -- \
		"$TOOLS/bindprobe" path "$T/a")
	assert_eq "SIOCUNIXFILE denied" "path rc=0 errno=sentinel-kept" "$out"
	assert_eq "mode through sock_diag" 666 "$(mode_of "$T/a")"
	out=$(probe_under root SOCKMODE_MODE=0666 -- "$TOOLS/deny" both -- \
		"$TOOLS/bindprobe" path "$T/b")
	assert_eq "both denied" "path rc=-1 errno=EACCES" "$out"
	never_wide "$T/b"
	# on_error=warn keeps the bind but touches nothing it cannot prove.
	out=$(probe_under root SOCKMODE_MODE=0666 SOCKMODE_ON_ERROR=warn -- \
		"$TOOLS/deny" both -- "$TOOLS/bindprobe" path "$T/c")
	assert_eq "both denied, warn" "path rc=0 errno=sentinel-kept" "$out"
	assert_eq "unproven file untouched" 0 "$(mode_of "$T/c")"
}

# No descriptor left for the proof: EMFILE before anything is bound, and
# nothing left behind (t_attacks.sh tries every limit around it). The
# three descriptors are set aside whichever proof is used, so this holds
# without CAP_NET_ADMIN too.
test_limits_nofile_exhausted() {
	out=$(probe_under root SOCKMODE_MODE=0666 -- prlimit --nofile=4:4 \
		"$TOOLS/bindprobe" path "$T/s")
	assert_eq "RLIMIT_NOFILE exhausted" "path rc=-1 errno=EMFILE" "$out"
	grep -q "Too many open files" "$T/err" || fail "log: $(cat "$T/err")"
	never_wide "$T/s"
	[ ! -e "$T/s" ] || fail "EMFILE, but a socket file was left behind"
	out=$(probe_under root SOCKMODE_MODE=0666 -- prlimit --nofile=7:7 \
		"$TOOLS/bindprobe" path "$T/t")
	assert_eq "control: three spare descriptors suffice" "path rc=0 errno=sentinel-kept" "$out"
}

# /proc not mounted: the inherited ACL cannot be checked, so the bind
# fails (EACCES, a log line naming /proc) and the proven file is removed.
needs sys_admin test_limits_no_proc_fails_closed
needs root_mount test_limits_no_proc_fails_closed
test_limits_no_proc_fails_closed() {
	# The plain library even in the sanitizer run: ASan's runtime cannot
	# start without /proc.
	# shellcheck disable=SC2016 # $1 and $2 are the inner shell's
	out=$(env LD_PRELOAD="$TOOLS/../libsockmode.so" SOCKMODE_MODE=0666 unshare -m sh -c \
		'mount -t tmpfs none /proc && exec "$1" path "$2"' sh \
		"$TOOLS/bindprobe" "$T/s" 2>"$T/err") ||
		fail "could not run the probe in a mount namespace without /proc: $(cat "$T/err")"
	assert_eq "no /proc" "path rc=-1 errno=EACCES" "$out"
	grep -q "is /proc mounted?" "$T/err" || fail "log: $(cat "$T/err")"
	[ ! -e "$T/s" ] || fail "the socket was left behind"
}
