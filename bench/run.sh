#!/bin/bash
# bench/run.sh - the benchmark suite of libsockmode.so (SPEC 4.9 "Cheap").
#
#   bash bench/run.sh BUILD        (make bench: BUILD is the build directory
#                                   holding libsockmode.so)
#
# Builds the harnesses of bench/*.c into BUILD/bench/, measures on tmpfs
# (/dev/shm), and writes bench/RESULTS.md. Every figure is a ratio against
# a baseline measured in the same run, interleaved with it (alternating
# blocks of spawns, alternating processes of bind loops) so that drift of
# the machine cancels; each is given as min / median / max of its
# samples. A/A rows compare a baseline with itself: the noise floor.
# Benchmarks assert nothing about time: the exit status says only whether
# the measurements could be made.
#
# SOCKMODE_BENCH_QUICK=1 shrinks every count about fivefold (a dry run).
# SOCKMODE_BENCH_OUT=FILE writes the results there instead.
set -euo pipefail

BUILD=${1:?usage: run.sh BUILD-DIRECTORY}
BUILD=$(cd "$BUILD" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
LIB=$BUILD/libsockmode.so
BB=$BUILD/bench
OUT=${SOCKMODE_BENCH_OUT:-$HERE/RESULTS.md}
CC=${CC:-cc}
BFLAGS="-O2 -Wall -Wextra -Werror -D_GNU_SOURCE"
T_START=$(date +%s)

[ -f "$LIB" ] || { echo "run.sh: $LIB: no such file (make lib)" >&2; exit 1; }

# Counts: spawns per variant, bind-loop rounds/repetitions/iterations.
Q=1
[ "${SOCKMODE_BENCH_QUICK:-0}" = 1 ] && Q=5

# Nothing of the caller's may leak into the measurements, not even our own
# SOCKMODE_BENCH_* (read above): the library refuses every SOCKMODE_* name
# it does not know.
unset LD_PRELOAD
for v in $(compgen -e | grep -E '^(SOCKMODE_|FAKETIME|PROXYCHAINS_)'); do
	unset "$v"
done
umask 022
export LC_ALL=C
SPAWNS=$((2000 / Q))
SCALE_SPAWNS=$((1000 / Q))
ROUNDS=$((24 / Q + 1))

log() { printf 'bench: %s (%ds)\n' "$*" $(($(date +%s) - T_START)) >&2; }

# --- build ------------------------------------------------------------------
mkdir -p "$BB"
log "building the harnesses in $BB"
# shellcheck disable=SC2086 # BFLAGS is a list of words
{
	$CC $BFLAGS -o "$BB/true" "$HERE/true.c"
	$CC $BFLAGS -DWITH_MALLOC -o "$BB/true-malloc" "$HERE/true.c"
	$CC $BFLAGS -fPIC -shared -Wl,-z,now -Wl,-z,relro \
		-o "$BB/empty.so" "$HERE/empty.c"
	$CC $BFLAGS -o "$BB/spawn" "$HERE/spawn.c"
	$CC $BFLAGS -o "$BB/bindloop" "$HERE/bindloop.c" -lpthread
	$CC $BFLAGS -DCOUNT_MALLOC -o "$BB/bindloop-mc" "$HERE/bindloop.c" \
		"$HERE/interpose.c" -lpthread -ldl
	$CC $BFLAGS -DTIME_CALLS -o "$BB/bindloop-tc" "$HERE/bindloop.c" \
		"$HERE/interpose.c" -lpthread -ldl
	$CC $BFLAGS -o "$BB/alts" "$HERE/alts.c"
}
# An experiment, not the product: the library's own objects relinked
# with lazy binding instead of -z now, to size what binding ~60 imported
# symbols at load costs. Left out when the objects are not where
# the Makefile puts them.
LAZY=""
if ls "$BUILD"/shim/*.o >/dev/null 2>&1 &&
	$CC -shared -Wl,-z,defs -Wl,-z,relro -Wl,-z,lazy \
		-o "$BB/libsockmode-lazy.so" "$BUILD"/shim/*.o -ldl 2>/dev/null &&
	[ -z "$(LD_PRELOAD=$BB/libsockmode-lazy.so SOCKMODE_MODE=0660 \
		"$BB/true" 2>&1)" ]; then
	LAZY=$BB/libsockmode-lazy.so
fi

# --- other preload libraries, for comparison ---------------------------------
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null ||
	$CC -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
FAKETIME_SO=/usr/lib/$MULTIARCH/faketime/libfaketime.so.1
PROXY_SO=/usr/lib/$MULTIARCH/libproxychains.so.4
OTHERS_NOTE=""
want=()
[ -f "$FAKETIME_SO" ] || want+=(libfaketime)
[ -f "$PROXY_SO" ] || want+=(libproxychains4)
if [ ${#want[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		log "installing ${want[*]}"
		export DEBIAN_FRONTEND=noninteractive
		timeout 60 apt-get install -y -qq "${want[@]}" >/dev/null 2>&1 ||
			{ timeout 60 apt-get update -qq >/dev/null 2>&1 &&
			  timeout 60 apt-get install -y -qq "${want[@]}" \
				>/dev/null 2>&1; } || true
	fi
fi
[ -f "$FAKETIME_SO" ] || OTHERS_NOTE+="libfaketime is not installed ($FAKETIME_SO missing; install the Debian package libfaketime as root): its rows are left out. "
[ -f "$PROXY_SO" ] || OTHERS_NOTE+="libproxychains is not installed ($PROXY_SO missing; install the Debian package libproxychains4 as root): its rows are left out. "

# --- scratch space on tmpfs ---------------------------------------------------
WORK=$(mktemp -d /dev/shm/sockmode-bench.XXXXXX)
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT
SOCK=$WORK/s.sock
printf 'strict_chain\nquiet_mode\n[ProxyList]\nsocks4 127.0.0.1 9\n' \
	>"$WORK/proxychains.conf"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# --- statistics ---------------------------------------------------------------
# stats FILE: "min median max n" of the numbers in FILE, one per line.
stats() {
	sort -g "$1" | awk '{ a[NR] = $1 }
		END { m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		      printf "%s %s %s %d\n", a[1], m, a[NR], NR }'
}
# field N "min median max n": one field of a stats line.
field() { echo "$2" | cut -d' ' -f"$1"; }
# ratio A B: A / B with three decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
# verdict RATIO TARGET: "met" or "not met".
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t ? "met" : "**not met**") }'; }
# us NS [DECIMALS]: nanoseconds as microseconds.
us() { awk -v n="$1" -v d="${2:-2}" 'BEGIN { printf "%.*f", d, n / 1000 }'; }
# mmm "min median max n" DIV DECIMALS: "min / **median** / max" divided.
mmm() {
	echo "$1" | awk -v d="$2" -v p="$3" \
		'{ printf "%.*f / **%.*f** / %.*f", p, $1 / d, p, $2 / d, p, $3 / d }'
}

# --- bind loops, interleaved processes ----------------------------------------
# alt TAG ROUNDS "BINDLOOP ARGS" "LABEL ENV..." ...
# (a variant labelled textbook runs bindloop's mode textbook, not path)
# Each round runs one bindloop process per variant (the order rotating from
# round to round); the samples of variant LABEL go to $WORK/TAG.LABEL and
# the "# mode" line of its first process to $WORK/TAG.LABEL.mode.
alt() {
	local tag=$1 rounds=$2 args=$3 r i n idx label spec
	shift 3
	local variants=("$@")
	n=${#variants[@]}
	for ((i = 0; i < n; i++)); do
		read -r label _ <<<"${variants[i]}"
		: >"$WORK/$tag.$label"
		rm -f "$WORK/$tag.$label.mode"
	done
	for ((r = 0; r < rounds; r++)); do
		for ((i = 0; i < n; i++)); do
			idx=$(((i + r) % n))
			read -r label spec <<<"${variants[idx]}"
			local words=()
			read -ra words <<<"$spec"
			local outf=$WORK/$tag.$label a=" $args "
			# The textbook variant is bindloop's own sequence.
			[ "$label" = textbook ] && a=${a/ path / textbook }
			# shellcheck disable=SC2086 # a is a list of words
			env ${words[@]+"${words[@]}"} "$BB/bindloop" $a \
				>"$outf.tmp"
			grep -v '^#' "$outf.tmp" >>"$outf"
			[ -f "$outf.mode" ] || grep '^#' "$outf.tmp" \
				>"$outf.mode" || true
		done
	done
	for ((i = 0; i < n; i++)); do
		read -r label _ <<<"${variants[i]}"
		stats "$WORK/$tag.$label" >"$WORK/$tag.$label.stats"
	done
}
st() { cat "$WORK/$1.stats"; }
modeof() { sed 's/^# //' "$WORK/$1.mode" 2>/dev/null || echo "-"; }

UIDN=$(id -u)
GIDN=$(id -g)
PRE="LD_PRELOAD=$LIB"
ACT="$PRE SOCKMODE_MODE=0660 SOCKMODE_OWNER=$UIDN SOCKMODE_GROUP=$GIDN"

# --- 1. load cost ---------------------------------------------------------------
log "1. load cost: $SPAWNS spawns per variant"
variants=(@none @none-again
	@empty "LD_PRELOAD=$BB/empty.so" @empty-again "LD_PRELOAD=$BB/empty.so"
	@sockmode "$PRE" SOCKMODE_MODE=0660
	@sockmode-noenv "$PRE"
	@sockmode-names "$PRE" SOCKMODE_MODE=0660 SOCKMODE_OWNER=nobody
	SOCKMODE_GROUP=nogroup)
[ -f "$FAKETIME_SO" ] && variants+=(@faketime "LD_PRELOAD=$FAKETIME_SO")
[ -n "$LAZY" ] && variants+=(@sockmode-lazy "LD_PRELOAD=$LAZY" SOCKMODE_MODE=0660)
[ -f "$PROXY_SO" ] && variants+=(@proxychains "LD_PRELOAD=$PROXY_SO"
	"PROXYCHAINS_CONF_FILE=$WORK/proxychains.conf" PROXYCHAINS_QUIET_MODE=1)
# Each variant must run cleanly once, with its output visible.
for v in "$LIB" "$BB/empty.so"; do
	if [ -n "$(LD_PRELOAD=$v SOCKMODE_MODE=0660 "$BB/true" 2>&1)" ]; then
		echo "run.sh: $v prints something at load" >&2
		exit 1
	fi
done
"$BB/spawn" "$SPAWNS" 50 "$BB/true" "${variants[@]}" >"$WORK/load"
"$BB/spawn" $((SPAWNS / 2)) 50 "$BB/true-malloc" @empty \
	"LD_PRELOAD=$BB/empty.so" @sockmode "$PRE" SOCKMODE_MODE=0660 \
	>"$WORK/load-malloc"
lo() { awk -v l="$1" '$1 == l { print $3, $4, $5, $2 }' "$WORK/load"; }
# The system calls the library adds to a start-up.
if command -v strace >/dev/null; then
	for v in empty lib; do
		pre=$BB/empty.so
		[ $v = lib ] && pre=$LIB
		strace -qq -o "$WORK/load-strace.$v" -E "LD_PRELOAD=$pre" \
			-E SOCKMODE_MODE=0660 "$BB/true" || true
		sed -E 's/0x[0-9a-f]+/X/g; s/= [0-9]+$/= N/; s/\\x[0-9a-f]{2}//g
			s#'"$BB"'/empty.so|'"$LIB"'#LIBRARY#
			s/(st_size=)[0-9]+/\1N/; s/(mmap\(X, )[0-9]+/\1N/
			s/(mmap\(NULL, )[0-9]+/\1N/' \
			"$WORK/load-strace.$v" >"$WORK/load-strace.$v.norm"
	done
	diff "$WORK/load-strace.empty.norm" "$WORK/load-strace.lib.norm" |
		sed -n 's/^> //p' >"$WORK/load-extra" || true
fi

HYPER_NOTE="hyperfine is not installed: no second view."
if command -v hyperfine >/dev/null; then
	log "1b. load cost, hyperfine"
	hyperfine -N --style none --warmup 20 --runs $((300 / Q)) \
		--export-json "$WORK/hyper.json" \
		-n none "env $BB/true" \
		-n empty "env LD_PRELOAD=$BB/empty.so $BB/true" \
		-n sockmode "env LD_PRELOAD=$LIB SOCKMODE_MODE=0660 $BB/true" \
		>/dev/null 2>&1 || true
	if [ -s "$WORK/hyper.json" ] && command -v jq >/dev/null; then
		HYPER_NOTE=""
	else
		HYPER_NOTE="hyperfine or jq failed: no second view."
	fi
fi

# --- 2. pass-through --------------------------------------------------------------
log "2. pass-through"
PT_ARGS="-r 20 -n 200"
alt inet "$ROUNDS" "$PT_ARGS inet" "bare" "bare-again" \
	"lib $PRE SOCKMODE_MODE=0660"
alt abstract "$ROUNDS" "$PT_ARGS abstract" "bare" \
	"lib $PRE SOCKMODE_MODE=0660"
alt nomatch "$ROUNDS" "$PT_ARGS path $SOCK" "bare" \
	"lib $PRE SOCKMODE_MODE=0660 SOCKMODE_MATCH=/nomatch/*"

# --- 3. acting ----------------------------------------------------------------------
log "3. acting"
AC_ARGS="-r 20 -n 100"
alt st-stream "$ROUNDS" "$AC_ARGS path $SOCK" "bare" "bare-again" \
	"lib $ACT" "textbook" "lib-modeonly $PRE SOCKMODE_MODE=0660" \
	"lib-nomode $PRE SOCKMODE_OWNER=$UIDN SOCKMODE_GROUP=$GIDN" \
	"lib-acl $ACT SOCKMODE_ACL=u:65534:rw,g:65534:rw" \
	"lib-dirs $ACT SOCKMODE_DIRMODE=0700 SOCKMODE_DIRGROUP=$GIDN"
alt st-dgram "$ROUNDS" "$AC_ARGS -d path $SOCK" "bare" "lib $ACT" "textbook"
alt mt-stream "$ROUNDS" "$AC_ARGS -t path $SOCK" "bare" "lib $ACT" "textbook"
alt mt-dgram "$ROUNDS" "$AC_ARGS -t -d path $SOCK" "bare" "lib $ACT" \
	"textbook"
# SPEC 7: the same matching bind done by the seccomp supervisor
# (sockmode --via=seccomp), next to the library. A variant's words may be
# a command prefix: env runs sockmode, which execs the bind loop.
SUPER="$BUILD/sockmode --via=seccomp -m 0660 -o $UIDN -g $GIDN --"
SUPER_NOTE=""
if [ -x "$BUILD/sockmode" ] && $SUPER /bin/true 2>/dev/null; then
	log "3c. acting through the seccomp supervisor"
	alt sv-stream "$ROUNDS" "$AC_ARGS path $SOCK" "bare" "lib $ACT" \
		"super $SUPER"
	alt sv-inet "$ROUNDS" "-r 20 -n 200 inet" "bare" "super $SUPER"
	if command -v hyperfine >/dev/null; then
		hyperfine -N --style none --warmup 20 --runs $((200 / Q)) \
			--export-json "$WORK/sv-start.json" \
			"$BUILD/sockmode --via=preload -m 0660 -- $BB/true" \
			"$SUPER $BB/true" >/dev/null 2>&1 ||
			SUPER_NOTE="hyperfine failed: no start-up figure."
	else
		SUPER_NOTE="hyperfine is not installed: no start-up figure."
	fi
else
	SUPER_NOTE="sockmode --via=seccomp does not run here (no build/sockmode, or seccomp refused): not measured."
fi
log "3b. the library's calls inside bind(), cheaper ways"
# tc TAG "ENV..." "BINDLOOP ARGS": the calls made inside bind(), timed.
tc() {
	local words=()
	read -ra words <<<"$2"
	# shellcheck disable=SC2086 # $3 is a list of words
	env ${words[@]+"${words[@]}"} "$BB/bindloop-tc" -q -r 4 -n $((500 / Q)) \
		$3 >"$WORK/tc.$1"
}
tc bare "" "path $SOCK"
tc st-stream "$ACT" "path $SOCK"
tc mt-dgram "$ACT" "-t -d path $SOCK"
tc nomode "$PRE SOCKMODE_OWNER=$UIDN SOCKMODE_GROUP=$GIDN" "path $SOCK"
tc nomatch "$PRE SOCKMODE_MODE=0660 SOCKMODE_MATCH=/nomatch/*" "path $SOCK"
"$BB/alts" -n $((2000 / Q)) "$SOCK" >"$WORK/alts"

# strace_one TAG BINDLOOP-ARGS: the system calls of one matching bind.
STRACE_NOTE=""
strace_one() {
	local words=()
	read -ra words <<<"${3:-$ACT}"
	# shellcheck disable=SC2086 # $2 is a list of words
	env "${words[@]}" strace -f -qq -s 40 -o "$WORK/strace.$1" \
		"$BB/bindloop" -q -m -r 1 -n 2 $2 "$SOCK" >/dev/null 2>&1
	awk '/sockmode-bench: bind begins/ { on = 1; buf = ""; next }
	     /sockmode-bench: bind ends/ { on = 0; last = buf; next }
	     on { sub(/^[0-9]+ +/, ""); buf = buf $0 "\n" }
	     END { printf "%s", last }' "$WORK/strace.$1" >"$WORK/sys.$1"
}
if command -v strace >/dev/null; then
	strace_one st-stream "path"
	strace_one st-dgram "-d path"
	strace_one mt-stream "-t path"
	strace_one mt-dgram "-t -d path"
	strace_one nomode "path" "$PRE SOCKMODE_OWNER=$UIDN SOCKMODE_GROUP=$GIDN"
	strace_one nomatch "path" "$PRE SOCKMODE_MODE=0660 SOCKMODE_MATCH=/nomatch/*"
else
	STRACE_NOTE="strace is not installed: no system call listing."
fi

CG_NOTE=""
CG_N=$((1000 / Q))
# callgrind_run TAG PRELOAD-ENV...: Ir inside bind() per call.
callgrind_run() {
	local tag=$1
	shift
	env "$@" valgrind --tool=callgrind --toggle-collect=bind \
		--callgrind-out-file="$WORK/cg.$tag" \
		"$BB/bindloop" -q -r 1 -n "$CG_N" path "$SOCK" \
		>"$WORK/cg.$tag.log" 2>&1
	# One warm-up repetition, one timed: 2 * CG_N binds.
	awk -v n=$((2 * CG_N)) '/^(summary|totals):/ { t = $2 }
		END { printf "%.0f", t / n }' "$WORK/cg.$tag"
}
if command -v valgrind >/dev/null; then
	log "3c. callgrind"
	CG_BARE=$(callgrind_run bare)
	read -ra actwords <<<"$ACT"
	CG_LIB=$(callgrind_run lib "${actwords[@]}")
	# The library's functions, inclusive instructions per bind.
	callgrind_annotate --inclusive=yes --threshold=100 "$WORK/cg.lib" 2>/dev/null |
		grep 'libsockmode.so\]' |
		awk -v n=$((2 * CG_N)) '{ c = $1; gsub(/,/, "", c)
			f = $0; sub(/^ *[0-9,]+ +\( *[0-9.]+%\) +/, "", f)
			sub(/ +\[.*$/, "", f)
			printf "| %s | %.0f |\n", f, c / n }' |
		head -12 >"$WORK/cg.lib.top" || true
	grep -h 'unhandled' "$WORK/cg.lib.log" | sort -u | awk 'NR <= 3' \
		>"$WORK/cg.unhandled" || true
	# Start-up instructions of true-malloc: total, the loader's
	# relocation, and the library's constructor (its costliest function
	# when nothing binds).
	for v in empty lib lazy; do
		case $v in
		empty) pre=$BB/empty.so ;;
		lib) pre=$LIB ;;
		lazy) pre=$LAZY; [ -n "$pre" ] || continue ;;
		esac
		LD_PRELOAD=$pre SOCKMODE_MODE=0660 valgrind --tool=callgrind \
			--callgrind-out-file="$WORK/cgload.$v" "$BB/true-malloc" \
			>/dev/null 2>&1 || true
		callgrind_annotate --inclusive=yes --threshold=100 \
			"$WORK/cgload.$v" 2>/dev/null | tr -d , | awk '
			/PROGRAM TOTALS/ { t = $1 }
			/_dl_relocate_object \[/ { r = $1 }
			/libsockmode[^ ]*\.so\]/ && $1 > c { c = $1 }
			END { printf "%d %d %d\n", t, r, c }' >"$WORK/cgload.$v.sum"
	done
else
	CG_NOTE="valgrind is not installed: no instruction counts."
fi

# --- 4. scale -------------------------------------------------------------------------
log "4. scale"
# rules N: N-1 globs that match nothing, then one that matches $SOCK.
rules() {
	local n=$1 i s=""
	for ((i = 1; i < n; i++)); do
		s+="/nm/$i/*:"
	done
	printf '%s' "$s$WORK/*"
}
R1=$(rules 1)
R100=$(rules 100)
R1000=$(rules 1000)
R10000=$(rules 10000)
"$BB/spawn" "$SCALE_SPAWNS" 25 "$BB/true" \
	@empty "LD_PRELOAD=$BB/empty.so" \
	@r1 "$PRE" SOCKMODE_MODE=0660 "SOCKMODE_MATCH=$R1" \
	@r100 "$PRE" SOCKMODE_MODE=0660 "SOCKMODE_MATCH=$R100" \
	@r1000 "$PRE" SOCKMODE_MODE=0660 "SOCKMODE_MATCH=$R1000" \
	@r10000 "$PRE" SOCKMODE_MODE=0660 "SOCKMODE_MATCH=$R10000" \
	>"$WORK/scale-load"
alt scale "$ROUNDS" "-r 10 -n 50 path $SOCK" \
	"r1 $ACT SOCKMODE_MATCH=$R1" \
	"r100 $ACT SOCKMODE_MATCH=$R100" \
	"r1000 $ACT SOCKMODE_MATCH=$R1000" \
	"r10000 $ACT SOCKMODE_MATCH=$R10000"

# --- allocations in bind() ----------------------------------------------------------------
log "5. allocations"
mc() {
	local words=()
	read -ra words <<<"$1"
	# shellcheck disable=SC2086 # $2 is a list of words
	env "${words[@]}" "$BB/bindloop-mc" -r 1 -n 500 $2 |
		awk '/^mallocs-in-bind/ { print $2, $4, $6 }'
}
MC_ST=$(mc "$ACT" "path $SOCK")
MC_STD=$(mc "$ACT" "-d path $SOCK")
MC_MT=$(mc "$ACT" "-t path $SOCK")
MC_MTD=$(mc "$ACT" "-t -d path $SOCK")
MC_INET=$(mc "$PRE SOCKMODE_MODE=0660" "inet")
MC_NM=$(mc "$PRE SOCKMODE_MODE=0660 SOCKMODE_MATCH=/nomatch/*" "path $SOCK")
MC_R10K=$(mc "$ACT SOCKMODE_MATCH=$R10000" "path $SOCK")
VG_ALLOCS=""
if command -v valgrind >/dev/null; then
	# Heap allocations of the whole process, 10 against 1010 cycles.
	vg_allocs() {
		env "${actwords[@]}" valgrind --tool=memcheck "$BB/bindloop" \
			-q -r 1 -n "$1" path "$SOCK" 2>&1 |
			sed -nE 's/.*total heap usage: ([0-9,]+) allocs.*/\1/p' |
			tr -d ,
	}
	a10=$(vg_allocs 10)
	a1010=$(vg_allocs 1010)
	VG_ALLOCS="$a10 $a1010"
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
ELAPSED=$(($(date +%s) - T_START))
log "writing $OUT"

