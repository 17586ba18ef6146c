package mm

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"vessel/internal/abi"
)

// The sharing fixture: one private anonymous mapping whose touched pages
// lie in two leaf tables under one t2 table (pages 0-2), in a second t2
// table under the same t3 table (page 3), and under a second t3 table
// (page 4), so that copying a path leaves tables shared beside it.
const shareBase = 0x40_0000_0000 // 256 GiB: 64 GiB-aligned (a t4 table's span)

var sharePages = []uint64{
	shareBase,
	shareBase + 0x1000,
	shareBase + 2<<20,
	shareBase + 1<<30 - 2<<20,
	shareBase + 1<<30 + 0x5000,
}

// newShared returns an address space with the fixture mapped and page i
// holding i+1.
func newShared(t testing.TB) *AddressSpace {
	t.Helper()
	as := NewAddressSpace()
	mmap(t, as, shareBase, 2<<30, rw, anon|abi.MAP_FIXED, nil, 0)
	for i, a := range sharePages {
		poke(t, as, a, byte(i+1))
	}
	return as
}

// view is what an address space shows of the fixture: each page's first
// byte (or -1 where it faults), its layout and its resident pages.
type view struct {
	bytes    []int
	spans    []span
	resident uint64
}

func viewOf(t testing.TB, as *AddressSpace) view {
	t.Helper()
	v := view{spans: spans(as), resident: as.Stats().ResidentPages}
	for _, a := range sharePages {
		var b [1]byte
		if as.CopyIn(a, b[:]) != 0 {
			v.bytes = append(v.bytes, -1)
		} else {
			v.bytes = append(v.bytes, int(b[0]))
		}
	}
	return v
}

func (v view) equal(w view) bool {
	return slices.Equal(v.bytes, w.bytes) && sameSpans(v.spans, w.spans) && v.resident == w.resident
}

// leafOf returns the leaf table that maps addr in as, or nil.
func leafOf(as *AddressSpace, addr uint64) *leafTable {
	as.mu.Lock()
	defer as.mu.Unlock()
	l, _ := as.pt.lookup(addr)
	return l
}

func TestForkSharesTables(t *testing.T) {
	parent := newShared(t)
	child := parent.Fork()
	if parent.pt.root != child.pt.root || parent.pt.root.shares.Load() != 2 {
		t.Fatal("Fork did not share the root table")
	}
	// Reading copies nothing.
	for _, as := range []*AddressSpace{parent, child} {
		for _, a := range sharePages {
			page(t, as, a, AccessRead)
			peek(t, as, a)
		}
		if _, errno := as.CopyInString(sharePages[0], 2); errno != 0 {
			t.Fatal(errno)
		}
	}
	if parent.pt.root != child.pt.root {
		t.Fatal("reading copied the root table")
	}
	// Nor does removing pages where none is materialised.
	if errno := child.Madvise(shareBase+0x10000, 0x10000, abi.MADV_DONTNEED); errno != 0 {
		t.Fatal(errno)
	}
	if errno := child.Munmap(shareBase+0x10000, 0x10000); errno != 0 {
		t.Fatal(errno)
	}
	if parent.pt.root != child.pt.root {
		t.Fatal("removing untouched pages copied the root table")
	}

	// The child's write copies the path to page 0 alone.
	poke(t, child, sharePages[0], 9)
	if parent.pt.root == child.pt.root {
		t.Error("a write did not copy the root table")
	}
	for _, tc := range []struct {
		name   string
		addr   uint64
		shared bool
	}{
		{"the written page's leaf", sharePages[0], false},
		{"a leaf under the copied mid", sharePages[2], true},
		{"a leaf under another mid", sharePages[3], true},
		{"a leaf under another upper", sharePages[4], true},
	} {
		if got := leafOf(parent, tc.addr) == leafOf(child, tc.addr); got != tc.shared {
			t.Errorf("%s: shared %v, want %v", tc.name, got, tc.shared)
		}
	}
	for _, as := range []*AddressSpace{parent, child} {
		if got := as.Stats().ResidentPages; got != uint64(len(sharePages)) {
			t.Errorf("got %d resident pages, want %d", got, len(sharePages))
		}
		checkInvariants(t, as)
	}
	checkShares(t, parent, child)
	frames := privateFrames(parent, child)
	parent.Release()
	checkShares(t, child)
	child.Release()
	checkFreed(t, frames)
}

