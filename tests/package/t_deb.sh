#!/bin/bash
# t_deb.sh - make test-deb: the package as an admin meets it. After make
# deb (which builds it and runs lintian), installs it with apt-get into a
# fresh bookworm root (never this machine), runs in-root.sh there (version, man -w, the
# seed case by bare library name and through /usr/bin/sockmode), purges
# it and compares the root's file list before and after, as piuparts
# does: nothing of the package may be left, nothing else may change.
#
#   tests/package/t_deb.sh BUILD-DIR    (after make deb)
# Run as root (chroot, mounts). Exit 0 only when every step held.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/package/lib.sh
. "$here/lib.sh"
start_test "${1:-}" "chroot into a fresh root"
sh "$here/../deps.sh" mmdebstrap
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)

tmp=$(mktemp -d /tmp/sockmode-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fresh_root "$tmp"
root_files >"$tmp/before"

echo "== apt-get install ./${deb##*/} (in a fresh bookworm root)"
cp "$deb" "$here/in-root.sh" "$root/tmp/"
in_root apt-get install -y --no-install-recommends "/tmp/${deb##*/}" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; die "apt-get install failed"; }
grep -E '^(Setting up|Unpacking) ' "$tmp/install.log" | sed 's/^/   /'
in_root dpkg -L sockmode >"$tmp/dpkg-L"
while read -r f; do [ -f "$root$f" ] && echo; done <"$tmp/dpkg-L" >"$tmp/files"
echo "   $(wc -l <"$tmp/dpkg-L") paths, $(wc -l <"$tmp/files") of them files"

in_root bash "/tmp/in-root.sh" "$version" "$multiarch" | sed 's/^/   /'
[ "${PIPESTATUS[0]}" -eq 0 ] || die "in-root.sh failed"

echo "== apt-get purge sockmode"
in_root apt-get purge -y sockmode >"$tmp/purge.log" 2>&1 ||
	{ cat "$tmp/purge.log"; die "apt-get purge failed"; }
grep -E '^(Removing|Purging) ' "$tmp/purge.log" | sed 's/^/   /'
rm -f "$root/tmp/${deb##*/}" "$root/tmp/in-root.sh"
root_files >"$tmp/after"
# A path of the package may stay only when it was there before (a
# directory other packages share, such as /usr/share/man/man1).
left=$(while read -r f; do
	if [ -e "$root$f" ] || [ -L "$root$f" ]; then
		grep -qxF ".$f" "$tmp/before" || echo "$f"
	fi
done < <(grep -vx "/\." "$tmp/dpkg-L"))
[ -z "$left" ] || die "left after purge: $left"
if ! diff -u "$tmp/before" "$tmp/after" >"$tmp/diff"; then
	cat "$tmp/diff"
	die "the root's files differ before install and after purge"
fi
in_root dpkg-query -W sockmode >/dev/null 2>&1 && die "dpkg still knows sockmode"
echo "   no file of the package left; the file list is as before install" \
	"($(wc -l <"$tmp/before") paths)"
echo "$me: ok"
