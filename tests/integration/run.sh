#!/bin/bash
# Integration driver: runs every test_* function of tests/integration/t_*.sh
# against real, unmodified programs under the library.
#
#   run.sh LIBRARY TOOLDIR [NAME-FILTER]
#
# What other users run (the library, TOOLDIR, the sockmode command next to
# it, the test scripts and fixtures) is first copied into a stage directory
# in /tmp that every user can reach, so the checkout may be anywhere (a 0700
# home, a path with a blank). Each test runs in its own mktemp directory
# ($T), in a subshell, with a time limit. A test declared with `needs
# FEATURE test_name` (lib.sh) is skipped, with the reason, where the probe
# of probes.sh says this machine lacks FEATURE; with CI=true any skip fails
# the run. A test fails too when a process it ran said the loader refused
# the library under test. Ends with the skipped tests, then the line
# "N passed, N failed, N skipped"; exits 1 on failure.
# A passing test's lines starting "result: ", "NOTE: " or "SKIP: " (its
# numbers: tries, wins, binds) are shown under it; VERBOSE=1 shows all; a
# failing test's log is shown up to LOG_LINES (default 80) lines.
# RUN_LOG=FILE also writes everything printed into FILE (make check reads
# it for its summary).
set -u
LIB=${1:?usage: run.sh LIBRARY TOOLDIR [FILTER]}
TOOLS=${2:?usage: run.sh LIBRARY TOOLDIR [FILTER]}
FILTER=${3:-}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)	# the checkout (make install runs there)
if [ -n "${RUN_LOG:-}" ]; then
	: >"$RUN_LOG"
	exec > >(tee -a "$RUN_LOG")
fi
# The tests make no assumption about buffering; neither may the run.
unset PYTHONUNBUFFERED

# The default rules file would be read by every program under test.
if [ -e /etc/sockmode.conf ]; then
	echo "run.sh: /etc/sockmode.conf exists and would change every test;" \
		"move it aside to run them" >&2
	exit 1
fi

# shellcheck source=tests/integration/stage.sh
. "$HERE/stage.sh"
STAGE=$(stage_make "$LIB" "$TOOLS" "$SRC") || exit 1
trap 'rm -rf "$STAGE"' EXIT
LIB=$STAGE/lib/${LIB##*/} TOOLS=$STAGE/build/tests HERE=$STAGE/tests/integration
export LIB TOOLS HERE SRC
# With a sanitizer build, its runtime must be loaded first.
PRELOAD=$LIB
[ -n "${SOCKMODE_SANITIZER_RUNTIME:-}" ] && PRELOAD="$SOCKMODE_SANITIZER_RUNTIME $LIB"
export PRELOAD
# Read, then gone: the library refuses every SOCKMODE_* name it does not
# know (libsockmode(7)), and the programs under test inherit this shell's.
unset SOCKMODE_SANITIZER_RUNTIME
stage_check_loads || exit 1

# shellcheck source=tests/integration/lib.sh
. "$HERE/lib.sh"
for f in "$HERE"/t_*.sh; do
	# shellcheck disable=SC1090 # the test files are found at run time
	. "$f"
done
# shellcheck source=tests/integration/probes.sh
. "$HERE/probes.sh"
needs_supervisor_marks
probe_features

# show_log FILE: prints FILE indented, at most LOG_LINES lines of it (the
# first and the last half) and how many were left out.
show_log() {
	local n max=${LOG_LINES:-80}
	n=$(wc -l <"$1")
	if [ "$n" -le "$max" ]; then
		sed 's/^/      | /' "$1"
		return
	fi
	head -n "$((max / 2))" "$1" | sed 's/^/      | /'
	echo "      | ... $((n - max)) lines left out (LOG_LINES=$n shows all) ..."
	tail -n "$((max / 2))" "$1" | sed 's/^/      | /'
}

passed=0 failed=0 skipped=0 failures="" skips=() ci_refuses=0
for t in $(declare -F | awk '$3 ~ /^test_/ {print $3}'); do
	[ -n "$FILTER" ] && [[ $t != *"$FILTER"* ]] && continue
	if why=$(unmet_needs "$t"); then
		skipped=$((skipped + 1))
		skips+=("SKIP $t: $why")
		printf 'skip  %-44s %s\n' "$t" "$why"
		continue
	fi
	T=$(mktemp -d /tmp/sockmode-test.XXXXXX)
	chmod 755 "$T"
	log="$T.log"
	start=$(date +%s.%N)
	( cd "$T" && export T && umask 022 && timeout -k 5 "${TEST_TIMEOUT:-120}" \
		bash -c ". '$HERE/lib.sh'; for f in '$HERE'/t_*.sh; do . \"\$f\"; done; set -e; $t" ) >"$log" 2>&1
	rc=$?
	secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
	# A process the test ran without the library proves nothing.
	refused=$(grep -rshF "$STAGE/lib/" "$T" "$log" | grep 'cannot be preloaded' |
		head -n 3)
	if [ -n "$refused" ]; then
		printf '%s\n%s\n' "FAIL: the loader refused the library in a process" \
			"of this test, which so ran without it: $refused" >>"$log"
		[ $rc -ne 0 ] || rc=1
	fi
	cleanup_dir "$T"
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		printf 'ok    %-44s %5ss\n' "$t" "$secs"
		if [ -n "${VERBOSE:-}" ]; then
			sed 's/^/      | /' "$log"
		else
			grep -E '^(result|NOTE|SKIP): ' "$log" | sed 's/^/      | /'
		fi
	else
		failed=$((failed + 1))
		failures="$failures $t"
		printf 'FAIL  %-44s %5ss (rc %d)\n' "$t" "$secs" "$rc"
		show_log "$log"
	fi
	rm -f "$log"
done
[ -n "$failures" ] && echo "failed:$failures"
if [ "$skipped" -gt 0 ]; then
	printf '%s\n' "${skips[@]}"
	if [ "${CI:-}" = true ]; then
		echo "CI=true: CI is a full machine, where nothing may be skipped:" \
			"the run fails"
		ci_refuses=1
	fi
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ] && [ "$ci_refuses" -eq 0 ]