func TestForkWritesIsolated(t *testing.T) {
	const parent, child = 0, 1
	type write struct {
		side   int
		page   int    // index in sharePages
		faults uint64 // the minor faults the write takes
	}
	tests := []struct {
		name   string
		writes []write
	}{
		{"same page, parent first", []write{{parent, 0, 1}, {child, 0, 0}}},
		{"same page, child first", []write{{child, 0, 1}, {parent, 0, 0}}},
		{"same page, parent twice", []write{{parent, 0, 1}, {parent, 0, 0}, {child, 0, 0}}},
		{"same leaf, other pages", []write{{parent, 0, 1}, {child, 1, 1}, {parent, 1, 0}, {child, 0, 0}}},
		{"other leaves", []write{{child, 0, 1}, {parent, 2, 1}, {child, 3, 1}, {parent, 4, 1}}},
		{"every page by the child", []write{{child, 0, 1}, {child, 1, 1}, {child, 2, 1}, {child, 3, 1}, {child, 4, 1}}},
		{"every page by the parent", []write{{parent, 4, 1}, {parent, 3, 1}, {parent, 2, 1}, {parent, 1, 1}, {parent, 0, 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spaces := [2]*AddressSpace{newShared(t)}
			spaces[child] = spaces[parent].Fork()
			var want [2][]int
			for side := range want {
				want[side] = []int{1, 2, 3, 4, 5}
			}
			for i, w := range tc.writes {
				as := spaces[w.side]
				faults := as.Stats().MinorFaults
				val := byte(10*(i+1) + w.side)
				poke(t, as, sharePages[w.page], val)
				want[w.side][w.page] = int(val)
				if got := as.Stats().MinorFaults - faults; got != w.faults {
					t.Errorf("write %d: got %d minor faults, want %d", i, got, w.faults)
				}
				for side, as := range spaces {
					if got := viewOf(t, as).bytes; !slices.Equal(got, want[side]) {
						t.Errorf("after write %d, side %d: got %v, want %v", i, side, got, want[side])
					}
				}
			}
			checkShares(t, spaces[:]...)
			frames := privateFrames(spaces[:]...)
			// Release in the order of the first write: the one that
			// wrote first goes first.
			first := tc.writes[0].side
			spaces[first].Release()
			checkShares(t, spaces[1-first])
			if got := viewOf(t, spaces[1-first]).bytes; !slices.Equal(got, want[1-first]) {
				t.Errorf("after the other's release: got %v, want %v", got, want[1-first])
			}
			spaces[1-first].Release()
			checkFreed(t, frames)
		})
	}
}

func TestForkChangesStayOnOneSide(t *testing.T) {
	const elsewhere = shareBase + 4<<30
	tests := []struct {
		name string
		op   func(t *testing.T, as *AddressSpace)
		want func(t *testing.T, as *AddressSpace) // what the changed side shows
	}{
		{
			name: "write every page",
			op: func(t *testing.T, as *AddressSpace) {
				for _, a := range sharePages {
					poke(t, as, a, 77)
				}
			},
			want: func(t *testing.T, as *AddressSpace) {
				if got := viewOf(t, as).bytes; !slices.Equal(got, []int{77, 77, 77, 77, 77}) {
					t.Errorf("got %v, want all 77", got)
				}
			},
		},
		{
			name: "munmap a page",
			op: func(t *testing.T, as *AddressSpace) {
				if errno := as.Munmap(sharePages[1], 0x1000); errno != 0 {
					t.Fatal(errno)
				}
			},
			want: func(t *testing.T, as *AddressSpace) {
				if got := viewOf(t, as).bytes; !slices.Equal(got, []int{1, -1, 3, 4, 5}) {
					t.Errorf("got %v, want page 1 gone", got)
				}
			},
		},
		{
			name: "munmap a whole upper table's range",
			op: func(t *testing.T, as *AddressSpace) {
				if errno := as.Munmap(shareBase, 1<<30); errno != 0 {
					t.Fatal(errno)
				}
			},
			want: func(t *testing.T, as *AddressSpace) {
				if got := viewOf(t, as).bytes; !slices.Equal(got, []int{-1, -1, -1, -1, 5}) {
					t.Errorf("got %v, want only page 4 left", got)
				}
			},
		},
		{
			name: "munmap everything",
			op: func(t *testing.T, as *AddressSpace) {
				if errno := as.Munmap(shareBase, 2<<30); errno != 0 {
					t.Fatal(errno)
				}
			},
			want: func(t *testing.T, as *AddressSpace) {
				if s := as.Stats(); s.ResidentPages != 0 {
					t.Errorf("got %d resident pages, want 0", s.ResidentPages)
				}
			},
		},
		{
			name: "munmap where nothing was touched",
			op: func(t *testing.T, as *AddressSpace) {
				if errno := as.Munmap(shareBase+0x10000, 0x10000); errno != 0 {
					t.Fatal(errno)
				}
			},
			want: func(t *testing.T, as *AddressSpace) {
				if got := viewOf(t, as).bytes; !slices.Equal(got, []int{1, 2, 3, 4, 5}) {
					t.Errorf("got %v, want every page", got)
				}
			},
		},
		{
			name: "mprotect",
			op: func(t *testing.T, as *AddressSpace) {
				if errno := as.Mprotect(shareBase, 0x2000, abi.PROT_READ); errno != 0 {
					t.Fatal(errno)
				}
			},
			want: func(t *testing.T, as *AddressSpace) {
				if _, fault := as.Translate(sharePages[0], AccessWrite); fault != FaultAccErr {
					t.Errorf("write after mprotect: got fault %d, want FaultAccErr", fault)
				}
			},
		},
		{
			name: "madvise dontneed a page",
			op: func(t *testing.T, as *AddressSpace) {
				if errno := as.Madvise(sharePages[2], 0x1000, abi.MADV_DONTNEED); errno != 0 {
					t.Fatal(errno)
				}
			},
			want: func(t *testing.T, as *AddressSpace) {
				if got := viewOf(t, as).bytes; !slices.Equal(got, []int{1, 2, 0, 4, 5}) {
					t.Errorf("got %v, want page 2 zero", got)
				}
			},
		},
		{
			name: "madvise dontneed everything",
			op: func(t *testing.T, as *AddressSpace) {
				if errno := as.Madvise(shareBase, 2<<30, abi.MADV_DONTNEED); errno != 0 {
					t.Fatal(errno)
				}
			},
			want: func(t *testing.T, as *AddressSpace) {
				if got := viewOf(t, as).bytes; !slices.Equal(got, []int{0, 0, 0, 0, 0}) {
					t.Errorf("got %v, want every page zero", got)
				}
			},
		},
		{
			name: "mremap move",
			op: func(t *testing.T, as *AddressSpace) {
				got, errno := as.Mremap(shareBase, 4<<20, 4<<20, abi.MREMAP_MAYMOVE|abi.MREMAP_FIXED, elsewhere)
				if errno != 0 || got != elsewhere {
					t.Fatalf("got %#x, %v", got, errno)
				}
			},
			want: func(t *testing.T, as *AddressSpace) {
				if got := viewOf(t, as).bytes; !slices.Equal(got, []int{-1, -1, -1, 4, 5}) {
					t.Errorf("got %v, want pages 0-2 moved away", got)
				}
				for i, off := range []uint64{0, 0x1000, 2 << 20} {
					if got := peek(t, as, elsewhere+off); got != byte(i+1) {
						t.Errorf("moved page %d: got %d, want %d", i, got, i+1)
					}
				}
			},
		},
		{
			name: "mremap shrink",
			op: func(t *testing.T, as *AddressSpace) {
				if _, errno := as.Mremap(shareBase, 2<<30, 0x1000, 0, 0); errno != 0 {
					t.Fatal(errno)
				}
			},
			want: func(t *testing.T, as *AddressSpace) {
				if got := viewOf(t, as).bytes; !slices.Equal(got, []int{1, -1, -1, -1, -1}) {
					t.Errorf("got %v, want page 0 alone", got)
				}
			},
		},
		{
			name: "MAP_FIXED over a page",
			op: func(t *testing.T, as *AddressSpace) {
				mmap(t, as, sharePages[3], 0x1000, rw, anon|abi.MAP_FIXED, nil, 0)
			},
			want: func(t *testing.T, as *AddressSpace) {
				if got := viewOf(t, as).bytes; !slices.Equal(got, []int{1, 2, 3, 0, 5}) {
					t.Errorf("got %v, want page 3 new", got)
				}
			},
		},
		{
			name: "fork and write in the grandchild",
			op: func(t *testing.T, as *AddressSpace) {
				g := as.Fork()
				poke(t, g, sharePages[0], 99)
				g.Release()
			},
			want: func(t *testing.T, as *AddressSpace) {
				if got := viewOf(t, as).bytes; !slices.Equal(got, []int{1, 2, 3, 4, 5}) {
					t.Errorf("got %v, want every page as it was", got)
				}
			},
		},
		{
			name: "release",
			op:   func(t *testing.T, as *AddressSpace) { as.Release() },
			want: func(t *testing.T, as *AddressSpace) {
				if len(as.Regions()) != 0 || as.Stats().ResidentPages != 0 {
					t.Error("release left something")
				}
			},
		},
	}
	for _, tc := range tests {
		for _, side := range []string{"parent", "child"} {
			t.Run(tc.name+" in the "+side, func(t *testing.T) {
				parent := newShared(t)
				child := parent.Fork()
				changed, other := parent, child
				if side == "child" {
					changed, other = child, parent
				}
				// The other side holds its pages for reading, as a hart would.
				var held []*[4096]byte
				for _, a := range sharePages {
					held = append(held, page(t, other, a, AccessRead))
				}
				before := viewOf(t, other)
				frames := privateFrames(parent, child)

				tc.op(t, changed)
				tc.want(t, changed)
				if after := viewOf(t, other); !after.equal(before) {
					t.Errorf("the other side changed: %+v, then %+v", before, after)
				}
				for i, a := range sharePages {
					if page(t, other, a, AccessRead) != held[i] {
						t.Errorf("page %d: the other side's frame changed", i)
					}
				}
				checkInvariants(t, parent)
				checkInvariants(t, child)
				checkShares(t, parent, child)

				// The other side's writes are its own too.
				for _, a := range sharePages {
					poke(t, other, a, 55)
				}
				checkShares(t, parent, child)
				tc.want(t, changed)
				maps.Copy(frames, privateFrames(parent, child))
				changed.Release()
				other.Release()
				checkFreed(t, frames)
			})
		}
	}
}

func TestForkChainRelease(t *testing.T) {
	names := []string{"parent", "child", "grandchild"}
	for _, order := range [][]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}} {
		t.Run(fmt.Sprintf("%s, %s, %s", names[order[0]], names[order[1]], names[order[2]]), func(t *testing.T) {
			p := newShared(t)
			poke(t, p, sharePages[0], 10)
			c := p.Fork()
			poke(t, c, sharePages[1], 21)
			g := c.Fork()
			poke(t, g, sharePages[2], 32)
			poke(t, p, sharePages[3], 13)
			poke(t, c, sharePages[4], 24)
			spaces := []*AddressSpace{p, c, g}
			want := [][]int{
				{10, 2, 3, 13, 5},
				{10, 21, 3, 4, 24},
				{10, 21, 32, 4, 5},
			}
			frames := privateFrames(spaces...)
			alive := []int{0, 1, 2}
			for step, gone := range order {
				spaces[gone].Release()
				alive = slices.DeleteFunc(alive, func(i int) bool { return i == gone })
				var live []*AddressSpace
				for _, i := range alive {
					live = append(live, spaces[i])
					if got := viewOf(t, spaces[i]).bytes; !slices.Equal(got, want[i]) {
						t.Errorf("after %d releases, %s: got %v, want %v", step+1, names[i], got, want[i])
					}
				}
				checkShares(t, live...)
				// Those left write every page, which must stay theirs.
				for _, i := range alive {
					poke(t, spaces[i], sharePages[step], byte(40+i))
					want[i][step] = 40 + i
				}
				for _, i := range alive {
					if got := viewOf(t, spaces[i]).bytes; !slices.Equal(got, want[i]) {
						t.Errorf("after %d releases and writes, %s: got %v, want %v", step+1, names[i], got, want[i])
					}
				}
				checkShares(t, live...)
				maps.Copy(frames, privateFrames(live...))
			}
			checkFreed(t, frames)
		})
	}
}

