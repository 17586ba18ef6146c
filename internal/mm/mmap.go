package mm

import "vessel/internal/abi"

// Flags Linux defines that abi does not name.
const (
	mapUninitialized = 0x4000000 // MAP_UNINITIALIZED, ignored without CONFIG_MMAP_ALLOW_UNINITIALIZED

	// legacyMapMask is Linux's LEGACY_MAP_MASK: the flags that
	// MAP_SHARED_VALIDATE accepts. Any other is EOPNOTSUPP there.
	legacyMapMask = abi.MAP_SHARED | abi.MAP_PRIVATE | abi.MAP_FIXED | abi.MAP_ANONYMOUS |
		abi.MAP_DENYWRITE | abi.MAP_EXECUTABLE | mapUninitialized | abi.MAP_GROWSDOWN |
		abi.MAP_LOCKED | abi.MAP_NORESERVE | abi.MAP_POPULATE | abi.MAP_NONBLOCK |
		abi.MAP_STACK | abi.MAP_HUGETLB
)

// protMask is the protection bits a VMA keeps; PROT_SEM and unknown bits
// are dropped, as Linux's calc_vm_prot_bits does.
const protMask = abi.PROT_READ | abi.PROT_WRITE | abi.PROT_EXEC

// Mmap maps length bytes, as mmap(2) does (Linux's do_mmap), and returns
// the address of the mapping. f and off give a file mapping's backing; f is
// ignored with MAP_ANONYMOUS and must otherwise be non-nil (EBADF). The
// syscall layer checks that the file is open for what prot and flags ask.
//
// Placement: with MAP_FIXED exactly at addr, replacing what is mapped
// there; with MAP_FIXED_NOREPLACE exactly at addr or EEXIST; otherwise at
// addr rounded up to a page if that range is free and below MaxAddr, else
// top-down from MmapBase into the highest gap that fits, else bottom-up
// from TaskSize/3 (Linux's generic_get_unmapped_area_topdown), else ENOMEM.
//
// Mapping costs nothing until pages are touched, whatever the length, so
// huge PROT_NONE or MAP_NORESERVE reservations are cheap. MAP_POPULATE
// touches every page at once. A MemoryFile's pages are its Memory's
// frames. Other files' pages are read at first touch: for a KeyedFile,
// into the page cache, whose pages every mapping of the file shares (a
// private mapping until it writes one); otherwise into private frames, or,
// for MAP_SHARED, into frames kept for the mapping and the address spaces
// Fork makes from it. A shared mapping of a WritebackFile writes back to
// it (writeback.go); other shared file mappings are not written back (see
// object). A shared mapping of a WritableFile that is not Writable cannot
// be writable (EACCES, now or by Mprotect); a shared writable one of a
// Memory whose writers are denied is EPERM.
func (as *AddressSpace) Mmap(addr, length uint64, prot, flags int, f File, off uint64) (uint64, abi.Errno) {
	if length == 0 || off&pageMask != 0 {
		return 0, abi.EINVAL
	}
	anon := flags&abi.MAP_ANONYMOUS != 0
	if anon {
		f, off = nil, 0
	} else if f == nil {
		return 0, abi.EBADF
	}
	var shared bool
	switch flags & abi.MAP_TYPE {
	case abi.MAP_PRIVATE:
	case abi.MAP_SHARED:
		shared = true
	case abi.MAP_SHARED_VALIDATE:
		if anon {
			return 0, abi.EINVAL // Linux knows this type for files only
		}
		if flags&^legacyMapMask != 0 {
			return 0, abi.EOPNOTSUPP
		}
		shared = true
	default:
		return 0, abi.EINVAL
	}
	grows := flags&abi.MAP_GROWSDOWN != 0
	if grows && (shared || !anon) {
		return 0, abi.EINVAL
	}
	if flags&abi.MAP_HUGETLB != 0 {
		return 0, abi.ENOMEM // no huge pages are reserved, as with nr_hugepages = 0
	}
	fixed := flags&(abi.MAP_FIXED|abi.MAP_FIXED_NOREPLACE) != 0
	if !fixed && addr != 0 && addr < MinAddr {
		addr = MinAddr // round_hint_to_min
	}
	length, ok := pageUp(length)
	if !ok || length == 0 {
		return 0, abi.ENOMEM
	}
	if off+length < off {
		return 0, abi.EOVERFLOW
	}

	as.mu.Lock()
	defer as.mu.Unlock()
	if len(as.vmas) >= maxMapCount {
		return 0, abi.ENOMEM
	}
	if fixed {
		if addr&pageMask != 0 {
			return 0, abi.EINVAL
		}
		if !userRange(addr, length) {
			return 0, abi.ENOMEM
		}
		if addr < MinAddr {
			return 0, abi.EPERM
		}
		if flags&abi.MAP_FIXED_NOREPLACE != 0 && as.overlapsLocked(addr, addr+length) {
			return 0, abi.EEXIST
		}
	} else {
		var errno abi.Errno
		if addr, errno = as.unmappedAreaLocked(addr, length); errno != 0 {
			return 0, errno
		}
	}

	v := vma{start: addr, end: addr + length, prot: prot & protMask}
	switch {
	case shared && anon:
		v.flags |= vmShared | vmMayWrite
		v.obj = newAnonObject(length)
	case !anon:
		mayWrite := true
		if wf, ok := f.(WritableFile); ok && shared {
			mayWrite = wf.Writable()
		}
		if shared && prot&abi.PROT_WRITE != 0 && !mayWrite {
			return 0, abi.EACCES
		}
		if shared {
			v.flags |= vmShared
			if mayWrite {
				v.flags |= vmMayWrite
			}
		}
		var errno abi.Errno
		if v.obj, errno = newFileObject(f, shared, mayWrite); errno != 0 {
			return 0, errno
		}
		v.off = off
	}
	if grows {
		v.flags |= vmGrowsDown
	}
	if fixed {
		as.removeLocked(v.start, v.end)
	}
	as.insertLocked(v)
	if flags&(abi.MAP_POPULATE|abi.MAP_NONBLOCK) == abi.MAP_POPULATE {
		as.populateLocked(v.start, v.end)
	}
	return addr, 0
}

