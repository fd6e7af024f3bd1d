#!/bin/bash
# hold=yes (issue 14): a program's own chmod/chown of the socket it bound
# under a rule keeps the rule's mode, owner and group. Real programs that
# do it (nginx, uvicorn, a Go server under the supervisor) with real
# clients; every call form with tests/bin/holdprobe; what must pass
# through untouched with its exact errno. Sourced by run.sh.
# shellcheck disable=SC2154 # T, TOOLS, HERE come from run.sh

HOLD_SC=$TOOLS/../sockmode

# hold_probe VAR=VALUE... -- OPS...: holdprobe under the library.
hold_probe() {
	local vars=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do vars+=("$1"); shift; done
	shift
	shim "${vars[@]}" -- "$TOOLS/holdprobe" "$@"
}

# http_status UID GID SOCKET: as UID:GID, GET / over the Unix socket with
# curl; prints the HTTP status (000: no connection).
http_status() {
	as_uid "$1" "$2" env -u LD_PRELOAD curl -s --max-time 5 -o /dev/null \
		-w '%{http_code}' --unix-socket "$3" http://localhost/ || true
}

# hold_clients SOCKET: nobody (group nogroup) gets 200; uid 12345, in no
# group of the socket, is refused by the kernel.
hold_clients() {
	assert_eq "GET as nobody (group nogroup)" 200 "$(http_status 65534 65534 "$1")"
	assert_eq "GET as uid 12345" 000 "$(http_status 12345 12345 "$1")"
	assert_eq "connect as uid 12345" "ERR EACCES" \
		"$(uclient 12345 12345 stream "$1" x || true)"
}

# ---- real programs, real clients -----------------------------------------

# nginx_conf SOCKET: a private nginx.conf in $T answering 200 on SOCKET.
nginx_conf() {
	mkdir -p "$T/logs"
	cat >"$T/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
pid $T/nginx.pid;
error_log $T/logs/error.log;
events { worker_connections 16; }
http {
    access_log off;
    client_body_temp_path $T/body_temp;
    fastcgi_temp_path $T/fastcgi_temp;
    proxy_temp_path $T/proxy_temp;
    scgi_temp_path $T/scgi_temp;
    uwsgi_temp_path $T/uwsgi_temp;
    server {
        listen unix:$1;
        location / { return 200 "nginx\n"; }
    }
}
EOF
}

# nginx chmods every Unix listener to 0666 right after its bind. Held:
# srw-rw---- root nogroup, and only the group gets in. --hold=no: nginx's
# own 0666 (the control: nginx really does it).
test_hold_nginx() {
	command -v nginx >/dev/null || fail "no nginx (tests/deps.sh installs nginx-light)"
	nginx_conf "$T/n.sock"
	start_bg nginx "$HOLD_SC" -v -m 0660 -g nogroup -- nginx -p "$T/" \
		-c "$T/nginx.conf" -e "$T/logs/error.log"
	wait_listening "$T/n.sock"
	wait_until "nginx's own chmod" 5 grep -q "kept mode 0660 (the program asked for 0666)" "$T/nginx.err"
	assert_stat "$T/n.sock" 660 root nogroup
	hold_clients "$T/n.sock"
	stop_bg nginx
	rm -f "$T/n.sock"
	start_bg nginx "$HOLD_SC" -m 0660 -g nogroup --hold=no -- nginx -p "$T/" \
		-c "$T/nginx.conf" -e "$T/logs/error.log"
	wait_listening "$T/n.sock"
	wait_until "nginx's chmod to 0666" 5 test "$(mode_of "$T/n.sock")" = 666
	assert_eq "GET as uid 12345 with --hold=no" 200 "$(http_status 12345 12345 "$T/n.sock")"
	stop_bg nginx
}

# uvicorn --uds does os.chmod(path, 0o666) after the bind.
test_hold_uvicorn() {
	/usr/bin/python3 -c 'import uvicorn' 2>/dev/null ||
		fail "no uvicorn (tests/deps.sh installs python3-uvicorn)"
	cat >"$T/app.py" <<'EOF'
async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"uvicorn\n"})
EOF
	start_bg uv "$HOLD_SC" -v -m 0660 -g nogroup -- /usr/bin/python3 -m uvicorn \
		--uds "$T/u.sock" --app-dir "$T" app:app
	wait_listening "$T/u.sock"
	wait_until "uvicorn's own chmod" 10 grep -q "kept mode 0660 (the program asked for 0666)" "$T/uv.err"
	assert_stat "$T/u.sock" 660 root nogroup
	hold_clients "$T/u.sock"
	stop_bg uv
}

