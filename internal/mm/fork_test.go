package mm

import (
	"testing"

	"vessel/internal/abi"
)

func TestForkCopyOnWrite(t *testing.T) {
	parent := NewAddressSpace()
	a := mmap(t, parent, 0, 0x3000, rw, anon, nil, 0)
	poke(t, parent, a, 1)
	poke(t, parent, a+0x1000, 2)
	poke(t, parent, a+0x2000, 3)
	gen := parent.Generation()

	child := parent.Fork()
	if parent.Generation() == gen {
		t.Error("Fork did not bump the parent's generation")
	}
	if child.Generation() == parent.Generation() {
		t.Error("parent and child share a generation value")
	}
	if s := child.Stats(); s.ResidentPages != 3 || s.MinorFaults != 0 {
		t.Errorf("child got %+v, want 3 resident pages and no faults yet", s)
	}
	// Reads share the frames.
	for i := range uint64(3) {
		if page(t, parent, a+i*0x1000, AccessRead) != page(t, child, a+i*0x1000, AccessRead) {
			t.Errorf("page %d: parent and child read different frames before any write", i)
		}
	}

	faults := parent.Stats().MinorFaults
	poke(t, parent, a, 10)
	poke(t, child, a, 20)
	if p, c := peek(t, parent, a), peek(t, child, a); p != 10 || c != 20 {
		t.Errorf("after both wrote: parent %d, child %d, want 10 and 20", p, c)
	}
	if got := parent.Stats().MinorFaults - faults; got != 1 {
		t.Errorf("parent's copy-on-write: got %d faults, want 1", got)
	}
	// The parent's copy left the child the only holder of the old frame,
	// so the child's write is in place, as in Linux (wp_can_reuse_anon).
	if got := child.Stats().MinorFaults; got != 0 {
		t.Errorf("child's write after the parent's copy: got %d faults, want 0", got)
	}
	// The unwritten pages still share their frames.
	for i := uint64(1); i < 3; i++ {
		if page(t, parent, a+i*0x1000, AccessRead) != page(t, child, a+i*0x1000, AccessRead) {
			t.Errorf("page %d: an unwritten page was copied", i)
		}
	}
	// Once the child is gone the parent's frames are its own again: a
	// write is in place, with no copy and no fault.
	p1 := page(t, parent, a+0x1000, AccessRead)
	child.Release()
	faults = parent.Stats().MinorFaults
	if q := page(t, parent, a+0x1000, AccessWrite); q != p1 {
		t.Error("a write after the child's release copied the page")
	}
	if got := parent.Stats().MinorFaults; got != faults {
		t.Errorf("got %d more faults, want none", got-faults)
	}
	checkInvariants(t, parent)
	checkInvariants(t, child)
}

func TestForkCopyBumpsGenerationOnlyWhenLent(t *testing.T) {
	parent := NewAddressSpace()
	a := mmap(t, parent, 0, 0x2000, rw, anon, nil, 0)
	poke(t, parent, a, 1)
	poke(t, parent, a+0x1000, 1)
	child := parent.Fork()
	defer child.Release()

	// Page 0 goes to the hart for reading while shared: its copy must
	// invalidate that translation.
	page(t, parent, a, AccessRead)
	gen := parent.Generation()
	page(t, parent, a, AccessWrite)
	if parent.Generation() == gen {
		t.Error("copying a page the hart holds for reading did not bump the generation")
	}
	// Page 1 was never handed out since the fork: no bump needed.
	gen = parent.Generation()
	page(t, parent, a+0x1000, AccessWrite)
	if parent.Generation() != gen {
		t.Error("copying a page nobody held bumped the generation")
	}
}

