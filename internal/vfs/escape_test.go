package vfs

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vessel/internal/abi"
)

// The escape tests: a guest tries every way out of its root it can name.
// Beside the root lies a host file "secret" and a host directory
// "outside"; each attempt must fail or land inside the root, and at the end
// the host side must be exactly as it was.

const secret = "HOST-SECRET"

// escapeTree makes base/secret, base/outside/secret and base/root with
// decoys, and returns the root.
func escapeTree(t *testing.T, base string) string {
	t.Helper()
	must(t, os.WriteFile(filepath.Join(base, "secret"), []byte(secret), 0o644))
	must(t, os.MkdirAll(filepath.Join(base, "outside"), 0o755))
	must(t, os.WriteFile(filepath.Join(base, "outside", "secret"), []byte(secret), 0o644))
	root := filepath.Join(base, "root")
	tree(t, root,
		"etc/passwd",
		"sub/dir/",
		"sub/file",
		"hostetc -> /etc",
		"up -> ../../..",
		"sub/up2 -> ../../../../..",
		"sub/outside -> ../../outside",
		"hostsecret -> "+filepath.Join(base, "secret"),
		"hostoutside -> "+filepath.Join(base, "outside"),
		"sub/dotdots -> ../../../../../../../../../../../../../../..",
	)
	return root
}

// hostSide lists what exists beside the root, to prove nothing changed.
func hostSide(t *testing.T, base string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(base, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(base, p)
		if rel == "root" {
			return filepath.SkipDir
		}
		info, _ := d.Info()
		out = append(out, rel+" "+info.Mode().String())
		return nil
	})
	b, err := os.ReadFile(filepath.Join(base, "secret"))
	if err != nil || string(b) != secret {
		t.Fatalf("host secret changed: %q, %v", b, err)
	}
	return out
}

func TestEscapeOpen(t *testing.T) {
	base := t.TempDir()
	root := escapeTree(t, base)
	before := hostSide(t, base)
	paths := []string{
		"../secret",
		"../../secret",
		"/../secret",
		"/../../../../../../secret",
		"/../outside/secret",
		"up/secret",
		"up/outside/secret",
		"/sub/up2/secret",
		"/sub/outside/secret",
		"/sub/dotdots/secret",
		"/hostsecret",
		"/hostoutside/secret",
		"/hostoutside/../secret",
		"/sub/../../secret",
		"sub/dir/../../../secret",
		"/proc/self/root/" + base + "/secret",
		"/proc/self/cwd/../secret",
		base + "/secret",
		"//" + base + "/secret",
	}
	resolvers(t, root, func(t *testing.T, fs *FS) {
		c := fs.NewContext()
		defer c.DecRef()
		sub := open(t, fs, c, nil, "/sub/dir", abi.O_PATH|abi.O_DIRECTORY, 0)
		for _, p := range paths {
			for _, dir := range []*File{nil, sub} {
				f, e := fs.Openat(c, dir, p, abi.O_RDONLY, 0)
				if e == 0 {
					got := readAll(t, f)
					f.DecRef()
					if got == secret {
						t.Fatalf("Openat(%q) read the host's secret", p)
					}
					t.Errorf("Openat(%q) opened %q, want ENOENT", p, got)
				}
			}
		}
		// The host's /etc is not the guest's.
		f := open(t, fs, c, nil, "/hostetc/passwd", abi.O_RDONLY, 0)
		if got := readAll(t, f); got != "/etc/passwd" {
			t.Errorf("/hostetc/passwd read %q, want the guest's /etc/passwd", got)
		}
		// Listing ".." of the root lists the root.
		d := open(t, fs, c, nil, "/..", abi.O_RDONLY|abi.O_DIRECTORY, 0)
		names := listDir(t, d, 4096)
		if slices.Contains(names, "secret") || !slices.Contains(names, "hostetc") {
			t.Errorf("listing /.. gave %v", names)
		}
		// chdir cannot climb out either.
		for _, p := range []string{"/..", "../../..", "/up", "/sub/dotdots", "/hostoutside/.."} {
			if e := fs.Chdir(c, p); e != 0 && e != abi.ENOENT {
				t.Errorf("Chdir(%q): %v", p, e)
			}
			if _, e := fs.Openat(c, nil, "secret", abi.O_RDONLY, 0); e != abi.ENOENT {
				t.Errorf("after Chdir(%q), secret: got %v, want ENOENT", p, e)
			}
			if _, e := fs.Openat(c, nil, "../secret", abi.O_RDONLY, 0); e != abi.ENOENT {
				t.Errorf("after Chdir(%q), ../secret: got %v, want ENOENT", p, e)
			}
		}
		if cwd, _ := fs.Getcwd(c); cwd != "/" {
			t.Errorf("Getcwd = %q, want /", cwd)
		}
	})
	if after := hostSide(t, base); !slices.Equal(before, after) {
		t.Errorf("host side changed:\n%v\n%v", before, after)
	}
}