# --- RESULTS.md ------------------------------------------------------------------------
# tc_table TAG: the library's calls inside bind(), as markdown rows; sets
# nothing, prints the rows sorted by cost, then the remainder rows.
tc_table() {
	awk -v bare="$(awk '$2 == "bind()" { print $NF }' "$WORK/tc.bare")" '
	$1 == "timer" { timer = $2; next }
	$1 == "call" {
		name = $2; for (i = 3; i <= NF - 2; i++) name = name " " $i
		if (name == "bind() as a whole") { whole = $NF - timer; next }
		med = $NF - timer; if (med < 0) med = 0
		n++; nm[n] = name; calls[n] = $(NF - 1); per[n] = med
		cost[n] = $(NF - 1) * med; sum += cost[n]; ncalls += $(NF - 1)
	}
	END {
		bare -= timer
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (cost[j] > cost[i]) {
				t = nm[i]; nm[i] = nm[j]; nm[j] = t
				t = calls[i]; calls[i] = calls[j]; calls[j] = t
				t = per[i]; per[i] = per[j]; per[j] = t
				t = cost[i]; cost[i] = cost[j]; cost[j] = t
			}
		for (i = 1; i <= n; i++)
			printf "| %s | %.2f | %.0f | %.0f | %.0f %% |\n", nm[i],
			       calls[i], per[i], cost[i], 100 * cost[i] / whole
		over = ncalls * 2 * timer
		printf "| the wrappers'"'"' own timing (≈ 2 timer reads per call) | | | %.0f | %.0f %% |\n", over, 100 * over / whole
		rest = whole - sum - over
		printf "| the rest: the real bind, the library'"'"'s own code, calls not wrapped | | | %.0f | %.0f %% |\n", rest, 100 * rest / whole
		printf "| **bind() as a whole** | | | **%.0f** | 100 %% |\n", whole
		printf "| for reference: bind() without the library | | | %.0f | |\n", bare
	}' "$WORK/tc.$1"
}
# tc_top TAG N: the N costliest calls, "name (ns)" comma-separated.
# (awk stops printing itself: a 'head' here could SIGPIPE tc_table, which
# pipefail turns into a failed run.)
tc_top() {
	tc_table "$1" | grep -v 'the rest\|bind()' |
		awk -F'|' -v n="$2" 'NR <= n { gsub(/^ +| +$/, "", $2); gsub(/ /, "", $5)
			printf "%s%s %s ns", (NR > 1 ? ", " : ""), $2, $5 }'
}
tc_whole() { tc_table "$1" | awk -F'|' '/bind\(\) as a whole/ { gsub(/[ *]/, "", $5); print $5 }'; }

