#!/bin/bash
# run-all.sh - runs every example in turn and says which worked.
#
#   examples/run-all.sh [BUILD-DIR]     (default: the repository's build/)
#
# Run as root: first installs, when missing, the Debian packages the
# examples need (apt-get install --no-install-recommends), then runs each
# example with a time limit, printing 'ok' or 'FAIL' (with its output) per
# example and a final 'N passed, N failed'. Exit 1 on any failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
examples=(nc socat python-server node-server lifecycle fcgiwrap-nginx systemd)
packages=(nginx-light fcgiwrap nodejs curl socat netcat-openbsd python3 acl)
limit=60	# seconds per example; each takes well under 15

# The packages come from the project's one dependency step; without root
# it only names what is missing.
if command -v dpkg-query >/dev/null; then
	sh "$here/../tests/deps.sh" "${packages[@]}" ||
		[ "$(id -u)" -ne 0 ] || exit 1
fi

log=$(mktemp /tmp/sockmode-examples.XXXXXX)
# The build is copied to a directory of a plain name: LD_PRELOAD, which
# sockmode sets to its library's path, splits on blanks and colons.
stage=$(mktemp -d /tmp/sockmode-examples-build.XXXXXX)
trap 'rm -rf "$log" "$stage"' EXIT
chmod 755 "$stage"
cp "$build/sockmode" "$build/libsockmode.so" "$stage/"
build=$stage

passed=0 failed=0 start=$SECONDS
for name in "${examples[@]}"; do
	t0=$SECONDS
	if timeout -k 5 "$limit" bash "$here/$name.sh" "$build" >"$log" 2>&1; then
		printf 'ok    %-16s (%ss)\n' "$name" "$((SECONDS - t0))"
		passed=$((passed + 1))
	else
		rc=$?
		[ "$rc" -eq 124 ] && echo "($name: stopped after ${limit}s)" >>"$log"
		printf 'FAIL  %-16s (exit %s)\n' "$name" "$rc"
		sed 's/^/      | /' "$log"
		failed=$((failed + 1))
	fi
done
echo "run-all: $((SECONDS - start))s in all"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
