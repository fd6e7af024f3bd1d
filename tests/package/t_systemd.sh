#!/bin/bash
# t_systemd.sh - what SYSTEMD in sockmode(1) says about hardened units,
# under a real systemd 252: a bookworm root with systemd and the package,
# booted as a Docker container (a named skip where Docker or systemd in a
# container cannot run). The sample unit examples/systemd/legacy-daemon
# with its drop-in (LD_PRELOAD by bare name, as the package allows) and
# examples/systemd/hardened.conf, then one more drop-in per case:
#
#   hardened as shipped                        srw-rw---- root:www-data
#   library in /usr/local/lib, not in ExecPaths  ignored: srwxr-xr-x
#     ... with ExecPaths=/usr/local/lib         srw-rw---- root:www-data
#   User=nobody, RestrictAddressFamilies=AF_UNIX   bind fails (no proof)
#     ... AF_UNIX AF_NETLINK                    srw-rw---- nobody:nogroup
#   --via=seccomp (Go server), @system-service  exit 111, nothing runs
#     ... without SystemCallErrorNumber=        killed by SIGSYS
#     ... + seccomp                             bind fails (pidfd_getfd)
#     ... + seccomp pidfd_getfd                 srw-rw---- root:www-data
#   SystemCallFilter=~@privileged, a group      bind fails (closed)
#
#   tests/package/t_systemd.sh BUILD-DIR    (after make deb)
# Run as root. Image sockmode-deb-systemd:VERSION, container
# sockmode-deb-systemd-PID (removed at the end).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/package/lib.sh
. "$here/lib.sh"
start_test "${1:-}" docker
need_docker

tmp=$(mktemp -d /tmp/sockmode-systemd.XXXXXX)
c=sockmode-deb-systemd-$$
image=sockmode-deb-systemd:$version
cleanup() { docker rm -f "$c" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT

fresh_root "$tmp" systemd,systemd-sysv,dbus,netcat-openbsd
cp "$deb" "$root/tmp/"
in_root dpkg -i "/tmp/${deb##*/}" >/dev/null || die "dpkg -i ${deb##*/} in the root"
rm "$root/tmp/${deb##*/}"
go_build "$repo/tests/go/gserver.go" "$root/usr/local/bin/gserver"
units=$root/etc/systemd/system
d=$units/legacy-daemon.service.d
mkdir -p "$d"
cp "$repo/examples/systemd/legacy-daemon.service" "$units/"
sed 's|^Environment=LD_PRELOAD=/usr/local/lib/libsockmode.so$|Environment=LD_PRELOAD=libsockmode.so|' \
	"$repo/examples/systemd/legacy-daemon.service.d/sockmode.conf" >"$d/sockmode.conf"
grep -qx 'Environment=LD_PRELOAD=libsockmode.so' "$d/sockmode.conf" ||
	die "the example drop-in has no LD_PRELOAD line to use"
cp "$repo/examples/systemd/hardened.conf" "$d/"
# A copy of the library where make install puts it (case 2).
mkdir -p "$root/usr/local/lib"
cp "$root"/usr/lib/*/libsockmode.so "$root/usr/local/lib/"
tar -C "$root" -c . | docker import -c 'CMD ["/sbin/init"]' - "$image" >/dev/null
rm -rf "$root"

# systemd in a container: its own cgroup tree and mounts (SYS_ADMIN).
docker run -d --name "$c" --network none --cap-add SYS_ADMIN \
	--security-opt seccomp=unconfined --security-opt apparmor=unconfined \
	--cgroupns=host -v /sys/fs/cgroup:/sys/fs/cgroup:rw \
	--tmpfs /run --tmpfs /run/lock --tmpfs /tmp "$image" >/dev/null ||
	skip "cannot start a container for systemd here"
state=""
for _ in $(seq 100); do
	state=$(docker exec "$c" systemctl is-system-running 2>/dev/null) || true
	case $state in running | degraded) break ;; esac
	sleep 0.2
done
case $state in
running | degraded) ;;
*) skip "systemd does not come up in a container here (state '$state'):" \
	"$(docker logs "$c" 2>&1 | tail -n 3)" ;;
esac
echo "== systemd $(docker exec "$c" systemctl --version | sed -n '1s/systemd \([0-9]*\).*/\1/p') in $c"

# case NAME WANT [DROP-IN-LINE]...: restarts legacy-daemon with the extra
# drop-in zz.conf made of the lines; WANT is the socket's "%A %U:%G", or
# "fail: REGEX" for a unit that fails with REGEX (grep -E) in its
# journal. Dies on a
# mismatch; prints one line, and leaves the case's journal lines in $log.
log=""
case_() {
	local name=$1 want=$2 got="" cursor
	shift 2
	# The journal's end now: only what this case logs is looked at.
	cursor=$(docker exec "$c" journalctl -n 1 --show-cursor -o cat |
		sed -n 's/^-- cursor: //p')
	printf '%s\n' '[Service]' 'Restart=no' "$@" |
		docker exec -i "$c" sh -c 'cat >/etc/systemd/system/legacy-daemon.service.d/zz.conf'
	docker exec "$c" sh -c 'systemctl daemon-reload &&
		systemctl reset-failed legacy-daemon 2>/dev/null; systemctl restart legacy-daemon' ||
		true
	# Until the socket has its final mode (born s---------, chmod last)
	# or the unit failed: one look each.
	for _ in $(seq 100); do
		got=$(docker exec "$c" stat -c '%A %U:%G' /run/legacy/app.sock 2>/dev/null) &&
			[ "${got%% *}" != s--------- ] && break
		[ "$(docker exec "$c" systemctl is-failed legacy-daemon)" = failed ] && break
		sleep 0.1
	done
	log=$(docker exec "$c" journalctl -u legacy-daemon --no-pager -o cat \
		--after-cursor="$cursor")
	case $want in
	fail:*)
		[ "$(docker exec "$c" systemctl is-failed legacy-daemon)" = failed ] ||
			die "$name: the unit did not fail (socket: ${got:-none})"
		grep -qE -- "${want#fail: }" <<<"$log" ||
			die "$name: no '${want#fail: }' in the journal: $log"
		echo "   $name: failed, journal: ${want#fail: }"
		;;
	*)
		[ "$got" = "$want" ] || die "$name: socket '${got:-none}', want '$want'; journal: $log"
		echo "   $name: $got"
		;;
	esac
	docker exec "$c" systemctl stop legacy-daemon
}

