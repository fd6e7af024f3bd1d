// gserver - a Go program for the seccomp supervisor tests (SPEC 7). Go's
// net package issues bind(2) itself, so only the supervisor reaches it.
// Standard library only; built by tests/integration/t_seccomp.sh.
//
//	gserver serve PATH    listens on PATH, prints "listening", answers one
//	                      connection with "go " and what it read, exits.
//	gserver many DIR N    in DIR, N goroutines, each locked to its own OS
//	                      thread, bind the relative names g0..gN-1 at
//	                      once; prints "bound=B failed=F threads=T" and
//	                      "ready", answers every connection with its
//	                      socket's name until stdin is closed.
package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"sync"
	"syscall"
)

func serve(path string) {
	l, err := net.Listen("unix", path)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	fmt.Println("listening")
	c, err := l.Accept()
	if err != nil {
		os.Exit(2)
	}
	data, _ := io.ReadAll(c)
	c.Write(append([]byte("go "), data...))
	c.Close()
}

func many(dir string, n int) {
	if err := os.Chdir(dir); err != nil {
		fmt.Println("ERR", err)
		os.Exit(2)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := make(chan struct{})
	tids := map[int]bool{}
	listeners := []net.Listener{}
	failed := 0
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			runtime.LockOSThread()
			<-start
			tid := syscall.Gettid()
			l, err := net.Listen("unix", "g"+strconv.Itoa(i))
			mu.Lock()
			defer mu.Unlock()
			tids[tid] = true
			if err != nil {
				fmt.Fprintln(os.Stderr, "bind:", err)
				failed++
				return
			}
			listeners = append(listeners, l)
		}(i)
	}
	close(start)
	wg.Wait()
	fmt.Printf("bound=%d failed=%d threads=%d\n", len(listeners), failed, len(tids))
	fmt.Println("ready")
	for _, l := range listeners {
		go func(l net.Listener) {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				io.ReadAll(c)
				c.Write([]byte(l.Addr().String()))
				c.Close()
			}
		}(l)
	}
	io.ReadAll(os.Stdin)
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "serve" {
		serve(os.Args[2])
		return
	}
	if len(os.Args) == 4 && os.Args[1] == "many" {
		n, err := strconv.Atoi(os.Args[3])
		if err == nil {
			many(os.Args[2], n)
			return
		}
	}
	fmt.Fprintln(os.Stderr, "usage: gserver serve PATH | gserver many DIR N")
	os.Exit(2)
}
