#!/bin/bash
# SPEC 6 as a table: every bad input of bad-inputs.tsv gives exactly its
# message, the path bind fails with EACCES, and no socket file exists
# afterwards; then odd bind paths behave as without the library.

# One bad input: kind, input, expected message. Returns 0 or fails.
bad_input_case() {
	local kind=$1 input expected out vars
	input=$(printf '%b' "$2")
	expected=$(printf '%b' "$3")
	rm -f "$T/s" "$T/bad.conf" "$T/err"
	case $kind in
	env)
		IFS=';' read -ra vars <<<"$input"
		out=$(shim "${vars[@]}" -- "$TOOLS/bindprobe" path "$T/s" 2>"$T/err")
		;;
	conf)
		printf '%s\n' "$input" >"$T/bad.conf"
		chmod 644 "$T/bad.conf"
		expected=${expected/#F:/$T/bad.conf:}
		out=$(shim SOCKMODE_CONFIG="$T/bad.conf" -- "$TOOLS/bindprobe" path "$T/s" 2>"$T/err")
		;;
	*) fail "bad-inputs.tsv: unknown kind '$kind'" ;;
	esac
	assert_eq "bind under $kind '$2'" "path rc=-1 errno=EACCES" "$out"
	if [ -e "$T/s" ] || [ -L "$T/s" ]; then
		fail "$kind '$2': a file exists at $T/s"
	fi
	grep -qxF "sockmode: $expected" "$T/err" ||
		fail "$kind '$2': expected the line 'sockmode: $expected' in: $(cat "$T/err")"
	assert_eq "$kind '$2': load error lines" 1 \
		"$(grep -vc 'invalid configuration\|refused' "$T/err")"
}

test_bad_inputs_table() {
	local kind input expected n=0
	while IFS=$'\t' read -r kind input expected; do
		case $kind in '' | '#'*) continue ;; esac
		bad_input_case "$kind" "$input" "$expected"
		n=$((n + 1))
	done <"$HERE/bad-inputs.tsv"
	echo "result: bad inputs tried: $n"
	[ "$n" -ge 60 ] || fail "only $n bad inputs in the table"
}

# Odd bind paths under a rule that matches everything: the result is the
# real bind's, and a socket that is made gets exactly the rule's mode.
test_bad_inputs_odd_paths() {
	local p with without long
	mkdir "$T/dir"
	long=$T/$(printf 'L%.0s' $(seq $((107 - ${#T} - 1))))
	for p in "$T/dir/../dotdot" "$T//double" "$T/./dot" "$T/dir/" \
		"$T/missing/s" "$T/$(printf '\xff\xfe').sock" "$long" ""; do
		without=$("$TOOLS/bindprobe" path "$p" 2>&1 | sed 's/errno=sentinel-kept/ok/')
		rm -f "$p" 2>/dev/null || true
		with=$(shim SOCKMODE_MODE=0600 -- "$TOOLS/bindprobe" path "$p" 2>"$T/err" |
			sed 's/errno=sentinel-kept/ok/')
		assert_eq "bind of '$p'" "$without" "$with"
		if [ "$with" = "path rc=0 ok" ] && [ -n "$p" ]; then
			assert_eq "mode of '$p'" 600 "$(mode_of "$p")"
		fi
		[ ! -s "$T/err" ] || fail "messages for '$p': $(cat "$T/err")"
	done
	# Exactly sun_path long, without a NUL; and one byte too long.
	long=$long$(printf 'M%.0s' $(seq $((108 - ${#long}))))
	assert_eq "108-byte path" "path-nonul rc=0 errno=sentinel-kept" \
		"$(shim SOCKMODE_MODE=0600 -- "$TOOLS/bindprobe" path-nonul "$long")"
	assert_eq "mode of the 108-byte path" 600 "$(mode_of "$long")"
	assert_eq "addrlen past sun_path" "$("$TOOLS/bindprobe" toolong "$T/tl")" \
		"$(shim SOCKMODE_MODE=0600 -- "$TOOLS/bindprobe" toolong "$T/tl")"
}
