package ipc

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"vessel/internal/abi"
)

// POSIX message queue limits (Linux's ipc/mqueue.c and
// include/linux/ipc_namespace.h): the defaults of /proc/sys/fs/mqueue,
// and the hard limits that CAP_SYS_RESOURCE may go up to.
const (
	MQ_PRIO_MAX     = 32768
	DFLT_QUEUESMAX  = 256
	DFLT_MSG        = 10
	DFLT_MSGMAX     = 10
	HARD_MSGMAX     = 65536
	DFLT_MSGSIZE    = 8192
	DFLT_MSGSIZEMAX = 8192
	HARD_MSGSIZEMAX = 16 << 20
	NAME_MAX        = 255

	// FILENT_SIZE is a queue file's size, what fstat and the mqueue
	// filesystem report.
	FILENT_SIZE = 80

	// What Linux charges to RLIMIT_MSGQUEUE per message slot beside its
	// text, on 64-bit: sizeof(struct msg_msg) and of struct
	// posix_msg_tree_node.
	mqMsgOverhead  = 48
	mqNodeOverhead = 48
)

// MQAttr is struct mq_attr.
type MQAttr struct {
	Flags   int64 // O_NONBLOCK or 0 (of the open file, not the queue)
	Maxmsg  int64
	Msgsize int64
	Curmsgs int64
}

// MQMsg is one message of a POSIX queue.
type MQMsg struct {
	Prio uint32
	Data []byte
}

// MQNotify is a process's registration for mq_notify(2).
type MQNotify struct {
	Notify int    // SIGEV_SIGNAL or SIGEV_NONE
	Signo  int    // SIGEV_SIGNAL's signal; 0 sends nothing, as Linux
	Value  uint64 // sigev_value, the signal's si_value
	Pid    int32  // the registered process, for NOTIFY_PID
	Owner  any    // the registered process, compared with == only
}

// MQWaiter is a task parked on a full queue with a message (Msg) or on
// an empty one for a message. The other side completes it (Done; a
// receiver gets Msg) and calls Wake.
type MQWaiter struct {
	Msg  *MQMsg
	Done bool
	Wake func()
}

// MQueue is a POSIX message queue (Linux's struct mqueue_inode_info):
// its attributes, its messages highest priority first and in arrival
// order within a priority, the tasks parked on it, and its notification.
// It lives while it has a name or an open description.
type MQueue struct {
	Name     string // without the leading slash; "" once unlinked
	Mode     uint32 // permission bits
	UID, GID uint32
	Maxmsg   int64
	Msgsize  int64

	ns        *Namespace
	msgs      []*MQMsg // highest priority first, FIFO within one
	qsize     int64    // bytes of text queued
	notify    *MQNotify
	receivers []*MQWaiter
	senders   []*MQWaiter
	opens     int    // open descriptions
	charge    uint64 // bytes charged to chargeUID's RLIMIT_MSGQUEUE
	chargeUID uint32
}

// MQInfo describes a queue for the mqueue filesystem's listing.
type MQInfo struct {
	Name     string
	Mode     uint32
	UID, GID uint32
	Size     int64 // FILENT_SIZE, as Linux's inode size
}

// validMQName is Linux's lookup_one_len for the mqueue root: EACCES for
// an empty name, ".", ".." or one with a slash; ENAMETOOLONG past
// NAME_MAX.
func validMQName(name string) abi.Errno {
	switch {
	case name == "" || name == "." || name == ".." || strings.ContainsRune(name, '/'):
		return abi.EACCES
	case len(name) > NAME_MAX:
		return abi.ENAMETOOLONG
	}
	return 0
}

// mayAccess is the inode permission check for a queue: MAY_READ (4) and
// MAY_WRITE (2) against the owner's, group's or others' bits;
// CAP_DAC_OVERRIDE passes.
func (q *MQueue) mayAccess(c *Caller, want uint32) bool {
	mode := q.Mode
	switch {
	case c.FSUID == q.UID:
		mode >>= 6
	case c.inGroup(q.GID):
		mode >>= 3
	}
	return want&^mode&7 == 0 || c.has(CAP_DAC_OVERRIDE)
}

