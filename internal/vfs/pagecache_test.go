package vfs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"vessel/internal/abi"
	"vessel/internal/mm"
)

const (
	pageSize = abi.PageSize
	protRW   = abi.PROT_READ | abi.PROT_WRITE
)

// mapFile maps length bytes of f into as as mmap(2) would, or fails the
// test.
func mapFile(t *testing.T, as *mm.AddressSpace, f *File, length uint64, prot, flags int) uint64 {
	t.Helper()
	shared := flags&abi.MAP_TYPE == abi.MAP_SHARED
	mf, e := f.MapFile(shared, prot&abi.PROT_WRITE != 0)
	if e != 0 || mf == nil {
		t.Fatalf("MapFile: %v, %v", mf, e)
	}
	a, e := as.Mmap(0, length, prot, flags, mf, 0)
	if e != 0 {
		t.Fatalf("Mmap: %v", e)
	}
	return a
}

func peekAt(t *testing.T, as *mm.AddressSpace, addr uint64, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if e := as.CopyIn(addr, b); e != 0 {
		t.Fatalf("CopyIn(%#x): %v", addr, e)
	}
	return b
}

func pokeAt(t *testing.T, as *mm.AddressSpace, addr uint64, b []byte) {
	t.Helper()
	if e := as.CopyOut(addr, b); e != 0 {
		t.Fatalf("CopyOut(%#x): %v", addr, e)
	}
}

func preadAt(t *testing.T, f *File, off int64, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	got, e := f.Pread(b, off)
	if e != 0 {
		t.Fatalf("Pread: %v", e)
	}
	return b[:got]
}

// TestMappedFileCoherence checks, for a host file and a tmpfs file, that
// a file's read and write and its shared and private mappings agree, as
// Linux's one page cache per inode makes them.
func TestMappedFileCoherence(t *testing.T) {
	for _, where := range []string{"/host", "/tmp"} {
		t.Run(where, func(t *testing.T) {
			fs, c := mountedFS(t, "walk")
			path := where + "/f"
			if where == "/host" {
				must(t, os.MkdirAll(filepath.Join(fs.hostRoot, "host"), 0o755))
			}
			f := open(t, fs, c, nil, path, abi.O_RDWR|abi.O_CREAT, 0o600)
			must(t, errOrNil(f.Truncate(2*pageSize)))
			as, bs := mm.NewAddressSpace(), mm.NewAddressSpace()
			defer bs.Release()
			a := mapFile(t, as, f, 2*pageSize, protRW, abi.MAP_SHARED)
			// Another open of the file, mapped in another address space.
			g := open(t, fs, c, nil, path, abi.O_RDWR, 0)
			b := mapFile(t, bs, g, 2*pageSize, protRW, abi.MAP_SHARED)
			p := mapFile(t, bs, g, 2*pageSize, protRW, abi.MAP_PRIVATE)
			pokeAt(t, bs, p+pageSize, []byte("own")) // the private copy of page 1

			pokeAt(t, as, a+10, []byte("mapped"))
			if got := peekAt(t, bs, b+10, 6); string(got) != "mapped" {
				t.Errorf("another open's mapping got %q, want %q", got, "mapped")
			}
			if got := preadAt(t, g, 10, 6); string(got) != "mapped" {
				t.Errorf("pread got %q, want the mapping's %q", got, "mapped")
			}
			if n, e := g.Pwrite([]byte("written"), pageSize-3); n != 7 || e != 0 {
				t.Fatalf("Pwrite: %d, %v", n, e)
			}
			if got := peekAt(t, as, a+pageSize-3, 7); string(got) != "written" {
				t.Errorf("a shared mapping got %q after pwrite, want %q", got, "written")
			}
			if got := peekAt(t, bs, p+pageSize-3, 3); string(got) != "wri" {
				t.Errorf("a private mapping got %q on a page it never copied, want %q", got, "wri")
			}
			if got := peekAt(t, bs, p+pageSize, 3); string(got) != "own" {
				t.Errorf("a private copy got %q, want its own %q", got, "own")
			}
			ka, offa, _ := as.SharedKey(a + 12)
			kb, offb, _ := bs.SharedKey(b + 12)
			if ka != kb || offa != offb {
				t.Errorf("futex keys (%p, %d) and (%p, %d) differ", ka, offa, kb, offb)
			}
			// A truncate cuts the mapped page.
			must(t, errOrNil(f.Truncate(pageSize+1)))
			must(t, errOrNil(f.Truncate(2*pageSize)))
			if got := peekAt(t, as, a+pageSize, 3); !bytes.Equal(got, []byte{'t', 0, 0}) {
				t.Errorf("a page cut by a truncate reads %q, want %q", got, "t\x00\x00")
			}
			as.Release()
			if got := preadAt(t, g, 10, 6); string(got) != "mapped" {
				t.Errorf("pread got %q after a mapping went, want %q", got, "mapped")
			}
			if where == "/host" {
				bs.Release()
				data, err := os.ReadFile(filepath.Join(fs.hostRoot, "host", "f"))
				must(t, err)
				if got := string(data[10:16]); got != "mapped" {
					t.Errorf("the host file holds %q after the last mapping went, want %q", got, "mapped")
				}
			}
		})
	}
}

