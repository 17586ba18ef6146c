package vfs

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// TestPathOps runs the path system calls, in order, against a fresh root
// under each resolver; each step states its errno.
func TestPathOps(t *testing.T) {
	resolversFresh(t, func(t *testing.T, fs *FS, root string) {
		tree(t, root, "d/f", "d/sub/", "lnk -> d/f", "dlnk -> d", "dangling -> nowhere")
		c := fs.NewContext()
		defer c.DecRef()
		d := open(t, fs, c, nil, "/d", abi.O_PATH, 0)
		f := open(t, fs, c, nil, "/d/f", abi.O_RDONLY, 0)
		steps := []struct {
			name string
			call func() abi.Errno
			want abi.Errno
		}{
			{"mkdir", func() abi.Errno { return fs.Mkdirat(c, nil, "/new", 0o755) }, 0},
			{"mkdir exists", func() abi.Errno { return fs.Mkdirat(c, nil, "/new", 0o755) }, abi.EEXIST},
			{"mkdir trailing slash", func() abi.Errno { return fs.Mkdirat(c, nil, "/new2/", 0o755) }, 0},
			{"mkdir dot", func() abi.Errno { return fs.Mkdirat(c, nil, "/new/.", 0o755) }, abi.EEXIST},
			{"mkdir dotdot", func() abi.Errno { return fs.Mkdirat(c, nil, "/new/..", 0o755) }, abi.EEXIST},
			{"mkdir root", func() abi.Errno { return fs.Mkdirat(c, nil, "/", 0o755) }, abi.EEXIST},
			{"mkdir missing parent", func() abi.Errno { return fs.Mkdirat(c, nil, "/x/y", 0o755) }, abi.ENOENT},
			{"mkdir under file", func() abi.Errno { return fs.Mkdirat(c, nil, "/d/f/y", 0o755) }, abi.ENOTDIR},
			{"mkdir over link", func() abi.Errno { return fs.Mkdirat(c, nil, "/dangling", 0o755) }, abi.EEXIST},
			{"mkdir relative to dirfd", func() abi.Errno { return fs.Mkdirat(c, d, "sub2", 0o755) }, 0},
			{"mkdir dirfd is file", func() abi.Errno { return fs.Mkdirat(c, f, "x", 0o755) }, abi.ENOTDIR},
			{"mkdir empty", func() abi.Errno { return fs.Mkdirat(c, nil, "", 0o755) }, abi.ENOENT},
			{"rmdir", func() abi.Errno { return fs.Unlinkat(c, d, "sub2", abi.AT_REMOVEDIR) }, 0},
			{"rmdir not empty", func() abi.Errno { return fs.Unlinkat(c, nil, "/d", abi.AT_REMOVEDIR) }, abi.ENOTEMPTY},
			{"rmdir file", func() abi.Errno { return fs.Unlinkat(c, nil, "/d/f", abi.AT_REMOVEDIR) }, abi.ENOTDIR},
			{"rmdir dot", func() abi.Errno { return fs.Unlinkat(c, nil, "/new/.", abi.AT_REMOVEDIR) }, abi.EINVAL},
			{"rmdir dotdot", func() abi.Errno { return fs.Unlinkat(c, nil, "/new/..", abi.AT_REMOVEDIR) }, abi.ENOTEMPTY},
			{"rmdir root", func() abi.Errno { return fs.Unlinkat(c, nil, "/", abi.AT_REMOVEDIR) }, abi.EBUSY},
			{"rmdir link to dir", func() abi.Errno { return fs.Unlinkat(c, nil, "/dlnk/", abi.AT_REMOVEDIR) }, abi.ENOTDIR},
			{"unlink dir", func() abi.Errno { return fs.Unlinkat(c, nil, "/new", 0) }, abi.EISDIR},
			{"unlink dot", func() abi.Errno { return fs.Unlinkat(c, nil, ".", 0) }, abi.EISDIR},
			{"unlink file slash", func() abi.Errno { return fs.Unlinkat(c, nil, "/d/f/", 0) }, abi.ENOTDIR},
			{"unlink bad flags", func() abi.Errno { return fs.Unlinkat(c, nil, "/d/f", 1) }, abi.EINVAL},
			{"symlink", func() abi.Errno { return fs.Symlinkat(c, "d/f", nil, "/sl") }, 0},
			{"symlink exists", func() abi.Errno { return fs.Symlinkat(c, "x", nil, "/sl") }, abi.EEXIST},
			{"symlink empty target", func() abi.Errno { return fs.Symlinkat(c, "", nil, "/sl2") }, abi.ENOENT},
			{"symlink trailing slash", func() abi.Errno { return fs.Symlinkat(c, "x", nil, "/sl3/") }, abi.ENOENT},
			{"unlink link", func() abi.Errno { return fs.Unlinkat(c, nil, "/sl", 0) }, 0},
			{"link", func() abi.Errno { return fs.Linkat(c, nil, "/d/f", nil, "/hard", 0) }, 0},
			{"link exists", func() abi.Errno { return fs.Linkat(c, nil, "/d/f", nil, "/hard", 0) }, abi.EEXIST},
			{"link dir", func() abi.Errno { return fs.Linkat(c, nil, "/d", nil, "/hd", 0) }, abi.EPERM},
			{"link link itself", func() abi.Errno { return fs.Linkat(c, nil, "/lnk", nil, "/hl", 0) }, 0},
			{"link follow", func() abi.Errno { return fs.Linkat(c, nil, "/lnk", nil, "/hf", abi.AT_SYMLINK_FOLLOW) }, 0},
			{"link empty path", func() abi.Errno { return fs.Linkat(c, f, "", nil, "/he", abi.AT_EMPTY_PATH) }, 0},
			{"link empty no flag", func() abi.Errno { return fs.Linkat(c, f, "", nil, "/he2", 0) }, abi.ENOENT},
			{"link to dot", func() abi.Errno { return fs.Linkat(c, nil, "/d/f", nil, "/d/.", 0) }, abi.EEXIST},
			{"link bad flags", func() abi.Errno { return fs.Linkat(c, nil, "/d/f", nil, "/x", 1) }, abi.EINVAL},
			{"rename", func() abi.Errno { return fs.Renameat2(c, nil, "/hard", nil, "/d/moved", 0) }, 0},
			{"rename noreplace", func() abi.Errno { return fs.Renameat2(c, nil, "/hf", nil, "/d/moved", abi.RENAME_NOREPLACE) }, abi.EEXIST},
			{"rename exchange", func() abi.Errno { return fs.Renameat2(c, nil, "/new", d, "moved", abi.RENAME_EXCHANGE) }, 0},
			{"rename exchange missing", func() abi.Errno { return fs.Renameat2(c, nil, "/new", nil, "/nope", abi.RENAME_EXCHANGE) }, abi.ENOENT},
			{"rename both flags", func() abi.Errno {
				return fs.Renameat2(c, nil, "/new", nil, "/x", abi.RENAME_NOREPLACE|abi.RENAME_EXCHANGE)
			}, abi.EINVAL},
			{"rename bad flags", func() abi.Errno { return fs.Renameat2(c, nil, "/new", nil, "/x", 8) }, abi.EINVAL},
			{"rename dot", func() abi.Errno { return fs.Renameat2(c, nil, "/d/.", nil, "/x", 0) }, abi.EBUSY},
			{"rename onto dotdot", func() abi.Errno { return fs.Renameat2(c, nil, "/hf", nil, "/d/..", 0) }, abi.EBUSY},
			{"rename onto dotdot noreplace", func() abi.Errno {
				return fs.Renameat2(c, nil, "/hf", nil, "/d/..", abi.RENAME_NOREPLACE)
			}, abi.EEXIST},
			{"rename dir into itself", func() abi.Errno { return fs.Renameat2(c, nil, "/d", nil, "/d/sub/x", 0) }, abi.EINVAL},
			{"rename file slash", func() abi.Errno { return fs.Renameat2(c, nil, "/hf/", nil, "/x", 0) }, abi.ENOTDIR},
			{"mknod", func() abi.Errno { return fs.Mknodat(c, nil, "/node", abi.S_IFREG|0o600, 0) }, 0},
			{"mknod type 0", func() abi.Errno { return fs.Mknodat(c, nil, "/node0", 0o600, 0) }, 0},
			{"mknod fifo", func() abi.Errno { return fs.Mknodat(c, nil, "/fifo", abi.S_IFIFO|0o600, 0) }, 0},
			{"mknod char device", func() abi.Errno { return fs.Mknodat(c, nil, "/null", abi.S_IFCHR|0o600, abi.Mkdev(1, 3)) }, abi.EPERM},
			{"mknod dir", func() abi.Errno { return fs.Mknodat(c, nil, "/dir", abi.S_IFDIR|0o600, 0) }, abi.EPERM},
			{"mknod bad", func() abi.Errno { return fs.Mknodat(c, nil, "/bad", 0o110000, 0) }, abi.EINVAL},
			{"mknod exists", func() abi.Errno { return fs.Mknodat(c, nil, "/node", abi.S_IFREG, 0) }, abi.EEXIST},
			{"truncate", func() abi.Errno { return fs.Truncate(c, "/lnk", 3) }, 0},
			{"truncate dir", func() abi.Errno { return fs.Truncate(c, "/d", 3) }, abi.EISDIR},
			{"truncate negative", func() abi.Errno { return fs.Truncate(c, "/lnk", -1) }, abi.EINVAL},
			{"chmod", func() abi.Errno { return fs.Fchmodat(c, nil, "/lnk", 0o640, 0) }, 0},
			{"chmod link nofollow", func() abi.Errno { return fs.Fchmodat(c, nil, "/lnk", 0o640, abi.AT_SYMLINK_NOFOLLOW) }, abi.EOPNOTSUPP},
			{"chmod empty path", func() abi.Errno { return fs.Fchmodat(c, f, "", 0o604, abi.AT_EMPTY_PATH) }, 0},
			{"chmod bad flags", func() abi.Errno { return fs.Fchmodat(c, nil, "/lnk", 0, abi.AT_REMOVEDIR) }, abi.EINVAL},
			{"chown same", func() abi.Errno { return fs.Fchownat(c, nil, "/lnk", ^uint32(0), ^uint32(0), 0) }, 0},
			{"lchown", func() abi.Errno {
				return fs.Fchownat(c, nil, "/lnk", uint32(os.Getuid()), ^uint32(0), abi.AT_SYMLINK_NOFOLLOW)
			}, 0},
			{"access exists", func() abi.Errno { return fs.Faccessat(c, nil, "/lnk", abi.F_OK, 0) }, 0},
			{"access read", func() abi.Errno { return fs.Faccessat(c, nil, "/d/f", abi.R_OK, abi.AT_EACCESS) }, 0},
			{"access exec file", func() abi.Errno { return fs.Faccessat(c, nil, "/d/f", abi.X_OK, 0) }, abi.EACCES},
			{"access dangling", func() abi.Errno { return fs.Faccessat(c, nil, "/dangling", abi.F_OK, 0) }, abi.ENOENT},
			{"access dangling nofollow", func() abi.Errno {
				return fs.Faccessat(c, nil, "/dangling", abi.F_OK, abi.AT_SYMLINK_NOFOLLOW)
			}, 0},
			{"access bad mode", func() abi.Errno { return fs.Faccessat(c, nil, "/d", 8, 0) }, abi.EINVAL},
			{"utimens omit omit", func() abi.Errno {
				return fs.Utimensat(c, nil, "/nope", &[2]abi.Timespec{{Nsec: abi.UTIME_OMIT}, {Nsec: abi.UTIME_OMIT}}, 0)
			}, 0},
			{"utimens bad nsec", func() abi.Errno {
				return fs.Utimensat(c, nil, "/d/f", &[2]abi.Timespec{{Nsec: 1e9}, {}}, 0)
			}, abi.EINVAL},
			{"utimens", func() abi.Errno {
				return fs.Utimensat(c, nil, "/lnk", &[2]abi.Timespec{{Sec: 1000, Nsec: 5}, {Nsec: abi.UTIME_OMIT}}, 0)
			}, 0},
			{"utimens link itself", func() abi.Errno {
				return fs.Utimensat(c, nil, "/dangling", &[2]abi.Timespec{{Sec: 7}, {Sec: 8}}, abi.AT_SYMLINK_NOFOLLOW)
			}, 0},
			{"utimens now", func() abi.Errno { return fs.Utimensat(c, nil, "/d/sub", nil, 0) }, 0},
			{"utimens fd", func() abi.Errno {
				return fs.Utimensat(c, f, "", &[2]abi.Timespec{{Nsec: abi.UTIME_OMIT}, {Nsec: abi.UTIME_NOW}}, abi.AT_EMPTY_PATH)
			}, 0},
		}
		for _, s := range steps {
			if got := s.call(); got != s.want {
				t.Errorf("%s: got %v, want %v", s.name, got, s.want)
			}
		}
		// What the steps left behind.
		checks := []struct {
			path string
			mode os.FileMode
		}{
			{"new2", os.ModeDir | 0o755},
			{"d/moved", os.ModeDir | 0o755}, // exchanged with /new
			{"new", 0o604},                  // the old /hard, chmod'ed through f
			{"hl", os.ModeSymlink | 0o777},
			{"node", 0o600},
			{"node0", 0o600},
			{"fifo", os.ModeNamedPipe | 0o600},
		}
		for _, ck := range checks {
			fi, err := os.Lstat(filepath.Join(root, ck.path))
			if err != nil {
				t.Errorf("%s: %v", ck.path, err)
				continue
			}
			if fi.Mode() != ck.mode {
				t.Errorf("%s: mode %v, want %v", ck.path, fi.Mode(), ck.mode)
			}
		}
		if fi, _ := os.Stat(filepath.Join(root, "d/f")); fi.Size() != 3 || fi.ModTime().Unix() == 1000 {
			t.Errorf("d/f: size %d mtime %v", fi.Size(), fi.ModTime())
		}
		var st unix.Stat_t
		unix.Stat(filepath.Join(root, "d/f"), &st)
		if st.Atim.Sec != 1000 || st.Atim.Nsec != 5 {
			t.Errorf("d/f atime %v, want 1000.000000005", st.Atim)
		}
		unix.Lstat(filepath.Join(root, "dangling"), &st)
		if st.Atim.Sec != 7 || st.Mtim.Sec != 8 {
			t.Errorf("dangling link times %v %v, want 7 8", st.Atim, st.Mtim)
		}
		if s, e := fs.Readlinkat(c, nil, "/lnk"); s != "d/f" || e != 0 {
			t.Errorf("Readlinkat = %q, %v", s, e)
		}
		if _, e := fs.Readlinkat(c, nil, "/d/f"); e != abi.EINVAL {
			t.Errorf("Readlinkat of a file: %v, want EINVAL", e)
		}
		if _, e := fs.Readlinkat(c, nil, ""); e != abi.EINVAL {
			t.Errorf("Readlinkat of \"\" (the cwd): %v, want EINVAL", e)
		}
		lf := open(t, fs, c, nil, "/lnk", abi.O_PATH|abi.O_NOFOLLOW, 0)
		if s, e := fs.Readlinkat(c, lf, ""); s != "d/f" || e != 0 {
			t.Errorf("Readlinkat(O_PATH link, \"\") = %q, %v", s, e)
		}
	})
}

