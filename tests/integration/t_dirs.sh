#!/bin/bash
# Issue 7: dirmode=, dirowner=, dirgroup=, dirfix=: the socket's missing
# parent directories are made (below /run, /var/run, /tmp, /var/tmp,
# /dev/shm only) with the asked mode and owner, symlink-safe; an existing
# one is changed only with dirfix=yes. Real programs and real clients, the
# refusals, a symlink-swap attack during creation (plus the textbook
# mkdir -p + chmod that it beats) and the same swaps at moments made
# certain with strace's delay injection. Sourced by run.sh.
# shellcheck disable=SC2154 # T, TOOLS, PRELOAD come from run.sh

# The test server: server.py PATH binds a stream socket to PATH, listens,
# prints "bound", then answers each client "ok:" + its (short) message.
DIRS_SERVER_PY='
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(8)
print("bound", flush=True)
while True:
    c, _ = s.accept()
    c.sendall(b"ok:" + c.recv(4096))
    c.close()
'

# dirs_stat PATH: "MODE OWNER GROUP" of PATH itself (not followed).
dirs_stat() { stat -c '%a %U %G' "$1"; }

# dirs_probe VAR=VALUE...: bindprobe path $P (a stream bind) under the
# library with the variables; prints bindprobe's line, stderr in $T/err.
dirs_probe() {
	shim "$@" -- "$TOOLS/bindprobe" path "$P" 2>"$T/err"
}

# dirs_said LINE: the library's stderr ($T/err) has exactly LINE.
dirs_said() {
	grep -qxF -- "$1" "$T/err" || fail "expected the line '$1', got: $(cat "$T/err")"
}

# dirs_empty DIR: DIR is still an empty root-owned 0755 directory.
dirs_empty() {
	assert_eq "mode/owner/group of $1" "755 root root" "$(dirs_stat "$1")"
	assert_eq "entries of $1" "" "$(ls -A "$1")"
}

# dirs_reach SOCK GID_IN GID_OUT: nobody in group GID_IN (that of the
# made directories) gets an answer; nobody in GID_OUT is stopped by the
# directories (the socket itself is 0666).
dirs_reach() {
	assert_eq "client of group $2" "ok:hi" "$(uclient 65534 "$2" stream "$1" hi)"
	assert_eq "client of group $3" "ERR EACCES" \
		"$(uclient 65534 "$3" stream "$1" hi)"
}

# ---- intended effect ------------------------------------------------------

test_dirs_made_by_env_python() {
	start_shim srv SOCKMODE_MODE=0666 SOCKMODE_DIRMODE=0750 \
		SOCKMODE_DIRGROUP=adm SOCKMODE_LOG=info -- \
		"$PY" -c "$DIRS_SERVER_PY" "$T/a/b/s.sock"
	wait_listening "$T/a/b/s.sock"
	assert_eq "server" bound "$(cat "$T/srv.out")"
	assert_eq "$T/a" "750 root adm" "$(dirs_stat "$T/a")"
	assert_eq "$T/a/b" "750 root adm" "$(dirs_stat "$T/a/b")"
	assert_eq "the existing $T" "755 root root" "$(dirs_stat "$T")"
	assert_stat "$T/a/b/s.sock" 666 root root
	cp "$T/srv.err" "$T/err"
	dirs_said "sockmode: $T/a: directory made"
	dirs_said "sockmode: $T/a/b: directory made"
	dirs_reach "$T/a/b/s.sock" 4 65534
	stop_bg srv
}

test_dirs_made_by_rules_file_socat() {
	printf '# dirs\n%s/s/*.sock  mode=0666 dirmode=0710 dirowner=daemon dirgroup=4\n' \
		"$T" >"$T/r.conf"
	chmod 0644 "$T/r.conf"
	start_shim srv SOCKMODE_CONFIG="$T/r.conf" -- \
		socat UNIX-LISTEN:"$T/s/t/s.sock",fork EXEC:cat
	wait_listening "$T/s/t/s.sock"
	assert_eq "$T/s" "710 daemon adm" "$(dirs_stat "$T/s")"
	assert_eq "$T/s/t" "710 daemon adm" "$(dirs_stat "$T/s/t")"
	assert_stat "$T/s/t/s.sock" 666 root root
	assert_eq "socat's echo through the made directories" hi \
		"$(uclient 65534 4 stream "$T/s/t/s.sock" hi)"
	assert_eq "client outside group adm" "ERR EACCES" \
		"$(uclient 65534 65534 stream "$T/s/t/s.sock" hi)"
	stop_bg srv
}

