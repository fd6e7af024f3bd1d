#!/bin/bash
# systemd.sh - checks the systemd drop-in example and shows what it does.
#
#   examples/systemd/legacy-daemon.service                   a sample unit
#   examples/systemd/legacy-daemon.service.d/sockmode.conf   the drop-in
#   examples/systemd/hardened.conf      hardening that keeps sockmode working
#
# 1. 'systemd-analyze verify' on the unit with its drop-in (and with
#    hardened.conf as a second one), when it can
#    run here (it is tried first on a known-good unit; any message on our
#    files counts as a failure, since verify reports most mistakes as
#    warnings with exit status 0).
# 2. Always, a plain syntax check of both files: every line a comment, a
#    [Section] header or Key=Value, with known sections and keys.
#    A deliberately broken copy must fail both checks.
# 3. What systemd would run, without systemd: the unit's ExecStart= with
#    the drop-in's Environment= (LD_PRELOAD pointed at BUILD-DIR's library
#    instead of /usr/local/lib, /run/legacy at a temporary directory).
#    The socket must come out srw-rw---- root:www-data, www-data must get
#    in and nobody must not.
#
#   examples/systemd.sh [BUILD-DIR]     (default: the repository's build/)
# Run as root. Exit 0 only when every step showed what it should.
set -euo pipefail
# shellcheck source=examples/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_build "${1:-}"
lib=$build/libsockmode.so
unit=$here/systemd/legacy-daemon.service
dropin=$here/systemd/legacy-daemon.service.d/sockmode.conf
hardened=$here/systemd/hardened.conf
need_root "the clients become www-data, nobody"
[ -r "$lib" ] || die "no $lib (run make)"
[ -r "$unit" ] || die "no $unit"
[ -r "$dropin" ] || die "no $dropin"
[ -r "$hardened" ] || die "no $hardened"
need_openbsd_nc
need_user www-data

make_tmp systemd

# verify UNIT: systemd-analyze verify, quietly; fails on any message.
verify() {
	local out rc=0
	out=$(systemd-analyze verify --man=no "$1" 2>&1) || rc=$?
	[ "$rc" -eq 0 ] && [ -z "$out" ] && return 0
	printf '%s\n' "${out:-exit status $rc}" | sed 's/^/   /'
	return 1
}

