package mm

import (
	"bytes"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vessel/internal/abi"
)

// testKey is a page-cache key that no other test uses.
type testKey struct{ name string }

// keyedFiles opens Files of one content under one page-cache key, as the
// kernel opens one file again for every exec or mmap, and counts the
// reads of them all.
type keyedFiles struct {
	key   testKey
	data  []byte
	reads atomic.Int64
}

// newKeyedFiles returns the files of a key unique to t and name, holding
// size bytes that differ from page to page.
func newKeyedFiles(t testing.TB, name string, size int) *keyedFiles {
	t.Helper()
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i>>pageShift*7 + i%13 + 1)
	}
	return &keyedFiles{key: testKey{t.Name() + "/" + name}, data: data}
}

// open returns a new File of the set.
func (s *keyedFiles) open() File {
	return &keyedFile{memFile: memFile{name: "/" + s.key.name, data: s.data}, set: s}
}

// filePage returns page i of the file as a mapping shows it: zero past
// the end.
func (s *keyedFiles) filePage(i uint64) (p [pageSize]byte) {
	copy(p[:], s.data[min(uint64(len(s.data)), i<<pageShift):])
	return p
}

// keyedFile is one open File of a keyedFiles.
type keyedFile struct {
	memFile
	set *keyedFiles
}

func (f *keyedFile) ReadAt(p []byte, off int64) (int, error) {
	f.set.reads.Add(1)
	return f.memFile.ReadAt(p, off)
}

func (f *keyedFile) CacheKey() any { return f.set.key }

// nilKeyFile is a KeyedFile that declines a key.
type nilKeyFile struct{ memFile }

func (*nilKeyFile) CacheKey() any { return nil }

// cacheEntry returns the page cache's entry for key, or nil.
func cacheEntry(key any) *pageIndex {
	cache.mu.Lock()
	defer cache.mu.Unlock()
	return cache.entries[key].Value()
}

// cachedFrames returns the frames of the page cache's entry for key, or
// nil if there is no entry.
func cachedFrames(key any) map[*frame]uint32 {
	p := cacheEntry(key)
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fs := map[*frame]uint32{}
	for _, f := range p.frames {
		fs[f] = f.life
	}
	return fs
}

// checkEvicted checks that key has no entry, and that the frames it had
// are free.
func checkEvicted(t testing.TB, key any, had map[*frame]uint32) {
	t.Helper()
	if cacheEntry(key) != nil {
		t.Fatal("the page cache kept an entry after its last mapping went")
	}
	checkFreed(t, had)
}

// checkFilePage checks that the page at addr reads as page i of s.
func checkFilePage(t testing.TB, as *AddressSpace, addr uint64, s *keyedFiles, i uint64) {
	t.Helper()
	if got, want := page(t, as, addr, AccessRead), s.filePage(i); *got != want {
		t.Errorf("page at %#x does not hold page %d of the file", addr, i)
	}
}

