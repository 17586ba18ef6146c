package mm

import (
	"testing"

	"vessel/internal/abi"
)

// frameAt returns the frame that maps addr in as.
func frameAt(t *testing.T, as *AddressSpace, addr uint64) *frame {
	t.Helper()
	l := leafOf(as, addr)
	if l == nil || l.frames[addr>>leafShift&ptMask] == nil {
		t.Fatalf("nothing maps %#x", addr)
	}
	return l.frames[addr>>leafShift&ptMask]
}

// A freed frame goes back to the pool and the next page made reuses it,
// zeroed; a frame a hart was handed to execute never does, since decoded
// code is keyed by the page.
func TestFrameRecycling(t *testing.T) {
	as := NewAddressSpace()
	a := mmap(t, as, 0, 2*pageSize, abi.PROT_READ|abi.PROT_WRITE|abi.PROT_EXEC, anon, nil, 0)
	poke(t, as, a, 0xaa)
	poke(t, as, a+pageSize, 0xbb)
	page(t, as, a+pageSize, AccessExec)
	data, code := frameAt(t, as, a), frameAt(t, as, a+pageSize)
	dataLife, codeLife := data.life, code.life
	if errno := as.Munmap(a, 2*pageSize); errno != 0 {
		t.Fatal(errno)
	}
	if data.life != dataLife+1 {
		t.Error("a freed data frame did not go back to the pool")
	}
	if code.life != codeLife {
		t.Error("a frame handed out for execution went back to the pool")
	}
	if code.refs.Load() != 0 || data.refs.Load() != 0 {
		t.Errorf("freed frames have %d and %d references, want 0", data.refs.Load(), code.refs.Load())
	}

	// The pool is last in, first out: the data frame comes back zeroed.
	b := mmap(t, as, 0, pageSize, abi.PROT_READ|abi.PROT_WRITE, anon, nil, 0)
	if p := page(t, as, b, AccessRead); p[0] != 0 {
		t.Errorf("a new page reads %#x, want a zeroed frame", p[0])
	}
	if f := frameAt(t, as, b); f != data {
		t.Log("the new page did not reuse the freed frame (another test took it)")
	} else if f == code {
		t.Error("the new page reused the frame handed out for execution")
	}
	as.Release()
}
