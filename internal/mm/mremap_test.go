package mm

import (
	"testing"

	"vessel/internal/abi"
)

func TestMremap(t *testing.T) {
	const base = 0x20_0000_0000
	tests := []struct {
		name      string
		oldLen    uint64
		newLen    uint64
		flags     int
		newAddr   uint64
		blocker   uint64 // if non-zero, a page mapped here first
		want      uint64 // 0: anywhere else
		wantSpans func(got uint64) []span
	}{
		{
			name: "shrink", oldLen: 0x4000, newLen: 0x1000, want: base,
			wantSpans: func(uint64) []span { return []span{{base, base + 0x1000, rw}} },
		},
		{
			name: "grow in place", oldLen: 0x4000, newLen: 0x6000, want: base,
			wantSpans: func(uint64) []span { return []span{{base, base + 0x6000, rw}} },
		},
		{
			name: "grow blocked moves", oldLen: 0x4000, newLen: 0x6000, flags: abi.MREMAP_MAYMOVE, blocker: base + 0x5000,
			wantSpans: func(got uint64) []span {
				return []span{{base + 0x5000, base + 0x6000, rw}, {got, got + 0x6000, rw}}
			},
		},
		{
			name: "fixed", oldLen: 0x4000, newLen: 0x4000, flags: abi.MREMAP_MAYMOVE | abi.MREMAP_FIXED,
			newAddr: base + 0x10_0000, blocker: base + 0x10_1000, want: base + 0x10_0000,
			wantSpans: func(uint64) []span { return []span{{base + 0x10_0000, base + 0x10_4000, rw}} },
		},
		{
			name: "fixed and shrink", oldLen: 0x4000, newLen: 0x2000, flags: abi.MREMAP_MAYMOVE | abi.MREMAP_FIXED,
			newAddr: base + 0x10_0000, want: base + 0x10_0000,
			wantSpans: func(uint64) []span { return []span{{base + 0x10_0000, base + 0x10_2000, rw}} },
		},
		{
			name: "dontunmap", oldLen: 0x4000, newLen: 0x4000, flags: abi.MREMAP_MAYMOVE | abi.MREMAP_DONTUNMAP,
			wantSpans: func(got uint64) []span { return []span{{base, base + 0x4000, rw}, {got, got + 0x4000, rw}} },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			as := NewAddressSpace()
			mmap(t, as, base, 0x4000, rw, anon|abi.MAP_FIXED, nil, 0)
			for i := range uint64(4) {
				poke(t, as, base+i*0x1000, byte(i+1))
			}
			if tc.blocker != 0 {
				mmap(t, as, tc.blocker, 0x1000, rw, anon|abi.MAP_FIXED, nil, 0)
			}
			frame1 := page(t, as, base+0x1000, AccessRead)
			gen := as.Generation()
			got, errno := as.Mremap(base, tc.oldLen, tc.newLen, tc.flags, tc.newAddr)
			if errno != 0 {
				t.Fatal(errno)
			}
			if tc.want != 0 && got != tc.want {
				t.Errorf("got %#x, want %#x", got, tc.want)
			}
			if tc.want == 0 && got == base {
				t.Error("the mapping did not move")
			}
			if want := tc.wantSpans(got); !sameSpans(spans(as), want) {
				t.Errorf("got %x, want %x", spans(as), want)
			}
			kept := min(tc.oldLen, tc.newLen) / 0x1000
			for i := range kept {
				if b := peek(t, as, got+i*0x1000); b != byte(i+1) {
					t.Errorf("page %d: got %d, want %d", i, b, i+1)
				}
			}
			if kept > 1 && page(t, as, got+0x1000, AccessRead) != frame1 {
				t.Error("the page was copied, not moved")
			}
			for i := kept; i < tc.newLen/0x1000; i++ {
				if b := peek(t, as, got+i*0x1000); b != 0 {
					t.Errorf("new page %d: got %d, want 0", i, b)
				}
			}
			if tc.flags&abi.MREMAP_DONTUNMAP != 0 {
				if b := peek(t, as, base); b != 0 {
					t.Errorf("old range after DONTUNMAP: got %d, want 0", b)
				}
			}
			moved := got != base
			if shrunk := tc.newLen < tc.oldLen; (moved || shrunk) && as.Generation() == gen {
				t.Error("the generation did not move")
			}
			checkInvariants(t, as)
		})
	}
}

