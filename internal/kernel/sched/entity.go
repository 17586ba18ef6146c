package sched

// Entity is one task's scheduling state, Linux's sched_entity and
// sched_rt_entity in one. The kernel embeds it (or a pointer to it) in its
// task. The zero Entity is a SCHED_NORMAL entity at nice 0 that has never
// run.
//
// The exported fields are the caller's to read at any time under its lock.
// Policy, Nice, RTPrio and ResetOnFork are written only through
// RunQueue.SetPolicy and PlaceNew (or before the entity first meets a run
// queue); Vruntime and SumExec only by the run queue.
type Entity struct {
	Policy      int    // SCHED_NORMAL, SCHED_BATCH, SCHED_IDLE, SCHED_FIFO or SCHED_RR
	Nice        int    // -20..19; sets the weight of SCHED_NORMAL and SCHED_BATCH
	RTPrio      int    // 1..99 for SCHED_FIFO and SCHED_RR, 0 otherwise
	ResetOnFork bool   // SCHED_RESET_ON_FORK: a child starts as SCHED_NORMAL at nice >= 0
	Vruntime    uint64 // virtual runtime, ns weighted by 1024/weight (CFS)
	SumExec     uint64 // total virtual ns charged, in every class
	Task        any    // the caller's back-pointer; sched never looks at it

	weight     uint64 // load weight counted in RunQueue.load while in the tree
	seq        uint64 // insertion order, breaks vruntime ties (first in, first out)
	queued     bool   // in the CFS tree or an RT list
	toTail     bool   // next requeue goes to the tail of its RT list (yield, RR expiry)
	sliceStart uint64 // SumExec when last picked
	rrLeft     uint64 // SCHED_RR time left in the current slice; 0 means a fresh one

	// CFS tree links (an AVL tree threaded through the entities, as Linux
	// threads its rbtree through sched_entity.run_node).
	left, right *Entity
	height      int8

	// RT list links.
	prev, next *Entity
}

// rt reports whether e is in a real-time class.
func (e *Entity) rt() bool { return policyOf(e.Policy).rt }

// loadWeight is e's CFS weight: Weight(Nice), or WEIGHT_IDLEPRIO for
// SCHED_IDLE.
func (e *Entity) loadWeight() uint64 {
	if e.Policy == SCHED_IDLE {
		return weightIdle
	}
	return Weight(e.Nice)
}

// before is the CFS tree order: smaller vruntime first, then earlier
// insertion (Linux's entity_before, with the tie made explicit).
func (e *Entity) before(o *Entity) bool {
	if e.Vruntime != o.Vruntime {
		return e.Vruntime < o.Vruntime
	}
	return e.seq < o.seq
}
