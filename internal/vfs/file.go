package vfs

import (
	"encoding/binary"
	"math"
	"sync"
	"sync/atomic"

	"vessel/internal/abi"
)

// IOCtx copies bytes between vessel and a guest address space; ioctls use
// it to read and write their argument structures. The address space
// satisfies it. Each method returns EFAULT (or 0) as the guest would see it.
type IOCtx interface {
	CopyIn(addr uint64, dst []byte) abi.Errno
	CopyOut(addr uint64, src []byte) abi.Errno
}

// FileImpl is what one kind of open file does (Linux's file_operations).
// The File in front of it has already checked the access mode, O_PATH and
// the arguments Linux checks generically; pos points at the offset the call
// uses and updates (the File's own for read/write/getdents, which File.posMu
// guards for positioned files; a throwaway for stream files, which ignore
// it). Embed FileDefaults for the methods a kind does not support.
type FileImpl interface {
	// Read reads into dst at *pos and advances *pos.
	Read(f *File, dst []byte, pos *int64) (int, abi.Errno)
	// Write writes src at *pos (at the end under O_APPEND) and advances *pos.
	Write(f *File, src []byte, pos *int64) (int, abi.Errno)
	// Pread and Pwrite are pread64(2) and pwrite64(2); off is not negative.
	Pread(f *File, dst []byte, off int64) (int, abi.Errno)
	Pwrite(f *File, src []byte, off int64) (int, abi.Errno)
	// Lseek returns the offset lseek(2) moves pos to.
	Lseek(f *File, pos, off int64, whence int) (int64, abi.Errno)
	// Stat fills st as fstat(2) reports it.
	Stat(f *File, st *abi.Stat_t) abi.Errno
	// Getdents64 fills dst with guest linux_dirent64 records from the
	// directory position *pos and advances it; it returns the bytes filled,
	// 0 at the end, EINVAL when dst cannot hold the next record.
	Getdents64(f *File, dst []byte, pos *int64) (int, abi.Errno)
	// Truncate is ftruncate(2) on a file opened for writing; size >= 0.
	Truncate(f *File, size int64) abi.Errno
	// Sync is fsync(2), or fdatasync(2) when dataOnly.
	Sync(f *File, dataOnly bool) abi.Errno
	// Ioctl handles a request the File does not handle generically.
	Ioctl(f *File, io IOCtx, req uint32, arg uint64) (uint64, abi.Errno)
	// SetStatusFlags is told of an F_SETFL before the File stores flags;
	// an error leaves the old flags in place.
	SetStatusFlags(f *File, flags uint32) abi.Errno
	// Release frees what the impl holds; the File's last reference is gone.
	Release(f *File)
}

// PollSupport is implemented by kinds of file that say whether epoll may
// watch them, as Linux decides by whether the file has a poll operation;
// without it, every kind may but regular files and directories.
type PollSupport interface {
	CanPoll() bool
}

// FileDefaults gives a FileImpl Linux's answers for operations its kind
// lacks: EINVAL for read and write (no ->read), ESPIPE for positional I/O
// and lseek (no_llseek), ENOTDIR for getdents, ENOTTY for ioctl. Stat is not
// defaulted: every kind must say what it is.
type FileDefaults struct{}

func (FileDefaults) Read(*File, []byte, *int64) (int, abi.Errno)  { return 0, abi.EINVAL }
func (FileDefaults) Write(*File, []byte, *int64) (int, abi.Errno) { return 0, abi.EINVAL }
func (FileDefaults) Pread(*File, []byte, int64) (int, abi.Errno)  { return 0, abi.ESPIPE }
func (FileDefaults) Pwrite(*File, []byte, int64) (int, abi.Errno) { return 0, abi.ESPIPE }
func (FileDefaults) Lseek(*File, int64, int64, int) (int64, abi.Errno) {
	return 0, abi.ESPIPE
}
func (FileDefaults) Getdents64(*File, []byte, *int64) (int, abi.Errno) { return 0, abi.ENOTDIR }
func (FileDefaults) Truncate(*File, int64) abi.Errno                   { return abi.EINVAL }
func (FileDefaults) Sync(*File, bool) abi.Errno                        { return abi.EINVAL }
func (FileDefaults) Ioctl(*File, IOCtx, uint32, uint64) (uint64, abi.Errno) {
	return 0, abi.ENOTTY
}
func (FileDefaults) SetStatusFlags(*File, uint32) abi.Errno { return 0 }
func (FileDefaults) Release(*File)                          {}