func TestForkSharedAnonymous(t *testing.T) {
	parent := NewAddressSpace()
	a := mmap(t, parent, 0, 0x2000, rw, abi.MAP_SHARED|abi.MAP_ANONYMOUS, nil, 0)
	poke(t, parent, a, 1)
	child := parent.Fork()
	poke(t, child, a, 2)        // a page the parent had touched
	poke(t, child, a+0x1000, 3) // a page nobody had touched
	if got := peek(t, parent, a); got != 2 {
		t.Errorf("parent got %d, want the child's 2", got)
	}
	if got := peek(t, parent, a+0x1000); got != 3 {
		t.Errorf("parent got %d, want the child's 3", got)
	}
	poke(t, parent, a+0x1000, 4)
	if got := peek(t, child, a+0x1000); got != 4 {
		t.Errorf("child got %d, want the parent's 4", got)
	}
	r := parent.Regions()[0]
	if !r.Shared || r.Name != "/dev/zero (deleted)" {
		t.Errorf("got %+v, want a shared region named as Linux names it", r)
	}
	// DONTNEED keeps shared memory.
	if errno := child.Madvise(a, 0x2000, abi.MADV_DONTNEED); errno != 0 {
		t.Fatal(errno)
	}
	if got := peek(t, child, a); got != 2 {
		t.Errorf("after MADV_DONTNEED got %d, want 2", got)
	}
	// MADV_REMOVE zeroes it for everyone.
	if errno := child.Madvise(a, 0x1000, abi.MADV_REMOVE); errno != 0 {
		t.Fatal(errno)
	}
	if got := peek(t, parent, a); got != 0 {
		t.Errorf("after MADV_REMOVE the parent got %d, want 0", got)
	}
	// Pages past the object's size give SIGBUS once the mapping grows.
	b, errno := parent.Mremap(a, 0x2000, 0x3000, abi.MREMAP_MAYMOVE, 0)
	if errno != 0 {
		t.Fatal(errno)
	}
	if _, fault := parent.Translate(b+0x2000, AccessRead); fault != FaultBusErr {
		t.Errorf("past the shared object: got fault %d, want FaultBusErr", fault)
	}
	if got := peek(t, parent, b+0x1000); got != 4 {
		t.Errorf("after mremap got %d, want 4", got)
	}
	checkInvariants(t, parent)
	checkInvariants(t, child)
}

func TestForkAdvice(t *testing.T) {
	parent := NewAddressSpace()
	a := mmap(t, parent, 0, 0x3000, rw, anon, nil, 0)
	for i := range uint64(3) {
		poke(t, parent, a+i*0x1000, 7)
	}
	if errno := parent.Madvise(a, 0x1000, abi.MADV_DONTFORK); errno != 0 {
		t.Fatal(errno)
	}
	if errno := parent.Madvise(a+0x1000, 0x1000, madvWipeOnFork); errno != 0 {
		t.Fatal(errno)
	}
	child := parent.Fork()
	if _, fault := child.Translate(a, AccessRead); fault != FaultMapErr {
		t.Errorf("MADV_DONTFORK page: got fault %d in the child, want FaultMapErr", fault)
	}
	if got := peek(t, child, a+0x1000); got != 0 {
		t.Errorf("MADV_WIPEONFORK page: child got %d, want 0", got)
	}
	if got := peek(t, child, a+0x2000); got != 7 {
		t.Errorf("ordinary page: child got %d, want 7", got)
	}
	if got := peek(t, parent, a+0x1000); got != 7 {
		t.Errorf("parent got %d, want its own 7", got)
	}
	if errno := parent.Madvise(a, 0x1000, abi.MADV_DOFORK); errno != 0 {
		t.Fatal(errno)
	}
	if got := peek(t, parent.Fork(), a); got != 7 {
		t.Errorf("after MADV_DOFORK the child got %d, want 7", got)
	}
	checkInvariants(t, parent)
	checkInvariants(t, child)
}

func TestRelease(t *testing.T) {
	as := NewAddressSpace()
	as.SetBrk(0x100000)
	a := mmap(t, as, 0, 0x2000, rw, anon, nil, 0)
	poke(t, as, a, 1)
	child := as.Fork()
	as.Release()
	gen := as.Generation()
	as.Release()
	if as.Generation() != gen {
		t.Error("a second Release bumped the generation")
	}
	if len(as.Regions()) != 0 || as.Stats() != (Stats{MinorFaults: 1}) || as.Brk(0) != 0 {
		t.Errorf("after Release: %d regions, %+v, break %#x; want nothing", len(as.Regions()), as.Stats(), as.Brk(0))
	}
	// The child's frame is its own now: written in place.
	p := page(t, child, a, AccessRead)
	if q := page(t, child, a, AccessWrite); q != p {
		t.Error("the child copied a page nobody else holds")
	}
	// A released address space can be loaded again.
	mmap(t, as, a, 0x1000, rw, anon|abi.MAP_FIXED, nil, 0)
	if got := peek(t, as, a); got != 0 {
		t.Errorf("got %d, want 0", got)
	}
}