# The ExecStart= way alone: without the other drop-in's LD_PRELOAD and
# SOCKMODE_* (the library would then act inside sockmode and its
# supervisor too).
seccomp=(ExecStart= "ExecStart=/usr/bin/sockmode --via=seccomp -m 0660 -g www-data --
	/usr/local/bin/gserver serve /run/legacy/app.sock" ExecPaths=/usr/local/bin
	"UnsetEnvironment=LD_PRELOAD SOCKMODE_MODE SOCKMODE_GROUP")
seccomp[1]=${seccomp[1]//$'\n\t'/ }
nobody=(User=nobody Group=nogroup UnsetEnvironment=SOCKMODE_GROUP RestrictAddressFamilies=)

echo "== the example unit with sockmode.conf and hardened.conf"
case_ "hardened as shipped" "srw-rw---- root:www-data"
echo "== NoExecPaths=/ and ExecPaths="
case_ "/usr/local/lib not in ExecPaths" "srwxr-xr-x root:root" \
	Environment=LD_PRELOAD=/usr/local/lib/libsockmode.so
grep -q "cannot be preloaded (failed to map segment from shared object): ignored" \
	<<<"$log" || die "no loader warning in the journal: $log"
echo "   (the loader's warning is in the journal)"
case_ "with ExecPaths=/usr/local/lib" "srw-rw---- root:www-data" \
	Environment=LD_PRELOAD=/usr/local/lib/libsockmode.so ExecPaths=/usr/local/lib
echo "== RestrictAddressFamilies= (User=nobody: no SIOCUNIXFILE, the proof is sock_diag)"
case_ "AF_UNIX" "fail: cannot prove the socket file is ours" \
	"${nobody[@]}" RestrictAddressFamilies=AF_UNIX
case_ "AF_UNIX AF_NETLINK" "srw-rw---- nobody:nogroup" \
	"${nobody[@]}" "RestrictAddressFamilies=AF_UNIX AF_NETLINK"
echo "== SystemCallFilter=@system-service and --via=seccomp (a static Go server)"
case_ "as it is, SystemCallErrorNumber=EPERM" \
	"fail: cannot install the seccomp filter: Operation not permitted" "${seccomp[@]}"
case_ "as it is, no SystemCallErrorNumber=" "fail: status=31/SYS" \
	"${seccomp[@]}" SystemCallErrorNumber=
# At the first bind, or before the command runs where sockmode checks.
case_ "+ seccomp" "fail: cannot get the program's socket|pidfd_getfd refused" \
	"${seccomp[@]}" SystemCallFilter=seccomp
case_ "+ seccomp pidfd_getfd" "srw-rw---- root:www-data" \
	"${seccomp[@]}" "SystemCallFilter=seccomp pidfd_getfd"
echo "== SystemCallFilter=~@privileged (takes @chown away)"
# (main's library may fail earlier, at the proof: still closed)
case_ "a group" "fail: chown: Operation not permitted|cannot prove the socket file is ours" \
	"SystemCallFilter=~@privileged"
echo "$me: ok"