{
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | awk 'NR == 1')
GLIBC=$(ldd --version 2>&1 | awk 'NR == 1 { sub(/^ldd /, ""); print }')
echo "# sockmode benchmark results"
echo
echo "Written by \`bench/run.sh\` (\`make bench\`); do not edit by hand."
echo "How to read it: [README.md](README.md)."
echo
echo "| | |"
echo "|---|---|"
echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
echo "| command | \`make bench\` = \`bash bench/run.sh $BUILD\` |"
echo "| library | libsockmode.so, $(stat -c %s "$LIB") bytes, commit $(git -C "$HERE" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$HERE" diff --quiet HEAD -- ../shim 2>/dev/null || echo ' + uncommitted changes in shim/') |"
echo "| machine | $(nproc) CPUs, $CPU |"
echo "| kernel | $(uname -srm) |"
echo "| glibc | $GLIBC |"
echo "| compiler | $($CC --version | awk 'NR == 1') |"
echo "| filesystem | $(dirname "$WORK") ($(stat -f -c %T "$WORK")) |"
echo "| load average before / after | $LOAD_BEFORE / $LOAD_AFTER |"
echo "| run time | $ELAPSED s |"
echo
echo "Times are min / **median** / max of the samples. A ratio is the"
echo "median over the median of its baseline, both measured in this run,"
echo "interleaved. *met* means the median ratio is at most the target; read"
echo "it against the A/A rows (a baseline against itself: the noise floor)."
echo

