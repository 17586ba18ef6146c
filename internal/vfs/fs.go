package vfs

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// FS is the guest's filesystem tree, rooted at a host directory. Its methods
// are the path system calls; each takes the calling process's Context and,
// for the *at calls, a directory File (nil means AT_FDCWD). A dirfd is only
// consulted for a relative path (or AT_EMPTY_PATH), so the syscall layer
// should look it up only then: Linux accepts openat(-1, "/abs", ...).
type FS struct {
	root      *File  // immutable: O_PATH host directory of the guest's "/"; one reference
	rootID    fileID // immutable: its host identity
	hostRoot  string // immutable: the host kernel's name for the root directory
	hostUmask uint32 // immutable: vessel's own umask, which the host applies on top of the guest's
	walk      bool   // immutable after NewHostFS: resolve by the in-process walk, not openat2

	mountMu  sync.RWMutex
	mounts   []*mount              // guarded by mountMu; replaced, never changed in place (mount.go)
	fifoOpen FIFOOpen              // guarded by mountMu: how FIFOs open (devices.go)
	devices  map[uint64]DeviceOpen // guarded by mountMu: device numbers vessel's table adds (devices.go)
	random   io.Reader             // guarded by mountMu: /dev/random's source; nil for crypto/rand
	now      func() time.Time      // guarded by mountMu: the clock of utimensat's UTIME_NOW on nodes; nil for the host's
}

// NewHostFS returns the filesystem whose "/" is the host directory root.
// Root "/" gives the guest the host's whole tree, as qemu-riscv64 does.
// Lookups use openat2(2) with RESOLVE_IN_ROOT when the host has it, and an
// in-process walk with the same guarantee when it does not (ENOSYS, or EPERM
// from a seccomp filter that predates openat2).
func NewHostFS(root string) (*FS, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("vfs: root %s: %w", root, err)
	}
	fd, err := openat(unix.AT_FDCWD, abs, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("vfs: root %s: %w", root, err)
	}
	fs := &FS{hostUmask: readHostUmask()}
	if p, err := hostPathOf(fd); err == nil && strings.HasPrefix(p, "/") {
		fs.hostRoot = p
	} else if p, err := filepath.EvalSymlinks(abs); err == nil {
		fs.hostRoot = p
	} else {
		fs.hostRoot = abs
	}
	probe := unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: unix.RESOLVE_IN_ROOT}
	if pfd, err := openat2(fd, ".", &probe); err == nil {
		closeFD(pfd)
	} else {
		fs.walk = true
	}
	f, e := fs.newHostFile(fd, abi.O_PATH|abi.O_DIRECTORY, "/")
	if e != 0 {
		return nil, fmt.Errorf("vfs: root %s: %w", root, e)
	}
	h, _ := hostFileOf(f)
	if h.kind != abi.S_IFDIR {
		f.DecRef()
		return nil, fmt.Errorf("vfs: root %s: %w", root, abi.ENOTDIR)
	}
	fs.root, fs.rootID = f, h.id
	return fs, nil
}

// Resolver names how lookups are done: "openat2" or "walk".
func (fs *FS) Resolver() string {
	if fs.walk {
		return "walk"
	}
	return "openat2"
}

// HostRoot returns the host directory that is the guest's "/".
func (fs *FS) HostRoot() string { return fs.hostRoot }

// Root returns the File of the guest's "/", with a reference for the caller.
func (fs *FS) Root() *File {
	fs.root.IncRef()
	return fs.root
}

// Close drops the FS's own reference to the root; Contexts keep theirs.
func (fs *FS) Close() error {
	fs.root.DecRef()
	return nil
}

// guestPathOf returns the guest path (from the FS root) of what host
// descriptor fd refers to now, as the host kernel names it. ok is false
// when /proc is missing or the file is not under the root.
func (fs *FS) guestPathOf(fd int) (string, bool) {
	p, err := hostPathOf(fd)
	if err != nil || !strings.HasPrefix(p, "/") {
		return "", false
	}
	return fs.guestPathFromHost(p)
}

// guestPathFromHost strips the host root from host path p.
func (fs *FS) guestPathFromHost(p string) (string, bool) {
	switch r := fs.hostRoot; {
	case r == "/":
		return p, true
	case p == r:
		return "/", true
	case strings.HasPrefix(p, r+"/"):
		return p[len(r):], true
	}
	return "", false
}

// readHostUmask returns vessel's own umask, from /proc/self/status where
// possible (reading it with umask(2) means setting it, briefly).
func readHostUmask() uint32 {
	if f, err := os.Open("/proc/self/status"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "Umask:"); ok {
				if m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
					return uint32(m)
				}
			}
		}
	}
	old := unix.Umask(0o022)
	unix.Umask(old)
	return uint32(old)
}

// SetClock makes now the clock of the times vessel's filesystems stamp
// (the deterministic mode's); nil means the host's.
func (fs *FS) SetClock(now func() time.Time) {
	fs.mountMu.Lock()
	defer fs.mountMu.Unlock()
	fs.now = now
}

// nowSpec is the current time as a file timestamp.
func (fs *FS) nowSpec() abi.Timespec {
	fs.mountMu.RLock()
	now := fs.now
	fs.mountMu.RUnlock()
	if now == nil {
		now = time.Now
	}
	t := now()
	return abi.Timespec{Sec: t.Unix(), Nsec: int64(t.Nanosecond())}
}