test_dirs_made_by_wrapper() {
	start_bg srv env "${CLEAN_ENV[@]}" "$TOOLS/../sockmode" -m 0666 \
		--dirmode=0750 --dirgroup=nogroup -- \
		"$PY" -c "$DIRS_SERVER_PY" "$T/w1/w2/s.sock"
	wait_listening "$T/w1/w2/s.sock"
	assert_eq "$T/w1" "750 root nogroup" "$(dirs_stat "$T/w1")"
	assert_eq "$T/w1/w2" "750 root nogroup" "$(dirs_stat "$T/w1/w2")"
	assert_stat "$T/w1/w2/s.sock" 666 root root
	dirs_reach "$T/w1/w2/s.sock" 65534 4
	stop_bg srv
}

# Made directories stay when the bind fails after them (as mkdir -p's);
# without dirmode they get the program's umask (bindprobe umask: 027);
# the real runtime roots /run and /var/run (a symlink to it) work.
test_dirs_made_stay_umask_and_run() {
	run1=/run/sockmode-test-$$ run2=/var/run/sockmode-test2-$$
	# shellcheck disable=SC2064 # expanded now, on purpose
	trap "rm -rf '$run1' '$run2'" EXIT
	assert_eq "bind of a bad descriptor" "badfd rc=-1 errno=EBADF" \
		"$(shim SOCKMODE_DIRMODE=0750 -- "$TOOLS/bindprobe" badfd "$T/k/l/s.sock")"
	assert_eq "made $T/k/l" "750 root root" "$(dirs_stat "$T/k/l")"
	assert_eq "bind under umask 027" "umask rc=0 errno=sentinel-kept umask-after=0027" \
		"$(shim SOCKMODE_DIRGROUP=adm -- "$TOOLS/bindprobe" umask "$T/m/n/s.sock")"
	assert_eq "made $T/m" "750 root adm" "$(dirs_stat "$T/m")"
	assert_eq "made $T/m/n" "750 root adm" "$(dirs_stat "$T/m/n")"
	for P in "$run1/a/s.sock" "$run2/a/s.sock"; do
		assert_eq "bind $P" "path rc=0 errno=sentinel-kept" \
			"$(dirs_probe SOCKMODE_DIRMODE=0710 SOCKMODE_DIRGROUP=adm SOCKMODE_MODE=0600)"
		assert_eq "made ${P%/a/s.sock}" "710 root adm" "$(dirs_stat "${P%/a/s.sock}")"
		assert_stat "$P" 600 root root
	done
	assert_eq "/run" "755 root root" "$(dirs_stat /run)"
}

# ---- existing directories -------------------------------------------------

