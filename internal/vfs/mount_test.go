package vfs

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vessel/internal/abi"
)

// mountedFS returns an FS over a temporary host tree with devfs at /dev, a
// tmpfs at /tmp and a tmpfs at /dev/shm, resolving as mode says.
func mountedFS(t *testing.T, mode string) (*FS, *Context) {
	t.Helper()
	root := t.TempDir()
	tree(t, root, "etc/hosts", "home/", "tolink -> /tmp/target", "todev -> dev/null", "up -> ..")
	fs := newTestFS(t, root, mode)
	must(t, fs.Mount("/dev", NewDevfs(nil), "devtmpfs", "rw,nosuid"))
	must(t, fs.Mount("/tmp", NewTmpfs("tmpfs", 0o1777, 0, 0, 1<<20, nil), "tmpfs", "rw,nosuid,nodev"))
	must(t, fs.Mount("/dev/shm", NewTmpfs("tmpfs", 0o1777, 0, 0, 1<<20, nil), "tmpfs", "rw,nosuid,nodev"))
	c := fs.NewContext()
	t.Cleanup(c.DecRef)
	return fs, c
}

// user is a Caller with the working directory of c and other credentials.
type user struct {
	c  *Context
	cr Creds
}

func (u user) FSContext() *Context { return u.c }
func (u user) FSCreds() Creds      { return u.cr }

func TestMountsDevices(t *testing.T) {
	for _, mode := range []string{"openat2", "walk", "mounted"} {
		t.Run(mode, func(t *testing.T) {
			fs, c := mountedFS(t, mode)
			null := open(t, fs, c, nil, "/dev/null", abi.O_RDWR, 0)
			if n, e := null.Write([]byte("gone")); n != 4 || e != 0 {
				t.Errorf("write /dev/null: got %d, %v; want 4, 0", n, e)
			}
			if n, e := null.Read(make([]byte, 8)); n != 0 || e != 0 {
				t.Errorf("read /dev/null: got %d, %v; want 0, 0 (EOF)", n, e)
			}
			zero := open(t, fs, c, nil, "/dev/zero", abi.O_RDONLY, 0)
			b := []byte{1, 2, 3}
			if n, e := zero.Read(b); n != 3 || e != 0 || !bytes.Equal(b, []byte{0, 0, 0}) {
				t.Errorf("read /dev/zero: got %d, %v, %v", n, e, b)
			}
			full := open(t, fs, c, nil, "/dev/full", abi.O_WRONLY, 0)
			if _, e := full.Write([]byte("x")); e != abi.ENOSPC {
				t.Errorf("write /dev/full: got %v, want ENOSPC", e)
			}
			var st abi.Stat_t
			if e := null.Stat(&st); e != 0 || st.Mode != abi.S_IFCHR|0o666 || st.Rdev != abi.Mkdev(1, 3) {
				t.Errorf("fstat /dev/null: %v, mode %#o rdev %#x", e, st.Mode, st.Rdev)
			}
			// A host symbolic link into devfs, and one climbing out of it.
			todev := open(t, fs, c, nil, "/todev", abi.O_WRONLY, 0)
			if e := todev.Stat(&st); e != 0 || st.Rdev != abi.Mkdev(1, 3) {
				t.Errorf("/todev: %v rdev %#x", e, st.Rdev)
			}
			hosts := open(t, fs, c, nil, "/dev/../etc/hosts", abi.O_RDONLY, 0)
			if got := readAll(t, hosts); got != "/etc/hosts" {
				t.Errorf("/dev/../etc/hosts: got %q", got)
			}
			if _, e := fs.Openat(c, nil, "/dev/nonexistent", abi.O_RDONLY, 0); e != abi.ENOENT {
				t.Errorf("/dev/nonexistent: got %v, want ENOENT", e)
			}
			// /dev/tty with nobody registered: no controlling terminal.
			if _, e := fs.Openat(c, nil, "/dev/tty", abi.O_RDWR, 0); e != abi.ENXIO {
				t.Errorf("/dev/tty: got %v, want ENXIO", e)
			}
			if s, e := fs.Readlinkat(c, nil, "/dev/stdin"); e != 0 || s != "/proc/self/fd/0" {
				t.Errorf("readlink /dev/stdin: %q, %v", s, e)
			}
		})
	}
}

