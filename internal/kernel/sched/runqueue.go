package sched

import "math"

// Config holds the scheduler's tunables, in virtual nanoseconds. A zero field
// takes its default, Linux's default for the sysctl it is named after.
type Config struct {
	Latency           uint64 // sysctl_sched_latency: the period in which every CFS entity runs once; default 6 ms
	MinGranularity    uint64 // sysctl_sched_min_granularity: the shortest CFS slice; default 0.75 ms
	WakeupGranularity uint64 // sysctl_sched_wakeup_granularity: the vruntime lead a waker needs to preempt; default 1 ms
	RRSlice           uint64 // sched_rr_timeslice: the SCHED_RR quantum; default 100 ms
}

// Defaults of Config's fields.
const (
	DefaultLatency           = 6_000_000
	DefaultMinGranularity    = 750_000
	DefaultWakeupGranularity = 1_000_000
	DefaultRRSlice           = 100_000_000
)

// RunQueue is one virtual CPU's run queue: the entities that are runnable
// but not running, and the one that is running (the current entity). It has
// no lock of its own; see the package doc.
type RunQueue struct {
	cfg  Config
	curr *Entity // picked and not since enqueued or dequeued; never queued
	seq  uint64  // last Entity.seq handed out

	// CFS.
	root        *Entity // the timeline, see tree.go
	nrCFS       int     // entities in the tree
	load        uint64  // sum of their Entity.weight
	minVruntime uint64  // never decreases

	// RT, see rt.go.
	rtQueue  [MaxRTPrio + 1]rtList
	rtBitmap [(MaxRTPrio + 64) / 64]uint64
	nrRT     int
}

// NewRunQueue returns an empty run queue tuned by c.
func NewRunQueue(c Config) *RunQueue {
	def := func(v *uint64, d uint64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.Latency, DefaultLatency)
	def(&c.MinGranularity, DefaultMinGranularity)
	def(&c.WakeupGranularity, DefaultWakeupGranularity)
	def(&c.RRSlice, DefaultRRSlice)
	return &RunQueue{cfg: c}
}

// Config returns the tunables in effect, defaults filled in. RRSlice is what
// sched_rr_get_interval(2) reports for a SCHED_RR task.
func (rq *RunQueue) Config() Config { return rq.cfg }

// Len returns the number of queued entities; the current one is not counted.
func (rq *RunQueue) Len() int { return rq.nrRT + rq.nrCFS }

// Current returns the entity Pick last returned, or nil once it has been
// enqueued or dequeued again.
func (rq *RunQueue) Current() *Entity { return rq.curr }

// MinVruntime returns min_vruntime: a lower bound, never decreasing, of the
// vruntime of the current and queued CFS entities (Linux's
// cfs_rq->min_vruntime).
func (rq *RunQueue) MinVruntime() uint64 { return rq.minVruntime }

// Entities returns the queued entities in the order Pick would return them
// if nothing changed: real-time by priority, highest first, in queue order
// within a priority; then CFS by vruntime. The slice is the caller's.
func (rq *RunQueue) Entities() []*Entity {
	out := make([]*Entity, 0, rq.Len())
	for p := MaxRTPrio; p >= MinRTPrio; p-- {
		for e := rq.rtQueue[p].head; e != nil; e = e.next {
			out = append(out, e)
		}
	}
	return treeWalk(rq.root, out)
}

// Enqueue makes e runnable: it joins the queue of its class. wakeup says
// that e has been asleep; a CFS entity waking then has its vruntime raised
// to at least min_vruntime - Latency/2, so that a long sleep earns it a
// bounded head start and not the CPU to itself (Linux's enqueue_entity with
// ENQUEUE_WAKEUP, place_entity under GENTLE_FAIR_SLEEPERS). A new entity is
// first placed with PlaceNew and then enqueued with wakeup false.
//
// Enqueueing the current entity ends its turn (Linux's put_prev_task): a
// CFS entity goes back into the timeline by vruntime; a real-time one goes
// back to the head of its priority's list, as a preempted RT task keeps its
// place in Linux, unless it yielded or its SCHED_RR slice ran out, which
// send it to the tail. A waking RT entity goes to the tail.
//
// Preconditions: e is not queued (a broken precondition panics).
func (rq *RunQueue) Enqueue(e *Entity, wakeup bool) {
	if e.queued {
		panic("sched: Enqueue of a queued entity")
	}
	wasCurr := e == rq.curr
	if wasCurr {
		rq.curr = nil
	}
	if wakeup && !e.rt() {
		rq.placeSleeper(e)
	}
	head := wasCurr && !wakeup && !e.toTail
	e.toTail = false
	rq.insert(e, head)
	rq.updateMinVruntime()
}

// Dequeue takes e off the run queue because it blocked, exited or stopped
// (Linux's dequeue_task). If e is the current entity it stops being current.
// Dequeue of an entity neither queued nor current does nothing.
func (rq *RunQueue) Dequeue(e *Entity) {
	if e.queued {
		rq.remove(e)
	}
	if e == rq.curr {
		rq.curr = nil
	}
	e.toTail = false
	rq.updateMinVruntime()
}

