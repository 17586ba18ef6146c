package mm

import "vessel/internal/abi"

// Mremap resizes, and may move, the mapping at [oldAddr, oldAddr+oldLen),
// as mremap(2) (Linux's mm/mremap.c), and returns its new address:
//
//   - Shrinking unmaps the tail and stays in place.
//   - Growing stays in place when the VMA ends at oldAddr+oldLen and the
//     pages after it are free; otherwise, with MREMAP_MAYMOVE, the mapping
//     moves to a new place (top-down, as mmap without a hint), its pages
//     moving with it rather than being copied; otherwise ENOMEM.
//   - MREMAP_FIXED (with MREMAP_MAYMOVE) moves it to newAddr, replacing
//     what is mapped there; MREMAP_DONTUNMAP (with MREMAP_MAYMOVE and
//     oldLen == newLen) moves the pages but leaves the old range mapped
//     and empty.
//   - oldLen 0 on a shared mapping maps the same pages a second time.
//
// Errors: EINVAL for unknown flags, an unaligned address, a zero newLen,
// overlapping old and new ranges, or oldLen 0 on a private mapping;
// EFAULT if no VMA holds oldAddr or the old range runs past its VMA;
// ENOMEM when there is no room.
func (as *AddressSpace) Mremap(oldAddr, oldLen, newLen uint64, flags int, newAddr uint64) (uint64, abi.Errno) {
	const known = abi.MREMAP_MAYMOVE | abi.MREMAP_FIXED | abi.MREMAP_DONTUNMAP
	mayMove := flags&abi.MREMAP_MAYMOVE != 0
	fixed := flags&abi.MREMAP_FIXED != 0
	dontUnmap := flags&abi.MREMAP_DONTUNMAP != 0
	if flags&^known != 0 || fixed && !mayMove || dontUnmap && (!mayMove || oldLen != newLen) {
		return 0, abi.EINVAL
	}
	if oldAddr&pageMask != 0 {
		return 0, abi.EINVAL
	}
	oldLen, ok1 := pageUp(oldLen)
	newLen, ok2 := pageUp(newLen)
	if !ok1 || !ok2 || newLen == 0 {
		return 0, abi.EINVAL
	}

	as.mu.Lock()
	defer as.mu.Unlock()
	vi := as.findLocked(oldAddr)
	if vi < 0 {
		return 0, abi.EFAULT
	}
	if fixed || dontUnmap {
		return as.mremapToLocked(oldAddr, oldLen, newLen, newAddr, fixed, dontUnmap)
	}
	if oldLen >= newLen {
		as.removeLocked(oldAddr+newLen, oldAddr+oldLen)
		return oldAddr, 0
	}
	v := as.vmas[vi]
	if errno := resizable(&v, oldAddr, oldLen); errno != 0 {
		return 0, errno
	}
	// Grow in place if the mapping ends the VMA and the room after it is free.
	if oldAddr+oldLen == v.end && userRange(oldAddr, newLen) && !as.overlapsLocked(v.end, oldAddr+newLen) {
		as.vmas[vi].end = oldAddr + newLen
		as.mergeLocked(oldAddr, oldAddr+newLen)
		return oldAddr, 0
	}
	if !mayMove {
		return 0, abi.ENOMEM
	}
	to, errno := as.unmappedAreaLocked(0, newLen)
	if errno != 0 {
		return 0, errno
	}
	as.moveLocked(v, oldAddr, oldLen, to, newLen, false)
	return to, 0
}

// mremapToLocked is Mremap with MREMAP_FIXED or MREMAP_DONTUNMAP, Linux's
// mremap_to. Unlike Linux, it checks the old range before it unmaps
// anything at newAddr.
//
// Preconditions: as.mu is held; a VMA holds oldAddr.
func (as *AddressSpace) mremapToLocked(oldAddr, oldLen, newLen, newAddr uint64, fixed, dontUnmap bool) (uint64, abi.Errno) {
	if newAddr&pageMask != 0 {
		return 0, abi.EINVAL
	}
	if !userRange(newAddr, newLen) {
		return 0, abi.EINVAL
	}
	if oldAddr+oldLen > newAddr && newAddr+newLen > oldAddr {
		return 0, abi.EINVAL
	}
	if fixed && newAddr < MinAddr {
		return 0, abi.EPERM
	}
	v := as.vmas[as.findLocked(oldAddr)]
	moveLen := min(oldLen, newLen)
	if errno := resizable(&v, oldAddr, moveLen); errno != 0 {
		return 0, errno
	}
	if fixed {
		as.removeLocked(newAddr, newAddr+newLen)
	}
	if oldLen > newLen {
		as.removeLocked(oldAddr+newLen, oldAddr+oldLen)
	}
	to := newAddr
	if !fixed {
		var errno abi.Errno
		if to, errno = as.unmappedAreaLocked(newAddr, newLen); errno != 0 {
			return 0, errno
		}
	}
	as.moveLocked(v, oldAddr, moveLen, to, newLen, dontUnmap)
	return to, 0
}

// resizable checks that [addr, addr+n) can be remapped from v, Linux's
// vma_to_resize: n 0 only for shared mappings, and the range within v.
func resizable(v *vma, addr, n uint64) abi.Errno {
	if n == 0 && v.flags&vmShared == 0 {
		return abi.EINVAL
	}
	if n > v.end-addr {
		return abi.EFAULT
	}
	return 0
}

// moveLocked maps [to, to+newLen) like v and moves the pages of [from,
// from+n) there, then unmaps the old range unless dontUnmap, in which case
// it stays mapped with no pages. Analogous to Linux's move_vma.
//
// Preconditions: as.mu is held; v is a copy of the VMA that holds [from,
// from+n); [to, to+newLen) is free and does not meet [from, from+n).
func (as *AddressSpace) moveLocked(v vma, from, n, to, newLen uint64, dontUnmap bool) {
	nv := v
	nv.start, nv.end = to, to+newLen
	if v.obj != nil {
		nv.off = v.off + from - v.start
	}
	type moved struct {
		addr uint64
		f    *frame
	}
	var pages []moved
	as.pt.take(from, from+n, func(a uint64, f *frame) { pages = append(pages, moved{a, f}) })
	nv.attach()
	as.insertLocked(nv)
	for _, p := range pages {
		as.pt.set(p.addr-from+to, p.f)
	}
	if !dontUnmap {
		as.removeLocked(from, from+n)
	}
	as.bumpLocked()
}