func TestForkSharedMappingAcrossTables(t *testing.T) {
	parent := newShared(t)
	s := mmap(t, parent, shareBase+8<<30, 0x2000, rw, abi.MAP_SHARED|abi.MAP_ANONYMOUS, nil, 0)
	poke(t, parent, s, 1)
	poke(t, parent, s+0x1000, 1)
	child := parent.Fork()
	grandchild := child.Fork()
	// Writes through shared memory copy no table, and all see them.
	poke(t, grandchild, s, 2)
	poke(t, child, s+0x1000, 3)
	if parent.pt.root != child.pt.root || child.pt.root != grandchild.pt.root {
		t.Error("a write to a present shared page copied a table")
	}
	for _, as := range []*AddressSpace{parent, child, grandchild} {
		if a, b := peek(t, as, s), peek(t, as, s+0x1000); a != 2 || b != 3 {
			t.Errorf("got %d %d, want 2 3", a, b)
		}
	}
	checkShares(t, parent, child, grandchild)
	child.Release()
	checkShares(t, parent, grandchild)
	parent.Release()
	grandchild.Release()
}

// TestForkLentThroughSharedTables checks that a page handed to the hart
// through shared tables cannot go stale without a generation bump.
func TestForkLentThroughSharedTables(t *testing.T) {
	t.Run("other side copies the leaf", func(t *testing.T) {
		parent := newShared(t)
		child := parent.Fork()
		// The parent's hart holds page 0 for reading: its frame has
		// one reference, but its tables are shared.
		held := page(t, parent, sharePages[0], AccessRead)
		gen := parent.Generation()
		// The child's write to page 1 copies the leaf, so page 0's
		// frame is shared from now on by the leaf's two copies.
		poke(t, child, sharePages[1], 9)
		// The parent's write now copies page 0: the hart's copy is stale.
		if p := page(t, parent, sharePages[0], AccessWrite); p == held {
			t.Fatal("the write did not copy the page")
		}
		if parent.Generation() == gen {
			t.Error("a copy of a page held through shared tables did not bump the generation")
		}
		checkShares(t, parent, child)
		parent.Release()
		child.Release()
	})
	t.Run("other side copies the page first", func(t *testing.T) {
		parent := newShared(t)
		child := parent.Fork()
		held := page(t, child, sharePages[0], AccessRead)
		poke(t, parent, sharePages[0], 9)
		// The child is left the only holder: its write is in place, and
		// the page its hart holds stays right.
		if p := page(t, child, sharePages[0], AccessWrite); p != held {
			t.Error("the child copied a page nobody else holds")
		}
		if got := peek(t, parent, sharePages[0]); got != 9 {
			t.Errorf("parent got %d, want 9", got)
		}
		checkShares(t, parent, child)
		parent.Release()
		child.Release()
	})
	t.Run("unlent page", func(t *testing.T) {
		parent := newShared(t)
		child := parent.Fork()
		defer child.Release()
		poke(t, child, sharePages[1], 9) // copies the leaf
		gen := parent.Generation()
		// Page 0 was never handed out since the fork: copying it needs
		// no bump.
		page(t, parent, sharePages[0], AccessWrite)
		if parent.Generation() != gen {
			t.Error("copying a page nobody held bumped the generation")
		}
	})
}

