package kernel

import (
	"slices"
	"sync/atomic"
	"time"

	"vessel/internal/abi"
	"vessel/internal/ipc"
	"vessel/internal/vfs"
)

// POSIX message queues (mq_overview(7)). A queue descriptor is a File
// (mqFile) over an ipc.MQueue: read(2) gives Linux's one-line status, and
// poll and epoll see POLLIN while a message is queued and POLLOUT while
// there is room. mq_timedsend and mq_timedreceive park the task on the
// queue until the other side completes its operation, the absolute
// deadline passes (ETIMEDOUT) or a signal arrives (ERESTARTSYS), as
// Linux's wq_sleep.

// siMesgq is si_code SI_MESGQ: a message arrived on an empty queue.
const siMesgq = -3

// MQAttr is struct mq_attr.
type MQAttr = ipc.MQAttr

// MQueueInfo describes a queue as the mqueue filesystem lists it
// (/dev/mqueue/NAME): its name without the slash, permission bits,
// owner and size (always 80, as Linux's).
type MQueueInfo struct {
	Name     string
	Mode     uint32
	UID, GID uint32
	Size     int64
}

// mqWatch is what the descriptions of one queue share: the epoll
// instances watching it and its inode number. It lives as long as the
// queue. Guarded by Kernel.mu but for unlinked.
type mqWatch struct {
	watching []*epollFile
	files    int         // open descriptions of the queue
	ino      uint64      // the queue's inode number; immutable
	unlinked atomic.Bool // the name is gone (stat's link count)
}

// mqFile is an open queue description.
type mqFile struct {
	vfs.FileDefaults
	k        *Kernel
	n        *ipcNamespace
	q        *ipc.MQueue // guarded by Kernel.mu, as everything of ipc's
	w        *mqWatch
	mode     uint32 // the queue's, which never change
	uid, gid uint32
}

var mqInodes atomic.Uint64

// MQOpenFile opens the queue name (without its leading slash) as mq_open
// does, with oflag's access mode, O_NONBLOCK, O_CREAT and O_EXCL, and,
// for a new queue, mode less the umask and attr (nil: the defaults), and
// returns the description without installing it. It is also what the
// mqueue filesystem calls for an open(2) of /dev/mqueue/NAME.
func (t *Task) MQOpenFile(name string, oflag, mode uint32, attr *MQAttr) (*vfs.File, abi.Errno) {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	n := t.ipcNS()
	c := t.ipcCaller()
	if t.FS != nil {
		c.Umask = t.FS.Umask()
	}
	q, err := n.ns.MQOpen(c, name, oflag, mode, attr)
	if err != 0 {
		return nil, err
	}
	w := n.mqWatch[q]
	if w == nil {
		w = &mqWatch{ino: mqInodes.Add(1)}
		n.mqWatch[q] = w
	}
	w.files++
	mf := &mqFile{k: k, n: n, q: q, w: w, mode: q.Mode, uid: q.UID, gid: q.GID}
	return vfs.NewFile(mf, oflag&^(abi.O_CREAT|abi.O_EXCL), "/"+name), 0
}

// MQOpen is mq_open(2): a new descriptor, always close-on-exec as Linux
// makes it, for the queue name.
func (t *Task) MQOpen(name string, oflag, mode uint32, attr *MQAttr) (int32, abi.Errno) {
	f, err := t.MQOpenFile(name, oflag, mode, attr)
	if err != 0 {
		return 0, err
	}
	fd, err := t.FDs.Install(f, true)
	f.DecRef() // the table holds its own reference
	return fd, err
}

// MQUnlink is mq_unlink(2), and the mqueue filesystem's unlink: the name
// goes at once, the queue when its last descriptor is closed.
func (t *Task) MQUnlink(name string) abi.Errno {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	n := t.ipcNS()
	q := n.ns.MQueue(name)
	if err := n.ns.MQUnlink(t.ipcCaller(), name); err != 0 {
		return err
	}
	if w := n.mqWatch[q]; w != nil {
		w.unlinked.Store(true)
		if w.files == 0 {
			delete(n.mqWatch, q) // the queue is gone
		}
	}
	return 0
}

// MQueues lists the named POSIX message queues of the kernel's IPC
// namespace, sorted by name: the mqueue filesystem's directory.
func (k *Kernel) MQueues() []MQueueInfo {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []MQueueInfo
	for _, q := range k.ipc.root.ns.MQueues() {
		out = append(out, MQueueInfo{Name: q.Name, Mode: q.Mode, UID: q.UID, GID: q.GID, Size: q.Size})
	}
	return out
}

