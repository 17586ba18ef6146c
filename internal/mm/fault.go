package mm

// Translate returns the page backing the guest page that holds addr, for
// access (AccessRead, AccessWrite or AccessExec), as the hart's page-table
// walk and page-fault handler would: it checks the VMA's protection,
// materialises the page at first touch and, for a write to a private page
// that is shared after Fork or mapped from the page cache, makes the
// private copy first (Linux's handle_mm_fault, do_anonymous_page,
// do_read_fault, do_cow_fault, wp_page_copy). An
// access just below a growsdown mapping grows it, as a stack does.
//
// On failure the page is nil and the fault says why: FaultMapErr where no
// VMA is, FaultAccErr where the VMA forbids the access, FaultBusErr for a
// file page wholly past the end of its file. The hart may keep the page
// until Generation changes; a page returned for reading or executing must
// not be written through.
func (as *AddressSpace) Translate(addr uint64, access int) (*[4096]byte, int) {
	as.mu.Lock()
	f, fault := as.faultLocked(addr, access, true)
	if fault == FaultNone && access&AccessExec != 0 && !f.exec.Load() {
		f.exec.Store(true) // the hart may decode it: never recycle it
	}
	as.mu.Unlock()
	if fault != FaultNone {
		return nil, fault
	}
	return f.page, FaultNone
}

// faultLocked returns the frame that backs addr for access, as Translate
// describes. lend says that the caller hands the page to the hart, which
// may cache it: if it is a private page whose frame, or a table on whose
// path, is shared, its later copy-on-write copy bumps the generation. A
// read of a present page changes no table; a first touch, or a write to a
// private page under shared tables, first makes the path to it this
// address space's own (see pagetable.go).
//
// Preconditions: as.mu is held.
func (as *AddressSpace) faultLocked(addr uint64, access int, lend bool) (*frame, int) {
	i := as.findLocked(addr)
	if i < 0 {
		if i = as.growLocked(addr); i < 0 {
			return nil, FaultMapErr
		}
	}
	v := &as.vmas[i]
	if !permits(v.prot, access) {
		return nil, FaultAccErr
	}
	idx := addr >> leafShift & ptMask
	l, shared := as.pt.lookup(addr)
	var f *frame
	if l != nil {
		f = l.frames[idx]
	}
	if f == nil {
		var fault int
		if f, fault = materialise(v, addr, access); fault != FaultNone {
			return nil, fault
		}
		l, shared = as.pt.set(addr, f), false
		as.minflt++
	}
	if v.flags&vmShared != 0 {
		if access&AccessWrite != 0 && v.obj.writer != nil {
			v.obj.pages.markDirty(v.objOff(addr)>>pageShift, v.obj.writer)
		}
		return f, FaultNone
	}
	switch {
	case access&AccessWrite != 0:
		if shared {
			// Make the path ours. The copy of the leaf takes a
			// reference on f, so f is copied below.
			l = as.pt.ownLeaf(addr)
		}
		// A frame in a page index (the page cache's, say) holds the
		// index's reference as well as ours, so it is copied here and
		// never written in place.
		if f.shared() {
			n := copyFrame(f)
			f.put()
			l.frames[idx] = n
			as.minflt++
			if l.unlend(idx) {
				as.bumpLocked()
			}
			f = n
		} else {
			// f and its path are ours alone: only our own Fork,
			// which bumps, can share them again.
			l.unlend(idx)
		}
	case lend && (shared || f.shared()):
		l.lend(idx)
	}
	return f, FaultNone
}

// materialise returns a new reference to the frame for the page of v that
// holds addr, on its first touch for access: a zeroed frame for private
// anonymous memory; the frame in the object's index (the page cache's, for
// a KeyedFile) for a shared mapping, and for a private one unless it
// writes; for a private write, a copy of that frame made at once, so that
// the fault is one, as Linux's do_cow_fault; and for a private mapping of
// a File without a key, a fresh copy of the file's bytes.
func materialise(v *vma, addr uint64, access int) (*frame, int) {
	switch {
	case v.obj == nil:
		return newFrame(), FaultNone
	case v.obj.pages == nil:
		return v.obj.readPage(v.objOff(addr))
	case v.flags&vmShared == 0 && access&AccessWrite != 0:
		f, fault := v.obj.indexedPage(v.objOff(addr))
		if fault != FaultNone {
			return nil, fault
		}
		n := copyFrame(f)
		f.put()
		return n, FaultNone
	default:
		return v.obj.indexedPage(v.objOff(addr))
	}
}

// growLocked extends the growsdown VMA just above addr down to addr's page
// and returns its index, or -1 when no such VMA is there or it may not
// grow: past defaultStackLimit, below MinAddr, or into the guard gap above
// an accessible mapping. Analogous to Linux's expand_downwards.
//
// Preconditions: as.mu is held; no VMA holds addr.
func (as *AddressSpace) growLocked(addr uint64) int {
	i := as.nextLocked(addr)
	if i == len(as.vmas) || as.vmas[i].flags&vmGrowsDown == 0 {
		return -1
	}
	start := pageDown(addr)
	v := &as.vmas[i]
	if start < MinAddr || v.end-start > defaultStackLimit {
		return -1
	}
	if i > 0 {
		prev := &as.vmas[i-1]
		if prev.flags&vmGrowsDown == 0 && prev.prot != 0 && start-prev.end < stackGuardGap {
			return -1
		}
	}
	v.start = start
	return i
}
