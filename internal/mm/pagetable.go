package mm

import (
	"sync"
	"sync/atomic"
)

// The page table is a radix tree of six levels of 64 entries over 48-bit
// addresses:
//
//	|47  42|41  36|35  30|29  24|23  18|17  12|11       0|
//	| root |  t5  |  t4  |  t3  |  t2  | leaf |  offset  |
//
// Each level is a plain array. A table exists only while it maps a page:
// removing the last one frees it, so a huge reservation that was never
// touched costs no table at all.
//
// Tables are small (64 entries, half a KiB) rather than a hardware page
// table's 512, because vessel's page tables are copied a path at a time
// (see Sharing): a forked child that writes a handful of pages in three
// places (its stack, its data, its thread area) makes a dozen tables of
// its own, 6 KiB, where 512-entry tables would cost it 40 KiB and the
// copying time to match; and most tables above the leaves hold one or
// two entries. The walk is two loads longer, on a TLB miss only.
//
// # Sharing
//
// Tables are copy-on-write, as frames are. Fork hands the child the
// parent's root and takes a share of it: one atomic add, whatever the size
// of the address space. From then on a table may be reachable from several
// page tables, and its shares count its holders: the tables one level up
// whose slot points at it, or, for a root, the address spaces whose table
// it is. A table is the address space's own when every table on the path
// from its root down to it has one share; then nobody else can reach it,
// and the address space, under its AddressSpace.mu, may change it in
// place. Any change first makes the path its own (see own): going down
// from the root, each table with more than one share is replaced, in its
// holder's slot, by a copy with one share, and the original loses that
// share. A copy takes a share of every table it points at, and a copy of a
// leaf a reference on every frame it maps, so the original and the copy
// each hold what they point at. A table's last share going frees it
// (release): it drops what it holds, in turn, and a leaf puts its frames.
// Two holders may copy a table at once; the one that drops the last share
// of the original frees it.
//
// Reading never copies: Translate and CopyIn of a present page walk the
// shared tables as they are. Clearing a range (munmap, MADV_DONTNEED)
// drops a shared table that the range covers whole without copying it,
// and copies one it cuts only if the range holds a page of it; moving
// pages (mremap) copies the tables it takes them from. Release drops the
// root's share: O(1) for an address space that shares its root, and only
// the last holder walks the tables and puts the frames.
//
// Address spaces that share a table run on different goroutines under
// different locks, each holding only its own AddressSpace.mu. This is
// safe because a shared table never changes: shares are atomic, and a
// copy adds the shares of what it points at before the original loses its
// own, so an address space that sees one share on every table of its path
// knows that nobody else can reach them, now or later, except through its
// own Fork; and the atomic that told it so orders the others' last reads
// of those tables before its writes. The one exception is a leaf's lent
// bits (below), which are atomic and, while the leaf is shared, only ever
// set.
//
// # Lent bits
//
// A leaf's lent bit i says that frames[i] may have been handed to a hart
// by Translate for a read or an exec while it was shared: the hart may
// cache the page, so replacing the frame by a copy must bump the
// generation. A page is shared, for this purpose, when its frame has more
// than one reference or any table on its path has more than one share: a
// later write may copy it either way. Translate cannot copy the path just
// to note that, so it sets the bit in the leaf where it is, shared or not;
// the bits of a shared leaf are thus the union of what its holders lent.
// That is safe because a bit can only cause a bump that was not needed,
// never miss one:
//
//   - A copy of a leaf inherits its bits. What the copier lent through the
//     shared leaf is still marked in its copy; what others lent becomes
//     an extra bump at most.
//   - A bit is cleared only by the leaf's sole owner: when it copies the
//     frame (and bumps) or removes the entry (and bumps), or when it
//     writes a frame of its own in place. In that last case the frame has
//     one reference and an owned path, so only a Fork by that owner,
//     which bumps, could make a copy of it needed again.
//   - A page handed out while neither its frame nor its path was shared
//     needs no bit: it can become shared only through a Fork, which bumps.
//
// Fork leaves the bits as they are; they are stale after its bump, and
// cost at most one extra bump each.
const (
	ptBits    = 6
	ptEntries = 1 << ptBits
	ptMask    = ptEntries - 1
	leafShift = pageShift                 // a leaf entry maps 4 KiB
	shift2    = leafShift + ptBits        // a t2 entry covers 256 KiB
	shift3    = shift2 + ptBits           // a t3 entry covers 16 MiB
	shift4    = shift3 + ptBits           // a t4 entry covers 1 GiB
	shift5    = shift4 + ptBits           // a t5 entry covers 64 GiB
	rootShift = shift5 + ptBits           // a root entry covers 4 TiB
	ptLimit   = 1 << (rootShift + ptBits) // 2^48, the first address the table cannot map
)

