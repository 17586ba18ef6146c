package mm

// Fork returns a copy of the address space for fork(2), analogous to
// Linux's dup_mmap. Private pages become copy-on-write: both address
// spaces map the same frames, and the first write on either side copies
// that one page. Shared mappings keep sharing: both sides see each other's
// writes. VMAs advised MADV_DONTFORK are left out of the child, and those
// advised MADV_WIPEONFORK come to it empty (zero-filled).
//
// The cost is independent of the memory mapped: the child shares the
// parent's page table, whose tables are copy-on-write (see pagetable.go),
// so Fork takes a share of its root and copies the VMA list, and each side
// copies the tables on a path the first time it changes a page under
// them. Only VMAs advised MADV_DONTFORK or MADV_WIPEONFORK cost the child
// copies of the tables that hold their pages. Fork bumps the parent's
// generation, since its writable pages are no longer its own.
func (as *AddressSpace) Fork() *AddressSpace {
	as.mu.Lock()
	defer as.mu.Unlock()
	c := NewAddressSpace()
	// c is not yet visible to anyone else, so it needs no lock.
	c.pt = as.pt.share()
	c.vmas = make([]vma, 0, len(as.vmas))
	for _, v := range as.vmas {
		if v.flags&(vmDontFork|vmWipeOnFork) != 0 {
			c.pt.clear(v.start, v.end)
		}
		if v.flags&vmDontFork == 0 {
			v.attach()
			c.vmas = append(c.vmas, v)
		}
	}
	c.brkStart, c.brk = as.brkStart, as.brk
	as.bumpLocked()
	return c
}