func TestPageCacheSharesCleanPages(t *testing.T) {
	store := func(t *testing.T, as *AddressSpace, a uint64) { page(t, as, a, AccessWrite)[5] = 0xee }
	copyOut := func(t *testing.T, as *AddressSpace, a uint64) { poke(t, as, a+5, 0xee) }
	mprotect := func(write func(*testing.T, *AddressSpace, uint64)) func(*testing.T, *AddressSpace, uint64) {
		return func(t *testing.T, as *AddressSpace, a uint64) {
			t.Helper()
			if errno := as.Mprotect(a, pageSize, rw); errno != 0 {
				t.Fatal(errno)
			}
			write(t, as, a)
		}
	}
	tests := []struct {
		name   string
		prot   int
		access int                                     // how both spaces touch the page first
		write  func(*testing.T, *AddressSpace, uint64) // how the first then writes it
	}{
		{"read then store", rw, AccessRead, store},
		{"read then CopyOut", rw, AccessRead, copyOut},
		{"exec then mprotect and store", abi.PROT_READ | abi.PROT_EXEC, AccessExec, mprotect(store)},
		{"read-only then mprotect and CopyOut", abi.PROT_READ, AccessRead, mprotect(copyOut)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newKeyedFiles(t, "f", 0x2800)
			as, bs := NewAddressSpace(), NewAddressSpace()
			a := mmap(t, as, 0, 0x3000, tc.prot, abi.MAP_PRIVATE, s.open(), 0)
			b := mmap(t, bs, 0x7000_0000, 0x2000, tc.prot, abi.MAP_PRIVATE, s.open(), 0x1000)

			// Page 1 of the file is at a+0x1000 and at b.
			pa, pb := page(t, as, a+0x1000, tc.access), page(t, bs, b, tc.access)
			if pa != pb {
				t.Fatal("two mappings of one file read a page into two frames")
			}
			if *pa != s.filePage(1) {
				t.Error("the shared page does not hold the file's bytes")
			}
			if got := s.reads.Load(); got != 1 {
				t.Errorf("the file was read %d times, want once", got)
			}
			checkShares(t, as, bs)

			gen, faults := as.Generation(), as.Stats().MinorFaults
			tc.write(t, as, a+0x1000)
			if got := as.Stats().MinorFaults - faults; got != 1 {
				t.Errorf("the copy took %d minor faults, want 1", got)
			}
			if as.Generation() == gen {
				t.Error("copying a page the hart held did not bump the generation")
			}
			if page(t, as, a+0x1000, AccessRead) == pb {
				t.Fatal("the write went to the page cache's frame")
			}
			if got := peek(t, as, a+0x1005); got != 0xee {
				t.Errorf("the writer reads %#x, want its own 0xee", got)
			}
			if got, want := peek(t, as, a+0x1006), s.data[0x1006]; got != want {
				t.Errorf("the writer's copy reads %#x past its write, want the file's %#x", got, want)
			}
			checkFilePage(t, bs, b, s, 1)
			if *pb != s.filePage(1) {
				t.Error("the page cache's frame changed")
			}
			checkShares(t, as, bs)
			checkInvariants(t, as)
			checkInvariants(t, bs)

			had := cachedFrames(s.key)
			as.Release()
			if cacheEntry(s.key) == nil {
				t.Fatal("the entry went while another space mapped the file")
			}
			bs.Release()
			checkEvicted(t, s.key, had)
		})
	}
}

