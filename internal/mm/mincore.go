package mm

import "vessel/internal/abi"

// Mincore tells which pages, from the one at addr on, are resident, as
// mincore(2) does for one VMA at a time (Linux's do_mincore): it looks at
// the VMA that holds addr, fills vec[i] with 1 if the page at
// addr+i*PageSize is resident and 0 if not, for at most len(vec) pages and
// no further than the VMA's end, and returns how many it filled. ENOMEM
// when no VMA holds addr; addr must be page-aligned (the caller checks
// it). A caller walks a longer range by calling again where the last call
// stopped, so that, as in Linux, what it learned of the VMAs before a hole
// can be copied out before the hole's ENOMEM.
//
// A page is resident when the page table maps it, or, in a mapping of a
// file or of shared memory, when the page is in the index of frames the
// mapping's pages come from: a Memory's (a tmpfs file, a memfd), the page
// cache's for a host file, shared anonymous memory's own. That is Linux's
// answer from the page tables and then the page cache (mincore_pte_range,
// mincore_page). vessel knows only its own page cache, not the host's, so a
// page of a host file is resident once a mapping in vessel has read it,
// not because the host kernel has it cached; a private mapping of a file
// that has no page cache in vessel (not a regular file) has none either.
// Linux's rule that a file the caller could not open for writing reports
// every page resident (can_do_mincore) is the syscall layer's business, as
// mm does not know who may write a file.
func (as *AddressSpace) Mincore(addr uint64, vec []byte) (int, abi.Errno) {
	as.mu.Lock()
	defer as.mu.Unlock()
	i := as.findLocked(addr)
	if i < 0 {
		return 0, abi.ENOMEM
	}
	v := &as.vmas[i]
	n := int(min(uint64(len(vec)), (v.end-addr)>>pageShift))
	var idx *pageIndex
	if v.obj != nil && v.obj.pages != nil {
		idx = v.obj.pages
		idx.mu.Lock()
		defer idx.mu.Unlock()
	}
	for k := 0; k < n; k++ {
		a := addr + uint64(k)<<pageShift
		vec[k] = 0
		if l, _ := as.pt.lookup(a); l != nil && l.frames[a>>leafShift&ptMask] != nil {
			vec[k] = 1
			continue
		}
		if idx != nil && idx.frames[v.objOff(a)>>pageShift] != nil {
			vec[k] = 1
		}
	}
	return n, 0
}
