package mm

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"testing"

	"vessel/internal/abi"
)

// diskFile is what a WritebackFile writes to: bytes behind a lock, with a
// version that every change moves on, as a host file's size and mtime.
type diskFile struct {
	key any

	mu       sync.Mutex
	data     []byte // guarded by mu
	version  int    // guarded by mu
	writes   int    // guarded by mu: WriteAt calls
	syncs    int    // guarded by mu: Sync calls
	duringRd func() // guarded by mu: run once in the middle of the next ReadAt
}

func newDiskFile(t testing.TB, data []byte) *diskFile {
	return &diskFile{key: testKey{t.Name() + "/disk"}, data: data}
}

// open returns a File of d: writable (a descriptor open for writing) or
// not.
func (d *diskFile) open(writable bool) File { return &diskHandle{d: d, writable: writable} }

// bytes returns a copy of d's data.
func (d *diskFile) bytes() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return bytes.Clone(d.data)
}

// write changes d as the file's own write would, without mm: a change
// made behind vessel's back.
func (d *diskFile) write(b []byte, off int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	copy(d.data[off:], b)
	d.version++
}

// cachedWrite is the file's own write through mm, as vfs's host file
// does it: lock the cache entry, write the file, put the bytes in the
// frames, record the version.
func (d *diskFile) cachedWrite(b []byte, off int) {
	c, had := LockFileCache(d.key)
	d.write(b, off)
	if !had {
		if c, had = LockFileCache(d.key); !had {
			return
		}
	}
	c.Write(b, int64(off))
	c.SetVersion(d.currentVersion())
	c.Unlock()
}

// cachedRead is the file's own read through mm.
func (d *diskFile) cachedRead(off, n int) []byte {
	b := make([]byte, n)
	d.mu.Lock()
	n = copy(b, d.data[min(off, len(d.data)):])
	d.mu.Unlock()
	ReadFileCache(d.key, b[:n], int64(off))
	return b[:n]
}

func (d *diskFile) currentVersion() any {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.version
}

func (d *diskFile) counts() (writes, syncs int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.writes, d.syncs
}

// diskHandle is one open File of a diskFile.
type diskHandle struct {
	d        *diskFile
	writable bool
}

func (h *diskHandle) CacheKey() any     { return h.d.key }
func (h *diskHandle) CacheVersion() any { return h.d.currentVersion() }
func (h *diskHandle) Name() string      { return "/disk" }
func (h *diskHandle) Writable() bool    { return h.writable }

func (h *diskHandle) Size() int64 {
	h.d.mu.Lock()
	defer h.d.mu.Unlock()
	return int64(len(h.d.data))
}

