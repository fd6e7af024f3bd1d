#!/bin/bash
# Sourced by run.sh: the stage, a directory every user can reach, holding
# what the tests run as nobody or as uid 12345. The loader drops a
# preloaded library that the running user cannot read (only a line on
# stderr: "cannot be preloaded ... ignored"), and setpriv cannot exec a
# program inside a 0700 home, so nothing they run may stay in the checkout.
#
#   $STAGE/lib/LIBNAME            the library under test
#   $STAGE/build/tests/           TOOLDIR (the tests/bin programs)
#   $STAGE/build/{sockmode,libsockmode.so}  the command and its library
#   $STAGE/tests/{integration,bin,go,naive}, $STAGE/sockmode.conf.example

# stage_copy LIBRARY TOOLDIR SRC STAGE: copies the files into STAGE and
# makes them readable by all; returns 1 at the first copy that fails.
stage_copy() {
	local lib=$1 tools=$2 src=$3 stage=$4 f
	mkdir -p "$stage/lib" "$stage/build" "$stage/tests" || return 1
	cp "$lib" "$stage/lib/" || return 1
	cp -R "$tools" "$stage/build/tests" || return 1
	for f in sockmode libsockmode.so; do
		[ ! -e "$tools/../$f" ] || cp "$tools/../$f" "$stage/build/" || return 1
	done
	for f in integration bin go naive; do
		cp -R "$src/tests/$f" "$stage/tests/" || return 1
	done
	cp "$src/sockmode.conf.example" "$stage/" || return 1
	chmod -R a+rX "$stage"
}

# stage_make LIBRARY TOOLDIR SRC: copies them into a new
# /tmp/sockmode-stage.XXXXXX (mode 0755) and prints its path; on failure
# says so, removes it and returns 1.
stage_make() {
	local stage
	stage=$(mktemp -d /tmp/sockmode-stage.XXXXXX) || return 1
	chmod 755 "$stage" || return 1
	if ! stage_copy "$1" "$2" "$3" "$stage"; then
		echo "run.sh: could not stage the test files in $stage" >&2
		rm -rf "$stage"
		return 1
	fi
	printf '%s\n' "$stage"
}

# stage_check_loads: returns 0 when nobody and uid 12345 can preload
# $PRELOAD; otherwise prints the loader's complaint and returns 1.
stage_check_loads() {
	local who err
	for who in 65534 12345; do
		err=$(setpriv --reuid="$who" --regid="$who" --clear-groups \
			env LD_PRELOAD="$PRELOAD" true 2>&1)
		if [ -n "$err" ]; then
			echo "run.sh: uid $who cannot load the staged library, so" \
				"the tests would run without it: $err" >&2
			return 1
		fi
	done
}