# A Go server (the supervisor: Go binds and chmods by itself) that opens
# its socket with every chmod/chown form the filter stops; its regular
# file is changed, a missing one is ENOENT (2).
test_hold_go_seccomp() {
	sc_go ghold
	touch "$T/plain"
	start_bg g "$HOLD_SC" -v -m 0660 -g nogroup -- "$T/ghold" "$T/g.sock" "$T/plain"
	wait_until "ghold listening" 10 grep -q '^listening$' "$T/g.out"
	grep -q "chose seccomp" "$T/g.err" || fail "not supervised: $(cat "$T/g.err")"
	assert_eq "ghold's calls" "os.Chmod=ok chmod=ok fchmodat=ok fchmodat2=ok os.Chown=ok os.Lchown=ok fchownat=ok file=ok missing=2 listening" \
		"$(tr '\n' ' ' <"$T/g.out" | sed 's/ $//')"
	assert_stat "$T/g.sock" 660 root nogroup
	assert_eq "kept lines" 7 "$(grep -c ': kept ' "$T/g.err")"
	assert_eq "the regular file's mode" 604 "$(mode_of "$T/plain")"
	hold_clients "$T/g.sock"
	stop_bg g
}

# ---- each call, under the library ---------------------------------------

# Every call form on a held socket returns 0 with errno untouched and
# changes nothing held; the file, the missing file, a symlink itself
# (lchown, fchmodat NOFOLLOW: EOPNOTSUPP as glibc says) are the real
# calls'. A forked child holds what its parent bound; an exec'd chmod(1)
# starts empty and changes it.
test_hold_each_call() {
	local s=$T/h.sock
	touch "$T/plain"
	ln -s h.sock "$T/link"
	hold_probe SOCKMODE_MODE=0660 SOCKMODE_GROUP=nogroup SOCKMODE_MATCH='*/h.sock' -- \
		bind "$s" chmod "$s" 666 fchmodat "$T" h.sock 777 \
		fchmodat "$T" h.sock 606 nofollow fchmodat "$T" link 777 nofollow \
		chmod "$T/link" 600 chown "$s" -1 0 lchown "$s" -1 0 \
		fchownat-empty "$s" -1 0 chown "$T/link" 0 0 stat "$s" \
		lchown "$T/link" 65534 65534 chmod "$T/plain" 600 \
		chmod "$T/missing" 600 fork-chmod "$s" 666 stat "$s" \
		exec-chmod "$s" 606 stat "$s" >"$T/out"
	assert_eq "the calls" "bind=ok chmod=ok fchmodat=ok fchmodat=ok fchmodat=EOPNOTSUPP chmod=ok chown=ok lchown=ok fchownat-empty=ok chown=ok stat=660 0 65534 lchown=ok chmod=ok chmod=ENOENT fork-chmod=ok stat=660 0 65534 exec-chmod=ok stat=606 0 65534" \
		"$(tr '\n' ' ' <"$T/out" | sed 's/ $//')"
	assert_eq "the symlink itself" "65534 65534" "$(stat -c '%u %g' "$T/link")"
	assert_eq "the regular file" 600 "$(mode_of "$T/plain")"
}

# group= alone: the program's chmod goes through, its group change is
# dropped, its owner change (not held) is made.
test_hold_group_only() {
	hold_probe SOCKMODE_GROUP=nogroup SOCKMODE_LOG=info -- bind "$T/s" \
		chmod "$T/s" 666 chown "$T/s" 65534 0 stat "$T/s" >"$T/out" 2>"$T/err"
	assert_eq "the calls" "bind=ok chmod=ok chown=ok stat=666 65534 65534" \
		"$(tr '\n' ' ' <"$T/out" | sed 's/ $//')"
	grep -q "s: kept group 65534 (the program asked for 0); it is mode 0666 owner 65534 group 65534" \
		"$T/err" || fail "the info line: $(cat "$T/err")"
}