func (h *diskHandle) ReadAt(p []byte, off int64) (int, error) {
	d := h.d
	d.mu.Lock()
	n := copy(p, d.data[min(int(off), len(d.data)):])
	during := d.duringRd
	d.duringRd = nil
	d.mu.Unlock()
	if during != nil {
		during()
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (h *diskHandle) WriteAt(p []byte, off int64) (int, error) {
	if !h.writable {
		return 0, fmt.Errorf("write-back through a read-only handle")
	}
	d := h.d
	d.mu.Lock()
	defer d.mu.Unlock()
	if int(off)+len(p) > len(d.data) {
		return 0, fmt.Errorf("write-back past the end: [%d, %d) of %d", off, int(off)+len(p), len(d.data))
	}
	copy(d.data[off:], p)
	d.writes++
	d.version++
	return len(p), nil
}

func (h *diskHandle) Sync() error {
	h.d.mu.Lock()
	defer h.d.mu.Unlock()
	h.d.syncs++
	return nil
}

// TestWriteback checks that a shared mapping's writes reach the file on
// msync, munmap and Release, and only the pages written.
func TestWriteback(t *testing.T) {
	tests := []struct {
		name string
		// back writes the mapping of [a, a+3 pages) back, from as, which
		// c (a fork of as, or nil) shares.
		back    func(t *testing.T, as *AddressSpace, a uint64)
		forked  bool
		wantSyn int
	}{
		{"msync MS_SYNC", func(t *testing.T, as *AddressSpace, a uint64) {
			if errno := as.Msync(a, 3*pageSize, msSync); errno != 0 {
				t.Fatalf("Msync: %v", errno)
			}
		}, false, 1},
		{"msync MS_ASYNC", func(t *testing.T, as *AddressSpace, a uint64) {
			if errno := as.Msync(a, 3*pageSize, msAsync); errno != 0 {
				t.Fatalf("Msync: %v", errno)
			}
		}, false, 0},
		{"munmap", func(t *testing.T, as *AddressSpace, a uint64) {
			if errno := as.Munmap(a, 3*pageSize); errno != 0 {
				t.Fatalf("Munmap: %v", errno)
			}
		}, false, 0},
		{"Release", func(t *testing.T, as *AddressSpace, a uint64) { as.Release() }, false, 0},
		{"MAP_FIXED over it", func(t *testing.T, as *AddressSpace, a uint64) {
			mmap(t, as, a, 3*pageSize, rw, abi.MAP_FIXED|anon, nil, 0)
		}, false, 0},
		{"Release of a fork that wrote", func(t *testing.T, as *AddressSpace, a uint64) { as.Release() }, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDiskFile(t, bytes.Repeat([]byte{1}, 3*pageSize))
			as := NewAddressSpace()
			defer as.Release()
			a := mmap(t, as, 0, 3*pageSize, rw, abi.MAP_SHARED, d.open(true), 0)
			page(t, as, a+pageSize, AccessRead) // read, never written
			w := as
			if tc.forked {
				w = as.Fork()
			}
			poke(t, w, a+2, 0xaa)
			poke(t, w, a+2*pageSize+2, 0xbb)
			if got := d.bytes()[2]; got != 1 {
				t.Fatalf("the file changed before write-back: %#x", got)
			}
			tc.back(t, w, a)
			got := d.bytes()
			if got[2] != 0xaa || got[2*pageSize+2] != 0xbb {
				t.Errorf("the file holds %#x and %#x, want the mapping's 0xaa and 0xbb", got[2], got[2*pageSize+2])
			}
			if writes, syncs := d.counts(); writes != 2 || syncs != tc.wantSyn {
				t.Errorf("%d page writes and %d syncs, want 2 (the pages written) and %d", writes, syncs, tc.wantSyn)
			}
		})
	}
}

// TestWritebackClean checks that a written-back page that no page table
// maps is clean: a later msync of another mapping does not write it.
func TestWritebackClean(t *testing.T) {
	d := newDiskFile(t, make([]byte, 2*pageSize))
	as, bs := NewAddressSpace(), NewAddressSpace()
	defer bs.Release()
	a := mmap(t, as, 0, 2*pageSize, rw, abi.MAP_SHARED, d.open(true), 0)
	b := mmap(t, bs, 0, 2*pageSize, abi.PROT_READ, abi.MAP_SHARED, d.open(false), 0)
	poke(t, as, a, 5)
	if errno := as.Msync(a, 2*pageSize, msSync); errno != 0 {
		t.Fatal(errno)
	}
	if errno := as.Msync(a, 2*pageSize, msSync); errno != 0 {
		t.Fatal(errno)
	}
	if writes, _ := d.counts(); writes != 2 {
		t.Errorf("%d page writes after two msyncs, want 2: the mapping may write the page again without a fault", writes)
	}
	as.Release() // writes it a third time, then no page table maps it
	if got := peek(t, bs, b); got != 5 {
		t.Errorf("another mapping reads %d, want 5", got)
	}
	if errno := bs.Msync(b, 2*pageSize, msSync); errno != 0 {
		t.Fatal(errno)
	}
	if writes, _ := d.counts(); writes != 3 {
		t.Errorf("%d page writes, want 3: a page no page table maps is clean after its write-back", writes)
	}
}

// TestWritebackWriter checks that the pages go back through a handle open
// for writing, though the last mapping to go is read-only.
func TestWritebackWriter(t *testing.T) {
	d := newDiskFile(t, make([]byte, pageSize))
	as, bs := NewAddressSpace(), NewAddressSpace()
	a := mmap(t, as, 0, pageSize, rw, abi.MAP_SHARED, d.open(true), 0)
	b := mmap(t, bs, 0, pageSize, abi.PROT_READ, abi.MAP_SHARED, d.open(false), 0)
	poke(t, as, a, 7)
	page(t, bs, b, AccessRead)
	bs.Release() // the read-only mapping writes the page back, through as's handle
	if got := d.bytes()[0]; got != 7 {
		t.Errorf("the file holds %d, want 7", got)
	}
	as.Release()
}

// TestMsyncErrors checks msync's arguments and its ENOMEM for holes.
func TestMsyncErrors(t *testing.T) {
	as := NewAddressSpace()
	defer as.Release()
	a := mmap(t, as, 0, 4*pageSize, rw, anon, nil, 0)
	as.Munmap(a+pageSize, pageSize)
	tests := []struct {
		name  string
		addr  uint64
		n     uint64
		flags int
		want  abi.Errno
	}{
		{"mapped", a, pageSize, msSync, 0},
		{"empty", a, 0, msSync, 0},
		{"unaligned", a + 1, pageSize, msSync, abi.EINVAL},
		{"both", a, pageSize, msSync | msAsync, abi.EINVAL},
		{"unknown flag", a, pageSize, 8, abi.EINVAL},
		{"a hole", a, 4 * pageSize, msSync, abi.ENOMEM},
		{"a hole, MS_ASYNC", a, 4 * pageSize, msAsync, abi.ENOMEM},
		{"past the end", a + 3*pageSize, 2 * pageSize, msInvalidate, abi.ENOMEM},
		{"wraps", a, ^uint64(0) - pageSize, msSync, abi.ENOMEM},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := as.Msync(tc.addr, tc.n, tc.flags); got != tc.want {
				t.Errorf("Msync(%#x, %#x, %d) = %v, want %v", tc.addr, tc.n, tc.flags, got, tc.want)
			}
		})
	}
}

