package mm

import (
	"fmt"
	"io"
	"testing"

	"vessel/internal/abi"
)

const (
	rw   = abi.PROT_READ | abi.PROT_WRITE
	anon = abi.MAP_PRIVATE | abi.MAP_ANONYMOUS
)

// memFile is a File over a byte slice.
type memFile struct {
	name string
	data []byte
}

func (f *memFile) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(f.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *memFile) Size() int64  { return int64(len(f.data)) }
func (f *memFile) Name() string { return f.name }

// mmap maps or fails the test.
func mmap(t testing.TB, as *AddressSpace, addr, length uint64, prot, flags int, f File, off uint64) uint64 {
	t.Helper()
	got, errno := as.Mmap(addr, length, prot, flags, f, off)
	if errno != 0 {
		t.Fatalf("Mmap(%#x, %#x, %d, %#x): %v", addr, length, prot, flags, errno)
	}
	return got
}

// poke writes b at addr or fails the test.
func poke(t testing.TB, as *AddressSpace, addr uint64, b ...byte) {
	t.Helper()
	if errno := as.CopyOut(addr, b); errno != 0 {
		t.Fatalf("CopyOut(%#x): %v", addr, errno)
	}
}

// peek reads one byte at addr or fails the test.
func peek(t testing.TB, as *AddressSpace, addr uint64) byte {
	t.Helper()
	var b [1]byte
	if errno := as.CopyIn(addr, b[:]); errno != 0 {
		t.Fatalf("CopyIn(%#x): %v", addr, errno)
	}
	return b[0]
}

// page translates addr for access or fails the test.
func page(t testing.TB, as *AddressSpace, addr uint64, access int) *[4096]byte {
	t.Helper()
	p, fault := as.Translate(addr, access)
	if fault != FaultNone {
		t.Fatalf("Translate(%#x, %d): fault %d", addr, access, fault)
	}
	return p
}

// span is a VMA's range and protection, for comparing layouts.
type span struct {
	start, end uint64
	prot       int
}

func spans(as *AddressSpace) []span {
	var s []span
	for _, r := range as.Regions() {
		s = append(s, span{r.Start, r.End, r.Prot})
	}
	return s
}

func sameSpans(a, b []span) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkInvariants checks the package's invariants on as alone: its VMAs
// are well formed, its page table maps pages only inside them, every table
// counts the pages under it and holds at least one, and every table and
// frame has a holder. checkShares checks the counts across address spaces.
func checkInvariants(t testing.TB, as *AddressSpace) {
	t.Helper()
	as.mu.Lock()
	defer as.mu.Unlock()
	var prevEnd uint64
	for i, v := range as.vmas {
		if v.start&pageMask != 0 || v.end&pageMask != 0 || v.start >= v.end || v.start < prevEnd || v.end > MaxAddr {
			t.Fatalf("vma %d [%#x, %#x) is malformed or out of order (previous end %#x)", i, v.start, v.end, prevEnd)
		}
		prevEnd = v.end
	}
	header := func(what string, h *header, pages int) {
		if h.pages != pages || pages == 0 {
			t.Errorf("%s maps %d pages, counts %d", what, pages, h.pages)
		}
		if h.shares.Load() < 1 {
			t.Errorf("%s has %d shares", what, h.shares.Load())
		}
	}
	var count func(n ptNode, base uint64, shift uint) int
	count = func(n ptNode, base uint64, shift uint) int {
		pages := 0
		if l, ok := n.(*leafTable); ok {
			for li, f := range l.frames {
				if f == nil {
					continue
				}
				pages++
				a := base | uint64(li)<<leafShift
				if as.findLocked(a) < 0 {
					t.Errorf("page-table entry at %#x outside every VMA", a)
				}
				if f.refs.Load() < 1 {
					t.Errorf("frame at %#x has %d references", a, f.refs.Load())
				}
			}
			header(fmt.Sprintf("leaf table at %#x", base), l.hdr(), pages)
			return pages
		}
		kids(n, func(i int, c ptNode) { pages += count(c, base|uint64(i)<<shift, shift-ptBits) })
		header(fmt.Sprintf("table at %#x (entries of 1<<%d bytes)", base, shift), n.hdr(), pages)
		return pages
	}
	if r := as.pt.root; r != nil {
		count(r, 0, rootShift)
	}
}

