package kernel

import (
	"encoding/binary"
	"strconv"
	"sync/atomic"

	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// A pipe (pipe(7)): a 64 KiB buffer between a read end and a write end.
// Reads wait for data and see end of file once every write end is closed;
// writes wait for room, and a write of at most PIPE_BUF bytes goes in
// whole, never interleaved with another; a write with no reader left gets
// SIGPIPE and EPIPE. Guarded by Kernel.mu.
type pipe struct {
	k        *Kernel
	ring     []byte // the bytes not yet read: n of them from head, wrapping; grown up to size as needed
	head, n  int
	readers  int // open read ends
	writers  int // open write ends
	rq, wq   waitQueue
	watching []*epollFile
	ino      uint64
	size     int // capacity in bytes (F_SETPIPE_SZ)

	// A FIFO's: its key in Kernel.fifos (nil for pipe(2)'s pipes), the
	// opens of each side so far, and the openers waiting for the other.
	fifoKey        any
	rOpens, wOpens int
	openq          waitQueue
}

const (
	pipeSize = 65536 // Linux's default pipe capacity
	pipeBuf  = 4096  // PIPE_BUF: writes up to this size are atomic
)

var pipeInodes atomic.Uint64

// pipeEnd is one end's open file.
type pipeEnd struct {
	vfs.FileDefaults
	p     *pipe
	write bool                        // the write end (or both, with rdwr)
	rdwr  bool                        // a FIFO opened O_RDWR: both ends in one
	stat  func(*abi.Stat_t) abi.Errno // a FIFO's inode, for fstat
}

func (e *pipeEnd) reads() bool  { return !e.write || e.rdwr }
func (e *pipeEnd) writes() bool { return e.write || e.rdwr }

// Pipe is pipe2(2): a new pipe's read and write descriptors.
func (t *Task) Pipe(flags uint32) (r, w int32, err abi.Errno) {
	if flags&^(abi.O_CLOEXEC|abi.O_NONBLOCK) != 0 {
		return 0, 0, abi.EINVAL
	}
	p := &pipe{k: t.k, readers: 1, writers: 1, ino: pipeInodes.Add(1), size: pipeSize}
	name := "pipe:[" + strconv.FormatUint(p.ino, 10) + "]"
	rf := vfs.NewStreamFile(&pipeEnd{p: p}, abi.O_RDONLY|flags&abi.O_NONBLOCK, name)
	wf := vfs.NewStreamFile(&pipeEnd{p: p, write: true}, abi.O_WRONLY|flags&abi.O_NONBLOCK, name)
	defer rf.DecRef() // the table holds its own references
	defer wf.DecRef()
	cloexec := flags&abi.O_CLOEXEC != 0
	if r, err = t.FDs.Install(rf, cloexec); err != 0 {
		return 0, 0, err
	}
	if w, err = t.FDs.Install(wf, cloexec); err != 0 {
		t.FDs.Close(r)
		return 0, 0, err
	}
	return r, w, 0
}

func (e *pipeEnd) Stat(f *vfs.File, st *abi.Stat_t) abi.Errno {
	if e.stat != nil {
		return e.stat(st)
	}
	*st = abi.Stat_t{Mode: abi.S_IFIFO | 0o600, Nlink: 1, Ino: e.p.ino, Blksize: abi.PageSize}
	return 0
}

// Release closes this end: the other side's waiters wake to see end of
// file or a broken pipe.
func (e *pipeEnd) Release(f *vfs.File) {
	p := e.p
	k := p.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if e.writes() {
		p.writers--
	}
	if e.reads() {
		p.readers--
	}
	k.wakeAllLocked(&p.rq)
	k.wakeAllLocked(&p.wq)
	p.notifyLocked()
	if p.fifoKey != nil && p.readers == 0 && p.writers == 0 {
		delete(k.fifos, p.fifoKey) // what is left unread goes with it
	}
}

func (e *pipeEnd) readyLocked() uint32 {
	if e.rdwr {
		w := *e
		w.rdwr = false
		r := w.readyLocked()
		w.write = false
		return r | w.readyLocked()
	}
	p := e.p
	var r uint32
	if e.write {
		if p.readers == 0 {
			return abi.EPOLLERR | abi.EPOLLOUT | abi.EPOLLWRNORM
		}
		if p.size-p.n >= pipeBuf {
			r |= abi.EPOLLOUT | abi.EPOLLWRNORM
		}
		return r
	}
	if p.n > 0 {
		r |= abi.EPOLLIN | abi.EPOLLRDNORM
	}
	if p.writers == 0 {
		r |= abi.EPOLLHUP
	}
	return r
}

func (e *pipeEnd) watchers() *[]*epollFile { return &e.p.watching }

// notifyLocked wakes the epoll instances watching either end.
func (p *pipe) notifyLocked() {
	for _, ep := range p.watching {
		ep.k.wakeAllLocked(&ep.waiters)
		for _, it := range ep.items {
			if pe, ok := it.file.Impl().(*pipeEnd); ok && pe.p == p {
				it.armed = true
			}
		}
	}
}

// put appends b, which fits (p.n+len(b) <= p.size), to the ring.
//
// Preconditions: Kernel.mu is held.
func (p *pipe) put(b []byte) {
	if need := p.n + len(b); need > len(p.ring) {
		grown := max(len(p.ring)*2, pipeBuf)
		for grown < need {
			grown *= 2
		}
		p.resize(min(grown, p.size))
	}
	tail := (p.head + p.n) % len(p.ring)
	c := copy(p.ring[tail:], b)
	copy(p.ring, b[c:])
	p.n += len(b)
}

// take moves up to len(dst) bytes from the front of the ring into dst.
//
// Preconditions: Kernel.mu is held.
func (p *pipe) take(dst []byte) int {
	n := min(len(dst), p.n)
	c := copy(dst[:n], p.ring[p.head:min(p.head+n, len(p.ring))])
	copy(dst[c:n], p.ring)
	p.head = (p.head + n) % max(len(p.ring), 1)
	p.n -= n
	if p.n == 0 {
		p.head = 0
	}
	return n
}

// resize makes the ring size bytes (at least p.n), keeping its contents.
//
// Preconditions: Kernel.mu is held.
func (p *pipe) resize(size int) {
	r := make([]byte, size)
	n := p.n
	p.take(r)
	p.ring, p.head, p.n = r, 0, n
}

// Ioctl answers FIONREAD: the bytes waiting to be read.
func (e *pipeEnd) Ioctl(f *vfs.File, io vfs.IOCtx, req uint32, arg uint64) (uint64, abi.Errno) {
	if req != abi.FIONREAD {
		return 0, abi.ENOTTY
	}
	e.p.k.mu.Lock()
	n := e.p.n
	e.p.k.mu.Unlock()
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(n))
	return 0, io.CopyOut(arg, b[:])
}