test_dirs_existing_only_with_dirfix() {
	mkdir -p "$T/e" "$T/g/p" "$T/o"
	chown 65534 "$T/o"
	# Without dirfix the existing directory stays as it is.
	P=$T/e/s.sock
	assert_eq "bind in an existing directory" "path rc=0 errno=sentinel-kept" \
		"$(dirs_probe SOCKMODE_MODE=0600 SOCKMODE_DIRMODE=0700 SOCKMODE_DIRGROUP=adm)"
	assert_stat "$P" 600 root root
	assert_eq "$T/e without dirfix" "755 root root" "$(dirs_stat "$T/e")"
	P=$T/e/n/s.sock
	dirs_probe SOCKMODE_DIRMODE=0700 SOCKMODE_DIRGROUP=adm >/dev/null
	assert_eq "made $T/e/n" "700 root adm" "$(dirs_stat "$T/e/n")"
	assert_eq "$T/e above a made one" "755 root root" "$(dirs_stat "$T/e")"
	# dirfix=yes: the immediate parent only.
	P=$T/g/p/s.sock
	assert_eq "bind with dirfix" "path rc=0 errno=sentinel-kept" \
		"$(dirs_probe SOCKMODE_DIRMODE=0750 SOCKMODE_DIRGROUP=adm \
			SOCKMODE_DIRFIX=yes SOCKMODE_LOG=info)"
	assert_eq "$T/g/p fixed" "750 root adm" "$(dirs_stat "$T/g/p")"
	assert_eq "grandparent $T/g" "755 root root" "$(dirs_stat "$T/g")"
	dirs_said "sockmode: $T/g/p: directory fixed (dirfix=yes)"
	chmod 0755 "$T/g/p"
	chgrp root "$T/g/p"
	P=$T/g/p/q/s.sock
	dirs_probe SOCKMODE_DIRMODE=0750 SOCKMODE_DIRGROUP=adm SOCKMODE_DIRFIX=yes >/dev/null
	assert_eq "made $T/g/p/q" "750 root adm" "$(dirs_stat "$T/g/p/q")"
	assert_eq "existing $T/g/p above it" "755 root root" "$(dirs_stat "$T/g/p")"
	# Another user's directory: refused, unchanged, no socket.
	P=$T/o/s.sock
	assert_eq "dirfix on nobody's directory" "path rc=-1 errno=EACCES" \
		"$(dirs_probe SOCKMODE_DIRMODE=0700 SOCKMODE_DIRFIX=yes)"
	dirs_said "sockmode: bind $P: dirfix: not changing a directory owned by another user: $T/o: Permission denied"
	[ ! -e "$P" ] || fail "a file at $P after the refusal"
	assert_eq "nobody's $T/o" "755 nobody root" "$(dirs_stat "$T/o")"
	# ... unless it already belongs to dirowner.
	assert_eq "dirfix, dirowner=nobody" "path rc=0 errno=sentinel-kept" \
		"$(dirs_probe SOCKMODE_DIRMODE=0750 SOCKMODE_DIROWNER=nobody \
			SOCKMODE_DIRGROUP=adm SOCKMODE_DIRFIX=yes)"
	assert_eq "$T/o fixed" "750 nobody adm" "$(dirs_stat "$T/o")"
	# A program that may change nothing finds nothing to change: root's
	# directory, already as asked, is no error for nobody.
	mkdir -m 0770 "$T/ok"
	chgrp nogroup "$T/ok"
	P=$T/ok/s.sock
	assert_eq "nobody's dirfix of a directory already right" \
		"path rc=0 errno=sentinel-kept" \
		"$(shim SOCKMODE_DIRMODE=0770 SOCKMODE_DIRGROUP=nogroup \
			SOCKMODE_DIRFIX=yes -- "${NOBODY[@]}" "$TOOLS/bindprobe" \
			path "$P" 2>"$T/err")"
	assert_eq "$T/ok" "770 root nogroup" "$(dirs_stat "$T/ok")"
}

# ---- refusals -------------------------------------------------------------

test_dirs_refused_outside_the_roots() {
	top=/srv/sockmode-test-$$ look=/tmp-sockmode-test-$$
	# shellcheck disable=SC2064 # expanded now, on purpose
	trap "rm -rf '$top' '$look'" EXIT
	if [ -e "$top" ] || [ -e "$look" ]; then
		fail "$top or $look exists already"
	fi
	P=$top/a/s.sock
	assert_eq "bind below /srv" "path rc=-1 errno=EACCES" \
		"$(dirs_probe SOCKMODE_DIRMODE=0750)"
	dirs_said "sockmode: bind $P: not below /run, /var/run, /tmp, /var/tmp or /dev/shm, so no directory is made or changed: $top/a: Permission denied"
	[ ! -e "$top" ] || fail "$top was made"
	P=$look/s.sock	# /tmp is a prefix of the text only; dirgroup alone
	assert_eq "bind below $look" "path rc=-1 errno=EACCES" \
		"$(dirs_probe SOCKMODE_DIRGROUP=adm)"
	[ ! -e "$look" ] || fail "$look was made"
	# on_error=warn: logged, and the real bind tells (ENOENT).
	P=$top/a/s.sock
	assert_eq "bind below /srv, on_error=warn" "path rc=-1 errno=ENOENT" \
		"$(dirs_probe SOCKMODE_DIRMODE=0750 SOCKMODE_ON_ERROR=warn)"
	dirs_said "sockmode: bind $P: not below /run, /var/run, /tmp, /var/tmp or /dev/shm, so no directory is made or changed: $top/a: Permission denied (on_error=warn: bind kept)"
	[ ! -e "$top" ] || fail "$top was made (on_error=warn)"
	# An existing directory outside the roots: nothing to make, no check.
	mkdir "$top"
	P=$top/s.sock
	assert_eq "bind in an existing $top" "path rc=0 errno=sentinel-kept" \
		"$(dirs_probe SOCKMODE_DIRMODE=0700 SOCKMODE_MODE=0600)"
	assert_stat "$P" 600 root root
	assert_eq "$top" "755 root root" "$(dirs_stat "$top")"
}

