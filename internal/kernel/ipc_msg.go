package kernel

import (
	"vessel/internal/abi"
	"vessel/internal/ipc"
)

// System V message queues: the calls that may wait, and the rest of
// msgctl. A sender waits for room, a receiver for a message it can take;
// both sleep interruptibly, and a signal ends the wait with
// ERESTARTNOHAND (EINTR after a handler), as Linux's do_msgsnd and
// do_msgrcv.

// Msgget is msgget(2).
func (t *Task) Msgget(key ipc.Key, flags int) (int32, abi.Errno) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.MsgGet(t.ipcCaller(), key, flags)
}

// MsgMax is the largest message msgsnd takes (msgmax).
func (t *Task) MsgMax() int {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.MsgMax
}

// Msgsnd is msgsnd(2) of a message of type mtype (at least 1) with text
// (at most msgmax bytes) to queue id: it waits while the queue is full,
// unless IPC_NOWAIT (EAGAIN). EINVAL, EACCES, EIDRM when the queue is
// removed while it waits, ERESTARTNOHAND on a signal, EINTR when the
// process must exit.
func (t *Task) Msgsnd(id int32, mtype int64, text []byte, flags int) abi.Errno {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	n := t.ipcNS()
	if len(text) > n.ns.MsgMax || id < 0 || mtype < 1 {
		return abi.EINVAL
	}
	q, err := n.ns.MsgQueue(id)
	if err != 0 {
		return err
	}
	m := &ipc.Msg{Type: mtype, Text: text}
	var wq *waitQueue
	var s *ipc.Sleeper
	for {
		blocked, err := q.Send(t.ipcCaller(), m, flags)
		if !blocked {
			return err
		}
		if s == nil {
			wq = new(waitQueue)
			s = &ipc.Sleeper{Wake: func() { k.wakeAllLocked(wq) }}
		}
		q.AddSender(s)
		out := t.sleepLocked(wq, zeroTime)
		q.RemoveSender(s)
		if q.Removed() {
			return abi.EIDRM
		}
		switch out {
		case interrupted:
			return abi.EINTR
		case signalled:
			return ERESTARTNOHAND
		}
	}
}

// Msgrcv is msgrcv(2) from queue id into a buffer of bufsz bytes: the
// message typ and flags pick (see ipc.MsgQueue.Receive), waiting for one
// unless IPC_NOWAIT (ENOMSG). The caller copies out at most bufsz bytes
// of its text (MSG_NOERROR). EINVAL (also for MSG_COPY without
// IPC_NOWAIT or with MSG_EXCEPT), EACCES, E2BIG, EIDRM when the queue is
// removed while it waits, ERESTARTNOHAND on a signal.
func (t *Task) Msgrcv(id int32, typ int64, flags int, bufsz int) (*ipc.Msg, abi.Errno) {
	if id < 0 || bufsz < 0 {
		return nil, abi.EINVAL
	}
	if flags&ipc.MSG_COPY != 0 && (flags&ipc.MSG_EXCEPT != 0 || flags&ipc.IPC_NOWAIT == 0) {
		return nil, abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	q, err := t.ipcNS().ns.MsgQueue(id)
	if err != 0 {
		return nil, err
	}
	for {
		m, r, err := q.Receive(t.ipcCaller(), typ, flags, bufsz)
		if r == nil {
			return m, err
		}
		var wq waitQueue
		r.Wake = func() { k.wakeAllLocked(&wq) }
		q.AddReceiver(r)
		out := t.sleepLocked(&wq, zeroTime)
		if r.Done {
			return r.Msg, r.Err
		}
		q.RemoveReceiver(r)
		switch out {
		case interrupted:
			return nil, abi.EINTR
		case signalled:
			return nil, ERESTARTNOHAND
		}
		// Woken by IPC_SET, or spuriously: look again.
	}
}

// MsgStat is msgctl(2) IPC_STAT, MSG_STAT and MSG_STAT_ANY.
func (t *Task) MsgStat(id int32, cmd int) (ipc.MsqidDS, int32, abi.Errno) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.MsgStat(t.ipcCaller(), id, cmd)
}

// MsgSet is msgctl(2) IPC_SET.
func (t *Task) MsgSet(id int32, set ipc.PermSet, qbytes uint64) abi.Errno {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.MsgSet(t.ipcCaller(), id, set, qbytes)
}

// MsgRemove is msgctl(2) IPC_RMID.
func (t *Task) MsgRemove(id int32) abi.Errno {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.MsgRemove(t.ipcCaller(), id)
}

// MsgInfo is msgctl(2) IPC_INFO (info false) and MSG_INFO.
func (t *Task) MsgInfo(info bool) (ipc.Msginfo, int32) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.MsgInfo(info)
}
