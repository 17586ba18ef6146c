package syscalls

import (
	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/vfs"
)

// Moving data between two descriptors without the guest's memory:
// sendfile, splice, tee and copy_file_range. vessel has no page-cache
// pipes to splice pages through, so each moves bytes through a host buffer
// in steps of spliceChunk, with each call's rules on offsets, kinds of file
// and errors as Linux has them.

// spliceChunk is how much one step moves.
const spliceChunk = 64 << 10

// splice(2) flags.
const (
	spliceMove     = 1
	spliceNonblock = 2
	spliceMore     = 4
	spliceGift     = 8
)

// offsetArg reads the loff_t at addr, or reports none for a NULL pointer.
func offsetArg(t *kernel.Task, addr uint64) (int64, bool, abi.Errno) {
	if addr == 0 {
		return 0, false, 0
	}
	var b [8]byte
	if e := t.MM.CopyIn(addr, b[:]); e != 0 {
		return 0, false, e
	}
	off := int64(le.Uint64(b[:]))
	if off < 0 {
		return 0, false, abi.EINVAL
	}
	return off, true, 0
}

func putOffset(t *kernel.Task, addr uint64, off int64) abi.Errno {
	var b [8]byte
	le.PutUint64(b[:], uint64(off))
	return t.MM.CopyOut(addr, b[:])
}

// writeAll writes b to out, through the kernel for pipes and the like,
// until it is all written or a write fails; it returns what went.
func writeAll(t *kernel.Task, out *vfs.File, b []byte, off *int64) (int, abi.Errno) {
	write := writer(t, out)
	done := 0
	for done < len(b) {
		var n int
		var e abi.Errno
		if off != nil {
			n, e = out.Pwrite(b[done:], *off)
			*off += int64(n)
		} else {
			n, e = write(b[done:])
		}
		done += n
		if e != 0 {
			return done, e
		}
		if n == 0 {
			break
		}
	}
	return done, 0
}

// transfer moves up to count bytes from in (at *inOff when not nil) to out
// (at *outOff when not nil), one read and write at a time, stopping at end
// of file, a short write, or after one step when in is a stream that
// returned something. An error after bytes moved is dropped; bytes read
// but not written are lost with it (Linux leaves them in the pipe).
func transfer(t *kernel.Task, in, out *vfs.File, inOff, outOff *int64, count uint64) (uint64, abi.Errno) {
	read := reader(t, in)
	var done uint64
	for done < count {
		buf := t.IOBuf(int(min(count-done, spliceChunk)))
		var n int
		var e abi.Errno
		if inOff != nil {
			n, e = in.Pread(buf, *inOff)
		} else {
			n, e = read(buf)
		}
		if n > 0 {
			w, we := writeAll(t, out, buf[:n], outOff)
			if inOff != nil {
				*inOff += int64(w)
			}
			done += uint64(w)
			if we != 0 {
				e = we
			} else if w < n {
				break
			}
		}
		if e != 0 {
			if done > 0 {
				return done, 0
			}
			return 0, e
		}
		if n < len(buf) || in.Stream() {
			break
		}
	}
	return done, 0
}

// sendfile(2): count bytes from in_fd to out_fd; with an offset pointer the
// input is read from there and the pointer advanced, the input's own
// offset untouched.
func sysSendfile(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	out, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer out.DecRef()
	in, err := fileArg(t, a[1])
	if err != 0 {
		return 0, err
	}
	defer in.DecRef()
	if !in.Readable() || !out.Writable() {
		return 0, abi.EBADF
	}
	if out.Flags()&abi.O_APPEND != 0 {
		return 0, abi.EINVAL
	}
	off, has, err := offsetArg(t, a[2])
	if err != 0 {
		return 0, err
	}
	var inOff *int64
	if has {
		inOff = &off
	}
	n, err := transfer(t, in, out, inOff, nil, min(a[3], maxRW))
	if has && err == 0 {
		if e := putOffset(t, a[2], off); e != 0 {
			return 0, e
		}
	}
	return n, err
}

