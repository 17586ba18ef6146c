package mm

import (
	"io"
	"sync"
	"sync/atomic"

	"vessel/internal/abi"
)

// object is what a mapping's pages come from when they are not private
// anonymous memory: a file, or shared memory. Each mmap call makes one,
// which the VMAs split from that mapping, moved by mremap or copied by
// Fork go on sharing. Offsets are in bytes from the start of the object.
//
// pages, when set, holds the frames the mappings map, by page:
//
//   - Shared anonymous memory has an index of its own, and every mapper —
//     the address spaces that Fork made from the one that called mmap —
//     maps its frames and sees every write, as Linux's shmem does for
//     MAP_SHARED|MAP_ANONYMOUS.
//   - A MemoryFile's mappings, shared and private, use its Memory's index:
//     the frames that hold the file's data (memory.go).
//   - A KeyedFile's mappings, shared and private, use the page cache's
//     entry for its key (pagecache.go), so every mapping of the file, from
//     any mmap call in any address space, maps the same frames. A private
//     mapping maps them read-only and copies a page on its first write
//     (Linux's do_cow_fault, or wp_page_copy for a page it mapped for
//     reading); a shared mapping writes them in place, and every mapping
//     that has not copied the page sees the write, as in Linux.
//   - A shared mapping of a File without a key has an index of its own,
//     shared by its mapper and its forks alone.
//
// A private mapping of a File without a key has no index: it reads each
// page into a private frame at first touch.
//
// A shared mapping that may write a WritebackFile has it as its writer:
// the pages it writes are marked dirty in the cache's entry, and go back to
// the file on msync, munmap and Release (writeback.go). Other shared file
// mappings keep their writes only as long as their index: the object's,
// or the cache entry's, which goes when the last mapping of the file does.
//
// An object's fields are set when it is made and never change.
type object struct {
	file   File          // nil for shared anonymous memory
	size   uint64        // shared anonymous memory: its length; pages past it give SIGBUS
	pages  *pageIndex    // nil for a private mapping of a File without a key
	mem    *Memory       // a MemoryFile's memory, whose index pages is
	writer WritebackFile // a shared mapping that may write a WritebackFile: file
}

// pageIndex keeps the frames of an object, of a Memory or of a page-cache
// entry by page index. Each frame in it holds one reference for the index,
// for as long as it is there, so a frame in an index that a page table
// maps has more than one reference and a private mapping's write copies
// it.
type pageIndex struct {
	// key is a page-cache entry's CacheKey; nil for an object's own index
	// or a Memory's. It never changes.
	key any
	// mappers counts, for a page-cache entry, the VMAs in address spaces'
	// lists whose object uses it (see pagecache.go). Atomic.
	mappers atomic.Int64

	// io serialises, for a page-cache entry, the write-back of its dirty
	// pages with the file's own writes and truncates (FileCache), so that
	// the file never ends up with a page older than the frame.
	io sync.Mutex
	// version is the CacheVersion of a VersionedFile's contents as the
	// entry holds them; versioned says it is set. Guarded by io.
	version   any
	versioned bool

	mu sync.Mutex
	// frames maps a page index to its frame; guarded by mu. It is nil
	// once a page-cache entry is evicted.
	frames map[uint64]*frame
	// dirty holds the pages of a page-cache entry that shared mappings
	// may have written since they were last written back, and writer is
	// the file they go back to: the WritebackFile of the last shared
	// mapping to mark one. Guarded by mu.
	dirty  map[uint64]struct{}
	writer WritebackFile
	// writes counts FileCache.Write calls, so that a page read from the
	// file while one ran is read again (indexedPage). Guarded by mu.
	writes uint64
}

func newAnonObject(size uint64) *object {
	return &object{size: size, pages: &pageIndex{frames: make(map[uint64]*frame)}}
}