L_NONE=$(lo none); L_NONE2=$(lo none-again)
L_EMPTY=$(lo empty); L_EMPTY2=$(lo empty-again)
L_SM=$(lo sockmode)
LM_E=$(awk '$1 == "empty" { print $3, $4, $5, $2 }' "$WORK/load-malloc")
LM_S=$(awk '$1 == "sockmode" { print $3, $4, $5, $2 }' "$WORK/load-malloc")
R_LOADM=$(ratio "$(field 2 "$LM_S")" "$(field 2 "$LM_E")")
med() { field 2 "$(st "$1")"; }
R_LOAD=$(ratio "$(field 2 "$L_SM")" "$(field 2 "$L_EMPTY")")
R_AA_LOAD=$(ratio "$(field 2 "$L_EMPTY2")" "$(field 2 "$L_EMPTY")")
R_AA_LOAD0=$(ratio "$(field 2 "$L_NONE2")" "$(field 2 "$L_NONE")")
R_INET=$(ratio "$(med inet.lib)" "$(med inet.bare)")
R_AA_INET=$(ratio "$(med inet.bare-again)" "$(med inet.bare)")
R_ABS=$(ratio "$(med abstract.lib)" "$(med abstract.bare)")
R_NM=$(ratio "$(med nomatch.lib)" "$(med nomatch.bare)")
R_PT=$(printf '%s\n' "$R_INET" "$R_ABS" "$R_NM" | sort -g | tail -1)
R_ACT=$(ratio "$(med st-stream.lib)" "$(med st-stream.bare)")
R_ACTD=$(ratio "$(med st-dgram.lib)" "$(med st-dgram.bare)")
R_AA_ACT=$(ratio "$(med st-stream.bare-again)" "$(med st-stream.bare)")
R_TB=$(ratio "$(med st-stream.textbook)" "$(med st-stream.bare)")
R_MT=$(ratio "$(med mt-stream.lib)" "$(med mt-stream.bare)")
R_MTD=$(ratio "$(med mt-dgram.lib)" "$(med mt-dgram.bare)")
S_R1=$(awk '$1 == "r1" { print $4 }' "$WORK/scale-load")
S_R10K=$(awk '$1 == "r10000" { print $4 }' "$WORK/scale-load")
S_EMPTY=$(awk '$1 == "empty" { print $4 }' "$WORK/scale-load")
LOAD_PER_RULE=$(awk -v a="$S_R1" -v b="$S_R10K" 'BEGIN { printf "%.0f", (b - a) * 1000 / 9999 }')
B_R1=$(med scale.r1)
B_R10K=$(med scale.r10000)
BIND_PER_RULE=$(awk -v a="$B_R1" -v b="$B_R10K" 'BEGIN { printf "%.1f", (b - a) / 9999 }')
MC_ALL0=yes
for m in "$MC_ST" "$MC_STD" "$MC_MT" "$MC_MTD" "$MC_INET" "$MC_NM" "$MC_R10K"; do
	[ "$(field 1 "$m")" = 0 ] || MC_ALL0=no