// TestEscapeModify tries to change things outside through every call that
// writes: create, mkdir, rename, link, symlink, unlink, chmod, chown,
// utimes, truncate. Each must fail or act inside the root.
func TestEscapeModify(t *testing.T) {
	for _, mode := range []string{"openat2", "walk", "mounted"} {
		t.Run(mode, func(t *testing.T) {
			base := t.TempDir()
			root := escapeTree(t, base)
			before := hostSide(t, base)
			fs := newTestFS(t, root, mode)
			c := fs.NewContext()
			defer c.DecRef()
			sub := open(t, fs, c, nil, "/sub/dir", abi.O_PATH|abi.O_DIRECTORY, 0)

			okOrENOENT := func(what string, e abi.Errno, allowed ...abi.Errno) {
				t.Helper()
				if e != 0 && e != abi.ENOENT && !slices.Contains(allowed, e) {
					t.Errorf("%s: %v", what, e)
				}
			}
			if f, e := fs.Openat(c, nil, "../../created", abi.O_CREAT|abi.O_WRONLY, 0o644); e == 0 {
				f.DecRef()
			}
			if f, e := fs.Openat(c, sub, "../../../../created2", abi.O_CREAT|abi.O_WRONLY, 0o644); e == 0 {
				f.DecRef()
			}
			okOrENOENT("mkdir", fs.Mkdirat(c, nil, "/up/newdir", 0o755))
			okOrENOENT("mkdir", fs.Mkdirat(c, sub, "../../../newdir2", 0o755))
			okOrENOENT("mkdir through link with slash", fs.Mkdirat(c, nil, "/hostoutside/", 0o755), abi.EEXIST)
			okOrENOENT("rmdir through link with slash", fs.Unlinkat(c, nil, "/hostoutside/", abi.AT_REMOVEDIR), abi.ENOTDIR)
			okOrENOENT("unlink through link with slash", fs.Unlinkat(c, nil, "/hostoutside/", 0), abi.ENOTDIR)
			okOrENOENT("unlink", fs.Unlinkat(c, nil, "../secret", 0))
			okOrENOENT("unlink", fs.Unlinkat(c, nil, "/sub/outside/secret", 0))
			okOrENOENT("unlink", fs.Unlinkat(c, nil, "/hostoutside/secret", 0))
			okOrENOENT("rmdir", fs.Unlinkat(c, nil, "/up/outside", abi.AT_REMOVEDIR))
			okOrENOENT("rename", fs.Renameat2(c, nil, "/sub/file", nil, "../../moved", 0))
			okOrENOENT("rename", fs.Renameat2(c, nil, "/hostoutside/secret", nil, "/stolen", 0))
			okOrENOENT("rename", fs.Renameat2(c, nil, "../secret", nil, "/stolen", 0))
			okOrENOENT("rename over link", fs.Renameat2(c, nil, "/etc/passwd", nil, "/hostsecret", 0))
			okOrENOENT("link", fs.Linkat(c, nil, "/hostsecret", nil, "/stolen2", abi.AT_SYMLINK_FOLLOW))
			okOrENOENT("link", fs.Linkat(c, nil, "../../secret", nil, "/stolen3", 0))
			okOrENOENT("link into outside", fs.Linkat(c, nil, "/etc/passwd", nil, "/hostoutside/planted", 0))
			okOrENOENT("link to link with slash", fs.Linkat(c, nil, "/hostoutside/", nil, "/stolen4", 0), abi.EPERM)
			okOrENOENT("symlink", fs.Symlinkat(c, "/etc/passwd", nil, "/up/planted"))
			okOrENOENT("symlink over link", fs.Symlinkat(c, "x", nil, "/hostoutside/"), abi.EEXIST)
			okOrENOENT("chmod", fs.Fchmodat(c, nil, "/hostsecret", 0o777, 0))
			okOrENOENT("chmod", fs.Fchmodat(c, nil, "/hostoutside", 0o700, 0))
			okOrENOENT("chown", fs.Fchownat(c, nil, "/hostoutside", 0, 0, 0))
			okOrENOENT("utimes", fs.Utimensat(c, nil, "/hostoutside", nil, 0))
			okOrENOENT("utimes", fs.Utimensat(c, nil, "/up/secret", nil, 0))
			okOrENOENT("truncate", fs.Truncate(c, "/hostsecret", 0))
			okOrENOENT("truncate", fs.Truncate(c, "../secret", 0))
			okOrENOENT("mknod", fs.Mknodat(c, nil, "/up/node", abi.S_IFREG|0o644, 0))
			okOrENOENT("rename exchange", fs.Renameat2(c, nil, "/etc", nil, "/hostoutside", abi.RENAME_EXCHANGE))

			// What was made went inside the root.
			for _, p := range []string{"created", "created2", "newdir", "newdir2", "moved"} {
				if _, err := os.Lstat(filepath.Join(root, p)); err != nil {
					t.Errorf("%s was not made inside the root: %v", p, err)
				}
			}
			if after := hostSide(t, base); !slices.Equal(before, after) {
				t.Errorf("host side changed:\nbefore %v\nafter  %v", before, after)
			}
			// The links the guest made point where it said, and following
			// them stays inside.
			if s, e := fs.Readlinkat(c, nil, "/planted"); e != 0 || s != "/etc/passwd" {
				t.Errorf("Readlinkat(/planted) = %q, %v", s, e)
			}
		})
	}
}

// listDir reads every name in directory d with buffer size bufSize.
func listDir(t *testing.T, d *File, bufSize int) []string {
	t.Helper()
	buf := make([]byte, bufSize)
	var names []string
	for {
		n, e := d.Getdents64(buf)
		if e != 0 {
			t.Fatalf("Getdents64: %v", e)
		}
		if n == 0 {
			return names
		}
		for off := 0; off < n; {
			reclen := int(buf[off+16]) | int(buf[off+17])<<8
			name := buf[off+19 : off+reclen]
			names = append(names, strings.TrimRight(string(name), "\x00"))
			off += reclen
		}
	}
}
