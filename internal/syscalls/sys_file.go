package syscalls

import (
	"runtime"

	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/vfs"
)

// openat(2). An absolute path is looked up under the sysroot first (see
// kernel.Task.SysrootPath). O_CLOEXEC becomes the descriptor's flag.
func sysOpenat(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	flags, mode := uint32(a[2]), uint32(a[3])
	dir, path, done, err := pathAt(t, a[0], a[1], 0)
	if err != 0 {
		return 0, err
	}
	defer done()
	path = t.SysrootPath(path)
	if flags&abi.O_ACCMODE != abi.O_RDONLY || flags&abi.O_TRUNC != 0 {
		if err := notRunning(t, dir, path, flags&abi.O_NOFOLLOW == 0); err != 0 {
			return 0, err
		}
	}
	f, err := t.Kernel().Config().FS.Openat(t, dir, path, flags, mode)
	if err != 0 {
		return 0, err
	}
	fd, err := t.FDs.Install(f, flags&abi.O_CLOEXEC != 0)
	f.DecRef() // the table holds its own reference
	if err != 0 {
		return 0, err
	}
	return uint64(fd), 0
}

func sysClose(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, t.FDs.Close(int32(a[0]))
}

// close_range(2): CLOSE_RANGE_UNSHARE gives the task its own table first.
func sysCloseRange(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	tbl, err := t.FDs.CloseRange(uint32(a[0]), uint32(a[1]), uint32(a[2]))
	if err != 0 {
		return 0, err
	}
	if tbl != t.FDs {
		old := t.FDs
		t.FDs = tbl
		old.DecRef()
	}
	return 0, 0
}

// read(2). A regular file is read until the buffer is full or the file
// ends; a stream (terminal, pipe) returns what one read gives.
func sysRead(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	return readInto(t, a[1], a[2], reader(t, f), f.Stream())
}

// reader is how read and readv read f: directly, or, for a stream that may
// wait (a terminal, a host pipe; not /dev/zero), off the virtual CPU,
// because such a read may wait for input and nothing may hold the CPU
// while it waits.
func reader(t *kernel.Task, f *vfs.File) func([]byte) (int, abi.Errno) {
	if tf, ok := f.Impl().(kernel.TaskFile); ok {
		return func(b []byte) (int, abi.Errno) { return tf.ReadTask(t, f, b) }
	}
	if !f.MayWait() {
		return f.Read
	}
	return func(b []byte) (n int, err abi.Errno) {
		t.Block(func() { n, err = f.Read(b) })
		return n, err
	}
}

// pread64(2): a negative offset is EINVAL.
func sysPread64(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	off := int64(a[3])
	if off < 0 {
		return 0, abi.EINVAL
	}
	return readInto(t, a[1], a[2], func(b []byte) (int, abi.Errno) {
		n, err := f.Pread(b, off)
		off += int64(n)
		return n, err
	}, f.Stream())
}

// readInto runs read into a host buffer and copies the bytes to the guest
// at addr, in chunks, until count bytes, a short read, or (for a stream)
// the first read that returned anything. An error after some bytes were
// read is dropped, as Linux returns the partial count.
func readInto(t *kernel.Task, addr, count uint64, read func([]byte) (int, abi.Errno), stream bool) (uint64, abi.Errno) {
	count = min(count, maxRW)
	buf := t.IOBuf(int(min(count, ioChunk)))
	var done uint64
	for done < count || count == 0 {
		b := buf[:min(count-done, uint64(len(buf)))]
		n, err := read(b)
		if n > 0 {
			if e := t.MM.CopyOut(addr+done, b[:n]); e != 0 {
				return 0, e
			}
			done += uint64(n)
		}
		if err != 0 {
			if done > 0 {
				return done, 0
			}
			return 0, err
		}
		if n < len(b) || stream || count == 0 {
			break
		}
	}
	return done, 0
}

func sysWrite(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	return writeFrom(t, a[1], a[2], writer(t, f))
}

// writer is how write and writev write f: through the kernel for a file
// kind whose writes may sleep there (kernel.TaskFile), else directly.
func writer(t *kernel.Task, f *vfs.File) func([]byte) (int, abi.Errno) {
	if tf, ok := f.Impl().(kernel.TaskFile); ok {
		return func(b []byte) (int, abi.Errno) { return tf.WriteTask(t, f, b) }
	}
	return f.Write
}