func TestMremapErrors(t *testing.T) {
	const base = 0x20_0000_0000
	as := NewAddressSpace()
	mmap(t, as, base, 0x2000, rw, anon|abi.MAP_FIXED, nil, 0)
	mmap(t, as, base+0x2000, 0x1000, abi.PROT_READ, anon|abi.MAP_FIXED, nil, 0)
	shared := mmap(t, as, 0, 0x2000, rw, abi.MAP_SHARED|abi.MAP_ANONYMOUS, nil, 0)
	tests := []struct {
		name                   string
		oldAddr, oldLen, newLn uint64
		flags                  int
		newAddr                uint64
		want                   abi.Errno
	}{
		{"unknown flag", base, 0x1000, 0x1000, 8, 0, abi.EINVAL},
		{"fixed without maymove", base, 0x1000, 0x1000, abi.MREMAP_FIXED, base + 0x10000, abi.EINVAL},
		{"dontunmap without maymove", base, 0x1000, 0x1000, abi.MREMAP_DONTUNMAP, 0, abi.EINVAL},
		{"dontunmap resizing", base, 0x1000, 0x2000, abi.MREMAP_MAYMOVE | abi.MREMAP_DONTUNMAP, 0, abi.EINVAL},
		{"unaligned", base + 1, 0x1000, 0x2000, 0, 0, abi.EINVAL},
		{"zero new length", base, 0x1000, 0, 0, 0, abi.EINVAL},
		{"unmapped", base + 0x100000, 0x1000, 0x2000, abi.MREMAP_MAYMOVE, 0, abi.EFAULT},
		{"across VMAs", base, 0x3000, 0x4000, abi.MREMAP_MAYMOVE, 0, abi.EFAULT},
		{"grow blocked", base, 0x2000, 0x3000, 0, 0, abi.ENOMEM},
		{"fixed overlapping", base, 0x2000, 0x2000, abi.MREMAP_MAYMOVE | abi.MREMAP_FIXED, base + 0x1000, abi.EINVAL},
		{"fixed unaligned", base, 0x1000, 0x1000, abi.MREMAP_MAYMOVE | abi.MREMAP_FIXED, base + 0x10001, abi.EINVAL},
		{"fixed past MaxAddr", base, 0x1000, 0x2000, abi.MREMAP_MAYMOVE | abi.MREMAP_FIXED, MaxAddr - 0x1000, abi.EINVAL},
		{"zero old length private", base, 0, 0x1000, abi.MREMAP_MAYMOVE, 0, abi.EINVAL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := spans(as)
			_, errno := as.Mremap(tc.oldAddr, tc.oldLen, tc.newLn, tc.flags, tc.newAddr)
			if errno != tc.want {
				t.Errorf("got %v, want %v", errno, tc.want)
			}
			if after := spans(as); !sameSpans(before, after) {
				t.Errorf("a failed mremap changed the layout: %x, then %x", before, after)
			}
		})
	}

	// oldLen 0 on a shared mapping aliases it.
	poke(t, as, shared, 5)
	alias, errno := as.Mremap(shared, 0, 0x1000, abi.MREMAP_MAYMOVE, 0)
	if errno != 0 {
		t.Fatal(errno)
	}
	poke(t, as, alias, 6)
	if got := peek(t, as, shared); alias == shared || got != 6 {
		t.Errorf("alias %#x of %#x: got %d, want 6 through the alias", alias, shared, got)
	}
	checkInvariants(t, as)
}

func TestMremapFileKeepsOffset(t *testing.T) {
	data := make([]byte, 0x4000)
	for i := range data {
		data[i] = byte(i >> 12)
	}
	as := NewAddressSpace()
	a := mmap(t, as, 0, 0x4000, abi.PROT_READ, abi.MAP_PRIVATE, &memFile{name: "/f", data: data}, 0)
	b, errno := as.Mremap(a+0x2000, 0x1000, 0x1000, abi.MREMAP_MAYMOVE|abi.MREMAP_FIXED, a+0x100000)
	if errno != 0 {
		t.Fatal(errno)
	}
	if got := peek(t, as, b); got != 2 {
		t.Errorf("got %d, want page 2 of the file", got)
	}
	var r Region
	for _, x := range as.Regions() {
		if x.Start == b {
			r = x
		}
	}
	if r.Offset != 0x2000 {
		t.Errorf("got offset %#x, want 0x2000", r.Offset)
	}
}