done

echo "## Summary"
echo
echo "| figure | baseline | median ratio | target | |"
echo "|---|---|---|---|---|"
echo "| 1. load: libsockmode.so with SOCKMODE_MODE=0660 | empty preload .so | $R_LOAD | ≤ 1.02 | $(verdict "$R_LOAD" 1.02) |"
echo "| 1. load, program that allocates itself (true-malloc) | empty preload .so | $R_LOADM | ≤ 1.02 | $(verdict "$R_LOADM" 1.02) |"
echo "| 2. pass-through: AF_INET / abstract / non-matching path | the same bind without the library | $R_INET / $R_ABS / $R_NM | ≤ 1.02 each | $(verdict "$R_PT" 1.02) |"
echo "| 3. acting: matching path bind, single-threaded, stream / dgram | bare bind | $R_ACT / $R_ACTD | ≤ 2.5 | $(verdict "$(printf '%s\n' "$R_ACT" "$R_ACTD" | sort -g | tail -1)" 2.5) |"
echo "| 3. acting: matching path bind, multi-threaded, stream / dgram | bare bind, multi-threaded | $R_MT / $R_MTD | (reported) | |"
echo "| 3. acting: single-threaded stream / dgram | textbook sequence by hand | $(ratio "$(med st-stream.lib)" "$(med st-stream.textbook)") / $(ratio "$(med st-dgram.lib)" "$(med st-dgram.textbook)") | (reported) | |"
if [ -s "$WORK/sv-stream.super.stats" ]; then
	echo "| 3. acting through the seccomp supervisor (SPEC 7), stream | bare bind / libsockmode.so | $(ratio "$(med sv-stream.super)" "$(med sv-stream.bare)") / $(ratio "$(med sv-stream.super)" "$(med sv-stream.lib)") | (reported) | |"
fi
echo "| 4. scale: load time per rule (1 → 10,000 rules) | | +$LOAD_PER_RULE ns | (reported) | |"
echo "| 4. scale: matching bind, per rule scanned | | +$BIND_PER_RULE ns | (reported) | |"
echo "| allocations inside bind() (all cases of section 5) | | $( [ $MC_ALL0 = yes ] && echo none || echo some) | none | $( [ $MC_ALL0 = yes ] && echo met || echo '**not met**') |"
echo
echo "Noise floor (A/A, same run): load $R_AA_LOAD (empty .so) and"
echo "$R_AA_LOAD0 (no preload); AF_INET bind $R_AA_INET; bare path bind"
echo "$R_AA_ACT. The textbook sequence (umask swap, bind, chown, chmod by"
echo "path) costs $R_TB × the bare bind."
echo

