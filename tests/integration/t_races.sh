#!/bin/bash
# Race and attack tests: SPEC 4.2 (born closed), 4.3 (only our inode),
# 4.4 (no umask leak), and a textbook shim (tests/naive/naive.c) that the
# same attacks beat, to show that they bite. Sourced by run.sh.
# shellcheck disable=SC2154 # T, TOOLS, HERE, PRELOAD come from run.sh

# ---- helpers -----------------------------------------------------------

# The Python program of the umask tests:
#   leak.py DIR mt|st N SECONDS UMASK SOCKMODE [first]
# Runs with UMASK (octal): 0 shows a leaked guard umask (0777), 022 also
# shows a leaked 0. mt: two threads create files (mode 0666 asked, so
# 0666 & ~UMASK expected) while the main thread binds datagram and stream
# sockets in DIR, each of which must end with SOCKMODE (octal); st: no
# threads, and the umask is read back after every bind. "first": stop at
# the first wrong file.
RACES_LEAK_PY='
import os, socket, sys, threading, time
d, how, n, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
mask, want = int(sys.argv[5], 8), int(sys.argv[6], 8)
first = len(sys.argv) > 7
os.umask(mask)
stop = threading.Event()
stats = {"files": 0, "badfiles": 0}
lock = threading.Lock()

def creator(k):
    p = "%s/file%d" % (d, k)
    files = bad = 0
    while not stop.is_set():
        fd = os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        m = os.fstat(fd).st_mode & 0o7777
        os.close(fd)
        os.unlink(p)
        files += 1
        if m != 0o666 & ~mask:
            bad += 1
            if first:
                stop.set()
    with lock:
        stats["files"] += files
        stats["badfiles"] += bad

def umask_now():
    # the kernel view, read without changing it
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)