// File is an open file description (Linux's struct file). Descriptors made
// by dup, fork and fd passing share one File, and with it the offset, the
// status flags and the access mode. The zero value is not usable; make one
// with NewFile or NewStreamFile.
type File struct {
	impl   FileImpl // immutable
	stream bool     // immutable: no offset, no position lock (pipes, terminals)
	path   string   // immutable: the guest path at open, or a name

	// A file of one of vessel's own filesystems: its mount and node
	// (immutable; nil for host files, pipes and the like).
	mnt  *mount
	node Node

	refs atomic.Int64

	// flags are F_GETFL's answer: the access mode and O_PATH (immutable) and
	// the status flags (written under flagsMu, read atomically).
	flags   atomic.Uint32
	flagsMu sync.Mutex

	posMu sync.Mutex
	pos   int64 // guarded by posMu

	hookMu    sync.Mutex
	onRelease []func() // guarded by hookMu: run when the last reference goes
}

// setflMask are the status flags F_SETFL may change (Linux's SETFL_MASK).
const setflMask = abi.O_APPEND | abi.O_NONBLOCK | abi.O_DIRECT | abi.O_NOATIME | abi.O_ASYNC

// openOnlyFlags are open(2) flags that describe the open, not the file
// description; F_GETFL does not report them.
const openOnlyFlags = abi.O_CREAT | abi.O_EXCL | abi.O_NOCTTY | abi.O_TRUNC | abi.O_CLOEXEC

// NewFile returns a positioned File (a regular file or a directory) with one
// reference, over impl. flags are the open(2) flags; path is what Path
// reports unless impl has a Path method.
func NewFile(impl FileImpl, flags uint32, path string) *File {
	f := &File{impl: impl, path: path}
	f.flags.Store(flags &^ openOnlyFlags)
	f.refs.Store(1)
	return f
}

// NewStreamFile is NewFile for a stream: a pipe, terminal or socket, which
// has no offset of its own. Its reads and writes are not serialised on a
// position lock (they may block); its Pread, Pwrite and Seek still reach
// the impl, whose defaults say ESPIPE.
func NewStreamFile(impl FileImpl, flags uint32, path string) *File {
	f := NewFile(impl, flags, path)
	f.stream = true
	return f
}

// IncRef takes a reference. The File must not have been released.
func (f *File) IncRef() {
	if f.refs.Add(1) <= 1 {
		panic("vfs: IncRef of a released File")
	}
}

// DecRef drops a reference; the last one releases the impl.
func (f *File) DecRef() {
	switch n := f.refs.Add(-1); {
	case n == 0:
		f.hookMu.Lock()
		hooks := f.onRelease
		f.onRelease = nil
		f.hookMu.Unlock()
		for _, fn := range hooks {
			fn()
		}
		f.impl.Release(f)
	case n < 0:
		panic("vfs: DecRef of a released File")
	}
}

// OnRelease makes fn run when f's last reference is dropped, before its
// impl is released: the kernel drops the open file description's flock and
// OFD locks there.
func (f *File) OnRelease(fn func()) {
	f.hookMu.Lock()
	defer f.hookMu.Unlock()
	f.onRelease = append(f.onRelease, fn)
}

// LockKey names the inode behind f, for the kernel's file locks: every File
// of one file, however it was opened, gives the same key. Host files are
// named by their host identity, files of vessel's filesystems by their
// node, anything else (pipes, sockets) by its implementation.
func LockKey(f *File) any {
	if f.node != nil {
		return f.node
	}
	if h, ok := hostFileOf(f); ok {
		return h.id
	}
	return f.impl
}

// Impl returns the File's implementation.
func (f *File) Impl() FileImpl { return f.impl }

// Flags returns what F_GETFL reports: the access mode and the status flags.
func (f *File) Flags() uint32 { return f.flags.Load() }

