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
root=""		# the copy a test works in (fresh_root)

# die MESSAGE...: prints "TEST: FAIL: MESSAGE" on stderr; exits 1.
die() { echo "$me: FAIL: $*" >&2; exit 1; }

# skip MESSAGE...: prints "TEST: SKIP: MESSAGE"; exits 0 (a named skip).
skip() { echo "$me: SKIP: $*"; exit 0; }

# pristine_root: prints the cached pristine root's path, building it first
# when missing. Returns 1 (mmdebstrap's output on stderr) when it cannot.
pristine_root() {
	local key dir new
	key=$(printf '%s' "bookworm $ROOT_PACKAGES" | md5sum | cut -c1-8)
	dir=$CACHE/bookworm-$key
	if [ ! -d "$dir" ]; then
		mkdir -p "$CACHE" || return 1
		new=$(mktemp -d "$dir.new.XXXXXX") || return 1
		echo "$me: building the cached root $dir (mmdebstrap)" >&2
		if ! mmdebstrap --quiet --variant=apt --include="$ROOT_PACKAGES" \
			bookworm "$new" >&2; then
			rm -rf "$new"
			return 1
		fi
		# Another run may have made it meanwhile; then use that one.
		mv -T "$new" "$dir" 2>/dev/null || rm -rf "$new"
	fi
	echo "$dir"
}

# fresh_root TMPDIR: sets $root to a new copy of the pristine root in
# TMPDIR; dies when there is none.
fresh_root() {
	local pristine
	pristine=$(pristine_root) || die "no bookworm root (mmdebstrap failed)"
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
