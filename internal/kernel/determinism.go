package kernel

import (
	"container/heap"
	"math/rand/v2"
	"time"
)

// Deterministic mode (Config.Deterministic). The guest's clocks read
// virtual time, which only retired instructions (and the fixed cost of each
// syscall) advance, and jumps forward to the next timer when every task
// sleeps; timers are kept here, not on the host; randomness comes from the
// seed; and the seed also cuts each task's turn into pieces of random
// length, so that different seeds interleave tasks differently while one
// seed always interleaves them the same way. Host input is then the only
// source of variation.

// deterministicEpoch is the wall-clock time at virtual time zero.
var deterministicEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// setupDeterminism replaces the host's clock and randomness.
func (k *Kernel) setupDeterminism() {
	k.rng = rand.New(rand.NewChaCha8(seedBytes(k.cfg.Seed, 0)))
	k.cfg.Random = rand.NewChaCha8(seedBytes(k.cfg.Seed, 1))
	k.cfg.Now = func() time.Time { return deterministicEpoch.Add(time.Duration(k.virtualNanos())) }
}

// seedBytes derives a ChaCha8 seed for stream n from the user's seed.
func seedBytes(seed, n uint64) (b [32]byte) {
	for i := range 4 {
		v := seed ^ n<<56 ^ uint64(i)*0x9e3779b97f4a7c15
		for j := range 8 {
			b[8*i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

// virtualNanos is virtual time: instructions retired, syscall costs, and
// the idle time skipped to reach timers.
func (k *Kernel) virtualNanos() uint64 { return k.clock.Load() + k.idle.Load() }

// vtimer is a sleeping task's deadline in virtual time.
type vtimer struct {
	at   time.Time
	seq  uint64 // the task's sleepSeq when armed; a stale timer is ignored
	task *Task
	n    uint64 // arming order, to break ties the same way every run
	fn   func() // a kernel timer's action (afterLocked), instead of a task's wake-up
	dead *bool  // set when the kernel timer is cancelled
}

// timerHeap orders timers by deadline, then arming order.
type timerHeap []vtimer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].n < h[j].n
}
func (h timerHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)   { *h = append(*h, x.(vtimer)) }
func (h *timerHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// armLocked sets a virtual timer for t's current sleep.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) armLocked(t *Task, at time.Time) {
	k.timerSeq++
	heap.Push(&k.timers, vtimer{at: at, seq: t.sleepSeq, task: t, n: k.timerSeq})
}

// fireTimersLocked wakes every task whose virtual deadline has passed.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) fireTimersLocked() {
	now := k.cfg.Now()
	for len(k.timers) > 0 && !k.timers[0].at.After(now) {
		v := heap.Pop(&k.timers).(vtimer)
		switch {
		case v.fn != nil:
			if !*v.dead {
				v.fn()
			}
		default:
			k.timeoutLocked(v.task, v.seq)
		}
	}
}

// idleLocked is what the CPU does when no task is runnable in deterministic
// mode: virtual time jumps to the next timer, which fires. Without timers
// the CPU stays idle until host input (or nothing) wakes a task.
//
// Preconditions: Kernel.mu is held; the CPU is idle.
func (k *Kernel) idleLocked() {
	for k.running == nil && len(k.timers) > 0 {
		if d := k.timers[0].at.Sub(k.cfg.Now()); d > 0 {
			k.idle.Add(uint64(d))
		}
		k.fireTimersLocked()
	}
}

// timerBudgetLocked caps a budget so that the holder stops at the next
// virtual deadline.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) timerBudgetLocked(b uint64) uint64 {
	if len(k.timers) == 0 {
		return b
	}
	d := k.timers[0].at.Sub(k.cfg.Now())
	if d <= 0 {
		return 1
	}
	return min(b, uint64(d))
}

// jitterLocked cuts a turn to a random piece in deterministic mode: between
// a quarter of it and all of it.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) jitterLocked(b uint64) uint64 {
	if b < 4 {
		return b
	}
	return b/4 + k.rng.Uint64N(b-b/4)
}

// afterLocked runs fn with Kernel.mu held once d has passed (a host timer,
// or a virtual one in deterministic mode) and returns a function that
// cancels it; a cancelled timer never runs fn.
//
// Preconditions: Kernel.mu is held (for the caller and for cancel).
func (k *Kernel) afterLocked(d time.Duration, fn func()) (cancel func()) {
	dead := new(bool)
	if k.cfg.Deterministic {
		k.timerSeq++
		heap.Push(&k.timers, vtimer{at: k.cfg.Now().Add(d), n: k.timerSeq, fn: fn, dead: dead})
		return func() { *dead = true }
	}
	tm := time.AfterFunc(d, func() {
		k.mu.Lock()
		defer k.mu.Unlock()
		if !*dead {
			fn()
		}
	})
	return func() { *dead = true; tm.Stop() }
}
