package vfs

import (
	"errors"
	"strconv"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// Translation between the host's values (golang.org/x/sys/unix, amd64) and
// the guest's (package abi, riscv64). Most happen to be equal — both
// architectures use the asm-generic headers — but vessel never relies on it
// silently: each value crosses through a table or a switch here.

// errnoOf returns the guest errno for a host error. Linux's errno numbers
// are asm-generic on amd64 and riscv64 alike (TestErrnoNumbers checks every
// one), so the number passes through.
func errnoOf(err error) abi.Errno {
	if err == nil {
		return 0
	}
	var en unix.Errno
	if errors.As(err, &en) {
		return abi.Errno(en)
	}
	return abi.EIO
}

// openFlagMap pairs each guest open(2) flag with its host value. O_ASYNC
// and O_LARGEFILE have no host counterpart here: vessel does not ask the
// host for SIGIO, and the amd64 kernel forces O_LARGEFILE itself.
var openFlagMap = [...]struct {
	guest uint32
	host  int
}{
	{abi.O_WRONLY, unix.O_WRONLY},
	{abi.O_RDWR, unix.O_RDWR},
	{abi.O_CREAT, unix.O_CREAT},
	{abi.O_EXCL, unix.O_EXCL},
	{abi.O_NOCTTY, unix.O_NOCTTY},
	{abi.O_TRUNC, unix.O_TRUNC},
	{abi.O_APPEND, unix.O_APPEND},
	{abi.O_NONBLOCK, unix.O_NONBLOCK},
	{abi.O_DSYNC, unix.O_DSYNC},
	{abi.O_DIRECT, unix.O_DIRECT},
	{abi.O_DIRECTORY, unix.O_DIRECTORY},
	{abi.O_NOFOLLOW, unix.O_NOFOLLOW},
	{abi.O_NOATIME, unix.O_NOATIME},
	{abi.O_CLOEXEC, unix.O_CLOEXEC},
	{abi.O_SYNC &^ abi.O_DSYNC, unix.O_SYNC &^ unix.O_DSYNC},               // __O_SYNC
	{abi.O_PATH, unix.O_PATH},                                              //
	{abi.O_TMPFILE &^ abi.O_DIRECTORY, unix.O_TMPFILE &^ unix.O_DIRECTORY}, // __O_TMPFILE
}

// validOpenFlags are the open(2) flags Linux knows; open ignores the others.
const validOpenFlags = abi.O_ACCMODE | abi.O_CREAT | abi.O_EXCL | abi.O_NOCTTY | abi.O_TRUNC |
	abi.O_APPEND | abi.O_NONBLOCK | abi.O_DSYNC | abi.O_ASYNC | abi.O_DIRECT | abi.O_LARGEFILE |
	abi.O_DIRECTORY | abi.O_NOFOLLOW | abi.O_NOATIME | abi.O_CLOEXEC | abi.O_SYNC | abi.O_PATH |
	abi.O_TMPFILE

// hostOpenFlags translates guest open flags to the host's.
func hostOpenFlags(g uint32) int {
	h := 0
	for _, m := range openFlagMap {
		if g&m.guest == m.guest && m.guest != 0 {
			h |= m.host
		}
	}
	return h
}

// guestOpenFlags translates host open flags (from F_GETFL) to the guest's.
func guestOpenFlags(h int) uint32 {
	var g uint32
	for _, m := range openFlagMap {
		if h&m.host == m.host && m.host != 0 {
			g |= m.guest
		}
	}
	return g
}

// hostWhence translates an lseek whence; ok is false for an unknown one.
func hostWhence(whence int) (int, bool) {
	switch whence {
	case abi.SEEK_SET:
		return unix.SEEK_SET, true
	case abi.SEEK_CUR:
		return unix.SEEK_CUR, true
	case abi.SEEK_END:
		return unix.SEEK_END, true
	case abi.SEEK_DATA:
		return unix.SEEK_DATA, true
	case abi.SEEK_HOLE:
		return unix.SEEK_HOLE, true
	}
	return 0, false
}

// guestFileType translates the S_IFMT bits of a host st_mode.
func guestFileType(hostMode uint32) uint32 {
	switch hostMode & unix.S_IFMT {
	case unix.S_IFREG:
		return abi.S_IFREG
	case unix.S_IFDIR:
		return abi.S_IFDIR
	case unix.S_IFLNK:
		return abi.S_IFLNK
	case unix.S_IFCHR:
		return abi.S_IFCHR
	case unix.S_IFBLK:
		return abi.S_IFBLK
	case unix.S_IFIFO:
		return abi.S_IFIFO
	case unix.S_IFSOCK:
		return abi.S_IFSOCK
	}
	return 0
}

// guestDirentType translates a host d_type.
func guestDirentType(t uint8) uint8 {
	switch t {
	case unix.DT_REG:
		return abi.DT_REG
	case unix.DT_DIR:
		return abi.DT_DIR
	case unix.DT_LNK:
		return abi.DT_LNK
	case unix.DT_CHR:
		return abi.DT_CHR
	case unix.DT_BLK:
		return abi.DT_BLK
	case unix.DT_FIFO:
		return abi.DT_FIFO
	case unix.DT_SOCK:
		return abi.DT_SOCK
	}
	return abi.DT_UNKNOWN
}

// statFromHost fills st from a host stat, passing the host's values through.
func statFromHost(h *unix.Stat_t, st *abi.Stat_t) {
	*st = abi.Stat_t{
		Dev:     h.Dev,
		Ino:     h.Ino,
		Mode:    guestFileType(h.Mode) | h.Mode&0o7777,
		Nlink:   uint32(h.Nlink),
		Uid:     h.Uid,
		Gid:     h.Gid,
		Rdev:    h.Rdev,
		Size:    h.Size,
		Blksize: int32(h.Blksize),
		Blocks:  h.Blocks,
		Atim:    abi.Timespec{Sec: h.Atim.Sec, Nsec: h.Atim.Nsec},
		Mtim:    abi.Timespec{Sec: h.Mtim.Sec, Nsec: h.Mtim.Nsec},
		Ctim:    abi.Timespec{Sec: h.Ctim.Sec, Nsec: h.Ctim.Nsec},
	}
}

// hostTimespec translates a utimensat time, with its UTIME_NOW/UTIME_OMIT.
func hostTimespec(t abi.Timespec) unix.Timespec {
	switch t.Nsec {
	case abi.UTIME_NOW:
		return unix.Timespec{Nsec: unix.UTIME_NOW}
	case abi.UTIME_OMIT:
		return unix.Timespec{Nsec: unix.UTIME_OMIT}
	}
	return unix.Timespec{Sec: t.Sec, Nsec: t.Nsec}
}

// fileID names a host inode.
type fileID struct{ dev, ino uint64 }

// fstatID returns the host identity of fd.
func fstatID(fd int) (fileID, error) {
	var st unix.Stat_t
	if err := fstat(fd, &st); err != nil {
		return fileID{}, err
	}
	return fileID{st.Dev, st.Ino}, nil
}

// procFD is the path of vessel's own magic link to fd.
func procFD(fd int) string { return "/proc/self/fd/" + strconv.Itoa(fd) }

// hostPathOf returns the host kernel's name for what fd refers to (its
// d_path), read from /proc/self/fd. Deleted files end in " (deleted)".
func hostPathOf(fd int) (string, error) {
	return readlinkat(unix.AT_FDCWD, procFD(fd))
}

// The host calls below retry on EINTR: a signal to vessel's own process is
// not the guest's business.

func openat(dirfd int, path string, flags int, mode uint32) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, path, flags, mode)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