// TestHostFileSyncWritesBack checks that fsync writes back what shared
// mappings wrote.
func TestHostFileSyncWritesBack(t *testing.T) {
	fs, c := mountedFS(t, "walk")
	f := open(t, fs, c, nil, "/f", abi.O_RDWR|abi.O_CREAT, 0o600)
	must(t, errOrNil(f.Truncate(pageSize)))
	as := mm.NewAddressSpace()
	defer as.Release()
	a := mapFile(t, as, f, pageSize, protRW, abi.MAP_SHARED)
	pokeAt(t, as, a, []byte("synced"))
	must(t, errOrNil(f.Sync(true)))
	data, err := os.ReadFile(filepath.Join(fs.hostRoot, "f"))
	must(t, err)
	if got := string(data[:6]); got != "synced" {
		t.Errorf("the host file holds %q after fsync, want %q", got, "synced")
	}
}

// TestHostFileAppendWriteback checks that a mapping of a file open with
// O_APPEND writes back in place, not at the end.
func TestHostFileAppendWriteback(t *testing.T) {
	fs, c := mountedFS(t, "walk")
	f := open(t, fs, c, nil, "/f", abi.O_RDWR|abi.O_CREAT|abi.O_APPEND, 0o600)
	must(t, errOrNil(f.Truncate(pageSize)))
	as := mm.NewAddressSpace()
	a := mapFile(t, as, f, pageSize, protRW, abi.MAP_SHARED)
	pokeAt(t, as, a, []byte("head"))
	as.Release()
	data, err := os.ReadFile(filepath.Join(fs.hostRoot, "f"))
	must(t, err)
	if len(data) != pageSize || string(data[:4]) != "head" {
		t.Errorf("the host file is %d bytes starting %q, want %d starting %q", len(data), data[:min(4, len(data))], pageSize, "head")
	}
	if n, e := f.Write([]byte("tail")); n != 4 || e != 0 {
		t.Fatalf("Write: %d, %v", n, e)
	}
	if got := preadAt(t, f, pageSize, 4); string(got) != "tail" {
		t.Errorf("an O_APPEND write read back %q, want %q", got, "tail")
	}
}