// TestPageCacheNeverWrittenInPlace writes, by every path that may reach
// the write-in-place case of a private page, to a page the page cache
// holds, and checks that the cache's frame keeps the file's bytes.
func TestPageCacheNeverWrittenInPlace(t *testing.T) {
	const size = 0x3000
	tests := []struct {
		name  string
		prot  int
		touch bool // read every page of the mapping first
		// prepare changes the mapping of the file at a in as as the case
		// needs, and returns the space that writes and where.
		prepare func(t *testing.T, as *AddressSpace, a uint64) (*AddressSpace, uint64)
	}{
		{"written at first touch", rw, false, func(t *testing.T, as *AddressSpace, a uint64) (*AddressSpace, uint64) {
			return as, a + 0x1000
		}},
		{"mprotect of a read-only page", abi.PROT_READ, true, func(t *testing.T, as *AddressSpace, a uint64) (*AddressSpace, uint64) {
			if errno := as.Mprotect(a, size, rw); errno != 0 {
				t.Fatal(errno)
			}
			return as, a
		}},
		{"MADV_DONTNEED", rw, true, func(t *testing.T, as *AddressSpace, a uint64) (*AddressSpace, uint64) {
			if errno := as.Madvise(a, size, abi.MADV_DONTNEED); errno != 0 {
				t.Fatal(errno)
			}
			page(t, as, a, AccessRead)
			return as, a
		}},
		{"mremap", rw, true, func(t *testing.T, as *AddressSpace, a uint64) (*AddressSpace, uint64) {
			b, errno := as.Mremap(a, size, 2*size, abi.MREMAP_MAYMOVE|abi.MREMAP_FIXED, a+0x100000)
			if errno != 0 {
				t.Fatal(errno)
			}
			return as, b
		}},
		{"fork, the child gone", rw, true, func(t *testing.T, as *AddressSpace, a uint64) (*AddressSpace, uint64) {
			as.Fork().Release()
			return as, a
		}},
		{"fork, the parent gone", rw, true, func(t *testing.T, as *AddressSpace, a uint64) (*AddressSpace, uint64) {
			c := as.Fork()
			as.Release()
			return c, a
		}},
		{"fork, the child writes", rw, true, func(t *testing.T, as *AddressSpace, a uint64) (*AddressSpace, uint64) {
			return as.Fork(), a
		}},
		{"split and merged", rw, true, func(t *testing.T, as *AddressSpace, a uint64) (*AddressSpace, uint64) {
			for _, prot := range []int{abi.PROT_READ, rw} {
				if errno := as.Mprotect(a+0x1000, 0x1000, prot); errno != 0 {
					t.Fatal(errno)
				}
			}
			return as, a + 0x1000
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newKeyedFiles(t, "f", size)
			observer := NewAddressSpace()
			o := mmap(t, observer, 0, size, abi.PROT_READ, abi.MAP_PRIVATE, s.open(), 0)
			var cached [size / pageSize]*[pageSize]byte
			for i := range cached {
				cached[i] = page(t, observer, o+uint64(i)<<pageShift, AccessRead)
			}

			as := NewAddressSpace()
			a := mmap(t, as, 0, size, tc.prot, abi.MAP_PRIVATE, s.open(), 0)
			if tc.touch {
				for i := range cached {
					if page(t, as, a+uint64(i)<<pageShift, AccessRead) != cached[i] {
						t.Fatalf("page %d: not the page cache's frame", i)
					}
				}
			}
			w, wa := tc.prepare(t, as, a)
			poke(t, w, wa, 0xee)
			if got := peek(t, w, wa); got != 0xee {
				t.Errorf("the writer reads %#x, want its own 0xee", got)
			}
			for i := range cached {
				if *cached[i] != s.filePage(uint64(i)) {
					t.Errorf("page %d: the page cache's frame changed", i)
				}
				checkFilePage(t, observer, o+uint64(i)<<pageShift, s, uint64(i))
			}
			if got := s.reads.Load(); got != int64(len(cached)) {
				t.Errorf("the file was read %d times, want once a page", got)
			}
			if w != as {
				checkShares(t, observer, as, w)
			} else {
				checkShares(t, observer, as)
			}
			checkInvariants(t, w)
			observer.Release()
			as.Release()
			w.Release()
			if cacheEntry(s.key) != nil {
				t.Error("the entry outlived its mappings")
			}
		})
	}
}

func TestPageCacheFirstWriteIsOneFault(t *testing.T) {
	s := newKeyedFiles(t, "f", 0x2000)
	as := NewAddressSpace()
	a := mmap(t, as, 0, 0x2000, rw, abi.MAP_PRIVATE, s.open(), 0)
	poke(t, as, a+1, 0xee)
	if got := as.Stats().MinorFaults; got != 1 {
		t.Errorf("a first write took %d minor faults, want 1", got)
	}
	if got, want := peek(t, as, a), s.data[0]; got != want {
		t.Errorf("got %#x before the write, want the file's %#x", got, want)
	}
	if got := peek(t, as, a+1); got != 0xee {
		t.Errorf("got %#x, want the write's 0xee", got)
	}
	// The cache has the file's page, which another space maps.
	bs := NewAddressSpace()
	b := mmap(t, bs, 0, 0x2000, abi.PROT_READ, abi.MAP_PRIVATE, s.open(), 0)
	checkFilePage(t, bs, b, s, 0)
	if got := s.reads.Load(); got != 1 {
		t.Errorf("the file was read %d times, want once", got)
	}
	// MAP_POPULATE of a writable mapping makes every page the writer's.
	cs := NewAddressSpace()
	c := mmap(t, cs, 0, 0x2000, rw, abi.MAP_PRIVATE|abi.MAP_POPULATE, s.open(), 0)
	if page(t, cs, c, AccessRead) == page(t, bs, b, AccessRead) {
		t.Error("MAP_POPULATE left a writable private page mapped from the cache")
	}
	checkShares(t, as, bs, cs)
	for _, x := range []*AddressSpace{as, bs, cs} {
		x.Release()
	}
	if cacheEntry(s.key) != nil {
		t.Error("the entry outlived its mappings")
	}
}