# syntax FILE...: every line a comment, blank, a known [Section] or a
# known Key=Value inside a section. Prints each fault as FILE:LINE.
syntax() {
	awk '
	BEGIN {
		split("Unit Service Install", s)
		for (i in s) section[s[i]] = 1
		split("Description Documentation After Before Requires Wants " \
		      "BindsTo PartOf Conflicts Requisite ConditionPathExists " \
		      "AssertPathExists StartLimitIntervalSec StartLimitBurst", k)
		for (i in k) key["Unit", k[i]] = 1
		split("Type ExecStart ExecStartPre ExecStartPost ExecReload " \
		      "ExecStop ExecStopPost Restart RestartSec User Group " \
		      "SupplementaryGroups Environment EnvironmentFile " \
		      "UnsetEnvironment WorkingDirectory RuntimeDirectory " \
		      "RuntimeDirectoryMode RuntimeDirectoryPreserve UMask " \
		      "PIDFile TimeoutStartSec TimeoutStopSec KillMode " \
		      "StandardInput StandardOutput StandardError " \
		      "DynamicUser NoNewPrivileges ProtectSystem ProtectHome " \
		      "PrivateTmp NoExecPaths ExecPaths " \
		      "RestrictAddressFamilies SystemCallFilter " \
		      "SystemCallErrorNumber", k)
		for (i in k) key["Service", k[i]] = 1
		split("WantedBy RequiredBy Alias Also", k)
		for (i in k) key["Install", k[i]] = 1
	}
	FNR == 1 { cur = "" }
	function bad(why) { printf "%s:%d: %s\n", FILENAME, FNR, why; faults++ }
	/^[ \t]*$/ || /^[#;]/ { next }
	/\\$/ { bad("line continuation (not used here)"); next }
	/^\[[A-Za-z]+\]$/ {
		cur = substr($0, 2, length($0) - 2)
		if (!(cur in section)) bad("unknown section " $0)
		next
	}
	/^[A-Za-z][A-Za-z0-9]*=/ {
		name = substr($0, 1, index($0, "=") - 1)
		if (cur == "") bad("key " name " outside a section")
		else if (!((cur, name) in key))
			bad("unknown key " name " in [" cur "]")
		next
	}
	{ bad("not a comment, a [Section] or Key=Value: " $0) }
	END { exit faults > 0 }
	' "$@"
}

umask 022

echo "== systemd-analyze verify"
if ! command -v systemd-analyze >/dev/null; then
	echo "   systemd-analyze is not installed (Debian package systemd):" \
		"verify skipped, the syntax check below still runs"
else
	mkdir "$tmp/sanity"
	printf '[Service]\nExecStart=/bin/true\n' >"$tmp/sanity/sockmode-sanity.service"
	if ! verify "$tmp/sanity/sockmode-sanity.service" >"$tmp/sanity.out"; then
		echo "   systemd-analyze verify cannot run in this environment" \
			"(it rejects even a trivial unit):"
		sed 's/^/   /' "$tmp/sanity.out"
		echo "   verify skipped, the syntax check below still runs"
	else
		verify "$unit" || die "systemd-analyze verify $unit (with its drop-in)"
		echo "   $unit with its drop-in: clean"
		mkdir -p "$tmp/hardened/legacy-daemon.service.d"
		cp "$unit" "$tmp/hardened/"
		cp "$dropin" "$hardened" "$tmp/hardened/legacy-daemon.service.d/"
		verify "$tmp/hardened/legacy-daemon.service" ||
			die "systemd-analyze verify with the drop-in and $hardened"
		echo "   the same with hardened.conf as a second drop-in: clean"
		# A broken drop-in must be caught: verify only warns, with exit 0.
		mkdir -p "$tmp/broken/legacy-daemon.service.d"
		cp "$unit" "$tmp/broken/"
		{ cat "$dropin"; echo "Enviroment=SOCKMODE_LOG=info"; } \
			>"$tmp/broken/legacy-daemon.service.d/sockmode.conf"
		if verify "$tmp/broken/legacy-daemon.service" >/dev/null; then
			die "verify did not catch a misspelt key in a broken copy"
		fi
		echo "   a copy with a misspelt key: caught"
	fi
fi

echo "== syntax check (comments, [Section], Key=Value)"
syntax "$unit" "$dropin" "$hardened" || die "syntax of $unit, $dropin or $hardened"
echo "   the three files: clean"
printf '[Service]\nEnvironment=SOCKMODE_MODE=0660\nthis is not a setting\n' \
	>"$tmp/broken.conf"
if syntax "$tmp/broken.conf" >/dev/null; then
	die "the syntax check did not catch a broken file"
fi
echo "   a broken file: caught"

# What the drop-in must say, and what the unit runs.
env_lines=()
while IFS= read -r line; do
	env_lines+=("${line#Environment=}")
done < <(grep '^Environment=' "$dropin")
for want in LD_PRELOAD=/usr/local/lib/libsockmode.so SOCKMODE_MODE=0660 \
	SOCKMODE_GROUP=www-data; do
	# Not grep -q: it may exit before printf's last line, whose
	# SIGPIPE would fail the pipe (pipefail).
	printf '%s\n' "${env_lines[@]}" | grep -xF "$want" >/dev/null ||
		die "$dropin: no Environment=$want"
done
grep -q '^#.*ExecStart=/usr/local/bin/sockmode -m 0660 -g www-data -- ' \
	"$dropin" || die "$dropin: the ExecStart= alternative is not described"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
if [ "$(grep -c '^ExecStart=' "$unit")" != 1 ] || [ "${exec_start:0:1}" != / ]; then
	die "$unit: expected one ExecStart= with an absolute path"
fi
grep -qx 'RuntimeDirectory=legacy' "$unit" || die "$unit: no RuntimeDirectory=legacy"

echo "== what systemd would run: ExecStart= with the drop-in's Environment="
run=$tmp/run
mkdir -p "$run/legacy"
chmod 0755 "$run" "$run/legacy"	# RuntimeDirectoryMode=0755
sock=$run/legacy/app.sock
envs=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
for e in "${env_lines[@]}"; do
	[ "$e" = LD_PRELOAD=/usr/local/lib/libsockmode.so ] && e=LD_PRELOAD=$lib
	envs+=("$e")
done
read -r -a cmd <<<"${exec_start//\/run\/legacy/$run/legacy}"
echo "   env -i ${envs[*]}"
echo "       ${cmd[*]}"
# A clean environment and stdin from /dev/null, as systemd gives them.
start daemon env -i "${envs[@]}" "${cmd[@]}"
wait_socket 5 "$sock" daemon
socket_is "$sock" "660 root www-data"
nc_send "$sock" "hello from www-data" "${WWW[@]}" ||
	die "www-data could not connect"
wait_until 5 has "$tmp/daemon.out" "hello from www-data" ||
	die "the daemon did not receive www-data's line"
echo "   www-data connected; the daemon got: $(cat "$tmp/daemon.out")"
if nc_send "$sock" "hello from nobody" "${NOBODY[@]}" 2>"$tmp/nobody.err"; then
	die "nobody (not in www-data) reached the 0660 socket"
fi
denied "$tmp/nobody.err" nobody
echo "   nobody refused: Permission denied"

ok "the unit and drop-in are well formed, and the" \
	"drop-in's environment gives 0660 root:www-data"
