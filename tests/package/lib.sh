# shellcheck shell=bash
# lib.sh - what the package tests share; each sources it (it is not run).
#
# A fresh Debian root to install the package into, never this machine
# (other users' tests would find the installed library). The first call
# builds a pristine bookworm root with mmdebstrap (about half a minute,
# network needed) and keeps it under CACHE; every test then works on a
# copy of it, thrown away at the end.

CACHE=${SOCKMODE_ROOT_CACHE:-/var/cache/sockmode-deb}
# What the tests run inside the root besides apt: nc for the seed case,
# man-db for man -w, python3 and python3-apt for Ansible's modules.
ROOT_PACKAGES=man-db,netcat-openbsd,python3,python3-apt
me=${0##*/}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
root=""		# the copy a test works in (fresh_root)
build="" version="" deb=""	# start_test

# die MESSAGE...: prints "TEST: FAIL: MESSAGE" on stderr; exits 1.
die() { echo "$me: FAIL: $*" >&2; exit 1; }

# skip MESSAGE...: prints "TEST: SKIP: MESSAGE"; exits 0 (a named skip).
skip() { echo "$me: SKIP: $*"; exit 0; }

# start_test BUILD-DIR WHY: how every t_*.sh begins. Dies unless running
# as root (needed for WHY) and BUILD-DIR holds make deb's package; sets
# $build (absolute), $version (debian/changelog's) and $deb (its path).
start_test() {
	build=$(cd "${1:?usage: $me BUILD-DIR}" && pwd) || exit 1
	[ "$(id -u)" -eq 0 ] || die "run as root ($2)"
	version=$(sed -n '1s/^sockmode (\([^)]*\)).*/\1/p' "$repo/debian/changelog")
	deb=$build/sockmode_${version}_$(dpkg --print-architecture).deb
	[ -f "$deb" ] || die "no $deb (make deb)"
	# Each fresh root is entered in a mount namespace of its own: where
	# that is refused (a default Docker container), a named skip.
	unshare --mount --propagation private true 2>/dev/null ||
		skip "needs CAP_SYS_ADMIN for a fresh root (docker run --cap-add SYS_ADMIN)"
}

# pristine_root [PACKAGES]: prints the path of the cached pristine root
# with PACKAGES (comma-separated; default ROOT_PACKAGES), building it first
# when missing. Returns 1 (mmdebstrap's output on stderr) when it cannot.
pristine_root() {
	local packages=${1:-$ROOT_PACKAGES} key dir new
	key=$(printf '%s' "bookworm $packages" | md5sum | cut -c1-8)
	dir=$CACHE/bookworm-$key
	if [ ! -d "$dir" ]; then
		mkdir -p "$CACHE" || return 1
		new=$(mktemp -d "$dir.new.XXXXXX") || return 1
		echo "$me: building the cached root $dir (mmdebstrap)" >&2
		if ! mmdebstrap --quiet --variant=apt --include="$packages" \
			bookworm "$new" >&2; then
			rm -rf "$new"
			return 1
		fi
		# Another run may have made it meanwhile; then use that one.
		mv -T "$new" "$dir" 2>/dev/null || rm -rf "$new"
	fi
	echo "$dir"
}

# fresh_root TMPDIR [PACKAGES]: sets $root to a new copy of the pristine
# root (with PACKAGES) in TMPDIR; dies when there is none.
fresh_root() {
	local pristine
	pristine=$(pristine_root "${2:-}") || die "no bookworm root (mmdebstrap failed)"
	root=$1/root
	cp -a "$pristine" "$root" || die "cannot copy $pristine"
}

# in_root CMD [ARG]...: runs CMD chrooted into $root with /proc and /dev
# mounted in a private mount namespace (gone when CMD ends, whatever
# happens); returns CMD's status.
in_root() {
	# shellcheck disable=SC2016 # expanded by the inner sh, on purpose
	unshare --mount --propagation private --fork -- sh -c '
		mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" &&
		exec chroot "$0" "$@"' "$root" \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}

# root_files: prints every path in $root but the ones that change with
# any apt run (piuparts ignores the same: apt's and dpkg's state, logs,
# caches), sorted.
root_files() {
	(cd "$root" && find . -xdev \
		\( -path ./proc -o -path ./dev -o -path ./tmp -o -path ./run \
		-o -path ./var/lib/apt -o -path ./var/lib/dpkg \
		-o -path ./var/cache -o -path ./var/log \) -prune -o -print) |
		LC_ALL=C sort
}

# go_build SOURCE OUT: builds the Go program SOURCE, statically (no cgo),
# as OUT, offline; dies when it cannot.
go_build() {
	local cache
	cache=$(mktemp -d /tmp/sockmode-go.XXXXXX) || die "mktemp"
	env HOME="$cache" GOCACHE="$cache/build" GOPATH="$cache/path" GOENV=off \
		GOPROXY=off GOTOOLCHAIN=local GO111MODULE=off GOFLAGS= CGO_ENABLED=0 \
		go build -o "$2" "$1" || { rm -rf "$cache"; die "cannot build $1 (golang-go)"; }
	rm -rf "$cache"
}

# need_docker: returns 0 when docker answers, starting dockerd first when
# 'docker info' fails and dockerd is installed (it is then left running:
# a daemon is never stopped here); else skips, naming why.
need_docker() {
	command -v docker >/dev/null || skip "no docker command (Debian package docker.io)"
	docker info >/dev/null 2>&1 && return 0
	command -v dockerd >/dev/null || skip "docker info fails and there is no dockerd"
	echo "== starting dockerd (docker info failed); it stays running"
	setsid dockerd >/var/log/sockmode-deb-dockerd.log 2>&1 </dev/null &
	for _ in $(seq 100); do
		docker info >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	skip "dockerd does not start here: $(tail -n 3 /var/log/sockmode-deb-dockerd.log)"
}
