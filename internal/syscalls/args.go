package syscalls

import (
	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/vfs"
)

// pathMax is Linux's PATH_MAX: a path argument, with its NUL, fits in it.
const pathMax = 4096

// maxRW is Linux's MAX_RW_COUNT: one read or write moves at most this much.
const maxRW = 0x7ffff000

// ioChunk bounds the host buffer one step of a read or write uses.
const ioChunk = 1 << 20

// pathArg reads the NUL-terminated path at addr: EFAULT for a bad pointer,
// ENAMETOOLONG when it does not fit in PATH_MAX. The empty path is returned
// as is; the vfs decides whether it is allowed (AT_EMPTY_PATH).
func pathArg(t *kernel.Task, addr uint64) (string, abi.Errno) {
	return t.MM.CopyInString(addr, pathMax)
}

// fileArg returns the open file behind descriptor fd with a reference the
// caller drops: EBADF when fd is not open.
func fileArg(t *kernel.Task, fd uint64) (*vfs.File, abi.Errno) {
	return t.FDs.Get(int32(fd))
}

// dirArg returns the directory a relative path starts from: nil for
// AT_FDCWD or an absolute path (whose dirfd Linux ignores), otherwise the
// file behind dirfd with a reference, released by the returned func.
func dirArg(t *kernel.Task, dirfd uint64, path string, emptyPath bool) (*vfs.File, func(), abi.Errno) {
	fd := int32(dirfd)
	if fd == abi.AT_FDCWD || (len(path) > 0 && path[0] == '/') || (path == "" && !emptyPath) {
		return nil, func() {}, 0
	}
	f, err := t.FDs.Get(fd)
	if err != 0 {
		return nil, nil, err
	}
	return f, f.DecRef, 0
}

// pathAt reads the path at pathAddr and the directory dirfd names for it.
// The caller calls done when finished with dir.
func pathAt(t *kernel.Task, dirfd, pathAddr uint64, flags uint32) (dir *vfs.File, path string, done func(), err abi.Errno) {
	path, err = pathArg(t, pathAddr)
	if err != 0 {
		return nil, "", nil, err
	}
	dir, done, err = dirArg(t, dirfd, path, flags&abi.AT_EMPTY_PATH != 0)
	return dir, path, done, err
}
