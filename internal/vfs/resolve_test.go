package vfs

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"vessel/internal/abi"
)

// resolveTree is the guest tree the resolution table runs over.
func resolveTree(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "root")
	tree(t, root,
		"etc/passwd",
		"marker",
		"a/b/f",
		"a/b/c/",
		"a/lnk_abs -> /etc",
		"a/lnk_rel -> b/f",
		"a/lnk_dir -> b",
		"a/lnk_up -> ../../..",
		"a/lnk_up_etc -> ../../../../etc/passwd",
		"a/to_marker -> ../../marker",
		"a/outside -> ../../outside",
		"a/dangling -> /nonexistent",
		"a/empty_target_parent/",
		"a/loop1 -> loop2",
		"a/loop2 -> loop1",
		"a/self -> .",
		"a/slash -> b/",
		"a/file_slash -> b/f/",
		"rootlink -> /",
	)
	// l0 -> l1 -> ... -> l40 -> b/f: opening lK follows 41-K links.
	for i := range 41 {
		target := fmt.Sprintf("l%d", i+1)
		if i == 40 {
			target = "b/f"
		}
		tree(t, root, fmt.Sprintf("a/l%d -> %s", i, target))
	}
	return root
}

func TestResolve(t *testing.T) {
	root := resolveTree(t)
	long := "/" + strings.Repeat("x/", 2100)
	tests := []struct {
		name   string
		dir    string // "" for AT_FDCWD (the working directory, "/")
		path   string
		flags  uint32
		want   string // guest path of the result, or "" with errno
		link   bool   // want names a symbolic link itself
		errno  abi.Errno
		onHost bool // want is a host path (checked not reached)
	}{
		{name: "absolute", path: "/a/b/f", want: "/a/b/f"},
		{name: "relative", path: "a/b/f", want: "/a/b/f"},
		{name: "dotdot inside", path: "/a/b/../b/./f", want: "/a/b/f"},
		{name: "double slashes", path: "//a///b//f", want: "/a/b/f"},
		{name: "dotdot above root", path: "../../etc/passwd", want: "/etc/passwd"},
		{name: "absolute dotdot above root", path: "/../../etc/passwd", want: "/etc/passwd"},
		{name: "root dotdot", path: "/..", flags: abi.O_DIRECTORY, want: "/"},
		{name: "root dotdot slash", path: "/../..//", want: "/"},
		{name: "absolute link", path: "/a/lnk_abs/passwd", want: "/etc/passwd"},
		{name: "relative link", path: "/a/lnk_rel", want: "/a/b/f"},
		{name: "link to dir", path: "/a/lnk_dir/f", want: "/a/b/f"},
		{name: "relative link above root", path: "/a/lnk_up/etc/passwd", want: "/etc/passwd"},
		{name: "relative link chain above root", path: "/a/lnk_up_etc", want: "/etc/passwd"},
		{name: "link to marker via dotdot", path: "/a/to_marker", want: "/marker"},
		{name: "link to outside via dotdot", path: "/a/outside/marker", errno: abi.ENOENT},
		{name: "root link", path: "/rootlink/rootlink/a/b/f", want: "/a/b/f"},
		{name: "dangling", path: "/a/dangling", errno: abi.ENOENT},
		{name: "loop", path: "/a/loop1", errno: abi.ELOOP},
		{name: "40 links", path: "/a/l1", want: "/a/b/f"},
		{name: "41 links", path: "/a/l0", errno: abi.ELOOP},
		{name: "41 links nofollow path", path: "/a/l0", flags: abi.O_PATH | abi.O_NOFOLLOW, want: "/a/l0", link: true},
		{name: "file as dir", path: "/a/b/f/x", errno: abi.ENOTDIR},
		{name: "file with slash", path: "/a/b/f/", errno: abi.ENOTDIR},
		{name: "file with dot", path: "/a/b/f/.", errno: abi.ENOTDIR},
		{name: "dir with slash", path: "/a/b/c/", want: "/a/b/c"},
		{name: "O_DIRECTORY on file", path: "/a/b/f", flags: abi.O_DIRECTORY, errno: abi.ENOTDIR},
		{name: "O_NOFOLLOW final link", path: "/a/lnk_rel", flags: abi.O_NOFOLLOW, errno: abi.ELOOP},
		{name: "O_NOFOLLOW inner link", path: "/a/lnk_dir/f", flags: abi.O_NOFOLLOW, want: "/a/b/f"},
		{name: "O_PATH|O_NOFOLLOW link", path: "/a/lnk_rel", flags: abi.O_PATH | abi.O_NOFOLLOW, want: "/a/lnk_rel", link: true},
		{name: "O_PATH|O_NOFOLLOW loop", path: "/a/loop1", flags: abi.O_PATH | abi.O_NOFOLLOW, want: "/a/loop1", link: true},
		{name: "trailing slash follows", path: "/a/lnk_abs/", flags: abi.O_PATH | abi.O_NOFOLLOW, want: "/etc"},
		{name: "link with trailing slash to file", path: "/a/file_slash", errno: abi.ENOTDIR},
		{name: "link with trailing slash to dir", path: "/a/slash", want: "/a/b"},
		{name: "O_PATH follows", path: "/a/lnk_abs", flags: abi.O_PATH, want: "/etc"},
		{name: "physical dotdot after link", path: "/a/lnk_abs/..", want: "/"},
		{name: "physical dotdot mid path", path: "/a/lnk_dir/../lnk_rel", want: "/a/b/f"},
		{name: "self link", path: "/a/self/self/b/f", want: "/a/b/f"},
		{name: "dirfd relative", dir: "/a/b", path: "f", want: "/a/b/f"},
		{name: "dirfd dotdot", dir: "/a/b", path: "../b/f", want: "/a/b/f"},
		{name: "dirfd dotdot above root", dir: "/a/b", path: "../../../../marker", want: "/marker"},
		{name: "dirfd link above", dir: "/a", path: "lnk_up/marker", want: "/marker"},
		{name: "dirfd absolute path ignores dir", dir: "/a/b", path: "/marker", want: "/marker"},
		{name: "dirfd through link", dir: "/a/lnk_dir", path: "../../marker", want: "/marker"},
		{name: "dirfd through link is physical", dir: "/a/lnk_dir", path: "../marker", errno: abi.ENOENT},
		{name: "dirfd inner dotdot", dir: "/a/b", path: "c/../f", want: "/a/b/f"},
		{name: "dirfd is file", dir: "/a/b/f", path: "x", errno: abi.ENOTDIR},
		{name: "empty", path: "", errno: abi.ENOENT},
		{name: "missing", path: "/a/nope", errno: abi.ENOENT},
		{name: "missing parent", path: "/nope/x", errno: abi.ENOENT},
		{name: "path too long", path: long, errno: abi.ENAMETOOLONG},
		{name: "name too long", path: "/a/" + strings.Repeat("n", 256), errno: abi.ENAMETOOLONG},
		{name: "dir for writing", path: "/a/b/c", flags: abi.O_WRONLY, errno: abi.EISDIR},
	}
	resolvers(t, root, func(t *testing.T, fs *FS) {
		c := fs.NewContext()
		defer c.DecRef()
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				var dir *File
				if tc.dir != "" {
					dir = open(t, fs, c, nil, tc.dir, abi.O_PATH, 0)
				}
				f, e := fs.Openat(c, dir, tc.path, tc.flags, 0)
				if e != tc.errno {
					if f != nil {
						f.DecRef()
					}
					t.Fatalf("Openat(%q): got errno %v, want %v", tc.path, e, tc.errno)
				}
				if e != 0 {
					return
				}
				defer f.DecRef()
				if got, want := fileIDOf(t, f), hostID(t, root+tc.want, tc.link); got != want {
					t.Errorf("Openat(%q) opened %v (%s), want %v (%s)", tc.path, got, f.Path(), want, tc.want)
				}
				if p := f.Path(); p != tc.want {
					t.Errorf("Path() = %q, want %q", p, tc.want)
				}
			})
		}
	})
}