func TestStat(t *testing.T) {
	fs, c, root := newFS(t, "d/f", "lnk -> d/f")
	must(t, os.WriteFile(filepath.Join(root, "d/f"), []byte("12345"), 0o640))
	must(t, os.Chmod(filepath.Join(root, "d/f"), 0o640))
	var host unix.Stat_t
	must(t, unix.Stat(filepath.Join(root, "d/f"), &host))
	var st abi.Stat_t
	if e := fs.Stat(c, nil, "/lnk", 0, &st); e != 0 {
		t.Fatal(e)
	}
	want := abi.Stat_t{
		Dev: host.Dev, Ino: host.Ino, Mode: abi.S_IFREG | 0o640, Nlink: 1,
		Uid: host.Uid, Gid: host.Gid, Size: 5, Blksize: int32(host.Blksize), Blocks: host.Blocks,
		Atim: abi.Timespec{Sec: host.Atim.Sec, Nsec: host.Atim.Nsec},
		Mtim: abi.Timespec{Sec: host.Mtim.Sec, Nsec: host.Mtim.Nsec},
		Ctim: abi.Timespec{Sec: host.Ctim.Sec, Nsec: host.Ctim.Nsec},
	}
	if st != want {
		t.Errorf("Stat:\ngot  %+v\nwant %+v", st, want)
	}
	if e := fs.Stat(c, nil, "/lnk", abi.AT_SYMLINK_NOFOLLOW, &st); e != 0 || st.Mode&abi.S_IFMT != abi.S_IFLNK || st.Size != 3 {
		t.Errorf("lstat: mode %#o size %d, %v", st.Mode, st.Size, e)
	}
	d := open(t, fs, c, nil, "/d", abi.O_RDONLY, 0)
	if e := fs.Stat(c, d, "", abi.AT_EMPTY_PATH, &st); e != 0 || st.Mode&abi.S_IFMT != abi.S_IFDIR {
		t.Errorf("fstatat(AT_EMPTY_PATH): mode %#o, %v", st.Mode, e)
	}
	if e := fs.Stat(c, nil, "", abi.AT_EMPTY_PATH, &st); e != 0 || st.Ino != hostID(t, root, false).ino {
		t.Errorf("fstatat(AT_FDCWD, \"\", AT_EMPTY_PATH) is not the cwd: %v", e)
	}
	if e := fs.Stat(c, d, "", 0, &st); e != abi.ENOENT {
		t.Errorf("empty path without AT_EMPTY_PATH: %v, want ENOENT", e)
	}
	if e := fs.Stat(c, d, "f", abi.AT_REMOVEDIR, &st); e != abi.EINVAL {
		t.Errorf("bad flags: %v, want EINVAL", e)
	}
	// AT_EMPTY_PATH works on any kind of File.
	fake, _ := newFake(t)
	defer fake.DecRef()
	if e := fs.Stat(c, fake, "", abi.AT_EMPTY_PATH, &st); e != 0 || st.Mode != abi.S_IFREG {
		t.Errorf("fstat of a fake file: %#o, %v", st.Mode, e)
	}
}