// MQueueOf returns the attributes of the queue behind f, with f's
// O_NONBLOCK as the flags, or false when f is not a queue descriptor.
func MQueueOf(f *vfs.File) (MQAttr, bool) {
	mf, ok := f.Impl().(*mqFile)
	if !ok {
		return MQAttr{}, false
	}
	mf.k.mu.Lock()
	defer mf.k.mu.Unlock()
	a := mf.q.Attr()
	a.Flags = int64(f.Flags() & abi.O_NONBLOCK)
	return a, true
}

// MQSend is mq_timedsend(2) of data with priority prio on the queue
// description f (the caller has checked that f is one, open for writing,
// and the size and priority): it waits while the queue is full, unless f
// is non-blocking (EAGAIN), until the deadline (zero: none; ETIMEDOUT),
// or a signal (ERESTARTSYS).
func (t *Task) MQSend(f *vfs.File, data []byte, prio uint32, deadline time.Time) abi.Errno {
	mf := f.Impl().(*mqFile)
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	w, notify, err := mf.q.Send(&ipc.MQMsg{Prio: prio, Data: data}, f.Flags()&abi.O_NONBLOCK != 0)
	if err != 0 {
		return err
	}
	if w == nil {
		if notify != nil {
			t.mqNotifyLocked(notify)
		}
		k.notifyLocked(mf)
		return 0
	}
	var wq waitQueue
	mf.q.ParkSender(w, func() { k.wakeAllLocked(&wq) })
	for {
		out := t.sleepLocked(&wq, deadline)
		if w.Done {
			return 0
		}
		switch out {
		case timedOut:
			mf.q.Cancel(w)
			return abi.ETIMEDOUT
		case interrupted:
			mf.q.Cancel(w)
			return abi.EINTR
		case signalled:
			mf.q.Cancel(w)
			return ERESTARTSYS
		}
	}
}

// MQReceive is mq_timedreceive(2) on the queue description f (the caller
// has checked that f is one, open for reading, with a buffer of at least
// mq_msgsize): the oldest message of the highest priority, waiting while
// the queue is empty as MQSend waits while it is full.
func (t *Task) MQReceive(f *vfs.File, deadline time.Time) (*ipc.MQMsg, abi.Errno) {
	mf := f.Impl().(*mqFile)
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	m, w, err := mf.q.Receive(f.Flags()&abi.O_NONBLOCK != 0)
	if err != 0 {
		return nil, err
	}
	if w == nil {
		k.notifyLocked(mf)
		return m, 0
	}
	var wq waitQueue
	mf.q.ParkReceiver(w, func() { k.wakeAllLocked(&wq) })
	for {
		out := t.sleepLocked(&wq, deadline)
		if w.Done {
			return w.Msg, 0
		}
		switch out {
		case timedOut:
			mf.q.Cancel(w)
			return nil, abi.ETIMEDOUT
		case interrupted:
			mf.q.Cancel(w)
			return nil, abi.EINTR
		case signalled:
			mf.q.Cancel(w)
			return nil, ERESTARTSYS
		}
	}
}

// mqNotifyLocked delivers a notification that fired: SIGEV_SIGNAL sends
// its signal to the registered process with si_code SI_MESGQ, t's pid and
// uid and the registered value; SIGEV_NONE sends nothing.
//
// Preconditions: Kernel.mu is held.
func (t *Task) mqNotifyLocked(n *ipc.MQNotify) {
	g, _ := n.Owner.(*ThreadGroup)
	if n.Notify != abi.SIGEV_SIGNAL || n.Signo == 0 || g == nil {
		return
	}
	t.k.sendLocked(g, nil, SigInfo{Signo: n.Signo, Code: siMesgq, Pid: t.Tgid, UID: t.Creds.UID, Value: n.Value}, false)
}

