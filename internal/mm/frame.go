package mm

import (
	"sync"
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
// A frame whose last reference goes is recycled (see framePool) unless a
// hart was ever handed it to execute: a hart's decoded-instruction cache
// is keyed by the page and outlives the address-space generation, so code
// decoded from a frame must stay right for the frame's life. Every other
// holder of a page pointer outside the page tables is a hart's TLB, which
// the generation bump that came with the removal of the frame's last entry
// has already told to forget it.
type frame struct {
	refs atomic.Int32
	// exec is set when Translate hands the frame out for execution; such
	// a frame goes to the garbage collector, never back to the pool.
	exec atomic.Bool
	// life counts the frame's returns to the pool, for tests that check
	// that a frame was freed.
	life uint32
	page *[pageSize]byte
}

// framePool keeps freed frames for reuse: a fork loop copies and drops
// tens of KiB a fork, and a frame from the pool is already in the cache
// and costs the garbage collector nothing.
var framePool struct {
	mu   sync.Mutex
	free []*frame
}

// maxFreeFrames bounds the pool (4 MiB of pages).
const maxFreeFrames = 1024

// pooledFrame returns a frame from the pool, with its old bytes, or nil.
func pooledFrame() *frame {
	framePool.mu.Lock()
	defer framePool.mu.Unlock()
	n := len(framePool.free)
	if n == 0 {
		return nil
	}
	f := framePool.free[n-1]
	framePool.free[n-1] = nil
	framePool.free = framePool.free[:n-1]
	return f
}

// newFrame returns a zero-filled frame with one reference.
func newFrame() *frame {
	f := pooledFrame()
	if f == nil {
		f = &frame{page: new([pageSize]byte)}
	} else {
		*f.page = [pageSize]byte{}
	}
	f.refs.Store(1)
	return f
}

// copyFrame returns a new frame with one reference holding f's bytes.
func copyFrame(f *frame) *frame {
	n := pooledFrame()
	if n == nil {
		n = &frame{page: new([pageSize]byte)}
	}
	*n.page = *f.page
	n.refs.Store(1)
	return n
}

// get takes a reference.
func (f *frame) get() { f.refs.Add(1) }

// put drops a reference; the last one frees the frame.
func (f *frame) put() {
	switch n := f.refs.Add(-1); {
	case n == 0:
		if !f.exec.Load() {
			f.free()
		}
	case n < 0:
		panic("mm: frame reference count below zero")
	}
}

// free returns f, which nothing holds any more, to the pool.
func (f *frame) free() {
	framePool.mu.Lock()
	defer framePool.mu.Unlock()
	if len(framePool.free) < maxFreeFrames {
		f.life++
		framePool.free = append(framePool.free, f)
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