// SetFlags is F_SETFL: it changes O_APPEND, O_NONBLOCK, O_DIRECT, O_NOATIME
// and O_ASYNC to their values in flags and ignores the other bits. It fails
// with EBADF on an O_PATH file.
func (f *File) SetFlags(flags uint32) abi.Errno {
	if f.IsPath() {
		return abi.EBADF
	}
	f.flagsMu.Lock()
	defer f.flagsMu.Unlock()
	old := f.flags.Load()
	nf := old&^setflMask | flags&setflMask
	if e := f.impl.SetStatusFlags(f, nf); e != 0 {
		return e
	}
	f.flags.Store(nf)
	return 0
}

// IsPath reports whether the File was opened with O_PATH: it names a file
// but cannot read, write, seek or ioctl it (EBADF), as Linux's FMODE_PATH.
func (f *File) IsPath() bool { return f.Flags()&abi.O_PATH != 0 }

// Readable reports whether the access mode allows reading.
func (f *File) Readable() bool {
	fl := f.Flags()
	return fl&abi.O_PATH == 0 && (fl&abi.O_ACCMODE == abi.O_RDONLY || fl&abi.O_ACCMODE == abi.O_RDWR)
}

// Writable reports whether the access mode allows writing.
func (f *File) Writable() bool {
	fl := f.Flags()
	return fl&abi.O_PATH == 0 && (fl&abi.O_ACCMODE == abi.O_WRONLY || fl&abi.O_ACCMODE == abi.O_RDWR)
}

// Stream reports whether the File is a stream (NewStreamFile).
func (f *File) Stream() bool { return f.stream }

// Waitless is implemented by the kinds of stream whose reads never wait
// (vessel's memory devices: null, zero, full, random, urandom).
type Waitless interface{ Waitless() }

// MayWait reports whether a read of the File may wait on something
// outside vessel (a host pipe or terminal): it is a stream that is not
// Waitless. The syscall layer reads such files off the virtual CPU.
func (f *File) MayWait() bool {
	_, never := f.impl.(Waitless)
	return f.stream && !never
}

// LivePather is implemented by kinds of file whose path can change while
// they are open; LivePath returns the current guest path, or false to fall
// back to the one the File was made with.
type LivePather interface {
	LivePath() (string, bool)
}

// Path returns the guest path of the file, as /proc/PID/fd shows it: the
// impl's LivePath if it has one (host files ask the host kernel, so a
// renamed file shows its new name and a deleted one ends in " (deleted)"),
// else the path or name the File was made with.
func (f *File) Path() string {
	if p, ok := f.impl.(LivePather); ok {
		if s, ok := p.LivePath(); ok {
			return s
		}
	}
	return f.path
}

// Pos returns the current offset, for /proc/PID/fdinfo.
func (f *File) Pos() int64 {
	f.posMu.Lock()
	defer f.posMu.Unlock()
	return f.pos
}

// Read is read(2): it reads at the offset and advances it. EBADF if the
// File is not open for reading.
func (f *File) Read(dst []byte) (int, abi.Errno) {
	if !f.Readable() {
		return 0, abi.EBADF
	}
	if f.stream {
		var pos int64
		return f.impl.Read(f, dst, &pos)
	}
	f.posMu.Lock()
	defer f.posMu.Unlock()
	return f.impl.Read(f, dst, &f.pos)
}

// Write is write(2): it writes at the offset, or at the end under O_APPEND,
// and advances the offset. EBADF if the File is not open for writing.
func (f *File) Write(src []byte) (int, abi.Errno) {
	if !f.Writable() {
		return 0, abi.EBADF
	}
	if f.stream {
		var pos int64
		return f.impl.Write(f, src, &pos)
	}
	f.posMu.Lock()
	defer f.posMu.Unlock()
	return f.impl.Write(f, src, &f.pos)
}

