#!/bin/sh
# build.sh - make deb: builds the Debian package from a copy of this tree
# and checks it with lintian.
#
#   tests/package/build.sh BUILD-DIR
#
# 1. As root, installs what dpkg-buildpackage and lintian need, and the
#    package's Build-Depends (apt-get build-dep on debian/control).
# 2. Copies the tree (without BUILD-DIR, .git) to BUILD-DIR/deb/sockmode-V,
#    as a clean clone would be, and runs dpkg-buildpackage -us -uc -b there:
#    dh_auto_clean removes the build directory it works in, so it cannot be
#    this tree's own.
# 3. lintian --fail-on error,warning on the result, its output shown.
# 4. Leaves BUILD-DIR/sockmode_V_ARCH.deb (and the .changes, .buildinfo
#    beside it in BUILD-DIR/deb).
# Exit 0 only when the package built and lintian was clean.
set -eu
cd "$(dirname "$0")/../.."
build=${1:?usage: build.sh BUILD-DIR}
mkdir -p "$build"
build=$(cd "$build" && pwd)
version=$(sed -n '1s/^sockmode (\([^)]*\)).*/\1/p' debian/changelog)
[ -n "$version" ] || { echo "build.sh: no version in debian/changelog" >&2; exit 1; }

sh tests/deps.sh dpkg-dev debhelper lintian
if [ "$(id -u)" -eq 0 ] && ! dpkg-checkbuilddeps >/dev/null 2>&1; then
	echo "build.sh: installing the Build-Depends"
	DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -qq ./ >/dev/null
fi

src=$build/deb/sockmode-$version
rm -rf "$build/deb"
mkdir -p "$src"
# Everything but the build directory and git's own files.
tar -cf - --exclude=./build --exclude=./.git --exclude="./${build#"$PWD"/}" . |
	tar -xf - -C "$src"
echo "build.sh: dpkg-buildpackage -us -uc -b in $src"
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$build/deb/build.log" 2>&1 || {
	tail -n 40 "$build/deb/build.log" >&2
	echo "build.sh: dpkg-buildpackage failed (all of it: $build/deb/build.log)" >&2
	exit 1
}
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb=sockmode_${version}_$arch.deb
cp "$build/deb/$deb" "$build/$deb"
echo "build.sh: lintian --fail-on error,warning $deb"
changes=$build/deb/sockmode_${version}_$arch.changes
# Not as root when the files are readable by nobody (lintian says why).
as=""
if [ "$(id -u)" -eq 0 ] && setpriv --reuid=65534 --regid=65534 --clear-groups \
	test -r "$changes" -a -r "$build/deb/$deb"; then
	as="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
$as env HOME=/tmp lintian --fail-on error,warning --display-info "$changes"
echo "build.sh: ok: $build/$deb"
