package ipc

import (
	"math"
	"slices"

	"vessel/internal/abi"
)

// System V message queues: limits, flags and commands (Linux's
// include/uapi/linux/msg.h).
const (
	MSGMAX  = 8192  // the largest message
	MSGMNB  = 16384 // a new queue's msg_qbytes
	MSGMNI  = 32000 // queues
	MSGSSZ  = 16
	MSGSEG  = 0xffff
	MSGPOOL = MSGMNI * MSGMNB / 1024
	MSGTQL  = MSGMNB
	MSGMAP  = MSGMNB

	MSG_NOERROR = 0o10000 // msgrcv: truncate a message that is too long
	MSG_EXCEPT  = 0o20000 // msgrcv: the first message not of the type
	MSG_COPY    = 0o40000 // msgrcv: copy the message at an index, leave it queued

	MSG_STAT     = 11
	MSG_INFO     = 12
	MSG_STAT_ANY = 13
)

// Msg is one message: its type (mtype, at least 1) and its text.
type Msg struct {
	Type int64
	Text []byte
}

// searchMode is how msgrcv picks a message (Linux's SEARCH_*).
type searchMode uint8

const (
	searchAny       searchMode = iota // type 0: the first
	searchEqual                       // type > 0: the first of that type
	searchNotEqual                    // type > 0, MSG_EXCEPT: the first of another type
	searchLessEqual                   // type < 0: the first of the lowest type up to -type
	searchNumber                      // MSG_COPY: the one at index type
)

// MsgQueue is a System V message queue: Linux's struct msg_queue.
type MsgQueue struct {
	Perm
	Stime  int64 // last msgsnd
	Rtime  int64 // last msgrcv
	Ctime  int64 // creation or last IPC_SET
	Cbytes uint64
	Qnum   uint64
	Qbytes uint64 // the most bytes (and messages) it holds
	Lspid  int32  // last sender
	Lrpid  int32  // last receiver

	ns        *Namespace
	msgs      []*Msg
	receivers []*MsgReceiver
	senders   []*Sleeper
}

// MsqidDS is what IPC_STAT reports: struct msqid64_ds.
type MsqidDS struct {
	Perm                Perm
	Stime, Rtime, Ctime int64
	Cbytes, Qnum        uint64
	Qbytes              uint64
	Lspid, Lrpid        int32
}

// Msginfo is IPC_INFO's and MSG_INFO's answer: struct msginfo.
type Msginfo struct {
	Msgpool, Msgmap, Msgmax, Msgmnb, Msgmni, Msgssz, Msgtql int32
	Msgseg                                                  uint16
}

// Sleeper is a task parked until an object changes; Wake is the
// caller's, called with the namespace's lock held.
type Sleeper struct {
	Wake func()
}

// MsgReceiver is a task waiting in msgrcv for a message it can take. A
// sender that has one hands it over (Msg) or, if it is too long, fails
// the receive with E2BIG (Err); removing the queue fails it with EIDRM.
// Done is set either way, and Wake called. IPC_SET wakes it without Done,
// taken off the queue, to try again under the new permissions.
type MsgReceiver struct {
	Msg  *Msg
	Err  abi.Errno
	Done bool
	Wake func()

	typ     int64
	mode    searchMode
	maxSize int
	tid     int32
}

// MsgGet is msgget(2): the id of the queue key names, made when
// IPC_CREAT asks or key is IPC_PRIVATE. ENOENT, EEXIST, EACCES, ENOSPC.
func (ns *Namespace) MsgGet(c *Caller, key Key, flags int) (int32, abi.Errno) {
	return ns.msg.get(c, key, flags, func(object) abi.Errno { return 0 }, func() (object, abi.Errno) {
		if ns.msg.full() {
			return nil, abi.ENOSPC
		}
		return &MsgQueue{ns: ns, Qbytes: uint64(ns.MsgMNB), Ctime: c.time()}, 0
	})
}

