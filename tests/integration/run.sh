#!/bin/bash
# Integration driver: runs every test_* function of tests/integration/t_*.sh
# against real, unmodified programs under the library.
#
#   run.sh LIBRARY TOOLDIR [NAME-FILTER]
#
# Each test runs in its own mktemp directory ($T), in a subshell, with a
# time limit. Ends with the line "N passed, N failed"; exits 1 on failure.
# A passing test's lines starting "result: ", "NOTE: " or "SKIP: " (its
# numbers: tries, wins, binds) are shown under it; VERBOSE=1 shows all.
# RUN_LOG=FILE also writes everything printed into FILE (make check reads
# it for its summary).
set -u
LIB=${1:?usage: run.sh LIBRARY TOOLDIR [FILTER]}
TOOLS=${2:?usage: run.sh LIBRARY TOOLDIR [FILTER]}
FILTER=${3:-}
HERE=$(cd "$(dirname "$0")" && pwd)
if [ -n "${RUN_LOG:-}" ]; then
	: >"$RUN_LOG"
	exec > >(tee -a "$RUN_LOG")
fi
export LIB TOOLS HERE
# With a sanitizer build, its runtime must be loaded first.
PRELOAD=$LIB
[ -n "${SOCKMODE_SANITIZER_RUNTIME:-}" ] && PRELOAD="$SOCKMODE_SANITIZER_RUNTIME $LIB"
export PRELOAD
# Read, then gone: the library refuses every SOCKMODE_* name it does not
# know (libsockmode(7)), and the programs under test inherit this shell's.
unset SOCKMODE_SANITIZER_RUNTIME

# The default rules file would be read by every program under test.
if [ -e /etc/sockmode.conf ]; then
	echo "run.sh: /etc/sockmode.conf exists and would change every test;" \
		"move it aside to run them" >&2
	exit 1
fi

# shellcheck source=tests/integration/lib.sh
. "$HERE/lib.sh"
for f in "$HERE"/t_*.sh; do
	# shellcheck disable=SC1090 # the test files are found at run time
	. "$f"
done

passed=0 failed=0 failures=""
for t in $(declare -F | awk '$3 ~ /^test_/ {print $3}'); do
	[ -n "$FILTER" ] && [[ $t != *"$FILTER"* ]] && continue
	T=$(mktemp -d /tmp/sockmode-test.XXXXXX)
	chmod 755 "$T"
	log="$T.log"
	start=$(date +%s.%N)
	( cd "$T" && export T && umask 022 && timeout -k 5 "${TEST_TIMEOUT:-120}" \
		bash -c ". '$HERE/lib.sh'; for f in '$HERE'/t_*.sh; do . \"\$f\"; done; set -e; $t" ) >"$log" 2>&1
	rc=$?
	secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
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
		sed 's/^/      | /' "$log"
	fi
	rm -f "$log"
done
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