// TestForkConcurrent runs address spaces that share tables on different
// goroutines, each checking its own view against a model; run with -race.
func TestForkConcurrent(t *testing.T) {
	const (
		workers = 4
		steps   = 300
	)
	root := newShared(t)
	model := map[uint64]byte{}
	for i, a := range sharePages {
		model[a] = byte(i + 1)
	}
	type worker struct {
		as    *AddressSpace
		model map[uint64]byte
	}
	var ws []worker
	for range workers {
		ws = append(ws, worker{root.Fork(), maps.Clone(model)})
	}
	ws = append(ws, worker{root, model})

	var mu sync.Mutex
	frames := map[*frame]uint32{}
	var wg sync.WaitGroup
	for wi := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &ws[wi]
			rng := rand.New(rand.NewPCG(uint64(wi), 1))
			var kids []worker
			for range steps {
				a := sharePages[rng.IntN(len(sharePages))]
				switch rng.IntN(8) {
				case 0, 1, 2:
					v := byte(rng.IntN(256))
					if w.as.CopyOut(a, []byte{v}) != 0 {
						t.Error("CopyOut failed")
						return
					}
					w.model[a] = v
				case 3:
					w.as.Madvise(a, 0x1000, abi.MADV_DONTNEED)
					w.model[a] = 0
				case 4:
					kids = append(kids, worker{w.as.Fork(), maps.Clone(w.model)})
				case 5:
					if len(kids) > 0 {
						k := kids[0]
						kids = kids[1:]
						if k.as.CopyOut(a, []byte{7}) != 0 {
							t.Error("CopyOut failed")
						}
						k.as.Release()
					}
				default:
					if _, fault := w.as.Translate(a, AccessRead); fault != FaultNone {
						t.Errorf("worker %d at %#x: fault %d", wi, a, fault)
						return
					}
				}
				for a, want := range w.model {
					var b [1]byte
					if w.as.CopyIn(a, b[:]) != 0 || b[0] != want {
						t.Errorf("worker %d at %#x: got %d, want %d", wi, a, b[0], want)
						return
					}
				}
			}
			for _, k := range kids {
				k.as.Release()
			}
			mu.Lock()
			maps.Copy(frames, privateFrames(w.as))
			mu.Unlock()
		}()
	}
	wg.Wait()
	var all []*AddressSpace
	for _, w := range ws {
		all = append(all, w.as)
	}
	checkShares(t, all...)
	for _, as := range all {
		as.Release()
	}
	checkFreed(t, frames)
}