// MQOpen is mq_open(2) for the name without its leading slash: the queue,
// counted as open once more, made with IPC-style flags as oflag asks
// (O_CREAT, O_EXCL) with mode less c's umask and attr (nil: the
// defaults). EACCES or ENAMETOOLONG for a bad name; ENOENT; EEXIST;
// EINVAL for O_WRONLY|O_RDWR or attributes out of range; EACCES without
// the permission the access mode needs; ENOSPC past queues_max; EMFILE
// past RLIMIT_MSGQUEUE; EOVERFLOW.
func (ns *Namespace) MQOpen(c *Caller, name string, oflag uint32, mode uint32, attr *MQAttr) (*MQueue, abi.Errno) {
	if err := validMQName(name); err != 0 {
		return nil, err
	}
	if q := ns.mq[name]; q != nil {
		if oflag&(abi.O_CREAT|abi.O_EXCL) == abi.O_CREAT|abi.O_EXCL {
			return nil, abi.EEXIST
		}
		acc := oflag & abi.O_ACCMODE
		if acc == abi.O_ACCMODE {
			return nil, abi.EINVAL
		}
		want := [...]uint32{abi.O_RDONLY: 4, abi.O_WRONLY: 2, abi.O_RDWR: 6}[acc]
		if !q.mayAccess(c, want) {
			return nil, abi.EACCES
		}
		q.opens++
		return q, 0
	}
	if oflag&abi.O_CREAT == 0 {
		return nil, abi.ENOENT
	}
	if ns.mqCount >= ns.MQQueuesMax && !c.has(CAP_SYS_RESOURCE) {
		return nil, abi.ENOSPC
	}
	q := &MQueue{Name: name, Mode: mode &^ c.Umask & 0o7777, UID: c.FSUID, GID: c.FSGID, ns: ns,
		Maxmsg: ns.MQMsgDefault, Msgsize: ns.MQSizeDefault}
	if attr != nil {
		q.Maxmsg, q.Msgsize = attr.Maxmsg, attr.Msgsize
	}
	if q.Maxmsg <= 0 || q.Msgsize <= 0 {
		return nil, abi.EINVAL
	}
	if c.has(CAP_SYS_RESOURCE) {
		if q.Maxmsg > HARD_MSGMAX || q.Msgsize > HARD_MSGSIZEMAX {
			return nil, abi.EINVAL
		}
	} else if q.Maxmsg > ns.MQMsgMax || q.Msgsize > ns.MQMsgsizeMax {
		return nil, abi.EINVAL
	}
	// Linux's overflow checks cannot trip within the hard limits; the
	// charge is the text of a full queue and its bookkeeping.
	charge := uint64(q.Maxmsg)*uint64(q.Msgsize) + uint64(q.Maxmsg)*mqMsgOverhead + uint64(min(q.Maxmsg, MQ_PRIO_MAX))*mqNodeOverhead
	if used := ns.mqBytes[c.UID]; used+charge > c.Msgqueue {
		return nil, abi.EMFILE
	}
	ns.mqBytes[c.UID] += charge
	q.charge, q.chargeUID = charge, c.UID
	ns.mq[name] = q
	ns.mqCount++
	q.opens = 1
	return q, 0
}

// MQUnlink is mq_unlink(2): the name goes; the queue lives on until its
// last open description is closed. EACCES or ENAMETOOLONG for a bad
// name, ENOENT, EPERM unless c owns the queue (the mqueue root is sticky
// and root's) or has CAP_FOWNER.
func (ns *Namespace) MQUnlink(c *Caller, name string) abi.Errno {
	if err := validMQName(name); err != 0 {
		return err
	}
	q := ns.mq[name]
	if q == nil {
		return abi.ENOENT
	}
	if c.FSUID != q.UID && c.FSUID != 0 && !c.has(CAP_FOWNER) {
		return abi.EPERM
	}
	delete(ns.mq, name)
	q.Name = ""
	q.mayFree()
	return 0
}

// Close counts one open description of q less.
func (q *MQueue) Close() {
	q.opens--
	q.mayFree()
}

// mayFree ends a queue with no name and no open description: its charge
// goes back (Linux's mqueue_evict_inode).
func (q *MQueue) mayFree() {
	if q.opens > 0 || q.Name != "" || q.charge == 0 {
		return
	}
	q.ns.mqBytes[q.chargeUID] -= q.charge
	if q.ns.mqBytes[q.chargeUID] == 0 {
		delete(q.ns.mqBytes, q.chargeUID)
	}
	q.charge = 0
	q.ns.mqCount--
	q.msgs, q.qsize = nil, 0
}

