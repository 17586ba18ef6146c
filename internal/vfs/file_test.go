package vfs

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"vessel/internal/abi"
)

// newFS returns an FS over a fresh root with the given tree, and a Context.
func newFS(t *testing.T, entries ...string) (*FS, *Context, string) {
	t.Helper()
	root := filepath.Join(t.TempDir(), "root")
	tree(t, root, "/")
	tree(t, root, entries...)
	fs, err := NewHostFS(root)
	if err != nil {
		t.Fatal(err)
	}
	c := fs.NewContext()
	t.Cleanup(func() {
		c.DecRef()
		fs.Close()
	})
	return fs, c, root
}

func TestOffsetSharedByDupAndFork(t *testing.T) {
	fs, c, _ := newFS(t, "f")
	must(t, os.WriteFile(filepath.Join(fs.HostRoot(), "f"), []byte("0123456789"), 0o644))
	f := open(t, fs, c, nil, "/f", abi.O_RDONLY, 0)
	tab := NewFDTable()
	defer tab.DecRef()
	fd, e := tab.Install(f, false)
	if e != 0 {
		t.Fatal(e)
	}
	fd2, _ := tab.Dup(fd)
	child := tab.Fork()
	defer child.DecRef()

	read := func(tab *FDTable, fd int32, n int) string {
		t.Helper()
		g, e := tab.Get(fd)
		if e != 0 {
			t.Fatal(e)
		}
		defer g.DecRef()
		b := make([]byte, n)
		n, e = g.Read(b)
		if e != 0 {
			t.Fatal(e)
		}
		return string(b[:n])
	}
	steps := []struct {
		tab  *FDTable
		fd   int32
		want string
	}{
		{tab, fd, "012"},
		{tab, fd2, "345"},
		{child, fd, "67"},
		{child, fd2, "89"},
	}
	for _, s := range steps {
		if got := read(s.tab, s.fd, len(s.want)); got != s.want {
			t.Errorf("read fd %d: got %q, want %q", s.fd, got, s.want)
		}
	}
	// A separate open has its own offset.
	g := open(t, fs, c, nil, "/f", abi.O_RDONLY, 0)
	if got := readAll(t, g); got != "0123456789" {
		t.Errorf("second open read %q", got)
	}
	// pread leaves the offset alone.
	b := make([]byte, 2)
	if n, e := f.Pread(b, 1); n != 2 || e != 0 || string(b) != "12" {
		t.Errorf("Pread = %d, %v, %q", n, e, b)
	}
	if pos, _ := f.Lseek(0, abi.SEEK_CUR); pos != 10 {
		t.Errorf("offset after pread = %d, want 10", pos)
	}
}

func TestAppend(t *testing.T) {
	fs, c, root := newFS(t)
	a := open(t, fs, c, nil, "/log", abi.O_WRONLY|abi.O_CREAT|abi.O_APPEND, 0o644)
	b := open(t, fs, c, nil, "/log", abi.O_WRONLY|abi.O_APPEND, 0)
	w := func(f *File, s string) {
		t.Helper()
		if n, e := f.Write([]byte(s)); n != len(s) || e != 0 {
			t.Fatalf("Write(%q) = %d, %v", s, n, e)
		}
	}
	w(a, "one ")
	w(b, "two ")
	if _, e := a.Lseek(0, abi.SEEK_SET); e != 0 {
		t.Fatal(e)
	}
	w(a, "three")
	if pos, _ := a.Lseek(0, abi.SEEK_CUR); pos != 13 {
		t.Errorf("offset after append = %d, want 13", pos)
	}
	// pwrite on an O_APPEND file appends, as on Linux.
	if _, e := b.Pwrite([]byte("!"), 0); e != 0 {
		t.Fatal(e)
	}
	got, _ := os.ReadFile(filepath.Join(root, "log"))
	if string(got) != "one two three!" {
		t.Errorf("file = %q", got)
	}
	// Clearing O_APPEND with F_SETFL makes writes positional again.
	if e := a.SetFlags(0); e != 0 {
		t.Fatal(e)
	}
	if a.Flags()&abi.O_APPEND != 0 {
		t.Error("O_APPEND still set")
	}
	a.Lseek(0, abi.SEEK_SET)
	w(a, "ONE")
	got, _ = os.ReadFile(filepath.Join(root, "log"))
	if string(got) != "ONE two three!" {
		t.Errorf("file = %q", got)
	}
}

