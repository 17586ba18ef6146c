package mm

import "sync/atomic"

// Memory is the data of a file that lives in memory — a tmpfs file, a
// memfd — kept as frames by page index, with the file's size: the file and
// its page cache are one thing, as in Linux's shmem (mm/shmem.c). The
// filesystem reads and writes it with ReadAt, WriteAt and Truncate; every
// mapping of it (a MemoryFile), shared or private, in any address space,
// maps the same frames. A shared mapping writes them in place and a write
// reaches them at once, so read(2), write(2) and every mapping agree
// without any copy; a private mapping copies a page on its first write and
// until then sees the file's later writes, as in Linux.
//
// Pages are made at first touch: a write, or a fault of a mapping. A page
// never written reads as zero, so a file is sparse for free. A fault on a
// page wholly past the size is SIGBUS.
//
// A truncate zeroes what it cuts off, and the pages past the new end
// leave the Memory, but for those a page table maps (cutLocked).
//
// The zero value is not usable; make one with NewMemory. The methods are
// safe for concurrent use; they take the Memory's lock, which comes after
// AddressSpace.mu and is never held with another mm lock.
type Memory struct {
	// pages are the frames; pages.mu guards them and size.
	pages pageIndex
	size  int64 // guarded by pages.mu

	// writers counts the shared VMAs that may write (vmMayWrite), in the
	// lists of all address spaces, as Linux's i_mmap_writable; -1 once
	// DenyWriters has succeeded, after which no such VMA can be made.
	writers atomic.Int64
}

// NewMemory returns an empty Memory: size 0, no pages.
func NewMemory() *Memory {
	return &Memory{pages: pageIndex{frames: make(map[uint64]*frame)}}
}

// Size returns the size in bytes.
func (m *Memory) Size() int64 {
	m.pages.mu.Lock()
	defer m.pages.mu.Unlock()
	return m.size
}

// Resident returns the number of pages the Memory holds.
func (m *Memory) Resident() int {
	m.pages.mu.Lock()
	defer m.pages.mu.Unlock()
	return len(m.pages.frames)
}

// ReadAt copies the bytes at off into p, as far as the size, and returns
// how many it copied: 0 at or past the end. Holes read as zero.
func (m *Memory) ReadAt(p []byte, off int64) int {
	m.pages.mu.Lock()
	defer m.pages.mu.Unlock()
	if off < 0 || off >= m.size {
		return 0
	}
	p = p[:min(int64(len(p)), m.size-off)]
	for done := 0; done < len(p); {
		at := uint64(off) + uint64(done)
		in := at & pageMask
		n := min(uint64(len(p)-done), pageSize-in)
		if f := m.pages.frames[at>>pageShift]; f != nil {
			copy(p[done:], f.page[in:in+n])
		} else {
			clear(p[done : done+int(n)])
		}
		done += int(n)
	}
	return len(p)
}

// WriteAt copies p into the Memory at off, making the pages it needs and
// growing the size to off+len(p) if that is more. off must not be
// negative; the caller keeps within its own limits.
func (m *Memory) WriteAt(p []byte, off int64) {
	m.pages.mu.Lock()
	defer m.pages.mu.Unlock()
	inPlace := false
	for done := 0; done < len(p); {
		at := uint64(off) + uint64(done)
		in := at & pageMask
		f := m.pages.frames[at>>pageShift]
		if f == nil {
			f = newFrame() // its reference is the index's
			m.pages.frames[at>>pageShift] = f
		} else if f.shared() {
			inPlace = true
		}
		done += copy(f.page[in:], p[done:])
	}
	if inPlace {
		codeGenerations.Add(1) // a mapped page changed under its mappers
	}
	m.size = max(m.size, off+int64(len(p)))
}

// Truncate sets the size. Growing adds a hole; shrinking zeroes the tail
// of the new last page and drops the pages past it, but for mapped ones,
// which stay zeroed (cutLocked).
func (m *Memory) Truncate(size int64) {
	m.pages.mu.Lock()
	defer m.pages.mu.Unlock()
	if size < m.size {
		m.pages.cutLocked(size)
	}
	m.size = size
}

// DenyWriters makes sure that no shared mapping of the Memory can write
// it, now or later, as Linux's mapping_deny_writable for F_SEAL_WRITE: it
// reports false, changing nothing, while a shared mapping that may write
// exists; once it has succeeded, such mappings fail with EPERM.
func (m *Memory) DenyWriters() bool {
	return m.writers.Load() < 0 || m.writers.CompareAndSwap(0, -1)
}

// addWriter counts a new shared VMA that may write the Memory, unless
// DenyWriters has succeeded.
func (m *Memory) addWriter() bool {
	for {
		n := m.writers.Load()
		if n < 0 {
			return false
		}
		if m.writers.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// page returns the frame of page idx with a new reference, making it if
// it is within the size: FaultBusErr past it.
func (m *Memory) page(idx uint64) (*frame, int) {
	m.pages.mu.Lock()
	defer m.pages.mu.Unlock()
	if m.size <= 0 || idx > uint64(m.size-1)>>pageShift {
		return nil, FaultBusErr
	}
	if f := m.pages.frames[idx]; f != nil {
		f.get()
		return f, FaultNone
	}
	f := newFrame() // its reference is the index's
	m.pages.frames[idx] = f
	f.get()
	return f, FaultNone
}

// cutLocked makes the index end at size bytes: the tail of the page that
// holds size is zeroed, and the pages past it leave the index, but for
// those a page table maps, which stay zeroed: a mapping made before the
// truncate then goes on sharing the file's page, and sees the file's
// writes there if it grows again. Linux unmaps them instead; an access
// past the end is SIGBUS, and after the file grows maps its new page.
// Either way the mapping reads what the file holds.
//
// Preconditions: p.mu is held.
func (p *pageIndex) cutLocked(size int64) {
	if p.frames == nil {
		return
	}
	keep := (uint64(size) + pageMask) >> pageShift // pages [0, keep) stay
	changed := false
	for idx, f := range p.frames {
		if idx < keep {
			continue
		}
		if f.shared() {
			*f.page = [pageSize]byte{} // mapped: it stays, dirty or not
			changed = true
			continue
		}
		delete(p.frames, idx)
		delete(p.dirty, idx)
		f.put()
	}
	if in := uint64(size) & pageMask; in != 0 {
		if f := p.frames[uint64(size)>>pageShift]; f != nil {
			clear(f.page[in:])
			changed = changed || f.shared()
		}
	}
	if changed {
		codeGenerations.Add(1)
	}
}