test_dirs_refused_symlink_in_the_way() {
	mkdir "$T/outside" "$T/d"
	ln -s "$T/outside" "$T/lnk"
	ln -s "$T/outside" "$T/d/lnk"
	: >"$T/file"
	P=$T/lnk/c/s.sock
	assert_eq "bind through a symlink" "path rc=-1 errno=ELOOP" \
		"$(dirs_probe SOCKMODE_DIRMODE=0700 SOCKMODE_DIRGROUP=adm)"
	dirs_said "sockmode: bind $P: a symlink or a non-directory is in the way at $T/lnk: Too many levels of symbolic links"
	P=$T/d/lnk/x/y/s.sock
	assert_eq "bind through a deeper symlink" "path rc=-1 errno=ELOOP" \
		"$(dirs_probe SOCKMODE_DIRMODE=0700 SOCKMODE_DIRGROUP=adm)"
	P=lnk/c/s.sock	# relative, against $T
	assert_eq "relative bind through a symlink" "path rc=-1 errno=ELOOP" \
		"$(dirs_probe SOCKMODE_DIROWNER=daemon)"
	# dirfix=yes never changes a directory reached through a symlink:
	# the existing directory is used as it is, as the program asked.
	P=$T/lnk/s.sock
	assert_eq "dirfix through a symlink" "path rc=0 errno=sentinel-kept" \
		"$(dirs_probe SOCKMODE_DIRMODE=0700 SOCKMODE_DIRGROUP=adm \
			SOCKMODE_DIRFIX=yes SOCKMODE_LOG=info)"
	dirs_said "sockmode: dirfix=yes: a symlink or a non-directory is in the way at $T/lnk; the directory is used as it is"
	assert_eq "$T/outside, dirfix through a symlink" "755 root root" \
		"$(dirs_stat "$T/outside")"
	rm "$T/outside/s.sock"
	P=$T/file/s.sock
	assert_eq "dirfix on a regular file" "path rc=-1 errno=ENOTDIR" \
		"$(dirs_probe SOCKMODE_DIRMODE=0700 SOCKMODE_DIRFIX=yes)"
	assert_eq "$T/file" "644 root root" "$(stat -c '%a %U %G' "$T/file")"
	# on_error=warn: the real bind follows the symlink and finds no c.
	P=$T/lnk/c/s.sock
	assert_eq "through a symlink, on_error=warn" "path rc=-1 errno=ENOENT" \
		"$(dirs_probe SOCKMODE_DIRMODE=0700 SOCKMODE_ON_ERROR=warn)"
	dirs_empty "$T/outside"
}