// TestTakeRanges clears ranges that start and end at every level's
// boundaries and between them, over pages spread across tables, and
// checks each time that exactly the pages inside went, in address order.
func TestTakeRanges(t *testing.T) {
	base := uint64(0x40_0000_0000)
	var addrs []uint64
	for _, span := range []uint64{1 << shift2, 1 << shift3, 1 << shift4, 1 << shift5} {
		for _, off := range []uint64{0, pageSize, span - pageSize, span, span + 3*pageSize} {
			addrs = append(addrs, base+off, base+2*span+off)
		}
	}
	slices.Sort(addrs)
	addrs = slices.Compact(addrs)
	rng := rand.New(rand.NewPCG(1, 2)) // lo == hi included
	edges := append([]uint64{base, base + 1<<shift5*4}, addrs...)
	for i := range 500 {
		var pt pageTable
		for _, a := range addrs {
			pt.set(a, newFrame())
		}
		lo := edges[rng.IntN(len(edges))] + uint64(rng.IntN(3)-1)*pageSize
		hi := edges[rng.IntN(len(edges))] + uint64(rng.IntN(3)-1)*pageSize
		if lo > hi {
			lo, hi = hi, lo
		}
		var got, want []uint64
		for _, a := range addrs {
			if a >= lo && a < hi {
				want = append(want, a)
			}
		}
		n := pt.take(lo, hi, func(a uint64, f *frame) { got = append(got, a); f.put() })
		if n != len(want) || !slices.Equal(got, want) {
			t.Fatalf("case %d: take [%#x, %#x) took %d %#x, want %#x", i, lo, hi, n, got, want)
		}
		if left := pt.pages(); left != uint64(len(addrs)-len(want)) {
			t.Fatalf("case %d: %d pages left, want %d", i, left, len(addrs)-len(want))
		}
		pt.release()
	}
}
