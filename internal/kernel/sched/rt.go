package sched

import "math/bits"

// The real-time classes: one FIFO list per priority and a bitmap of the
// non-empty ones, as Linux's rt_prio_array. Bit p of rtBitmap is set exactly
// when rtQueue[p] is non-empty; priority 99 is the highest.

// rtList is one priority's queue, linked through Entity.prev and next.
type rtList struct{ head, tail *Entity }

// rtPush adds e to its priority's list, at the head if head is set.
func (rq *RunQueue) rtPush(e *Entity, head bool) {
	l := &rq.rtQueue[e.RTPrio]
	switch {
	case l.head == nil:
		e.prev, e.next = nil, nil
		l.head, l.tail = e, e
	case head:
		e.prev, e.next = nil, l.head
		l.head.prev = e
		l.head = e
	default:
		e.prev, e.next = l.tail, nil
		l.tail.next = e
		l.tail = e
	}
	rq.rtBitmap[e.RTPrio/64] |= 1 << (e.RTPrio % 64)
	rq.nrRT++
}

// rtRemove takes e out of its priority's list.
// Preconditions: e is on that list.
func (rq *RunQueue) rtRemove(e *Entity) {
	l := &rq.rtQueue[e.RTPrio]
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		l.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		l.tail = e.prev
	}
	e.prev, e.next = nil, nil
	if l.head == nil {
		rq.rtBitmap[e.RTPrio/64] &^= 1 << (e.RTPrio % 64)
	}
	rq.nrRT--
}

// rtTopPrio returns the highest priority with a queued entity, 0 if none
// (Linux's sched_find_first_bit over the inverted priority).
func (rq *RunQueue) rtTopPrio() int {
	for i := len(rq.rtBitmap) - 1; i >= 0; i-- {
		if w := rq.rtBitmap[i]; w != 0 {
			return i*64 + bits.Len64(w) - 1
		}
	}
	return 0
}
