package vfs

import (
	"golang.org/x/sys/unix"

	"vessel/internal/abi"
	"vessel/internal/mm"
)

// Calls on a range of an open file: fallocate(2), sync_file_range(2) and
// readahead(2), with the generic checks of Linux's vfs_fallocate,
// sync_file_range and ksys_readahead before the kind of file does its
// part.

// fallocate(2) modes (linux/falloc.h; not yet in package abi).
const (
	fallocKeepSize      = 0x01 // FALLOC_FL_KEEP_SIZE
	fallocPunchHole     = 0x02 // FALLOC_FL_PUNCH_HOLE
	fallocCollapseRange = 0x08 // FALLOC_FL_COLLAPSE_RANGE
	fallocZeroRange     = 0x10 // FALLOC_FL_ZERO_RANGE
	fallocInsertRange   = 0x20 // FALLOC_FL_INSERT_RANGE
	fallocUnshareRange  = 0x40 // FALLOC_FL_UNSHARE_RANGE
	fallocWriteZeroes   = 0x80 // FALLOC_FL_WRITE_ZEROES (Linux 6.17)

	// fallocModeMask is FALLOC_FL_MODE_MASK: the modes, of which a call
	// names one (none is FALLOC_FL_ALLOCATE_RANGE).
	fallocModeMask = fallocPunchHole | fallocCollapseRange | fallocZeroRange |
		fallocInsertRange | fallocUnshareRange | fallocWriteZeroes
)

// allocator is a FileImpl with a fallocate operation (file_operations'
// fallocate). The File has checked the arguments and that the file is a
// regular file or a block device open for writing.
type allocator interface {
	fallocate(f *File, mode uint32, off, n int64) abi.Errno
}

// fileType returns f's abi.S_IF* type, as fstat reports it; an anonymous
// file (eventfd, epoll) has none.
func fileType(f *File) (uint32, abi.Errno) {
	var st abi.Stat_t
	if e := f.Stat(&st); e != 0 {
		return 0, e
	}
	return st.Mode & abi.S_IFMT, 0
}

// Fallocate is fallocate(2), with vfs_fallocate's checks in its order:
// EINVAL for a negative offset or a length not above 0; EOPNOTSUPP for an
// unknown flag or a mix of modes Linux refuses (FALLOC_FL_PUNCH_HOLE
// without FALLOC_FL_KEEP_SIZE; FALLOC_FL_COLLAPSE_RANGE,
// FALLOC_FL_INSERT_RANGE and FALLOC_FL_WRITE_ZEROES with it); EBADF when f
// is not open for writing; ESPIPE for a pipe or FIFO, EISDIR for a
// directory, ENODEV for anything else but a regular file or a block
// device; EFBIG when offset+len overflows; EOPNOTSUPP for a kind of file
// that cannot allocate (procfs). Then the file does it: a host file (or a
// standard stream redirected to one) by the host's fallocate, a tmpfs file
// itself (tmpFile.fallocate). vessel keeps no append-only or immutable
// inode flags, so its own files never give EPERM for those; the host
// checks its own.
func (f *File) Fallocate(mode uint32, off, n int64) abi.Errno {
	if f.IsPath() {
		return abi.EBADF // fdget does not return O_PATH files
	}
	if off < 0 || n <= 0 {
		return abi.EINVAL
	}
	if mode&^(fallocModeMask|fallocKeepSize) != 0 {
		return abi.EOPNOTSUPP
	}
	switch mode & fallocModeMask {
	case 0, fallocUnshareRange, fallocZeroRange:
	case fallocPunchHole:
		if mode&fallocKeepSize == 0 {
			return abi.EOPNOTSUPP
		}
	case fallocCollapseRange, fallocInsertRange, fallocWriteZeroes:
		if mode&fallocKeepSize != 0 {
			return abi.EOPNOTSUPP
		}
	default:
		return abi.EOPNOTSUPP
	}
	if !f.Writable() {
		return abi.EBADF
	}
	typ, e := fileType(f)
	if e != 0 {
		return e
	}
	switch typ {
	case abi.S_IFIFO:
		return abi.ESPIPE
	case abi.S_IFDIR:
		return abi.EISDIR
	case abi.S_IFREG, abi.S_IFBLK:
	default:
		return abi.ENODEV
	}
	if off > maxFileSize-n {
		return abi.EFBIG
	}
	a, ok := f.impl.(allocator)
	if !ok {
		return abi.EOPNOTSUPP
	}
	return a.fallocate(f, mode, off, n)
}