echo "## 1. Load cost"
echo
echo "\`spawn\`: posix_spawn + waitpid of \`true\` (a C program that returns"
echo "at once), $SPAWNS spawns per variant in alternating blocks of 50; wall"
echo "time per spawn in µs."
echo
echo "| variant | min / **median** / max µs | vs empty .so | vs no preload | target | |"
echo "|---|---|---|---|---|---|"
lrow() {
	local s r
	s=$(lo "$1")
	[ -n "$s" ] || return 0
	r=$(ratio "$(field 2 "$s")" "$(field 2 "$L_EMPTY")")
	echo "| $2 | $(mmm "$s" 1 1) | $r | $(ratio "$(field 2 "$s")" "$(field 2 "$L_NONE")") | ${3:-} | ${3:+$(verdict "$r" "${3#≤ }")} |"
}
lrow none "no preload"
lrow none-again "no preload, again (A/A)"
lrow empty "empty .so (baseline)"
lrow empty-again "empty .so, again (A/A)"
lrow sockmode "**libsockmode.so, SOCKMODE_MODE=0660**" "≤ 1.02"
lrow sockmode-noenv "libsockmode.so, no SOCKMODE_* set"
lrow sockmode-names "libsockmode.so, MODE + OWNER=nobody GROUP=nogroup (NSS at load)"
lrow sockmode-lazy "experiment: the same objects relinked with -z lazy instead of -z now, MODE=0660"
lrow faketime "libfaketime.so.1 (FAKETIME unset)"
lrow proxychains "libproxychains.so.4 (minimal config file)"
echo
[ -n "$OTHERS_NOTE" ] && { echo "$OTHERS_NOTE"; echo; }
if [ -s "$WORK/cgload.lib.sum" ]; then
	echo "Where the extra start-up work is (callgrind, user-space instructions"
	echo "of one start of \`true-malloc\`):"
	echo
	echo "| preload | whole start-up | loader's relocation | library constructor |"
	echo "|---|---|---|---|"
	for v in empty lib lazy; do
		[ -s "$WORK/cgload.$v.sum" ] || continue
		case $v in
		empty) n="empty .so" ;;
		lib) n="libsockmode.so (-z now)" ;;
		lazy) n="experiment: relinked -z lazy" ;;
		esac
		read -r a b c <"$WORK/cgload.$v.sum"
		echo "| $n | $a | $b | $([ "$v" = empty ] && echo - || echo "$c") |"
	done
	echo
fi
echo "The library's load-time extra over the empty .so: $(awk -v a="$(field 2 "$L_SM")" -v b="$(field 2 "$L_EMPTY")" 'BEGIN { printf "%+.1f", a - b }') µs"
echo "(median). The same pair with a program that allocates once itself"
echo "(\`true-malloc\`, as almost every real program does, so setting up the"
echo "heap is no longer the library's doing), $((SPAWNS / 2)) spawns each:"
echo
echo "| variant | min / **median** / max µs | vs empty .so | target | |"
echo "|---|---|---|---|---|"
echo "| true-malloc, empty .so | $(mmm "$LM_E" 1 1) | 1.000 | | |"
echo "| true-malloc, **libsockmode.so, SOCKMODE_MODE=0660** | $(mmm "$LM_S" 1 1) | $R_LOADM | ≤ 1.02 | $(verdict "$R_LOADM" 1.02) |"
echo
if [ -s "$WORK/load-extra" ]; then
	echo "System calls the library adds to the start-up of \`true\` (strace,"
	echo "compared with the empty .so; sizes and addresses left out):"
	echo
	echo '```'
	cat "$WORK/load-extra"
	echo '```'
	echo
fi
if [ -z "$HYPER_NOTE" ]; then
	echo "Second view, \`hyperfine -N\`, $((300 / Q)) runs each. Each command is"
	echo "\`env [VAR=...] true\`: one more exec for every variant, so compare the"
	echo "differences in µs, not the ratios:"
	echo
	echo "| command | min / **median** / max µs | minus empty .so |"
	echo "|---|---|---|"
	for n in none empty sockmode; do
		jq -r --arg n "$n" '.results[] | select(.command == $n) |
			"\(.min * 1e6) \(.median * 1e6) \(.max * 1e6)"' \
			"$WORK/hyper.json" >"$WORK/hyper.$n"
	done
	he=$(awk '{ print $2 }' "$WORK/hyper.empty")
	for n in none empty sockmode; do
		echo "| $n | $(mmm "$(cat "$WORK/hyper.$n")" 1 1) | $(awk -v a="$(awk '{ print $2 }' "$WORK/hyper.$n")" -v b="$he" 'BEGIN { printf "%+.1f µs", a - b }') |"
	done
else
	echo "$HYPER_NOTE"
fi
echo

echo "## 2. Pass-through cost"
echo
echo "\`bindloop\`: socket + bind + close (+ unlink for a path) per"
echo "iteration; a sample is the mean of 200 iterations, in µs. The same"
echo "binary with and without \`LD_PRELOAD\`, $ROUNDS alternating processes"
echo "of 20 samples per variant. The path case has"
echo "\`SOCKMODE_MATCH=/nomatch/*\`."
echo
echo "| case | without the library | with it | ratio | target | |"
echo "|---|---|---|---|---|---|"
prow() {
	echo "| $1 | $(mmm "$(st "$2.bare")" 1000 2) | $(mmm "$(st "$2.lib")" 1000 2) | $3 | ≤ 1.02 | $(verdict "$3" 1.02) |"
}
prow "AF_INET 127.0.0.1:0" inet "$R_INET"
echo "| AF_INET, without vs without (A/A) | $(mmm "$(st inet.bare)" 1000 2) | $(mmm "$(st inet.bare-again)" 1000 2) | $R_AA_INET | | |"
prow "AF_UNIX abstract" abstract "$R_ABS"
prow "AF_UNIX path, not matching" nomatch "$R_NM"
echo
echo "A non-matching path is matched twice: as given, then with its"
echo "directory's symlinks resolved (SPEC 3.3). The calls the library makes"
echo "for it, inside bind() (\`bindloop-tc\`, see 3.2):"
echo
echo "| call | calls per bind | median ns per call | ns per bind | share |"
echo "|---|---|---|---|---|"
tc_table nomatch
echo
if [ -s "$WORK/sys.nomatch" ]; then
	echo '```'
	sed -E 's/(.{110}).*/\1…/' "$WORK/sys.nomatch"
	echo '```'
	echo
fi