func sysPwrite64(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	off := int64(a[3])
	if off < 0 {
		return 0, abi.EINVAL
	}
	return writeFrom(t, a[1], a[2], func(b []byte) (int, abi.Errno) {
		n, err := f.Pwrite(b, off)
		off += int64(n)
		return n, err
	})
}

// writeFrom copies count bytes from the guest at addr and writes them in
// chunks. A bad pointer before anything was written is EFAULT; after, the
// count so far.
func writeFrom(t *kernel.Task, addr, count uint64, write func([]byte) (int, abi.Errno)) (uint64, abi.Errno) {
	count = min(count, maxRW)
	buf := t.IOBuf(int(min(count, ioChunk)))
	var done uint64
	for done < count || count == 0 {
		b := buf[:min(count-done, uint64(len(buf)))]
		if e := t.MM.CopyIn(addr+done, b); e != 0 {
			if done > 0 {
				return done, 0
			}
			return 0, e
		}
		n, err := write(b)
		done += uint64(n)
		if err != 0 {
			if done > 0 {
				return done, 0
			}
			return 0, err
		}
		if n < len(b) || count == 0 {
			break
		}
	}
	return done, 0
}

// iovMax is Linux's UIO_MAXIOV.
const iovMax = 1024

// iovecs reads an array of cnt struct iovec {base, len} at addr. EINVAL
// for too many entries or a total length that overflows ssize_t.
func iovecs(t *kernel.Task, addr, cnt uint64) ([][2]uint64, abi.Errno) {
	if cnt > iovMax {
		return nil, abi.EINVAL
	}
	b := make([]byte, 16*cnt)
	if err := t.MM.CopyIn(addr, b); err != 0 {
		return nil, err
	}
	iov := make([][2]uint64, cnt)
	var total uint64
	for i := range iov {
		iov[i] = [2]uint64{le.Uint64(b[16*i:]), le.Uint64(b[16*i+8:])}
		if int64(iov[i][1]) < 0 || total+iov[i][1] > 1<<63-1 {
			return nil, abi.EINVAL
		}
		total += iov[i][1]
	}
	return iov, 0
}

// readv(2): a stream (pipe, socket, terminal) is read once, as Linux hands
// the whole iovec to the file's read_iter, and what came is scattered over
// the buffers, so that a readv neither waits for more than one read would
// nor takes two datagrams; a regular file is read buffer by buffer,
// stopping at a short read.
func sysReadv(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	iov, err := iovecs(t, a[1], a[2])
	if err != 0 {
		return 0, err
	}
	if f.Stream() {
		return readvStream(t, f, iov)
	}
	return eachIovec(iov, func(v [2]uint64) (uint64, abi.Errno) {
		return readInto(t, v[0], v[1], reader(t, f), f.Stream())
	})
}

// eachIovec moves the buffers of iov one at a time with step, skipping
// empty ones and stopping after a short one, as Linux's vectored I/O of a
// regular file: it returns the bytes moved, or the error of the first step
// when nothing was.
func eachIovec(iov [][2]uint64, step func(v [2]uint64) (uint64, abi.Errno)) (uint64, abi.Errno) {
	var done uint64
	for _, v := range iov {
		if v[1] == 0 {
			continue
		}
		n, err := step(v)
		if err != 0 {
			if done > 0 {
				return done, 0
			}
			return 0, err
		}
		done += n
		if n < v[1] {
			break
		}
	}
	return done, 0
}

// readvStream is readv of a stream: one read of up to the iovec's total
// (at most ioChunk) into a buffer, then scattered. EFAULT before anything
// was copied; after, the count so far.
func readvStream(t *kernel.Task, f *vfs.File, iov [][2]uint64) (uint64, abi.Errno) {
	var total uint64
	for _, v := range iov {
		total += v[1]
	}
	buf := t.IOBuf(int(min(total, ioChunk, maxRW)))
	n, err := reader(t, f)(buf)
	if err != 0 {
		return 0, err
	}
	b := buf[:n]
	var done uint64
	for _, v := range iov {
		if len(b) == 0 {
			break
		}
		c := min(uint64(len(b)), v[1])
		if e := t.MM.CopyOut(v[0], b[:c]); e != 0 {
			if done > 0 {
				return done, 0
			}
			return 0, e
		}
		done += c
		b = b[c:]
	}
	return done, 0
}

