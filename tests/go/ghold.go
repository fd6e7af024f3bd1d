// ghold - a Go program that does what many do after net.Listen: opens its
// own Unix socket to everybody with os.Chmod (and chowns it), in every
// form of the call the supervisor stops (issue 14). Standard library
// only; built by tests/integration/t_hold.sh.
//
//	ghold PATH FILE   listens on PATH; then chmod 0777 and chown to group
//	                  0 of PATH by os.Chmod, the raw chmod and fchmodat
//	                  syscalls (with a directory descriptor), fchmodat2
//	                  with AT_SYMLINK_NOFOLLOW, os.Chown, os.Lchown and
//	                  fchownat(AT_EMPTY_PATH) on an O_PATH descriptor,
//	                  each printed as "NAME=ok" or "NAME=ERRNO"; chmods
//	                  FILE (a regular file) to 0604 and a missing file,
//	                  prints "listening" and serves HTTP ("held\n") on
//	                  PATH until killed.
package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"unsafe"
)

const (
	sysFchmodat2 = 452      // Linux >= 6.6
	oPath        = 0x200000 // O_PATH, which Go 1.19's syscall lacks
)

func report(name string, err error) {
	var en syscall.Errno
	switch {
	case err == nil:
		fmt.Printf("%s=ok\n", name)
	case errors.As(err, &en):
		fmt.Printf("%s=%d\n", name, int(en))
	default:
		fmt.Printf("%s=%v\n", name, err)
	}
}

func errno(e syscall.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}

func cstr(s string) uintptr {
	p, _ := syscall.BytePtrFromString(s)
	return uintptr(unsafe.Pointer(p))
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: ghold PATH FILE")
		os.Exit(2)
	}
	path, file := os.Args[1], os.Args[2]
	l, err := net.Listen("unix", path)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	report("os.Chmod", os.Chmod(path, 0777))
	_, _, e := syscall.Syscall(syscall.SYS_CHMOD, cstr(path), 0666, 0)
	report("chmod", errno(e))
	dir, err := syscall.Open(filepath.Dir(path), oPath|syscall.O_DIRECTORY, 0)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	name := filepath.Base(path)
	_, _, e = syscall.Syscall6(syscall.SYS_FCHMODAT, uintptr(dir), cstr(name), 0766, 0, 0, 0)
	report("fchmodat", errno(e))
	_, _, e = syscall.Syscall6(sysFchmodat2, uintptr(dir), cstr(name), 0707, 0x100, 0, 0)
	report("fchmodat2", errno(e))
	report("os.Chown", os.Chown(path, -1, 0))
	report("os.Lchown", os.Lchown(path, -1, 0))
	fd, err := syscall.Open(path, oPath, 0)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	_, _, e = syscall.Syscall6(syscall.SYS_FCHOWNAT, uintptr(fd), cstr(""), ^uintptr(0), 0, 0x1000, 0)
	report("fchownat", errno(e))
	report("file", os.Chmod(file, 0604))
	report("missing", os.Chmod(file+".missing", 0604))
	fmt.Println("listening")
	http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "held")
	}))
}
