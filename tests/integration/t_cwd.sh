#!/bin/bash
# Relative binds whose current directory has no name (issue 18, SPEC
# 4.1): deeper than PATH_MAX, or removed. Where no rule can match the
# path, the library and the supervisor give exactly the kernel's result,
# silently; a catch-all rule applies (it needs no name); a rule that
# might match fails closed with a message saying why. Sourced by run.sh.
# shellcheck disable=SC2154 # T, TOOLS, HERE come from run.sh

# The deep directory: $CWD_DEPTH nested 200-byte names below $T, longer
# than PATH_MAX, so that no absolute name of it works (neither for
# getcwd() nor for a shell's cd: only one component at a time).
CWD_DEPTH=25
CWD_NAME=$(printf 'd%.0s' $(seq 200))
CWD_STEP_PY='
import os, sys
top, name, depth, make = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
os.chdir(top)
for _ in range(depth):
    if make == "make":
        os.mkdir(name)
    os.chdir(name)
if make != "make":
    os.execvp(sys.argv[5], sys.argv[5:])
'

# cwd_deep: makes the deep directory.
cwd_deep() {
	"$PY" -c "$CWD_STEP_PY" "$T" "$CWD_NAME" "$CWD_DEPTH" make
}

# cwd_in CMD...: runs CMD with the deep directory as its current one.
cwd_in() {
	"$PY" -c "$CWD_STEP_PY" "$T" "$CWD_NAME" "$CWD_DEPTH" run "$@"
}

# cwd_shim VAR=VALUE... -- CMD...: shim (lib.sh) in the deep directory.
cwd_shim() {
	local vars=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do vars+=("$1"); shift; done
	shift
	cwd_in env "${CLEAN_ENV[@]}" LD_PRELOAD="$PRELOAD" "${vars[@]}" "$@"
}

# cwd_sc ARGS...: sc (t_seccomp.sh) in the deep directory.
cwd_sc() {
	cwd_in env "${CLEAN_ENV[@]}" -u LD_PRELOAD "$SC_BIN" "$@"
}

# cwd_same WHAT EXPECTED CMD...: CMD's output must be EXPECTED and its
# stderr empty (pass-through is silent, SPEC 4.10).
cwd_same() {
	local what=$1 want=$2 out
	shift 2
	out=$("$@" 2>"$T/err")
	assert_eq "$what" "$want" "$out"
	assert_eq "$what: stderr" "" "$(cat "$T/err")"
}

test_cwd_deeper_than_path_max() {
	local raw
	cwd_deep
	raw=$(cwd_in "$TOOLS/bindprobe" path s)
	assert_eq "the kernel's own bind" "path rc=0 errno=sentinel-kept" "$raw"
	cwd_in rm s
	# No rule can match ".../s": passed through, silently.
	cwd_same "SOCKMODE_MATCH that cannot match" "$raw" cwd_shim \
		SOCKMODE_MODE=0666 SOCKMODE_MATCH="$T/nomatch/*.sock" -- \
		"$TOOLS/bindprobe" path s
	assert_eq "mode (umask 022, untouched)" 755 "$(cwd_in stat -c %a s)"
	cwd_in rm s
	# A catch-all needs no name: it applies.
	cwd_same "SOCKMODE_MODE alone (catch-all)" "$raw" cwd_shim \
		SOCKMODE_MODE=0666 -- "$TOOLS/bindprobe" path s
	assert_eq "mode under the catch-all" 666 "$(cwd_in stat -c %a s)"
	cwd_in rm s
	# A rule that might match: refused, and said why.
	out=$(cwd_shim SOCKMODE_MODE=0666 SOCKMODE_MATCH="$T/*" -- \
		"$TOOLS/bindprobe" path s 2>"$T/err")
	assert_eq "a rule that might match" "path rc=-1 errno=EACCES" "$out"
	grep -q "^sockmode: bind s: its directory has no name (removed, or longer than PATH_MAX), and rule 1 (environment) might match it: refused$" "$T/err" ||
		fail "message: $(cat "$T/err")"
	cwd_in test ! -e s || fail "a refused bind left a file"
}

test_cwd_removed() {
	local raw_up raw_here
	# gone CMD...: runs CMD in a directory removed after entering it.
	gone() { mkdir "$T/gone" && (cd "$T/gone" && rmdir "$T/gone" && "$@"); }
	raw_up=$(gone "$TOOLS/bindprobe" path ../s)
	raw_here=$(gone "$TOOLS/bindprobe" path s 2>/dev/null)
	assert_eq "the kernel: bind ../s" "path rc=0 errno=sentinel-kept" "$raw_up"
	assert_eq "the kernel: bind s" "path rc=-1 errno=ENOENT" "$raw_here"
	rm "$T/s"
	cwd_same "bind ../s, no rule can match" "$raw_up" gone shim \
		SOCKMODE_MODE=0666 SOCKMODE_MATCH="$T/nomatch/*" -- \
		"$TOOLS/bindprobe" path ../s
	assert_eq "mode of $T/s (untouched)" 755 "$(mode_of "$T/s")"
	rm "$T/s"
	cwd_same "bind s, no rule can match" "$raw_here" gone shim \
		SOCKMODE_MODE=0666 SOCKMODE_MATCH="$T/nomatch/*" -- \
		"$TOOLS/bindprobe" path s
	# "../s" has a name again (the parent's): the rule for it applies.
	cwd_same "bind ../s under a rule for it" "$raw_up" gone shim \
		SOCKMODE_MODE=0666 SOCKMODE_MATCH="$T/s" -- \
		"$TOOLS/bindprobe" path ../s
	assert_eq "mode of $T/s (the rule)" 666 "$(mode_of "$T/s")"
	rm "$T/s"
	cwd_same "bind s under a catch-all" "$raw_here" gone shim \
		SOCKMODE_MODE=0666 -- "$TOOLS/bindprobe" path s
}

# The same under the supervisor, which resolves in the calling thread's
# current directory: sbind (static) prints "PATH rc=R errno=NAME".
test_cwd_under_the_supervisor() {
	local raw
	sc_static sbind
	cwd_deep
	raw=$(cwd_in "$T/sbind" bind s)
	assert_eq "the kernel's own bind" "s rc=0 errno=0" "$raw"
	cwd_in rm s
	cwd_same "supervised, no rule can match" "$raw" cwd_sc \
		--via=seccomp -m 0666 -p "$T/nomatch/*.sock" -- "$T/sbind" bind s
	cwd_in rm s
	cwd_same "supervised, catch-all" "$raw" cwd_sc \
		--via=seccomp -m 0666 -- "$T/sbind" bind s
	assert_eq "mode under the catch-all" 666 "$(cwd_in stat -c %a s)"
	cwd_in rm s
	mkdir "$T/gone"
	raw=$(cd "$T/gone" && rmdir "$T/gone" && "$T/sbind" bind ../s s)
	rm "$T/s"
	mkdir "$T/gone"
	# shellcheck disable=SC2016 # $1 and $@ are the inner shell's
	cwd_same "supervised in a removed directory" "$raw" \
		sh -c 'cd "$1" && rmdir "$1" && shift && "$@"' sh "$T/gone" \
		env "${CLEAN_ENV[@]}" -u LD_PRELOAD "$SC_BIN" --via=seccomp \
		-m 0666 -p "$T/nomatch/*" -- "$T/sbind" bind ../s s
	assert_eq "mode of $T/s (untouched)" 755 "$(mode_of "$T/s")"
}
