package mm

import (
	"bytes"
	"testing"

	"vessel/internal/abi"
)

func TestMemoryPunch(t *testing.T) {
	data := bytes.Repeat([]byte{7}, 4*pageSize)
	cases := []struct {
		name     string
		off, end int64
		resident int // pages the Memory keeps
	}{
		{"inside one page", 10, 20, 4},
		{"across a page boundary", pageSize - 5, pageSize + 5, 4},
		{"whole pages leave", pageSize, 3 * pageSize, 2},
		{"ragged ends", pageSize / 2, 3*pageSize + 1, 2},
		{"past the end", 3 * pageSize, 100 * pageSize, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := memoryOf(data)
			m.Punch(tc.off, tc.end)
			want := bytes.Clone(data)
			clear(want[tc.off:min(tc.end, int64(len(want)))])
			if got := readMemory(m, 0, len(data)); !bytes.Equal(got, want) {
				t.Errorf("contents differ from the data with [%d, %d) zeroed", tc.off, tc.end)
			}
			if m.Size() != int64(len(data)) {
				t.Errorf("size: got %d, want %d", m.Size(), len(data))
			}
			if got := m.Resident(); got != tc.resident {
				t.Errorf("resident pages: got %d, want %d", got, tc.resident)
			}
		})
	}
}

// TestMemoryPunchMapped: a punched page that a mapping maps stays in the
// Memory, zeroed, and the mapping reads the zeros; a private copy made
// before the punch keeps its bytes, as in Linux.
func TestMemoryPunchMapped(t *testing.T) {
	m := memoryOf(bytes.Repeat([]byte{7}, 2*pageSize))
	as := NewAddressSpace()
	sh := mmap(t, as, 0, 2*pageSize, rw, abi.MAP_SHARED, &memoryFile{m: m}, 0)
	pv := mmap(t, as, 0, 2*pageSize, rw, abi.MAP_PRIVATE, &memoryFile{m: m}, 0)
	peek(t, as, sh)
	poke(t, as, pv+pageSize, 9) // page 1 copied before the punch
	m.Punch(0, 2*pageSize)
	if got := m.Resident(); got != 1 {
		t.Errorf("resident pages: got %d, want 1 (page 0, which both map; page 1 was only copied)", got)
	}
	if got := peek(t, as, sh); got != 0 {
		t.Errorf("shared mapping after the punch: got %d, want 0", got)
	}
	if got := peek(t, as, pv); got != 0 {
		t.Errorf("private mapping, page not copied: got %d, want 0", got)
	}
	if got := peek(t, as, pv+pageSize); got != 9 {
		t.Errorf("private mapping, copied page: got %d, want 9", got)
	}
	if got := peek(t, as, pv+pageSize+1); got != 7 {
		t.Errorf("private mapping, copied page: got %d, want 7", got)
	}
	as.Release()
}

// TestFileCacheReload: after the file changes behind the cache's back,
// Reload brings the mapped pages in the range, and only those, up to date,
// zero past the file's end.
func TestFileCacheReload(t *testing.T) {
	d := newDiskFile(t, bytes.Repeat([]byte{1}, 3*pageSize))
	as := NewAddressSpace()
	a := mmap(t, as, 0, 3*pageSize, abi.PROT_READ, abi.MAP_SHARED, d.open(false), 0)
	for i := uint64(0); i < 3; i++ {
		peek(t, as, a+i*pageSize)
	}
	c, ok := LockFileCache(d.key)
	if !ok {
		t.Fatal("no cache entry for a mapped file")
	}
	d.mu.Lock()
	d.data = append(bytes.Repeat([]byte{2}, 2*pageSize), 2, 2) // moved and shortened
	d.mu.Unlock()
	c.Reload(pageSize, 1<<62, func(b []byte, off int64) (int, error) {
		return d.open(false).ReadAt(b, off)
	})
	c.Unlock()
	for _, tc := range []struct {
		off  uint64
		want byte
	}{{0, 1}, {pageSize, 2}, {2 * pageSize, 2}, {2*pageSize + 1, 2}, {2*pageSize + 2, 0}} {
		if got := peek(t, as, a+tc.off); got != tc.want {
			t.Errorf("byte %#x: got %d, want %d", tc.off, got, tc.want)
		}
	}
	as.Release()
}