echo "## 3. Acting cost: one matching AF_UNIX path bind"
echo
echo "socket + bind + close + unlink per iteration; a sample is the mean of"
echo "100 iterations, in µs. The rule: SOCKMODE_MODE=0660"
echo "SOCKMODE_OWNER=$UIDN SOCKMODE_GROUP=$GIDN (so the chown is made, as in"
echo "the textbook sequence). *textbook*: umask(0777), bind, umask(old),"
echo "chown(path), chmod(path), by hand, without the library."
echo "Multi-threaded: one idle pthread is started first, so the library"
echo "takes its multi-threaded path. *file made* is what the first bind of"
echo "each variant left (process umask 022)."
echo
echo "| case | variant | min / **median** / max µs | vs bare | vs textbook | target | | file made |"
echo "|---|---|---|---|---|---|---|---|"
arow() {
	local tag=$1 label=$2 name=$3 target=${4:-} r
	r=$(ratio "$(med "$tag.$label")" "$(med "$tag.bare")")
	echo "| $tag | $name | $(mmm "$(st "$tag.$label")" 1000 2) | $r | $(ratio "$(med "$tag.$label")" "$(med "$tag.textbook")") | $target | ${target:+$(verdict "$r" "${target#≤ }")} | $(modeof "$tag.$label") |"
}
for t in st-stream st-dgram mt-stream mt-dgram; do
	arow "$t" bare "bare bind"
	[ "$t" = st-stream ] && arow "$t" bare-again "bare bind, again (A/A)"
	case $t in
	st-*) arow "$t" lib "**libsockmode.so**" "≤ 2.5" ;;
	*) arow "$t" lib "**libsockmode.so**" ;;
	esac
	if [ "$t" = st-stream ]; then
		arow "$t" lib-modeonly "libsockmode.so, MODE only (no chown)"
		arow "$t" lib-nomode "libsockmode.so, OWNER + GROUP, no MODE"
		arow "$t" lib-acl "libsockmode.so + acl=u:65534:rw,g:65534:rw (setxattr instead of removexattr + chmod)"
		arow "$t" lib-dirs "libsockmode.so + dirmode=0700 dirgroup=$GIDN (directory exists: one stat)"
	fi
	arow "$t" textbook "textbook sequence"
done
echo

echo "### 3.0 Through the seccomp supervisor (sockmode --via=seccomp)"
echo
if [ -s "$WORK/sv-stream.super.stats" ]; then
	echo "The same loops, the program run by \`$SUPER\`"
	echo "(the binds done by the supervisor, SPEC 7), interleaved with the"
	echo "bare bind and the library. *inet* is a pass-through bind (AF_INET,"
	echo "port 0): the filter still stops it, the supervisor lets it"
	echo "continue."
	echo
	echo "| case | variant | min / **median** / max µs | vs bare | vs libsockmode.so |"
	echo "|---|---|---|---|---|"
	for v in bare lib super; do
		[ -s "$WORK/sv-stream.$v.stats" ] || continue
		echo "| stream, matching | $v | $(mmm "$(st sv-stream.$v)" 1000 2) | $(ratio "$(med sv-stream.$v)" "$(med sv-stream.bare)") | $(ratio "$(med sv-stream.$v)" "$(med sv-stream.lib)") |"
	done
	for v in bare super; do
		echo "| inet, pass-through | $v | $(mmm "$(st sv-inet.$v)" 1000 2) | $(ratio "$(med sv-inet.$v)" "$(med sv-inet.bare)") | |"
	done
	if [ -s "$WORK/sv-start.json" ] && command -v jq >/dev/null; then
		echo
		echo "Start-up, \`hyperfine -N\`, the command running a trivial program:"
		echo
		echo "| command | mean ± σ ms |"
		echo "|---|---|"
		jq -r '.results[] | "| `\(.command | sub("^.*/sockmode "; "sockmode ") | sub(" -- .*"; " -- true"))` | \(.mean * 1000 | . * 100 | round / 100) ± \(.stddev * 1000 | . * 100 | round / 100) |"' "$WORK/sv-start.json"
	fi
	[ -n "$SUPER_NOTE" ] && { echo; echo "$SUPER_NOTE"; }
else
	echo "$SUPER_NOTE"
fi
echo

echo "### 3.1 System calls of one matching bind (strace -f)"
echo
if [ -z "$STRACE_NOTE" ]; then
	echo "Between the harness's markers around bind(), for the last of the"
	echo "process's four binds. Lines cut at 110 characters."
	for t in st-stream st-dgram mt-stream mt-dgram nomode; do
		echo
		case $t in
		nomode) echo "st-stream, rule without MODE (OWNER + GROUP only), $(grep -c . "$WORK/sys.$t") system calls:" ;;
		*) echo "$t, $(grep -c . "$WORK/sys.$t") system calls:" ;;
		esac
		echo
		echo '```'
		sed -E 's/(.{110}).*/\1…/' "$WORK/sys.$t"
		echo '```'
	done
else
	echo "$STRACE_NOTE"
fi
echo

echo "### 3.2 Where the time of a matching bind goes"
echo
echo "\`bindloop-tc\` (bindloop.c + interpose.c) wraps, in the executable,"
echo "the libc functions the library imports; the library's own calls go"
echo "through the wrappers, which time each one made inside bind(). Median"
echo "per call (timer cost taken off) × calls per bind, $((2500 / Q)) binds."
echo "The real bind is not wrappable (the library reaches it with"
echo "dlsym(RTLD_NEXT)): it is in *the rest*, together with the library's"
echo "own code."
echo
echo "Single-threaded, SOCK_STREAM, MODE + OWNER + GROUP:"
echo
echo "| call | calls per bind | median ns per call | ns per bind | share |"
echo "|---|---|---|---|---|"
tc_table st-stream
echo
echo "Multi-threaded, SOCK_DGRAM:"
echo
echo "| call | calls per bind | median ns per call | ns per bind | share |"
echo "|---|---|---|---|---|"
tc_table mt-dgram
echo
echo "Single-threaded, rule without MODE (OWNER + GROUP only):"
echo
echo "| call | calls per bind | median ns per call | ns per bind | share |"
echo "|---|---|---|---|---|"
tc_table nomode
echo

echo "### 3.3 User-space instructions (callgrind)"
echo
if [ -z "$CG_NOTE" ]; then
	echo "\`valgrind --tool=callgrind --toggle-collect=bind\`, $((2 * CG_N))"
	echo "single-threaded stream binds: instructions executed inside bind()"
	echo "per call: $CG_BARE without the library, $CG_LIB with it. Callgrind"
	echo "counts user-space instructions only: the kernel work of the system"
	echo "calls, where the time goes (3.2), is invisible to it. At ~1 ns per"
	echo "instruction the library's own code is a small part of the bind."
	echo "The library's functions, inclusive instructions per bind:"
	echo
	echo "| function | instructions per bind |"
	echo "|---|---|"
	cat "$WORK/cg.lib.top"
	if [ -s "$WORK/cg.unhandled" ]; then
		echo
		echo "Valgrind's limits here (the library took its fallback):"
		echo
		echo '```'
		sed -E 's/^[-=]+[0-9]+[-=]+ //' "$WORK/cg.unhandled"
		echo '```'
	fi
else
	echo "$CG_NOTE"
fi
echo

