package kernel

import (
	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// FIFOs (fifo(7)): a named pipe is a pipe that open(2) makes, one per
// inode, shared by everyone who opens it while it is open anywhere; when
// the last end closes, the pipe and what it held are gone. Opening follows
// Linux's fifo_open: a blocking O_RDONLY open waits for a writer and a
// blocking O_WRONLY open for a reader (a writer that came and went counts,
// as Linux counts opens, not open ends); O_RDONLY|O_NONBLOCK never waits;
// O_WRONLY|O_NONBLOCK with no reader is ENXIO; O_RDWR opens both ends and
// never waits.

// OpenFIFO is the vfs's FIFO opener (vfs.FIFOOpen): key names the inode.
func (k *Kernel) OpenFIFO(c vfs.Caller, key any, flags uint32, stat func(*abi.Stat_t) abi.Errno) (vfs.FileImpl, abi.Errno) {
	t, ok := c.(*Task)
	if !ok {
		return nil, abi.ENXIO
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	p := k.fifos[key]
	if p == nil {
		p = &pipe{k: k, ino: pipeInodes.Add(1), size: pipeSize, fifoKey: key}
		k.fifos[key] = p
	}
	return t.openPipeLocked(p, flags, stat)
}

// Reopen is open(2) of a pipe through /proc/PID/fd/N: a new end of the
// same pipe, opened by the FIFO rules, as Linux's fifo_open serves a
// pipe's inode too (vfs.Reopener).
func (e *pipeEnd) Reopen(c vfs.Caller, f *vfs.File, flags uint32) (*vfs.File, abi.Errno) {
	t, ok := c.(*Task)
	if !ok {
		return nil, abi.ENXIO
	}
	k := e.p.k
	k.mu.Lock()
	n, err := t.openPipeLocked(e.p, flags, e.stat)
	k.mu.Unlock()
	if err != 0 {
		return nil, err
	}
	return vfs.NewStreamFile(n, flags&(abi.O_ACCMODE|abi.O_NONBLOCK|abi.O_APPEND)|abi.O_LARGEFILE, f.Path()), 0
}

// openPipeLocked opens a new end of p by Linux's fifo_open rules (the
// comment at the top of this file).
//
// Preconditions: k.mu is held.
func (t *Task) openPipeLocked(p *pipe, flags uint32, stat func(*abi.Stat_t) abi.Errno) (vfs.FileImpl, abi.Errno) {
	k := t.k
	e := &pipeEnd{p: p, stat: stat}
	nonblock := flags&abi.O_NONBLOCK != 0
	switch flags & abi.O_ACCMODE {
	case abi.O_RDONLY:
		p.readers++
		p.rOpens++
		k.wakeAllLocked(&p.openq)
		if !nonblock && p.writers == 0 {
			if err := t.waitFIFOLocked(p, &p.wOpens); err != 0 {
				p.readers--
				k.dropFIFOLocked(p)
				return nil, err
			}
		}
	case abi.O_WRONLY:
		if nonblock && p.readers == 0 {
			k.dropFIFOLocked(p)
			return nil, abi.ENXIO
		}
		e.write = true
		p.writers++
		p.wOpens++
		k.wakeAllLocked(&p.openq)
		if !nonblock && p.readers == 0 {
			if err := t.waitFIFOLocked(p, &p.rOpens); err != 0 {
				p.writers--
				k.dropFIFOLocked(p)
				return nil, err
			}
		}
	case abi.O_RDWR:
		e.write, e.rdwr = true, true
		p.readers++
		p.writers++
		p.rOpens++
		p.wOpens++
		k.wakeAllLocked(&p.openq)
	default:
		k.dropFIFOLocked(p)
		return nil, abi.EINVAL
	}
	return e, 0
}

// waitFIFOLocked parks t until *opens (the other side's open count)
// changes: ERESTARTSYS when a signal comes first.
//
// Preconditions: k.mu is held.
func (t *Task) waitFIFOLocked(p *pipe, opens *int) abi.Errno {
	start := *opens
	for *opens == start {
		switch t.sleepLocked(&p.openq, zeroTime) {
		case interrupted:
			return abi.EINTR
		case signalled:
			return ERESTARTSYS
		}
	}
	return 0
}

// dropFIFOLocked forgets a FIFO nobody holds open any more.
//
// Preconditions: k.mu is held.
func (k *Kernel) dropFIFOLocked(p *pipe) {
	if p.readers == 0 && p.writers == 0 {
		delete(k.fifos, p.fifoKey)
	}
}
