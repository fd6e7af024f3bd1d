#!/bin/bash
# make check: the checkers, after make test (which leaves its integration
# logs in build/). Each step prints one line; a summary table follows:
# attacks (tries, wins), leaks, sanitizers, bad inputs. Exit 1 when any
# step failed.
#   cppcheck, clang-tidy (.clang-tidy), shellcheck on every script,
#   mandoc's lint on the man pages, the unit tests under valgrind, the
#   threaded stress program under valgrind with the library preloaded and
#   under ThreadSanitizer (library objects linked in), the library built
#   against musl with a musl-linked stress program run under it, and the
#   rules-file fuzzer for FUZZ_SECONDS (default 30).
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
sh tests/deps.sh cppcheck clang-tidy shellcheck valgrind musl-tools mandoc \
	clang libclang-rt-14-dev || exit 1

status=0
results=$(mktemp)
trap 'rm -f "$results"' EXIT

# step NAME CMD...: runs CMD quietly; one line, and its output on failure.
step() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		printf 'check  ok    %s\n' "$name"
		printf '%s\tok\n' "$name" >>"$results"
	else
		printf 'check  FAIL  %s\n' "$name"
		printf '%s\n' "$out" | tail -40 | sed 's/^/      | /'
		printf '%s\tFAIL\n' "$name" >>"$results"
		status=1
	fi
}

# stress_env: the stress program's rule and expectations.
stress_env=(SOCKMODE_MODE=0640 SOCKMODE_GROUP=65534 EXPECT_MODE=0640
	EXPECT_UID=0 EXPECT_GID=65534)

# (The next two are called through step; shellcheck cannot see that.)
# shellcheck disable=SC2317
# tsan_stress MODE: the stress program with the library's objects linked
# in, built and run under ThreadSanitizer (exit 66 on a race).
tsan_stress() {
	local d rc
	d=$(mktemp -d)
	env "${stress_env[@]}" TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
		"$B/tsan/stress" "$1" "$d" 2
	rc=$?
	rm -rf "$d"
	return "$rc"
}

# shellcheck disable=SC2317
# musl_stress MODE: the stress program linked against musl, with the
# musl-built library preloaded (its own checks: modes, umask, fds).
musl_stress() {
	local d rc
	d=$(mktemp -d)
	env "${stress_env[@]}" LD_PRELOAD="$PWD/$B/musl/libsockmode.so" \
		"$B/musl/stress" "$1" "$d" 1
	rc=$?
	rm -rf "$d"
	return "$rc"
}

# shellcheck disable=SC2317
# valgrind_stress: the threaded stress program under memcheck with the
# library preloaded (its own checks: modes, umask, descriptor count).
valgrind_stress() {
	local d rc
	d=$(mktemp -d)
	env "${stress_env[@]}" LD_PRELOAD="$PWD/$B/libsockmode.so" \
		valgrind -q --error-exitcode=1 "$B/tests/stress" threads "$d" 1
	rc=$?
	rm -rf "$d"
	return "$rc"
}

src=$(ls shim/*.c cli/*.c)
scripts=$(git ls-files '*.sh' .ci/run)
# shellcheck disable=SC2086 # word lists on purpose
step cppcheck cppcheck -q --error-exitcode=1 --inline-suppr \
	--enable=warning,performance,portability -D_GNU_SOURCE -Ishim $src
# shellcheck disable=SC2086
step clang-tidy clang-tidy --quiet $src -- -D_GNU_SOURCE -Ishim
# shellcheck disable=SC2086
step shellcheck shellcheck -x $scripts
# shellcheck disable=SC2046 # the man pages, split on purpose
step mandoc mandoc -Tlint -W warning $(ls man/*.[157])
step "valgrind: unit tests" valgrind -q --error-exitcode=1 --leak-check=full \
	--errors-for-leak-kinds=definite "$B/tests/unit"
step "valgrind: threaded stress under the library" valgrind_stress
mkdir -p "$B/tsan"
step "tsan: build" gcc -D_GNU_SOURCE -O1 -g -fsanitize=thread -Ishim \
	-o "$B/tsan/stress" tests/bin/stress.c shim/*.c -ldl -lpthread
for mode in threads signal fork; do
	step "tsan: stress $mode" tsan_stress "$mode"
done
step "musl: library" make -s CC=musl-gcc B="$B/musl" lib
step "musl: stress program" musl-gcc -D_GNU_SOURCE -O2 -o "$B/musl/stress" \
	tests/bin/stress.c -lpthread
for mode in threads signal; do
	step "musl: stress $mode under the musl library" musl_stress "$mode"
done
step "fuzz: rules file, ${FUZZ_SECONDS:-30} s" make -s fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-30}"

# The summary, from this run and make test's logs.
echo
echo "summary"
echo "-------"
awk -F'\t' '{ printf "  %-46s %s\n", $1, $2 }' "$results"
for log in "$B/integration.log" "$B/asan-integration.log"; do
	if [ ! -s "$log" ]; then
		echo "  $log: missing (run make test first)"
		status=1
		continue
	fi
	printf '  %-46s %s\n' "$(basename "$log" .log)" "$(tail -n 1 "$log")"
done
if [ -s "$B/integration.log" ]; then
	echo
	echo "attacks, races and stress (make test, plain library):"
	grep -E '^      \| result: ' "$B/integration.log" |
		grep -E 'swap|born closed|naive|umask|threads:|signal|fork:|fdfail|bad inputs' |
		sed 's/^      | result: /  /'
fi
exit $status
