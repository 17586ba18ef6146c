package vfs

import (
	"sync"
	"testing"

	"vessel/internal/abi"
)

// fakeFile counts its releases.
type fakeFile struct {
	FileDefaults
	released int
}

func (f *fakeFile) Stat(_ *File, st *abi.Stat_t) abi.Errno {
	st.Mode = abi.S_IFREG
	return 0
}
func (f *fakeFile) Release(*File) { f.released++ }

// newFake returns a File over a fakeFile; the caller's reference is dropped
// at the end of the test, and the release is checked then.
func newFake(t *testing.T) (*File, *fakeFile) {
	t.Helper()
	impl := &fakeFile{}
	return NewFile(impl, abi.O_RDWR, "fake"), impl
}

func TestFDTableLowestFree(t *testing.T) {
	tab := NewFDTable()
	defer tab.DecRef()
	f, impl := newFake(t)
	for want := int32(0); want < 5; want++ {
		if fd, e := tab.Install(f, false); fd != want || e != 0 {
			t.Fatalf("Install = %d, %v; want %d", fd, e, want)
		}
	}
	tab.Close(1)
	tab.Close(3)
	if fd, _ := tab.Install(f, false); fd != 1 {
		t.Errorf("Install after closing 1 and 3 = %d, want 1", fd)
	}
	if fd, _ := tab.Dup(0); fd != 3 {
		t.Errorf("Dup = %d, want 3", fd)
	}
	if fd, _ := tab.Dup(0); fd != 5 {
		t.Errorf("Dup = %d, want 5", fd)
	}
	if fd, _ := tab.DupFD(0, 10, true); fd != 10 {
		t.Errorf("DupFD(0, 10) = %d, want 10", fd)
	}
	if fl, _ := tab.FDFlags(10); fl != abi.FD_CLOEXEC {
		t.Errorf("F_GETFD after F_DUPFD_CLOEXEC = %d", fl)
	}
	if fd, _ := tab.InstallAt(f, 7, false); fd != 7 {
		t.Errorf("InstallAt(7) = %d, want 7", fd)
	}
	if fd, _ := tab.Install(f, false); fd != 6 {
		t.Errorf("Install = %d, want 6", fd)
	}
	if fd, _ := tab.Install(f, false); fd != 8 {
		t.Errorf("Install = %d, want 8", fd)
	}
	f.DecRef()
	if impl.released != 0 {
		t.Fatal("released while descriptors name it")
	}
	tab.CloseRange(0, ^uint32(0), 0)
	if impl.released != 1 {
		t.Errorf("released %d times, want 1", impl.released)
	}
}