// writev(2): each buffer in turn, stopping at a short write. (Atomicity of
// one writev against other writers to a pipe comes with pipes.)
func sysWritev(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	iov, err := iovecs(t, a[1], a[2])
	if err != 0 {
		return 0, err
	}
	var total uint64
	for _, v := range iov {
		total += v[1]
	}
	// Gather first, so that a terminal gets one write, as Linux's
	// do_iter_write hands the whole iterator to the file.
	if total <= ioChunk {
		buf := make([]byte, 0, total)
		for _, v := range iov {
			start := len(buf)
			buf = buf[:start+int(v[1])]
			if e := t.MM.CopyIn(v[0], buf[start:]); e != 0 {
				buf = buf[:start]
				if start == 0 {
					return 0, e
				}
				break
			}
		}
		if len(buf) == 0 && total > 0 {
			return 0, abi.EFAULT
		}
		n, err := writer(t, f)(buf)
		if err != 0 && n == 0 {
			return 0, err
		}
		return uint64(n), 0
	}
	return eachIovec(iov, func(v [2]uint64) (uint64, abi.Errno) {
		return writeFrom(t, v[0], v[1], writer(t, f))
	})
}

func sysLseek(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	off, err := f.Lseek(int64(a[1]), int(int32(a[2])))
	return uint64(off), err
}

func sysFtruncate(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	if int64(a[1]) < 0 {
		return 0, abi.EINVAL
	}
	return 0, f.Truncate(int64(a[1]))
}

func sysTruncate(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	path, err := pathArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	if err := notRunning(t, nil, path, true); err != 0 {
		return 0, err
	}
	return 0, t.Kernel().Config().FS.Truncate(t, path, int64(a[1]))
}

// notRunning is ETXTBSY when path names the executable of a live process,
// which may not be opened for writing or truncated (Linux's
// get_write_access); a path that does not exist is not running.
func notRunning(t *kernel.Task, dir *vfs.File, path string, follow bool) abi.Errno {
	var flags uint32
	if !follow {
		flags = abi.AT_SYMLINK_NOFOLLOW
	}
	var st abi.Stat_t
	if t.Kernel().Config().FS.Stat(t, dir, path, flags, &st) == 0 && st.Mode&abi.S_IFMT == abi.S_IFREG && t.Kernel().Running(&st) {
		return abi.ETXTBSY
	}
	return 0
}

// fsync(2) and fdatasync(2) share a row each; the number tells which.
func sysFsync(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	return 0, f.Sync(t.Hart.X[17] == abi.SYS_FDATASYNC)
}

// mappableFile checks that descriptor fd may back a mapping with prot and
// flags, as Linux's do_mmap: EBADF when not open, EACCES when not open for
// reading, or for writing when MAP_SHARED and PROT_WRITE, or O_PATH; ENODEV
// for a file that cannot be mapped (a terminal, a directory).
func mappableFile(t *kernel.Task, fd int32, prot, flags int) (*mappedFile, abi.Errno) {
	f, err := t.FDs.Get(fd)
	if err != 0 {
		return nil, err
	}
	if f.IsPath() || !f.Readable() {
		f.DecRef()
		return nil, abi.EACCES
	}
	if flags&abi.MAP_TYPE == abi.MAP_SHARED && prot&abi.PROT_WRITE != 0 && !f.Writable() {
		f.DecRef()
		return nil, abi.EACCES
	}
	var st abi.Stat_t
	if err := f.Stat(&st); err != 0 {
		f.DecRef()
		return nil, err
	}
	if st.Mode&abi.S_IFMT != abi.S_IFREG && st.Mode&abi.S_IFMT != abi.S_IFBLK {
		f.DecRef()
		return nil, abi.ENODEV
	}
	return newMappedFile(f, kernel.CacheKey(&st)), 0
}

// mappedFile is an open file as an address space reads pages from it.
type mappedFile struct {
	f   *vfs.File
	key kernel.FileKey
}

// CacheKey implements mm.KeyedFile: mappings of one file share its pages.
func (m *mappedFile) CacheKey() any { return m.key }

