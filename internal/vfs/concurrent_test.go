package vfs

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"vessel/internal/abi"
)

// TestSharedOffsetConcurrent reads one File from several goroutines, as
// threads sharing a descriptor do: every byte is read exactly once.
func TestSharedOffsetConcurrent(t *testing.T) {
	fs, c, root := newFS(t)
	data := make([]byte, 4000)
	for i := range data {
		data[i] = byte(i % 251)
	}
	must(t, os.WriteFile(filepath.Join(root, "f"), data, 0o644))
	f := open(t, fs, c, nil, "/f", abi.O_RDONLY, 0)
	var mu sync.Mutex
	seen := make(map[int64]int)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			b := make([]byte, 3)
			for {
				// Read and learn where the read started, atomically with it:
				// the offset after the read minus its length.
				f.posMu.Lock()
				start := f.pos
				n, e := f.impl.Read(f, b, &f.pos)
				f.posMu.Unlock()
				if e != 0 {
					t.Error(e)
					return
				}
				if n == 0 {
					return
				}
				mu.Lock()
				seen[start]++
				mu.Unlock()
				if b[0] != data[start] {
					t.Errorf("read %d at %d, want %d", b[0], start, data[start])
				}
			}
		})
	}
	// And through the public method, concurrently with the above.
	wg.Go(func() {
		b := make([]byte, 5)
		for {
			n, e := f.Read(b)
			if e != 0 || n == 0 {
				return
			}
		}
	})
	wg.Wait()
	for off, n := range seen {
		if n != 1 {
			t.Errorf("offset %d read %d times", off, n)
		}
	}
}

// TestSharedContextConcurrent changes directory in one task while others
// resolve relative paths through the same Context (CLONE_FS).
func TestSharedContextConcurrent(t *testing.T) {
	fs, c, _ := newFS(t, "a/x", "b/x")
	c.IncRef()
	defer c.DecRef()
	if e := fs.Chdir(c, "/a"); e != 0 {
		t.Fatal(e)
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for i := range 100 {
				fs.Chdir(c, []string{"/a", "/b"}[i%2])
			}
		})
		wg.Go(func() {
			for range 100 {
				f, e := fs.Openat(c, nil, "x", abi.O_RDONLY, 0)
				if e != 0 {
					t.Error(e)
					return
				}
				f.DecRef()
				if _, e := fs.Getcwd(c); e != 0 {
					t.Error(e)
				}
			}
		})
	}
	wg.Wait()
}