// MQueues lists the named queues, sorted by name.
func (ns *Namespace) MQueues() []MQInfo {
	out := make([]MQInfo, 0, len(ns.mq))
	for _, q := range ns.mq {
		out = append(out, MQInfo{Name: q.Name, Mode: q.Mode, UID: q.UID, GID: q.GID, Size: FILENT_SIZE})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// MQueue returns the queue with the given name (without the slash), or
// nil.
func (ns *Namespace) MQueue(name string) *MQueue { return ns.mq[name] }

// Attr is the queue's mq_attr, with flags 0.
func (q *MQueue) Attr() MQAttr {
	return MQAttr{Maxmsg: q.Maxmsg, Msgsize: q.Msgsize, Curmsgs: int64(len(q.msgs))}
}

// Readable reports whether a message is queued (POLLIN); Writable whether
// there is room for one (POLLOUT).
func (q *MQueue) Readable() bool { return len(q.msgs) > 0 }

// Writable reports whether the queue has room for a message.
func (q *MQueue) Writable() bool { return int64(len(q.msgs)) < q.Maxmsg }

// insert puts m after every message of its priority or higher.
func (q *MQueue) insert(m *MQMsg) {
	i := sort.Search(len(q.msgs), func(i int) bool { return q.msgs[i].Prio < m.Prio })
	q.msgs = slices.Insert(q.msgs, i, m)
	q.qsize += int64(len(m.Data))
}

// Send is one attempt of mq_timedsend(2) (the caller has checked the
// access mode, the priority and the size): m goes to the first waiting
// receiver, or into the queue. A full queue gives EAGAIN when nonblock,
// else a waiter the caller parks (Park) until a receive takes its
// message. A message that makes an empty queue non-empty, with no one
// waiting for it, fires the notification, which is returned for the
// caller to deliver and is unregistered.
func (q *MQueue) Send(m *MQMsg, nonblock bool) (*MQWaiter, *MQNotify, abi.Errno) {
	if int64(len(q.msgs)) >= q.Maxmsg {
		if nonblock {
			return nil, nil, abi.EAGAIN
		}
		return &MQWaiter{Msg: m}, nil, 0
	}
	if len(q.receivers) > 0 {
		r := q.receivers[0]
		q.receivers = slices.Delete(q.receivers, 0, 1)
		r.Msg, r.Done = m, true
		r.Wake()
		return nil, nil, 0
	}
	q.insert(m)
	var n *MQNotify
	if q.notify != nil && len(q.msgs) == 1 {
		n, q.notify = q.notify, nil
	}
	return nil, n, 0
}

// Receive is one attempt of mq_timedreceive(2) (the caller has checked
// the access mode and the buffer size): the first message of the highest
// priority; a sender waiting on the full queue then puts its message in.
// An empty queue gives EAGAIN when nonblock, else a waiter to park.
func (q *MQueue) Receive(nonblock bool) (*MQMsg, *MQWaiter, abi.Errno) {
	if len(q.msgs) == 0 {
		if nonblock {
			return nil, nil, abi.EAGAIN
		}
		return nil, &MQWaiter{}, 0
	}
	m := q.msgs[0]
	q.msgs = slices.Delete(q.msgs, 0, 1)
	q.qsize -= int64(len(m.Data))
	if len(q.senders) > 0 {
		s := q.senders[0]
		q.senders = slices.Delete(q.senders, 0, 1)
		q.insert(s.Msg)
		s.Done = true
		s.Wake()
	}
	return m, nil, 0
}

// ParkReceiver queues w as a receiver; wake is called when a sender hands
// it a message.
func (q *MQueue) ParkReceiver(w *MQWaiter, wake func()) {
	w.Wake = wake
	q.receivers = append(q.receivers, w)
}

// ParkSender queues w as a sender; wake is called when a receiver has
// taken its message in.
func (q *MQueue) ParkSender(w *MQWaiter, wake func()) {
	w.Wake = wake
	q.senders = append(q.senders, w)
}

// Cancel takes w off q if it is still parked there.
func (q *MQueue) Cancel(w *MQWaiter) {
	q.receivers = slices.DeleteFunc(q.receivers, func(x *MQWaiter) bool { return x == w })
	q.senders = slices.DeleteFunc(q.senders, func(x *MQWaiter) bool { return x == w })
}

// SetNotify is mq_notify(2) with a notification: EBUSY if a process is
// registered already.
func (q *MQueue) SetNotify(n *MQNotify) abi.Errno {
	if q.notify != nil {
		return abi.EBUSY
	}
	q.notify = n
	return 0
}

// ClearNotify is mq_notify(2) without one: the registration of owner, if
// it is the one, goes.
func (q *MQueue) ClearNotify(owner any) {
	if q.notify != nil && q.notify.Owner == owner {
		q.notify = nil
	}
}

// Notification returns the registration, or nil.
func (q *MQueue) Notification() *MQNotify { return q.notify }

// Text is what read(2) of a queue descriptor returns, Linux's
// mqueue_read_file line.
func (q *MQueue) Text() string {
	notify, signo, pid := 0, 0, int32(0)
	if n := q.notify; n != nil {
		notify, pid = n.Notify, n.Pid
		if n.Notify == abi.SIGEV_SIGNAL {
			signo = n.Signo
		}
	}
	return fmt.Sprintf("QSIZE:%-10d NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n", q.qsize, notify, signo, pid)
}
