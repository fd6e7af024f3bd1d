#!/bin/bash
# Sourced by run.sh: what this machine can do, found out before any test
# by probes that do not involve the product (plain programs, python3), so
# a test that needs what is missing is skipped with the reason instead of
# failing like a bug. Features (the FEATURE of lib.sh's `needs`):
#   sys_admin     CAP_SYS_ADMIN, and unshare(CLONE_NEWNS) allowed
#   net_admin     CAP_NET_ADMIN and the SIOCUNIXFILE ioctl (Linux >= 6.12)
#   child_memory  a process may read the memory of another of its user's
#                 processes (process_vm_readv or /proc/PID/mem), as the
#                 seccomp supervisor must
#   root_mount    / is a mount point (not a plain chroot)
#   userns        an unprivileged user may make a user namespace (the
#                 kernel refuses it inside a chroot)
#   tmp_on_root   /tmp is on the root file system (a bind mount of /
#                 then shows what the tests put in /tmp)
#   child_fds     a process may take a descriptor of another of its
#                 user's processes (pidfd_getfd), as the seccomp
#                 supervisor must; every test that runs the supervisor
#                 needs it (needs_supervisor_marks)

# The reason printed for a missing FEATURE.
declare -A PROBE_WHY=(
	[sys_admin]="needs CAP_SYS_ADMIN (docker run --cap-add SYS_ADMIN)"
	[net_admin]="needs CAP_NET_ADMIN and SIOCUNIXFILE (docker run --cap-add NET_ADMIN)"
	[child_memory]="needs to read another process's memory, refused here (docker run --cap-add SYS_PTRACE)"
	[root_mount]="needs / to be a mount point (a chroot: unshare -m and bind-mount the root onto itself)"
	[userns]="needs user namespaces for unprivileged users (refused inside a chroot, or by kernel.unprivileged_userns_clone)"
	[tmp_on_root]="needs /tmp on the root file system (here it is a mount of its own)"
	[child_fds]="needs pidfd_getfd(2) for the seccomp supervisor, refused here (docker run --cap-add SYS_PTRACE)"
)
declare -A PROBE_HAVE=()

# probe_sys_admin: 0 when CAP_SYS_ADMIN is in effect and the seccomp
# profile lets it make a mount namespace (mounting nothing in it).
probe_sys_admin() {
	local eff
	eff=$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
	[ $((0x${eff:-0} >> 21 & 1)) = 1 ] &&
		unshare -m --propagation unchanged true 2>/dev/null
}

# probe_net_admin: 0 when SIOCUNIXFILE opens the file of a bound socket.
probe_net_admin() {
	"$PY" - 2>/dev/null <<'PY'
import fcntl, os, socket, sys, tempfile
d = tempfile.mkdtemp()
s = socket.socket(socket.AF_UNIX)
try:
    s.bind(d + "/s")
    fd = fcntl.ioctl(s.fileno(), 0x89E0)   # SIOCUNIXFILE: returns an fd
    os.close(fd)
finally:
    s.close()
    os.unlink(d + "/s")
    os.rmdir(d)
PY
}

# probe_child_memory: 0 when a parent reads its child's memory, by
# process_vm_readv or else by pread on /proc/PID/mem.
probe_child_memory() {
	"$PY" - 2>/dev/null <<'PY'
import ctypes, os, signal, sys
buf = ctypes.create_string_buffer(b"probe-secret")
addr = ctypes.addressof(buf)
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r); os.write(w, b"x"); signal.pause(); os._exit(0)
os.close(w); os.read(r, 1)
ok = False
class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
libc = ctypes.CDLL(None, use_errno=True)
out = ctypes.create_string_buffer(12)
local, remote = iovec(ctypes.addressof(out), 12), iovec(addr, 12)
if libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0) == 12:
    ok = out.raw == b"probe-secret"
if not ok:
    try:
        fd = os.open("/proc/%d/mem" % pid, os.O_RDONLY)
        ok = os.pread(fd, 12, addr) == b"probe-secret"
        os.close(fd)
    except OSError:
        pass
os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0)
sys.exit(0 if ok else 1)
PY
}

# probe_child_fds: 0 when a parent can take a descriptor of its child
# with pidfd_getfd(2) (Docker's default seccomp profile refuses it).
probe_child_fds() {
	"$PY" - 2>/dev/null <<'PY'
import ctypes, os, signal, sys
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r); os.write(w, b"x"); signal.pause(); os._exit(0)
os.close(w); os.read(r, 1)
libc = ctypes.CDLL(None, use_errno=True)
ok = False
try:
    pfd = os.pidfd_open(pid)
    fd = libc.syscall(438, pfd, 1, 0)   # pidfd_getfd(pidfd, 1, 0)
    ok = fd >= 0
    if ok:
        os.close(fd)
    os.close(pfd)
except OSError:
    pass
os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0)
sys.exit(0 if ok else 1)
PY
}

# needs_supervisor_marks: every test whose body runs the seccomp
# supervisor (sc, SC_BIN, the sc_* helpers, --via=seccomp|auto) needs
# child_fds.
needs_supervisor_marks() {
	local t
	for t in $(declare -F | awk '$3 ~ /^test_/ {print $3}'); do
		declare -f "$t" | grep -qE '(^|[^a-z_])(sc|cwd_sc|sc_[a-z_]+)( |$)|SC_BIN|via=seccomp|via=auto' &&
			needs child_fds "$t"
	done
	return 0
}

# probe_userns: 0 when nobody can make a user namespace.
probe_userns() {
	setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U true \
		2>/dev/null
}

# probe_tmp_on_root: 0 when /tmp is on the file system mounted at /.
probe_tmp_on_root() {
	[ "$(stat -c %m /tmp 2>/dev/null)" = / ]
}

# probe_root_mount: 0 when / is a mount point of this mount namespace.
probe_root_mount() {
	awk '$5 == "/" { f = 1 } END { exit !f }' /proc/self/mountinfo
}

# probe_features: runs, once, the probe of every FEATURE some test needs
# and prints one line with the results (e.g. "probes: sys_admin=yes").
probe_features() {
	local f line=""
	for f in $(printf '%s\n' "${NEEDS[@]}" | tr ' ' '\n' | sort -u); do
		if "probe_$f"; then PROBE_HAVE[$f]=yes; else PROBE_HAVE[$f]=no; fi
		line="$line $f=${PROBE_HAVE[$f]}"
	done
	[ -z "$line" ] || echo "probes:$line"
}

# unmet_needs TEST: when TEST needs a FEATURE this machine lacks (after
# probe_features), prints the reason and returns 0; else returns 1.
unmet_needs() {
	local f
	for f in ${NEEDS[$1]:-}; do
		if [ "${PROBE_HAVE[$f]:-no}" != yes ]; then
			printf '%s\n' "${PROBE_WHY[$f]:-needs $f}"
			return 0
		fi
	done
	return 1
}