// header is what every table has.
type header struct {
	// shares counts the table's holders: the slots of tables one level up
	// that point at it or, for a root, the address spaces it belongs to.
	shares atomic.Int32
	// pages counts the frames mapped under the table; it is never 0, as an
	// empty table is freed. Changed only by the table's sole owner.
	pages int
}

func (h *header) hdr() *header { return h }

// shared reports whether another holder may reach the table.
func (h *header) shared() bool { return h.shares.Load() > 1 }

// leafTable maps 64 pages. frames is changed only by the sole owner.
type leafTable struct {
	header
	frames [ptEntries]*frame
	// lent has bit i set when frames[i] may have been handed out for a
	// read or an exec while shared; see "Lent bits" above.
	lent [(ptEntries + 63) / 64]atomic.Uint64
}

// table is an interior level: 64 slots, each covering 1<<shift bytes,
// where shift is the level's (rootShift, shift5, ... shift2). slots is
// changed only by the sole owner.
type table[C any, PC tableOf[C]] struct {
	header
	slots [ptEntries]PC
}

type (
	table2    = table[leafTable, *leafTable]
	table3    = table[table2, *table2]
	table4    = table[table3, *table3]
	table5    = table[table4, *table4]
	rootTable = table[table5, *table5]
)

// tableOf is what a table of any level does, for the level above it.
// shift is the table's own: each of its entries covers 1<<shift bytes.
type tableOf[T any] interface {
	*T
	hdr() *header
	// clone returns a copy with one share, holding what the table holds.
	clone() *T
	// release drops what the table holds; its last share is gone.
	release()
	// has reports whether a page in [lo, hi) is mapped.
	has(lo, hi uint64, shift uint) bool
	// take removes the entries in [lo, hi) as pageTable.take does.
	// Preconditions: the caller owns the table.
	take(lo, hi uint64, shift uint, fn func(addr uint64, f *frame)) int
}

// pageTable is an address space's page table. Its root may be shared
// with other address spaces; it holds one share of it.
type pageTable struct {
	root *rootTable // nil when nothing is mapped
}

// newTable returns an empty table with one share.
func newTable[T any, PT tableOf[T]]() PT {
	t := PT(poolOf[T]().get())
	t.hdr().shares.Store(1)
	return t
}

// drop gives up one share of t, releasing it if that was the last.
func drop[T any, PT tableOf[T]](t PT) {
	switch n := t.hdr().shares.Add(-1); {
	case n == 0:
		t.release()
		poolOf[T]().put(t)
	case n < 0:
		panic("mm: page table shares below zero")
	}
}

// own returns the table in *slot, making it the caller's own: a shared
// table is replaced by a copy, and a missing one is made when alloc is set
// (else own returns nil).
//
// Preconditions: the caller owns the table that holds slot (or slot is an
// address space's root).
func own[T any, PT tableOf[T]](slot *PT, alloc bool) PT {
	t := *slot
	switch {
	case t == nil:
		if alloc {
			t = newTable[T, PT]()
			*slot = t
		}
	case t.hdr().shared():
		c := PT(t.clone())
		*slot = c
		drop(t) // after the clone took its shares below
		t = c
	}
	return t
}

// lookup returns the leaf covering addr, or nil, and whether any table on
// the way to it is shared. It changes nothing.
func (pt *pageTable) lookup(addr uint64) (l *leafTable, shared bool) {
	r := pt.root
	if r == nil {
		return nil, false
	}
	t5 := r.slots[addr>>rootShift&ptMask]
	if t5 == nil {
		return nil, false
	}
	t4 := t5.slots[addr>>shift5&ptMask]
	if t4 == nil {
		return nil, false
	}
	t3 := t4.slots[addr>>shift4&ptMask]
	if t3 == nil {
		return nil, false
	}
	t2 := t3.slots[addr>>shift3&ptMask]
	if t2 == nil {
		return nil, false
	}
	l = t2.slots[addr>>shift2&ptMask]
	if l == nil {
		return nil, false
	}
	return l, r.shared() || t5.shared() || t4.shared() || t3.shared() || t2.shared() || l.shared()
}

// ownLeaf returns the leaf covering addr after making the path to it the
// caller's own, copying shared tables, or nil if there is none.
func (pt *pageTable) ownLeaf(addr uint64) *leafTable {
	r := own(&pt.root, false)
	if r == nil {
		return nil
	}
	t5 := own(&r.slots[addr>>rootShift&ptMask], false)
	if t5 == nil {
		return nil
	}
	t4 := own(&t5.slots[addr>>shift5&ptMask], false)
	if t4 == nil {
		return nil
	}
	t3 := own(&t4.slots[addr>>shift4&ptMask], false)
	if t3 == nil {
		return nil
	}
	t2 := own(&t3.slots[addr>>shift3&ptMask], false)
	if t2 == nil {
		return nil
	}
	return own(&t2.slots[addr>>shift2&ptMask], false)
}