func TestFileErrors(t *testing.T) {
	fs, c, _ := newFS(t, "f", "d/")
	ro := open(t, fs, c, nil, "/f", abi.O_RDONLY, 0)
	wo := open(t, fs, c, nil, "/f", abi.O_WRONLY, 0)
	path := open(t, fs, c, nil, "/f", abi.O_PATH, 0)
	dir := open(t, fs, c, nil, "/d", abi.O_RDONLY, 0)
	b := make([]byte, 8)
	tests := []struct {
		name string
		call func() abi.Errno
		want abi.Errno
	}{
		{"write read-only", func() abi.Errno { _, e := ro.Write(b); return e }, abi.EBADF},
		{"read write-only", func() abi.Errno { _, e := wo.Read(b); return e }, abi.EBADF},
		{"pwrite read-only", func() abi.Errno { _, e := ro.Pwrite(b, 0); return e }, abi.EBADF},
		{"read O_PATH", func() abi.Errno { _, e := path.Read(b); return e }, abi.EBADF},
		{"write O_PATH", func() abi.Errno { _, e := path.Write(b); return e }, abi.EBADF},
		{"lseek O_PATH", func() abi.Errno { _, e := path.Lseek(0, abi.SEEK_SET); return e }, abi.EBADF},
		{"ioctl O_PATH", func() abi.Errno { _, e := path.Ioctl(newMem(), abi.TCGETS, 0); return e }, abi.EBADF},
		{"getdents O_PATH", func() abi.Errno { _, e := path.Getdents64(b); return e }, abi.EBADF},
		{"setfl O_PATH", func() abi.Errno { return path.SetFlags(abi.O_APPEND) }, abi.EBADF},
		{"stat O_PATH", func() abi.Errno { var st abi.Stat_t; return path.Stat(&st) }, 0},
		{"read dir", func() abi.Errno { _, e := dir.Read(b); return e }, abi.EISDIR},
		{"pread dir", func() abi.Errno { _, e := dir.Pread(b, 0); return e }, abi.EISDIR},
		{"getdents file", func() abi.Errno { _, e := ro.Getdents64(make([]byte, 512)); return e }, abi.ENOTDIR},
		{"pread negative", func() abi.Errno { _, e := ro.Pread(b, -1); return e }, abi.EINVAL},
		{"lseek bad whence", func() abi.Errno { _, e := ro.Lseek(0, 5); return e }, abi.EINVAL},
		{"lseek negative", func() abi.Errno { _, e := ro.Lseek(-1, abi.SEEK_SET); return e }, abi.EINVAL},
		{"lseek cur negative", func() abi.Errno { _, e := ro.Lseek(-100, abi.SEEK_CUR); return e }, abi.EINVAL},
		{"lseek end negative", func() abi.Errno { _, e := ro.Lseek(-100, abi.SEEK_END); return e }, abi.EINVAL},
		{"lseek data past end", func() abi.Errno { _, e := ro.Lseek(100, abi.SEEK_DATA); return e }, abi.ENXIO},
		{"ftruncate read-only", func() abi.Errno { return ro.Truncate(0) }, abi.EINVAL},
		{"ftruncate negative", func() abi.Errno { return wo.Truncate(-1) }, abi.EINVAL},
		{"ftruncate dir", func() abi.Errno { return dir.Truncate(0) }, abi.EINVAL},
		{"ioctl regular", func() abi.Errno { _, e := ro.Ioctl(newMem(), abi.TCGETS, 0x10000); return e }, abi.ENOTTY},
		{"fsync", func() abi.Errno { return ro.Sync(false) }, 0},
		{"fdatasync O_PATH", func() abi.Errno { return path.Sync(true) }, abi.EBADF},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.call(); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLseek(t *testing.T) {
	fs, c, root := newFS(t)
	must(t, os.WriteFile(filepath.Join(root, "f"), []byte("0123456789"), 0o644))
	f := open(t, fs, c, nil, "/f", abi.O_RDWR, 0)
	tests := []struct {
		off    int64
		whence int
		want   int64
	}{
		{4, abi.SEEK_SET, 4},
		{2, abi.SEEK_CUR, 6},
		{-3, abi.SEEK_CUR, 3},
		{0, abi.SEEK_END, 10},
		{-2, abi.SEEK_END, 8},
		{20, abi.SEEK_END, 30},
		{0, abi.SEEK_DATA, 0},
		{3, abi.SEEK_HOLE, 10},
		{1 << 40, abi.SEEK_SET, 1 << 40},
	}
	for _, tc := range tests {
		if got, e := f.Lseek(tc.off, tc.whence); got != tc.want || e != 0 {
			t.Errorf("Lseek(%d, %d) = %d, %v; want %d", tc.off, tc.whence, got, e, tc.want)
		}
	}
	// Writing past the end leaves a hole and extends the file.
	f.Lseek(12, abi.SEEK_SET)
	f.Write([]byte("x"))
	var st abi.Stat_t
	f.Stat(&st)
	if st.Size != 13 {
		t.Errorf("size = %d, want 13", st.Size)
	}
	// FIONREAD says what is left to read.
	f.Lseek(10, abi.SEEK_SET)
	m := newMem()
	if _, e := f.Ioctl(m, abi.FIONREAD, m.base); e != 0 || m.b[0] != 3 {
		t.Errorf("FIONREAD = %d, %v; want 3", m.b[0], e)
	}
}

func TestGetdents300(t *testing.T) {
	fs, c, root := newFS(t, "big/")
	want := []string{".", ".."}
	for i := range 300 {
		name := fmt.Sprintf("entry-%03d-%s", i, string(rune('a'+i%26)))
		want = append(want, name)
		must(t, os.WriteFile(filepath.Join(root, "big", name), nil, 0o644))
	}
	sort.Strings(want)
	for _, size := range []int{48, 100, 4096, 1 << 16} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			d := open(t, fs, c, nil, "/big", abi.O_RDONLY|abi.O_DIRECTORY, 0)
			got := listDir(t, d, size)
			sort.Strings(got)
			if !slices.Equal(got, want) {
				t.Fatalf("got %d names, want %d (each once)", len(got), len(want))
			}
			// Rewinding lists it all again.
			if _, e := d.Lseek(0, abi.SEEK_SET); e != 0 {
				t.Fatal(e)
			}
			again := listDir(t, d, size)
			sort.Strings(again)
			if !slices.Equal(again, want) {
				t.Errorf("after rewind: got %d names", len(again))
			}
		})
	}
	t.Run("too small", func(t *testing.T) {
		d := open(t, fs, c, nil, "/big", abi.O_RDONLY, 0)
		if n, e := d.Getdents64(make([]byte, 20)); e != abi.EINVAL {
			t.Errorf("Getdents64 with 20 bytes = %d, %v; want EINVAL", n, e)
		}
		// Nothing was lost: a big enough buffer gets everything.
		got := listDir(t, d, 4096)
		if len(got) != len(want) {
			t.Errorf("after EINVAL: got %d names, want %d", len(got), len(want))
		}
	})
	t.Run("telldir seekdir", func(t *testing.T) {
		d := open(t, fs, c, nil, "/big", abi.O_RDONLY, 0)
		buf := make([]byte, 200)
		d.Getdents64(buf)
		pos, e := d.Lseek(0, abi.SEEK_CUR)
		if e != 0 {
			t.Fatal(e)
		}
		rest := listDir(t, d, 300)
		if _, e := d.Lseek(pos, abi.SEEK_SET); e != 0 {
			t.Fatal(e)
		}
		if again := listDir(t, d, 4096); !slices.Equal(again, rest) {
			t.Errorf("seekdir to %d: got %d names, want %d", pos, len(again), len(rest))
		}
	})
	t.Run("records", func(t *testing.T) {
		d := open(t, fs, c, nil, "/big", abi.O_RDONLY, 0)
		buf := make([]byte, 4096)
		n, _ := d.Getdents64(buf)
		for off := 0; off < n; {
			reclen := int(buf[off+16]) | int(buf[off+17])<<8
			if reclen%8 != 0 || reclen < 24 {
				t.Fatalf("reclen %d", reclen)
			}
			typ := buf[off+18]
			name := string(buf[off+19 : off+19+len("entry-")])
			if name == "entry-" && typ != abi.DT_REG {
				t.Errorf("d_type %d, want DT_REG", typ)
			}
			off += reclen
		}
	})
}