// Pick removes and returns the entity to run next and makes it current; nil
// if nothing is queued. A previous current entity that was not enqueued
// again is taken to have left the CPU (blocked or exited). Real-time
// entities come first, highest priority first and in queue order within a
// priority; then the CFS entity with the smallest vruntime (ties in
// enqueue order). SCHED_IDLE entities are ordinary CFS entities of weight 3,
// which keeps them behind the others, as in Linux. Analogous to Linux's
// pick_next_task: pick_next_task_rt, then pick_next_entity and
// set_next_entity.
func (rq *RunQueue) Pick() *Entity {
	var e *Entity
	if p := rq.rtTopPrio(); p > 0 {
		e = rq.rtQueue[p].head
	} else {
		e = treeFirst(rq.root)
	}
	rq.curr = e
	if e == nil {
		return nil
	}
	rq.remove(e)
	e.sliceStart = e.SumExec
	if policyOf(e.Policy).rr && e.rrLeft == 0 {
		e.rrLeft = rq.cfg.RRSlice
	}
	rq.updateMinVruntime()
	return e
}

// Charge accounts delta ns of running to e, normally the current entity
// (Linux's update_curr, update_curr_rt and task_tick_rt). SumExec grows by
// delta in every class. A CFS entity's vruntime grows by delta*1024/weight.
// A SCHED_RR entity's slice shrinks by delta; when it runs out it is refilled
// to RRSlice and the entity's next Enqueue puts it at the tail of its
// priority. min_vruntime follows.
func (rq *RunQueue) Charge(e *Entity, delta uint64) {
	e.SumExec += delta
	switch p := policyOf(e.Policy); {
	case p.rr:
		if e.rrLeft == 0 {
			e.rrLeft = rq.cfg.RRSlice
		}
		if delta >= e.rrLeft {
			e.rrLeft = rq.cfg.RRSlice
			e.toTail = true
		} else {
			e.rrLeft -= delta
		}
	case !p.rt:
		queued := e.queued
		if queued {
			rq.remove(e)
		}
		e.Vruntime = satAdd(e.Vruntime, calcDeltaFair(delta, e.loadWeight()))
		if queued {
			rq.insert(e, false)
		}
	}
	rq.updateMinVruntime()
}

// Slice returns how much longer e may run before the kernel should take the
// CPU back and pick again; 0 means now. For the current CFS entity it is the
// rest of its share of the scheduling period (Linux's sched_slice, checked
// as check_preempt_tick does), for another CFS entity the whole share: the
// period is Latency, stretched to nr*MinGranularity when more than
// Latency/MinGranularity entities are runnable (__sched_period), the share is
// weight/total weight of the runnable CFS entities (e included), and no
// share is below MinGranularity. For SCHED_RR it is what is left of the RR
// slice; for SCHED_FIFO it is math.MaxUint64, as a FIFO task runs until it
// blocks, yields or is preempted.
//
// A slice running out is one reason to reschedule; ShouldPreempt gives the
// other.
func (rq *RunQueue) Slice(e *Entity) uint64 {
	switch p := policyOf(e.Policy); {
	case p.rr:
		if e.rrLeft == 0 {
			return rq.cfg.RRSlice
		}
		return e.rrLeft
	case p.rt:
		return math.MaxUint64
	}
	slice := rq.schedSlice(e)
	if e != rq.curr {
		return slice
	}
	if ran := e.SumExec - e.sliceStart; ran < slice {
		return slice - ran
	}
	return 0
}

// ShouldPreempt reports whether a queued entity should take the CPU from
// curr now, typically asked after a wake-up (Linux's check_preempt_curr):
// a real-time entity of higher priority than a real-time curr; any
// real-time entity over a CFS curr; and for CFS, the leftmost entity when
// curr is SCHED_IDLE and it is not, or when it is SCHED_NORMAL and its
// vruntime is more than WakeupGranularity (converted to its virtual time)
// behind curr's (check_preempt_wakeup, wakeup_preempt_entity). SCHED_BATCH
// and SCHED_IDLE entities never preempt on wake-up; their turn comes when
// the current slice ends. With a nil curr it reports whether anything is
// queued.
func (rq *RunQueue) ShouldPreempt(curr *Entity) bool {
	if curr == nil {
		return rq.Len() > 0
	}
	top := rq.rtTopPrio()
	if curr.rt() {
		return top > curr.RTPrio
	}
	if top > 0 {
		return true
	}
	return rq.wakeupPreempt(curr, treeFirst(rq.root))
}

// Yield records that e, the current entity, called sched_yield(2), before it
// is enqueued again. A real-time entity goes to the tail of its priority
// (Linux's yield_task_rt). A CFS entity's vruntime is raised to that of the
// rightmost queued CFS entity, so it runs after every entity queued now (the
// sysctl_sched_compat_yield behaviour of Linux 2.6.23-2.6.38; later kernels
// only skip the yielder once). A queued e is moved at once.
func (rq *RunQueue) Yield(e *Entity) {
	queued := e.queued
	if queued {
		rq.remove(e)
	}
	if e.rt() {
		e.toTail = true
	} else if last := treeLast(rq.root); last != nil {
		e.Vruntime = max(e.Vruntime, last.Vruntime)
	}
	if queued {
		e.toTail = false
		rq.insert(e, false)
	}
	rq.updateMinVruntime()
}

// insert puts e into its class's queue; an RT entity goes to the head of its
// list if head is set.
// Preconditions: e is not queued.
func (rq *RunQueue) insert(e *Entity, head bool) {
	e.queued = true
	if e.rt() {
		rq.rtPush(e, head)
		return
	}
	rq.seq++
	e.seq = rq.seq
	e.weight = e.loadWeight()
	rq.root = treeInsert(rq.root, e)
	rq.nrCFS++
	rq.load += e.weight
}

// remove takes e out of its class's queue.
// Preconditions: e is queued, and its class and priority are those it was
// inserted with.
func (rq *RunQueue) remove(e *Entity) {
	e.queued = false
	if e.rt() {
		rq.rtRemove(e)
		return
	}
	rq.root = treeRemove(rq.root, e)
	rq.nrCFS--
	rq.load -= e.weight
}
