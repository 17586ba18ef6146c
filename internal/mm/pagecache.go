package mm

import (
	"runtime"
	"sync"
	"weak"
)

// The page cache keeps the pages of KeyedFiles, one pageIndex per
// CacheKey, so that every mapping of a file maps the same frames: 100
// forked children that run code their parent never touched read each page
// once between them, and an exec of a program that is running already
// reads none. Analogous to Linux's page cache (mm/filemap.c), without
// reclaim under memory pressure. Shared mappings write its frames in
// place and write them back to the file (writeback.go); the file's own
// reads and writes keep in step with it through FileCache.
//
// # Eviction
//
// An entry lives while a mapping of its file does. Its mappers count the
// VMAs, in the lists of all address spaces, whose object uses it: the VMA
// that Mmap makes counts from cacheLookup on, and every path that adds a
// copy of a VMA to a list (a split, Fork, mremap) attaches it, and every
// path that takes one out (munmap, a merge, Release) detaches it. The
// detach that takes the count to zero evicts the entry: it leaves the
// cache, and puts the reference each of its frames holds for it. By then
// no page table maps them, since page tables map pages only inside VMAs,
// and every path that removes a VMA has written its dirty pages back
// first, so nothing else holds the frames: they are freed (and reused,
// unless a hart was handed one to execute; see frame.go). The next
// mapping of the file reads it again, unless the kernel retains the entry
// (Retain).
//
// An address space dropped without Release never detaches its VMAs, so
// their entries' counts stay high. The cache refers to its entries weakly,
// so such an entry still goes when the garbage collector finds nothing
// else holds it; its frames' counts then err high, which costs a copy at
// most, and its dirty pages are lost.
//
// A VersionedFile's entry also goes from the cache, though not from the
// mappings that use it, when a new mapping finds the file changed behind
// vessel's back (cacheLookup).
//
// # Locking
//
// pageCache.mu guards the map alone. A lookup takes the new VMA's count
// under it, and an eviction checks the count is zero and removes the entry
// under it, so a lookup never returns an entry on its way out. Attaching a
// copy of a VMA needs no lock: the VMA copied holds a count, under its
// address space's mu, so the count is not zero. An entry's frames are
// guarded by its own pageIndex.mu, which is never held with
// pageCache.mu; its version by pageIndex.io, which comes before
// pageIndex.mu and is never held with pageCache.mu either.

// pageCache is the map from CacheKey to entry.
type pageCache struct {
	mu      sync.Mutex
	entries map[any]weak.Pointer[pageIndex] // guarded by mu
}

// cache is the page cache, shared by every address space.
var cache = pageCache{entries: make(map[any]weak.Pointer[pageIndex])}

// Retain keeps the page-cache entry of f, if f is a KeyedFile with a key,
// as one more mapping of it would, until release is called: its pages stay
// cached after the file's last real mapping goes. Linux's page cache keeps
// a file's pages after the last process using them exits, until memory is
// short; the kernel keeps the programs it ran last this way, so that
// running one again reads no page of it, and the harts find its code
// already decoded (their decoded-code cache is keyed by frame). A retained
// entry of a VersionedFile still gives way to a new one when the file
// changes behind vessel's back. Calling release more than once does
// nothing more.
func Retain(f File) (release func()) {
	kf, ok := f.(KeyedFile)
	if _, mem := f.(MemoryFile); !ok || mem {
		return func() {}
	}
	key := kf.CacheKey()
	if key == nil {
		return func() {}
	}
	return sync.OnceFunc(cacheLookup(key, f).uncount)
}

// cacheSlot names an entry's place in the cache, for the cleanup that
// forgets it when the garbage collector has taken the entry.
type cacheSlot struct {
	key any
	wp  weak.Pointer[pageIndex]
}

// cacheLookup returns the cache's entry for key, making it if there is
// none, and counts one more mapper of it: the VMA the caller is making for
// a mapping of f. If f is a VersionedFile whose version is not the
// entry's, the file changed behind vessel's back: the entry leaves the
// cache, staying with the mappings that use it, and a new one takes its
// place.
//
// Preconditions: the caller holds the mu of the address space whose list
// the VMA joins (and no other mm lock).
func cacheLookup(key any, f File) *pageIndex {
	vf, _ := f.(VersionedFile)
	for {
		p := cacheCount(key)
		if vf == nil {
			return p
		}
		p.io.Lock()
		v := vf.CacheVersion()
		fresh := !p.versioned || p.version == v
		if !p.versioned {
			p.version, p.versioned = v, true
		}
		p.io.Unlock()
		if fresh {
			return p
		}
		cache.mu.Lock()
		if cache.entries[key].Value() == p {
			delete(cache.entries, key)
		}
		cache.mu.Unlock()
		p.uncount()
	}
}

// cacheCount returns the cache's entry for key, making it if there is
// none, and counts one more mapper of it.
func cacheCount(key any) *pageIndex {
	cache.mu.Lock()
	defer cache.mu.Unlock()
	p := cache.entries[key].Value()
	if p == nil {
		p = &pageIndex{key: key, frames: make(map[uint64]*frame)}
		wp := weak.Make(p)
		cache.entries[key] = wp
		runtime.AddCleanup(p, forget, cacheSlot{key, wp})
	}
	p.mappers.Add(1)
	return p
}

// uncount counts one mapper of p less, evicting p if that was the last.
func (p *pageIndex) uncount() {
	switch n := p.mappers.Add(-1); {
	case n == 0:
		p.evict()
	case n < 0:
		panic("mm: page cache entry mappers below zero")
	}
}

// forget removes a collected entry's slot, unless a new entry has taken
// it.
func forget(s cacheSlot) {
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if cache.entries[s.key] == s.wp {
		delete(cache.entries, s.key)
	}
}

// evict drops p from the cache if it has no mapper, putting its frames'
// references. A lookup may have found p after its count reached zero and
// counted a new mapper; then p stays.
func (p *pageIndex) evict() {
	cache.mu.Lock()
	if p.mappers.Load() != 0 {
		cache.mu.Unlock()
		return
	}
	if cache.entries[p.key].Value() == p {
		delete(cache.entries, p.key)
	}
	cache.mu.Unlock()

	p.mu.Lock()
	frames := p.frames
	p.frames = nil
	p.mu.Unlock()
	for _, f := range frames {
		f.put()
	}
}

// attach counts v as a mapper of its page-cache entry, if it has one, and
// as a writer of its Memory, if it is one. It is called for every copy of
// a VMA that joins an address space's list.
//
// Preconditions: the VMA v copies is in a list, under the mu of its
// address space, which is held.
func (v *vma) attach() {
	if v.obj == nil {
		return
	}
	if v.writesMemory() {
		v.obj.mem.writers.Add(1) // v's original counts, so it is not denied
	}
	if v.obj.pages != nil && v.obj.pages.key != nil {
		v.obj.pages.mappers.Add(1)
	}
}

// detach uncounts v as a mapper of its page-cache entry, if it has one,
// evicting the entry if v was the last, and as a writer of its Memory, if
// it is one. It is called for every VMA that leaves an address space's
// list.
//
// Preconditions: the mu of the address space whose list v leaves is held.
func (v *vma) detach() {
	if v.obj == nil {
		return
	}
	if v.writesMemory() {
		v.obj.mem.writers.Add(-1)
	}
	if v.obj.pages != nil && v.obj.pages.key != nil {
		v.obj.pages.uncount()
	}
}