// A retained entry outlives its last mapping: the next mapping reads no
// page and maps the same frames; after release, the last mapping's going
// evicts it.
func TestRetainKeepsTheEntry(t *testing.T) {
	s := newKeyedFiles(t, "f", 0x2000)
	f := s.open()
	release := Retain(f)
	as := NewAddressSpace()
	a := mmap(t, as, 0, 0x2000, abi.PROT_READ|abi.PROT_EXEC, abi.MAP_PRIVATE, f, 0)
	p0 := page(t, as, a, AccessExec)
	checkFilePage(t, as, a+0x1000, s, 1)
	as.Release()
	if cacheEntry(s.key) == nil {
		t.Fatal("the retained entry went with the last mapping")
	}
	reads := s.reads.Load()
	bs := NewAddressSpace()
	b := mmap(t, bs, 0, 0x2000, abi.PROT_READ|abi.PROT_EXEC, abi.MAP_PRIVATE, s.open(), 0)
	if page(t, bs, b, AccessExec) != p0 {
		t.Error("a new mapping of a retained file got a new frame")
	}
	checkFilePage(t, bs, b+0x1000, s, 1)
	if got := s.reads.Load() - reads; got != 0 {
		t.Errorf("a new mapping of a retained file read it %d times, want 0", got)
	}
	had := cachedFrames(s.key)
	release()
	release() // twice is once
	if cacheEntry(s.key) == nil {
		t.Fatal("the entry went while a space mapped the file")
	}
	bs.Release()
	checkEvicted(t, s.key, had)

	// Files without a key are not cached, retained or not.
	Retain(&memFile{name: "/g", data: s.data})()
}

func TestPrivateFileWithoutKeyIsNotCached(t *testing.T) {
	data := bytes.Repeat([]byte{4}, 0x1000)
	tests := []struct {
		name string
		open func() File
	}{
		{"no CacheKey", func() File { return &memFile{name: "/f", data: data} }},
		{"nil key", func() File { return &nilKeyFile{memFile{name: "/f", data: data}} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			as, bs := NewAddressSpace(), NewAddressSpace()
			a := mmap(t, as, 0, 0x1000, rw, abi.MAP_PRIVATE, tc.open(), 0)
			b := mmap(t, bs, 0, 0x1000, rw, abi.MAP_PRIVATE, tc.open(), 0)
			pa, pb := page(t, as, a, AccessRead), page(t, bs, b, AccessRead)
			if pa == pb {
				t.Error("two mappings of a file without a key share a frame")
			}
			if !bytes.Equal(pa[:], data) || !bytes.Equal(pb[:], data) {
				t.Error("a page does not hold the file's bytes")
			}
			// The page is the mapping's own: a write is in place.
			faults := as.Stats().MinorFaults
			if q := page(t, as, a, AccessWrite); q != pa {
				t.Error("a write copied the mapping's own page")
			}
			if as.vmas[0].obj.pages != nil {
				t.Error("a private mapping of a file without a key has a page index")
			}
			if got := as.Stats().MinorFaults; got != faults {
				t.Errorf("got %d more faults, want none", got-faults)
			}
		})
	}
}

// evictCase is the state of a TestPageCacheEviction case: the space that
// mapped the file at a, and the child it may have forked.
type evictCase struct {
	as, child *AddressSpace
	a         uint64
}

// evictStep is one step of unmapping in TestPageCacheEviction.
type evictStep func(t *testing.T, c *evictCase)

func munmapAt(off, n uint64) evictStep {
	return func(t *testing.T, c *evictCase) {
		t.Helper()
		if errno := c.as.Munmap(c.a+off, n); errno != 0 {
			t.Fatal(errno)
		}
	}
}

func mremapTo(oldLen, newLen uint64, flags int, off uint64) evictStep {
	return func(t *testing.T, c *evictCase) {
		t.Helper()
		if _, errno := c.as.Mremap(c.a, oldLen, newLen, flags, c.a+off); errno != 0 {
			t.Fatal(errno)
		}
	}
}

