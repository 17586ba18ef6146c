package vfs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// resolvers runs fn once per way of resolving paths: openat2 (when the host
// has it), the in-process walk, and openat2 with a mount in the table (which
// sends every symbolic link to the walk), each over a fresh FS rooted at
// root.
func resolvers(t *testing.T, root string, fn func(t *testing.T, fs *FS)) {
	t.Helper()
	for _, mode := range []string{"openat2", "walk", "mounted"} {
		t.Run(mode, func(t *testing.T) {
			fs := newTestFS(t, root, mode)
			fn(t, fs)
		})
	}
}

// newTestFS returns an FS over root resolving as mode says (see resolvers).
func newTestFS(t *testing.T, root, mode string) *FS {
	t.Helper()
	fs, err := NewHostFS(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Close() })
	if mode != "walk" && fs.walk {
		t.Skip("host has no openat2")
	}
	fs.walk = mode == "walk"
	if mode == "mounted" {
		must(t, fs.Mount("/zz-mount-point", NewTmpfs("tmpfs", 0o777, 0, 0, 1<<20, nil), "tmpfs", "rw"))
	}
	return fs
}

// tree makes files, directories and symbolic links under base. Each entry
// is "path" (a file whose contents are its own path), "path/" (a directory)
// or "path -> target" (a symbolic link).
func tree(t *testing.T, base string, entries ...string) {
	t.Helper()
	for _, e := range entries {
		if name, target, ok := strings.Cut(e, " -> "); ok {
			p := filepath.Join(base, name)
			must(t, os.MkdirAll(filepath.Dir(p), 0o755))
			must(t, os.Symlink(target, p))
			continue
		}
		p := filepath.Join(base, e)
		if strings.HasSuffix(e, "/") {
			must(t, os.MkdirAll(p, 0o755))
			continue
		}
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte("/"+strings.TrimPrefix(e, "/")), 0o644))
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// hostID returns the host identity of path (not following a final link
// when nofollow).
func hostID(t *testing.T, path string, nofollow bool) fileID {
	t.Helper()
	var st unix.Stat_t
	fl := 0
	if nofollow {
		fl = unix.AT_SYMLINK_NOFOLLOW
	}
	must(t, unix.Fstatat(unix.AT_FDCWD, path, &st, fl))
	return fileID{st.Dev, st.Ino}
}

// fileIDOf returns the identity fstat gives for f.
func fileIDOf(t *testing.T, f *File) fileID {
	t.Helper()
	var st abi.Stat_t
	if e := f.Stat(&st); e != 0 {
		t.Fatalf("Stat: %v", e)
	}
	return fileID{st.Dev, st.Ino}
}

// open opens path for the test, failing it on error.
func open(t *testing.T, fs *FS, c *Context, dir *File, path string, flags, mode uint32) *File {
	t.Helper()
	f, e := fs.Openat(c, dir, path, flags, mode)
	if e != 0 {
		t.Fatalf("Openat(%q, %#o): %v", path, flags, e)
	}
	t.Cleanup(f.DecRef)
	return f
}

// readAll reads f to its end.
func readAll(t *testing.T, f *File) string {
	t.Helper()
	var sb strings.Builder
	buf := make([]byte, 7)
	for {
		n, e := f.Read(buf)
		if e != 0 {
			t.Fatalf("Read: %v", e)
		}
		if n == 0 {
			return sb.String()
		}
		sb.Write(buf[:n])
	}
}

// mem is a guest address space for ioctl tests: size bytes from base.
type mem struct {
	base uint64
	b    []byte
}

func newMem() *mem { return &mem{base: 0x10000, b: make([]byte, 4096)} }

func (m *mem) span(addr uint64, n int) ([]byte, abi.Errno) {
	if addr < m.base || addr-m.base+uint64(n) > uint64(len(m.b)) {
		return nil, abi.EFAULT
	}
	return m.b[addr-m.base : addr-m.base+uint64(n)], 0
}

func (m *mem) CopyIn(addr uint64, dst []byte) abi.Errno {
	s, e := m.span(addr, len(dst))
	copy(dst, s)
	return e
}

func (m *mem) CopyOut(addr uint64, src []byte) abi.Errno {
	s, e := m.span(addr, len(src))
	copy(s, src)
	return e
}