func TestMountsTmpfs(t *testing.T) {
	for _, mode := range []string{"openat2", "walk", "mounted"} {
		t.Run(mode, func(t *testing.T) {
			fs, c := mountedFS(t, mode)
			f := open(t, fs, c, nil, "/tmp/target", abi.O_CREAT|abi.O_RDWR, 0o640)
			if n, e := f.Write([]byte("hello tmpfs")); n != 11 || e != 0 {
				t.Fatalf("write: %d, %v", n, e)
			}
			// Through a host link into the tmpfs.
			g := open(t, fs, c, nil, "/tolink", abi.O_RDONLY, 0)
			if got := readAll(t, g); got != "hello tmpfs" {
				t.Errorf("read through /tolink: got %q", got)
			}
			var st abi.Stat_t
			if e := fs.Stat(c, nil, "/tmp/target", 0, &st); e != 0 || st.Size != 11 || st.Mode != abi.S_IFREG|0o640 {
				t.Errorf("stat: %v size %d mode %#o", e, st.Size, st.Mode)
			}
			var dst abi.Stat_t
			fs.Stat(c, nil, "/tmp", 0, &dst)
			if st.Dev != dst.Dev || dst.Mode != abi.S_IFDIR|0o1777 {
				t.Errorf("st_dev of a file %#x and of the mount %#x; mount mode %#o", st.Dev, dst.Dev, dst.Mode)
			}
			var hst abi.Stat_t
			fs.Stat(c, nil, "/etc", 0, &hst)
			if hst.Dev == st.Dev {
				t.Errorf("tmpfs and the host tree share st_dev %#x", st.Dev)
			}

			must(t, errOf(fs.Mkdirat(c, nil, "/tmp/d", 0o755)))
			if e := fs.Mkdirat(c, nil, "/tmp/d", 0o755); e != abi.EEXIST {
				t.Errorf("mkdir twice: got %v, want EEXIST", e)
			}
			must(t, errOf(fs.Renameat2(c, nil, "/tmp/target", nil, "/tmp/d/moved", 0)))
			if e := fs.Unlinkat(c, nil, "/tmp/d", abi.AT_REMOVEDIR); e != abi.ENOTEMPTY {
				t.Errorf("rmdir non-empty: got %v, want ENOTEMPTY", e)
			}
			if e := fs.Renameat2(c, nil, "/tmp/d/moved", nil, "/etc/moved", 0); e != abi.EXDEV {
				t.Errorf("rename to the host tree: got %v, want EXDEV", e)
			}
			if e := fs.Renameat2(c, nil, "/tmp/d/moved", nil, "/dev/shm/moved", 0); e != abi.EXDEV {
				t.Errorf("rename to another tmpfs: got %v, want EXDEV", e)
			}
			if e := fs.Unlinkat(c, nil, "/tmp", abi.AT_REMOVEDIR); e != abi.EBUSY {
				t.Errorf("rmdir of a mount point: got %v, want EBUSY", e)
			}
			must(t, errOf(fs.Symlinkat(c, "d/moved", nil, "/tmp/ln")))
			if s, e := fs.Readlinkat(c, nil, "/tmp/ln"); s != "d/moved" || e != 0 {
				t.Errorf("readlink: %q, %v", s, e)
			}
			must(t, errOf(fs.Linkat(c, nil, "/tmp/ln", nil, "/tmp/hard", abi.AT_SYMLINK_FOLLOW)))
			fs.Stat(c, nil, "/tmp/hard", 0, &st)
			if st.Nlink != 2 {
				t.Errorf("nlink after link: %d", st.Nlink)
			}

			// The working directory inside the tmpfs.
			must(t, errOf(fs.Chdir(c, "/tmp/d")))
			if cwd, e := fs.Getcwd(c); cwd != "/tmp/d" || e != 0 {
				t.Errorf("getcwd: %q, %v", cwd, e)
			}
			h := open(t, fs, c, nil, "moved", abi.O_RDONLY, 0)
			if got := readAll(t, h); got != "hello tmpfs" {
				t.Errorf("relative read: %q", got)
			}
			up := open(t, fs, c, nil, "../../etc/hosts", abi.O_RDONLY, 0)
			if got := readAll(t, up); got != "/etc/hosts" {
				t.Errorf("../../etc/hosts from /tmp/d: %q", got)
			}
			dir := open(t, fs, c, nil, ".", abi.O_RDONLY|abi.O_DIRECTORY, 0)
			buf := make([]byte, 512)
			n, e := dir.Getdents64(buf)
			if e != 0 || !bytes.Contains(buf[:n], []byte("moved\x00")) || !bytes.Contains(buf[:n], []byte("..\x00")) {
				t.Errorf("getdents64: %d, %v: %q", n, e, buf[:n])
			}
			must(t, errOf(fs.Unlinkat(c, nil, "moved", 0)))
			if _, e := fs.Openat(c, nil, "moved", abi.O_RDONLY, 0); e != abi.ENOENT {
				t.Errorf("open after unlink: got %v, want ENOENT", e)
			}
			if got := readAll(t, h); got != "" {
				t.Errorf("an open file after unlink read %q at its end", got)
			}
			if e := fs.Fchmodat(c, nil, "/tmp/hard", 0o600, 0); e != 0 {
				t.Errorf("chmod: %v", e)
			}
		})
	}
}

