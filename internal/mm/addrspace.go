package mm

import (
	"sync"
	"sync/atomic"

	"vessel/internal/abi"
)

// AddressSpace is one guest address space, Linux's mm_struct: its VMAs, its
// page table and its program break. The threads of a process share one;
// fork makes a copy-on-write copy with Fork. The zero value is not usable:
// make one with NewAddressSpace.
type AddressSpace struct {
	// gen is Generation's value. It is stored with mu held and loaded
	// without it.
	gen atomic.Uint64

	mu sync.Mutex
	// vmas is sorted by start; the VMAs are disjoint. Guarded by mu.
	vmas []vma
	// hint is the index of the VMA findLocked found last; it may be out
	// of date and is checked before use. Guarded by mu.
	hint int
	// pt maps the materialised pages; it has entries only inside VMAs.
	// Its tables may be shared with other address spaces (see
	// pagetable.go); the pointer, and the tables this address space owns,
	// are guarded by mu.
	pt pageTable
	// brkStart is where the heap starts (mm->start_brk), brk the current
	// break (mm->brk, not page-aligned); both 0 until SetBrk. Guarded by mu.
	brkStart, brk uint64
	// minflt counts the minor faults taken. Guarded by mu.
	minflt uint64
}

// generations hands out Generation values. They are unique across address
// spaces, so a hart that caches translations tagged with a generation can
// never mistake one address space's for another's.
var generations atomic.Uint64

// NewAddressSpace returns an empty address space.
func NewAddressSpace() *AddressSpace {
	as := new(AddressSpace)
	as.gen.Store(generations.Add(1))
	return as
}

// Generation returns a number that changes whenever a page returned by
// Translate may have become stale: on munmap, mprotect, mremap,
// madvise(MADV_DONTNEED), Fork, a shrinking brk, MAP_FIXED over mapped
// pages, Release, and a copy-on-write copy of a page Translate returned
// for reading while it was shared. Mapping new pages, which cannot have
// been returned before, does not change it. It is safe to call without
// any lock.
func (as *AddressSpace) Generation() uint64 { return as.gen.Load() }

// bumpLocked moves the generation on.
//
// Preconditions: as.mu is held.
func (as *AddressSpace) bumpLocked() { as.gen.Store(generations.Add(1)) }

// Release unmaps everything and forgets the break, leaving an empty address
// space that can be loaded again; analogous to Linux's exit_mmap. Shared
// file mappings write their dirty pages back first. Calling
// it again does nothing more. It drops the address space's share of its
// page table: the frames are put only by the last address space that
// shares a table, so releasing one that still shares its root with
// another (a child before its first write, or a parent) costs O(1).
func (as *AddressSpace) Release() {
	as.mu.Lock()
	defer as.mu.Unlock()
	if len(as.vmas) == 0 && as.pt.root == nil && as.brkStart == 0 {
		return
	}
	as.pt.release()
	for i := range as.vmas {
		v := &as.vmas[i]
		v.writeback(v.start, v.end, false)
		v.detach()
	}
	as.vmas = nil
	as.hint = 0
	as.brkStart, as.brk = 0, 0
	as.bumpLocked()
}

// Regions describes the VMAs in address order, for /proc/PID/maps. Names
// follow Linux's show_map_vma: the file's name; "/dev/zero (deleted)" for
// shared anonymous memory; "[heap]" for anonymous memory that meets
// [start of the break, break) (vma_is_initial_heap); "[stack]" for the
// anonymous mapping that holds StackTop-1, where the loader puts the
// stack; "" otherwise.
func (as *AddressSpace) Regions() []Region {
	as.mu.Lock()
	defer as.mu.Unlock()
	rs := make([]Region, len(as.vmas))
	for i := range as.vmas {
		v := &as.vmas[i]
		r := Region{Start: v.start, End: v.end, Prot: v.prot, Shared: v.flags&vmShared != 0}
		switch {
		case v.obj != nil:
			r.Name = v.obj.name()
			if v.obj.file != nil {
				r.Offset = v.off
			}
		case v.start < as.brk && v.end > as.brkStart:
			r.Name = "[heap]"
		case v.start <= StackTop-1 && StackTop-1 < v.end:
			r.Name = "[stack]"
		}
		rs[i] = r
	}
	return rs
}

// Stats counts the address space's memory use.
func (as *AddressSpace) Stats() Stats {
	as.mu.Lock()
	defer as.mu.Unlock()
	var s Stats
	for i := range as.vmas {
		s.VirtualBytes += as.vmas[i].end - as.vmas[i].start
	}
	s.ResidentPages = as.pt.pages()
	s.MinorFaults = as.minflt
	for i := range as.vmas {
		v := &as.vmas[i]
		if v.obj == nil || v.obj.pages == nil {
			continue
		}
		if n := as.indexedPagesLocked(v); v.obj.mem != nil || v.obj.file == nil {
			s.ShmemPages += n
		} else {
			s.FilePages += n
		}
	}
	return s
}

// indexedPagesLocked counts the pages of v that its page table maps to the
// frame its object's index keeps for them (not a private copy). It looks
// at each leaf table once, so a sparse mapping costs little.
//
// Preconditions: as.mu is held; v has an object with a page index.
func (as *AddressSpace) indexedPagesLocked(v *vma) uint64 {
	idx := v.obj.pages
	idx.mu.Lock()
	defer idx.mu.Unlock()
	var n uint64
	for a := v.start; a < v.end; {
		next := min((a|(1<<shift2-1))+1, v.end) // the next leaf's first page
		if l, _ := as.pt.lookup(a); l != nil {
			for ; a < next; a += pageSize {
				if f := l.frames[a>>leafShift&ptMask]; f != nil && idx.frames[v.objOff(a)>>pageShift] == f {
					n++
				}
			}
		}
		a = next
	}
	return n
}

// userRange reports whether [addr, addr+n) lies below MaxAddr.
func userRange(addr, n uint64) bool {
	return addr+n >= addr && addr+n <= MaxAddr
}

// SharedKey names the memory at addr the way Linux's get_futex_key does:
// in a MAP_SHARED mapping obj is what keeps its frames and off the offset
// in it, the same in every address space that maps them (for a KeyedFile,
// the page cache's entry and the file offset, as Linux's inode and
// offset); in private memory obj is nil and the address names it in this
// address space alone. EFAULT when no mapping holds addr.
func (as *AddressSpace) SharedKey(addr uint64) (obj any, off uint64, err abi.Errno) {
	as.mu.Lock()
	defer as.mu.Unlock()
	i := as.findLocked(addr)
	if i < 0 {
		return nil, 0, abi.EFAULT
	}
	v := &as.vmas[i]
	if v.flags&vmShared == 0 || v.obj == nil {
		return nil, addr, 0
	}
	return v.obj.pages, v.objOff(addr) + addr&pageMask, 0
}
