package mm

import (
	"sync/atomic"

	"vessel/internal/abi"
)

const (
	pageSize  = abi.PageSize
	pageShift = 12
	pageMask  = pageSize - 1
)

// frame is one 4 KiB page of guest memory and the count of its holders.
//
// refs counts the leaf tables that map the frame, plus one for the page
// index that keeps it: a shared object's, or a page-cache entry's (see
// object). A leaf table that Fork left shared between several
// page tables holds one reference for all of them; copying the leaf takes
// another for the copy (see pagetable.go). A page of a private mapping is
// copy-on-write while its frame has refs > 1 or a table on its path is
// shared: a write first makes the path the writer's own, which leaves the
// frame with refs > 1 if anyone else still maps it, and then copies the
// frame if refs > 1. With refs == 1 under its own path the frame belongs
// to that one entry and is written in place; a frame in a page index
// never has refs == 1 while a page table maps it, so a private mapping
// always copies a page-cache frame. The count only ever errs high when an
// address space is dropped without Release, which costs an unneeded copy,
// never a wrong share.
//
// Frames are not recycled: a dropped frame, a page-cache frame evicted
// with its entry among them, is left to the garbage collector, so a stale
// translation can only see old data it was allowed to see, never another
// process's, and code a hart decoded from a frame stays right for the
// frame's life.
type frame struct {
	refs atomic.Int32
	page *[pageSize]byte
}

// newFrame returns a zero-filled frame with one reference.
func newFrame() *frame {
	f := &frame{page: new([pageSize]byte)}
	f.refs.Store(1)
	return f
}

// copyFrame returns a new frame with one reference holding f's bytes.
func copyFrame(f *frame) *frame {
	n := &frame{page: new([pageSize]byte)}
	*n.page = *f.page
	n.refs.Store(1)
	return n
}

// get takes a reference.
func (f *frame) get() { f.refs.Add(1) }

// put drops a reference.
func (f *frame) put() {
	if f.refs.Add(-1) < 0 {
		panic("mm: frame reference count below zero")
	}
}

// shared reports whether another holder has the frame too.
func (f *frame) shared() bool { return f.refs.Load() > 1 }

func pageDown(a uint64) uint64 { return a &^ pageMask }

// pageUp rounds a up to a page; ok is false when that overflows.
func pageUp(a uint64) (r uint64, ok bool) {
	r = (a + pageMask) &^ pageMask
	return r, r >= a
}