// fallocate of a tmpfs file is shmem_fallocate's: FALLOC_FL_PUNCH_HOLE
// (with FALLOC_FL_KEEP_SIZE) and allocation, nothing else (EOPNOTSUPP). A
// punch is EPERM under F_SEAL_WRITE or F_SEAL_FUTURE_WRITE and zeroes the
// range in the file's Memory, where every mapping sees it (mm.Memory.Punch).
// An allocation that reaches past the size is EPERM under F_SEAL_GROW,
// even with FALLOC_FL_KEEP_SIZE; one of more pages than the whole tmpfs
// holds is ENOSPC at once, as Linux's check against max_blocks; without
// FALLOC_FL_KEEP_SIZE the size grows to offset+len, counted against the
// tmpfs's limit as a write's growth is (ENOSPC when it does not fit).
// vessel's tmpfs counts sizes, not pages, and makes pages at first touch,
// so an allocation reserves nothing beyond the size (Linux allocates the
// pages and counts them, FALLOC_FL_KEEP_SIZE or not) and st_blocks does
// not change. Success stamps mtime and ctime and drops setuid, as a write
// does (file_modified).
func (f *tmpFile) fallocate(_ *File, mode uint32, off, n int64) abi.Errno {
	if mode&^(fallocKeepSize|fallocPunchHole) != 0 {
		return abi.EOPNOTSUPP
	}
	node := f.n
	t := node.fs
	t.mu.Lock()
	defer t.mu.Unlock()
	end := off + n
	size := node.mem.Size()
	if mode&fallocPunchHole != 0 {
		if node.seals&(sealWrite|sealFutureWrite) != 0 {
			return abi.EPERM
		}
		node.mem.Punch(off, end)
	} else {
		if end > size && node.seals&sealGrow != 0 {
			return abi.EPERM
		}
		pages := (uint64(end)+abi.PageSize-1)/abi.PageSize - uint64(off)/abi.PageSize
		if pages > uint64(t.limit)/abi.PageSize {
			return abi.ENOSPC
		}
		if end > size && mode&fallocKeepSize == 0 {
			if end-size > t.limit-t.used {
				return abi.ENOSPC
			}
			t.used += end - size
			node.mem.Truncate(end)
		}
	}
	node.mtime = t.stamp()
	node.ctime = node.mtime
	node.mode &^= abi.S_ISUID
	return 0
}

// fallocate of a host regular file or block device is the host's. Modes
// that change the bytes in place or move them (punching, zeroing,
// collapsing, inserting, unsharing) keep the page cache of a mapped
// regular file in step, as Linux's filesystems do: the pages shared
// mappings wrote go back to the file first, and the cached pages of the
// changed range, to the end of the file for the modes that move bytes, are
// read again afterwards (mm.FileCache.Reload).
func (h *hostFile) fallocate(_ *File, mode uint32, off, n int64) abi.Errno {
	changes := mode&fallocModeMask != 0
	if h.kind != abi.S_IFREG || !changes {
		err := unix.Fallocate(h.fd, mode, off, n)
		if err == nil && h.kind == abi.S_IFREG {
			if c, had := mm.LockFileCache(h.id); had {
				c.SetVersion(h.version()) // the size may have grown
				c.Unlock()
			}
		}
		return errnoOf(err)
	}
	if err := mm.FlushFileCache(h.id); err != nil {
		return abi.EIO
	}
	c, had := h.lockCache()
	if err := unix.Fallocate(h.fd, mode, off, n); err != nil {
		if had {
			c.Unlock()
		}
		return errnoOf(err)
	}
	if !had {
		if c, had = mm.LockFileCache(h.id); !had {
			return 0
		}
	}
	end := off + n
	if mode&(fallocCollapseRange|fallocInsertRange) != 0 {
		var st unix.Stat_t
		if fstat(h.fd, &st) == nil {
			c.Truncate(st.Size) // a collapse shortens the file
		}
		end = maxFileSize
	}
	c.Reload(off, end, func(b []byte, at int64) (int, error) { return readFull(h.fd, b, at) })
	c.SetVersion(h.version())
	c.Unlock()
	return 0
}

