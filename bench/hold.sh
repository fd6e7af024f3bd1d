#!/bin/bash
# bench/hold.sh - what hold=yes (issue 14) costs a program that chmods many
# regular files: 10,000 chmod(2) of one file on tmpfs per process, the
# variants' processes interleaved round by round, against the bare loop
# of the same run. Prints a Markdown section on stdout (run.sh puts it in
# RESULTS.md).
#
#   bash bench/hold.sh BUILD [QUICK]    QUICK 1: fewer rounds
set -euo pipefail

BUILD=${1:?usage: hold.sh BUILD [QUICK]}
BUILD=$(cd "$BUILD" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
Q=${2:-1}
LIB=$BUILD/libsockmode.so
SC=$BUILD/sockmode
BB=$BUILD/bench
N=10000
ROUNDS=$((30 / Q))
mkdir -p "$BB"
"${CC:-cc}" -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$BB/chmodloop" \
	"$HERE/chmodloop.c"
W=$(mktemp -d /dev/shm/sockmode-hold-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
: >"$W/f"
L=$BB/chmodloop

# The variants: name, then the command (FILE and N follow).
run() {
	case $1 in
	bare | bare-again) "$L" "$W/f" $N ;;
	lib-none) env LD_PRELOAD="$LIB" SOCKMODE_MODE=0660 "$L" "$W/f" $N ;;
	lib-held) env LD_PRELOAD="$LIB" SOCKMODE_MODE=0660 "$L" "$W/f" $N "$W/s" ;;
	lib-nohold) env LD_PRELOAD="$LIB" SOCKMODE_MODE=0660 SOCKMODE_HOLD=no \
		"$L" "$W/f" $N "$W/s" ;;
	super-none) "$SC" --via=seccomp -m 0660 -- "$L" "$W/f" $N ;;
	super-held) "$SC" --via=seccomp -m 0660 -- "$L" "$W/f" $N "$W/s" ;;
	esac
}
VARIANTS="bare bare-again lib-none lib-held lib-nohold super-none super-held"
for v in $VARIANTS; do
	run "$v" >/dev/null || { echo "hold.sh: $v failed" >&2; exit 1; }
done
for ((r = 0; r < ROUNDS; r++)); do
	for v in $VARIANTS; do
		run "$v" | sed -n 's/^ns=\([0-9.]*\) best=\([0-9.]*\)$/\2 \1/p' \
			>>"$W/$v"
	done
done
# stats V: min median max of V's samples (ns).
stats() { awk '{ print $1 }' "$W/$1" | sort -g | awk '{ a[NR] = $1 } END {
	printf "%.0f %.0f %.0f", a[1], a[int((NR + 1) / 2)], a[NR] }'; }
med() { stats "$1" | awk '{ print $2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
B=$(med bare)

echo "## 7. chmod while holding (hold=yes)"
echo
echo "\`bench/chmodloop\`: $N \`chmod()\` of one regular file on tmpfs per"
echo "process, alternating 0600/0644, in blocks of 100; a sample is one"
echo "process's fastest block (the machine is shared: its other load"
echo "inflates the mean of a whole run, not the best block), $ROUNDS samples"
echo "per variant, the variants interleaved round by round."
echo "*held*: the process first binds one socket under the rule (held)."
echo "Command: \`bash bench/hold.sh build\`."
echo
echo "| variant | min / **median** / max ns per chmod | vs bare | target | |"
echo "|---|---|---|---|---|"
row() { # row VARIANT LABEL [TARGET]
	local lo mid hi r t=${3:-} verdict=""
	read -r lo mid hi <<<"$(stats "$1")"
	r=$(ratio "$mid" "$B")
	[ -n "$t" ] && verdict=$(awk -v r="$r" -v t="$t" \
		'BEGIN { print (r <= t ? "met" : "**not met**") }')
	printf '| %s | %s / **%s** / %s | %s | %s | %s |\n' "$2" "$lo" "$mid" \
		"$hi" "$r" "${t:+≤ $t}" "$verdict"
}
row bare "bare (no library)"
row bare-again "bare, again (A/A)"
row lib-none "libsockmode.so, nothing held" 1.02
row lib-held "libsockmode.so, one held socket" 1.10
row lib-nohold "libsockmode.so, one socket bound with hold=no"
row super-none "--via=seccomp, nothing held"
row super-held "--via=seccomp, one held socket"
echo
SN=$(med super-none); SH=$(med super-held)
echo "Under the supervisor every chmod is a seccomp notification round"
echo "trip: +$(awk -v a="$SN" -v b="$B" 'BEGIN { printf "%.1f", (a - b) / 1000 }') µs a call with nothing held,"
echo "+$(awk -v a="$SH" -v b="$B" 'BEGIN { printf "%.1f", (a - b) / 1000 }') µs with a held socket (the"
echo "supervisor reads the path from the program's memory and opens and"
echo "examines the target itself; only a held target is looked up again"
echo "as the program). With the library, a held socket costs an O_PATH"
echo "open, a statx and a close around each chmod, which is then made on"
echo "the descriptor: the inode examined is the inode changed. Any check"
echo "by name costs a path look-up, about what the chmod itself costs, so"
echo "the 1.10 goal is out of reach without looking the name up twice."
echo
