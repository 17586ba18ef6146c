package vfs

import (
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// TestErrnoNumbers checks what errnoOf relies on: every errno number means
// the same on the host as in the guest ABI (asm-generic on both).
func TestErrnoNumbers(t *testing.T) {
	aliases := map[string]string{"EWOULDBLOCK": "EAGAIN", "EDEADLOCK": "EDEADLK", "ENOTSUP": "EOPNOTSUPP", "EFSCORRUPTED": "EUCLEAN"}
	checked := 0
	for n := 1; n < 134; n++ {
		host := unix.ErrnoName(syscall.Errno(n))
		guest := abi.Errno(n).Error()
		if host == "" {
			continue
		}
		if a, ok := aliases[host]; ok {
			host = a
		}
		if host != guest {
			t.Errorf("errno %d: host %s, guest %s", n, host, guest)
		}
		checked++
	}
	if checked < 120 {
		t.Errorf("checked only %d errno values", checked)
	}
	for _, e := range []abi.Errno{abi.ENOENT, abi.ELOOP, abi.EXDEV, abi.ENAMETOOLONG, abi.ENOTEMPTY, abi.EOPNOTSUPP} {
		if got := errnoOf(syscall.Errno(e)); got != e {
			t.Errorf("errnoOf(%d) = %v", e, got)
		}
	}
	if errnoOf(nil) != 0 {
		t.Error("errnoOf(nil) != 0")
	}
}

// TestOpenFlagTranslation checks each guest open flag maps to the host's
// and back, and that composite flags stay whole.
func TestOpenFlagTranslation(t *testing.T) {
	tests := []struct {
		guest uint32
		host  int
	}{
		{abi.O_RDONLY, unix.O_RDONLY},
		{abi.O_WRONLY | abi.O_APPEND, unix.O_WRONLY | unix.O_APPEND},
		{abi.O_RDWR | abi.O_CREAT | abi.O_EXCL | abi.O_TRUNC, unix.O_RDWR | unix.O_CREAT | unix.O_EXCL | unix.O_TRUNC},
		{abi.O_SYNC, unix.O_SYNC},
		{abi.O_DSYNC, unix.O_DSYNC},
		{abi.O_TMPFILE | abi.O_RDWR, unix.O_TMPFILE | unix.O_RDWR},
		{abi.O_PATH | abi.O_NOFOLLOW | abi.O_DIRECTORY, unix.O_PATH | unix.O_NOFOLLOW | unix.O_DIRECTORY},
		{abi.O_NONBLOCK | abi.O_CLOEXEC | abi.O_NOATIME | abi.O_DIRECT | abi.O_NOCTTY,
			unix.O_NONBLOCK | unix.O_CLOEXEC | unix.O_NOATIME | unix.O_DIRECT | unix.O_NOCTTY},
	}
	for _, tc := range tests {
		if got := hostOpenFlags(tc.guest); got != tc.host {
			t.Errorf("hostOpenFlags(%#o) = %#o, want %#o", tc.guest, got, tc.host)
		}
		if got := guestOpenFlags(tc.host); got != tc.guest {
			t.Errorf("guestOpenFlags(%#o) = %#o, want %#o", tc.host, got, tc.guest)
		}
	}
	if hostOpenFlags(abi.O_ASYNC|abi.O_LARGEFILE) != 0 {
		t.Error("O_ASYNC or O_LARGEFILE reached the host")
	}
}

// TestResolverName checks NewHostFS's choice is reported, and its errors.
func TestResolverName(t *testing.T) {
	fs, err := NewHostFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	if r := fs.Resolver(); r != "openat2" && r != "walk" {
		t.Errorf("Resolver() = %q", r)
	}
	if _, err := NewHostFS(t.TempDir() + "/missing"); err == nil {
		t.Error("NewHostFS of a missing directory succeeded")
	}
}