// checkShares checks the counts that address spaces sharing tables keep,
// against what spaces reach: every table's shares must be the number of
// its holders (slots of distinct tables, or address spaces for a root),
// and every frame's references the number of distinct leaf tables that
// map it plus one if the page index of a VMA's object (a shared object's,
// or a page-cache entry's) keeps it, and every page-cache entry's mappers
// the number of VMAs that use it. spaces must be every live address space
// that may share a table, a private frame or a page-cache entry with
// another; no other goroutine may use them meanwhile.
func checkShares(t testing.TB, spaces ...*AddressSpace) {
	t.Helper()
	for _, as := range spaces {
		as.mu.Lock()
		defer as.mu.Unlock()
	}
	holders := map[*header]int{}
	refs := map[*frame]int{}
	// hold counts a holder of h and reports whether h is new.
	hold := func(h *header) bool {
		holders[h]++
		return holders[h] == 1
	}
	for _, as := range spaces {
		var walk func(n ptNode)
		walk = func(n ptNode) {
			if !hold(n.hdr()) {
				return
			}
			if l, ok := n.(*leafTable); ok {
				for _, f := range l.frames {
					if f != nil {
						refs[f]++
					}
				}
				return
			}
			kids(n, func(_ int, c ptNode) { walk(c) })
		}
		if r := as.pt.root; r != nil {
			walk(r)
		}
	}
	indexes := map[*pageIndex]bool{}
	mappers := map[*pageIndex]int64{}
	for _, as := range spaces {
		for _, v := range as.vmas {
			if v.obj == nil || v.obj.pages == nil {
				continue
			}
			p := v.obj.pages
			if p.key != nil {
				mappers[p]++
			}
			if indexes[p] {
				continue
			}
			indexes[p] = true
			p.mu.Lock()
			for _, f := range p.frames {
				refs[f]++
			}
			p.mu.Unlock()
		}
	}
	for p, n := range mappers {
		if got := p.mappers.Load(); got != n {
			t.Errorf("page cache entry %v has %d mappers, want %d VMAs", p.key, got, n)
		}
	}
	for h, n := range holders {
		if got := h.shares.Load(); got != int32(n) {
			t.Errorf("a table with %d pages has %d shares, want %d holders", h.pages, got, n)
		}
	}
	for f, n := range refs {
		if got := f.refs.Load(); got != int32(n) {
			t.Errorf("a frame has %d references, want %d", got, n)
		}
	}
}

// privateFrames returns the frames the page tables of spaces map that no
// page index keeps.
func privateFrames(spaces ...*AddressSpace) map[*frame]uint32 {
	fs := map[*frame]uint32{}
	kept := map[*frame]bool{}
	for _, as := range spaces {
		as.mu.Lock()
		for _, l := range leaves(&as.pt) {
			for _, f := range l.frames {
				if f != nil {
					fs[f] = f.life
				}
			}
		}
		for _, v := range as.vmas {
			if v.obj != nil && v.obj.pages != nil {
				v.obj.pages.mu.Lock()
				for _, f := range v.obj.pages.frames {
					kept[f] = true
				}
				v.obj.pages.mu.Unlock()
			}
		}
		as.mu.Unlock()
	}
	for f := range kept {
		delete(fs, f)
	}
	return fs
}

// leaves returns the leaf tables of pt.
func leaves(pt *pageTable) []*leafTable {
	var ls []*leafTable
	var walk func(n ptNode)
	walk = func(n ptNode) {
		if l, ok := n.(*leafTable); ok {
			ls = append(ls, l)
			return
		}
		kids(n, func(_ int, c ptNode) { walk(c) })
	}
	if pt.root != nil {
		walk(pt.root)
	}
	return ls
}

// ptNode is a page table of any level, for the tests' walks.
type ptNode interface{ hdr() *header }

// kids calls fn with the index and table of every slot of n, an interior
// table, that holds one.
func kids(n ptNode, fn func(i int, c ptNode)) {
	n.(interface{ kids(func(int, ptNode)) }).kids(fn)
}

func (t *table[C, PC]) kids(fn func(i int, c ptNode)) {
	for i, c := range &t.slots {
		if c != nil {
			fn(i, c)
		}
	}
}

// checkFreed checks that no page table holds a frame of fs, which maps
// each frame to its life when it was recorded, any more: the frame has no
// reference, or it went back to the pool and lives again.
func checkFreed(t testing.TB, fs map[*frame]uint32) {
	t.Helper()
	for f, life := range fs {
		if n := f.refs.Load(); n != 0 && f.life == life {
			t.Errorf("a frame has %d references after its last holder went, want 0", n)
		}
	}
}