// fallocate of one of vessel's standard streams, redirected to a host
// regular file, is the host's.
func (s *hostStream) fallocate(_ *File, mode uint32, off, n int64) abi.Errno {
	return errnoOf(unix.Fallocate(s.fd, mode, off, n))
}

// sync_file_range(2) flags (linux/fs.h).
const (
	syncFileRangeWaitBefore = 1 // SYNC_FILE_RANGE_WAIT_BEFORE
	syncFileRangeWrite      = 2 // SYNC_FILE_RANGE_WRITE
	syncFileRangeWaitAfter  = 4 // SYNC_FILE_RANGE_WAIT_AFTER
)

// SyncRange is sync_file_range(2), with Linux's checks in its order:
// EBADF for an O_PATH file; EINVAL for an unknown flag, a negative offset
// or length, or a range whose end overflows; ESPIPE for anything but a
// regular file, block device, directory or symbolic link. The file need
// not be open for writing. A host regular file's dirty pages in vessel's
// page cache go back to it first (with SYNC_FILE_RANGE_WRITE), and the
// host's sync_file_range does the rest, for it and for vessel's standard
// streams redirected to a file; vessel's own files hold nothing to write
// back.
func (f *File) SyncRange(off, n int64, flags uint32) abi.Errno {
	if f.IsPath() {
		return abi.EBADF
	}
	if flags&^(syncFileRangeWaitBefore|syncFileRangeWrite|syncFileRangeWaitAfter) != 0 {
		return abi.EINVAL
	}
	end := int64(uint64(off) + uint64(n))
	if off < 0 || end < 0 || end < off {
		return abi.EINVAL
	}
	typ, e := fileType(f)
	if e != 0 {
		return e
	}
	switch typ {
	case abi.S_IFREG, abi.S_IFBLK, abi.S_IFDIR, abi.S_IFLNK:
	default:
		return abi.ESPIPE
	}
	switch h := f.impl.(type) {
	case *hostFile:
		if h.kind == abi.S_IFREG && flags&syncFileRangeWrite != 0 {
			if err := mm.FlushFileCache(h.id); err != nil {
				return abi.EIO
			}
		}
		return errnoOf(unix.SyncFileRange(h.fd, off, n, int(flags)))
	case *hostStream:
		return errnoOf(unix.SyncFileRange(h.fd, off, n, int(flags)))
	}
	return 0
}

// Readahead is readahead(2), ksys_readahead's checks: EBADF for a file not
// open for reading (or O_PATH), EINVAL for anything but a regular file or
// a block device, and for a count that is negative as a loff_t. The
// advice itself has nothing to do: vessel reads host files when asked
// and keeps its own in memory.
func (f *File) Readahead(off int64, count uint64) abi.Errno {
	if f.IsPath() || !f.Readable() {
		return abi.EBADF
	}
	typ, e := fileType(f)
	if e != 0 {
		return e
	}
	if typ != abi.S_IFREG && typ != abi.S_IFBLK {
		return abi.EINVAL
	}
	if int64(count) < 0 {
		return abi.EINVAL // generic_fadvise's len < 0
	}
	return 0
}
