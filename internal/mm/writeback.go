package mm

import (
	"cmp"
	"slices"

	"vessel/internal/abi"
)

// Write-back and the file's own I/O. A shared mapping of a WritebackFile
// writes the page cache's frames in place; the file learns of it when
// the pages go back (Linux's writeback of dirty pages), and the file's
// own read(2), write(2) and truncate, which do not go through the frames
// (a host file is read and written with pread and pwrite), keep in step
// with them through FileCache:
//
//   - A write fault of a shared mapping that may write marks the page
//     dirty in the entry, and makes the mapping's file the entry's
//     writer. A dirty page stays dirty while a page table may map it: a
//     hart may store to it again without a fault, since the page table has
//     no dirty bit to clear (Linux clears the PTE's, page_mkclean). So a
//     write-back writes every page marked since the last one that no page
//     table maps any more.
//   - The dirty pages in a range go back to the writer on msync (MS_SYNC
//     also calls its Sync), munmap (and every other path that removes a
//     VMA: MAP_FIXED over it, mremap, a shrinking brk) and Release
//     (process exit and exec), after the page table no longer maps them
//     and before the VMA leaves the list, so that the last mapping's going
//     never loses a write. Linux keeps dirty pages in its page cache past
//     munmap and writes them back later; vessel's cache entry goes with
//     the last mapping, and the host file is the only other place that
//     other processes (vessel's and the host's) read.
//   - The file's own write (FileCache.Write) puts the bytes it wrote into
//     the entry's frames, so that mappings see it at once, and a read
//     (ReadFileCache) takes dirty pages from the frames, which are newer
//     than the file. A truncate (FileCache.Truncate) cuts the frames as
//     Memory.Truncate does.
//
// pageIndex.io makes a write-back and the file's own write or truncate
// take turns, so that a write-back never puts a page older than the
// file's write over it. A page read from the file while a write ran may
// be older than the write: indexedPage reads it again (pageIndex.writes).
//
// Lock order: AddressSpace.mu before pageIndex.io before pageIndex.mu.
// WriteAt, Size, Sync and CacheVersion are called with io held, and with
// AddressSpace.mu for munmap and Release: they must not come back into mm
// or take a lock that a caller of FileCache holds.

// markDirty records that a shared mapping whose file is w may have
// written page idx.
func (p *pageIndex) markDirty(idx uint64, w WritebackFile) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.frames == nil {
		return
	}
	if p.dirty == nil {
		p.dirty = make(map[uint64]struct{})
	}
	p.dirty[idx] = struct{}{}
	p.writer = w
}

// dirtyPage is a page to write back.
type dirtyPage struct {
	idx uint64
	f   *frame
}

