#!/bin/bash
# two-containers.sh - two containers share a Unix socket through a volume:
# the server's (root in its container) and the client's (uid 2000, group
# app-clients, 4242) are different users. The server's entrypoint runs
# under sockmode, which makes the socket's directory in the volume
# drwxr-x--- root:app-clients and the socket srw-rw---- root:app-clients:
#
#   sockmode -m 0660 -g app-clients --dirmode=0750 --dirgroup=app-clients \
#       -- SERVER /run/shared/app/app.sock
#
#   two-containers.sh IMAGE preload   nc -lU as the server (LD_PRELOAD)
#   two-containers.sh IMAGE seccomp   the static Go server of bin/gserver
#                                     (--via=seccomp: Go binds by itself)
#   IMAGE: built from this directory's Dockerfile. Extra options for the
#   server container (capabilities, seccomp profile) in SERVER_OPTS.
#
# Checks, and exits 1 unless all hold: the socket's mode and owner as seen
# from the volume, a client of another uid and group (3000:3000) refused,
# the client (2000:4242) gets through and the server got its line.
# Creates the volume and containers sockmode-deb-*-PID, removes them.
set -euo pipefail
image=${1:?usage: two-containers.sh IMAGE preload|seccomp}
way=${2:?usage: two-containers.sh IMAGE preload|seccomp}
me=${0##*/}
name=sockmode-deb-$way-$$
vol=$name-vol
read -r -a opts <<<"${SERVER_OPTS:-}"
die() { echo "$me: FAIL: $*" >&2; exit 1; }
# cleanup: (EXIT trap) removes the containers and the volume this run made.
cleanup() {
	docker rm -f "$name-srv" >/dev/null 2>&1 || true
	docker volume rm "$vol" >/dev/null 2>&1 || true
}
trap cleanup EXIT

sock=/run/shared/app/app.sock
case $way in
preload) server=(sockmode -m 0660 -g app-clients --dirmode=0750
		--dirgroup=app-clients -- nc -lU "$sock") ;;
seccomp) server=(sockmode --via=seccomp -m 0660 -g app-clients --dirmode=0750
		--dirgroup=app-clients -- /usr/local/bin/gserver serve "$sock") ;;
*) die "the way is preload or seccomp, not $way" ;;
esac

# client USER LINE: runs nc as USER in a new container on the volume,
# sending LINE; prints what came back and nc's errors. Returns nc's status.
client() {
	echo "$2" | docker run --rm -i --user "$1" -v "$vol:/run/shared" \
		--network none "$image" nc -N -U "$sock" 2>&1
}

docker volume create "$vol" >/dev/null
echo "== server: ${server[*]}"
docker run -d --name "$name-srv" -v "$vol:/run/shared" --network none \
	"${opts[@]}" "$image" "${server[@]}" >/dev/null
# Until the socket is there with its final mode: sockmode's file is born
# s--------- and chmodded last (docker exec: one look each).
for _ in $(seq 100); do
	m=$(docker exec "$name-srv" stat -c %a "$sock" 2>/dev/null) &&
		[ "$m" != 0 ] && break
	[ "$(docker inspect -f '{{.State.Running}}' "$name-srv")" = true ] ||
		die "the server stopped: $(docker logs "$name-srv" 2>&1)"
	sleep 0.1
done
got=$(docker run --rm -v "$vol:/run/shared" --network none "$image" \
	stat -c '%A %U:%G' /run/shared/app /run/shared/app/app.sock 2>&1) ||
	die "no socket in the volume: $got; server: $(docker logs "$name-srv" 2>&1)"
printf '   %s\n' "${got%%$'\n'*}" "${got#*$'\n'}"
[ "$got" = "drwxr-x--- root:app-clients
srw-rw---- root:app-clients" ] || die "modes in the volume: $got"

echo "== a client as 3000:3000 (not in app-clients)"
if out=$(client 3000:3000 "from 3000"); then die "3000:3000 got in: $out"; fi
echo "   $out"
case $out in *"Permission denied"*) ;; *) die "3000:3000: $out" ;; esac

echo "== the client as 2000:4242 (group app-clients)"
out=$(client 2000:4242 "hello from 2000") || die "2000:4242 refused: $out"
[ -z "$out" ] || echo "   the server answered: $out"
for _ in $(seq 100); do
	# Not grep -q: an early exit could fail the pipe (pipefail).
	docker logs "$name-srv" 2>&1 | grep "hello from 2000" >/dev/null && break
	sleep 0.1
done
docker logs "$name-srv" 2>&1 | grep "hello from 2000" >/dev/null ||
	[ "$out" = "go hello from 2000" ] ||
	die "the server did not get the line: $(docker logs "$name-srv" 2>&1)"
echo "$me: ok: $way: srw-rw---- root:app-clients in the shared volume," \
	"2000:4242 in, 3000:3000 refused"