func TestPageCacheEviction(t *testing.T) {
	const size = 0x4000
	release := func(t *testing.T, c *evictCase) { c.as.Release() }
	tests := []struct {
		name string
		// steps unmap the file; the entry must be there before the last
		// and gone after it.
		steps []evictStep
	}{
		{"munmap", []evictStep{munmapAt(0, size)}},
		{"Release", []evictStep{release}},
		{"MAP_FIXED over it", []evictStep{func(t *testing.T, c *evictCase) {
			mmap(t, c.as, c.a, size, rw, anon|abi.MAP_FIXED, nil, 0)
		}}},
		{"split, then unmapped in pieces", []evictStep{
			func(t *testing.T, c *evictCase) {
				if errno := c.as.Mprotect(c.a+0x1000, 0x1000, abi.PROT_NONE); errno != 0 {
					t.Fatal(errno)
				}
			},
			munmapAt(0x1000, 0x1000), munmapAt(0x3000, 0x1000), munmapAt(0, 0x1000), munmapAt(0x2000, 0x1000),
		}},
		{"mremap, then munmap", []evictStep{
			mremapTo(size, 2*size, abi.MREMAP_MAYMOVE|abi.MREMAP_FIXED, 0x100000),
			munmapAt(0x100000, 2*size),
		}},
		{"MREMAP_DONTUNMAP, then both unmapped", []evictStep{
			mremapTo(size, size, abi.MREMAP_MAYMOVE|abi.MREMAP_DONTUNMAP, 0x100000),
			munmapAt(0, size), munmapAt(0x100000, size),
		}},
		{"shrunk by mremap, then munmap", []evictStep{
			mremapTo(size, 0x1000, 0, 0),
			munmapAt(0, 0x1000),
		}},
		{"a second mmap, then both unmapped", []evictStep{
			func(t *testing.T, c *evictCase) {
				// The file again, just above: the two do not merge (two
				// objects), and count as two mappers.
				mmap(t, c.as, c.a+size, size, abi.PROT_READ, abi.MAP_PRIVATE|abi.MAP_FIXED, c.as.vmas[0].obj.file, 0)
				page(t, c.as, c.a+size, AccessRead)
			},
			munmapAt(0, size), munmapAt(size, size),
		}},
		{"forked, then both released", []evictStep{
			func(t *testing.T, c *evictCase) {
				c.child = c.as.Fork()
				page(t, c.child, c.a+0x3000, AccessRead)
			},
			release,
			func(t *testing.T, c *evictCase) { c.child.Release() },
		}},
		{"forked after MADV_DONTFORK, then released", []evictStep{
			func(t *testing.T, c *evictCase) {
				if errno := c.as.Madvise(c.a, size, abi.MADV_DONTFORK); errno != 0 {
					t.Fatal(errno)
				}
				c.child = c.as.Fork()
			},
			release,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newKeyedFiles(t, "f", size)
			c := &evictCase{as: NewAddressSpace()}
			c.a = mmap(t, c.as, 0x1000_0000, size, abi.PROT_READ, abi.MAP_PRIVATE, s.open(), 0)
			for off := uint64(0); off < size; off += 0x2000 {
				page(t, c.as, c.a+off, AccessRead)
			}
			had := cachedFrames(s.key)
			if len(had) != 2 {
				t.Fatalf("the entry holds %d pages, want 2", len(had))
			}
			for i, step := range tc.steps {
				if c.child != nil {
					checkShares(t, c.as, c.child)
				} else {
					checkShares(t, c.as)
				}
				if cacheEntry(s.key) == nil {
					t.Fatalf("before step %d: the entry went while the file was mapped", i)
				}
				step(t, c)
			}
			checkEvicted(t, s.key, had)
			checkInvariants(t, c.as)
			if c.child != nil {
				checkInvariants(t, c.child)
			}

			// A new mapping reads the file again.
			reads := s.reads.Load()
			bs := NewAddressSpace()
			b := mmap(t, bs, 0, size, abi.PROT_READ, abi.MAP_PRIVATE, s.open(), 0)
			checkFilePage(t, bs, b, s, 0)
			if got := s.reads.Load() - reads; got != 1 {
				t.Errorf("mapped again, the file was read %d times, want once", got)
			}
			bs.Release()
			checkEvicted(t, s.key, nil)
		})
	}
}

