package mm

// The page table is a radix tree of four levels of 512 entries over 48-bit
// addresses, laid out as Sv48's:
//
//	|47    39|38    30|29    21|20    12|11       0|
//	|  root  |  upper |  mid   |  leaf  |  offset  |
//
// Each level is a plain array. A table exists only while it has a present
// entry: removing the last entry frees it, so a huge reservation that was
// never touched costs no table at all, and Fork's copy is proportional to
// the pages materialised.
const (
	ptBits     = 9
	ptEntries  = 1 << ptBits
	ptMask     = ptEntries - 1
	leafShift  = pageShift                 // a leaf entry maps 4 KiB
	midShift   = leafShift + ptBits        // a mid entry covers 2 MiB
	upperShift = midShift + ptBits         // an upper entry covers 1 GiB
	rootShift  = upperShift + ptBits       // a root entry covers 512 GiB
	ptLimit    = 1 << (rootShift + ptBits) // 2^48, the first address the table cannot map
)

// leafTable maps 512 pages.
type leafTable struct {
	frames [ptEntries]*frame
	count  int // non-nil frames
	// lent has bit i set when frames[i] was handed out by Translate for a
	// read or an exec while the frame was shared (refs > 1) in a private
	// mapping: the hart may cache that pointer, so breaking the share with
	// a copy must bump the generation.
	lent [ptEntries / 64]uint64
}

type midTable struct {
	leaves [ptEntries]*leafTable
	count  int // non-nil leaves
}

type upperTable struct {
	mids  [ptEntries]*midTable
	count int // non-nil mids
}

type pageTable struct {
	uppers [ptEntries]*upperTable
}

// leaf returns the leaf table covering addr, or nil.
func (pt *pageTable) leaf(addr uint64) *leafTable {
	u := pt.uppers[addr>>rootShift&ptMask]
	if u == nil {
		return nil
	}
	m := u.mids[addr>>upperShift&ptMask]
	if m == nil {
		return nil
	}
	return m.leaves[addr>>midShift&ptMask]
}

// leafAlloc returns the leaf table covering addr, making the tables on the
// way. addr must be below ptLimit.
func (pt *pageTable) leafAlloc(addr uint64) *leafTable {
	ri := addr >> rootShift & ptMask
	u := pt.uppers[ri]
	if u == nil {
		u = new(upperTable)
		pt.uppers[ri] = u
	}
	ui := addr >> upperShift & ptMask
	m := u.mids[ui]
	if m == nil {
		m = new(midTable)
		u.mids[ui] = m
		u.count++
	}
	mi := addr >> midShift & ptMask
	l := m.leaves[mi]
	if l == nil {
		l = new(leafTable)
		m.leaves[mi] = l
		m.count++
	}
	return l
}

// set maps f at addr, whose entry must be empty. The caller's reference to
// f passes to the table.
func (pt *pageTable) set(addr uint64, f *frame) {
	l := pt.leafAlloc(addr)
	i := addr >> leafShift & ptMask
	if l.frames[i] != nil {
		panic("mm: page table entry already present")
	}
	l.frames[i] = f
	l.count++
}

// take removes the entries in [lo, hi) and calls fn with each address and
// frame, in address order; the table's reference passes to fn. It frees the
// tables it empties and returns how many entries it removed.
func (pt *pageTable) take(lo, hi uint64, fn func(addr uint64, f *frame)) (n int) {
	hi = min(hi, ptLimit)
	for a := lo; a < hi; {
		next := (a>>rootShift + 1) << rootShift
		i := a >> rootShift & ptMask
		if u := pt.uppers[i]; u != nil {
			n += u.take(a, min(hi, next), fn)
			if u.count == 0 {
				pt.uppers[i] = nil
			}
		}
		a = next
	}
	return n
}

func (u *upperTable) take(lo, hi uint64, fn func(uint64, *frame)) (n int) {
	for a := lo; a < hi; {
		next := (a>>upperShift + 1) << upperShift
		i := a >> upperShift & ptMask
		if m := u.mids[i]; m != nil {
			n += m.take(a, min(hi, next), fn)
			if m.count == 0 {
				u.mids[i] = nil
				u.count--
			}
		}
		a = next
	}
	return n
}

func (m *midTable) take(lo, hi uint64, fn func(uint64, *frame)) (n int) {
	for a := lo; a < hi; {
		next := (a>>midShift + 1) << midShift
		i := a >> midShift & ptMask
		if l := m.leaves[i]; l != nil {
			n += l.take(a, min(hi, next), fn)
			if l.count == 0 {
				m.leaves[i] = nil
				m.count--
			}
		}
		a = next
	}
	return n
}

func (l *leafTable) take(lo, hi uint64, fn func(uint64, *frame)) (n int) {
	for a := lo; a < hi && l.count > 0; a += pageSize {
		i := a >> leafShift & ptMask
		f := l.frames[i]
		if f == nil {
			continue
		}
		l.frames[i] = nil
		l.count--
		l.lent[i/64] &^= 1 << (i % 64)
		n++
		fn(a, f)
	}
	return n
}

// clear removes the entries in [lo, hi), dropping their references, and
// returns how many there were.
func (pt *pageTable) clear(lo, hi uint64) int {
	return pt.take(lo, hi, func(_ uint64, f *frame) { f.put() })
}

// forkInto makes c a copy of pt in which every frame is shared: each gains
// a reference. It clears the lent bits of both, as the caller bumps the
// generation. c must be empty. The cost is one pass over the tables that
// exist, proportional to the pages materialised and independent of the
// size of the mappings.
func (pt *pageTable) forkInto(c *pageTable) {
	for ri, u := range pt.uppers {
		if u == nil {
			continue
		}
		nu := &upperTable{count: u.count}
		for ui, m := range u.mids {
			if m == nil {
				continue
			}
			nm := &midTable{count: m.count}
			for mi, l := range m.leaves {
				if l == nil {
					continue
				}
				l.lent = [ptEntries / 64]uint64{}
				nl := new(leafTable)
				*nl = *l
				for _, f := range nl.frames {
					if f != nil {
						f.refs.Add(1)
					}
				}
				nm.leaves[mi] = nl
			}
			nu.mids[ui] = nm
		}
		c.uppers[ri] = nu
	}
}

// lend notes that entry i was handed out while shared.
func (l *leafTable) lend(i uint64) { l.lent[i/64] |= 1 << (i % 64) }

// unlend clears entry i's lent bit and reports whether it was set.
func (l *leafTable) unlend(i uint64) bool {
	bit := uint64(1) << (i % 64)
	was := l.lent[i/64]&bit != 0
	l.lent[i/64] &^= bit
	return was
}