// newMappedFile takes over the reference f carries. The mapping holds the
// open file for as long as it lives (in this process or the forks that
// share it); the reference is dropped when the last holder is collected.
func newMappedFile(f *vfs.File, key kernel.FileKey) *mappedFile {
	m := &mappedFile{f: f, key: key}
	runtime.AddCleanup(m, func(f *vfs.File) { f.DecRef() }, f)
	return m
}

func (m *mappedFile) ReadAt(b []byte, off int64) (int, error) {
	n, err := m.f.Pread(b, off)
	if err != 0 {
		return n, err
	}
	return n, nil
}

func (m *mappedFile) Size() int64 {
	var st abi.Stat_t
	if m.f.Stat(&st) != 0 {
		return 0
	}
	return st.Size
}

func (m *mappedFile) Name() string { return m.f.Path() }

// preadv(2) and pwritev(2) flags (RWF_*) of preadv2 and pwritev2.
const (
	rwfHipri  = 0x1
	rwfDsync  = 0x2
	rwfSync   = 0x4
	rwfNowait = 0x8
	rwfAppend = 0x10
)

// preadv(2): readv at an offset (a[3]; riscv64 passes it whole, a[4] is
// its unused high half), buffer by buffer, leaving the file's offset alone.
// A stream is ESPIPE, a negative offset EINVAL.
func sysPreadv(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return vectoredAt(t, a, func(f *vfs.File, v [2]uint64, off *int64) (uint64, abi.Errno) {
		return readInto(t, v[0], v[1], func(b []byte) (int, abi.Errno) {
			n, err := f.Pread(b, *off)
			*off += int64(n)
			return n, err
		}, f.Stream())
	})
}

// pwritev(2): writev at an offset, buffer by buffer.
func sysPwritev(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return vectoredAt(t, a, func(f *vfs.File, v [2]uint64, off *int64) (uint64, abi.Errno) {
		return writeFrom(t, v[0], v[1], func(b []byte) (int, abi.Errno) {
			n, err := f.Pwrite(b, *off)
			*off += int64(n)
			return n, err
		})
	})
}

// vectoredAt is preadv and pwritev's common part: the file a[0], the
// offset a[3] (EINVAL when negative) and the buffers at a[1] (a[2] of
// them), each given to io with the offset, which io advances.
func vectoredAt(t *kernel.Task, a *[6]uint64, io func(f *vfs.File, v [2]uint64, off *int64) (uint64, abi.Errno)) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	off := int64(a[3])
	if off < 0 {
		return 0, abi.EINVAL
	}
	iov, err := iovecs(t, a[1], a[2])
	if err != 0 {
		return 0, err
	}
	return eachIovec(iov, func(v [2]uint64) (uint64, abi.Errno) { return io(f, v, &off) })
}

// preadv2(2) and pwritev2(2): an offset of -1 means the file's own, as
// readv and writev; RWF_HIPRI, RWF_DSYNC and RWF_SYNC change nothing here
// (writes reach the host or vessel's memory at once); RWF_NOWAIT and
// unknown flags are EOPNOTSUPP, as for a file that cannot honour them.
func sysPreadv2(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[5]&^(rwfHipri|rwfDsync|rwfSync) != 0 {
		return 0, abi.EOPNOTSUPP
	}
	if int64(a[3]) == -1 {
		return sysReadv(t, a)
	}
	return sysPreadv(t, a)
}

// With RWF_APPEND the write goes to the end of the file whatever the
// offset, and an offset of -1 moves the file's offset there after it.
func sysPwritev2(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[5]&^(rwfHipri|rwfDsync|rwfSync|rwfAppend) != 0 {
		return 0, abi.EOPNOTSUPP
	}
	if a[5]&rwfAppend != 0 {
		f, err := fileArg(t, a[0])
		if err != 0 {
			return 0, err
		}
		defer f.DecRef()
		var st abi.Stat_t
		if f.Stream() || f.Stat(&st) != 0 {
			return sysWritev(t, a)
		}
		b := *a
		b[3] = uint64(st.Size)
		n, err := sysPwritev(t, &b)
		if err == 0 && int64(a[3]) == -1 {
			f.Lseek(0, abi.SEEK_END)
		}
		return n, err
	}
	if int64(a[3]) == -1 {
		return sysWritev(t, a)
	}
	return sysPwritev(t, a)
}