func TestPageCacheCollectsLeakedEntries(t *testing.T) {
	s := newKeyedFiles(t, "f", 0x1000)
	func() {
		as := NewAddressSpace()
		a := mmap(t, as, 0, 0x1000, abi.PROT_READ, abi.MAP_PRIVATE, s.open(), 0)
		page(t, as, a, AccessRead)
		as.Fork() // dropped, like as, without Release
	}()
	deadline := time.Now().Add(10 * time.Second)
	for cacheEntry(s.key) != nil || cacheSlots(s.key) {
		if time.Now().After(deadline) {
			t.Fatal("an entry that only dropped address spaces held was never collected")
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
}

// cacheSlots reports whether the cache has a slot for key, live or not.
func cacheSlots(key any) bool {
	cache.mu.Lock()
	defer cache.mu.Unlock()
	_, ok := cache.entries[key]
	return ok
}

func TestPageCacheFork(t *testing.T) {
	s := newKeyedFiles(t, "f", 0x3000)
	parent := NewAddressSpace()
	a := mmap(t, parent, 0, 0x3000, rw|abi.PROT_EXEC, abi.MAP_PRIVATE, s.open(), 0)
	p0 := page(t, parent, a, AccessExec)
	page(t, parent, a+0x1000, AccessRead)
	child := parent.Fork()
	// An unrelated process running the same program.
	other := NewAddressSpace()
	o := mmap(t, other, 0, 0x3000, abi.PROT_READ|abi.PROT_EXEC, abi.MAP_PRIVATE, s.open(), 0)

	if page(t, child, a, AccessExec) != p0 || page(t, other, o, AccessExec) != p0 {
		t.Error("the child or another process did not map the cached page")
	}
	// A page nobody touched before the fork: read once, for all.
	c2 := page(t, child, a+0x2000, AccessRead)
	if page(t, parent, a+0x2000, AccessRead) != c2 || page(t, other, o+0x2000, AccessExec) != c2 {
		t.Error("a page the child read first is not the one the others map")
	}
	if got := s.reads.Load(); got != 3 {
		t.Errorf("the file was read %d times, want once a page", got)
	}
	checkShares(t, parent, child, other)

	poke(t, child, a+8, 1)
	poke(t, parent, a+0x1008, 2)
	checkFilePage(t, parent, a, s, 0)
	checkFilePage(t, child, a+0x1000, s, 1)
	checkFilePage(t, other, o, s, 0)
	checkFilePage(t, other, o+0x1000, s, 1)
	if got := peek(t, child, a+8); got != 1 {
		t.Errorf("child got %d, want its 1", got)
	}
	if got := peek(t, parent, a+0x1008); got != 2 {
		t.Errorf("parent got %d, want its 2", got)
	}
	// The parent's first write after the child copied: the frame is still
	// the cache's, so the parent copies too.
	faults := parent.Stats().MinorFaults
	poke(t, parent, a+16, 3)
	if got := parent.Stats().MinorFaults - faults; got != 1 {
		t.Errorf("parent's write to a cached page took %d faults, want 1", got)
	}
	checkFilePage(t, other, o, s, 0)
	checkShares(t, parent, child, other)
	checkInvariants(t, parent)
	checkInvariants(t, child)

	had := cachedFrames(s.key)
	parent.Release()
	child.Release()
	if cacheEntry(s.key) == nil {
		t.Fatal("the entry went while another process mapped the file")
	}
	other.Release()
	checkEvicted(t, s.key, had)
}

func TestPageCachePastEOF(t *testing.T) {
	tests := []struct {
		name   string
		flags  int
		access int
	}{
		{"private read", abi.MAP_PRIVATE, AccessRead},
		{"private write", abi.MAP_PRIVATE, AccessWrite},
		{"shared read", abi.MAP_SHARED, AccessRead},
		{"shared write", abi.MAP_SHARED, AccessWrite},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newKeyedFiles(t, "f", 5000) // one full page and 904 bytes
			as := NewAddressSpace()
			a := mmap(t, as, 0, 0x3000, rw, tc.flags, s.open(), 0)
			p1 := page(t, as, a+0x1000, tc.access)
			if !bytes.Equal(p1[:904], s.data[4096:]) || !bytes.Equal(p1[904:], make([]byte, 4096-904)) {
				t.Error("the last page is not the file's tail followed by zeros")
			}
			if _, fault := as.Translate(a+0x2000, tc.access); fault != FaultBusErr {
				t.Errorf("page wholly past EOF: got fault %d, want FaultBusErr", fault)
			}
			if errno := as.CopyIn(a+0x2000, make([]byte, 1)); errno != abi.EFAULT {
				t.Errorf("CopyIn past EOF: got %v, want EFAULT", errno)
			}
			if got := len(cachedFrames(s.key)); got != 1 {
				t.Errorf("the cache holds %d pages, want 1", got)
			}
			as.Release()
			checkEvicted(t, s.key, nil)
		})
	}
}