// ReadTask reads what the pipe holds, up to len(dst), waiting while it is
// empty and a writer remains.
func (e *pipeEnd) ReadTask(t *Task, f *vfs.File, dst []byte) (int, abi.Errno) {
	if !e.reads() {
		return 0, abi.EBADF
	}
	if len(dst) == 0 {
		return 0, 0
	}
	p := e.p
	k := p.k
	k.mu.Lock()
	defer k.mu.Unlock()
	for p.n == 0 {
		if p.writers == 0 {
			return 0, 0
		}
		if f.Flags()&abi.O_NONBLOCK != 0 {
			return 0, abi.EAGAIN
		}
		switch t.sleepLocked(&p.rq, zeroTime) {
		case interrupted:
			return 0, abi.EINTR
		case signalled:
			return 0, ERESTARTSYS
		}
	}
	n := p.take(dst)
	k.wakeAllLocked(&p.wq)
	p.notifyLocked()
	return n, 0
}

// WriteTask writes src, waiting for room: a write of at most PIPE_BUF
// bytes goes in whole, a longer one in pieces as room appears. With no
// reader the writer gets SIGPIPE and EPIPE. A non-blocking write takes
// what fits (EAGAIN when nothing does); a signal ends a blocked write with
// the count written so far, or ERESTARTSYS when nothing was.
func (e *pipeEnd) WriteTask(t *Task, f *vfs.File, src []byte) (int, abi.Errno) {
	if !e.writes() {
		return 0, abi.EBADF
	}
	p := e.p
	k := p.k
	k.mu.Lock()
	defer k.mu.Unlock()
	done := 0
	for done < len(src) {
		if p.readers == 0 {
			k.sendLocked(t.tg, t, SigInfo{Signo: abi.SIGPIPE, Code: abi.SI_USER, Pid: t.Tgid, UID: t.Creds.UID}, false)
			if done > 0 {
				return done, 0
			}
			return 0, abi.EPIPE
		}
		room := p.size - p.n
		need := len(src) - done
		if len(src) <= pipeBuf && room < need {
			room = 0 // an atomic write waits for room for all of it
		}
		if room > 0 {
			n := min(room, need)
			p.put(src[done : done+n])
			done += n
			k.wakeAllLocked(&p.rq)
			p.notifyLocked()
			continue
		}
		if f.Flags()&abi.O_NONBLOCK != 0 {
			if done > 0 {
				return done, 0
			}
			return 0, abi.EAGAIN
		}
		switch t.sleepLocked(&p.wq, zeroTime) {
		case interrupted:
			return done, abi.EINTR
		case signalled:
			if done > 0 {
				return done, 0
			}
			return 0, ERESTARTSYS
		}
	}
	return done, 0
}

// pipeMaxSize is /proc/sys/fs/pipe-max-size's default: the most an
// unprivileged F_SETPIPE_SZ may ask for.
const pipeMaxSize = 1 << 20

// PipeSize is fcntl(F_GETPIPE_SZ) for a pipe end, or EBADF for another
// kind of file.
func PipeSize(f *vfs.File) (int, abi.Errno) {
	e, ok := f.Impl().(*pipeEnd)
	if !ok {
		return 0, abi.EBADF
	}
	e.p.k.mu.Lock()
	defer e.p.k.mu.Unlock()
	return e.p.size, 0
}