func TestUmaskAndCreateModes(t *testing.T) {
	fs, c, root := newFS(t)
	if old := c.SetUmask(0); old != 0o022 {
		t.Errorf("initial umask %#o, want 022", old)
	}
	open(t, fs, c, nil, "/open666", abi.O_CREAT|abi.O_WRONLY, 0o666)
	if e := fs.Mkdirat(c, nil, "/dir777", 0o777); e != 0 {
		t.Fatal(e)
	}
	c.SetUmask(0o077)
	open(t, fs, c, nil, "/open600", abi.O_CREAT|abi.O_WRONLY|abi.O_EXCL, 0o666)
	open(t, fs, c, nil, "/tmpfile", abi.O_CREAT|abi.O_WRONLY, 0o4755|abi.S_IFDIR)
	c.SetUmask(0)
	// An existing file keeps its mode when O_CREAT opens it again.
	open(t, fs, c, nil, "/open600", abi.O_CREAT|abi.O_WRONLY, 0o666)
	want := map[string]os.FileMode{
		"open666": 0o666,
		"dir777":  os.ModeDir | 0o777,
		"open600": 0o600,
		"tmpfile": os.ModeSetuid | 0o700,
	}
	for name, mode := range want {
		fi, err := os.Lstat(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != mode {
			t.Errorf("%s: mode %v, want %v", name, fi.Mode(), mode)
		}
	}
	child := c.Fork()
	child.SetUmask(0o027)
	if c.Umask() != 0 {
		t.Error("a forked Context shares the umask")
	}
	child.DecRef()
}

func TestChdirGetcwd(t *testing.T) {
	resolversFresh(t, func(t *testing.T, fs *FS, root string) {
		tree(t, root, "a/b/c/", "a/f", "lnk -> a/b", "up -> ..")
		c := fs.NewContext()
		defer c.DecRef()
		steps := []struct {
			chdir string
			errno abi.Errno
			cwd   string
		}{
			{"a", 0, "/a"},
			{"b/c", 0, "/a/b/c"},
			{"..", 0, "/a/b"},
			{"/lnk/c/..", 0, "/a/b"},
			{"../../..", 0, "/"},
			{"lnk", 0, "/a/b"},
			{"/a/f", abi.ENOTDIR, "/a/b"},
			{"/nope", abi.ENOENT, "/a/b"},
			{"", abi.ENOENT, "/a/b"},
			{"c/../../../up/up", 0, "/"},
		}
		for _, s := range steps {
			if e := fs.Chdir(c, s.chdir); e != s.errno {
				t.Errorf("Chdir(%q): got %v, want %v", s.chdir, e, s.errno)
			}
			if cwd, e := fs.Getcwd(c); cwd != s.cwd || e != 0 {
				t.Errorf("after Chdir(%q): Getcwd = %q, %v; want %q", s.chdir, cwd, e, s.cwd)
			}
		}
		// A renamed working directory shows its new name; relative lookups
		// still work from it, including above it.
		fs.Chdir(c, "/a/b")
		must(t, os.Rename(filepath.Join(root, "a"), filepath.Join(root, "z")))
		if cwd, _ := fs.Getcwd(c); cwd != "/z/b" {
			t.Errorf("after rename: Getcwd = %q, want /z/b", cwd)
		}
		if _, e := fs.Openat(c, nil, "../f", abi.O_RDONLY, 0); e != 0 {
			t.Errorf("../f from a renamed cwd: %v", e)
		}
		// A removed working directory has no path.
		fs.Mkdirat(c, nil, "/gone", 0o755)
		fs.Chdir(c, "/gone")
		fs.Unlinkat(c, nil, "/gone", abi.AT_REMOVEDIR)
		if _, e := fs.Getcwd(c); e != abi.ENOENT {
			t.Errorf("Getcwd in a removed directory: %v, want ENOENT", e)
		}
		// fchdir.
		fs.Chdir(c, "/")
		dirf := open(t, fs, c, nil, "/z/b/c", abi.O_RDONLY|abi.O_DIRECTORY, 0)
		if e := fs.Fchdir(c, dirf); e != 0 {
			t.Fatal(e)
		}
		if cwd, _ := fs.Getcwd(c); cwd != "/z/b/c" {
			t.Errorf("after Fchdir: %q", cwd)
		}
		file := open(t, fs, c, nil, "/z/f", abi.O_RDONLY, 0)
		if e := fs.Fchdir(c, file); e != abi.ENOTDIR {
			t.Errorf("Fchdir to a file: %v, want ENOTDIR", e)
		}
		// A forked Context keeps its own cwd; a shared one follows.
		child := c.Fork()
		fs.Chdir(child, "/")
		if cwd, _ := fs.Getcwd(c); cwd != "/z/b/c" {
			t.Errorf("parent cwd moved with the child's: %q", cwd)
		}
		child.DecRef()
		c.IncRef()
		fs.Chdir(c, "/z")
		c.DecRef()
		if cwd, _ := fs.Getcwd(c); cwd != "/z" {
			t.Errorf("shared cwd = %q", cwd)
		}
	})
}

func TestChroot(t *testing.T) {
	resolversFresh(t, func(t *testing.T, fs *FS, root string) {
		tree(t, root, "jail/etc/passwd", "jail/lnk -> /etc/passwd", "etc/passwd", "jail/sub/")
		c := fs.NewContext()
		defer c.DecRef()
		if e := fs.Chroot(c, "/jail"); e != 0 {
			t.Fatal(e)
		}
		// The working directory is still the real "/" (outside the jail).
		if cwd, _ := fs.Getcwd(c); cwd != "(unreachable)/" {
			t.Errorf("Getcwd after chroot = %q", cwd)
		}
		fs.Chdir(c, "/")
		for _, p := range []string{"/etc/passwd", "/lnk", "../../etc/passwd", "/sub/../../etc/passwd"} {
			f := open(t, fs, c, nil, p, abi.O_RDONLY, 0)
			if got := readAll(t, f); got != "/jail/etc/passwd" {
				t.Errorf("%s in the jail read %q", p, got)
			}
		}
		if cwd, _ := fs.Getcwd(c); cwd != "/" {
			t.Errorf("Getcwd in the jail = %q", cwd)
		}
	})
}