// MsgQueue returns the queue with the given id: EINVAL if there is none.
func (ns *Namespace) MsgQueue(id int32) (*MsgQueue, abi.Errno) {
	o, err := ns.msg.find(id)
	if err != 0 {
		return nil, err
	}
	return o.(*MsgQueue), 0
}

// fits is Linux's msg_fits_inqueue: both the bytes and the number of
// messages stay within msg_qbytes.
func (q *MsgQueue) fits(n int) bool {
	return q.Cbytes+uint64(n) <= q.Qbytes && q.Qnum+1 <= q.Qbytes
}

// Send is one attempt of msgsnd(2) (Linux's do_msgsnd loop): m goes to
// the first waiting receiver it suits, or to the end of the queue. EACCES
// without write permission; EIDRM once the queue is removed (a sender
// that slept); when the queue is full, EAGAIN with IPC_NOWAIT, else
// blocked, and the caller parks with AddSender and tries again when
// woken.
func (q *MsgQueue) Send(c *Caller, m *Msg, flags int) (blocked bool, err abi.Errno) {
	if !q.permits(c, S_IWUGO) {
		return false, abi.EACCES
	}
	if q.removed {
		return false, abi.EIDRM
	}
	if !q.fits(len(m.Text)) {
		if flags&IPC_NOWAIT != 0 {
			return false, abi.EAGAIN
		}
		return true, 0
	}
	q.Lspid = c.Pid
	q.Stime = c.time()
	if !q.pipelinedSend(m, c.time()) {
		q.msgs = append(q.msgs, m)
		q.Cbytes += uint64(len(m.Text))
		q.Qnum++
		q.ns.msgBytes += uint64(len(m.Text))
		q.ns.msgHdrs++
	}
	return false, 0
}

// pipelinedSend hands m to the first receiver waiting for a message it
// matches, as Linux's pipelined_send; one that m is too long for gets
// E2BIG instead and the search goes on. It reports whether m was taken.
func (q *MsgQueue) pipelinedSend(m *Msg, now int64) bool {
	for i := 0; i < len(q.receivers); {
		r := q.receivers[i]
		if !r.mode.match(m.Type, r.typ) {
			i++
			continue
		}
		q.receivers = slices.Delete(q.receivers, i, i+1)
		r.Done = true
		if r.maxSize < len(m.Text) {
			r.Err = abi.E2BIG
			r.Wake()
			continue
		}
		q.Lrpid = r.tid
		q.Rtime = now
		r.Msg = m
		r.Wake()
		return true
	}
	return false
}

// AddSender parks a sender until a receive makes room or the queue is
// removed; RemoveSender takes it off when it wakes.
func (q *MsgQueue) AddSender(s *Sleeper) { q.senders = append(q.senders, s) }

// RemoveSender takes s off the queue's senders, if it is there.
func (q *MsgQueue) RemoveSender(s *Sleeper) {
	if i := slices.Index(q.senders, s); i >= 0 {
		q.senders = slices.Delete(q.senders, i, i+1)
	}
}

// wakeSenders wakes every parked sender to try again (Linux's ss_wakeup).
func (q *MsgQueue) wakeSenders() {
	ss := q.senders
	q.senders = nil
	for _, s := range ss {
		s.Wake()
	}
}

// convertMode is Linux's convert_mode: how msgrcv's type and flags pick a
// message, and the type to compare with.
func convertMode(typ int64, flags int) (searchMode, int64) {
	switch {
	case flags&MSG_COPY != 0:
		return searchNumber, typ
	case typ == 0:
		return searchAny, 0
	case typ < 0:
		if typ == math.MinInt64 {
			return searchLessEqual, math.MaxInt64
		}
		return searchLessEqual, -typ
	case flags&MSG_EXCEPT != 0:
		return searchNotEqual, typ
	}
	return searchEqual, typ
}