// Pread is pread64(2): it reads at off and leaves the offset alone. EINVAL
// for a negative off.
func (f *File) Pread(dst []byte, off int64) (int, abi.Errno) {
	if !f.Readable() {
		return 0, abi.EBADF
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	return f.impl.Pread(f, dst, off)
}

// Pwrite is pwrite64(2). As on Linux, a File with O_APPEND appends whatever
// off says.
func (f *File) Pwrite(src []byte, off int64) (int, abi.Errno) {
	if !f.Writable() {
		return 0, abi.EBADF
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	return f.impl.Pwrite(f, src, off)
}

// Lseek is lseek(2) with SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA or
// SEEK_HOLE; it returns the new offset. EINVAL for another whence or a
// negative result, ESPIPE on pipes and terminals, EBADF on O_PATH.
func (f *File) Lseek(off int64, whence int) (int64, abi.Errno) {
	if f.IsPath() {
		return 0, abi.EBADF
	}
	if whence < abi.SEEK_SET || whence > abi.SEEK_HOLE {
		return 0, abi.EINVAL
	}
	if f.stream {
		return f.impl.Lseek(f, 0, off, whence)
	}
	f.posMu.Lock()
	defer f.posMu.Unlock()
	np, e := f.impl.Lseek(f, f.pos, off, whence)
	if e != 0 {
		return 0, e
	}
	f.pos = np
	return np, 0
}

// Stat is fstat(2). It works on O_PATH files too.
func (f *File) Stat(st *abi.Stat_t) abi.Errno { return f.impl.Stat(f, st) }

// Getdents64 is getdents64(2): it fills dst with guest linux_dirent64
// records and returns the bytes filled, 0 at the end of the directory,
// EINVAL if dst cannot hold one record, ENOTDIR if the File is not a
// directory. Each call resumes where the last stopped.
func (f *File) Getdents64(dst []byte) (int, abi.Errno) {
	if f.IsPath() {
		return 0, abi.EBADF
	}
	if f.stream {
		var pos int64
		return f.impl.Getdents64(f, dst, &pos)
	}
	f.posMu.Lock()
	defer f.posMu.Unlock()
	return f.impl.Getdents64(f, dst, &f.pos)
}

// Truncate is ftruncate(2): EINVAL for a negative size or a File not open
// for writing, as Linux's do_sys_ftruncate.
func (f *File) Truncate(size int64) abi.Errno {
	if f.IsPath() {
		return abi.EBADF
	}
	if size < 0 || !f.Writable() {
		return abi.EINVAL
	}
	return f.impl.Truncate(f, size)
}

// Sync is fsync(2), or fdatasync(2) when dataOnly.
func (f *File) Sync(dataOnly bool) abi.Errno {
	if f.IsPath() {
		return abi.EBADF
	}
	return f.impl.Sync(f, dataOnly)
}

// Ioctl is ioctl(2). FIONBIO and FIOASYNC are handled here as Linux's
// do_vfs_ioctl does; FIOCLEX and FIONCLEX belong to the descriptor table
// (FDTable.SetFDFlags) and the caller handles them; the rest go to the impl
// (ENOTTY by default). The result is the syscall's return value.
func (f *File) Ioctl(io IOCtx, req uint32, arg uint64) (uint64, abi.Errno) {
	if f.IsPath() {
		return 0, abi.EBADF
	}
	switch req {
	case abi.FIONBIO, fioasync:
		var b [4]byte
		if e := io.CopyIn(arg, b[:]); e != 0 {
			return 0, e
		}
		bit := uint32(abi.O_NONBLOCK)
		if req == fioasync {
			bit = abi.O_ASYNC
		}
		fl := f.Flags() &^ bit
		if binary.LittleEndian.Uint32(b[:]) != 0 {
			fl |= bit
		}
		return 0, f.SetFlags(fl)
	}
	return f.impl.Ioctl(f, io, req, arg)
}

// fioasync is FIOASYNC of asm-generic/ioctls.h (not yet in package abi).
const fioasync = 0x5452

// SeekIn computes lseek(2)'s result for a file of the given size without
// holes, as Linux's generic_file_llseek_size: for in-memory kinds of file.
func SeekIn(pos, off int64, whence int, size int64) (int64, abi.Errno) {
	var np int64
	switch whence {
	case abi.SEEK_SET:
		np = off
	case abi.SEEK_CUR:
		if off > 0 && pos > math.MaxInt64-off || off < 0 && pos < math.MinInt64-off {
			return 0, abi.EINVAL
		}
		np = pos + off
	case abi.SEEK_END:
		if off > 0 && size > math.MaxInt64-off {
			return 0, abi.EINVAL
		}
		np = size + off
	case abi.SEEK_DATA:
		if off < 0 || off >= size {
			return 0, abi.ENXIO
		}
		np = off
	case abi.SEEK_HOLE:
		if off < 0 || off >= size {
			return 0, abi.ENXIO
		}
		np = size
	default:
		return 0, abi.EINVAL
	}
	if np < 0 {
		return 0, abi.EINVAL
	}
	return np, 0
}