// TestResolveTrailingCreate checks O_CREAT with a trailing slash, where
// Linux answers EISDIR before it looks at the last component.
func TestResolveTrailingCreate(t *testing.T) {
	root := resolveTree(t)
	resolvers(t, root, func(t *testing.T, fs *FS) {
		c := fs.NewContext()
		defer c.DecRef()
		for _, p := range []string{"/a/newfile/", "/a/b/f/", "/a/b/c/"} {
			f, e := fs.Openat(c, nil, p, abi.O_CREAT|abi.O_WRONLY, 0o644)
			if e != abi.EISDIR {
				if f != nil {
					f.DecRef()
				}
				t.Errorf("Openat(%q, O_CREAT): got %v, want EISDIR", p, e)
			}
		}
		if _, e := fs.Openat(c, nil, "/nope/x/", abi.O_CREAT|abi.O_WRONLY, 0o644); e != abi.ENOENT {
			t.Errorf("O_CREAT in a missing directory: got %v, want ENOENT", e)
		}
	})
}

// TestResolveCreateThroughLink checks that O_CREAT follows a dangling link
// and creates its target inside the root, unless O_EXCL or O_NOFOLLOW.
func TestResolveCreateThroughLink(t *testing.T) {
	resolversFresh(t, func(t *testing.T, fs *FS, root string) {
		tree(t, root, "d/", "d/dl -> ../../../created", "d/dl2 -> /d/created2")
		c := fs.NewContext()
		defer c.DecRef()
		f := open(t, fs, c, nil, "/d/dl", abi.O_CREAT|abi.O_WRONLY, 0o600)
		if got, want := fileIDOf(t, f), hostID(t, root+"/created", false); got != want {
			t.Errorf("created %v, want %v", got, want)
		}
		if _, e := fs.Openat(c, nil, "/d/dl2", abi.O_CREAT|abi.O_EXCL|abi.O_WRONLY, 0o600); e != abi.EEXIST {
			t.Errorf("O_CREAT|O_EXCL on a link: got %v, want EEXIST", e)
		}
		if _, e := fs.Openat(c, nil, "/d/dl2", abi.O_CREAT|abi.O_NOFOLLOW|abi.O_WRONLY, 0o600); e != abi.ELOOP {
			t.Errorf("O_CREAT|O_NOFOLLOW on a link: got %v, want ELOOP", e)
		}
	})
}

// resolversFresh is resolvers with a new empty root per resolver.
func resolversFresh(t *testing.T, fn func(t *testing.T, fs *FS, root string)) {
	t.Helper()
	for _, walk := range []bool{false, true} {
		name := "openat2"
		if walk {
			name = "walk"
		}
		t.Run(name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "root")
			tree(t, root, "/")
			fs, err := NewHostFS(root)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { fs.Close() })
			if !walk && fs.walk {
				t.Skip("host has no openat2")
			}
			fs.walk = walk
			fn(t, fs, root)
		})
	}
}

func TestSplitPath(t *testing.T) {
	tests := []struct {
		in       string
		want     string
		trailing bool
	}{
		{"/", ".", false},
		{"a", "a", false},
		{"a/", "a", true},
		{"/a//b/", "a,b", true},
		{".", ".", false},
		{"../x", "..,x", false},
	}
	for _, tc := range tests {
		comps, tr := splitPath(tc.in)
		if got := strings.Join(comps, ","); got != tc.want || tr != tc.trailing {
			t.Errorf("splitPath(%q) = %q, %v; want %q, %v", tc.in, got, tr, tc.want, tc.trailing)
		}
	}
}