// SetPipeSize is fcntl(F_SETPIPE_SZ): the capacity becomes n rounded up to
// a power-of-two number of pages; EPERM above pipe-max-size for an
// unprivileged caller, EBUSY below what the pipe holds.
func (t *Task) SetPipeSize(f *vfs.File, n int) (int, abi.Errno) {
	e, ok := f.Impl().(*pipeEnd)
	if !ok {
		return 0, abi.EBADF
	}
	if n < 0 {
		return 0, abi.EINVAL
	}
	size := abi.PageSize
	for size < n {
		size <<= 1
	}
	if size > pipeMaxSize && !t.privileged() || size > 1<<30 {
		return 0, abi.EPERM
	}
	k := e.p.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if size < e.p.n {
		return 0, abi.EBUSY
	}
	e.p.size = size
	e.p.resize(min(len(e.p.ring), size))
	k.wakeAllLocked(&e.p.wq)
	return size, 0
}

// IsPipe reports whether f is an end of a pipe or FIFO, as splice and tee
// require.
func IsPipe(f *vfs.File) bool {
	_, ok := f.Impl().(*pipeEnd)
	return ok
}

// Tee is tee(2): up to n bytes at the front of pipe in are copied into pipe
// out without being consumed. It waits for in to have data (unless
// nonblock: EAGAIN) and returns 0 at end of file; the write into out waits
// for room as a write does.
func (t *Task) Tee(in, out *vfs.File, n int, nonblock bool) (int, abi.Errno) {
	ie, ok1 := in.Impl().(*pipeEnd)
	oe, ok2 := out.Impl().(*pipeEnd)
	if !ok1 || !ok2 || ie.p == oe.p || !ie.reads() || !oe.writes() {
		return 0, abi.EINVAL
	}
	buf, err := t.peek(ie.p, in, n, nonblock, t.IOBuf)
	if len(buf) == 0 {
		return 0, err
	}
	return oe.WriteTask(t, out, buf)
}

// peek copies up to n bytes at the front of p, whose reading end is in,
// into a buffer from alloc (given the size) and returns them, consuming
// nothing. It waits for data
// as a read does (EAGAIN instead with nonblock or an O_NONBLOCK in, EINTR
// or ERESTARTSYS for a signal) and returns nothing at end of file.
func (t *Task) peek(p *pipe, in *vfs.File, n int, nonblock bool, alloc func(int) []byte) ([]byte, abi.Errno) {
	k := p.k
	k.mu.Lock()
	defer k.mu.Unlock()
	for p.n == 0 {
		if p.writers == 0 {
			return nil, 0
		}
		if nonblock || in.Flags()&abi.O_NONBLOCK != 0 {
			return nil, abi.EAGAIN
		}
		switch t.sleepLocked(&p.rq, zeroTime) {
		case interrupted:
			return nil, abi.EINTR
		case signalled:
			return nil, ERESTARTSYS
		}
	}
	buf := alloc(min(n, p.n))
	c := copy(buf, p.ring[p.head:min(p.head+len(buf), len(p.ring))])
	copy(buf[c:], p.ring)
	return buf, 0
}

// SpliceFrom is splice(2) out of pipe in: up to n bytes at the front of the
// pipe are handed to write, and only those write takes leave the pipe,
// the rest staying for the next read, as Linux's splice leaves in the
// pipe what a full socket did not take. It waits for data as a read does
// (EAGAIN instead with nonblock or an O_NONBLOCK in) and returns 0 at end
// of file. write runs without Kernel.mu and may wait. A reader that takes
// bytes from the pipe while write waits (another process splicing or
// reading the same pipe) makes the bytes written count against what is
// left; Linux would hold such a reader off until the splice is done.
func (t *Task) SpliceFrom(in *vfs.File, n int, nonblock bool, write func([]byte) (int, abi.Errno)) (int, abi.Errno) {
	ie, ok := in.Impl().(*pipeEnd)
	if !ok || !ie.reads() {
		return 0, abi.EBADF
	}
	if n <= 0 {
		return 0, 0
	}
	p := ie.p
	// A buffer of its own: write may use the task's IOBuf.
	buf, err := t.peek(p, in, n, nonblock, func(size int) []byte { return make([]byte, size) })
	if len(buf) == 0 {
		return 0, err
	}
	k := p.k
	w, err := write(buf)
	if w > 0 {
		k.mu.Lock()
		p.discard(w)
		k.wakeAllLocked(&p.wq)
		p.notifyLocked()
		k.mu.Unlock()
	}
	return w, err
}

// discard drops up to n bytes from the front of the ring.
//
// Preconditions: Kernel.mu is held.
func (p *pipe) discard(n int) {
	n = min(n, p.n)
	p.head = (p.head + n) % max(len(p.ring), 1)
	p.n -= n
	if p.n == 0 {
		p.head = 0
	}
}
