package mm

import (
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

// checkInvariants checks the package's invariants on as.
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
	var n uint64
	for ri, u := range as.pt.uppers {
		if u == nil {
			continue
		}
		mids := 0
		for ui, m := range u.mids {
			if m == nil {
				continue
			}
			mids++
			leaves := 0
			for mi, l := range m.leaves {
				if l == nil {
					continue
				}
				leaves++
				frames := 0
				for li, f := range l.frames {
					if f == nil {
						continue
					}
					frames++
					a := uint64(ri)<<rootShift | uint64(ui)<<upperShift | uint64(mi)<<midShift | uint64(li)<<leafShift
					if as.findLocked(a) < 0 {
						t.Errorf("page-table entry at %#x outside every VMA", a)
					}
					if f.refs.Load() < 1 {
						t.Errorf("frame at %#x has %d references", a, f.refs.Load())
					}
				}
				if frames == 0 || frames != l.count {
					t.Errorf("leaf table has %d entries, count %d", frames, l.count)
				}
				n += uint64(frames)
			}
			if leaves == 0 || leaves != m.count {
				t.Errorf("mid table has %d leaves, count %d", leaves, m.count)
			}
		}
		if mids == 0 || mids != u.count {
			t.Errorf("upper table has %d mids, count %d", mids, u.count)
		}
	}
	if n != as.rss {
		t.Errorf("rss %d, want %d page-table entries", as.rss, n)
	}
}
