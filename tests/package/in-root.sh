#!/bin/bash
# in-root.sh - runs inside the fresh root once the package is installed
# (t_deb.sh copies it there): the promises an admin relies on after
# 'apt install sockmode'.
#
#   in-root.sh VERSION MULTIARCH
#
# 1. The version: sockmode --version, dpkg and the man pages' .TH lines.
# 2. man -w finds the three pages; no /etc/sockmode.conf was created.
# 3. The seed case (SPEC 1): nc -lU as root, umask 022, then a client as
#    nobody. Without the library nobody gets "Permission denied" (the case
#    is real); with LD_PRELOAD=libsockmode.so, by bare name, the socket
#    is srw-rw-rw- and nobody's line arrives; through /usr/bin/sockmode
#    it is srw-rw---- root:nogroup and nobody (group nogroup) gets in.
# Exit 0 only when all of it held.
set -euo pipefail
version=$1 multiarch=$2
me=in-root.sh
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
die() { echo "$me: FAIL: $*" >&2; exit 1; }
pids=()
# stop: (EXIT trap) stops the servers serve started.
stop() { local p; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap stop EXIT

echo "== version $version"
[ "$(sockmode --version)" = "sockmode $version" ] ||
	die "sockmode --version says '$(sockmode --version)'"
[ "$(dpkg-query -W -f='${Version}' sockmode)" = "$version" ] ||
	die "dpkg has version $(dpkg-query -W -f='${Version}' sockmode)"
for page in sockmode.1 sockmode.conf.5 libsockmode.7; do
	name=${page%.*} section=${page##*.}
	file=$(man -w "$section" "$name") || die "man -w $section $name found nothing"
	[ "$file" = "/usr/share/man/man$section/$page.gz" ] || die "man -w $name: $file"
	# Not grep -q: zcat would die of SIGPIPE and fail the pipe (pipefail).
	zcat "$file" | grep "^\.TH .*\"sockmode $version\"" >/dev/null ||
		die "$file: .TH is $(zcat "$file" | grep '^\.TH')"
	echo "   man -w $section $name: $file"
done
echo "   sockmode --version, dpkg-query and the .TH lines: $version"
[ ! -e /etc/sockmode.conf ] || die "the package created /etc/sockmode.conf"
[ -f /usr/share/doc/sockmode/sockmode.conf.example ] || die "no example rules file"

umask 022
dir=$(mktemp -d /tmp/seed.XXXXXX)
chmod 755 "$dir"

# serve NAME PREFIX...: starts PREFIX... nc -lU $dir/NAME in the background,
# its output to $dir/NAME.out; waits until the socket file exists with a
# mode other than 0 (sockmode's file is born s---------: the final chmod
# comes last).
serve() {
	local name=$1
	shift
	"$@" nc -lU "$dir/$name" >"$dir/$name.out" 2>"$dir/$name.err" </dev/null &
	pids+=($!)
	for _ in $(seq 100); do
		[ -S "$dir/$name" ] && [ "$(stat -c %a "$dir/$name")" != 0 ] && return 0
		sleep 0.05
	done
	die "no socket $dir/$name: $(cat "$dir/$name.err")"
}

# line_arrives NAME: nobody sends a line to $dir/NAME; returns 0 when the
# server printed it (nc -N: shut down after stdin's end).
line_arrives() {
	echo "hello $1" | "${NOBODY[@]}" nc -N -U "$dir/$1" 2>"$dir/$1.client" ||
		return 1
	for _ in $(seq 100); do
		grep -qx "hello $1" "$dir/$1.out" && return 0
		sleep 0.05
	done
	return 1
}

echo "== the seed case: nc -lU as root, a client as nobody"
serve plain env
[ "$(stat -c '%A %U:%G' "$dir/plain")" = "srwxr-xr-x root:root" ] ||
	die "plain socket is $(stat -c '%A %U:%G' "$dir/plain")"
if line_arrives plain; then die "nobody reached the plain 0755 socket"; fi
grep -q "Permission denied" "$dir/plain.client" ||
	die "nobody's error was: $(cat "$dir/plain.client")"
echo "   without sockmode: srwxr-xr-x root:root, nobody: Permission denied"

serve bare env LD_PRELOAD=libsockmode.so SOCKMODE_MODE=0666
[ "$(stat -c '%A %U:%G' "$dir/bare")" = "srw-rw-rw- root:root" ] ||
	die "LD_PRELOAD=libsockmode.so gave $(stat -c '%A %U:%G' "$dir/bare")"
line_arrives bare || die "nobody could not send to the 0666 socket: $(cat "$dir/bare.client")"
echo "   LD_PRELOAD=libsockmode.so SOCKMODE_MODE=0666: srw-rw-rw-, nobody's line arrived"

sockmode -m 0660 -- env >"$dir/env"
grep -qx "LD_PRELOAD=/usr/lib/$multiarch/libsockmode.so" "$dir/env" ||
	die "sockmode preloads: $(grep LD_PRELOAD "$dir/env")"
serve cmd /usr/bin/sockmode -m 0660 -g nogroup --
[ "$(stat -c '%A %U:%G' "$dir/cmd")" = "srw-rw---- root:nogroup" ] ||
	die "/usr/bin/sockmode gave $(stat -c '%A %U:%G' "$dir/cmd")"
line_arrives cmd || die "nobody (group nogroup) could not send: $(cat "$dir/cmd.client")"
echo "   /usr/bin/sockmode -m 0660 -g nogroup: srw-rw---- root:nogroup," \
	"LD_PRELOAD=/usr/lib/$multiarch/libsockmode.so, nobody's line arrived"
rm -rf "$dir"
[ -f "/usr/lib/$multiarch/libsockmode.so" ] || die "no /usr/lib/$multiarch/libsockmode.so"
echo "$me: ok"
