#!/bin/bash
# make install / uninstall (PREFIX, DESTDIR, ldconfig) and the installed
# forms: LD_PRELOAD=libsockmode.so by name, sockmode finding its library.
REPO=$SRC	# the checkout, not the stage (run.sh)

test_install_into_destdir() {
	local f
	make -s -C "$REPO" install DESTDIR="$T/dest" PREFIX=/opt/sm >/dev/null
	for f in lib/libsockmode.so bin/sockmode share/doc/sockmode/sockmode.conf.example \
		share/doc/sockmode/RESULTS.md \
		$(cd "$REPO/man" 2>/dev/null && for m in *.[157]; do
			[ -e "$m" ] && echo "share/man/man${m##*.}/$m"; done); do
		[ -f "$T/dest/opt/sm/$f" ] || fail "not installed: $f"
	done
	assert_eq "library mode" 644 "$(mode_of "$T/dest/opt/sm/lib/libsockmode.so")"
	assert_eq "command mode" 755 "$(mode_of "$T/dest/opt/sm/bin/sockmode")"
	make -s -C "$REPO" uninstall DESTDIR="$T/dest" PREFIX=/opt/sm >/dev/null
	[ -z "$(find "$T/dest" -type f)" ] || fail "left after uninstall: $(find "$T/dest" -type f)"
}

# A real install under /usr/local, removed again whatever happens.
test_install_for_real_bare_name_works() {
	[ ! -e /usr/local/lib/libsockmode.so ] || fail "already installed in /usr/local"
	trap 'make -s -C "$REPO" uninstall >/dev/null 2>&1' EXIT
	make -s -C "$REPO" install >/dev/null
	env LD_PRELOAD=libsockmode.so SOCKMODE_MODE=0666 "$TOOLS/bindprobe" path "$T/bare.sock" >/dev/null
	assert_eq "bare-name preload" 666 "$(mode_of "$T/bare.sock")"
	/usr/local/bin/sockmode -m 0640 -- env >"$T/env"
	grep -qx "LD_PRELOAD=/usr/local/lib/libsockmode.so" "$T/env" ||
		fail "installed sockmode preloads: $(grep LD_PRELOAD "$T/env")"
	/usr/local/bin/sockmode -m 0640 -- "$TOOLS/bindprobe" path "$T/cmd.sock" >/dev/null
	assert_eq "installed command" 640 "$(mode_of "$T/cmd.sock")"
	make -s -C "$REPO" uninstall >/dev/null
	trap - EXIT
	if [ -e /usr/local/lib/libsockmode.so ] || [ -e /usr/local/bin/sockmode ]; then
		fail "uninstall left files behind"
	fi
}

# One version, written once (debian/changelog): the command, the installed
# man pages' .TH lines and the package (tests/package/in-root.sh) show it.
test_one_version_from_the_changelog() {
	local v m th
	if command -v dpkg-parsechangelog >/dev/null; then
		v=$(dpkg-parsechangelog -l "$REPO/debian/changelog" -SVersion)
	else
		v=$(sed -n '1s/^sockmode (\([^)]*\)).*/\1/p' "$REPO/debian/changelog")
	fi
	[ -n "$v" ] || fail "no version in debian/changelog"
	make -s -C "$REPO" install DESTDIR="$T/dest" >/dev/null
	assert_eq "sockmode --version" "sockmode $v" \
		"$("$T/dest/usr/local/bin/sockmode" --version)"
	for m in "$T"/dest/usr/local/share/man/man?/*; do
		th=$(grep '^\.TH ' "$m")
		case $th in
		*"\"sockmode $v\""*) ;;
		*) fail "${m##*/}: $th (not sockmode $v)" ;;
		esac
	done
	if [ -z "${m:-}" ] || [ ! -f "$m" ]; then fail "no man page installed"; fi
}
