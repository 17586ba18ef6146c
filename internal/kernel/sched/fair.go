package sched

import (
	"math"
	"math/bits"
)

// The fair class's arithmetic: virtual time, slices, placement and wake-up
// preemption. See the package doc for the model.

// nice0Load is the weight of a nice-0 entity, Linux's NICE_0_LOAD: the unit
// in which vruntime is kept.
const nice0Load = 1024

// calcDeltaFair converts delta ns of running by an entity of weight w into
// vruntime: delta*1024/w (Linux's calc_delta_fair, computed exactly).
func calcDeltaFair(delta, w uint64) uint64 {
	if w == nice0Load {
		return delta
	}
	return mulDiv(delta, nice0Load, w)
}

// mulDiv returns a*b/c without intermediate overflow, saturating at
// math.MaxUint64 (also when c is 0).
func mulDiv(a, b, c uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi >= c {
		return math.MaxUint64
	}
	q, _ := bits.Div64(hi, lo, c)
	return q
}

// satAdd returns a+b, saturating at math.MaxUint64.
func satAdd(a, b uint64) uint64 {
	s, carry := bits.Add64(a, b, 0)
	if carry != 0 {
		return math.MaxUint64
	}
	return s
}

// satSub returns a-b, or 0 if b > a.
func satSub(a, b uint64) uint64 {
	if b > a {
		return 0
	}
	return a - b
}

// period is the time in which each of nr runnable CFS entities should run
// once: Latency, or nr*MinGranularity when there are more than
// Latency/MinGranularity of them (Linux's __sched_period and
// sched_nr_latency).
func (rq *RunQueue) period(nr int) uint64 {
	if n := uint64(nr); n > rq.cfg.Latency/rq.cfg.MinGranularity {
		return n * rq.cfg.MinGranularity
	}
	return rq.cfg.Latency
}

// schedSlice is e's share of the period in ns, counting e as runnable
// alongside the queued and current CFS entities, and at least
// MinGranularity (Linux's sched_slice with BASE_SLICE).
func (rq *RunQueue) schedSlice(e *Entity) uint64 {
	nr, load := rq.nrCFS, rq.load
	if c := rq.curr; c != nil && !c.rt() {
		nr++
		load += c.loadWeight()
	}
	w := e.loadWeight()
	if !e.queued && e != rq.curr {
		nr++
		load += w
	}
	return max(mulDiv(rq.period(nr), w, load), rq.cfg.MinGranularity)
}

// placeSleeper raises a waking CFS entity's vruntime to at least
// min_vruntime - Latency/2: a sleeper gets half a period of credit, no more
// (Linux's place_entity, initial=0, GENTLE_FAIR_SLEEPERS).
func (rq *RunQueue) placeSleeper(e *Entity) {
	e.Vruntime = max(e.Vruntime, satSub(rq.minVruntime, rq.cfg.Latency/2))
}

// PlaceNew prepares child, a new task forked from parent, to be enqueued
// (Linux's sched_fork and task_fork_fair). The child inherits the parent's
// policy, nice and RT priority, unless the parent has ResetOnFork: then an
// RT policy becomes SCHED_NORMAL, a negative nice becomes 0, and the child
// does not inherit the flag. Its accounting starts at zero. Its vruntime is
// max(parent's vruntime, min_vruntime + its own slice in virtual time): the
// child pays for one slice before it runs (START_DEBIT), so forking cannot
// jump the queue (place_entity, initial=1). The parent's vruntime counts
// only if the parent is a CFS entity. The caller charges the parent's
// running time first, then calls Enqueue(child, false).
//
// Preconditions: child is not queued (a broken precondition panics).
func (rq *RunQueue) PlaceNew(child, parent *Entity) {
	if child.queued {
		panic("sched: PlaceNew of a queued entity")
	}
	child.Policy, child.Nice, child.RTPrio, child.ResetOnFork =
		parent.Policy, parent.Nice, parent.RTPrio, parent.ResetOnFork
	if parent.ResetOnFork {
		if child.rt() {
			child.Policy, child.RTPrio, child.Nice = SCHED_NORMAL, 0, 0
		}
		child.Nice = max(child.Nice, 0)
		child.ResetOnFork = false
	}
	child.SumExec, child.sliceStart, child.rrLeft, child.toTail = 0, 0, 0, false
	child.Vruntime = satAdd(rq.minVruntime, calcDeltaFair(rq.schedSlice(child), child.loadWeight()))
	if !parent.rt() {
		child.Vruntime = max(child.Vruntime, parent.Vruntime)
	}
}

// wakeupPreempt reports whether se, a queued CFS entity, should preempt
// curr, a CFS entity (Linux's check_preempt_wakeup and
// wakeup_preempt_entity). The granularity is converted to se's virtual time,
// so a light se needs a larger lead.
func (rq *RunQueue) wakeupPreempt(curr, se *Entity) bool {
	switch {
	case se == nil:
		return false
	case curr.Policy == SCHED_IDLE && se.Policy != SCHED_IDLE:
		return true
	case !policyOf(se.Policy).wakePreempts, se.Vruntime >= curr.Vruntime:
		return false
	}
	return curr.Vruntime-se.Vruntime > calcDeltaFair(rq.cfg.WakeupGranularity, se.loadWeight())
}

// updateMinVruntime moves min_vruntime up to the smaller of the current CFS
// entity's vruntime and the leftmost queued one's, never down (Linux's
// update_min_vruntime).
func (rq *RunQueue) updateMinVruntime() {
	var v uint64
	ok := false
	if c := rq.curr; c != nil && !c.rt() {
		v, ok = c.Vruntime, true
	}
	if l := treeFirst(rq.root); l != nil && (!ok || l.Vruntime < v) {
		v, ok = l.Vruntime, true
	}
	if ok && v > rq.minVruntime {
		rq.minVruntime = v
	}
}
