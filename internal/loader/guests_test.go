package loader

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"vessel/internal/mm"
)

// The test programs, built from testdata by the test run with Debian's
// riscv64 cross compiler (installed by `make setup`; a missing tool fails
// the test), and the dynamic linker they use.
const (
	ldsoHost  = "/usr/riscv64-linux-gnu/lib/ld-linux-riscv64-lp64d.so.1"
	ldsoGuest = "/lib/ld-linux-riscv64-lp64d.so.1" // what the dynamic program's PT_INTERP says
)

// guestBuilds says how each test program is built.
var guestBuilds = []struct {
	name string
	args []string
}{
	{"static", []string{"-O2", "-static", "testdata/hello.c"}},
	{"dynamic", []string{"-O2", "testdata/hello.c"}},
	// Debian's cross glibc has no rcrt1.o, so the static PIE has no libc.
	{"static-pie", []string{"-O2", "-static-pie", "-nostdlib", "-fPIE", "-Wl,--no-dynamic-linker", "testdata/nolibc.c"}},
}

var (
	guestOnce sync.Once
	guestBins map[string][]byte
	guestErr  error
)

// guests returns the test programs' bytes by name ("static", "dynamic",
// "static-pie", and "ld.so", the dynamic linker), building them the first
// time in tb's temporary directory.
func guests(tb testing.TB) map[string][]byte {
	tb.Helper()
	guestOnce.Do(func() {
		dir := tb.TempDir()
		bins := map[string][]byte{}
		for _, g := range guestBuilds {
			out := filepath.Join(dir, g.name)
			args := append([]string{"-o", out}, g.args...)
			if msg, err := exec.Command("riscv64-linux-gnu-gcc", args...).CombinedOutput(); err != nil {
				guestErr = fmt.Errorf("riscv64-linux-gnu-gcc %v: %v\n%s", args, err, msg)
				return
			}
			b, err := os.ReadFile(out)
			if err != nil {
				guestErr = err
				return
			}
			bins[g.name] = b
		}
		b, err := os.ReadFile(ldsoHost)
		if err != nil {
			guestErr = fmt.Errorf("the riscv64 dynamic linker (make setup installs it): %v", err)
			return
		}
		bins["ld.so"] = b
		guestBins = bins
	})
	if guestErr != nil {
		tb.Fatal(guestErr)
	}
	return guestBins
}

// guestFile returns the test program name as an mm.File.
func guestFile(tb testing.TB, name string) *bytesFile {
	tb.Helper()
	b, ok := guests(tb)[name]
	if !ok {
		tb.Fatalf("no test program %q", name)
	}
	return &bytesFile{name: name, data: b}
}

// ldsoOpener opens the dynamic linker at its guest path and fails with
// ENOENT for anything else, recording what it was asked for.
func ldsoOpener(tb testing.TB, asked *[]string) Opener {
	ldso := guestFile(tb, "ld.so")
	return func(path string) (mm.File, error) {
		if asked != nil {
			*asked = append(*asked, path)
		}
		if path != ldsoGuest {
			return nil, os.ErrNotExist
		}
		return ldso, nil
	}
}