func openat2(dirfd int, path string, how *unix.OpenHow) (int, error) {
	for {
		fd, err := unix.Openat2(dirfd, path, how)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

func fstat(fd int, st *unix.Stat_t) error {
	for {
		err := unix.Fstat(fd, st)
		if err != unix.EINTR {
			return err
		}
	}
}

func fstatat(dirfd int, path string, st *unix.Stat_t, flags int) error {
	for {
		err := unix.Fstatat(dirfd, path, st, flags)
		if err != unix.EINTR {
			return err
		}
	}
}

// readlinkat reads a symbolic link of up to PATH_MAX bytes.
func readlinkat(dirfd int, path string) (string, error) {
	buf := make([]byte, 4096)
	for {
		n, err := unix.Readlinkat(dirfd, path, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return "", err
		}
		return string(buf[:n]), nil
	}
}

func closeFD(fd int) {
	if fd >= 0 {
		unix.Close(fd)
	}
}

// dupFD duplicates fd, close-on-exec.
func dupFD(fd int) (int, error) {
	return unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
}

func hostRead(fd int, b []byte) (int, abi.Errno) {
	for {
		n, err := unix.Read(fd, b)
		if err == unix.EINTR {
			continue
		}
		return max(n, 0), errnoOf(err)
	}
}

func hostWrite(fd int, b []byte) (int, abi.Errno) {
	for {
		n, err := unix.Write(fd, b)
		if err == unix.EINTR {
			continue
		}
		return max(n, 0), errnoOf(err)
	}
}

func hostPread(fd int, b []byte, off int64) (int, abi.Errno) {
	for {
		n, err := unix.Pread(fd, b, off)
		if err == unix.EINTR {
			continue
		}
		return max(n, 0), errnoOf(err)
	}
}

func hostPwrite(fd int, b []byte, off int64) (int, abi.Errno) {
	for {
		n, err := unix.Pwrite(fd, b, off)
		if err == unix.EINTR {
			continue
		}
		return max(n, 0), errnoOf(err)
	}
}

// hostSeek runs lseek(2) on the host with a guest whence.
func hostSeek(fd int, off int64, whence int) (int64, abi.Errno) {
	hw, ok := hostWhence(whence)
	if !ok {
		return 0, abi.EINVAL
	}
	r, err := unix.Seek(fd, off, hw)
	if err != nil {
		return 0, errnoOf(err)
	}
	return r, 0
}

func hostSync(fd int, dataOnly bool) abi.Errno {
	for {
		var err error
		if dataOnly {
			err = unix.Fdatasync(fd)
		} else {
			err = unix.Fsync(fd)
		}
		if err != unix.EINTR {
			return errnoOf(err)
		}
	}
}

func hostStat(fd int, st *abi.Stat_t) abi.Errno {
	var h unix.Stat_t
	if err := fstat(fd, &h); err != nil {
		return errnoOf(err)
	}
	statFromHost(&h, st)
	return 0
}
