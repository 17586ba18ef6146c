package loader

import (
	"errors"
	"io"
	"slices"
	"sort"

	"vessel/internal/abi"
	"vessel/internal/mm"
)

// bytesFile is an mm.File held in memory.
type bytesFile struct {
	name string
	data []byte
}

func (f *bytesFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= int64(len(f.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *bytesFile) Size() int64  { return int64(len(f.data)) }
func (f *bytesFile) Name() string { return f.name }

// mmapCall records one call of Mmap.
type mmapCall struct {
	addr, length uint64
	prot, flags  int
	file         string // the file's name, "" for anonymous memory
	off          uint64
}

// region is one mapping of fakeMem.
type region struct {
	lo, hi uint64
	prot   int
	flags  int
	file   mm.File // nil for anonymous memory
	off    uint64  // file offset of lo
}

// fakeMem is a Memory that keeps mappings as a sorted list of regions and
// materialises only the pages written through CopyOut, so that a hostile
// program mapping terabytes costs nothing. Reading a page nobody wrote gives
// the file's bytes or zeros, as a private mapping would.
type fakeMem struct {
	regions []region // sorted by lo, disjoint
	pages   map[uint64][]byte
	mmaps   []mmapCall
	brk     uint64
	brkSet  bool

	failMmap  abi.Errno // when set, Mmap calls after the first failAfter fail with it
	failAfter int
}

func newFakeMem() *fakeMem { return &fakeMem{pages: map[uint64][]byte{}} }

func (m *fakeMem) Mmap(addr, length uint64, prot, flags int, f mm.File, off uint64) (uint64, abi.Errno) {
	call := mmapCall{addr: addr, length: length, prot: prot, flags: flags, off: off}
	if f != nil {
		call.file = f.Name()
	}
	m.mmaps = append(m.mmaps, call)
	if m.failMmap != 0 && len(m.mmaps) > m.failAfter {
		return 0, m.failMmap
	}
	if length == 0 || off%abi.PageSize != 0 || (f == nil) != (flags&abi.MAP_ANONYMOUS != 0) {
		return 0, abi.EINVAL
	}
	if pageUp(length) < length {
		return 0, abi.ENOMEM
	}
	length = pageUp(length)
	if flags&abi.MAP_FIXED != 0 {
		if addr%abi.PageSize != 0 {
			return 0, abi.EINVAL
		}
		if end, ok := add(addr, length); !ok || end > mm.TaskSize {
			return 0, abi.ENOMEM
		}
	} else {
		var ok bool
		if addr, ok = m.gap(length); !ok {
			return 0, abi.ENOMEM
		}
	}
	m.unmap(addr, addr+length)
	i := sort.Search(len(m.regions), func(i int) bool { return m.regions[i].lo >= addr })
	m.regions = slices.Insert(m.regions, i, region{lo: addr, hi: addr + length, prot: prot, flags: flags, file: f, off: off})
	return addr, 0
}

// gap finds the highest free range of length bytes below mm.MmapBase.
func (m *fakeMem) gap(length uint64) (uint64, bool) {
	hi := uint64(mm.MmapBase)
	for i := len(m.regions) - 1; i >= 0; i-- {
		r := m.regions[i]
		if r.lo >= hi {
			continue
		}
		if r.hi <= hi && hi-r.hi >= length {
			return hi - length, true
		}
		hi = r.lo
	}
	if hi >= length+abi.PageSize {
		return hi - length, true
	}
	return 0, false
}

// split cuts the region holding a, if a is inside it, in two at a.
func (m *fakeMem) split(a uint64) {
	for i, r := range m.regions {
		if r.lo < a && a < r.hi {
			right := r
			right.lo = a
			if r.file != nil {
				right.off = r.off + (a - r.lo)
			}
			m.regions[i].hi = a
			m.regions = slices.Insert(m.regions, i+1, right)
			return
		}
	}
}

func (m *fakeMem) unmap(lo, hi uint64) {
	m.split(lo)
	m.split(hi)
	kept := m.regions[:0]
	for _, r := range m.regions {
		if r.hi <= lo || r.lo >= hi {
			kept = append(kept, r)
		}
	}
	m.regions = kept
	for a := range m.pages {
		if lo <= a && a < hi {
			delete(m.pages, a)
		}
	}
}

func (m *fakeMem) Mprotect(addr, length uint64, prot int) abi.Errno {
	if addr%abi.PageSize != 0 {
		return abi.EINVAL
	}
	hi := addr + pageUp(length)
	for a := addr; a < hi; a += abi.PageSize {
		if m.regionAt(a) == nil {
			return abi.ENOMEM
		}
	}
	m.split(addr)
	m.split(hi)
	for i := range m.regions {
		if r := &m.regions[i]; addr <= r.lo && r.hi <= hi {
			r.prot = prot
		}
	}
	return 0
}

func (m *fakeMem) regionAt(a uint64) *region {
	i := sort.Search(len(m.regions), func(i int) bool { return m.regions[i].hi > a })
	if i < len(m.regions) && m.regions[i].lo <= a {
		return &m.regions[i]
	}
	return nil
}

// page returns the bytes of the page at a (page-aligned), materialising it
// when write is set, or nil if a is not mapped.
func (m *fakeMem) page(a uint64, write bool) []byte {
	if p, ok := m.pages[a]; ok {
		return p
	}
	r := m.regionAt(a)
	if r == nil {
		return nil
	}
	p := make([]byte, abi.PageSize)
	if r.file != nil {
		r.file.ReadAt(p, int64(r.off+(a-r.lo))) // bytes past the end stay zero
	}
	if write {
		m.pages[a] = p
	}
	return p
}

func (m *fakeMem) CopyOut(addr uint64, src []byte) abi.Errno {
	for done := 0; done < len(src); {
		a := addr + uint64(done)
		r := m.regionAt(a)
		if r == nil || r.prot&abi.PROT_WRITE == 0 {
			return abi.EFAULT
		}
		p := m.page(pageDown(a), true)
		done += copy(p[a%abi.PageSize:], src[done:])
	}
	return 0
}

func (m *fakeMem) SetBrk(start uint64) { m.brk, m.brkSet = start, true }

// read returns n bytes at addr as the guest would read them, ignoring
// protections, or false if some are not mapped.
func (m *fakeMem) read(addr uint64, n int) ([]byte, bool) {
	out := make([]byte, 0, n)
	for len(out) < n {
		a := addr + uint64(len(out))
		p := m.page(pageDown(a), false)
		if p == nil {
			return nil, false
		}
		out = append(out, p[a%abi.PageSize:][:min(n-len(out), int(abi.PageSize-a%abi.PageSize))]...)
	}
	return out, true
}
