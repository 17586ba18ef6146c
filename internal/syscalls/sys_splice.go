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

// offsetArg is a loff_t argument: a guest pointer, NULL for none.
type offsetArg struct {
	addr uint64
	off  int64
}

// load reads the offset; EINVAL for a negative one. It returns where the
// transfer reads or writes, or nil for NULL (the file's own offset).
func (o *offsetArg) load(t *kernel.Task) (*int64, abi.Errno) {
	if o.addr == 0 {
		return nil, 0
	}
	var b [8]byte
	if e := t.MM.CopyIn(o.addr, b[:]); e != 0 {
		return nil, e
	}
	if o.off = int64(le.Uint64(b[:])); o.off < 0 {
		return nil, abi.EINVAL
	}
	return &o.off, 0
}

// store writes the advanced offset back, when there is one.
func (o *offsetArg) store(t *kernel.Task) abi.Errno {
	if o.addr == 0 {
		return 0
	}
	var b [8]byte
	le.PutUint64(b[:], uint64(o.off))
	return t.MM.CopyOut(o.addr, b[:])
}

// endsArg returns the files behind descriptors inFD, which must be open
// for reading, and outFD, open for writing (EBADF), and a func that drops
// them.
func endsArg(t *kernel.Task, inFD, outFD uint64) (in, out *vfs.File, release func(), err abi.Errno) {
	if in, err = fileArg(t, inFD); err != 0 {
		return nil, nil, nil, err
	}
	if out, err = fileArg(t, outFD); err != 0 {
		in.DecRef()
		return nil, nil, nil, err
	}
	release = func() { in.DecRef(); out.DecRef() }
	if !in.Readable() || !out.Writable() {
		release()
		return nil, nil, nil, abi.EBADF
	}
	return in, out, release, 0
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
// returned something. An error after bytes moved is dropped. Bytes read
// but not written go back to a positioned input, and stay in a pipe (they
// are lost from another stream, which cannot take them back). nonblock
// (splice's SPLICE_F_NONBLOCK) makes a pipe input's wait for data EAGAIN.
func transfer(t *kernel.Task, in, out *vfs.File, inOff, outOff *int64, count uint64, nonblock bool) (uint64, abi.Errno) {
	if inOff == nil && kernel.IsPipe(in) {
		n, e := t.SpliceFrom(in, int(min(count, spliceChunk)), nonblock, func(b []byte) (int, abi.Errno) {
			return writeAll(t, out, b, outOff)
		})
		if n > 0 {
			return uint64(n), 0
		}
		return 0, e
	}
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
			} else if w < n && !in.Stream() {
				// The file's own offset moved past bytes the output did
				// not take (a non-blocking socket full): give them back.
				in.Lseek(int64(w-n), abi.SEEK_CUR)
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
// offset untouched. A pipe is no input for sendfile (EINVAL, as Linux:
// splice from it instead).
func sysSendfile(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	in, out, release, err := endsArg(t, a[1], a[0])
	if err != 0 {
		return 0, err
	}
	defer release()
	if out.Flags()&abi.O_APPEND != 0 {
		return 0, abi.EINVAL
	}
	o := offsetArg{addr: a[2]}
	inOff, err := o.load(t)
	if err != 0 {
		return 0, err
	}
	if kernel.IsPipe(in) {
		return 0, abi.EINVAL // a pipe has no splice_read for do_splice_direct
	}
	n, err := transfer(t, in, out, inOff, nil, min(a[3], maxRW), false)
	if err != 0 {
		return 0, err
	}
	return n, o.store(t)
}

// splice(2): one side must be a pipe (EINVAL), and a pipe takes no offset
// (ESPIPE). SPLICE_F_NONBLOCK is honoured by the descriptors' own
// O_NONBLOCK only.
func sysSplice(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[5]&^(spliceMove|spliceNonblock|spliceMore|spliceGift) != 0 {
		return 0, abi.EINVAL
	}
	in, out, release, err := endsArg(t, a[0], a[2])
	if err != 0 {
		return 0, err
	}
	defer release()
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
	return transferAt(t, in, out, &offsetArg{addr: a[1]}, &offsetArg{addr: a[3]}, min(a[4], maxRW), nil, a[5]&spliceNonblock != 0)
}

// transferAt is transfer with the offsets of splice and copy_file_range,
// loaded before and stored after; positions, when not nil, stand for NULL
// offsets with the files' own (copy_file_range), which are then advanced.
func transferAt(t *kernel.Task, in, out *vfs.File, io, oo *offsetArg, count uint64, positions *[2]int64, nonblock bool) (uint64, abi.Errno) {
	inOff, err := io.load(t)
	if err != 0 {
		return 0, err
	}
	outOff, err := oo.load(t)
	if err != 0 {
		return 0, err
	}
	if positions != nil {
		if inOff == nil {
			inOff = &positions[0]
		}
		if outOff == nil {
			outOff = &positions[1]
		}
	}
	n, err := transfer(t, in, out, inOff, outOff, count, nonblock)
	if err != 0 {
		return 0, err
	}
	if e := io.store(t); e != 0 {
		return 0, e
	}
	if e := oo.store(t); e != 0 {
		return 0, e
	}
	return n, 0
}

// tee(2): between two pipes, the input keeps its bytes.
func sysTee(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[3]&^(spliceMove|spliceNonblock|spliceMore|spliceGift) != 0 {
		return 0, abi.EINVAL
	}
	in, out, release, err := endsArg(t, a[0], a[1])
	if err != 0 {
		return 0, err
	}
	defer release()
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
	in, out, release, err := endsArg(t, a[0], a[2])
	if err != 0 {
		return 0, err
	}
	defer release()
	if out.Flags()&abi.O_APPEND != 0 {
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
	io, oo := offsetArg{addr: a[1]}, offsetArg{addr: a[3]}
	pos := [2]int64{in.Pos(), out.Pos()}
	// The overlap check needs the offsets before the transfer loads them.
	inOff, outOff := pos[0], pos[1]
	if p, err := io.load(t); err != 0 {
		return 0, err
	} else if p != nil {
		inOff = *p
	}
	if p, err := oo.load(t); err != 0 {
		return 0, err
	} else if p != nil {
		outOff = *p
	}
	count := min(a[4], maxRW)
	if ist.Dev == ost.Dev && ist.Ino == ost.Ino && uint64(inOff) < uint64(outOff)+count && uint64(outOff) < uint64(inOff)+count {
		return 0, abi.EINVAL
	}
	n, err := transferAt(t, in, out, &io, &oo, count, &pos, false)
	if err != 0 {
		return 0, err
	}
	if io.addr == 0 {
		in.Lseek(pos[0], abi.SEEK_SET)
	}
	if oo.addr == 0 {
		out.Lseek(pos[1], abi.SEEK_SET)
	}
	return n, 0
}
