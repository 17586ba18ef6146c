package mm

import (
	"io"
	"sync"
)

// object is what a mapping's pages come from when they are not private
// anonymous memory: a file, or shared memory. Offsets are in bytes from the
// start of the object.
//
// A private mapping of a file reads each page into a private frame at first
// touch and never stores it here. A shared mapping keeps its frames here,
// indexed by page, and maps those very frames: every mapper — the address
// spaces that Fork made from the one that called mmap — sees every write,
// as Linux's shmem does for MAP_SHARED|MAP_ANONYMOUS.
//
// A shared file mapping reads the file at first touch like a private one,
// and then keeps the page here. Two separate mmap calls of one file get two
// objects, and nothing is written back to the file: msync, munmap and exit
// lose the writes. A page cache per file, with write-back, is a later
// issue; until then the data is right for readers of a file nobody writes
// through a mapping.
type object struct {
	file File   // nil for shared anonymous memory
	size uint64 // shared anonymous memory: its length; pages past it give SIGBUS

	mu    sync.Mutex
	pages map[uint64]*frame // guarded by mu: page index -> frame, one reference each
}

func newAnonObject(size uint64) *object {
	return &object{size: size, pages: make(map[uint64]*frame)}
}

func newFileObject(f File, shared bool) *object {
	o := &object{file: f}
	if shared {
		o.pages = make(map[uint64]*frame)
	}
	return o
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

// sharedPage returns the object's frame for the page at off, materialising
// it, with a new reference for the caller's page table.
func (o *object) sharedPage(off uint64) (*frame, int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	idx := off >> pageShift
	if f := o.pages[idx]; f != nil {
		f.get()
		return f, FaultNone
	}
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
	o.pages[idx] = f
	f.get()
	return f, FaultNone
}

// zero clears the pages of [lo, hi) in place, for every mapper at once:
// MADV_REMOVE's hole punch on shared anonymous memory.
func (o *object) zero(lo, hi uint64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	codeGenerations.Add(1) // code decoded from these frames is stale
	first, last := lo>>pageShift, hi>>pageShift
	if last-first > uint64(len(o.pages)) {
		for idx, f := range o.pages {
			if idx >= first && idx < last {
				*f.page = [pageSize]byte{}
			}
		}
		return
	}
	for idx := first; idx < last; idx++ {
		if f := o.pages[idx]; f != nil {
			*f.page = [pageSize]byte{}
		}
	}
}
