// Command hello is a Go guest program: goroutines, channels, a mutex, the
// garbage collector, timers (the runtime's netpoll: epoll and eventfd),
// os/signal catching a signal the program sends itself, and a nil
// dereference turned by the runtime's SIGSEGV handler into a panic that
// recover catches. Its output is the same on every run. Exit status 0.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"
)

type node struct {
	next *node
	pad  [48]byte
}

func main() {
	// Goroutines and a mutex.
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10000 {
				mu.Lock()
				total += (i + j) % 5
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Println("goroutines summed:", total)

	// Allocation enough for several collections.
	var keep *node
	for i := range 200000 {
		n := &node{next: keep}
		if i%100 == 0 {
			keep = nil
		}
		keep = n
	}
	runtime.GC()
	fmt.Println("garbage collected: yes")

	// Timers.
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	<-time.After(10 * time.Millisecond)
	fmt.Println("slept at least 30ms:", time.Since(start) >= 30*time.Millisecond)

	// A signal to ourselves, caught by os/signal.
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGUSR1)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	select {
	case s := <-c:
		fmt.Println("caught:", s)
	case <-time.After(10 * time.Second):
		fmt.Println("caught: nothing")
	}

	// A nil dereference becomes a recoverable panic.
	func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		var p *node
		fmt.Println(p.pad[3])
	}()
}