// TestMemfd checks memfd files and their seals.
func TestMemfd(t *testing.T) {
	fs, c := mountedFS(t, "walk")
	f, e := fs.Memfd(c, "test", MemfdAllowSealing)
	if e != 0 {
		t.Fatalf("Memfd: %v", e)
	}
	defer f.DecRef()
	if got, want := f.Path(), "/memfd:test (deleted)"; got != want {
		t.Errorf("Path() = %q, want %q", got, want)
	}
	var st abi.Stat_t
	if e := f.Stat(&st); e != 0 || st.Mode != abi.S_IFREG|0o777 || st.Nlink != 0 || st.Dev != memfdDev {
		t.Errorf("Stat: %v, mode %#o, %d links, dev %d", e, st.Mode, st.Nlink, st.Dev)
	}
	g, e := fs.Memfd(c, "other", 0)
	if e != 0 {
		t.Fatalf("Memfd: %v", e)
	}
	defer g.DecRef()
	var st2 abi.Stat_t
	g.Stat(&st2)
	if st2.Ino == st.Ino {
		t.Error("two memfds share an inode number")
	}
	if s, e := g.Seals(); s != sealSeal || e != 0 {
		t.Errorf("Seals() without MemfdAllowSealing = %#x, %v, want F_SEAL_SEAL", s, e)
	}

	must(t, errOrNil(f.Truncate(2*pageSize)))
	as := mm.NewAddressSpace()
	a := mapFile(t, as, f, 2*pageSize, protRW, abi.MAP_SHARED)
	if e := f.AddSeals(sealWrite); e != abi.EBUSY {
		t.Errorf("F_SEAL_WRITE with a shared writable mapping: %v, want EBUSY", e)
	}
	pokeAt(t, as, a, []byte("data"))
	as.Release()
	tests := []struct {
		name string
		op   func() abi.Errno
		want abi.Errno
	}{
		{"seal shrink and grow", func() abi.Errno { return f.AddSeals(sealShrink | sealGrow) }, 0},
		{"shrink", func() abi.Errno { return f.Truncate(pageSize) }, abi.EPERM},
		{"grow", func() abi.Errno { return f.Truncate(3 * pageSize) }, abi.EPERM},
		{"write inside", func() abi.Errno { _, e := f.Pwrite([]byte("x"), 5); return e }, 0},
		{"write past the end", func() abi.Errno { _, e := f.Pwrite([]byte("x"), 2*pageSize); return e }, abi.EPERM},
		{"seal write", func() abi.Errno { return f.AddSeals(sealWrite) }, 0},
		{"write", func() abi.Errno { _, e := f.Pwrite([]byte("x"), 0); return e }, abi.EPERM},
		{"map shared writable", func() abi.Errno { _, e := f.MapFile(true, true); return e }, abi.EPERM},
		{"seal seal", func() abi.Errno { return f.AddSeals(sealSeal) }, 0},
		{"another seal", func() abi.Errno { return f.AddSeals(sealFutureWrite) }, abi.EPERM},
		{"unknown seal", func() abi.Errno { return f.AddSeals(0x1000) }, abi.EINVAL},
	}
	for _, tc := range tests {
		if got := tc.op(); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if got := preadAt(t, f, 0, 6); string(got) != "data\x00x" {
		t.Errorf("the memfd reads %q, want %q", got, "data\x00x")
	}
	// A read-only shared mapping of a write-sealed memfd can never write.
	bs := mm.NewAddressSpace()
	defer bs.Release()
	b := mapFile(t, bs, f, pageSize, abi.PROT_READ, abi.MAP_SHARED)
	if e := bs.Mprotect(b, pageSize, protRW); e != abi.EACCES {
		t.Errorf("mprotect writable: %v, want EACCES", e)
	}
	host := open(t, fs, c, nil, "/hostfile", abi.O_RDWR|abi.O_CREAT, 0o600)
	if _, e := host.Seals(); e != abi.EINVAL {
		t.Errorf("Seals() of a host file: %v, want EINVAL", e)
	}
}

// TestMappedFileConcurrent writes one host file through its own writes
// and through shared mappings in several address spaces at once, each on
// pages of its own; run it with -race.
func TestMappedFileConcurrent(t *testing.T) {
	fs, c := mountedFS(t, "walk")
	const workers, rounds = 4, 30
	f := open(t, fs, c, nil, "/f", abi.O_RDWR|abi.O_CREAT, 0o600)
	must(t, errOrNil(f.Truncate((workers+1)*pageSize)))
	var wg sync.WaitGroup
	errs := make(chan error, workers+1)
	for w := range workers {
		wg.Go(func() {
			g, e := fs.Openat(c, nil, "/f", abi.O_RDWR, 0)
			if e != 0 {
				errs <- e
				return
			}
			defer g.DecRef()
			off := uint64(w) * pageSize
			for r := range rounds {
				mf, e := g.MapFile(true, true)
				if e != 0 {
					errs <- e
					return
				}
				as := mm.NewAddressSpace()
				a, e := as.Mmap(0, pageSize, protRW, abi.MAP_SHARED, mf, off)
				if e != 0 {
					errs <- e
					return
				}
				want := []byte{byte(w), byte(r)}
				as.CopyOut(a, want)
				got := make([]byte, 2)
				g.Pread(got, int64(off))
				as.Release()
				if !bytes.Equal(got, want) {
					errs <- fmt.Errorf("worker %d round %d: pread got %v, want %v", w, r, got, want)
					return
				}
				g.Pread(got, int64(off))
				if !bytes.Equal(got, want) {
					errs <- fmt.Errorf("worker %d round %d: after munmap pread got %v, want %v", w, r, got, want)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for r := range rounds * 3 {
			f.Pwrite([]byte{byte(r)}, workers*pageSize)
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestHostFileOpenTruncWhileMapped checks that open with O_TRUNC cuts the
// page cache of a mapped file, so neither the mapping nor read(2) shows
// what was there, and the file's later writes reach the mapping.
func TestHostFileOpenTruncWhileMapped(t *testing.T) {
	fs, c := mountedFS(t, "walk")
	f := open(t, fs, c, nil, "/f", abi.O_RDWR|abi.O_CREAT, 0o600)
	must(t, errOrNil(f.Truncate(pageSize)))
	as := mm.NewAddressSpace()
	defer as.Release()
	a := mapFile(t, as, f, pageSize, protRW, abi.MAP_SHARED)
	pokeAt(t, as, a, []byte("old data"))
	g := open(t, fs, c, nil, "/f", abi.O_RDWR|abi.O_TRUNC, 0)
	if n, e := g.Write([]byte("new")); n != 3 || e != 0 {
		t.Fatalf("Write: %d, %v", n, e)
	}
	if got := preadAt(t, g, 0, 8); string(got) != "new" {
		t.Errorf("read(2) got %q, want %q", got, "new")
	}
	if got := peekAt(t, as, a, 8); string(got) != "new\x00\x00\x00\x00\x00" {
		t.Errorf("the mapping got %q, want %q", got, "new\x00\x00\x00\x00\x00")
	}
}