// TestFileCacheCoherence checks the file's own read and write against
// its mappings, as a host file's read(2) and write(2) see them.
func TestFileCacheCoherence(t *testing.T) {
	d := newDiskFile(t, bytes.Repeat([]byte{1}, 2*pageSize))
	as := NewAddressSpace()
	a := mmap(t, as, 0, 2*pageSize, rw, abi.MAP_SHARED, d.open(true), 0)
	p := mmap(t, as, 0, 2*pageSize, rw, abi.MAP_PRIVATE, d.open(true), 0)
	poke(t, as, p+pageSize, 0x11) // the private copy of page 1

	poke(t, as, a+10, 0xaa)
	if got := d.cachedRead(8, 4); !bytes.Equal(got, []byte{1, 1, 0xaa, 1}) {
		t.Errorf("the file's read got %v, want the mapping's write", got)
	}
	d.cachedWrite([]byte{0xbb, 0xbb}, pageSize-1) // across the two pages
	if got := peek(t, as, a+pageSize-1); got != 0xbb {
		t.Errorf("the shared mapping got %#x after the file's write, want 0xbb", got)
	}
	if got := peek(t, as, p+pageSize-1); got != 0xbb {
		t.Errorf("a private mapping got %#x on a page it never copied, want the file's 0xbb", got)
	}
	if got := peek(t, as, p+pageSize); got != 0x11 {
		t.Errorf("a private copy got %#x, want its own 0x11", got)
	}
	// The file's own writes are no change behind vessel's back: a new
	// mapping uses the same entry.
	bs := NewAddressSpace()
	b := mmap(t, bs, 0, 2*pageSize, abi.PROT_READ, abi.MAP_SHARED, d.open(false), 0)
	if got := peek(t, bs, b+10); got != 0xaa {
		t.Errorf("a new mapping got %#x, want the first mapping's unwritten-back 0xaa", got)
	}
	// A truncate through the cache cuts the pages.
	c, ok := LockFileCache(d.key)
	if !ok {
		t.Fatal("no cache entry while the file is mapped")
	}
	c.Truncate(pageSize + 4)
	c.Unlock()
	if got := peek(t, as, a+pageSize+8); got != 0 {
		t.Errorf("a mapped page cut by a truncate reads %#x past the end, want 0", got)
	}
	as.Release()
	bs.Release()
	if _, ok := LockFileCache(d.key); ok {
		t.Error("a cache entry outlived its mappings")
	}
	if got := d.cachedRead(10, 1); got[0] != 0xaa {
		t.Errorf("the file holds %#x after the mappings went, want 0xaa written back", got[0])
	}
}

