package mm

// What fallocate(2) does to the data that mappings see: a hole punched in a
// Memory (a tmpfs file), and a host file's page-cache pages read again
// after the host changed the file's contents in place.

// Punch makes [off, end) of the Memory a hole, as fallocate's
// FALLOC_FL_PUNCH_HOLE on tmpfs (shmem_fallocate, shmem_truncate_range):
// afterwards the range reads as zero and the size is unchanged. The parts
// of pages at the ends of the range are zeroed; pages wholly inside it
// leave the Memory, but for those a page table maps, which stay, zeroed,
// as Truncate keeps them. Linux unmaps those instead and a later fault
// finds a new zero page: either way every mapping that has not copied the
// page reads zero. off must not be negative; end > off.
func (m *Memory) Punch(off, end int64) {
	p := &m.pages
	p.mu.Lock()
	defer p.mu.Unlock()
	first, last := uint64(off)>>pageShift, uint64(end-1)>>pageShift
	changed := false
	punch := func(idx uint64, f *frame) {
		base := idx << pageShift
		lo := max(uint64(off), base) - base
		hi := min(uint64(end), base+pageSize) - base
		if lo == 0 && hi == pageSize && !f.shared() {
			delete(p.frames, idx)
			f.put()
			return
		}
		clear(f.page[lo:hi])
		changed = changed || f.shared()
	}
	if last-first >= uint64(len(p.frames)) {
		for idx, f := range p.frames {
			if idx >= first && idx <= last {
				punch(idx, f)
			}
		}
	} else {
		for idx := first; idx <= last; idx++ {
			if f := p.frames[idx]; f != nil {
				punch(idx, f)
			}
		}
	}
	if changed {
		codeGenerations.Add(1) // code decoded from these frames is stale
	}
}

// Reload reads again, with read, every page of the entry that holds a byte
// of [off, end), after the file changed there in a way that its own write
// does not describe: fallocate(2) punched a hole in it, zeroed a range, or
// moved its bytes (FALLOC_FL_COLLAPSE_RANGE, FALLOC_FL_INSERT_RANGE), as
// Linux's filesystems drop the page cache of such a range
// (truncate_pagecache_range). read reads the file like io.ReaderAt; what
// it does not fill, past the file's end or on an error, is zero. A page
// that mappings wrote and that has not gone back to the file is read
// again like the others: the caller writes such pages back first
// (FlushFileCache), as Linux writes the range back before it changes it.
// read is called with the entry locked against write-back and no other mm
// lock.
func (c FileCache) Reload(off, end int64, read func(b []byte, off int64) (int, error)) {
	p := c.p
	p.mu.Lock()
	if p.frames == nil {
		p.mu.Unlock()
		return
	}
	p.writes++ // a page a fault is reading from the file now is read again
	first, last := uint64(off)>>pageShift, uint64(end-1)>>pageShift
	type page struct {
		idx uint64
		f   *frame
	}
	var pages []page
	for idx, f := range p.frames {
		if idx >= first && idx <= last {
			f.get()
			pages = append(pages, page{idx, f})
		}
	}
	p.mu.Unlock()

	var buf [pageSize]byte
	changed := false
	for _, pg := range pages {
		n, _ := read(buf[:], int64(pg.idx<<pageShift))
		clear(buf[max(n, 0):])
		p.mu.Lock()
		if p.frames != nil && p.frames[pg.idx] == pg.f && *pg.f.page != buf {
			*pg.f.page = buf
			changed = true
		}
		p.mu.Unlock()
		pg.f.put()
	}
	if changed {
		codeGenerations.Add(1)
	}
}
