package mm

import "vessel/internal/abi"

// Advice Linux defines that abi does not name.
const (
	madvWipeOnFork     = 18 // MADV_WIPEONFORK
	madvKeepOnFork     = 19 // MADV_KEEPONFORK
	madvCold           = 20 // MADV_COLD
	madvPageOut        = 21 // MADV_PAGEOUT
	madvDontNeedLocked = 24 // MADV_DONTNEED_LOCKED
)

// Madvise acts on advice about the pages in [addr, addr+length), as
// madvise(2) (Linux's do_madvise):
//
//   - MADV_DONTNEED (and MADV_DONTNEED_LOCKED) drops the pages: private
//     anonymous memory reads back zero, a private file mapping reads the
//     file again (its page-cache page), shared memory keeps its contents.
//   - MADV_FREE does the same, on private anonymous memory only (EINVAL
//     elsewhere).
//   - MADV_REMOVE zeroes shared anonymous memory, or the pages of a
//     Memory (a tmpfs file's hole punch), for every mapper; it is EINVAL
//     on private mappings, EACCES without PROT_WRITE, and EOPNOTSUPP on
//     shared mappings of other files, whose holes vessel cannot punch.
//   - MADV_DONTFORK, MADV_DOFORK, MADV_WIPEONFORK (private anonymous only)
//     and MADV_KEEPONFORK set what Fork does with the pages.
//   - MADV_NORMAL, RANDOM, SEQUENTIAL, WILLNEED, HUGEPAGE, NOHUGEPAGE,
//     DONTDUMP, DODUMP, COLD and PAGEOUT are accepted and change nothing.
//
// Unknown advice or an unaligned addr is EINVAL. Where part of the range
// is unmapped the rest is still advised and the result is ENOMEM, as in
// Linux.
func (as *AddressSpace) Madvise(addr, length uint64, advice int) abi.Errno {
	switch advice {
	case abi.MADV_NORMAL, abi.MADV_RANDOM, abi.MADV_SEQUENTIAL, abi.MADV_WILLNEED,
		abi.MADV_DONTNEED, madvDontNeedLocked, abi.MADV_FREE, abi.MADV_REMOVE,
		abi.MADV_DONTFORK, abi.MADV_DOFORK, madvWipeOnFork, madvKeepOnFork,
		abi.MADV_HUGEPAGE, abi.MADV_NOHUGEPAGE, abi.MADV_DONTDUMP, abi.MADV_DODUMP,
		madvCold, madvPageOut:
	default:
		return abi.EINVAL
	}
	if addr&pageMask != 0 {
		return abi.EINVAL
	}
	length, ok := pageUp(length)
	if !ok || addr+length < addr {
		return abi.EINVAL
	}
	if length == 0 {
		return 0
	}
	end := addr + length

	as.mu.Lock()
	defer as.mu.Unlock()
	var errno abi.Errno
	if !as.coveredLocked(addr, end) {
		errno = abi.ENOMEM
	}
	if as.nextLocked(addr) == len(as.vmas) {
		return errno
	}
	switch advice {
	case abi.MADV_DONTNEED, madvDontNeedLocked, abi.MADV_FREE:
		if advice == abi.MADV_FREE && as.anyLocked(addr, end, func(v *vma) bool { return !v.privateAnon() }) {
			return abi.EINVAL
		}
		if as.pt.clear(addr, end) > 0 {
			as.bumpLocked()
		}
	case abi.MADV_REMOVE:
		if as.anyLocked(addr, end, func(v *vma) bool { return v.flags&vmShared == 0 }) {
			return abi.EINVAL
		}
		if as.anyLocked(addr, end, func(v *vma) bool { return v.prot&abi.PROT_WRITE == 0 }) {
			return abi.EACCES
		}
		if as.anyLocked(addr, end, func(v *vma) bool { return v.obj.file != nil && v.obj.mem == nil }) {
			return abi.EOPNOTSUPP
		}
		as.eachLocked(addr, end, func(v *vma, lo, hi uint64) { v.obj.zero(v.objOff(lo), v.objOff(hi)) })
	case madvWipeOnFork:
		if as.anyLocked(addr, end, func(v *vma) bool { return !v.privateAnon() }) {
			return abi.EINVAL
		}
		as.applyLocked(addr, end, func(v *vma) { v.flags |= vmWipeOnFork })
	case madvKeepOnFork:
		as.applyLocked(addr, end, func(v *vma) { v.flags &^= vmWipeOnFork })
	case abi.MADV_DONTFORK:
		as.applyLocked(addr, end, func(v *vma) { v.flags |= vmDontFork })
	case abi.MADV_DOFORK:
		as.applyLocked(addr, end, func(v *vma) { v.flags &^= vmDontFork })
	}
	return errno
}

// anyLocked reports whether pred holds for a VMA that meets [lo, hi).
//
// Preconditions: as.mu is held.
func (as *AddressSpace) anyLocked(lo, hi uint64, pred func(v *vma) bool) bool {
	for i := as.nextLocked(lo); i < len(as.vmas) && as.vmas[i].start < hi; i++ {
		if pred(&as.vmas[i]) {
			return true
		}
	}
	return false
}

// eachLocked calls fn with every VMA that meets [lo, hi) and the part of
// the range within it.
//
// Preconditions: as.mu is held.
func (as *AddressSpace) eachLocked(lo, hi uint64, fn func(v *vma, lo, hi uint64)) {
	for i := as.nextLocked(lo); i < len(as.vmas) && as.vmas[i].start < hi; i++ {
		v := &as.vmas[i]
		fn(v, max(lo, v.start), min(hi, v.end))
	}
}
