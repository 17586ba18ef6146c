package vfs

import (
	"encoding/binary"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// hostStream is one of vessel's own standard streams (host descriptors 0, 1
// and 2) given to the guest. Everything passes through to the host
// descriptor, including its offset when it is a redirected regular file, so
// the guest and whoever shares vessel's streams see the same position.
// Vessel does not own the descriptor: Release leaves it open, and the
// status flags the guest sets are kept in the File only (O_NONBLOCK on a
// shared terminal would surprise the shell vessel runs under).
type hostStream struct {
	fd int // immutable
}

// NewHostStream returns a File, with one reference, over vessel's own host
// descriptor fd (0, 1 or 2 normally), named name in /proc/PID/fd (for
// example "/dev/pts/0"). Its access mode and O_APPEND/O_NONBLOCK are the
// host descriptor's. fstat reports what the host says; terminal ioctls
// (TCGETS, TCSETS*, TIOCGWINSZ, TIOCSWINSZ, FIONREAD) pass through when the
// host descriptor is a terminal, and fail with ENOTTY otherwise.
//
// Reads block the calling goroutine in the host's read(2): the kernel is
// expected to run them on a helper goroutine (DESIGN.md, Execution model).
func NewHostStream(fd int, name string) *File {
	flags := uint32(abi.O_RDWR)
	if hf, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0); err == nil {
		flags = guestOpenFlags(hf) & (abi.O_ACCMODE | abi.O_APPEND | abi.O_NONBLOCK)
	}
	return NewStreamFile(&hostStream{fd: fd}, flags|abi.O_LARGEFILE, name)
}

func (s *hostStream) Read(f *File, dst []byte, _ *int64) (int, abi.Errno) {
	return hostRead(s.fd, dst)
}

func (s *hostStream) Write(f *File, src []byte, _ *int64) (int, abi.Errno) {
	return hostWrite(s.fd, src)
}

func (s *hostStream) Pread(f *File, dst []byte, off int64) (int, abi.Errno) {
	return hostPread(s.fd, dst, off)
}

func (s *hostStream) Pwrite(f *File, src []byte, off int64) (int, abi.Errno) {
	return hostPwrite(s.fd, src, off)
}

func (s *hostStream) Lseek(f *File, _, off int64, whence int) (int64, abi.Errno) {
	return hostSeek(s.fd, off, whence)
}

func (s *hostStream) Stat(f *File, st *abi.Stat_t) abi.Errno { return hostStat(s.fd, st) }

func (s *hostStream) Getdents64(*File, []byte, *int64) (int, abi.Errno) { return 0, abi.ENOTDIR }

func (s *hostStream) Truncate(f *File, size int64) abi.Errno {
	return errnoOf(unix.Ftruncate(s.fd, size))
}

func (s *hostStream) Sync(f *File, dataOnly bool) abi.Errno { return hostSync(s.fd, dataOnly) }

func (s *hostStream) Ioctl(f *File, io IOCtx, req uint32, arg uint64) (uint64, abi.Errno) {
	return ttyIoctl(s.fd, io, req, arg)
}

func (s *hostStream) SetStatusFlags(*File, uint32) abi.Errno { return 0 }

func (s *hostStream) Release(*File) {}

// Guest terminal structures (asm-generic/termbits.h, which riscv64 uses):
//
//	struct termios  0 c_iflag u32 | 4 c_oflag u32 | 8 c_cflag u32 | 12 c_lflag u32 |
//	                16 c_line u8 | 17 c_cc[19]                                  = 36 bytes
//	struct winsize  0 ws_row u16 | 2 ws_col u16 | 4 ws_xpixel u16 | 6 ws_ypixel u16 = 8 bytes
//
// The flag bits inside c_*flag and the c_cc indices are asm-generic on the
// amd64 host too, so they pass through unchanged.
const (
	sizeofTermios = 36
	nccs          = 19
	sizeofWinsize = 8
)

func marshalTermios(t *unix.Termios, b []byte) {
	le := binary.LittleEndian
	le.PutUint32(b[0:], t.Iflag)
	le.PutUint32(b[4:], t.Oflag)
	le.PutUint32(b[8:], t.Cflag)
	le.PutUint32(b[12:], t.Lflag)
	b[16] = t.Line
	copy(b[17:17+nccs], t.Cc[:])
}

func unmarshalTermios(b []byte) unix.Termios {
	le := binary.LittleEndian
	t := unix.Termios{
		Iflag: le.Uint32(b[0:]),
		Oflag: le.Uint32(b[4:]),
		Cflag: le.Uint32(b[8:]),
		Lflag: le.Uint32(b[12:]),
		Line:  b[16],
	}
	copy(t.Cc[:], b[17:17+nccs])
	return t
}

// ttyIoctl passes the terminal ioctls through to host descriptor fd. A
// descriptor that is not a terminal gives ENOTTY before any guest memory is
// touched, as on Linux. Job control (TIOCGPGRP, TIOCSPGRP, TIOCSCTTY,
// TIOCNOTTY) is the kernel's: guest process groups are not the host's.
func ttyIoctl(fd int, io IOCtx, req uint32, arg uint64) (uint64, abi.Errno) {
	switch req {
	case abi.TCGETS, abi.TCSETS, abi.TCSETSW, abi.TCSETSF, abi.TIOCGWINSZ, abi.TIOCSWINSZ:
	case abi.FIONREAD:
		n, err := unix.IoctlGetInt(fd, unix.TIOCINQ) // FIONREAD
		if err != nil {
			return 0, errnoOf(err)
		}
		return 0, putInt32(io, arg, int32(n))
	default:
		return 0, abi.ENOTTY
	}
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return 0, errnoOf(err)
	}
	switch req {
	case abi.TCGETS:
		var b [sizeofTermios]byte
		marshalTermios(t, b[:])
		return 0, io.CopyOut(arg, b[:])
	case abi.TCSETS, abi.TCSETSW, abi.TCSETSF:
		var b [sizeofTermios]byte
		if e := io.CopyIn(arg, b[:]); e != 0 {
			return 0, e
		}
		nt := unmarshalTermios(b[:])
		hreq := uint(unix.TCSETS)
		switch req {
		case abi.TCSETSW:
			hreq = unix.TCSETSW
		case abi.TCSETSF:
			hreq = unix.TCSETSF
		}
		return 0, errnoOf(unix.IoctlSetTermios(fd, hreq, &nt))
	case abi.TIOCGWINSZ:
		ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
		if err != nil {
			return 0, errnoOf(err)
		}
		var b [sizeofWinsize]byte
		le := binary.LittleEndian
		le.PutUint16(b[0:], ws.Row)
		le.PutUint16(b[2:], ws.Col)
		le.PutUint16(b[4:], ws.Xpixel)
		le.PutUint16(b[6:], ws.Ypixel)
		return 0, io.CopyOut(arg, b[:])
	case abi.TIOCSWINSZ:
		var b [sizeofWinsize]byte
		if e := io.CopyIn(arg, b[:]); e != 0 {
			return 0, e
		}
		le := binary.LittleEndian
		ws := unix.Winsize{Row: le.Uint16(b[0:]), Col: le.Uint16(b[2:]), Xpixel: le.Uint16(b[4:]), Ypixel: le.Uint16(b[6:])}
		return 0, errnoOf(unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &ws))
	}
	return 0, abi.ENOTTY
}