// TestFileCacheWriteDuringRead checks that a page read while the file's
// own write ran is read again: the write found no frame to update.
func TestFileCacheWriteDuringRead(t *testing.T) {
	d := newDiskFile(t, make([]byte, pageSize))
	as := NewAddressSpace()
	defer as.Release()
	a := mmap(t, as, 0, pageSize, abi.PROT_READ, abi.MAP_SHARED, d.open(false), 0)
	d.mu.Lock()
	d.duringRd = func() { d.cachedWrite([]byte{0xcc}, 0) }
	d.mu.Unlock()
	if got := peek(t, as, a); got != 0xcc {
		t.Errorf("the mapping got %#x, want the write made while its page was read", got)
	}
}

// TestFileCacheVersion checks that a file changed behind vessel's back
// gets a new entry for new mappings, and the old one stays with the old.
func TestFileCacheVersion(t *testing.T) {
	d := newDiskFile(t, make([]byte, pageSize))
	as, bs := NewAddressSpace(), NewAddressSpace()
	defer as.Release()
	defer bs.Release()
	a := mmap(t, as, 0, pageSize, abi.PROT_READ, abi.MAP_SHARED, d.open(false), 0)
	if got := peek(t, as, a); got != 0 {
		t.Fatalf("got %d, want 0", got)
	}
	old := cacheEntry(d.key)
	d.write([]byte{3}, 0) // not through mm
	b := mmap(t, bs, 0, pageSize, abi.PROT_READ, abi.MAP_SHARED, d.open(false), 0)
	if got := peek(t, bs, b); got != 3 {
		t.Errorf("a mapping made after the change got %d, want 3", got)
	}
	if got := peek(t, as, a); got != 0 {
		t.Errorf("the old mapping got %d, want its entry's 0", got)
	}
	if cacheEntry(d.key) == old {
		t.Error("the changed file kept its entry")
	}
	as.Release()
	if cacheEntry(d.key) == nil {
		t.Error("the old entry's eviction took the new one from the cache")
	}
}

// TestWritebackConcurrent maps one file shared from several goroutines,
// each writing its own page and writing it back while the file's own
// writes and reads go on; run it with -race.
func TestWritebackConcurrent(t *testing.T) {
	const workers, rounds = 6, 40
	d := newDiskFile(t, make([]byte, (workers+1)*pageSize))
	var wg sync.WaitGroup
	errs := make(chan error, workers+1)
	for w := range workers {
		wg.Go(func() {
			off := uint64(w) * pageSize
			for r := range rounds {
				as := NewAddressSpace()
				a, errno := as.Mmap(0, pageSize, rw, abi.MAP_SHARED, d.open(true), off)
				if errno != 0 {
					errs <- errno
					return
				}
				if errno := as.CopyOut(a+8, []byte{byte(w), byte(r)}); errno != 0 {
					errs <- errno
					return
				}
				if r%2 == 0 {
					if errno := as.Msync(a, pageSize, msSync); errno != 0 {
						errs <- errno
						return
					}
				}
				c := as.Fork()
				as.Release()
				if got := d.cachedRead(int(off)+8, 2); !bytes.Equal(got, []byte{byte(w), byte(r)}) {
					errs <- fmt.Errorf("worker %d round %d: the file's read got %v", w, r, got)
					return
				}
				c.Release()
				if got := d.bytes()[off+8 : off+10]; !bytes.Equal(got, []byte{byte(w), byte(r)}) {
					errs <- fmt.Errorf("worker %d round %d: the file holds %v after the last mapping", w, r, got)
					return
				}
			}
		})
	}
	wg.Go(func() { // the file's own writes to the last page
		off := workers * pageSize
		for r := range rounds * 4 {
			d.cachedWrite([]byte{byte(r)}, off)
			if got := d.cachedRead(off, 1); got[0] != byte(r) {
				errs <- fmt.Errorf("the file's own write %d reads back %d", r, got[0])
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if cacheEntry(d.key) != nil {
		t.Error("an entry outlived its mappings")
	}
}