threads = []
if how == "mt":
    threads = [threading.Thread(target=creator, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
before = umask_now()
end = time.monotonic() + secs
i = badsocks = changed = 0
while i < n and time.monotonic() < end and not stop.is_set():
    kind = socket.SOCK_DGRAM if i % 2 == 0 else socket.SOCK_STREAM
    s = socket.socket(socket.AF_UNIX, kind)
    p = "%s/sock%d" % (d, i % 2)
    s.bind(p)
    st = os.lstat(p)
    if st.st_mode & 0o7777 != want or st.st_uid != 0:
        badsocks += 1
    if how == "st":
        # single-threaded: a read-and-restore with os.umask is safe here
        u = os.umask(0o077)
        os.umask(u)
        if u != before:
            changed += 1
    s.close()
    os.unlink(p)
    i += 1
stop.set()
for t in threads:
    t.join()
print("binds=%d badsocks=%d umask_changed_after_bind=%d files=%d "
      "badfiles=%d umask_before=%04o umask_after=%04o"
      % (i, badsocks, changed, stats["files"], stats["badfiles"],
         before, umask_now()))
'

# races_naive_build: compiles the textbook shim into $T/naive.so.
races_naive_build() {
	"${CC:-cc}" -shared -fPIC -o "$T/naive.so" "$HERE/../naive/naive.c" \
		-ldl || fail "cannot build the naive shim"
}

# races_naive VAR=VALUE... -- CMD...: like shim, with $T/naive.so instead
# of the library under test.
races_naive() {
	local vars=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do vars+=("$1"); shift; done
	shift
	env "${CLEAN_ENV[@]}" LD_PRELOAD="$T/naive.so" "${vars[@]}" "$@"
}

# races_start_attacker CMD...: starts CMD as nobody (its own pid in
# $T/atk.pid) and waits until it says "ready".
races_start_attacker() {
	rm -f "$T/stop"
	start_bg atk "${NOBODY[@]}" "$@"
	wait_until "the attacker to start" 5 grep -qs ready "$T/atk.out"
}

# races_stop_attacker: lets the attacker finish and print its counts.
races_stop_attacker() {
	touch "$T/stop"
	wait "$(cat "$T/atk.pid")" || fail "the attacker failed: $(cat "$T/atk.err")"
	rm -f "$T/atk.pid"
}

# races_born TYPE N [idle-thread [FSUID]]: SPEC 4.2. A root server with
# umask 0 binds TYPE sockets under mode 0600 up to N times (5 s at most),
# while nobody spams sendto()/connect() at the path. Nothing may get
# through. With FSUID, each socket is created as root and bound with that
# file-system uid in a directory of that uid (privileges dropped between
# socket() and bind()), so the library cannot chmod the socket's own
# inode and must fall back to another guard.
races_born() {
	local type=$1 n=$2 threads=${3:-} fsuid=${4:-} fails=${5:-0}
	local dir=$T uid=0 vars=() tries received
	if [ -n "$fsuid" ]; then
		dir=$T/u uid=$fsuid vars=(FSUID="$fsuid")
		mkdir "$dir"
		chown "$fsuid:$fsuid" "$dir"
	fi
	races_start_attacker "$TOOLS/spam" "$type" "$dir/s" 30 "$T/stop"
	# shellcheck disable=SC2086 # $threads is one word or none
	shim SOCKMODE_MODE=0600 EXPECT_MODE=0600 EXPECT_UID="$uid" \
		"${vars[@]}" -- "$TOOLS/bornloop" "$dir/s" "$n" 5 "$type" \
		$threads >"$T/server.out" 2>"$T/server.err"
	races_stop_attacker
	note "server: $(cat "$T/server.out")"
	note "attacker (nobody): $(tail -n 1 "$T/atk.out")"
	tries=$(field tries "$T/server.out")
	received=$(field received "$T/server.out")
	assert_eq "datagrams/connections from nobody that the server got" 0 \
		"$received"
	assert_eq "nobody's sendto()/connect() calls that reached a socket" \
		0 "$(field delivered "$T/atk.out")"
	if [ "$fails" = 0 ]; then
		assert_eq "binds that failed" 0 "$(field failed "$T/server.out")"
	else	# fail closed: every bind refused with errno $fails
		assert_eq "binds that failed" "$(field tries "$T/server.out")" \
			"$(field failed "$T/server.out")"
		assert_eq "errno of the refused binds" "$fails" \
			"$(field lasterr "$T/server.out")"
	fi
	assert_eq "binds after which the umask was not the one before" 0 \
		"$(field umask_changed "$T/server.out")"
	assert_eq "sockets without mode 0600 uid $uid after bind" 0 \
		"$(field badmode "$T/server.out")"
	[ "$tries" -ge 1000 ] || fail "only $tries binds: the race did not run"
	[ "$(field attempts "$T/atk.out")" -ge 10000 ] ||
		fail "the attacker barely ran"
	echo "result: born closed ($type${threads:+, $threads}${fsuid:+, fsuid $fsuid}):" \
		"$tries binds, $(field attempts "$T/atk.out") attacks, 0 through"
}

# races_swap_setup: $T/ww world-writable and not sticky (anyone may
# rename over anything in it); $T/victim a root-only file outside it.
races_swap_setup() {
	mkdir "$T/ww"
	chmod 0777 "$T/ww"
	printf 'secret\n' >"$T/victim"
	chmod 0600 "$T/victim"
}

# races_swap KIND TYPE N SECONDS CAPS RUNNER...: nobody keeps replacing
# $T/ww/s with KIND (symlink to the victim, fifo, socket) while a root
# server binds TYPE sockets there under RUNNER (shim or races_naive,
# with the variables), mode 0666 owner nobody; the server stops early
# when the victim changes. CAPS "all": root as usual, which may ask the
# kernel for the bound file (SIOCUNIXFILE needs CAP_NET_ADMIN); CAPS
# "noadmin": root without CAP_NET_ADMIN during bind(), so the library has
# to find the file by name and prove it. Counts in $T/server.out and
# $T/atk.out.
races_swap() {
	local kind=$1 type=$2 n=$3 secs=$4 noadmin=0
	[ "$5" = noadmin ] && noadmin=1
	shift 5
	races_start_attacker "$TOOLS/swapper" "$T/ww/s" "$kind" "$T/victim" \
		30 "$T/stop"
	"$@" SOCKMODE_MODE=0666 SOCKMODE_OWNER=nobody EXPECT_MODE=0666 \
		EXPECT_UID=65534 NOADMIN=$noadmin MIN_OK=100 -- \
		"$TOOLS/bindloop" "$T/ww/s" "$n" "$secs" "$type" "$T/victim" \
		>"$T/server.out" 2>"$T/server.err"
	races_stop_attacker
	note "server: $(cat "$T/server.out")"
	note "attacker (nobody): $(tail -n 1 "$T/atk.out")"
}

# races_swap_check WHAT [MIN_OK]: SPEC 4.3 held through a races_swap run
# in which at least MIN_OK (default 100) binds succeeded.
races_swap_check() {
	local what=$1 min_ok=${2:-100} tries ok caught
	tries=$(field tries "$T/server.out")
	ok=$(field ok "$T/server.out")
	caught=$(field eacces "$T/server.out")
	# First that the attack ran at all: what follows means nothing else.
	[ "$tries" -ge 1000 ] || fail "only $tries binds: the race did not run"
	[ "$ok" -ge "$min_ok" ] ||
		fail "only $ok of $tries binds succeeded, fewer than $min_ok:" \
			"nothing to attack; the server said: $(head -c 300 "$T/server.err")"
	[ "$(field swaps "$T/atk.out")" -ge 1000 ] ||
		fail "the attacker barely ran"
	assert_eq "victim's mode, owner, group, size" "600 0 0 7" \
		"$(stat -c '%a %u %g %s' "$T/victim")"
	assert_eq "victim's content" secret "$(cat "$T/victim")"
	assert_eq "server saw the victim change" same \
		"$(field watch "$T/server.out")"
	assert_eq "attacker's own inodes chowned/chmodded" 0 \
		"$(field tampered "$T/atk.out")"
	assert_eq "attacker writes into the victim" 0 \
		"$(field pwned "$T/atk.out")"
	assert_eq "successful binds whose socket file was not 0666 nobody" 0 \
		"$(field wrong "$T/server.out")"
	assert_eq "attacker entries removed by a refused bind" 0 \
		"$(field gone_after_eacces "$T/server.out")"
	# With CAP_NET_ADMIN the server can always look at its own socket's
	# file (a container without it: only where the name still leads).
	if [ "$(field net_admin "$T/server.out")" = 1 ]; then
		assert_eq "successful binds whose file could be checked" "$ok" \
			"$(field verified "$T/server.out")"
	else
		echo "NOTE: no CAP_NET_ADMIN here: checked" \
			"$(field verified "$T/server.out") of $ok binds by name"
		[ "$(field verified "$T/server.out")" -ge 10 ] ||
			fail "too few binds could be checked"
	fi
	assert_eq "descriptors before/after the binds" \
		"$(field fds "$T/server.out" | cut -d/ -f1)" \
		"$(field fds "$T/server.out" | cut -d/ -f2)"
	echo "result: $what: $tries binds, $ok succeeded, $caught refused (EACCES:" \
		"attacker's inode proven not ours), $(field swaps "$T/atk.out")" \
		"swaps, 0 wins"
}

# races_parent_run CAPS [RUNNER]: the non-final-component swap
# (CVE-2018-6954): nobody
# keeps exchanging $T/ww/d, the directory the root server binds s in,
# with a symlink to $T/vdir, where s is a root-only directory: a library
# that chmods or chowns by path would change it; a bind made through the
# symlink fails (EADDRINUSE: s exists). CAPS as for races_swap.
races_parent_run() {
	local noadmin=0 runner=${2:-shim}
	[ "$1" = noadmin ] && noadmin=1
	mkdir -p "$T/ww/d" "$T/vdir/s"
	chmod 0777 "$T/ww" "$T/ww/d"
	chown nobody "$T/ww/d"
	chmod 0700 "$T/vdir/s"
	races_start_attacker "$TOOLS/swapper" "$T/ww/d" parent "$T/vdir" \
		30 "$T/stop"
	"$runner" SOCKMODE_MODE=0666 SOCKMODE_OWNER=nobody EXPECT_MODE=0666 \
		EXPECT_UID=65534 NOADMIN=$noadmin -- "$TOOLS/bindloop" \
		"$T/ww/d/s" 10000 5 dgram "$T/vdir/s" \
		>"$T/server.out" 2>"$T/server.err"
	races_stop_attacker
	note "server: $(cat "$T/server.out")"
	note "attacker (nobody): $(tail -n 1 "$T/atk.out")"
}

# races_parent CAPS: races_parent_run under the library, and SPEC 4.3.
races_parent() {
	local tries ok
	races_parent_run "$1"
	tries=$(field tries "$T/server.out")
	ok=$(field ok "$T/server.out")
	assert_eq "the victim directory" "700 0 0 directory" \
		"$(stat -c '%a %u %g %F' "$T/vdir/s")"
	assert_eq "server saw the victim change" same \
		"$(field watch "$T/server.out")"
	assert_eq "successful binds whose socket file was not 0666 nobody" 0 \
		"$(field wrong "$T/server.out")"
	assert_eq "descriptors before/after the binds" \
		"$(field fds "$T/server.out" | cut -d/ -f1)" \
		"$(field fds "$T/server.out" | cut -d/ -f2)"
	[ "$tries" -ge 1000 ] || fail "only $tries binds: the race did not run"
	# Without CAP_NET_ADMIN most binds land in the attacker's directory
	# and are refused: 83 of 10,000 succeeded in one loaded run.
	[ "$ok" -ge 20 ] || fail "only $ok binds succeeded: nothing to attack"
	[ "$(field swaps "$T/atk.out")" -ge 1000 ] ||
		fail "the attacker barely ran"
	echo "result: parent directory swap ($1): $tries binds, $ok succeeded," \
		"$(field eacces "$T/server.out") refused (EACCES)," \
		"$(field swaps "$T/atk.out") swaps, 0 wins"
}

test_race_swap_parent_dir() {
	races_parent all
}

test_race_swap_parent_dir_noadmin() {
	races_parent noadmin
}

# The same attack beats the textbook shim (chmod/chown by path): the
# suite is known to bite.
test_race_naive_shim_loses_parent_swap() {
	races_naive_build
	races_parent_run all races_naive
	local now
	now=$(stat -c '%a %u %F' "$T/vdir/s")
	[ "$now" != "700 0 directory" ] ||
		fail "the naive shim left the victim alone this time"
	echo "result: naive shim: parent directory swap: victim became $now" \
		"after $(field tries "$T/server.out") binds"
}

# ---- SPEC 4.4: no umask leak -------------------------------------------

# races_leak NAME mt|st UMASK SOCKMODE VAR=VALUE...: runs leak.py under
# the library with the variables; its counts go to $T/NAME.out.
races_leak() {
	local name=$1 how=$2 mask=$3 want=$4
	shift 4
	printf '%s' "$RACES_LEAK_PY" >"$T/leak.py"
	shim "$@" -- "$PY" "$T/leak.py" "$T" "$how" 3000 8 "$mask" "$want" \
		>"$T/$name.out" 2>"$T/$name.err" ||
		fail "leak.py: $(cat "$T/$name.err")"
	note "$(cat "$T/$name.out")"
	assert_eq "sockets not $want root" 0 "$(field badsocks "$T/$name.out")"
	assert_eq "umask before the binds" "$mask" \
		"$(field umask_before "$T/$name.out")"
	assert_eq "umask after the binds" "$mask" \
		"$(field umask_after "$T/$name.out")"
	[ "$(field binds "$T/$name.out")" -ge 500 ] || fail "too few binds"
}

test_race_umask_no_leak_threads() {
	races_leak mode mt 0000 600 SOCKMODE_MODE=0600
	assert_eq "files created with a wrong mode during binds" 0 \
		"$(field badfiles "$T/mode.out")"
	[ "$(field files "$T/mode.out")" -ge 1000 ] || fail "too few files"
	echo "result: umask, threads: $(field binds "$T/mode.out") binds (half" \
		"datagram), $(field files "$T/mode.out") files by 2 other" \
		"threads, 0 wrong"
}

# A rule without a mode: the library needs the program's umask (0755).
test_race_umask_no_leak_threads_nomode() {
	races_leak nomode mt 0022 755 SOCKMODE_GROUP=65534
	assert_eq "files created with a wrong mode during binds" 0 \
		"$(field badfiles "$T/nomode.out")"
	[ "$(field files "$T/nomode.out")" -ge 1000 ] || fail "too few files"
}

test_race_umask_restored_single_thread() {
	races_leak mode st 0000 600 SOCKMODE_MODE=0600
	assert_eq "binds after which the umask was not the one before" 0 \
		"$(field umask_changed_after_bind "$T/mode.out")"
	races_leak nomode st 0022 755 SOCKMODE_GROUP=65534
	assert_eq "binds after which the umask was not the one before" 0 \
		"$(field umask_changed_after_bind "$T/nomode.out")"
}

# ---- SPEC 4.2: born closed ---------------------------------------------

test_race_born_closed_dgram() { races_born dgram 20000; }

test_race_born_closed_dgram_threads() { races_born dgram 20000 idle-thread; }

# The same where the library cannot fchmod the socket's own inode (made
# by root, bound after dropping to uid 12345): the bind is done by a
# child with a private umask (clone() without CLONE_FS), and the umask
# of the process never changes.
test_race_born_closed_dgram_fallback() { races_born dgram 20000 "" 12345; }

# A stream socket must be closed too: a connect() that passed the
# permission check while the file was still open completes once the
# server listens (measured: a few per 100000 binds), so "nobody can
# connect before listen()" does not make an open-born file safe. Many
# binds, to catch that rare interleaving.
test_race_born_closed_stream_threads() {
	races_born stream 500000 idle-thread
}

# And with threads, where the socket's own mode cannot be set (created by
# root, bound with fsuid 12345; issue 15, 4): the private-umask child
# binds it closed, so every bind works and nobody's connect gets through.
# (Binding stream sockets unguarded let 1-46 of nobody's connects through
# per run; refusing them all was the old answer.)
test_race_born_closed_stream_threads_fallback() {
	races_born stream 500000 idle-thread 12345
}

# ---- SPEC 4.3: only our inode ------------------------------------------

test_race_swap_symlink() {
	races_swap_setup
	races_swap symlink dgram 10000 5 all shim
	races_swap_check "symlink swap, datagram, root"
}

test_race_swap_symlink_noadmin() {
	races_swap_setup
	races_swap symlink dgram 10000 5 noadmin shim
	races_swap_check "symlink swap, datagram, root without CAP_NET_ADMIN"
}

test_race_swap_symlink_stream_threads_noadmin() {
	races_swap_setup
	races_swap symlink stream 10000 5 noadmin shim IDLE_THREAD=1
	races_swap_check "symlink swap, stream, 2 threads, no CAP_NET_ADMIN"
}

test_race_swap_fifo_noadmin() {
	races_swap_setup
	races_swap fifo dgram 10000 5 noadmin shim
	races_swap_check "fifo swap, datagram, no CAP_NET_ADMIN"
}

test_race_swap_socket_threads_noadmin() {
	races_swap_setup
	races_swap socket dgram 10000 5 noadmin shim IDLE_THREAD=1
	races_swap_check "socket swap, datagram, 2 threads, no CAP_NET_ADMIN"
}

# ---- the suite bites: the same attacks against a textbook shim -----------

test_race_naive_shim_loses_symlink_swap() {
	local round changed=""
	races_naive_build
	races_swap_setup
	for round in 1 2 3 4 5; do
		races_swap symlink dgram 20000 2.5 all races_naive
		if [ "$(field watch "$T/server.out")" = changed ]; then
			changed=$round
			break
		fi
	done
	if [ -n "$changed" ]; then
		echo "result: naive shim: victim changed in round $changed after" \
			"$(field tries "$T/server.out") binds: now" \
			"$(stat -c '%a %U' "$T/victim"), content:" \
			"$(tr '\n' ' ' <"$T/victim")"
		# The control must not pass the check the library passes.
		if (races_swap_check naive) 2>/dev/null; then
			fail "races_swap_check passed although the victim changed"
		fi
	else
		echo "NOTE: the naive shim was not beaten in 5 rounds" \
			"(probabilistic): $(cat "$T/server.out")"
	fi
}

test_race_naive_shim_loses_fifo_swap() {
	local tampered
	races_naive_build
	races_swap_setup
	races_swap fifo dgram 6000 3 all races_naive
	tampered=$(field tampered "$T/atk.out")
	if [ "$tampered" -gt 0 ]; then
		echo "result: naive shim: chmodded $tampered of the attacker's FIFOs" \
			"in $(field tries "$T/server.out") binds"
	else
		echo "NOTE: the naive shim touched no FIFO this time" \
			"(probabilistic): $(cat "$T/server.out")"
	fi
}

test_race_naive_shim_leaks_umask() {
	local bad
	races_naive_build
	printf '%s' "$RACES_LEAK_PY" >"$T/leak.py"
	races_naive SOCKMODE_MODE=0600 -- "$PY" "$T/leak.py" "$T" mt 20000 8 \
		0000 600 first >"$T/out" 2>"$T/err" ||
		fail "leak.py: $(cat "$T/err")"
	note "$(cat "$T/out")"
	bad=$(field badfiles "$T/out")
	if [ "$bad" -gt 0 ]; then
		echo "result: naive shim: a file got a wrong mode after" \
			"$(field binds "$T/out") binds"
	else
		echo "NOTE: the naive shim leaked no umask this time" \
			"(probabilistic): $(cat "$T/out")"
	fi
}
