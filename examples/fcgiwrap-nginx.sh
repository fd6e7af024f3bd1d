#!/bin/bash
# fcgiwrap-nginx.sh - fcgiwrap behind nginx, the classic case.
#
# fcgiwrap has no option for its socket's mode. Started by root (umask
# 022) with 'fcgiwrap -s unix:PATH' it creates srwxr-xr-x root:root, and
# nginx's workers, running as www-data, cannot connect: 502 Bad Gateway.
#
#   sockmode -m 0660 -g www-data -- fcgiwrap -s unix:PATH
#
# gives srw-rw---- root:www-data, and a GET through nginx returns the CGI
# script's output. Then the control: the same set-up without sockmode
# gives 502, and nginx logs "Permission denied".
#
# nginx runs from a private configuration in the temporary directory
# (nginx -p DIR -c DIR/nginx.conf): its own pid file, logs and temp
# paths, listening on 127.0.0.1 on a free high port. The system's nginx,
# if any, is not touched.
#
#   examples/fcgiwrap-nginx.sh [BUILD-DIR]  (default: the repository's build/)
# Run as root. Exit 0 only when every step showed what it should.
set -euo pipefail
# shellcheck source=examples/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_build "${1:-}"
nginx=/usr/sbin/nginx
fcgiwrap=/usr/sbin/fcgiwrap
need_root "nginx's workers become www-data"
need_sockmode
need "$nginx" "apt-get install nginx-light"
need "$fcgiwrap" "apt-get install fcgiwrap"
need curl "apt-get install curl"
need /usr/bin/python3 "to find a free port"
need_user www-data

make_tmp fcgi

# fetch: GET / through nginx; the body into $tmp/body, prints the status.
fetch() {
	curl -s --max-time 5 -o "$tmp/body" -w '%{http_code}' \
		"http://127.0.0.1:$port/" || true
}
# answering: nginx answers HTTP at all (any status).
answering() { [ "$(fetch)" != 000 ]; }

umask 022
sock=$tmp/fcgiwrap.sock

# The CGI script fcgiwrap runs for every request.
cat >"$tmp/hello.cgi" <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
echo "hello from a CGI script, via fcgiwrap and nginx"
EOF
chmod 0755 "$tmp/hello.cgi"
expected="hello from a CGI script, via fcgiwrap and nginx"

# A free port on the loopback: the kernel picks one, nginx takes it over.
port=$(/usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')

mkdir "$tmp/logs"
cat >"$tmp/nginx.conf" <<EOF
# Private to this example: nothing shared with a system nginx.
daemon off;
master_process on;
worker_processes 1;
user www-data;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log;

events {
    worker_connections 64;
}

http {
    access_log $tmp/logs/access.log;
    client_body_temp_path $tmp/body_temp;
    fastcgi_temp_path $tmp/fastcgi_temp;
    proxy_temp_path $tmp/proxy_temp;
    scgi_temp_path $tmp/scgi_temp;
    uwsgi_temp_path $tmp/uwsgi_temp;

    server {
        listen 127.0.0.1:$port;
        server_name localhost;

        location / {
            fastcgi_param GATEWAY_INTERFACE CGI/1.1;
            fastcgi_param SERVER_PROTOCOL   \$server_protocol;
            fastcgi_param REQUEST_METHOD    \$request_method;
            fastcgi_param QUERY_STRING      \$query_string;
            fastcgi_param REQUEST_URI       \$request_uri;
            fastcgi_param SCRIPT_NAME       /hello.cgi;
            fastcgi_param SCRIPT_FILENAME   $tmp/hello.cgi;
            fastcgi_param SERVER_NAME       \$server_name;
            fastcgi_param SERVER_PORT       \$server_port;
            fastcgi_param REMOTE_ADDR       \$remote_addr;
            fastcgi_pass unix:$sock;
        }
    }
}
EOF
"$nginx" -q -t -p "$tmp/" -c "$tmp/nginx.conf" -e "$tmp/logs/error.log" \
	2>"$tmp/nginx-t.err" || die "nginx -t: $(cat "$tmp/nginx-t.err")"

echo "== nginx (workers as www-data) on 127.0.0.1:$port"
start nginx "$nginx" -p "$tmp/" -c "$tmp/nginx.conf" -e "$tmp/logs/error.log"
wait_until 10 answering ||
	die "nginx does not answer on 127.0.0.1:$port: $(cat "$tmp/logs/error.log")"

echo "== sockmode -m 0660 -g www-data -- fcgiwrap -s unix:$sock"
start fcgi "$sockmode" -m 0660 -g www-data -- "$fcgiwrap" -s "unix:$sock"
fcgi=$last
wait_socket 10 "$sock" fcgi
socket_is "$sock" "660 root www-data"
status=$(fetch)
[ "$status" = 200 ] || die "GET through nginx gave $status, expected 200"
[ "$(cat "$tmp/body")" = "$expected" ] ||
	die "GET gave '$(cat "$tmp/body")', expected '$expected'"
echo "   curl http://127.0.0.1:$port/ -> $status: $(cat "$tmp/body")"

echo "== control: the same without sockmode"
stop "$fcgi"
rm -f "$sock"
start plain "$fcgiwrap" -s "unix:$sock"
wait_socket 10 "$sock" plain
show_socket "$sock"
status=$(fetch)
[ "$status" = 502 ] || die "GET without sockmode gave $status, expected 502"
grep -q "connect() to unix:$sock failed (13: Permission denied)" \
	"$tmp/logs/error.log" ||
	die "nginx did not log 'Permission denied': $(tail -n 3 "$tmp/logs/error.log")"
echo "   curl http://127.0.0.1:$port/ -> $status"
echo "   nginx: $(grep -o 'connect() to unix:[^,]*' "$tmp/logs/error.log" | tail -n 1)"

ok "200 and the CGI output with sockmode," \
	"502 (Permission denied) without"
