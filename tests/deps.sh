#!/bin/sh
# Installs the Debian packages that building and testing need, when they
# are missing and we are root (make test calls this first).
#   deps.sh [EXTRA-PACKAGE...]
set -eu
pkgs="gcc make libc6-dev libcunit1-dev netcat-openbsd socat acl python3 util-linux golang-go strace"
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
	apt-get update -qq
	# shellcheck disable=SC2086 # a list of package names, split on purpose
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# The tests speak OpenBSD netcat (-U, -N); make sure 'nc' is that one.
if ! nc -h 2>&1 | grep -q OpenBSD; then
	update-alternatives --set nc /bin/nc.openbsd >/dev/null
fi
