#!/bin/sh
# make check: the checkers, after make test. Each step prints one line;
# exits 1 when any step failed.
#   cppcheck, clang-tidy (.clang-tidy), shellcheck on every script,
#   the unit tests under valgrind (memcheck), the library built against
#   musl, and mandoc's lint on the man pages.
set -u
cd "$(dirname "$0")/.." || exit 1
sh tests/deps.sh cppcheck clang-tidy shellcheck valgrind musl-tools mandoc || exit 1

status=0
step() {
	name=$1
	shift
	if out=$("$@" 2>&1); then
		printf 'check  ok    %s\n' "$name"
	else
		printf 'check  FAIL  %s\n%s\n' "$name" "$out" | sed '3,$s/^/      | /'
		status=1
	fi
}

src=$(ls shim/*.c cli/*.c 2>/dev/null)
scripts=$(git ls-files '*.sh' .ci/run 2>/dev/null)
# shellcheck disable=SC2086 # word lists on purpose
step cppcheck cppcheck -q --error-exitcode=1 --inline-suppr \
	--enable=warning,performance,portability -D_GNU_SOURCE -Ishim $src
# shellcheck disable=SC2086
step clang-tidy clang-tidy --quiet $src -- -D_GNU_SOURCE -Ishim
# shellcheck disable=SC2086
step shellcheck shellcheck -x $scripts
step valgrind valgrind -q --error-exitcode=1 --leak-check=full \
	--errors-for-leak-kinds=definite build/tests/unit
step musl make -s CC=musl-gcc B=build/musl lib
# shellcheck disable=SC2046 # the man pages, split on purpose
step mandoc mandoc -Tlint -W warning $(ls man/*.[157])
exit $status