// match is Linux's testmsg.
func (mode searchMode) match(mtype, typ int64) bool {
	switch mode {
	case searchEqual:
		return mtype == typ
	case searchNotEqual:
		return mtype != typ
	case searchLessEqual:
		return mtype <= typ
	}
	return true
}

// find is Linux's find_msg: the index of the message mode and typ pick,
// or -1.
func (q *MsgQueue) find(mode searchMode, typ int64) int {
	found := -1
	for i, m := range q.msgs {
		if !mode.match(m.Type, typ) {
			continue
		}
		switch mode {
		case searchLessEqual:
			if m.Type == 1 {
				return i
			}
			typ = m.Type - 1
			found = i
		case searchNumber:
			if typ == int64(i) {
				return i
			}
		default:
			return i
		}
	}
	return found
}

// Receive is one attempt of msgrcv(2) (Linux's do_msgrcv loop) for a
// buffer of bufsz bytes: the message typ and flags pick (type 0: the
// first; type > 0: the first of that type, or with MSG_EXCEPT of another;
// type < 0: the first of the lowest type at most -type; MSG_COPY: a copy
// of the one at index typ, left queued). EACCES without read permission;
// EIDRM once the queue is removed; E2BIG for a message longer than bufsz
// without MSG_NOERROR (the message stays queued); with none to take,
// ENOMSG with IPC_NOWAIT, else a receiver to park (AddReceiver) until a
// sender completes it. The caller truncates the text to bufsz.
func (q *MsgQueue) Receive(c *Caller, typ int64, flags int, bufsz int) (*Msg, *MsgReceiver, abi.Errno) {
	if !q.permits(c, S_IRUGO) {
		return nil, nil, abi.EACCES
	}
	if q.removed {
		return nil, nil, abi.EIDRM
	}
	mode, typ := convertMode(typ, flags)
	if i := q.find(mode, typ); i >= 0 {
		m := q.msgs[i]
		if bufsz < len(m.Text) && flags&MSG_NOERROR == 0 {
			return nil, nil, abi.E2BIG
		}
		if mode == searchNumber {
			if len(m.Text) > min(bufsz, q.ns.MsgMax) {
				return nil, nil, abi.EINVAL // Linux's copy_msg into a buffer of min(bufsz, msgmax)
			}
			return &Msg{Type: m.Type, Text: slices.Clone(m.Text)}, nil, 0
		}
		q.msgs = slices.Delete(q.msgs, i, i+1)
		q.Qnum--
		q.Cbytes -= uint64(len(m.Text))
		q.ns.msgBytes -= uint64(len(m.Text))
		q.ns.msgHdrs--
		q.Rtime = c.time()
		q.Lrpid = c.Pid
		q.wakeSenders()
		return m, nil, 0
	}
	if flags&IPC_NOWAIT != 0 {
		return nil, nil, abi.ENOMSG
	}
	r := &MsgReceiver{typ: typ, mode: mode, maxSize: bufsz, tid: c.Tid}
	if flags&MSG_NOERROR != 0 {
		r.maxSize = math.MaxInt32
	}
	return nil, r, 0
}

// AddReceiver parks r (from Receive) on the queue.
func (q *MsgQueue) AddReceiver(r *MsgReceiver) { q.receivers = append(q.receivers, r) }

// RemoveReceiver takes r off the queue, if it is still there.
func (q *MsgQueue) RemoveReceiver(r *MsgReceiver) {
	if i := slices.Index(q.receivers, r); i >= 0 {
		q.receivers = slices.Delete(q.receivers, i, i+1)
	}
}

