package vfs

import (
	"encoding/binary"
	"io"
	"math"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
	"vessel/internal/mm"
)

// hostFile is a file of the host tree, opened through a resolution inside
// the root. It owns its host descriptor. Regular files and block devices
// are positioned: they read and write with pread/pwrite at the File's
// offset. Directories list through the host's getdents64. Other kinds
// (character devices, FIFOs, sockets the root contains) are streams that
// pass read and write through.
type hostFile struct {
	fs   *FS    // immutable
	fd   int    // immutable; closed by Release
	id   fileID // immutable: host (dev, ino) at open
	kind uint32 // immutable: abi.S_IF* at open

	dir dirState // directories only; guarded by File.posMu
}

// dirState is a directory listing in progress: entries read from the host
// but not yet given to the guest.
type dirState struct {
	buf     []byte
	pending []Dirent
	// Mount points just below the directory that the host directory lacks
	// (the guest's root need not have /proc or /dev), listed at its end
	// unless the host listed them: names not yet seen, and whether they
	// were given out.
	mounts    []string
	mountsOut bool
}

// newHostFile wraps fd, which resolution opened with the guest flags
// flags, in a File. gpath is the fallback guest path. On error fd is closed.
func (fs *FS) newHostFile(fd int, flags uint32, gpath string) (*File, abi.Errno) {
	var st unix.Stat_t
	if err := fstat(fd, &st); err != nil {
		closeFD(fd)
		return nil, errnoOf(err)
	}
	h := &hostFile{fs: fs, fd: fd, id: fileID{st.Dev, st.Ino}, kind: guestFileType(st.Mode)}
	if flags&abi.O_TRUNC != 0 && h.kind == abi.S_IFREG && flags&abi.O_PATH == 0 {
		// The host has truncated the file: so must its page cache.
		if c, ok := mm.LockFileCache(h.id); ok {
			c.Truncate(st.Size)
			c.SetVersion(hostVersion{st.Size, st.Mtim})
			c.Unlock()
		}
	}
	switch {
	case flags&abi.O_PATH != 0:
		return NewFile(h, flags, gpath), 0
	case h.kind == abi.S_IFREG || h.kind == abi.S_IFBLK || h.kind == abi.S_IFDIR:
		return NewFile(h, flags|abi.O_LARGEFILE, gpath), 0
	}
	return NewStreamFile(h, flags|abi.O_LARGEFILE, gpath), 0
}

// hostFileOf returns f's host implementation, if it has one.
func hostFileOf(f *File) (*hostFile, bool) {
	h, ok := f.impl.(*hostFile)
	return h, ok
}

func (h *hostFile) positioned() bool { return h.kind == abi.S_IFREG || h.kind == abi.S_IFBLK }

// Read and Pread of a regular file take the pages that shared mappings
// have written and not yet written back from the page cache
// (pagecache.go).
func (h *hostFile) Read(f *File, dst []byte, pos *int64) (int, abi.Errno) {
	switch {
	case h.kind == abi.S_IFDIR:
		return 0, abi.EISDIR
	case h.positioned():
		n, e := h.pread(dst, *pos)
		*pos += int64(n)
		return n, e
	}
	return hostRead(h.fd, dst)
}

// Write under O_APPEND uses the host's O_APPEND (kept equal to the guest's
// by SetStatusFlags), so appends from several Files on one host file do not
// interleave; the new offset is where the host left its own. Write and
// Pwrite of a regular file put what they wrote into the page cache, where
// mappings see it (pagecache.go).
func (h *hostFile) Write(f *File, src []byte, pos *int64) (int, abi.Errno) {
	switch {
	case h.kind == abi.S_IFDIR:
		return 0, abi.EISDIR
	case h.positioned() && f.Flags()&abi.O_APPEND != 0:
		c, had := h.lockCache()
		n, e := hostWrite(h.fd, src)
		if end, err := unix.Seek(h.fd, 0, unix.SEEK_CUR); err == nil {
			*pos = end
			h.wrote(c, had, src[:n], end-int64(n))
		} else if had {
			c.Unlock()
		}
		return n, e
	case h.positioned():
		n, e := h.pwrite(src, *pos)
		*pos += int64(n)
		return n, e
	}
	return hostWrite(h.fd, src)
}

