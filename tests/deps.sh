#!/bin/sh
# Installs the Debian packages that building, the demo, the tests and the
# examples need, when they are missing and we are root: the one dependency
# step of make demo, make test and examples/run-all.sh. A bare Debian 12
# (mmdebstrap --variant=apt) lacks all but make, gcc and git; gcc comes
# without libc6-dev there, and /usr/bin/mount is the package mount.
#   deps.sh [EXTRA-PACKAGE...]
set -eu
pkgs="gcc make libc6-dev libcunit1-dev netcat-openbsd socat acl python3
util-linux mount golang-go strace nginx-light fcgiwrap nodejs curl
python3-uvicorn"
# make test-deb: building and checking the package, a fresh root, Ansible.
pkgs="$pkgs dpkg-dev debhelper lintian mmdebstrap ansible"
[ $# -gt 0 ] && pkgs="$pkgs $*"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q ' installed$' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing Debian packages:$missing" >&2
		echo "deps: run 'make test' as root, or apt-get install them" >&2
		exit 1
	fi
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || { echo "deps: apt-get update failed" >&2; exit 1; }
	# shellcheck disable=SC2086 # a list of package names, split on purpose
	apt-get install -y -qq --no-install-recommends $missing >/dev/null || {
		echo "deps: apt-get install$missing failed (see above)" >&2
		exit 1
	}
fi
# The tests speak OpenBSD netcat (-U, -N); make sure 'nc' is that one.
if ! nc -h 2>&1 | grep -q OpenBSD; then
	update-alternatives --set nc /bin/nc.openbsd >/dev/null
fi
