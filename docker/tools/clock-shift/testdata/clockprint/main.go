// clockprint: a Go target for the clock-shift tests. Every 100 ms each of its locked OS threads
// prints one JSON line: its thread id, time.Now() (Go reads CLOCK_REALTIME through the vDSO), the
// time elapsed by Go's monotonic clock (runtime nanotime: CLOCK_MONOTONIC through the vDSO), and
// both clocks read with the raw syscall, which no vDSO patch touches. A line "spawn N" on stdin
// starts N more locked threads, so threads created after an injection can be checked too.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

type sample struct {
	Tid           int   `json:"tid"`
	Wall          int64 `json:"wall"`
	Elapsed       int64 `json:"elapsed"`
	RealRealtime  int64 `json:"realRealtime"`
	RealMonotonic int64 `json:"realMonotonic"`
}

var out sync.Mutex

func raw(clock uintptr) int64 {
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clock, uintptr(unsafe.Pointer(&ts)), 0)
	return ts.Nano()
}

func run(start time.Time) {
	runtime.LockOSThread() // never unlocked: this goroutine owns its OS thread until exit
	for {
		s := sample{Tid: syscall.Gettid(), RealRealtime: raw(0), RealMonotonic: raw(1)}
		now := time.Now()
		s.Wall = now.UnixNano()
		s.Elapsed = int64(now.Sub(start))
		b, _ := json.Marshal(s)
		out.Lock()
		fmt.Println(string(b))
		out.Unlock()
		time.Sleep(100 * time.Millisecond)
	}
}

func main() {
	threads := flag.Int("threads", 1, "locked OS threads that print")
	flag.Parse()
	start := time.Now()
	for i := 0; i < *threads; i++ {
		go run(start)
	}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		var n int
		if _, err := fmt.Sscanf(in.Text(), "spawn %d", &n); err == nil {
			for i := 0; i < n; i++ {
				go run(start)
			}
		}
	}
	select {}
}
