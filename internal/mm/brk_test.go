package mm

import (
	"testing"

	"vessel/internal/abi"
)

func TestBrk(t *testing.T) {
	const start = 0x40_0000
	as := NewAddressSpace()
	if got := as.Brk(0); got != 0 {
		t.Errorf("before SetBrk: got %#x, want 0", got)
	}
	if got := as.Brk(start + 0x1000); got != 0 {
		t.Errorf("before SetBrk: growing got %#x, want 0", got)
	}
	as.SetBrk(start)
	steps := []struct {
		name    string
		brk     uint64
		want    uint64
		mapped  uint64 // the heap VMA's end, start if none
		bumpGen bool
	}{
		{"query", 0, start, start, false},
		{"below start", start - 1, start, start, false},
		{"grow within a page", start + 10, start + 10, start + 0x1000, false},
		{"grow", start + 0x3800, start + 0x3800, start + 0x4000, false},
		{"same page", start + 0x3001, start + 0x3001, start + 0x4000, false},
		{"shrink", start + 0x1000, start + 0x1000, start + 0x1000, true},
		{"back to start", start, start, start, true},
		{"past TaskSize", TaskSize + 0x1000, start, start, false},
	}
	for _, st := range steps {
		if st.name == "shrink" {
			poke(t, as, start+0x2000, 9)
			poke(t, as, start+0x1000, 9)
		}
		gen := as.Generation()
		if got := as.Brk(st.brk); got != st.want {
			t.Errorf("%s: Brk(%#x) = %#x, want %#x", st.name, st.brk, got, st.want)
		}
		end := uint64(start)
		for _, r := range as.Regions() {
			if r.Name == "[heap]" {
				end = r.End
			}
		}
		if end != st.mapped {
			t.Errorf("%s: heap ends at %#x, want %#x", st.name, end, st.mapped)
		}
		if (as.Generation() != gen) != st.bumpGen {
			t.Errorf("%s: generation moved %v, want %v", st.name, as.Generation() != gen, st.bumpGen)
		}
	}
	// Shrinking released the pages: regrown, they read zero.
	if got := as.Brk(start + 0x2000); got != start+0x2000 {
		t.Fatalf("regrow: got %#x", got)
	}
	if s := as.Stats(); s.ResidentPages != 0 {
		t.Errorf("got %d resident pages, want 0", s.ResidentPages)
	}
	if got := peek(t, as, start+0x1000); got != 0 {
		t.Errorf("regrown heap page: got %d, want 0", got)
	}
	checkInvariants(t, as)
}

func TestBrkRefusesToGrowOverMappings(t *testing.T) {
	const start = 0x40_0000
	as := NewAddressSpace()
	as.SetBrk(start)
	mmap(t, as, start+0x5000, 0x1000, rw, anon|abi.MAP_FIXED, nil, 0)
	if got := as.Brk(start + 0x5000); got != start {
		t.Errorf("up to the mapping, leaving no page free: got %#x, want %#x", got, start)
	}
	if got := as.Brk(start + 0x4000); got != start+0x4000 {
		t.Errorf("leaving one page free: got %#x, want %#x", got, start+0x4000)
	}
	if got := as.Brk(start + 0x8000); got != start+0x4000 {
		t.Errorf("over the mapping: got %#x, want %#x", got, start+0x4000)
	}
	r := as.Regions()
	if len(r) != 2 || r[0].Name != "[heap]" || r[0].End != start+0x4000 || r[1].Name != "" {
		t.Errorf("got %+v, want the heap and the mapping", r)
	}
}

func TestBrkMergesAndNames(t *testing.T) {
	as := NewAddressSpace()
	// The loader's bss ends where the break starts; with no heap yet it
	// is not named [heap] (Linux's vma_is_initial_heap).
	bss := mmap(t, as, 0x40_0000, 0x2000, rw, anon|abi.MAP_FIXED, nil, 0)
	as.SetBrk(bss + 0x2000)
	if r := as.Regions(); r[0].Name != "" {
		t.Errorf("got %q, want the bss unnamed", r[0].Name)
	}
	as.Brk(bss + 0x3000)
	if r := as.Regions(); len(r) != 1 || r[0].Name != "[heap]" {
		t.Errorf("got %+v, want bss and heap merged into [heap]", r)
	}
}
