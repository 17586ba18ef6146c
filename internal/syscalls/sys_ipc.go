package syscalls

import (
	"time"

	"vessel/internal/abi"
	"vessel/internal/ipc"
	"vessel/internal/kernel"
)

// System V IPC: shared memory, message queues, semaphores. The riscv64
// structures are the generic 64-bit ones (asm-generic/ipcbuf.h,
// shmbuf.h, msgbuf.h, sembuf.h):
//
//	ipc64_perm  (48) key i32 @0, uid @4, gid @8, cuid @12, cgid @16, mode u32 @20,
//	                 seq u16 @24, 2 unused longs @32
//	shmid64_ds (112) perm, segsz @48, atime @56, dtime @64, ctime @72, cpid i32 @80,
//	                 lpid @84, nattch @88, 2 unused
//	msqid64_ds (120) perm, stime @48, rtime @56, ctime @64, cbytes @72, qnum @80,
//	                 qbytes @88, lspid i32 @96, lrpid @100, 2 unused
//	semid64_ds  (88) perm, otime @48, ctime @56, nsems @64, 2 unused
//	sembuf       (6) num u16, op i16, flg i16
//	msgbuf           mtype long @0, mtext @8
//
// The *ctl commands come without IPC_64 (riscv64 has no old ABI to tell
// apart), and a negative id or command is EINVAL, as Linux's ksys_*ctl.

const (
	sizeofIPCPerm  = 48
	sizeofShmidDS  = 112
	sizeofMsqidDS  = 120
	sizeofSemidDS  = 88
	sizeofShminfo  = 72
	sizeofShmInfo  = 48
	sizeofMsginfo  = 32
	sizeofSeminfo  = 40
	sizeofSembuf   = 6
	sizeofMsgMtype = 8
)

func putIPCPerm(b []byte, p *ipc.Perm) {
	le.PutUint32(b[0:], uint32(p.Key))
	le.PutUint32(b[4:], p.UID)
	le.PutUint32(b[8:], p.GID)
	le.PutUint32(b[12:], p.CUID)
	le.PutUint32(b[16:], p.CGID)
	le.PutUint32(b[20:], p.Mode)
	le.PutUint16(b[24:], p.Seq)
}

// permSetArg reads the owner and mode IPC_SET takes from an *id64_ds at
// addr, of size bytes.
func permSetArg(t *kernel.Task, addr uint64, size int) (ipc.PermSet, []byte, abi.Errno) {
	b := make([]byte, size)
	if err := t.MM.CopyIn(addr, b); err != 0 {
		return ipc.PermSet{}, nil, err
	}
	return ipc.PermSet{UID: le.Uint32(b[4:]), GID: le.Uint32(b[8:]), Mode: le.Uint32(b[20:])}, b, 0
}

// copyOutResult writes b to addr and returns v, or EFAULT.
func copyOutResult(t *kernel.Task, addr uint64, b []byte, v int32) (uint64, abi.Errno) {
	if err := t.MM.CopyOut(addr, b); err != 0 {
		return 0, err
	}
	return uint64(v), 0
}

func sysShmget(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	id, err := t.Shmget(ipc.Key(int32(a[0])), a[1], int(int32(a[2])))
	return uint64(id), err
}

func sysShmat(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return t.Shmat(int32(a[0]), a[1], int(int32(a[2])))
}

func sysShmdt(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, t.Shmdt(a[0])
}

// shmctl(2).
func sysShmctl(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	id, cmd, buf := int32(a[0]), int(int32(a[1])), a[2]
	if id < 0 || cmd < 0 {
		return 0, abi.EINVAL
	}
	switch cmd {
	case ipc.IPC_INFO:
		l, idx := t.ShmLimits()
		b := make([]byte, sizeofShminfo)
		for i, v := range []uint64{l.Shmmax, l.Shmmin, l.Shmmni, l.Shmseg, l.Shmall} {
			le.PutUint64(b[8*i:], v)
		}
		return copyOutResult(t, buf, b, idx)
	case ipc.SHM_INFO:
		in, idx := t.ShmInfo()
		b := make([]byte, sizeofShmInfo)
		le.PutUint32(b[0:], uint32(in.UsedIDs))
		le.PutUint64(b[8:], in.ShmTot)
		le.PutUint64(b[16:], in.ShmRss)
		le.PutUint64(b[24:], in.ShmSwp)
		return copyOutResult(t, buf, b, idx)
	case ipc.IPC_STAT, ipc.SHM_STAT, ipc.SHM_STAT_ANY:
		ds, ret, err := t.ShmStat(id, cmd)
		if err != 0 {
			return 0, err
		}
		b := make([]byte, sizeofShmidDS)
		putIPCPerm(b, &ds.Perm)
		le.PutUint64(b[48:], ds.Size)
		le.PutUint64(b[56:], uint64(ds.Atime))
		le.PutUint64(b[64:], uint64(ds.Dtime))
		le.PutUint64(b[72:], uint64(ds.Ctime))
		le.PutUint32(b[80:], uint32(ds.Cpid))
		le.PutUint32(b[84:], uint32(ds.Lpid))
		le.PutUint64(b[88:], ds.Nattch)
		return copyOutResult(t, buf, b, ret)
	case ipc.IPC_SET:
		set, _, err := permSetArg(t, buf, sizeofShmidDS)
		if err != 0 {
			return 0, err
		}
		return 0, t.ShmSet(id, set)
	case ipc.IPC_RMID:
		return 0, t.ShmRemove(id)
	case ipc.SHM_LOCK, ipc.SHM_UNLOCK:
		return 0, t.ShmLock(id, cmd == ipc.SHM_LOCK)
	}
	return 0, abi.EINVAL
}