// set maps f at addr, whose entry must be empty, and returns the leaf that
// maps it, the path to which is now the caller's own. The caller's
// reference to f passes to the table. addr must be below ptLimit.
func (pt *pageTable) set(addr uint64, f *frame) *leafTable {
	r := own(&pt.root, true)
	t5 := own(&r.slots[addr>>rootShift&ptMask], true)
	t4 := own(&t5.slots[addr>>shift5&ptMask], true)
	t3 := own(&t4.slots[addr>>shift4&ptMask], true)
	t2 := own(&t3.slots[addr>>shift3&ptMask], true)
	l := own(&t2.slots[addr>>shift2&ptMask], true)
	i := addr >> leafShift & ptMask
	if l.frames[i] != nil {
		panic("mm: page table entry already present")
	}
	l.frames[i] = f
	r.pages++
	t5.pages++
	t4.pages++
	t3.pages++
	t2.pages++
	l.pages++
	return l
}

// pages returns the number of pages mapped.
func (pt *pageTable) pages() uint64 {
	if pt.root == nil {
		return 0
	}
	return uint64(pt.root.pages)
}

// share returns a page table that shares all of pt's tables, for Fork.
func (pt *pageTable) share() pageTable {
	if pt.root != nil {
		pt.root.shares.Add(1)
	}
	return *pt
}

// release drops the table, leaving it empty. Only the last holder of a
// table puts what it holds.
func (pt *pageTable) release() {
	if pt.root != nil {
		drop(pt.root)
		pt.root = nil
	}
}

// take removes the entries in [lo, hi) and returns how many there were.
// With fn nil it drops their references; otherwise it calls fn with each
// address and frame, in address order, passing the reference to fn. It
// copies the shared tables the range cuts and holds a page of, drops those
// it covers whole (when fn is nil), and frees the tables it empties.
func (pt *pageTable) take(lo, hi uint64, fn func(addr uint64, f *frame)) int {
	if hi = min(hi, ptLimit); lo >= hi {
		return 0 // the tables' take needs a range that is not empty
	}
	return takeSlot(&pt.root, lo, hi, 0, rootShift+ptBits, fn)
}

// clear removes the entries in [lo, hi), dropping their references, and
// returns how many there were.
func (pt *pageTable) clear(lo, hi uint64) int { return pt.take(lo, hi, nil) }

// takeSlot is take on the table in *slot, which covers [base,
// base+1<<span) and whose entries each cover 1<<(span-ptBits) bytes.
//
// Preconditions: the caller owns the table that holds slot (or slot is an
// address space's root).
func takeSlot[T any, PT tableOf[T]](slot *PT, lo, hi, base uint64, span uint, fn func(uint64, *frame)) int {
	t := *slot
	if t == nil {
		return 0
	}
	h := t.hdr()
	whole := lo <= base && hi >= base+1<<span
	if whole && fn == nil {
		n := h.pages
		*slot = nil
		drop(t)
		return n
	}
	if h.shared() {
		if !t.has(lo, hi, span-ptBits) {
			return 0
		}
		t = own(slot, false)
		h = t.hdr()
	}
	n := t.take(lo, hi, span-ptBits, fn)
	if h.pages == 0 {
		// t is empty and ours: nothing to drop, and nobody else can
		// reach it.
		*slot = nil
		poolOf[T]().put(t)
	}
	return n
}

// Freed tables are kept for reuse, one pool per level, as frames are
// (frame.go): a fork and the copy-on-write faults after it copy a table of
// each level on the written path, and the exit that follows frees them.
// A table whose last share went is unreachable (see Sharing above), so it
// can be reused at once.
type tablePool[T any] struct {
	mu   sync.Mutex
	free []*T
}

// maxFreeTables bounds each level's pool (512 KiB of tables).
const maxFreeTables = 1024

var (
	leafPool tablePool[leafTable]
	pool2    tablePool[table2]
	pool3    tablePool[table3]
	pool4    tablePool[table4]
	pool5    tablePool[table5]
	rootPool tablePool[rootTable]
)

// poolOf returns the pool of tables of type T.
func poolOf[T any]() *tablePool[T] {
	var p any
	switch any((*T)(nil)).(type) {
	case *leafTable:
		p = &leafPool
	case *table2:
		p = &pool2
	case *table3:
		p = &pool3
	case *table4:
		p = &pool4
	case *table5:
		p = &pool5
	case *rootTable:
		p = &rootPool
	}
	return p.(*tablePool[T])
}

