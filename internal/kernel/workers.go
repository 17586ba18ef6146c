package kernel

import "sync"

// Task goroutines are reused. A goroutine starts with a small stack that
// grows, by copying, the first time a task goes deep into the kernel (an
// exit, say, or a page-table walk), so a thread that lives for a moment
// would pay for the growth every time. An exited task's goroutine instead
// waits, its stack grown, for the next task to start.
var workers struct {
	mu   sync.Mutex
	idle []chan func()
}

// maxIdleWorkers bounds the goroutines kept waiting.
const maxIdleWorkers = 16

// goTask runs fn on an idle task goroutine, or on a new one.
func goTask(fn func()) {
	workers.mu.Lock()
	if n := len(workers.idle); n > 0 {
		c := workers.idle[n-1]
		workers.idle[n-1] = nil
		workers.idle = workers.idle[:n-1]
		workers.mu.Unlock()
		c <- fn
		return
	}
	workers.mu.Unlock()
	go worker(fn)
}

// worker runs fn, then whatever goTask hands it next, until the pool is
// full when it finishes one.
func worker(fn func()) {
	var c chan func()
	for {
		fn()
		workers.mu.Lock()
		if len(workers.idle) >= maxIdleWorkers {
			workers.mu.Unlock()
			return
		}
		if c == nil {
			c = make(chan func(), 1)
		}
		workers.idle = append(workers.idle, c)
		workers.mu.Unlock()
		fn = <-c
	}
}