# Not held: a socket no rule matched, a socket bound by another process,
# a replaced inode (removed, another socket at its name: on ext4 the
# inode number is often the same), hold=no. Each change is made.
test_hold_passes_the_rest() {
	hold_probe SOCKMODE_MODE=0600 SOCKMODE_MATCH='*/ruled' -- \
		bind "$T/free" chmod "$T/free" 666 bind "$T/ruled" \
		chmod "$T/ruled" 666 stat "$T/ruled" close unlink "$T/ruled" \
		rawbind "$T/ruled" chmod "$T/ruled" 666 stat "$T/ruled" \
		stat "$T/free" >"$T/out"
	assert_eq "the calls" "bind=ok chmod=ok bind=ok chmod=ok stat=600 0 0 close=ok unlink=ok rawbind=ok chmod=ok stat=666 0 0 stat=666 0 0" \
		"$(tr '\n' ' ' <"$T/out" | sed 's/ $//')"
	shim SOCKMODE_MODE=0600 -- "$PY" -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$T/other"
	hold_probe SOCKMODE_MODE=0600 -- bind "$T/mine" chmod "$T/other" 666 \
		stat "$T/other" >"$T/out"
	assert_eq "another process's socket" "bind=ok chmod=ok stat=666 0 0" \
		"$(tr '\n' ' ' <"$T/out" | sed 's/ $//')"
	hold_probe SOCKMODE_MODE=0600 SOCKMODE_HOLD=no -- bind "$T/no" \
		chmod "$T/no" 666 stat "$T/no" >"$T/out"
	assert_eq "hold=no" "bind=ok chmod=ok stat=666 0 0" \
		"$(tr '\n' ' ' <"$T/out" | sed 's/ $//')"
}

# The real call's errno for what is not held, as nobody: EPERM on root's
# file, EACCES in a directory it cannot search; its own held socket stays.
test_hold_errno_as_nobody() {
	mkdir -m 0777 "$T/w"
	mkdir -m 0700 "$T/closed"
	touch "$T/root-file" "$T/closed/f"
	as_nobody env "${CLEAN_ENV[@]}" LD_PRELOAD="$PRELOAD" SOCKMODE_MODE=0600 \
		"$TOOLS/holdprobe" bind "$T/w/s" chmod "$T/root-file" 666 \
		chown "$T/root-file" 65534 -1 chmod "$T/closed/f" 666 \
		chmod "$T/w/s" 666 chown "$T/w/s" 0 -1 stat "$T/w/s" >"$T/out"
	assert_eq "the calls" "bind=ok chmod=EPERM chown=EPERM chmod=EACCES chmod=ok chown=EPERM stat=600 65534 65534" \
		"$(tr '\n' ' ' <"$T/out" | sed 's/ $//')"
}

# The rules file's hold=no, --check's account of it, and a bad value.
test_hold_key() {
	printf '%s\n' "$T/a mode=0600 hold=no" "$T/b mode=0600" >"$T/rules"
	hold_probe SOCKMODE_CONFIG="$T/rules" -- bind "$T/a" bind "$T/b" \
		chmod "$T/a" 666 chmod "$T/b" 666 stat "$T/a" stat "$T/b" >"$T/out"
	assert_eq "the calls" "bind=ok bind=ok chmod=ok chmod=ok stat=666 0 0 stat=600 0 0" \
		"$(tr '\n' ' ' <"$T/out" | sed 's/ $//')"
	env "${CLEAN_ENV[@]}" "$HOLD_SC" --check -c "$T/rules" >"$T/check"
	grep -q "hold=no" "$T/check" || fail "--check: $(cat "$T/check")"
	printf '%s\n' "$T/a mode=0600 hold=maybe" >"$T/bad"
	env "${CLEAN_ENV[@]}" "$HOLD_SC" --check -c "$T/bad" 2>"$T/err" && fail "hold=maybe accepted"
	grep -q "$T/bad:1:.*hold.*must be yes or no" "$T/err" || fail "the message: $(cat "$T/err")"
	env "${CLEAN_ENV[@]}" "$HOLD_SC" --hold=maybe -- true 2>"$T/err" && fail "--hold=maybe accepted"
	grep -q "hold.*must be yes or no" "$T/err" || fail "the message: $(cat "$T/err")"
}

# Only bind and the mode/owner calls are exported.
test_hold_exports() {
	assert_eq "exported symbols" "bind chmod chown fchmodat fchownat lchown" \
		"$(nm -D --defined-only "$LIB" | awk '{print $3}' | sort | tr '\n' ' ' | sed 's/ $//')"
}
