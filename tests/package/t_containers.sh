#!/bin/bash
# t_containers.sh - examples/containers for real, where Docker runs (a
# named skip where it cannot): an image from the example's Dockerfile with
# BUILD-DIR's package, then two-containers.sh both ways:
#   preload  nc under sockmode in a default container;
#   seccomp  the static Go server under --via=seccomp: first in a default
#            container, where Docker's seccomp profile refuses the
#            supervisor process_vm_readv and pidfd_getfd (the bind must
#            fail closed: no socket), then with --cap-add SYS_PTRACE,
#            which that profile needs to allow them.
# Docker's base image is the cached bookworm root, imported (no registry).
# Image tags sockmode-deb-base:KEY and sockmode-deb:VERSION.
#
#   tests/package/t_containers.sh BUILD-DIR    (after make deb)
# Run as root. Starts dockerd only when 'docker info' fails and dockerd is
# installed, and then leaves it running (never stops a daemon).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/package/lib.sh
. "$here/lib.sh"
start_test "${1:-}" docker
example=$repo/examples/containers

need_docker

pristine=$(pristine_root) || die "no bookworm root (mmdebstrap failed)"
base=sockmode-deb-base:${pristine##*-}
if ! docker image inspect "$base" >/dev/null 2>&1; then
	echo "== docker import $pristine as $base"
	tar -C "$pristine" -c . | docker import - "$base" >/dev/null
fi

tmp=$(mktemp -d /tmp/sockmode-containers.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp -r "$example/Dockerfile" "$example/bin" "$deb" "$tmp/"
go_build "$repo/tests/go/gserver.go" "$tmp/bin/gserver"
image=sockmode-deb:$version
echo "== docker build -t $image (examples/containers/Dockerfile, FROM $base)"
DOCKER_BUILDKIT=0 docker build -q --build-arg BASE="$base" \
	--build-arg APT_UPDATE=no -t "$image" "$tmp" >"$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log"; die "docker build failed"; }

run() { bash "$example/two-containers.sh" "$image" "$@" 2>&1 | sed 's/^/   /'; }

echo "== preload, default container"
run preload; [ "${PIPESTATUS[0]}" -eq 0 ] || die "preload in a default container"

echo "== seccomp, default container: must fail closed"
if run seccomp >"$tmp/default.out"; [ "${PIPESTATUS[0]}" -eq 0 ]; then
	cat "$tmp/default.out"
	die "--via=seccomp worked in a default container: update the man page"
fi
# Refused at the first bind, or (once sockmode checks before it runs the
# command) at the start: either way with the refused call's EPERM.
grep -qE "sockmode: (bind |cannot run the command under the seccomp supervisor: ).*Operation not permitted" \
	"$tmp/default.out" || { cat "$tmp/default.out"; die "not the expected refusal"; }
grep -E 'sockmode:|ERR' "$tmp/default.out"
echo "   (the bind failed, no socket: as the man page says)"

echo "== seccomp, --cap-add SYS_PTRACE"
SERVER_OPTS="--cap-add SYS_PTRACE" run seccomp
[ "${PIPESTATUS[0]}" -eq 0 ] || die "seccomp with --cap-add SYS_PTRACE"
echo "$me: ok"