echo "## 4. Scale"
echo
echo "N rules emulated with SOCKMODE_MATCH: N-1 globs \`/nm/I/*\` that match"
echo "nothing, then \`$(dirname "$WORK")/sockmode-bench.*/*\` (this run's"
echo "directory), which matches; each glob is one rule row. Load: $SCALE_SPAWNS"
echo "spawns per variant. Bind: matching the last rule, samples of 50."
echo
echo "| rules | load: min / **median** / max µs | load vs empty .so | matching bind: min / **median** / max µs | bind vs 1 rule |"
echo "|---|---|---|---|---|"
for n in 1 100 1000 10000; do
	s=$(awk -v l="r$n" '$1 == l { print $3, $4, $5, $2 }' "$WORK/scale-load")
	echo "| $n | $(mmm "$s" 1 1) | $(ratio "$(field 2 "$s")" "$S_EMPTY") | $(mmm "$(st "scale.r$n")" 1000 2) | $(ratio "$(med "scale.r$n")" "$B_R1") |"
done
echo
echo "Growth from 1 to 10,000 rules: load +$LOAD_PER_RULE ns per rule, matching"
echo "bind +$BIND_PER_RULE ns per rule scanned. A path that matches no rule is"
echo "scanned twice (as given, then resolved)."
echo

echo "## 5. Allocations inside bind()"
echo
echo "\`bindloop-mc\` (bindloop.c + interpose.c) defines malloc, calloc and"
echo "realloc in the executable, forwarding to glibc: every allocation of"
echo "the process, the library's included, is counted, and those made"
echo "between entering and leaving bind() are reported."
echo
echo "| case | allocations inside bind() | binds | allocations in the whole process |"
echo "|---|---|---|---|"
mrow() { echo "| $1 | $(field 1 "$2") | $(field 2 "$2") | $(field 3 "$2") |"; }
mrow "matching, single-threaded stream" "$MC_ST"
mrow "matching, single-threaded dgram" "$MC_STD"
mrow "matching, multi-threaded stream" "$MC_MT"
mrow "matching, multi-threaded dgram" "$MC_MTD"
mrow "matching the last of 10,000 rules" "$MC_R10K"
mrow "non-matching path (resolved and matched again)" "$MC_NM"
mrow "AF_INET" "$MC_INET"
if [ -n "$VG_ALLOCS" ]; then
	echo
	echo "Cross-check, valgrind memcheck (its own malloc; whole process,"
	echo "matching single-threaded stream binds): $(field 1 "$VG_ALLOCS") heap"
	echo "allocations in total with 20 binds, $(field 2 "$VG_ALLOCS") with 2,020."
fi
echo

echo "## 6. Cheaper ways, measured"
echo
echo "\`alts\` times, on one freshly bound socket file per iteration and"
echo "without the library, each part of a matching bind the way the library"
echo "does it now (*now*) next to replacements (*alt*) and references"
echo "(*ref*); median ns of $((2000 / Q)) iterations (*born* rows: a third of"
echo "them each)."
echo
echo "| part | way | median ns |"
echo "|---|---|---|"
for g in born reach proof acl umask resolve; do
	awk -F'\t' -v g="$g" '$1 == g { printf "| %s | %s | %s |\n", $1, $2, $3 }' \
		"$WORK/alts"
done
echo

# hold=yes: chmod while holding a socket file (issue 14).
bash "$HERE/hold.sh" "$BUILD" "$Q"

echo "## Notes"
echo
if awk -v a="$R_ACT" -v b="$R_ACTD" 'BEGIN { exit !(a > 2.5 || b > 2.5) }'; then
	echo "- **Acting target missed** ($R_ACT / $R_ACTD × the bare bind). Of"
	echo "  $(tc_whole st-stream) ns inside bind() (as timed in 3.2), the costliest calls"
	echo "  (3.2): $(tc_top st-stream 5)."
	echo "  The sock_diag proof (socket + sendto + recv + close of a netlink"
	echo "  socket) is the largest group, then the ACL removal through"
	echo "  /proc/self/fd/N (a /proc path lookup); see section 6."
fi
if awk -v r="$R_NM" 'BEGIN { exit !(r > 1.02) }'; then
	echo "- **Pass-through target missed for the non-matching path** ($R_NM):"
	echo "  $(tc_top nomatch 3) — the SPEC 3.3 second match, with the"
	echo "  directory resolved through /proc/self/fd/N."
fi
if awk -v r="$R_LOAD" 'BEGIN { exit !(r > 1.02) }'; then
	echo "- **Load target missed** ($R_LOAD × the empty .so, A/A $R_AA_LOAD;"
	echo "  $R_LOADM with a program that allocates itself). The extra start-up"
	echo "  work (section 1): the loader binding the ~60 imported symbols at"
	echo "  load (-z now), the constructor, the first malloc's heap set-up, and"
	echo "  the probe of /etc/sockmode.conf. Relinking with -z lazy removes most"
	echo "  of the loader's extra instructions; compare its row for whether that"
	echo "  shows in wall time."
fi
if awk -v a="$R_INET" -v b="$R_ABS" 'BEGIN { exit !(a > 1.02 || b > 1.02) }'; then
	echo "- AF_INET / abstract above 1.02: compare with the A/A row"
	echo "  ($R_AA_INET); the hook adds a few instructions to a bind of µs."
fi
echo "- Rules without MODE read the umask from /proc/self/status on every"
echo "  bind (3.2, last table)."
# alt_ns GROUP PREFIX: the median of the first way of GROUP starting so.
alt_ns() {
	awk -F'\t' -v g="$1" -v p="$2" '$1 == g && index($2, p) == 1 &&
		$3 ~ /^-?[0-9]+$/ { print $3; exit }' "$WORK/alts"
}
saving() { # saving NOW ALT: "N ns" or "n/a"
	if [ -n "$1" ] && [ -n "$2" ]; then
		awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f ns", a - b }'
	else
		echo "n/a here"
	fi
}
P_NOW=$(alt_ns proof "now:")
echo "- Savings per bind measured in section 6: kept netlink socket"
echo "  $(saving "$P_NOW" "$(alt_ns proof "alt: kept")"); SIOCUNIXFILE instead of"
echo "  sock_diag $(saving "$P_NOW" "$(alt_ns proof "alt: ioctl")") (and the"
echo "  open of the directory and the name, $(alt_ns reach "now:") ns, move to"
echo "  the failure path); realpath for the SPEC 3.3 second match"
echo "  $(saving "$(alt_ns resolve "now:")" "$(alt_ns resolve "alt:")"); checking the"
echo "  directory's default ACL with fgetxattr before removing one"
echo "  $(saving "$(alt_ns acl "now:")" "$(alt_ns acl "alt: fgetxattr")") when it has none; O_TMPFILE"
echo "  instead of /proc/self/status for rules without MODE"
echo "  $(saving "$(alt_ns umask "now:")" "$(alt_ns umask "alt:")")."
} >"$OUT"
log "done: $OUT ($(($(date +%s) - T_START)) s)"