// newFileObject returns the object of a new mapping of f. A MemoryFile
// uses its Memory's frames; a KeyedFile uses the page cache's entry for
// its key, counting the new mapping's VMA as one of its mappers (see
// cacheLookup); other files have an index of their own if shared, none if
// private. A shared mapping that may write (mayWrite) a Memory counts as
// one of its writers, or fails with EPERM once DenyWriters has succeeded;
// one of a WritebackFile writes back to it.
//
// Preconditions: the caller inserts the new VMA into an address space's
// list, and holds that address space's mu.
func newFileObject(f File, shared, mayWrite bool) (*object, abi.Errno) {
	o := &object{file: f}
	if mf, ok := f.(MemoryFile); ok {
		o.mem = mf.Memory()
		if shared && mayWrite && !o.mem.addWriter() {
			return nil, abi.EPERM
		}
		o.pages = &o.mem.pages
		return o, 0
	}
	if kf, ok := f.(KeyedFile); ok {
		if key := kf.CacheKey(); key != nil {
			o.pages = cacheLookup(key, f)
			if wf, ok := f.(WritebackFile); ok && shared && mayWrite {
				o.writer = wf
			}
			return o, 0
		}
	}
	if shared {
		o.pages = &pageIndex{frames: make(map[uint64]*frame)}
	}
	return o, 0
}

// name is the object's name in /proc/PID/maps: the file's, or what Linux
// shows for shared anonymous memory.
func (o *object) name() string {
	if o.file != nil {
		return o.file.Name()
	}
	return "/dev/zero (deleted)"
}

// readPage returns a new frame, with one reference, holding the file's
// bytes at off: zero past the end of the file within the page. A page that
// starts at or past the end, or that the file fails to read, is
// FaultBusErr, as in Linux (filemap_fault).
func (o *object) readPage(off uint64) (*frame, int) {
	size := o.file.Size()
	if size < 0 || off >= uint64(size) {
		return nil, FaultBusErr
	}
	f := newFrame()
	n := min(uint64(size)-off, pageSize)
	got, err := o.file.ReadAt(f.page[:n], int64(off))
	if err != nil && err != io.EOF && got < int(n) {
		return nil, FaultBusErr
	}
	return f, FaultNone
}

// indexedPage returns the frame in o.pages for the page at off, with a new
// reference for the caller's page table, materialising it first: read
// from o's file, zero-filled for shared anonymous memory, made by the
// Memory of a MemoryFile. The file is read without the index's lock, so
// that mappers of one file in other address spaces fault in its other
// pages meanwhile; if one of them put the page in the index first, that
// frame is the page, and the one read here is dropped unused. If the
// file's own write (FileCache.Write) ran meanwhile, the page read may be
// older than the file and is read again.
func (o *object) indexedPage(off uint64) (*frame, int) {
	p, idx := o.pages, off>>pageShift
	if o.mem != nil {
		return o.mem.page(idx)
	}
	for {
		p.mu.Lock()
		p.live()
		if f := p.frames[idx]; f != nil {
			f.get()
			p.mu.Unlock()
			return f, FaultNone
		}
		writes := p.writes
		p.mu.Unlock()

		var f *frame
		if o.file != nil {
			var fault int
			if f, fault = o.readPage(off); fault != FaultNone {
				return nil, fault
			}
		} else {
			if off >= o.size {
				return nil, FaultBusErr
			}
			f = newFrame()
		}
		p.mu.Lock()
		p.live()
		if g := p.frames[idx]; g != nil {
			g.get()
			p.mu.Unlock()
			return g, FaultNone
		}
		if p.writes != writes {
			p.mu.Unlock()
			continue // the file was written while we read it
		}
		p.frames[idx] = f // f's reference is the index's
		f.get()
		p.mu.Unlock()
		return f, FaultNone
	}
}

// get returns the frame of page idx with a new reference, or nil.
func (p *pageIndex) get(idx uint64) *frame {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.live()
	f := p.frames[idx]
	if f != nil {
		f.get()
	}
	return f
}

// live panics if p is an evicted page-cache entry: a VMA that uses an
// entry counts as its mapper, so none can reach one that is gone.
//
// Preconditions: p.mu is held.
func (p *pageIndex) live() {
	if p.frames == nil {
		panic("mm: page cache entry used after its last mapper went")
	}
}

// zero clears the pages of [lo, hi) in place, for every mapper at once:
// MADV_REMOVE's hole punch on shared anonymous memory or a Memory.
func (o *object) zero(lo, hi uint64) {
	p := o.pages
	p.mu.Lock()
	defer p.mu.Unlock()
	codeGenerations.Add(1) // code decoded from these frames is stale
	first, last := lo>>pageShift, hi>>pageShift
	if last-first > uint64(len(p.frames)) {
		for idx, f := range p.frames {
			if idx >= first && idx < last {
				*f.page = [pageSize]byte{}
			}
		}
		return
	}
	for idx := first; idx < last; idx++ {
		if f := p.frames[idx]; f != nil {
			*f.page = [pageSize]byte{}
		}
	}
}