// splice(2): one side must be a pipe (EINVAL), and a pipe takes no offset
// (ESPIPE). SPLICE_F_NONBLOCK is honoured by the descriptors' own
// O_NONBLOCK only.
func sysSplice(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[5]&^(spliceMove|spliceNonblock|spliceMore|spliceGift) != 0 {
		return 0, abi.EINVAL
	}
	in, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer in.DecRef()
	out, err := fileArg(t, a[2])
	if err != 0 {
		return 0, err
	}
	defer out.DecRef()
	if !in.Readable() || !out.Writable() {
		return 0, abi.EBADF
	}
	inPipe, outPipe := kernel.IsPipe(in), kernel.IsPipe(out)
	if !inPipe && !outPipe || in == out {
		return 0, abi.EINVAL
	}
	if inPipe && a[1] != 0 || outPipe && a[3] != 0 {
		return 0, abi.ESPIPE
	}
	if out.Flags()&abi.O_APPEND != 0 && !outPipe {
		return 0, abi.EINVAL
	}
	inOffV, inHas, err := offsetArg(t, a[1])
	if err != 0 {
		return 0, err
	}
	outOffV, outHas, err := offsetArg(t, a[3])
	if err != 0 {
		return 0, err
	}
	var inOff, outOff *int64
	if inHas {
		inOff = &inOffV
	}
	if outHas {
		outOff = &outOffV
	}
	n, err := transfer(t, in, out, inOff, outOff, min(a[4], maxRW))
	if err != 0 {
		return 0, err
	}
	if inHas {
		if e := putOffset(t, a[1], inOffV); e != 0 {
			return 0, e
		}
	}
	if outHas {
		if e := putOffset(t, a[3], outOffV); e != 0 {
			return 0, e
		}
	}
	return n, 0
}

// tee(2): between two pipes, the input keeps its bytes.
func sysTee(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[3]&^(spliceMove|spliceNonblock|spliceMore|spliceGift) != 0 {
		return 0, abi.EINVAL
	}
	in, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer in.DecRef()
	out, err := fileArg(t, a[1])
	if err != 0 {
		return 0, err
	}
	defer out.DecRef()
	if !in.Readable() || !out.Writable() {
		return 0, abi.EBADF
	}
	if a[2] == 0 {
		return 0, 0
	}
	n, err := t.Tee(in, out, int(min(a[2], spliceChunk)), a[3]&spliceNonblock != 0)
	return uint64(n), err
}

// copy_file_range(2): between regular files (EISDIR for a directory,
// EINVAL for another kind), flags 0, the output not O_APPEND (EBADF), and
// not onto an overlapping range of the same file (EINVAL).
func sysCopyFileRange(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[5] != 0 {
		return 0, abi.EINVAL
	}
	in, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer in.DecRef()
	out, err := fileArg(t, a[2])
	if err != 0 {
		return 0, err
	}
	defer out.DecRef()
	if !in.Readable() || !out.Writable() || out.Flags()&abi.O_APPEND != 0 {
		return 0, abi.EBADF
	}
	var ist, ost abi.Stat_t
	if e := in.Stat(&ist); e != 0 {
		return 0, e
	}
	if e := out.Stat(&ost); e != 0 {
		return 0, e
	}
	for _, st := range []*abi.Stat_t{&ist, &ost} {
		switch st.Mode & abi.S_IFMT {
		case abi.S_IFREG:
		case abi.S_IFDIR:
			return 0, abi.EISDIR
		default:
			return 0, abi.EINVAL
		}
	}
	inOffV, inHas, err := offsetArg(t, a[1])
	if err != 0 {
		return 0, err
	}
	outOffV, outHas, err := offsetArg(t, a[3])
	if err != 0 {
		return 0, err
	}
	if !inHas {
		inOffV = in.Pos()
	}
	if !outHas {
		outOffV = out.Pos()
	}
	count := min(a[4], maxRW)
	if ist.Dev == ost.Dev && ist.Ino == ost.Ino && uint64(inOffV) < uint64(outOffV)+count && uint64(outOffV) < uint64(inOffV)+count {
		return 0, abi.EINVAL
	}
	start := inOffV
	n, err := transfer(t, in, out, &inOffV, &outOffV, count)
	if err != 0 {
		return 0, err
	}
	if inHas {
		if e := putOffset(t, a[1], inOffV); e != 0 {
			return 0, e
		}
	} else {
		in.Lseek(start+int64(n), abi.SEEK_SET)
	}
	if outHas {
		if e := putOffset(t, a[3], outOffV); e != 0 {
			return 0, e
		}
	} else {
		out.Lseek(outOffV, abi.SEEK_SET)
	}
	return n, 0
}