// failingKeyedFile fails every read, under a key.
type failingKeyedFile struct{ failingFile }

func (failingKeyedFile) CacheKey() any { return testKey{"failingKeyedFile"} }

func TestPageCacheReadErrorIsSIGBUS(t *testing.T) {
	as := NewAddressSpace()
	for _, flags := range []int{abi.MAP_PRIVATE, abi.MAP_SHARED} {
		a := mmap(t, as, 0, 0x1000, abi.PROT_READ, flags, failingKeyedFile{}, 0)
		if _, fault := as.Translate(a, AccessRead); fault != FaultBusErr {
			t.Errorf("flags %#x: got fault %d, want FaultBusErr", flags, fault)
		}
	}
	if got := len(cachedFrames(failingKeyedFile{}.CacheKey())); got != 0 {
		t.Errorf("the cache holds %d pages of a file that fails to read, want none", got)
	}
	as.Release()
	checkEvicted(t, failingKeyedFile{}.CacheKey(), nil)
}

func TestPageCacheSharedMappings(t *testing.T) {
	s := newKeyedFiles(t, "f", 0x2000)
	as, bs, ps := NewAddressSpace(), NewAddressSpace(), NewAddressSpace()
	a := mmap(t, as, 0, 0x2000, rw, abi.MAP_SHARED, s.open(), 0)
	b := mmap(t, bs, 0x7000_0000, 0x1000, rw, abi.MAP_SHARED, s.open(), 0x1000)
	// A private mapping that reads page 1 before the write, and one that
	// writes it.
	p := mmap(t, ps, 0, 0x2000, rw, abi.MAP_PRIVATE, s.open(), 0)
	page(t, ps, p+0x1000, AccessRead)
	poke(t, ps, p, 0x11)

	poke(t, as, a+0x1000, 0xee)
	if got := peek(t, bs, b); got != 0xee {
		t.Errorf("another mmap in another space got %#x, want the write's 0xee", got)
	}
	// As in Linux, a private page not yet copied is the file's page.
	if got := peek(t, ps, p+0x1000); got != 0xee {
		t.Errorf("a private mapping got %#x, want the shared write's 0xee", got)
	}
	if got := peek(t, ps, p); got != 0x11 {
		t.Errorf("a private copy got %#x, want its own 0x11", got)
	}
	poke(t, bs, b+1, 0xdd)
	if got := peek(t, as, a+0x1001); got != 0xdd {
		t.Errorf("got %#x, want the other space's 0xdd", got)
	}
	ka, offa, _ := as.SharedKey(a + 0x1004)
	kb, offb, _ := bs.SharedKey(b + 4)
	if ka != kb || offa != offb || offa != 0x1004 {
		t.Errorf("futex keys (%p, %#x) and (%p, %#x) differ, want one at offset 0x1004", ka, offa, kb, offb)
	}
	if s.data[0x1000] == 0xee {
		t.Fatal("the file changed: write-back is not implemented and must not be half done")
	}
	checkShares(t, as, bs, ps)

	// The writes last while a mapping does, and are lost with the last.
	as.Release()
	ps.Release()
	if got := peek(t, bs, b); got != 0xee {
		t.Errorf("got %#x, want 0xee while mapped", got)
	}
	bs.Release()
	checkEvicted(t, s.key, nil)
	cs := NewAddressSpace()
	c := mmap(t, cs, 0, 0x2000, abi.PROT_READ, abi.MAP_SHARED, s.open(), 0)
	checkFilePage(t, cs, c+0x1000, s, 1)
	cs.Release()
}