func (h *hostFile) Pread(f *File, dst []byte, off int64) (int, abi.Errno) {
	if h.kind == abi.S_IFDIR {
		return 0, abi.EISDIR
	}
	return h.pread(dst, off)
}

func (h *hostFile) Pwrite(f *File, src []byte, off int64) (int, abi.Errno) {
	if h.kind == abi.S_IFDIR {
		return 0, abi.EISDIR
	}
	return h.pwrite(src, off)
}

// Lseek lets the host validate the result (its maximum file size, SEEK_DATA
// and SEEK_HOLE on sparse files); SEEK_CUR is made relative to vessel's
// offset, which the host descriptor does not track.
func (h *hostFile) Lseek(f *File, pos, off int64, whence int) (int64, abi.Errno) {
	if h.kind == abi.S_IFDIR {
		return h.seekDir(pos, off, whence)
	}
	if !h.positioned() {
		return hostSeek(h.fd, off, whence)
	}
	if whence == abi.SEEK_CUR {
		if off > 0 && pos > math.MaxInt64-off {
			return 0, abi.EINVAL
		}
		off, whence = pos+off, abi.SEEK_SET
	}
	if whence == abi.SEEK_SET && off < 0 {
		return 0, abi.EINVAL
	}
	return hostSeek(h.fd, off, whence)
}

func (h *hostFile) Stat(f *File, st *abi.Stat_t) abi.Errno { return hostStat(h.fd, st) }

