package kernel

import (
	"math"
	"time"
)

// The load average, as Linux's calc_global_load: every 5 seconds the
// number of tasks running, runnable or in uninterruptible sleep is folded
// into three exponentially decaying averages with 1, 5 and 15 minute time
// constants. vessel has no timer tick: the kernel looks at the clock every
// 64th context switch and whenever the averages are read, and folds in
// each 5-second mark passed since with the number of active tasks at that
// moment (exact while it did not change in between, as with no switches it
// cannot have much).

const loadFreq = 5 * time.Second

// loadDecay is e^(-5s/1min), e^(-5s/5min), e^(-5s/15min).
var loadDecay = [3]float64{math.Exp(-5.0 / 60), math.Exp(-5.0 / 300), math.Exp(-5.0 / 900)}

// loadAvg is the kernel's load average. Guarded by Kernel.mu.
type loadAvg struct {
	next time.Time  // the next 5-second mark; zero before the first look
	avg  [3]float64 // tasks
}

// sampleLoadLocked folds in the 5-second marks passed.
//
// Preconditions: k.mu is held.
func (k *Kernel) sampleLoadLocked() {
	now := k.cfg.Now()
	if k.load.next.IsZero() {
		k.load.next = k.start.Add(loadFreq)
	}
	if now.Before(k.load.next) {
		return
	}
	marks := int64(now.Sub(k.load.next)/loadFreq) + 1
	k.load.next = k.load.next.Add(time.Duration(marks) * loadFreq)
	n := float64(k.activeTasksLocked())
	for i, d := range loadDecay {
		dm := math.Pow(d, float64(marks))
		k.load.avg[i] = k.load.avg[i]*dm + n*(1-dm)
	}
}

// activeTasksLocked counts the tasks Linux's load counts: running,
// runnable, or asleep uninterruptibly.
//
// Preconditions: k.mu is held.
func (k *Kernel) activeTasksLocked() int {
	n := 0
	for _, t := range k.tasks {
		switch t.State() {
		case StateRunning, StateRunnable, StateDisk:
			n++
		}
	}
	return n
}

// LoadAvg returns the 1, 5 and 15 minute load averages.
func (k *Kernel) LoadAvg() [3]float64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.sampleLoadLocked()
	return k.load.avg
}