// TestPageCacheConcurrent maps, reads, writes, forks, remaps and unmaps
// one file from several goroutines at once, so that entries are evicted
// and made again while other spaces look them up; run it with -race.
func TestPageCacheConcurrent(t *testing.T) {
	const (
		workers = 8
		rounds  = 50
		size    = 0x4000
	)
	// The private mappings' file, and the shared mappings', which they
	// write in place.
	s, sh := newKeyedFiles(t, "private", size), newKeyedFiles(t, "shared", size)
	var wg sync.WaitGroup
	errs := make(chan error, 2*workers)
	for w := range workers {
		wg.Go(func() {
			if err := pageCacheWorker(s, sh, w, rounds, size); err != nil {
				errs <- fmt.Errorf("worker %d: %w", w, err)
			}
		})
	}
	// Brief mappings, so that the last mapper often goes while another
	// space looks the entry up.
	for w := range workers / 2 {
		wg.Go(func() {
			for range rounds * 4 {
				as := NewAddressSpace()
				a, errno := as.Mmap(0, size, abi.PROT_READ, abi.MAP_PRIVATE, s.open(), 0)
				if errno != 0 {
					errs <- errno
					return
				}
				off := uint64(w%4) << pageShift
				if p, fault := as.Translate(a+off, AccessRead); fault != FaultNone || *p != s.filePage(uint64(w%4)) {
					errs <- fmt.Errorf("churn %d: page %d: fault %d or not the file's bytes", w, w%4, fault)
					return
				}
				as.Release()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if cacheEntry(s.key) != nil || cacheEntry(sh.key) != nil {
		t.Error("an entry outlived its mappings")
	}
}

func pageCacheWorker(s, shared *keyedFiles, w, rounds int, size uint64) error {
	check := func(as *AddressSpace, a, off uint64) error {
		p, fault := as.Translate(a+off, AccessRead)
		if fault != FaultNone {
			return fmt.Errorf("Translate(%#x): fault %d", a+off, fault)
		}
		if *p != s.filePage(off>>pageShift) {
			return fmt.Errorf("page %d does not hold the file's bytes", off>>pageShift)
		}
		return nil
	}
	slot := uint64(w) * 8 // each worker's bytes in the shared mapping
	for r := range rounds {
		as := NewAddressSpace()
		a, errno := as.Mmap(0, size, rw, abi.MAP_PRIVATE, s.open(), 0)
		if errno != 0 {
			return errno
		}
		sh, errno := as.Mmap(0, size, rw, abi.MAP_SHARED, shared.open(), 0)
		if errno != 0 {
			return errno
		}
		for off := uint64(0); off < size; off += pageSize {
			if err := check(as, a, off); err != nil {
				return err
			}
		}
		// Write one private page, in place or through the copy.
		mine := uint64(r%4) << pageShift
		if errno := as.CopyOut(a+mine+slot, []byte{byte(w), byte(r)}); errno != 0 {
			return errno
		}
		if errno := as.CopyOut(sh+size-pageSize+slot, []byte{byte(w), byte(r)}); errno != 0 {
			return errno
		}
		c := as.Fork()
		var got [2]byte
		for _, x := range []*AddressSpace{as, c} {
			if errno := x.CopyIn(a+mine+slot, got[:]); errno != 0 || got != [2]byte{byte(w), byte(r)} {
				return fmt.Errorf("round %d: read back %v (%v), want %d %d", r, got, errno, w, r)
			}
			if errno := x.CopyIn(sh+size-pageSize+slot, got[:]); errno != 0 || got != [2]byte{byte(w), byte(r)} {
				return fmt.Errorf("round %d: shared page read back %v (%v), want %d %d", r, got, errno, w, r)
			}
		}
		other := (mine + pageSize) % size
		if err := check(c, a, other); err != nil {
			return err
		}
		if errno := c.CopyOut(a+other, []byte{1}); errno != 0 {
			return errno
		}
		if err := check(as, a, other); err != nil {
			return err
		}
		if errno := as.Madvise(a, size, abi.MADV_DONTNEED); errno != 0 {
			return errno
		}
		if err := check(as, a, mine); err != nil {
			return err
		}
		b, errno := c.Mremap(a, size, 2*size, abi.MREMAP_MAYMOVE, 0)
		if errno != 0 {
			return errno
		}
		if err := check(c, b, (mine+2*pageSize)%size); err != nil { // a page nobody wrote
			return err
		}
		if r%2 == 0 {
			as.Release()
			c.Release()
		} else {
			c.Munmap(b, 2*size)
			c.Release()
			as.Munmap(a, size)
			as.Munmap(sh, size)
		}
	}
	return nil
}