// populateLocked touches the pages of [lo, hi) as MAP_POPULATE asks: for
// writing where they are private and writable, so that they are the
// process's own, and otherwise for reading, so that shared pages are not
// marked dirty for nothing (Linux's populate_vma_page_range). Faults are
// ignored, as Linux's mm_populate ignores them.
//
// Preconditions: as.mu is held.
func (as *AddressSpace) populateLocked(lo, hi uint64) {
	for a := lo; a < hi; a += pageSize {
		i := as.findLocked(a)
		if i < 0 || as.vmas[i].prot == abi.PROT_NONE {
			continue
		}
		access := AccessRead
		if as.vmas[i].prot&abi.PROT_WRITE != 0 && as.vmas[i].flags&vmShared == 0 {
			access = AccessWrite
		} else if as.vmas[i].prot&abi.PROT_READ == 0 {
			access = AccessExec
		}
		as.faultLocked(a, access, false)
	}
}

// Munmap removes the mappings of the pages in [addr, addr+length), as
// munmap(2): EINVAL if addr is not page-aligned, length is 0 or the range
// leaves the address space. Unmapping where nothing is mapped succeeds.
func (as *AddressSpace) Munmap(addr, length uint64) abi.Errno {
	if addr&pageMask != 0 || length == 0 {
		return abi.EINVAL
	}
	length, ok := pageUp(length)
	if !ok || !userRange(addr, length) {
		return abi.EINVAL
	}
	as.mu.Lock()
	defer as.mu.Unlock()
	as.removeLocked(addr, addr+length)
	return 0
}

// unmappedAreaLocked picks where a mapping of length bytes goes, given a
// hint (0 for none), as Linux's generic_get_unmapped_area_topdown.
//
// Preconditions: as.mu is held; length is page-aligned and non-zero.
func (as *AddressSpace) unmappedAreaLocked(hint, length uint64) (uint64, abi.Errno) {
	if length > MaxAddr-MinAddr {
		return 0, abi.ENOMEM
	}
	if hint != 0 {
		if a, ok := pageUp(hint); ok && a >= MinAddr && userRange(a, length) && as.freeLocked(a, a+length) {
			return a, 0
		}
	}
	if a, ok := as.topDownLocked(length, MinAddr, MmapBase); ok {
		return a, 0
	}
	if a, ok := as.bottomUpLocked(length, pageDown(TaskSize/3), TaskSize); ok {
		return a, 0
	}
	return 0, abi.ENOMEM
}

// topDownLocked finds the highest gap in [low, high) that holds length
// bytes, keeping clear of growsdown guard gaps, and returns the top of it
// less length.
//
// Preconditions: as.mu is held.
func (as *AddressSpace) topDownLocked(length, low, high uint64) (uint64, bool) {
	for i := as.nextLocked(high); i >= 0; i-- {
		top := uint64(high)
		if i < len(as.vmas) {
			top = min(top, as.vmas[i].startGap())
		}
		bottom := uint64(low)
		if i > 0 {
			bottom = max(bottom, as.vmas[i-1].end)
		}
		if top > bottom && top-bottom >= length {
			return top - length, true
		}
		if bottom <= low {
			break
		}
	}
	return 0, false
}

// bottomUpLocked finds the lowest gap in [low, high) that holds length
// bytes and returns its start.
//
// Preconditions: as.mu is held.
func (as *AddressSpace) bottomUpLocked(length, low, high uint64) (uint64, bool) {
	for i := as.nextLocked(low); i <= len(as.vmas); i++ {
		bottom := low
		if i > 0 {
			bottom = max(bottom, as.vmas[i-1].end)
		}
		top := uint64(high)
		if i < len(as.vmas) {
			top = min(top, as.vmas[i].startGap())
		}
		if bottom >= high {
			break
		}
		if top > bottom && top-bottom >= length {
			return bottom, true
		}
	}
	return 0, false
}
