package vfs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// HostTerminal is the host side of vessel's terminal: the host descriptor
// keystrokes are read from and the one the line discipline writes to
// (usually vessel's standard input and output, the same terminal). Vessel
// does not own them and never changes their modes: whoever runs vessel
// puts the host terminal in raw mode (cmd/vessel's terminal.go), so that
// every key reaches vessel's line discipline untouched and what it writes
// reaches the screen as written.
type HostTerminal struct {
	in, out int    // immutable
	ownOut  bool   // immutable: out was opened here, and Close closes it
	name    string // immutable: the terminal's host path, e.g. /dev/pts/3

	// A pipe whose write end Close writes to, ending a Read that waits in
	// poll(2): the host read itself cannot be interrupted.
	wakeR, wakeW int
	closeOnce    sync.Once
}

// IsHostTerminal reports whether host descriptor fd is a terminal (TCGETS
// works; /dev/null is a character device but not a terminal).
func IsHostTerminal(fd int) bool {
	_, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	return err == nil
}

// SameHostTerminal reports whether host descriptors a and b are the same
// terminal.
func SameHostTerminal(a, b int) bool {
	var sa, sb unix.Stat_t
	if fstat(a, &sa) != nil || fstat(b, &sb) != nil {
		return false
	}
	return sa.Mode&unix.S_IFMT == unix.S_IFCHR && sb.Mode&unix.S_IFMT == unix.S_IFCHR && sa.Rdev == sb.Rdev && IsHostTerminal(a)
}

// HostStreamFlags is the access mode and the O_APPEND and O_NONBLOCK flags
// of host descriptor fd in the guest's encoding, as NewHostStream gives
// its File.
func HostStreamFlags(fd int) uint32 {
	flags := uint32(abi.O_RDWR)
	if hf, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0); err == nil {
		flags = guestOpenFlags(hf) & (abi.O_ACCMODE | abi.O_APPEND | abi.O_NONBLOCK)
	}
	return flags
}

// OpenHostTerminal returns the host side of the terminal on descriptor in.
// Output goes to the first of outs that is the same terminal open for
// writing, else to in when it is open for writing, else to a descriptor
// of the terminal opened here for writing.
func OpenHostTerminal(in int, outs ...int) (*HostTerminal, error) {
	if !IsHostTerminal(in) {
		return nil, fmt.Errorf("vfs: descriptor %d is not a terminal", in)
	}
	h := &HostTerminal{in: in, out: -1, name: "/dev/tty"}
	if p, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(in)); err == nil {
		h.name = p
	}
	writable := func(fd int) bool {
		fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		return err == nil && fl&unix.O_ACCMODE != unix.O_RDONLY
	}
	for _, fd := range outs {
		if fd >= 0 && SameHostTerminal(fd, in) && writable(fd) {
			h.out = fd
			break
		}
	}
	if h.out < 0 && writable(in) {
		h.out = in
	}
	if h.out < 0 {
		fd, err := unix.Open("/proc/self/fd/"+strconv.Itoa(in), unix.O_WRONLY|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
		if err != nil {
			return nil, fmt.Errorf("vfs: opening the terminal for output: %w", err)
		}
		h.out, h.ownOut = fd, true
	}
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		if h.ownOut {
			unix.Close(h.out)
		}
		return nil, fmt.Errorf("vfs: %w", err)
	}
	h.wakeR, h.wakeW = p[0], p[1]
	return h, nil
}

// Is reports whether host descriptor fd is this terminal.
func (h *HostTerminal) Is(fd int) bool { return SameHostTerminal(fd, h.in) }

// Name is the terminal's host path (/dev/pts/N), or /dev/tty.
func (h *HostTerminal) Name() string { return h.name }

// Termios returns the host terminal's settings.
func (h *HostTerminal) Termios() (Termios, error) {
	t, err := unix.IoctlGetTermios(h.in, unix.TCGETS)
	if err != nil {
		return Termios{}, err
	}
	return TermiosFromHost(t), nil
}

// Winsize returns the host terminal's window size.
func (h *HostTerminal) Winsize() (Winsize, error) {
	ws, err := unix.IoctlGetWinsize(h.in, unix.TIOCGWINSZ)
	if err != nil {
		return Winsize{}, err
	}
	return Winsize{Row: ws.Row, Col: ws.Col, Xpixel: ws.Xpixel, Ypixel: ws.Ypixel}, nil
}

// Stat is fstat(2) of the host terminal.
func (h *HostTerminal) Stat(st *abi.Stat_t) abi.Errno { return hostStat(h.in, st) }

// ErrHangup is what Read returns when the host terminal has gone away.
var ErrHangup = errors.New("vfs: the host terminal hung up")

// Read waits for keystrokes and returns them. After Close it returns
// io.EOF; when the terminal has gone away, ErrHangup.
func (h *HostTerminal) Read(b []byte) (int, error) {
	for {
		fds := []unix.PollFd{{Fd: int32(h.in), Events: unix.POLLIN}, {Fd: int32(h.wakeR), Events: unix.POLLIN}}
		if _, err := unix.Poll(fds, -1); err != nil {
			if err == unix.EINTR {
				continue
			}
			return 0, err
		}
		if fds[1].Revents != 0 {
			return 0, io.EOF
		}
		if fds[0].Revents&unix.POLLNVAL != 0 {
			return 0, ErrHangup
		}
		if fds[0].Revents == 0 {
			continue
		}
		n, err := unix.Read(h.in, b)
		switch {
		case err == unix.EINTR || err == unix.EAGAIN:
			continue
		case err != nil || n == 0:
			return 0, ErrHangup
		}
		return n, nil
	}
}

// Write writes all of b to the terminal, waiting out a full terminal even
// when someone made the shared descriptor non-blocking.
func (h *HostTerminal) Write(b []byte) (int, error) {
	done := 0
	for done < len(b) {
		n, err := unix.Write(h.out, b[done:])
		if n > 0 {
			done += n
		}
		switch err {
		case nil, unix.EINTR:
		case unix.EAGAIN:
			unix.Poll([]unix.PollFd{{Fd: int32(h.out), Events: unix.POLLOUT}}, -1)
		default:
			return done, err
		}
	}
	return done, nil
}

// Close ends Read, which returns io.EOF from then on. The host terminal
// stays open, and so do the few descriptors OpenHostTerminal made (a Read
// or a late echo may still be using them; they go with the process).
func (h *HostTerminal) Close() {
	h.closeOnce.Do(func() { unix.Write(h.wakeW, []byte{0}) })
}