// MQNotify is mq_notify(2) on the queue description f: with n, register
// t's process for notification (EBUSY if a live process is registered);
// with nil, remove t's process's registration, if it has one. The caller
// has checked the sigevent.
func (t *Task) MQNotify(f *vfs.File, notify, signo int, value uint64, register bool) abi.Errno {
	mf, ok := f.Impl().(*mqFile)
	if !ok {
		return abi.EBADF
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	mf.dropDeadOwnerLocked()
	if !register {
		mf.q.ClearNotify(t.tg)
		return 0
	}
	return mf.q.SetNotify(&ipc.MQNotify{Notify: notify, Signo: signo, Value: value, Pid: t.Tgid, Owner: t.tg})
}

// closedBy is told that a descriptor of the queue was closed in
// descriptor table t: the registered process loses its notification if
// it is the one closing, as with Linux's mqueue_flush_file, on every
// close (of a duplicate too, and at exec of mq_open's close-on-exec
// descriptors). The closer is taken to be the registrant when one of its
// threads uses t.
func (mf *mqFile) closedBy(t *vfs.FDTable) {
	k := mf.k
	k.mu.Lock()
	defer k.mu.Unlock()
	n := mf.q.Notification()
	if n == nil {
		return
	}
	if g, ok := n.Owner.(*ThreadGroup); ok && slices.ContainsFunc(g.threads, func(x *Task) bool { return x.FDs == t }) {
		mf.q.ClearNotify(g)
	}
}

// dropDeadOwnerLocked removes the registration of a process that has
// exited, in case its descriptors went without a close (closedBy).
//
// Preconditions: Kernel.mu is held.
func (mf *mqFile) dropDeadOwnerLocked() {
	if n := mf.q.Notification(); n != nil {
		if g, ok := n.Owner.(*ThreadGroup); ok && (g.zombie || g.exiting.Load()) {
			mf.q.ClearNotify(g)
		}
	}
}

// MQSetFlags is mq_getsetattr(2)'s change: f's O_NONBLOCK as flags says.
func MQSetFlags(f *vfs.File, flags int64) abi.Errno {
	return f.SetFlags(f.Flags()&^abi.O_NONBLOCK | uint32(flags)&abi.O_NONBLOCK)
}

// Read gives the queue's status line, Linux's mqueue_read_file: from *pos
// of "QSIZE:... NOTIFY:... SIGNO:... NOTIFY_PID:...\n".
func (mf *mqFile) Read(f *vfs.File, dst []byte, pos *int64) (int, abi.Errno) {
	mf.k.mu.Lock()
	mf.dropDeadOwnerLocked()
	text := mf.q.Text()
	mf.k.mu.Unlock()
	if *pos >= int64(len(text)) || *pos < 0 {
		return 0, 0
	}
	n := copy(dst, text[*pos:])
	*pos += int64(n)
	return n, 0
}

// Pread is Read at off, leaving the offset alone.
func (mf *mqFile) Pread(f *vfs.File, dst []byte, off int64) (int, abi.Errno) {
	return mf.Read(f, dst, &off)
}

// Lseek moves the offset as Linux's default_llseek, the file being
// FILENT_SIZE bytes long.
func (mf *mqFile) Lseek(f *vfs.File, pos, off int64, whence int) (int64, abi.Errno) {
	return vfs.SeekIn(pos, off, whence, ipc.FILENT_SIZE)
}

// Stat describes the queue as an mqueue inode: a regular file of
// FILENT_SIZE bytes with the queue's mode and owner, and no link once
// unlinked. It takes no lock (the kernel stats descriptors with
// Kernel.mu held, looking for writers of an executable).
func (mf *mqFile) Stat(f *vfs.File, st *abi.Stat_t) abi.Errno {
	var nlink uint32 = 1
	if mf.w.unlinked.Load() {
		nlink = 0
	}
	*st = abi.Stat_t{Mode: abi.S_IFREG | mf.mode, Nlink: nlink, Uid: mf.uid, Gid: mf.gid,
		Size: ipc.FILENT_SIZE, Ino: mf.w.ino, Blksize: abi.PageSize}
	return 0
}

// Release closes the description: the queue goes with its last one if it
// has no name.
func (mf *mqFile) Release(f *vfs.File) {
	k := mf.k
	k.mu.Lock()
	defer k.mu.Unlock()
	mf.dropDeadOwnerLocked()
	mf.q.Close()
	if mf.w.files--; mf.w.files == 0 && mf.q.Name == "" {
		delete(mf.n.mqWatch, mf.q) // the queue is gone
	}
}

func (mf *mqFile) readyLocked() uint32 {
	var r uint32
	if mf.q.Readable() {
		r |= abi.EPOLLIN | abi.EPOLLRDNORM
	}
	if mf.q.Writable() {
		r |= abi.EPOLLOUT | abi.EPOLLWRNORM
	}
	return r
}

func (mf *mqFile) watchers() *[]*epollFile { return &mf.w.watching }