// Truncate cuts the page cache's pages of the file too (pagecache.go).
func (h *hostFile) Truncate(f *File, size int64) abi.Errno {
	if h.kind != abi.S_IFREG {
		return abi.EINVAL
	}
	c, had := h.lockCache()
	err := unix.Ftruncate(h.fd, size)
	if err != nil {
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
	c.Truncate(size)
	c.SetVersion(h.version())
	c.Unlock()
	return 0
}

// Sync writes back what shared mappings wrote first, as Linux's fsync
// writes the dirty pages of the page cache.
func (h *hostFile) Sync(f *File, dataOnly bool) abi.Errno {
	if h.kind == abi.S_IFREG {
		if err := mm.FlushFileCache(h.id); err != nil {
			return abi.EIO
		}
	}
	return hostSync(h.fd, dataOnly)
}

func (h *hostFile) Ioctl(f *File, io IOCtx, req uint32, arg uint64) (uint64, abi.Errno) {
	switch h.kind {
	case abi.S_IFCHR:
		return ttyIoctl(h.fd, io, req, arg)
	case abi.S_IFREG:
		if req == abi.FIONREAD { // Linux's do_vfs_ioctl: i_size - f_pos
			var st unix.Stat_t
			if err := fstat(h.fd, &st); err != nil {
				return 0, errnoOf(err)
			}
			n := max(st.Size-f.Pos(), 0)
			return 0, putInt32(io, arg, int32(min(n, math.MaxInt32)))
		}
	}
	return 0, abi.ENOTTY
}

// setflHost are the F_SETFL flags vessel mirrors on the host descriptor.
const setflHost = abi.O_APPEND | abi.O_NONBLOCK | abi.O_DIRECT | abi.O_NOATIME

func (h *hostFile) SetStatusFlags(f *File, flags uint32) abi.Errno {
	cur, err := unix.FcntlInt(uintptr(h.fd), unix.F_GETFL, 0)
	if err != nil {
		return errnoOf(err)
	}
	all := hostOpenFlags(setflHost)
	want := cur&^all | hostOpenFlags(flags&setflHost)
	if want == cur {
		return 0
	}
	_, err = unix.FcntlInt(uintptr(h.fd), unix.F_SETFL, want)
	return errnoOf(err)
}

func (h *hostFile) Release(f *File) { closeFD(h.fd) }

// LivePath asks the host kernel where the file is now, so that a renamed file
// shows its new name; it falls back to the path at open when /proc is
// missing or the file has left the root.
func (h *hostFile) LivePath() (string, bool) { return h.fs.guestPathOf(h.fd) }

// Getdents64 passes the host's entries through, in the host's order and with
// its d_off cookies as positions, so that lseek to a d_off resumes there as
// on Linux. Entries read from the host but not yet delivered wait in
// h.dir.pending.
func (h *hostFile) Getdents64(f *File, dst []byte, pos *int64) (int, abi.Errno) {
	if h.kind != abi.S_IFDIR {
		return 0, abi.ENOTDIR
	}
	d := &h.dir
	if *pos == 0 {
		d.mounts, d.mountsOut = h.fs.mountsBelow(f.Path()), false
	}
	filled := 0
	for {
		if len(d.pending) == 0 {
			if e := h.fillDir(); e != 0 {
				if filled > 0 {
					return filled, 0
				}
				return 0, e
			}
			if len(d.pending) == 0 && len(d.mounts) > 0 && !d.mountsOut {
				// The end of the host's listing: the mount points it lacked.
				for i, name := range d.mounts {
					d.pending = append(d.pending, Dirent{Ino: uint64(i + 1), Off: mountCookie - int64(len(d.mounts)-1-i), Type: abi.DT_DIR, Name: name})
				}
				d.mountsOut = true
			}
			if len(d.pending) == 0 {
				return filled, 0 // end of directory
			}
		}
		n, taken := FillDirents(dst[filled:], d.pending)
		if taken > 0 {
			*pos = d.pending[taken-1].Off
		}
		filled += n
		d.pending = d.pending[taken:]
		if len(d.pending) > 0 {
			if filled == 0 {
				return 0, abi.EINVAL
			}
			return filled, 0
		}
	}
}

// fillDir reads the next batch of host entries into h.dir.pending.
func (h *hostFile) fillDir() abi.Errno {
	d := &h.dir
	if d.buf == nil {
		d.buf = make([]byte, 16<<10)
	}
	var n int
	var err error
	for {
		n, err = unix.Getdents(h.fd, d.buf)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return errnoOf(err)
	}
	// The host's struct linux_dirent64, in host byte order:
	// 0 d_ino u64 | 8 d_off i64 | 16 d_reclen u16 | 18 d_type u8 | 19 d_name
	b := d.buf[:n]
	d.pending = d.pending[:0]
	if n == 0 {
		return 0
	}
	for len(b) >= direntHeader {
		reclen := int(binary.NativeEndian.Uint16(b[16:]))
		if reclen < direntHeader || reclen > len(b) {
			break
		}
		name := b[direntHeader:reclen]
		if i := strings.IndexByte(string(name), 0); i >= 0 {
			name = name[:i]
		}
		d.pending = append(d.pending, Dirent{
			Ino:  binary.NativeEndian.Uint64(b[0:]),
			Off:  int64(binary.NativeEndian.Uint64(b[8:])),
			Type: guestDirentType(b[18]),
			Name: string(name),
		})
		if i := slices.Index(d.mounts, string(name)); i >= 0 {
			d.mounts = slices.Delete(d.mounts, i, i+1)
		}
		b = b[reclen:]
	}
	return 0
}

// seekDir moves a directory listing: the host descriptor's position becomes
// the new one and entries read ahead are dropped. lseek(fd, 0, SEEK_CUR),
// telldir's call, answers without either.
func (h *hostFile) seekDir(pos, off int64, whence int) (int64, abi.Errno) {
	switch whence {
	case abi.SEEK_SET:
	case abi.SEEK_CUR:
		if off == 0 {
			return pos, 0
		}
		if off > 0 && pos > math.MaxInt64-off {
			return 0, abi.EINVAL
		}
		off += pos
	case abi.SEEK_END:
		np, e := hostSeek(h.fd, off, abi.SEEK_END)
		if e == 0 {
			h.dir.pending = h.dir.pending[:0]
		}
		return np, e
	default:
		return 0, abi.EINVAL
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	np, e := hostSeek(h.fd, off, abi.SEEK_SET)
	if e == 0 {
		h.dir.pending = h.dir.pending[:0]
	}
	return np, e
}

// putInt32 writes a guest int at addr.
func putInt32(io IOCtx, addr uint64, v int32) abi.Errno {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(v))
	return io.CopyOut(addr, b[:])
}

// The page cache of a host regular file (mm's, keyed by the file's host
// identity, h.id): its shared mappings write its frames and write them back
// later, so the file's own I/O keeps in step with them (mm/writeback.go).
// A read takes the pages mappings have written from the frames; a write or
// truncate first locks the file's cache entry, if it has one, against
// write-back, then writes the host file, then puts the bytes into the
// frames, so that the host file and the frames agree when it unlocks.

// pread reads the host file at off, and then the pages of it that shared
// mappings have written.
func (h *hostFile) pread(dst []byte, off int64) (int, abi.Errno) {
	n, e := hostPread(h.fd, dst, off)
	if n > 0 && h.kind == abi.S_IFREG {
		mm.ReadFileCache(h.id, dst[:n], off)
	}
	return n, e
}

// pwrite writes the host file at off and the page cache's frames.
func (h *hostFile) pwrite(src []byte, off int64) (int, abi.Errno) {
	c, had := h.lockCache()
	n, e := hostPwrite(h.fd, src, off)
	h.wrote(c, had, src[:n], off)
	return n, e
}

// lockCache locks the file's page-cache entry against write-back, if it
// is a regular file that has one.
func (h *hostFile) lockCache() (mm.FileCache, bool) {
	if h.kind != abi.S_IFREG {
		return mm.FileCache{}, false
	}
	return mm.LockFileCache(h.id)
}

// wrote puts b, just written to the host file at off, into the page
// cache's frames and unlocks the entry: c if lockCache found one (had),
// else the one a mapping made meanwhile, if any.
func (h *hostFile) wrote(c mm.FileCache, had bool, b []byte, off int64) {
	if !had {
		if len(b) == 0 || h.kind != abi.S_IFREG {
			return
		}
		if c, had = mm.LockFileCache(h.id); !had {
			return
		}
	}
	if len(b) > 0 {
		c.Write(b, off)
		c.SetVersion(h.version())
	}
	c.Unlock()
}

// hostVersion is a host file's mm.VersionedFile version: what changes
// when someone writes it.
type hostVersion struct {
	size  int64
	mtime unix.Timespec
}

// version returns the file's version as it is now.
func (h *hostFile) version() any {
	var st unix.Stat_t
	if fstat(h.fd, &st) != nil {
		return nil
	}
	return hostVersion{st.Size, st.Mtim}
}

// mapFile gives a regular file's mappings the page cache under the file's
// host identity, and its shared mappings write-back through this
// descriptor (see pagecache.go); other kinds map through the File.
func (h *hostFile) mapFile(file *File, shared, write bool) (mm.File, abi.Errno) {
	if h.kind != abi.S_IFREG {
		return nil, 0
	}
	m := &hostMapping{file: file, h: h}
	holdFile(m, file)
	return m, 0
}

// hostMapping is a host regular file as mm maps it: an mm.WritebackFile
// and mm.VersionedFile whose key is the file's host identity, so that
// every mapping of the file, through any descriptor of any process of any
// vessel in this host process, shares one page-cache entry.
type hostMapping struct {
	file *File     // immutable; held while the mapping lives
	h    *hostFile // immutable: file's impl
}

func (m *hostMapping) CacheKey() any                           { return m.h.id }
func (m *hostMapping) CacheVersion() any                       { return m.h.version() }
func (m *hostMapping) Name() string                            { return m.file.Path() }
func (m *hostMapping) Writable() bool                          { return m.file.Writable() }
func (m *hostMapping) Sync() error                             { return errOrNil(hostSync(m.h.fd, true)) }
func (m *hostMapping) ReadAt(p []byte, off int64) (int, error) { return readFull(m.h.fd, p, off) }

func (m *hostMapping) Size() int64 {
	var st unix.Stat_t
	if fstat(m.h.fd, &st) != nil {
		return 0
	}
	return st.Size
}

// WriteAt writes a page back with pwrite on the descriptor, unless the
// File is in append mode, whose pwrite appends: then on a descriptor of
// its own, opened through vessel's magic link.
func (m *hostMapping) WriteAt(p []byte, off int64) (int, error) {
	fd := m.h.fd
	if m.file.Flags()&abi.O_APPEND != 0 {
		wfd, err := openat(-100, procFD(fd), unix.O_WRONLY|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
		if err != nil {
			return 0, err
		}
		defer closeFD(wfd)
		fd = wfd
	}
	n, e := hostPwrite(fd, p, off)
	return n, errOrNil(e)
}

// readFull preads len(p) bytes at off, short only at the end of the file
// (io.EOF) or on an error.
func readFull(fd int, p []byte, off int64) (int, error) {
	done := 0
	for done < len(p) {
		n, e := hostPread(fd, p[done:], off+int64(done))
		if e != 0 {
			return done, e
		}
		if n == 0 {
			return done, io.EOF
		}
		done += n
	}
	return done, nil
}

// errOrNil is e as an error: nil for 0.
func errOrNil(e abi.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}