func sysMsgget(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	id, err := t.Msgget(ipc.Key(int32(a[0])), int(int32(a[1])))
	return uint64(id), err
}

// msgsnd(2): struct msgbuf is {long mtype; char mtext[msgsz]}.
func sysMsgsnd(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	id, msgp, msgsz, flags := int32(a[0]), a[1], a[2], int(int32(a[3]))
	var mt [sizeofMsgMtype]byte
	if err := t.MM.CopyIn(msgp, mt[:]); err != 0 {
		return 0, err
	}
	mtype := int64(le.Uint64(mt[:]))
	if msgsz > uint64(t.MsgMax()) || id < 0 || mtype < 1 {
		return 0, abi.EINVAL
	}
	text := make([]byte, msgsz)
	if err := t.MM.CopyIn(msgp+sizeofMsgMtype, text); err != 0 {
		return 0, err
	}
	return 0, t.Msgsnd(id, mtype, text, flags)
}

// msgrcv(2): the type goes to mtype, at most msgsz bytes of the text to
// mtext; the result is the bytes copied.
func sysMsgrcv(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	id, msgp, msgsz, typ, flags := int32(a[0]), a[1], int64(a[2]), int64(a[3]), int(int32(a[4]))
	if msgsz < 0 {
		return 0, abi.EINVAL
	}
	m, err := t.Msgrcv(id, typ, flags, int(msgsz))
	if err != 0 {
		return 0, err
	}
	var mt [sizeofMsgMtype]byte
	le.PutUint64(mt[:], uint64(m.Type))
	if err := t.MM.CopyOut(msgp, mt[:]); err != 0 {
		return 0, err
	}
	text := m.Text[:min(int64(len(m.Text)), msgsz)]
	if err := t.MM.CopyOut(msgp+sizeofMsgMtype, text); err != 0 {
		return 0, err
	}
	return uint64(len(text)), 0
}

// msgctl(2).
func sysMsgctl(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	id, cmd, buf := int32(a[0]), int(int32(a[1])), a[2]
	if id < 0 || cmd < 0 {
		return 0, abi.EINVAL
	}
	switch cmd {
	case ipc.IPC_INFO, ipc.MSG_INFO:
		mi, idx := t.MsgInfo(cmd == ipc.MSG_INFO)
		b := make([]byte, sizeofMsginfo)
		for i, v := range []int32{mi.Msgpool, mi.Msgmap, mi.Msgmax, mi.Msgmnb, mi.Msgmni, mi.Msgssz, mi.Msgtql} {
			le.PutUint32(b[4*i:], uint32(v))
		}
		le.PutUint16(b[28:], mi.Msgseg)
		return copyOutResult(t, buf, b, idx)
	case ipc.IPC_STAT, ipc.MSG_STAT, ipc.MSG_STAT_ANY:
		ds, ret, err := t.MsgStat(id, cmd)
		if err != 0 {
			return 0, err
		}
		b := make([]byte, sizeofMsqidDS)
		putIPCPerm(b, &ds.Perm)
		le.PutUint64(b[48:], uint64(ds.Stime))
		le.PutUint64(b[56:], uint64(ds.Rtime))
		le.PutUint64(b[64:], uint64(ds.Ctime))
		le.PutUint64(b[72:], ds.Cbytes)
		le.PutUint64(b[80:], ds.Qnum)
		le.PutUint64(b[88:], ds.Qbytes)
		le.PutUint32(b[96:], uint32(ds.Lspid))
		le.PutUint32(b[100:], uint32(ds.Lrpid))
		return copyOutResult(t, buf, b, ret)
	case ipc.IPC_SET:
		set, b, err := permSetArg(t, buf, sizeofMsqidDS)
		if err != 0 {
			return 0, err
		}
		return 0, t.MsgSet(id, set, le.Uint64(b[88:]))
	case ipc.IPC_RMID:
		return 0, t.MsgRemove(id)
	}
	return 0, abi.EINVAL
}

