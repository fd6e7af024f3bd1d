#!/bin/bash
# t_ansible.sh - the Ansible role examples/ansible applied for real with
# Debian's ansible, to a fresh bookworm root (connection
# community.general.chroot; never this machine, whose /etc/sockmode.conf
# would change every other test here):
#
# 1. site.yml installs the package from BUILD-DIR's .deb, writes
#    /etc/sockmode.conf from sockmode_rules and a drop-in for
#    legacy-daemon: changed > 0, and the rules work (nc under the drop-in's
#    LD_PRELOAD gets the rule's mode and group).
# 2. The same again: changed=0.
# 3. A rule with a bad mode: refused by the template's validate
#    (sockmode --check), the play fails, the old file stays byte for byte.
#    A mode written as a YAML number is refused before the template.
# 4. systemd-analyze verify on the unit with the drop-in the role
#    wrote: no message.
#
#   tests/package/t_ansible.sh BUILD-DIR    (after make deb)
# Run as root. Exit 0 only when every step held.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/package/lib.sh
. "$here/lib.sh"
start_test "${1:-}" "chroot into a fresh root"
sh "$here/../deps.sh" ansible mmdebstrap

tmp=$(mktemp -d /tmp/sockmode-ansible.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fresh_root "$tmp"
cp "$deb" "$root/tmp/"
mkdir -p "$root/run/legacy"
cp "$repo/examples/systemd/legacy-daemon.service" "$root/etc/systemd/system/" 2>/dev/null ||
	{ mkdir -p "$root/etc/systemd/system" &&
	  cp "$repo/examples/systemd/legacy-daemon.service" "$root/etc/systemd/system/"; }

printf '%s ansible_connection=community.general.chroot ansible_python_interpreter=/usr/bin/python3\n' \
	"$root" >"$tmp/inventory"
cat >"$tmp/good.yml" <<VARS
sockmode_hosts: all
sockmode_deb: /tmp/${deb##*/}
sockmode_daemon_reload: false
sockmode_rules:
  - { path: /run/legacy/app.sock, mode: "0660", group: www-data }
  - { path: "/run/pyapp/*.sock", mode: "0600", owner: www-data }
VARS
sed 's/mode: "0600"/mode: "0999"/' "$tmp/good.yml" >"$tmp/badmode.yml"
sed 's/mode: "0600"/mode: 0600/' "$tmp/good.yml" >"$tmp/number.yml"

# play VARS-FILE: runs site.yml on the root; output to $tmp/play.out and
# shown indented. Returns ansible-playbook's status.
play() {
	local rc=0
	ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_HOME=$tmp/ansible \
		ANSIBLE_LOCAL_TEMP=$tmp/ansible/tmp \
		ansible-playbook -i "$tmp/inventory" -e "@$1" \
		"$repo/examples/ansible/site.yml" >"$tmp/play.out" 2>&1 || rc=$?
	sed 's/^/   | /' "$tmp/play.out"
	return "$rc"
}
# recap FIELD: the number FIELD (ok, changed, failed) of the play's recap.
recap() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$tmp/play.out" | tail -n 1; }

echo "== 1. first run"
play "$tmp/good.yml" || die "the first run failed"
[ "$(recap changed)" -gt 0 ] || die "the first run changed nothing"
conf=$root/etc/sockmode.conf
[ -f "$conf" ] || die "no /etc/sockmode.conf in the root"
sed 's/^/   conf: /' "$conf"
in_root sockmode --check >/dev/null || die "sockmode --check refuses the role's file"
dropin=$root/etc/systemd/system/legacy-daemon.service.d/sockmode.conf
grep -qx 'Environment=LD_PRELOAD=libsockmode.so' "$dropin" || die "drop-in: $(cat "$dropin")"
# What systemd would run: the unit's command with the drop-in's
# environment (LD_PRELOAD by bare name), the rules from /etc/sockmode.conf.
cat >"$root/tmp/use.sh" <<'USE'
set -eu
umask 022
env $(sed -n 's/^Environment=//p' /etc/systemd/system/legacy-daemon.service.d/sockmode.conf) \
	nc -lU /run/legacy/app.sock </dev/null >/dev/null 2>&1 &
i=0
# Until the file is there with its final mode (born s---------, chmod last).
while [ "$(stat -c %a /run/legacy/app.sock 2>/dev/null || echo 0)" = 0 ] &&
	[ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
stat -c '%A %U:%G' /run/legacy/app.sock
kill $!
USE
got=$(in_root sh /tmp/use.sh)
[ "$got" = "srw-rw---- root:www-data" ] || die "legacy-daemon's socket under the drop-in: $got"
echo "   legacy-daemon under the drop-in: /run/legacy/app.sock $got"

echo "== 2. second run: no change"
play "$tmp/good.yml" || die "the second run failed"
[ "$(recap changed)" -eq 0 ] || die "the second run changed $(recap changed) things"

echo "== 3. a rule with mode 0999: refused, the old file kept"
sum=$(sha256sum <"$conf")
if play "$tmp/badmode.yml"; then die "a rule with mode 0999 was accepted"; fi
grep -q 'failed to validate' "$tmp/play.out" || die "not refused by the validation"
[ "$(sha256sum <"$conf")" = "$sum" ] || die "the old /etc/sockmode.conf was changed"
grep -q 0999 "$conf" && die "mode 0999 reached /etc/sockmode.conf"
echo "   refused by sockmode --check; /etc/sockmode.conf unchanged"
if play "$tmp/number.yml" >/dev/null; then die "an unquoted mode 0600 (432) was accepted"; fi
grep -q 'modes quoted as strings' "$tmp/play.out" || die "the unquoted mode was not named"
[ "$(sha256sum <"$conf")" = "$sum" ] || die "the old /etc/sockmode.conf was changed"
echo "   an unquoted mode (YAML's 432): refused by the role; file unchanged"

echo "== 4. systemd-analyze verify on the unit and the role's drop-in"
# On this machine's systemd, the unit beside the drop-in directory the
# role wrote (the root has no systemd of its own to verify against).
mkdir "$tmp/verify"
cp "$repo/examples/systemd/legacy-daemon.service" "$tmp/verify/"
cp -r "${dropin%/*}" "$tmp/verify/"
out=$(systemd-analyze verify --man=no "$tmp/verify/legacy-daemon.service" 2>&1) ||
	die "verify: $out"
[ -z "$out" ] || die "verify: $out"
echo "   clean"
echo "$me: ok"