// get returns a zeroed table: a pooled one, or a new one.
func (p *tablePool[T]) get() *T {
	p.mu.Lock()
	n := len(p.free)
	if n == 0 {
		p.mu.Unlock()
		return new(T)
	}
	t := p.free[n-1]
	p.free[n-1] = nil
	p.free = p.free[:n-1]
	p.mu.Unlock()
	return t
}

// put zeroes t, which nothing can reach any more, and keeps it.
func (p *tablePool[T]) put(t *T) {
	var zero T
	*t = zero
	p.mu.Lock()
	if len(p.free) < maxFreeTables {
		p.free = append(p.free, t)
	}
	p.mu.Unlock()
}

// each calls fn with the index, the part of [lo, hi) and the start of every
// slot, of entries covering 1<<shift bytes each, that [lo, hi) meets.
func each(lo, hi uint64, shift uint, fn func(i int, lo, hi, base uint64)) {
	for a := lo; a < hi; {
		base := a >> shift << shift
		next := base + 1<<shift
		fn(int(a>>shift&ptMask), a, min(hi, next), base)
		a = next
	}
}

func (t *table[C, PC]) clone() *table[C, PC] {
	c := poolOf[table[C, PC]]().get()
	c.shares.Store(1)
	c.pages = t.pages
	c.slots = t.slots
	for _, s := range &c.slots {
		if s != nil {
			s.hdr().shares.Add(1)
		}
	}
	return c
}

func (t *table[C, PC]) release() {
	for _, s := range &t.slots {
		if s != nil {
			drop(s)
		}
	}
}

func (t *table[C, PC]) has(lo, hi uint64, shift uint) bool {
	found := false
	each(lo, hi, shift, func(i int, lo, hi, base uint64) {
		if s := t.slots[i]; s != nil && !found {
			found = lo == base && hi == base+1<<shift || s.has(lo, hi, shift-ptBits)
		}
	})
	return found
}

func (t *table[C, PC]) take(lo, hi uint64, shift uint, fn func(uint64, *frame)) (n int) {
	// By slot index rather than with each, so that the empty slots of a
	// sparse range (the unused part of a thread's stack, say) cost a load
	// apiece. [lo, hi) lies within the table.
	size := uint64(1) << shift
	base := lo &^ (size<<ptBits - 1)
	for i := lo >> shift & ptMask; i <= (hi-1)>>shift&ptMask; i++ {
		if slot := &t.slots[i]; *slot != nil {
			b := base + i*size
			n += takeSlot(slot, max(lo, b), min(hi, b+size), b, shift, fn)
		}
	}
	t.pages -= n
	return n
}

func (l *leafTable) clone() *leafTable {
	c := poolOf[leafTable]().get()
	c.shares.Store(1)
	c.pages = l.pages
	c.frames = l.frames
	for _, f := range &c.frames {
		if f != nil {
			f.get()
		}
	}
	for i := range l.lent {
		c.lent[i].Store(l.lent[i].Load())
	}
	return c
}

func (l *leafTable) release() {
	for _, f := range &l.frames {
		if f != nil {
			f.put()
		}
	}
}

func (l *leafTable) has(lo, hi uint64, _ uint) bool {
	for a := lo; a < hi; a += pageSize {
		if l.frames[a>>leafShift&ptMask] != nil {
			return true
		}
	}
	return false
}

func (l *leafTable) take(lo, hi uint64, _ uint, fn func(uint64, *frame)) (n int) {
	for a := lo; a < hi && l.pages > 0; a += pageSize {
		i := a >> leafShift & ptMask
		f := l.frames[i]
		if f == nil {
			continue
		}
		l.frames[i] = nil
		l.pages--
		l.unlend(i)
		n++
		if fn != nil {
			fn(a, f)
		} else {
			f.put()
		}
	}
	return n
}

// lend notes that entry i was handed out while shared. It may be called
// on a shared leaf: the bit is atomic, and set only if it is not already.
func (l *leafTable) lend(i uint64) {
	w, bit := &l.lent[i/64], uint64(1)<<(i%64)
	if w.Load()&bit == 0 {
		w.Or(bit)
	}
}

// unlend clears entry i's lent bit and reports whether it was set.
//
// Preconditions: the caller owns the leaf.
func (l *leafTable) unlend(i uint64) bool {
	w, bit := &l.lent[i/64], uint64(1)<<(i%64)
	return w.Load()&bit != 0 && w.And(^bit)&bit != 0
}
