#!/bin/bash
# fresh.sh - the README's two commands on fresh Debian 12 machines
# (make test-fresh; not part of make test). As root, with mmdebstrap and
# docker.io installed and dockerd running:
#
#   tests/fresh.sh [chroot] [docker] [docker-caps]   (default: all three)
#
# Builds a bare Debian 12 root (mmdebstrap --variant=apt, plus make, gcc,
# git), clones this repository's HEAD into /root/project inside it (mode
# 0700 /root, as a newcomer's clone) and runs, from
# env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin,
# `make demo` then `make test` in:
#   chroot       a chroot in its own mount namespace, / a mount point
#   docker       a default `docker run` of that root (docker import)
#   docker-caps  the same with --cap-add SYS_PTRACE --cap-add SYS_ADMIN
#                --cap-add NET_ADMIN --security-opt seccomp=unconfined
# Each run starts from the same untouched root. Output goes to
# $FRESH_DIR/KIND.log (default /var/tmp/sockmode-fresh); a summary at the
# end: per run, the exit status of both commands and make test's
# integration closing lines. Exit 0 when every run's two commands did.
# Network: only the apt mirror named in /etc/apt/sources.list*.
# Docker images are tagged sockmode-fresh:*; dockerd is never stopped.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${FRESH_DIR:-/var/tmp/sockmode-fresh}
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(chroot docker docker-caps)
suite=bookworm
# The mirrors this machine uses (deb822 or one-line sources), else Debian's.
mirror=$(sed -n 's/^URIs: *//p; s/^deb  *\(\[[^]]*\] *\)\{0,1\}\(http[^ ]*\) .*/\2/p' \
	/etc/apt/sources.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
	grep -v security | head -n 1) || true
mirror=${mirror:-http://deb.debian.org/debian}
security=${mirror%/debian}/debian-security

die() { echo "fresh: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (mmdebstrap, chroot, docker)"
command -v mmdebstrap >/dev/null || die "needs mmdebstrap (apt-get install mmdebstrap)"
for k in "${kinds[@]}"; do
	case $k in
	chroot) ;;
	docker | docker-caps)
		command -v docker >/dev/null || die "needs docker (apt-get install docker.io)"
		docker info >/dev/null 2>&1 ||
			die "dockerd is not running (dockerd >/var/log/dockerd.log 2>&1 &)" ;;
	*) die "unknown run '$k' (chroot, docker, docker-caps)" ;;
	esac
done
mkdir -p "$dir"
work=$(mktemp -d "$dir/work.XXXXXX")
image=sockmode-fresh:${work##*.} imported=0
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	# A chroot's mounts die with its namespace; only files are left.
	rm -rf "$work"
	[ "$imported" = 0 ] || docker rmi -f "$image" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# The clone: HEAD of this repository, as `git clone` gives it.
git clone -q --no-local "$repo" "$work/project"
head=$(git -C "$work/project" log -1 --format='%h %s')

# The root: built once per run of this script, unpacked fresh per run.
echo "fresh: mmdebstrap --variant=apt --include=make,gcc,git $suite ($mirror)"
mmdebstrap -q --variant=apt --include=make,gcc,git "$suite" "$work/root.tar" \
	"deb $mirror $suite main" "deb $mirror $suite-updates main" \
	"deb $security $suite-security main"

# The commands inside, as a newcomer types them after cloning.
cat >"$work/inside.sh" <<'EOF'
set -u
git clone -q /src /root/project || exit 2
cd /root/project
make demo; demo=$?
make test; test=$?
echo "fresh-result: make demo exit $demo, make test exit $test"
[ "$demo" -eq 0 ] && [ "$test" -eq 0 ]
EOF
clean_env=(env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin)

# run_chroot: unpacks the root and runs inside.sh chrooted into it, in a
# new mount namespace in which the root is bind-mounted onto itself (so
# that / is a mount point there) with /proc, /sys, /dev, /tmp and /run.
run_chroot() {
	local root=$work/chroot
	mkdir "$root"
	tar -C "$root" -xf "$work/root.tar"
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	cp "$work/inside.sh" "$root/inside.sh"
	mkdir -p "$root/src"
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m --propagation private sh -c '
		r=$1 src=$2
		shift 2
		mount --bind "$r" "$r" &&
		mount --bind "$src" "$r/src" &&
		mount -t proc proc "$r/proc" &&
		mount -t sysfs sys "$r/sys" &&
		mount --rbind /dev "$r/dev" &&
		mount -t tmpfs tmp "$r/tmp" &&
		mount -t tmpfs -o mode=755 run "$r/run" || exit 2
		exec chroot "$r" "$@"
	' sh "$root" "$work/project" "${clean_env[@]}" bash /inside.sh
}

# run_docker LOG [FLAG...]: the root as a Docker image, default or FLAGs.
run_docker() {
	docker run --rm -v "$work/project:/src:ro" \
		-v "$work/inside.sh:/inside.sh:ro" "$@" "$image" \
		"${clean_env[@]}" bash /inside.sh
}

status=0
for k in "${kinds[@]}"; do
	if [ "$k" != chroot ] && [ "$imported" = 0 ]; then
		docker import "$work/root.tar" "$image" >/dev/null
		imported=1
	fi
done
for k in "${kinds[@]}"; do
	log=$dir/$k.log
	echo "fresh: $k: make demo, make test (log: $log)"
	case $k in
	chroot) run_chroot >"$log" 2>&1 || status=1 ;;
	docker) run_docker >"$log" 2>&1 || status=1 ;;
	docker-caps) run_docker --cap-add SYS_PTRACE --cap-add SYS_ADMIN \
			--cap-add NET_ADMIN --security-opt seccomp=unconfined \
			>"$log" 2>&1 || status=1 ;;
	esac
done

echo
echo "fresh: summary (clone of $head)"
for k in "${kinds[@]}"; do
	log=$dir/$k.log
	echo "== $k"
	grep -E '^(fresh-result|demo: |SKIP |CI=true|failed:)|^[0-9]+ passed, ' "$log" |
		sed 's/^/   /' || echo "   (no result lines: see $log)"
done
exit "$status"