// writeback writes the dirty pages among [first, last) back to the
// entry's writer, in file order and no further than the file's end, and
// calls the writer's Sync if sync. A page that no page table maps any
// more is clean afterwards. The first error is returned; the other pages
// are still written.
func (p *pageIndex) writeback(first, last uint64, sync bool) error {
	p.io.Lock()
	defer p.io.Unlock()
	p.mu.Lock()
	w := p.writer
	var pages []dirtyPage
	if w != nil {
		if last-first > uint64(len(p.dirty)) {
			for idx := range p.dirty {
				if idx >= first && idx < last {
					pages = append(pages, dirtyPage{idx, p.frames[idx]})
				}
			}
		} else {
			for idx := first; idx < last; idx++ {
				if _, ok := p.dirty[idx]; ok {
					pages = append(pages, dirtyPage{idx, p.frames[idx]})
				}
			}
		}
	}
	for _, d := range pages {
		if d.f != nil {
			d.f.get() // the write-back's own, so that no eviction frees it meanwhile
		}
	}
	p.mu.Unlock()
	if w == nil || len(pages) == 0 && !sync {
		return nil
	}
	slices.SortFunc(pages, func(a, b dirtyPage) int { return cmp.Compare(a.idx, b.idx) })
	// While io is held a truncate, which takes it, cannot take the frames
	// out of the index; an eviction can (msync holds no VMA), but only
	// after the write-back of the munmap that caused it, and the frames
	// hold a reference of the write-back's own until it is done, so they
	// are not reused meanwhile: what goes to the file is at worst written
	// twice.
	var firstErr error
	size := w.Size()
	for _, d := range pages {
		off := int64(d.idx << pageShift)
		if d.f == nil || off >= size {
			continue
		}
		n := min(size-off, pageSize)
		if _, err := w.WriteAt(d.f.page[:n], off); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if vf, ok := w.(VersionedFile); ok && len(pages) > 0 {
		p.version, p.versioned = vf.CacheVersion(), true
	}
	p.mu.Lock()
	for _, d := range pages {
		// Gone, or mapped by no page table: held by the index and this
		// write-back alone.
		if d.f == nil || p.frames[d.idx] != d.f || d.f.refs.Load() <= 2 {
			delete(p.dirty, d.idx)
		}
	}
	p.mu.Unlock()
	for _, d := range pages {
		if d.f != nil {
			d.f.put()
		}
	}
	if sync {
		if err := w.Sync(); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// writeback writes back the dirty pages of v's page-cache entry in
// [lo, hi), if v is a shared mapping of a file that has one.
func (v *vma) writeback(lo, hi uint64, sync bool) error {
	if v.flags&vmShared == 0 || v.obj == nil || v.obj.pages == nil || v.obj.pages.key == nil {
		return nil
	}
	return v.obj.pages.writeback(v.objOff(lo)>>pageShift, (v.objOff(hi-1)>>pageShift)+1, sync)
}

// Flags of msync(2); abi does not name them.
const (
	msAsync      = 1
	msInvalidate = 2
	msSync       = 4
)

// Msync is msync(2) (Linux's mm/msync.c): the dirty pages of the shared
// file mappings in [addr, addr+length) go back to their files, with
// MS_SYNC made durable. Unlike Linux, MS_ASYNC writes them too, since the
// host file is where other processes read them. EINVAL for an unaligned
// addr, unknown flags, or MS_ASYNC with MS_SYNC; ENOMEM if part of the
// range is unmapped (the rest is written back, except under MS_ASYNC
// alone, which stops at the hole as Linux does); EIO if a write fails.
func (as *AddressSpace) Msync(addr, length uint64, flags int) abi.Errno {
	if addr&pageMask != 0 || flags&^(msAsync|msInvalidate|msSync) != 0 || flags&(msAsync|msSync) == msAsync|msSync {
		return abi.EINVAL
	}
	length, ok := pageUp(length)
	end := addr + length
	if !ok || end < addr {
		return abi.ENOMEM
	}
	if length == 0 {
		return 0
	}
	type span struct {
		p           *pageIndex
		first, last uint64
	}
	var spans []span
	var errno abi.Errno
	as.mu.Lock()
	lo := addr
	for i := as.nextLocked(addr); lo < end; i++ {
		if i == len(as.vmas) || as.vmas[i].start >= end {
			errno = abi.ENOMEM
			break
		}
		v := &as.vmas[i]
		if v.start > lo {
			errno = abi.ENOMEM
			if flags == msAsync {
				break
			}
		}
		lo = max(lo, v.start)
		hi := min(end, v.end)
		if v.flags&vmShared != 0 && v.obj != nil && v.obj.pages != nil && v.obj.pages.key != nil {
			// The entry stays valid after unlocking: an evicted
			// one has nothing left to write.
			spans = append(spans, span{v.obj.pages, v.objOff(lo) >> pageShift, (v.objOff(hi-1) >> pageShift) + 1})
		}
		lo = hi
	}
	as.mu.Unlock()
	for _, s := range spans {
		if s.p.writeback(s.first, s.last, flags&msSync != 0) != nil {
			errno = abi.EIO
		}
	}
	return errno
}

// FileCache is the page-cache entry of one file, as the file's own write
// and truncate see it (a host file's pwrite and ftruncate): while they
// hold it locked, no write-back of its pages runs. Get one with
// LockFileCache.
type FileCache struct{ p *pageIndex }

// LockFileCache returns the page cache's entry for key, locked against
// write-back, and true; or false if no mapping of the file lives. The
// file's own write calls it before it writes, and again after if there
// was none (a mapping made meanwhile may have read the page the write
// changed), and hands what it wrote to Write before Unlock.
func LockFileCache(key any) (FileCache, bool) {
	cache.mu.Lock()
	p := cache.entries[key].Value()
	cache.mu.Unlock()
	if p == nil {
		return FileCache{}, false
	}
	p.io.Lock()
	return FileCache{p}, true
}

// Unlock lets write-back run again.
func (c FileCache) Unlock() { c.p.io.Unlock() }

// Write puts b, which the file now holds at off, into the entry's pages
// that hold those bytes, so that every mapping sees it.
func (c FileCache) Write(b []byte, off int64) {
	p := c.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.frames == nil {
		return
	}
	p.writes++
	inPlace := false
	for done := 0; done < len(b); {
		at := uint64(off) + uint64(done)
		in := at & pageMask
		n := min(uint64(len(b)-done), pageSize-in)
		if f := p.frames[at>>pageShift]; f != nil {
			copy(f.page[in:in+n], b[done:])
			inPlace = inPlace || f.shared()
		}
		done += int(n)
	}
	if inPlace {
		codeGenerations.Add(1)
	}
}

// Truncate tells the entry the file is now size bytes long: the tail of
// the page that holds size is zeroed, and the pages past it leave the
// entry, but for mapped ones, which stay zeroed (see Memory.Truncate).
func (c FileCache) Truncate(size int64) {
	p := c.p
	p.mu.Lock()
	defer p.mu.Unlock()
	p.writes++
	p.cutLocked(size)
}

// SetVersion records v as the CacheVersion of the file's contents after
// the file's own write or truncate, so that the change is not taken for
// one made behind vessel's back.
func (c FileCache) SetVersion(v any) { c.p.version, c.p.versioned = v, true }

// ReadFileCache copies into b, which the file's own read just filled from
// off, the bytes of the page cache's dirty pages of the file (key names
// it) there: shared mappings wrote them and they have not all gone back
// yet. It does nothing if no mapping of the file lives.
func ReadFileCache(key any, b []byte, off int64) {
	if len(b) == 0 {
		return
	}
	cache.mu.Lock()
	p := cache.entries[key].Value()
	cache.mu.Unlock()
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.dirty) == 0 {
		return
	}
	first, last := uint64(off)>>pageShift, (uint64(off)+uint64(len(b))-1)>>pageShift
	for idx := range p.dirty {
		if idx < first || idx > last {
			continue
		}
		f := p.frames[idx]
		if f == nil {
			continue
		}
		lo := max(uint64(off), idx<<pageShift)
		hi := min(uint64(off)+uint64(len(b)), (idx+1)<<pageShift)
		copy(b[lo-uint64(off):hi-uint64(off)], f.page[lo&pageMask:])
	}
}

// FlushFileCache writes back every dirty page of the file that key names,
// for fsync(2) of the file (Linux's file_write_and_wait_range): shared
// mappings' writes reach the file before the caller syncs it.
func FlushFileCache(key any) error {
	cache.mu.Lock()
	p := cache.entries[key].Value()
	cache.mu.Unlock()
	if p == nil {
		return nil
	}
	return p.writeback(0, ^uint64(0), false)
}