// MsgStat is msgctl IPC_STAT, MSG_STAT and MSG_STAT_ANY (see ShmStat).
func (ns *Namespace) MsgStat(c *Caller, id int32, cmd int) (MsqidDS, int32, abi.Errno) {
	var q *MsgQueue
	ret := int32(0)
	if cmd == IPC_STAT {
		var err abi.Errno
		if q, err = ns.MsgQueue(id); err != 0 {
			return MsqidDS{}, 0, err
		}
	} else {
		o := ns.msg.at(int(id))
		if id < 0 || o == nil {
			return MsqidDS{}, 0, abi.EINVAL
		}
		q = o.(*MsgQueue)
		ret = q.ID
	}
	if cmd != MSG_STAT_ANY && !q.permits(c, S_IRUGO) {
		return MsqidDS{}, 0, abi.EACCES
	}
	return MsqidDS{Perm: q.Perm, Stime: q.Stime, Rtime: q.Rtime, Ctime: q.Ctime, Cbytes: q.Cbytes,
		Qnum: q.Qnum, Qbytes: q.Qbytes, Lspid: q.Lspid, Lrpid: q.Lrpid}, ret, 0
}

// MsgSet is msgctl IPC_SET: owner, mode and msg_qbytes. EINVAL, EPERM
// (not the owner or creator without CAP_SYS_ADMIN, or msg_qbytes raised
// past msgmnb without CAP_SYS_RESOURCE). Senders waiting for room try
// again.
func (ns *Namespace) MsgSet(c *Caller, id int32, set PermSet, qbytes uint64) abi.Errno {
	q, err := ns.MsgQueue(id)
	if err != 0 {
		return err
	}
	if !q.controls(c) {
		return abi.EPERM
	}
	if qbytes > uint64(ns.MsgMNB) && !c.has(CAP_SYS_RESOURCE) {
		return abi.EPERM
	}
	if !q.set(set) {
		return abi.EINVAL
	}
	q.Qbytes = qbytes
	q.Ctime = c.time()
	// Receivers check their permission again; senders may now fit.
	rs := q.receivers
	q.receivers = nil
	for _, r := range rs {
		r.Wake()
	}
	q.wakeSenders()
	return 0
}

// MsgRemove is msgctl IPC_RMID: the queue and its messages go; its
// waiting receivers fail with EIDRM and its senders wake to find it gone.
// EINVAL, EPERM.
func (ns *Namespace) MsgRemove(c *Caller, id int32) abi.Errno {
	q, err := ns.MsgQueue(id)
	if err != 0 {
		return err
	}
	if !q.controls(c) {
		return abi.EPERM
	}
	ns.msg.remove(q)
	for _, r := range q.receivers {
		r.Done, r.Err = true, abi.EIDRM
		r.Wake()
	}
	q.receivers = nil
	q.wakeSenders()
	ns.msgBytes -= q.Cbytes
	ns.msgHdrs -= q.Qnum
	q.msgs, q.Cbytes, q.Qnum = nil, 0, 0
	return 0
}

// MsgInfo is msgctl IPC_INFO (info false) and MSG_INFO: the limits, with
// MSG_INFO's counts of queues, messages and bytes in place of three of
// them, and the highest index in use (0 for none).
func (ns *Namespace) MsgInfo(info bool) (Msginfo, int32) {
	mi := Msginfo{Msgmni: MSGMNI, Msgmax: int32(ns.MsgMax), Msgmnb: int32(ns.MsgMNB), Msgssz: MSGSSZ, Msgseg: MSGSEG,
		Msgmap: MSGMAP, Msgpool: MSGPOOL, Msgtql: MSGTQL}
	if info {
		mi.Msgpool = int32(ns.msg.inUse)
		mi.Msgmap = int32(min(ns.msgHdrs, math.MaxInt32))
		mi.Msgtql = int32(min(ns.msgBytes, math.MaxInt32))
	}
	return mi, int32(max(ns.msg.maxIdx(), 0))
}

// MsgQueues lists the message queues in index order.
func (ns *Namespace) MsgQueues() []*MsgQueue {
	var out []*MsgQueue
	ns.msg.each(func(o object) { out = append(out, o.(*MsgQueue)) })
	return out
}
