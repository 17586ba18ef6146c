package kernel

import (
	"vessel/internal/vfs"
)

// Collecting sockets that only messages in flight keep alive, as Linux's
// unix_gc (net/unix/garbage.c). A socket whose File rides in its own
// queue, or two that ride in each other's, keep each other open after
// every descriptor is closed: the references are in the queues, and the
// queues go only when the sockets are released. Linux's answer, and this
// one, is a collector that runs whenever a Unix socket is released while
// socket Files are in flight.
//
// The candidates are the sockets whose File rides in a message. A
// candidate is reachable when a descriptor of a live task names it, when a
// task waits on it or an epoll instance watches it (those hold references
// vessel cannot see the holders of), or when a message queued on a
// reachable socket carries it; every socket not in flight is reachable
// (something outside the queues holds it), and so are the connections
// waiting on a reachable listener. The candidates left are garbage: their
// queues are dropped, which drops the last references to them.

// inFlightLocked records that f, sent with SCM_RIGHTS, rides in a message.
//
// Preconditions: Kernel.mu is held.
func (ns *netNamespace) inFlightLocked(f *vfs.File) {
	if s, ok := f.Impl().(*sock); ok {
		s.inflight++
		s.ns.inflight[s] = struct{}{}
	}
}

// landedLocked records that f left a message: it was received, or the
// message was dropped.
//
// Preconditions: Kernel.mu is held.
func (ns *netNamespace) landedLocked(f *vfs.File) {
	if s, ok := f.Impl().(*sock); ok {
		if s.inflight--; s.inflight == 0 {
			delete(s.ns.inflight, s)
		}
	}
}

// collectLocked finds the garbage and empties its queues. It returns drop
// with the Files to release once Kernel.mu is dropped (the References of
// the dropped messages and of the descriptor tables it looked at).
//
// Preconditions: Kernel.mu is held.
func (ns *netNamespace) collectLocked(drop []*vfs.File) []*vfs.File {
	if ns.collecting || len(ns.inflight) == 0 {
		return drop
	}
	ns.collecting = true
	defer func() { ns.collecting = false }()
	reachable := map[*sock]bool{}
	var work []*sock
	mark := func(s *sock) {
		if !reachable[s] {
			reachable[s] = true
			work = append(work, s)
		}
	}
	for s := range ns.live {
		_, candidate := ns.inflight[s]
		waited := len(s.rq.waiters)+len(s.wq.waiters)+len(s.peerWait.waiters) > 0
		if s.file != nil && (!candidate || waited || len(s.watching) > 0) {
			mark(s)
		}
	}
	seen := map[*vfs.FDTable]bool{}
	for _, t := range ns.k.tasks {
		if t.FDs == nil || seen[t.FDs] {
			continue
		}
		seen[t.FDs] = true
		for _, d := range t.FDs.Snapshot() {
			if s, ok := d.File.Impl().(*sock); ok && s.ns == ns {
				mark(s)
			}
			drop = append(drop, d.File)
		}
	}
	for len(work) > 0 {
		s := work[len(work)-1]
		work = work[:len(work)-1]
		for _, q := range s.queues() {
			for _, m := range q {
				for _, f := range m.rights {
					if x, ok := f.Impl().(*sock); ok && x.ns == ns {
						mark(x)
					}
				}
			}
		}
	}
	var garbage []*sock
	for s := range ns.inflight {
		if !reachable[s] {
			garbage = append(garbage, s)
		}
	}
	for _, s := range garbage {
		drop = s.purgeLocked(drop)
		for _, e := range s.acceptq {
			drop = e.purgeLocked(drop)
		}
	}
	return drop
}

// queues lists s's receive queue and those of the connections waiting on
// it.
//
// Preconditions: Kernel.mu is held.
func (s *sock) queues() [][]*sockMsg {
	qs := [][]*sockMsg{s.recvq}
	for _, e := range s.acceptq {
		qs = append(qs, e.recvq)
	}
	return qs
}
