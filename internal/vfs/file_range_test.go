package vfs

import (
	"bytes"
	"testing"

	"vessel/internal/abi"
)

// tmpfsFile returns a new regular file of a tmpfs that holds limit bytes,
// open with flags, and the tmpfs.
func tmpfsFile(t *testing.T, limit int64, flags uint32) (*File, *Tmpfs) {
	t.Helper()
	fs := NewTmpfs("tmpfs", 0o1777, 0, 0, limit, nil)
	fs.mu.Lock()
	n := fs.newNode(abi.S_IFREG|0o644, 0, 0)
	fs.mu.Unlock()
	impl, e := n.Open(rootCaller{}, flags)
	if e != 0 {
		t.Fatal(e)
	}
	f := NewFile(impl, flags, "/f")
	f.mnt, f.node = memfdMount, n
	t.Cleanup(f.DecRef)
	return f, fs
}

func TestFallocateTmpfs(t *testing.T) {
	const limit = 16 * pageSize
	cases := []struct {
		name     string
		mode     uint32
		off, n   int64
		want     abi.Errno
		size     int64 // the size after, from a file of 100 bytes
		usedGrew bool  // the tmpfs counts more bytes
	}{
		{"allocate past the end", 0, 0, 1000, 0, 1000, true},
		{"allocate within", 0, 10, 20, 0, 100, false},
		{"keep size", fallocKeepSize, 0, 8 * pageSize, 0, 100, false},
		{"keep size, more pages than the tmpfs", fallocKeepSize, 0, limit + 1, abi.ENOSPC, 100, false},
		{"keep size, one page far out", fallocKeepSize, 1 << 50, 10, 0, 100, false},
		{"past the limit", 0, 0, limit + 100, abi.ENOSPC, 100, false},
		{"punch", fallocPunchHole | fallocKeepSize, 10, 20, 0, 100, false},
		{"punch without keep size", fallocPunchHole, 10, 20, abi.EOPNOTSUPP, 100, false},
		{"zero range", fallocZeroRange, 10, 20, abi.EOPNOTSUPP, 100, false},
		{"collapse", fallocCollapseRange, 0, pageSize, abi.EOPNOTSUPP, 100, false},
		{"collapse with keep size", fallocCollapseRange | fallocKeepSize, 0, pageSize, abi.EOPNOTSUPP, 100, false},
		{"unknown flag", 0x100, 0, 10, abi.EOPNOTSUPP, 100, false},
		{"length 0", 0, 0, 0, abi.EINVAL, 100, false},
		{"negative offset", 0, -1, 10, abi.EINVAL, 100, false},
		{"overflow", 0, maxFileSize, 10, abi.EFBIG, 100, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, fs := tmpfsFile(t, limit, abi.O_RDWR)
			data := bytes.Repeat([]byte{7}, 100)
			if _, e := f.Pwrite(data, 0); e != 0 {
				t.Fatal(e)
			}
			used := fs.used
			if got := f.Fallocate(tc.mode, tc.off, tc.n); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			var st abi.Stat_t
			f.Stat(&st)
			if st.Size != tc.size {
				t.Errorf("size: got %d, want %d", st.Size, tc.size)
			}
			if grew := fs.used > used; grew != tc.usedGrew {
				t.Errorf("used grew from %d to %d, want growth %v", used, fs.used, tc.usedGrew)
			}
			b := make([]byte, 100)
			f.Pread(b, 0)
			want := data
			if tc.mode&fallocPunchHole != 0 && tc.want == 0 {
				want = bytes.Clone(data)
				clear(want[tc.off : tc.off+tc.n])
			}
			if !bytes.Equal(b, want) {
				t.Errorf("contents: got %v", b)
			}
		})
	}
}

func TestFallocateChecks(t *testing.T) {
	ro, _ := tmpfsFile(t, 1<<20, abi.O_RDONLY)
	if got := ro.Fallocate(0, 0, 10); got != abi.EBADF {
		t.Errorf("read-only: got %v, want EBADF", got)
	}
	if got := ro.Fallocate(0x100, 0, 10); got != abi.EOPNOTSUPP {
		t.Errorf("read-only, unknown mode: got %v, want EOPNOTSUPP (the mode is checked first)", got)
	}
	if got := ro.SyncRange(0, 0, 7); got != 0 {
		t.Errorf("sync_file_range of a read-only file: got %v, want 0", got)
	}
	for _, tc := range []struct {
		name      string
		off, n    int64
		flags     uint32
		want      abi.Errno
		readahead abi.Errno
	}{
		{"all flags", 0, 0, 7, 0, 0},
		{"flag 8", 0, 0, 8, abi.EINVAL, 0},
		{"negative offset", -1, 0, 0, abi.EINVAL, 0},
		{"negative length", 0, -1, 0, abi.EINVAL, abi.EINVAL},
		{"end overflows", maxFileSize, 1, 0, abi.EINVAL, 0},
	} {
		if got := ro.SyncRange(tc.off, tc.n, tc.flags); got != tc.want {
			t.Errorf("sync_file_range, %s: got %v, want %v", tc.name, got, tc.want)
		}
		if got := ro.Readahead(tc.off, uint64(tc.n)); got != tc.readahead {
			t.Errorf("readahead, %s: got %v, want %v", tc.name, got, tc.readahead)
		}
	}
	wo, _ := tmpfsFile(t, 1<<20, abi.O_WRONLY)
	if got := wo.Readahead(0, 10); got != abi.EBADF {
		t.Errorf("readahead of a write-only file: got %v, want EBADF", got)
	}
}