func TestMountsPermissions(t *testing.T) {
	fs, c := mountedFS(t, "openat2")
	alice := user{c, Creds{UID: 1000, GID: 1000}}
	bob := user{c, Creds{UID: 1001, GID: 1001}}
	f, e := fs.Openat(alice, nil, "/tmp/a", abi.O_CREAT|abi.O_WRONLY, 0o600)
	if e != 0 {
		t.Fatal(e)
	}
	f.DecRef()
	var st abi.Stat_t
	fs.Stat(alice, nil, "/tmp/a", 0, &st)
	if st.Uid != 1000 || st.Gid != 1000 {
		t.Errorf("owner: %d:%d, want 1000:1000", st.Uid, st.Gid)
	}
	if _, e := fs.Openat(bob, nil, "/tmp/a", abi.O_RDONLY, 0); e != abi.EACCES {
		t.Errorf("bob opens alice's 0600 file: got %v, want EACCES", e)
	}
	if e := fs.Unlinkat(bob, nil, "/tmp/a", 0); e != abi.EPERM {
		t.Errorf("bob unlinks in sticky /tmp: got %v, want EPERM", e)
	}
	if e := fs.Fchmodat(bob, nil, "/tmp/a", 0o666, 0); e != abi.EPERM {
		t.Errorf("bob chmods: got %v, want EPERM", e)
	}
	if e := fs.Mknodat(alice, nil, "/tmp/null", abi.S_IFCHR|0o666, abi.Mkdev(1, 3)); e != abi.EPERM {
		t.Errorf("mknod of a device by uid 1000: got %v, want EPERM", e)
	}
	if e := fs.Mkdirat(alice, nil, "/dev/x", 0o755); e != abi.EACCES {
		t.Errorf("mkdir in /dev by uid 1000: got %v, want EACCES", e)
	}
	if e := fs.Unlinkat(alice, nil, "/tmp/a", 0); e != 0 {
		t.Errorf("alice unlinks her file: %v", e)
	}
}

// errOf turns an Errno into an error for must.
func errOf(e abi.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}

// TestMountsListed checks that a mount point the host directory lacks is
// listed in it, once, and one it has is not listed twice.
func TestMountsListed(t *testing.T) {
	fs, c := mountedFS(t, "openat2")
	must(t, os.Mkdir(filepath.Join(fs.HostRoot(), "tmp"), 0o755)) // present on the host too
	root := open(t, fs, c, nil, "/", abi.O_RDONLY|abi.O_DIRECTORY, 0)
	var names []string
	buf := make([]byte, 100) // a few entries per call
	for {
		n, e := root.Getdents64(buf)
		if e != 0 {
			t.Fatalf("getdents64: %v", e)
		}
		if n == 0 {
			break
		}
		for b := buf[:n]; len(b) > 0; {
			reclen := int(binary.LittleEndian.Uint16(b[16:]))
			names = append(names, strings.TrimRight(string(b[19:reclen]), "\x00"))
			b = b[reclen:]
		}
	}
	slices.Sort(names)
	want := []string{".", "..", "dev", "etc", "home", "tmp", "todev", "tolink", "up"}
	if !slices.Equal(names, want) {
		t.Errorf("ls /: got %v, want %v", names, want)
	}
}

func TestTmpfile(t *testing.T) {
	fs, c := mountedFS(t, "openat2")
	f, e := fs.Openat(c, nil, "/tmp", abi.O_TMPFILE|abi.O_RDWR, 0o600)
	if e != 0 {
		t.Fatalf("O_TMPFILE: %v", e)
	}
	defer f.DecRef()
	f.Write([]byte("unnamed"))
	var st abi.Stat_t
	if f.Stat(&st); st.Nlink != 0 || st.Mode != abi.S_IFREG|0o600 {
		t.Errorf("an O_TMPFILE file: nlink %d mode %#o", st.Nlink, st.Mode)
	}
	if e := fs.Linkat(c, f, "", nil, "/tmp/named", abi.AT_EMPTY_PATH); e != 0 {
		t.Fatalf("linkat: %v", e)
	}
	g := open(t, fs, c, nil, "/tmp/named", abi.O_RDONLY, 0)
	if got := readAll(t, g); got != "unnamed" {
		t.Errorf("read through its new name: %q", got)
	}
	x, e := fs.Openat(c, nil, "/tmp", abi.O_TMPFILE|abi.O_RDWR|abi.O_EXCL, 0o600)
	if e != 0 {
		t.Fatal(e)
	}
	defer x.DecRef()
	if e := fs.Linkat(c, x, "", nil, "/tmp/never", abi.AT_EMPTY_PATH); e != abi.ENOENT {
		t.Errorf("linkat of an O_EXCL tmpfile: got %v, want ENOENT", e)
	}
	if _, e := fs.Openat(c, nil, "/tmp", abi.O_TMPFILE|abi.O_RDONLY, 0o600); e != abi.EINVAL {
		t.Errorf("O_TMPFILE read-only: got %v, want EINVAL", e)
	}
}