func TestDirentMarshal(t *testing.T) {
	d := Dirent{Ino: 0x0102030405060708, Off: 42, Type: abi.DT_DIR, Name: "hello"}
	b := make([]byte, 32)
	for i := range b {
		b[i] = 0xff
	}
	if n := d.Marshal(b); n != 32 {
		t.Fatalf("Marshal = %d, want 32 (19+5+1 rounded to 8)", n)
	}
	want := []byte{8, 7, 6, 5, 4, 3, 2, 1, 42, 0, 0, 0, 0, 0, 0, 0, 32, 0, abi.DT_DIR, 'h', 'e', 'l', 'l', 'o', 0, 0, 0, 0, 0, 0, 0, 0}
	if !slices.Equal(b, want) {
		t.Errorf("got  % x\nwant % x", b, want)
	}
	if n, taken := FillDirents(make([]byte, 31), []Dirent{d}); n != 0 || taken != 0 {
		t.Errorf("FillDirents into 31 bytes = %d, %d", n, taken)
	}
}

func TestSeekIn(t *testing.T) {
	tests := []struct {
		pos, off int64
		whence   int
		want     int64
		errno    abi.Errno
	}{
		{5, 3, abi.SEEK_SET, 3, 0},
		{5, 3, abi.SEEK_CUR, 8, 0},
		{5, -6, abi.SEEK_CUR, 0, abi.EINVAL},
		{0, -1, abi.SEEK_END, 9, 0},
		{0, -11, abi.SEEK_END, 0, abi.EINVAL},
		{0, 4, abi.SEEK_DATA, 4, 0},
		{0, 10, abi.SEEK_DATA, 0, abi.ENXIO},
		{0, 4, abi.SEEK_HOLE, 10, 0},
		{0, 0, 7, 0, abi.EINVAL},
		{1 << 62, 1 << 62, abi.SEEK_CUR, 0, abi.EINVAL},
	}
	for _, tc := range tests {
		got, e := SeekIn(tc.pos, tc.off, tc.whence, 10)
		if got != tc.want || e != tc.errno {
			t.Errorf("SeekIn(%d, %d, %d) = %d, %v; want %d, %v", tc.pos, tc.off, tc.whence, got, e, tc.want, tc.errno)
		}
	}
}