func sysSemget(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	id, err := t.Semget(ipc.Key(int32(a[0])), int(int32(a[1])), int(int32(a[2])))
	return uint64(id), err
}

func sysSemop(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return semtimedop(t, int32(a[0]), a[1], uint32(a[2]), 0)
}

func sysSemtimedop(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return semtimedop(t, int32(a[0]), a[1], uint32(a[2]), a[3])
}

// semtimedop is semop(2) and semtimedop(2), whose timeout (NULL: none)
// is relative, in Linux's order of checks: the timeout's address, the
// count of operations, their address, the timeout's value.
func semtimedop(t *kernel.Task, id int32, sops uint64, nsops uint32, timeout uint64) (uint64, abi.Errno) {
	var ts abi.Timespec
	if timeout != 0 {
		var b [abi.SizeofTimespec]byte
		if err := t.MM.CopyIn(timeout, b[:]); err != 0 {
			return 0, err
		}
		ts = abi.UnmarshalTimespec(b[:])
	}
	if nsops < 1 || id < 0 {
		return 0, abi.EINVAL
	}
	if int(nsops) > t.SemOpMax() {
		return 0, abi.E2BIG
	}
	b := make([]byte, sizeofSembuf*int(nsops))
	if err := t.MM.CopyIn(sops, b); err != 0 {
		return 0, err
	}
	ops := make([]ipc.Sembuf, nsops)
	for i := range ops {
		ops[i] = ipc.Sembuf{Num: le.Uint16(b[6*i:]), Op: int16(le.Uint16(b[6*i+2:])), Flg: int16(le.Uint16(b[6*i+4:]))}
	}
	var deadline time.Time
	if timeout != 0 {
		if ts.Sec < 0 || ts.Nsec < 0 || ts.Nsec >= 1e9 {
			return 0, abi.EINVAL
		}
		deadline = t.Kernel().Now().Add(time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec))
	}
	return 0, t.Semop(id, ops, deadline)
}

// semctl(2): arg is union semun by value, the int val for SETVAL and a
// pointer for the rest.
func sysSemctl(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	id, num, cmd, arg := int32(a[0]), int(int32(a[1])), int(int32(a[2])), a[3]
	if id < 0 {
		return 0, abi.EINVAL
	}
	switch cmd {
	case ipc.IPC_INFO, ipc.SEM_INFO:
		si, idx := t.SemInfo(cmd == ipc.SEM_INFO)
		b := make([]byte, sizeofSeminfo)
		for i, v := range []int32{si.Semmap, si.Semmni, si.Semmns, si.Semmnu, si.Semmsl, si.Semopm, si.Semume, si.Semusz, si.Semvmx, si.Semaem} {
			le.PutUint32(b[4*i:], uint32(v))
		}
		return copyOutResult(t, arg, b, idx)
	case ipc.IPC_STAT, ipc.SEM_STAT, ipc.SEM_STAT_ANY:
		ds, ret, err := t.SemStat(id, cmd)
		if err != 0 {
			return 0, err
		}
		b := make([]byte, sizeofSemidDS)
		putIPCPerm(b, &ds.Perm)
		le.PutUint64(b[48:], uint64(ds.Otime))
		le.PutUint64(b[56:], uint64(ds.Ctime))
		le.PutUint64(b[64:], ds.Nsems)
		return copyOutResult(t, arg, b, ret)
	case ipc.GETVAL, ipc.GETPID, ipc.GETNCNT, ipc.GETZCNT:
		v, err := t.SemCtl(id, num, cmd)
		return uint64(v), err
	case ipc.GETALL:
		vals, err := t.SemGetAll(id)
		if err != 0 {
			return 0, err
		}
		b := make([]byte, 2*len(vals))
		for i, v := range vals {
			le.PutUint16(b[2*i:], v)
		}
		return copyOutResult(t, arg, b, 0)
	case ipc.SETALL:
		n, err := t.SemCount(id, true)
		if err != 0 {
			return 0, err
		}
		b := make([]byte, 2*n)
		if err := t.MM.CopyIn(arg, b); err != 0 {
			return 0, err
		}
		vals := make([]uint16, n)
		for i := range vals {
			vals[i] = le.Uint16(b[2*i:])
		}
		return 0, t.SemSetAll(id, vals)
	case ipc.SETVAL:
		return 0, t.SemSetVal(id, num, int(int32(arg)))
	case ipc.IPC_SET:
		set, _, err := permSetArg(t, arg, sizeofSemidDS)
		if err != 0 {
			return 0, err
		}
		return 0, t.SemSetPerm(id, set)
	case ipc.IPC_RMID:
		return 0, t.SemRemove(id)
	}
	return 0, abi.EINVAL
}
