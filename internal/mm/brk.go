package mm

import "vessel/internal/abi"

// SetBrk sets where the program break starts, and is: the loader calls it
// with the page-aligned end of the program's highest segment (it is rounded
// up to a page regardless). Linux's mm->start_brk and mm->brk, without
// randomisation.
func (as *AddressSpace) SetBrk(start uint64) {
	start, ok := pageUp(start)
	if !ok {
		start = pageDown(start)
	}
	as.mu.Lock()
	defer as.mu.Unlock()
	as.brkStart, as.brk = start, start
}

// Brk moves the program break to newBrk and returns the break, as the raw
// brk(2) system call (Linux's mm/mmap.c): the new break on success, the
// old one when newBrk is below the start, would run into another mapping
// (leaving a page free before it, and the guard gap below a stack), or
// leaves the address space. Brk(0) thus asks for the break. Growing maps
// private anonymous read-write memory, named "[heap]" by Regions;
// shrinking unmaps the pages above the new break.
func (as *AddressSpace) Brk(newBrk uint64) uint64 {
	as.mu.Lock()
	defer as.mu.Unlock()
	if as.brkStart == 0 || newBrk < as.brkStart {
		return as.brk
	}
	newTop, ok := pageUp(newBrk)
	if !ok || newTop > TaskSize {
		return as.brk
	}
	oldTop, _ := pageUp(as.brk)
	switch {
	case newTop == oldTop:
	case newBrk <= as.brk:
		as.removeLocked(newTop, oldTop)
	default:
		if i := as.nextLocked(oldTop); i < len(as.vmas) && newTop+pageSize > as.vmas[i].startGap() {
			return as.brk
		}
		if len(as.vmas) >= maxMapCount {
			return as.brk
		}
		as.insertLocked(vma{start: oldTop, end: newTop, prot: abi.PROT_READ | abi.PROT_WRITE})
	}
	as.brk = newBrk
	return as.brk
}