test_dirs_refused_dotdot_and_roots() {
	mkdir "$T/a"
	P=$T/a/../q/s.sock
	assert_eq "bind with '..'" "path rc=-1 errno=EACCES" \
		"$(dirs_probe SOCKMODE_DIRMODE=0700)"
	grep -qF "sockmode: bind $P: a '..'" "$T/err" ||
		fail "message: $(cat "$T/err")"
	[ ! -e "$T/q" ] || fail "$T/q was made"
	q=/tmp/sockmode-dirs-q-$$
	P=a/../../${q#/tmp/}/s.sock	# relative: $T/a/../../ is /tmp/
	assert_eq "relative bind with '..'" "path rc=-1 errno=EACCES" \
		"$(dirs_probe SOCKMODE_DIRMODE=0700)"
	[ ! -e "$q" ] || { rm -rf "$q"; fail "$q was made"; }
	for root in /tmp /dev/shm /var/tmp; do
		P=$root/sockmode-dirs-$$.sock
		before=$(stat -c '%a %U %G' "$root")
		assert_eq "dirfix in $root" "path rc=0 errno=sentinel-kept" \
			"$(dirs_probe SOCKMODE_DIRMODE=0700 SOCKMODE_DIRFIX=yes \
				SOCKMODE_LOG=info)"
		rm -f "$P"
		dirs_said "sockmode: dirfix=yes: a root directory itself is never made or changed: $root; the directory is used as it is"
		assert_eq "$root" "$before" "$(stat -c '%a %U %G' "$root")"
	done
}

# mkdirat's own error is the bind's: nobody in root's 0755 $T.
test_dirs_mkdirat_error_as_nobody() {
	P=$T/n/m/s.sock
	assert_eq "nobody's bind" "path rc=-1 errno=EACCES" \
		"$(shim SOCKMODE_DIRMODE=0700 -- "${NOBODY[@]}" \
			"$TOOLS/bindprobe" path "$P" 2>"$T/err")"
	dirs_said "sockmode: bind $P: making directory $T/n: Permission denied"
	[ ! -e "$T/n" ] || fail "$T/n was made"
}

# ---- attack: a directory swapped for a symlink during creation -------------
# The symlink leads to a root-owned directory without the next name (b):
# the kernel's own bind() follows symlinks by name and finds no b there
# when a swap comes after the library's walk, so anything in $T/outside
# came from the library. (When the swapped-in path does lead on, bind()
# itself is redirected, with or without the library; the library then
# finds its socket outside the directory it made, removes it and refuses:
# test_dirs_window_symlink_before_bind_into_existing.)

# attacker.py W TARGET STOPFILE SECONDS, as nobody in the world-writable,
# non-sticky W: keeps exchanging W/a with the symlink W/a.swap -> TARGET
# (renameat2 RENAME_EXCHANGE); now and then plants a symlink at a missing
# W/a. Prints "ready", then "swaps=N dirswaps=N" (dirswaps: exchanges
# that took a directory away).
DIRS_ATTACKER_PY='
import ctypes, os, stat, sys, time
libc = ctypes.CDLL(None, use_errno=True)
w, target, stop, secs = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
os.chdir(w)
os.symlink(target, "a.swap")
print("ready", flush=True)
swaps = dirswaps = i = 0
end = time.monotonic() + secs
while i % 256 or (time.monotonic() < end and not os.path.exists(stop)):
    i += 1
    try:
        if libc.renameat2(-100, b"a.swap", -100, b"a", 2) == 0:
            swaps += 1
            dirswaps += stat.S_ISDIR(os.lstat("a.swap").st_mode)
        elif i % 16 == 0:
            os.symlink(target, "a")
    except OSError:
        pass
print("swaps=%d dirswaps=%d" % (swaps, dirswaps), flush=True)
'

# server.py lib|naive W OUTSIDE SECONDS, as root: binds W/a/b/s.sock over
# and over; between tries removes s.sock, b and (every other try) a, never
# following a symlink (one at W/a is removed). lib: a plain bind (the
# library makes the directories); naive: for a, then b: refuse a symlink
# (lstat), else mkdir; chown and chmod by path; then bind. Stops when
# OUTSIDE changes. Prints "tries=N ok=N ELOOP=N ... outside=0|1".
DIRS_SWAP_SERVER_PY='
import errno, os, socket, stat, sys, time
how, w, outside, secs = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
wfd = os.open(w, os.O_PATH | os.O_DIRECTORY)
D = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
c = dict(tries=0, ok=0, ELOOP=0, EACCES=0, ENOENT=0, EADDRINUSE=0, other=0,
         outside=0)
ref = os.lstat(outside)

def q(f, *args, **kw):	# quietly
    try:
        return f(*args, **kw)
    except OSError:
        return None

def clean(drop_a):
    if stat.S_ISLNK(getattr(q(os.lstat, "a", dir_fd=wfd), "st_mode", 0)):
        return q(os.unlink, "a", dir_fd=wfd)
    afd = q(os.open, "a", D, dir_fd=wfd)
    if afd is None:
        return
    bfd = q(os.open, "b", D, dir_fd=afd)
    if bfd is not None:
        q(os.unlink, "s.sock", dir_fd=bfd)
        os.close(bfd)
        q(os.rmdir, "b", dir_fd=afd)
    os.close(afd)
    if drop_a:
        q(os.rmdir, "a", dir_fd=wfd)

end = time.monotonic() + secs
while time.monotonic() < end or c["tries"] < 1000:   # the test needs 1000
    c["tries"] += 1
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        for d in (w + "/a", w + "/a/b") if how == "naive" else ():
            try:
                if stat.S_ISLNK(os.lstat(d).st_mode):
                    raise OSError(errno.ELOOP, d)
            except FileNotFoundError:
                os.mkdir(d, 0o700)
            os.chown(d, 0, 4)
            os.chmod(d, 0o700)
        s.bind(w + "/a/b/s.sock")
        c["ok"] += 1
    except OSError as e:
        k = errno.errorcode.get(e.errno)
        c[k if k in c else "other"] += 1
    s.close()
    clean(c["tries"] % 2 == 0)
    st = os.lstat(outside)
    if os.listdir(outside) or st.st_mode != ref.st_mode or st.st_gid != ref.st_gid:
        c["outside"] = 1
        break
print(" ".join("%s=%d" % kv for kv in c.items()), flush=True)
'

# dirs_naive VAR=VALUE... -- CMD...: CMD without the library or the
# variables (the naive server makes its directories itself).
dirs_naive() {
	while [ "$1" != -- ]; do shift; done
	shift
	env "${CLEAN_ENV[@]}" -u LD_PRELOAD "$@"
}

# dirs_swap_run shim|dirs_naive SECONDS: the attack on $T/w (0777, not
# sticky, $T/outside root's, 0755, empty) against the server under the
# library (dirmode=0700 dirowner=0 dirgroup=adm) or naive without it.
# Counts in $T/server.out, $T/atk.out.
dirs_swap_run() {
	local how=lib
	[ "$1" = dirs_naive ] && how=naive
	mkdir -p "$T/w" "$T/outside"
	chmod 0777 "$T/w"
	rm -f "$T/stop"
	start_bg atk "${NOBODY[@]}" "$PY" -c "$DIRS_ATTACKER_PY" "$T/w" \
		"$T/outside" "$T/stop" 30
	wait_until "the attacker to start" 5 grep -qs ready "$T/atk.out"
	"$1" SOCKMODE_DIRMODE=0700 SOCKMODE_DIROWNER=0 SOCKMODE_DIRGROUP=adm \
		SOCKMODE_LOG=info -- "$PY" -c "$DIRS_SWAP_SERVER_PY" "$how" \
		"$T/w" "$T/outside" "$2" >"$T/server.out" 2>"$T/server.err" ||
		fail "server: $(tail -n 3 "$T/server.err")"
	touch "$T/stop"
	wait "$(cat "$T/atk.pid")" || fail "the attacker failed: $(cat "$T/atk.err")"
	rm -f "$T/atk.pid"
	note "server: $(cat "$T/server.out")"
	note "attacker (nobody): $(cat "$T/atk.out")"
}

test_dirs_symlink_swap_changes_nothing_outside() {
	local tries ok made eloop bad
	dirs_swap_run shim 5
	tries=$(field tries "$T/server.out")
	ok=$(field ok "$T/server.out")
	eloop=$(field ELOOP "$T/server.out")
	made=$(grep -c ': directory made$' "$T/server.err" || true)
	assert_eq "server saw $T/outside change" 0 "$(field outside "$T/server.out")"
	dirs_empty "$T/outside"
	# Every directory left in $T/w, wherever the swaps put it, is root's
	# and 0700: none was made open or given away.
	bad=$(find "$T/w" -mindepth 1 -type d \( ! -perm 0700 -o ! -user root \) -printf '%p ')
	assert_eq "directories in $T/w not 0700 root" "" "$bad"
	[ "$tries" -ge 1000 ] || fail "only $tries binds: the race did not run"
	[ "$ok" -ge 100 ] || fail "only $ok binds succeeded"
	[ "$made" -ge 200 ] || fail "only $made directories made"
	[ "$eloop" -ge 30 ] || fail "only $eloop binds refused: the walk was barely attacked"
	[ "$(field dirswaps "$T/atk.out")" -ge 300 ] ||
		fail "the attacker barely took a directory away"
	echo "result: dirs symlink swap: $tries binds, $ok ok, $made made," \
		"$eloop refused (ELOOP), $(field ENOENT "$T/server.out") ENOENT" \
		"(swap after the walk), $(field swaps "$T/atk.out") swaps" \
		"($(field dirswaps "$T/atk.out") of a directory), 0 outside"
}

# The same attack beats a textbook mkdir -p that checks each component
# with lstat, then mkdirs, chowns and chmods by path: the test bites.
test_dirs_naive_loses_symlink_swap() {
	local round
	for round in 1 2 3; do
		dirs_swap_run dirs_naive 2
		[ "$(field outside "$T/server.out")" = 1 ] && break
		rm -rf "$T/w" "$T/outside"
	done
	[ "$(field outside "$T/server.out")" = 1 ] ||
		fail "the naive server left $T/outside alone in 3 rounds"
	echo "result: naive lstat + mkdir + chmod: $T/outside changed in round" \
		"$round after $(field tries "$T/server.out") binds: now" \
		"$(dirs_stat "$T/outside"), entries: $(find "$T/outside" -mindepth 1 -printf '%P ')"
}

# The same swaps at chosen moments, each made certain by strace holding
# the bind 0.5 s in one system call (strace -e inject=...:delay_...).
# exchange.py W PARTNER WAITFOR GID: as nobody, once W/WAITFOR exists
# (with group GID, unless -1), exchanges W/a with W/PARTNER.
DIRS_EXCHANGE_PY='
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
w, partner, waitfor, gid = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
os.chdir(w)
end = time.monotonic() + 5
while time.monotonic() < end:
    try:
        if os.lstat(waitfor).st_gid == gid or gid < 0:
            break
    except OSError:
        time.sleep(0.001)
ok = libc.renameat2(-100, partner.encode(), -100, b"a", 2) == 0
print("exchanged" if ok else "exchange failed: %d" % ctypes.get_errno())
'

# dirs_window INJECT PARTNER WAITFOR GID [B]: root binds $T/w/a/b/s.sock
# (dirmode=0755 dirgroup=adm) under strace -e inject=INJECT while the
# exchange above runs ($T/w/a.mine: nobody's 0755 directory, $T/w/a.swap:
# a symlink to the empty $T/outside; with B, $T/outside holds a directory
# b of root's, 0700, which must stay empty). bindprobe's line in $T/out.
# Returns 1 (after a SKIP line) when strace cannot run here.
dirs_window() {
	if ! strace -qq -o /dev/null true 2>/dev/null; then
		echo "SKIP: no working strace (tests/deps.sh: strace) for $1"
		return 1
	fi
	mkdir -p "$T/w" "$T/outside"
	chmod 0777 "$T/w"
	as_nobody mkdir "$T/w/a.mine"
	as_nobody ln -s "$T/outside" "$T/w/a.swap"
	[ -z "${5:-}" ] || mkdir -m 0700 "$T/outside/b"
	start_bg atk "${NOBODY[@]}" "$PY" -c "$DIRS_EXCHANGE_PY" "$T/w" "$2" "$3" "$4"
	strace -f -qq -o /dev/null -e inject="$1" env "${CLEAN_ENV[@]}" \
		LD_PRELOAD="$PRELOAD" SOCKMODE_DIRMODE=0755 SOCKMODE_DIRGROUP=adm \
		"$TOOLS/bindprobe" path "$T/w/a/b/s.sock" >"$T/out" 2>"$T/err"
	wait "$(cat "$T/atk.pid")" || fail "exchange: $(cat "$T/atk.err")"
	rm -f "$T/atk.pid"
	assert_eq "the attacker" exchanged "$(cat "$T/atk.out")"
	if [ -n "${5:-}" ]; then
		assert_eq "root's directory outside" "700 root root" \
			"$(dirs_stat "$T/outside/b")"
		assert_eq "entries of $T/outside/b" "" "$(ls -A "$T/outside/b")"
		rmdir "$T/outside/b"
	fi
	dirs_empty "$T/outside"
}

# Nobody's directory swapped in between mkdirat and the reopen.
test_dirs_window_own_dir_after_mkdirat() {
	dirs_window mkdirat:delay_exit=500000 a.mine a -1 || return 0
	assert_eq "bind" "path rc=-1 errno=EACCES" "$(cat "$T/out")"
	dirs_said "sockmode: bind $T/w/a/b/s.sock: directory replaced while being made: $T/w/a: Permission denied"
	assert_eq "nobody's directory" "755 nobody nogroup" "$(dirs_stat "$T/w/a")"
	assert_eq "entries of nobody's directory" "" "$(ls -A "$T/w/a")"
}

# A symlink swapped in between mkdirat and the reopen.
test_dirs_window_symlink_after_mkdirat() {
	dirs_window mkdirat:delay_exit=500000 a.swap a -1 || return 0
	assert_eq "bind" "path rc=-1 errno=ELOOP" "$(cat "$T/out")"
	dirs_said "sockmode: bind $T/w/a/b/s.sock: a symlink or a non-directory is in the way at $T/w/a: Too many levels of symbolic links"
}

# A symlink swapped in after the walk (b made and chmodded), before the
# kernel's bind: that follows it by name and finds no b in $T/outside.
test_dirs_window_symlink_before_bind() {
	dirs_window bind:delay_enter=500000 a.swap a/b 4 || return 0
	assert_eq "bind" "path rc=-1 errno=ENOENT" "$(cat "$T/out")"
	assert_eq "the made directory, moved" "755 root adm" "$(dirs_stat "$T/w/a.swap/b")"
}

# The same, but the symlink leads to a directory that has a b: the
# kernel's bind creates the socket there. The library sees that the
# proven inode is not in the directory it made, removes it and refuses.
test_dirs_window_symlink_before_bind_into_existing() {
	dirs_window bind:delay_enter=500000 a.swap a/b 4 b || return 0
	assert_eq "bind" "path rc=-1 errno=EACCES" "$(cat "$T/out")"
	dirs_said "sockmode: bind $T/w/a/b/s.sock: its directory was swapped\
 for a symlink during the bind (the socket is not in the directory made):\
 Permission denied"
}

# ---- the supervisor, and what --check/--explain say ------------------------

test_dirs_under_the_supervisor() {
	mkdir "$T/outside" "$T/u"
	chown 65534:65534 "$T/u"
	ln -s "$T/outside" "$T/lnk"
	start_bg srv env "${CLEAN_ENV[@]}" -u LD_PRELOAD "$TOOLS/../sockmode" \
		--via=seccomp --dirmode=0750 --dirgroup=adm -m 0600 -- \
		"$PY" -c "$DIRS_SERVER_PY" "$T/sa/sb/s.sock"
	wait_listening "$T/sa/sb/s.sock"
	assert_eq "$T/sa" "750 root adm" "$(dirs_stat "$T/sa")"
	assert_eq "$T/sa/sb" "750 root adm" "$(dirs_stat "$T/sa/sb")"
	assert_stat "$T/sa/sb/s.sock" 600 root root
	stop_bg srv
	assert_eq "supervised bind through a symlink" "path rc=-1 errno=ELOOP" \
		"$(env "${CLEAN_ENV[@]}" -u LD_PRELOAD "$TOOLS/../sockmode" \
			--via=seccomp --dirmode=0750 -- "$TOOLS/bindprobe" path \
			"$T/lnk/c/s.sock" 2>"$T/err")"
	dirs_empty "$T/outside"
	# With the program's credentials: nobody makes nobody's directories,
	# and gets mkdirat's EACCES in root's $T.
	as_nobody env "${CLEAN_ENV[@]}" -u LD_PRELOAD "$TOOLS/../sockmode" \
		--via=seccomp --dirmode=0750 -m 0600 -- "$TOOLS/bindprobe" \
		path "$T/u/p/s.sock" >"$T/out" 2>"$T/err"
	assert_eq "nobody's supervised bind" "path rc=0 errno=sentinel-kept" "$(cat "$T/out")"
	assert_eq "$T/u/p" "750 nobody nogroup" "$(dirs_stat "$T/u/p")"
	assert_stat "$T/u/p/s.sock" 600 nobody nogroup
	as_nobody env "${CLEAN_ENV[@]}" -u LD_PRELOAD "$TOOLS/../sockmode" \
		--via=seccomp --dirmode=0750 -- "$TOOLS/bindprobe" \
		path "$T/n/s.sock" >"$T/out" 2>"$T/err"
	assert_eq "nobody's supervised bind in root's dir" \
		"path rc=-1 errno=EACCES" "$(cat "$T/out")"
	[ ! -e "$T/n" ] || fail "$T/n was made"
}

test_dirs_check_and_explain() {
	local sm=("${CLEAN_ENV[@]}" "$TOOLS/../sockmode")
	printf '%s/*/s.sock mode=0660 dirmode=0750 dirgroup=adm dirfix=yes\n' \
		"$T" >"$T/r.conf"
	assert_eq "--explain" "  mode 0660, owner unchanged, group unchanged;\
 missing parent directories made with mode 0750 group adm (4), the existing\
 one too (dirfix=yes); on_error=fail" \
		"$(env "${sm[@]}" --explain "$T/q/s.sock" -c "$T/r.conf" | sed -n 2p)"
	assert_eq "--check" "  1  *                            mode 0600, owner\
 unchanged, group unchanged; missing parent directories made with mode 0710\
 owner daemon (1) group nogroup (65534)  [environment]" \
		"$(env "${sm[@]}" -m 0600 --dirmode=0710 --dirowner=daemon \
			--dirgroup=65534 --check | sed -n 2p)"
	env "${sm[@]}" --dirfix=yes touch "$T/ran" 2>"$T/err" && fail "ran"
	assert_eq "--dirfix=yes alone" "sockmode: --dirfix=yes needs --dirmode" \
		"$(cat "$T/err")"
	[ ! -e "$T/ran" ] || fail "the command ran"
}