func TestFDTableErrors(t *testing.T) {
	tab := NewFDTable()
	defer tab.DecRef()
	f, _ := newFake(t)
	defer f.DecRef()
	tab.Install(f, false)
	tab.SetLimit(4)
	tests := []struct {
		name string
		call func() abi.Errno
		want abi.Errno
	}{
		{"get closed", func() abi.Errno { _, e := tab.Get(3); return e }, abi.EBADF},
		{"get negative", func() abi.Errno { _, e := tab.Get(-1); return e }, abi.EBADF},
		{"get huge", func() abi.Errno { _, e := tab.Get(1 << 30); return e }, abi.EBADF},
		{"close closed", func() abi.Errno { return tab.Close(2) }, abi.EBADF},
		{"dup closed", func() abi.Errno { _, e := tab.Dup(2); return e }, abi.EBADF},
		{"dup3 same", func() abi.Errno { _, e := tab.Dup3(0, 0, 0); return e }, abi.EINVAL},
		{"dup3 flags", func() abi.Errno { _, e := tab.Dup3(0, 1, abi.O_NONBLOCK); return e }, abi.EINVAL},
		{"dup3 over limit", func() abi.Errno { _, e := tab.Dup3(0, 4, 0); return e }, abi.EBADF},
		{"dup3 negative", func() abi.Errno { _, e := tab.Dup3(0, -1, 0); return e }, abi.EBADF},
		{"dup3 closed", func() abi.Errno { _, e := tab.Dup3(2, 1, 0); return e }, abi.EBADF},
		{"dupfd min at limit", func() abi.Errno { _, e := tab.DupFD(0, 4, false); return e }, abi.EINVAL},
		{"dupfd min negative", func() abi.Errno { _, e := tab.DupFD(0, -1, false); return e }, abi.EINVAL},
		{"installat min at limit", func() abi.Errno { _, e := tab.InstallAt(f, 4, false); return e }, abi.EINVAL},
		{"getfd closed", func() abi.Errno { _, e := tab.FDFlags(3); return e }, abi.EBADF},
		{"setfd closed", func() abi.Errno { return tab.SetFDFlags(3, abi.FD_CLOEXEC) }, abi.EBADF},
		{"close_range flags", func() abi.Errno { _, e := tab.CloseRange(0, 1, 1); return e }, abi.EINVAL},
		{"close_range order", func() abi.Errno { _, e := tab.CloseRange(2, 1, 0); return e }, abi.EINVAL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.call(); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFDTableEMFILE(t *testing.T) {
	tab := NewFDTable()
	defer tab.DecRef()
	f, _ := newFake(t)
	defer f.DecRef()
	tab.SetLimit(5)
	for range 5 {
		if _, e := tab.Install(f, false); e != 0 {
			t.Fatal(e)
		}
	}
	if fd, e := tab.Install(f, false); e != abi.EMFILE {
		t.Errorf("Install at the limit = %d, %v; want EMFILE", fd, e)
	}
	if _, e := tab.Dup(0); e != abi.EMFILE {
		t.Errorf("Dup at the limit: %v, want EMFILE", e)
	}
	if _, e := tab.DupFD(0, 2, false); e != abi.EMFILE {
		t.Errorf("DupFD at the limit: %v, want EMFILE", e)
	}
	// Dup3 onto an open descriptor below the limit still works.
	if fd, e := tab.Dup3(0, 4, abi.O_CLOEXEC); fd != 4 || e != 0 {
		t.Errorf("Dup3(0, 4) = %d, %v", fd, e)
	}
	// Raising the limit makes room; lowering it keeps what is open.
	tab.SetLimit(6)
	if fd, _ := tab.Install(f, false); fd != 5 {
		t.Errorf("Install after raising = %d, want 5", fd)
	}
	tab.SetLimit(2)
	if _, e := tab.Get(5); e != 0 {
		t.Errorf("fd 5 after lowering the limit: %v", e)
	}
	f.DecRef() // drop the Get's reference
	tab.Close(1)
	if fd, _ := tab.Install(f, false); fd != 1 {
		t.Errorf("Install below a lowered limit = %d, want 1", fd)
	}
}

func TestFDTableCloexec(t *testing.T) {
	tab := NewFDTable()
	defer tab.DecRef()
	f, impl := newFake(t)
	tab.Install(f, false) // 0
	tab.Install(f, true)  // 1
	tab.Install(f, false) // 2
	tab.SetFDFlags(2, abi.FD_CLOEXEC)
	tab.Dup3(0, 3, abi.O_CLOEXEC) // 3
	if fd, _ := tab.Dup(1); fd != 4 {
		t.Fatalf("Dup = %d", fd)
	}
	if fl, _ := tab.FDFlags(4); fl != 0 {
		t.Errorf("dup'd fd has FD_CLOEXEC")
	}
	child := tab.Fork()
	tab.CloseOnExec()
	open := func(tab *FDTable) (fds []int32) {
		for _, i := range tab.Snapshot() {
			fds = append(fds, i.FD)
			i.File.DecRef()
		}
		return fds
	}
	if got := open(tab); len(got) != 2 || got[0] != 0 || got[1] != 4 {
		t.Errorf("after exec: open %v, want [0 4]", got)
	}
	if got := open(child); len(got) != 5 {
		t.Errorf("the fork's copy changed: %v", got)
	}
	child.DecRef()
	f.DecRef()
	if impl.released != 0 {
		t.Fatal("released early")
	}
	tab.Close(0)
	tab.Close(4)
	if impl.released != 1 {
		t.Errorf("released %d times, want 1", impl.released)
	}
}

func TestFDTableCloseRange(t *testing.T) {
	setup := func() (*FDTable, *File) {
		tab := NewFDTable()
		f, _ := newFake(t)
		for range 8 {
			tab.Install(f, false)
		}
		return tab, f
	}
	openFDs := func(tab *FDTable) (fds []int32, cloexec []int32) {
		for _, i := range tab.Snapshot() {
			fds = append(fds, i.FD)
			if i.Cloexec {
				cloexec = append(cloexec, i.FD)
			}
			i.File.DecRef()
		}
		return
	}
	tab, f := setup()
	tab.CloseRange(2, 4, 0)
	tab.CloseRange(6, ^uint32(0), 0)
	if fds, _ := openFDs(tab); len(fds) != 3 || fds[0] != 0 || fds[1] != 1 || fds[2] != 5 {
		t.Errorf("open after close_range: %v, want [0 1 5]", fds)
	}
	tab.CloseRange(1, 5, closeRangeCloexec)
	if _, ce := openFDs(tab); len(ce) != 2 || ce[0] != 1 || ce[1] != 5 {
		t.Errorf("cloexec after CLOSE_RANGE_CLOEXEC: %v, want [1 5]", ce)
	}
	tab.DecRef()
	f.DecRef()

	// CLOSE_RANGE_UNSHARE on a shared table gives the caller its own.
	tab, f = setup()
	tab.IncRef() // a second task shares it
	mine, e := tab.CloseRange(0, ^uint32(0), closeRangeUnshare)
	if e != 0 || mine == tab {
		t.Fatalf("CloseRange(UNSHARE) on a shared table = %p, %v", mine, e)
	}
	if fds, _ := openFDs(mine); len(fds) != 0 {
		t.Errorf("own table: %v", fds)
	}
	if fds, _ := openFDs(tab); len(fds) != 8 {
		t.Errorf("the other task's table lost descriptors: %v", fds)
	}
	if tab.Shared() {
		t.Error("the old table is still counted as shared")
	}
	mine.DecRef()
	tab.DecRef()
	f.DecRef()
}

func TestFDTableConcurrent(t *testing.T) {
	tab := NewFDTable()
	f, impl := newFake(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				fd, e := tab.Install(f, false)
				if e != 0 {
					t.Error(e)
					return
				}
				if g, e := tab.Get(fd); e == 0 {
					g.DecRef()
				}
				if d, e := tab.Dup(fd); e == 0 {
					tab.Close(d)
				}
				tab.Close(fd)
			}
		})
	}
	wg.Wait()
	tab.DecRef()
	f.DecRef()
	if impl.released != 1 {
		t.Errorf("released %d times, want 1", impl.released)
	}
}

func TestFileRefs(t *testing.T) {
	f, impl := newFake(t)
	f.IncRef()
	f.DecRef()
	f.DecRef()
	if impl.released != 1 {
		t.Fatalf("released %d times", impl.released)
	}
	defer func() {
		if recover() == nil {
			t.Error("DecRef of a released File did not panic")
		}
	}()
	f.DecRef()
}
