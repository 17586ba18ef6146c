package ipc

import "slices"

// Key is a System V IPC key (key_t): what ftok(3) makes of a path and a
// project id, or IPC_PRIVATE.
type Key int32

// Flags and commands shared by the System V calls (Linux's
// include/uapi/linux/ipc.h).
const (
	IPC_PRIVATE Key = 0

	IPC_CREAT  = 0o1000 // create the object if the key has none
	IPC_EXCL   = 0o2000 // with IPC_CREAT: fail with EEXIST if it exists
	IPC_NOWAIT = 0o4000 // fail rather than wait

	IPC_RMID = 0 // remove
	IPC_SET  = 1 // set owner and mode (and msg_qbytes)
	IPC_STAT = 2 // read the *id_ds structure
	IPC_INFO = 3 // read the limits
)

// Permission bits as ipcperms takes them (S_IRUGO, S_IWUGO, S_IXUGO).
const (
	S_IRUGO   = 0o444
	S_IWUGO   = 0o222
	S_IXUGO   = 0o111
	S_IRWXUGO = 0o777
)

// Cap is a set of the capabilities that IPC checks. vessel has no
// capability sets yet: the kernel grants all of these to effective uid 0,
// as Linux does to root.
type Cap uint8

const (
	CAP_IPC_OWNER    Cap = 1 << iota // bypass the permission bits of System V objects
	CAP_SYS_ADMIN                    // IPC_SET and IPC_RMID on another user's object
	CAP_SYS_RESOURCE                 // raise msg_qbytes; POSIX queues past the sysctl limits
	CAP_IPC_LOCK                     // SHM_LOCK another user's segment, past RLIMIT_MEMLOCK
	CAP_DAC_OVERRIDE                 // open any POSIX queue
	CAP_FOWNER                       // unlink another user's POSIX queue
)

// Caller is who makes an IPC call and when: the credentials the checks
// use, the limits that apply, the ids that objects record and the wall
// clock in seconds for their times. A Caller serves one call.
type Caller struct {
	Pid, Tid    int32 // thread group id (recorded as lspid, sempid, ...), and thread id
	UID, EUID   uint32
	FSUID       uint32
	EGID, FSGID uint32
	Groups      []uint32
	Caps        Cap
	Umask       uint32 // applied to the mode of a new POSIX queue
	Memlock     uint64 // RLIMIT_MEMLOCK's soft limit, in bytes
	Msgqueue    uint64 // RLIMIT_MSGQUEUE's soft limit, in bytes

	// Now is the wall clock in seconds since the epoch; if Clock is set,
	// it is read from Clock the first time a call needs it.
	Now     int64
	Clock   func() int64
	nowRead bool
}

// time is the wall clock of the call, in seconds.
func (c *Caller) time() int64 {
	if c.Clock != nil && !c.nowRead {
		c.Now, c.nowRead = c.Clock(), true
	}
	return c.Now
}

func (c *Caller) has(cap Cap) bool { return c.Caps&cap != 0 }

// inGroup is Linux's in_group_p: the filesystem gid or a supplementary
// group.
func (c *Caller) inGroup(gid uint32) bool {
	return c.FSGID == gid || slices.Contains(c.Groups, gid)
}

// Perm is an object's identity, owner and mode: Linux's struct
// kern_ipc_perm. Mode holds the permission bits, and for a shared memory
// segment SHM_DEST and SHM_LOCKED.
type Perm struct {
	Key  Key
	ID   int32  // index + Seq*IPCMNI
	Seq  uint16 // the table's sequence number when the object was made
	UID  uint32 // owner
	GID  uint32
	CUID uint32 // creator
	CGID uint32
	Mode uint32

	removed bool
}

func (p *Perm) ipcPerm() *Perm { return p }

// Removed reports whether the object is gone from its table (IPC_RMID,
// or a segment's last detach after it).
func (p *Perm) Removed() bool { return p.removed }

// permits is Linux's ipcperms: whether c may access p as flag asks
// (S_IRUGO, S_IWUGO, or both). The owner's bits apply when c's effective
// uid is the owner's or the creator's, the group's when c is in the
// owner's or the creator's group, the others' bits otherwise;
// CAP_IPC_OWNER overrides them.
func (p *Perm) permits(c *Caller, flag uint32) bool {
	requested := flag>>6 | flag>>3 | flag
	granted := p.Mode
	switch {
	case c.EUID == p.CUID || c.EUID == p.UID:
		granted >>= 6
	case c.inGroup(p.CGID) || c.inGroup(p.GID):
		granted >>= 3
	}
	return requested&^granted&7 == 0 || c.has(CAP_IPC_OWNER)
}

// controls is Linux's ipcctl_obtain_check: whether c may IPC_SET or
// IPC_RMID p, as its owner, its creator or with CAP_SYS_ADMIN.
func (p *Perm) controls(c *Caller) bool {
	return c.EUID == p.CUID || c.EUID == p.UID || c.has(CAP_SYS_ADMIN)
}

// PermSet is what IPC_SET changes: the owner and the permission bits.
type PermSet struct {
	UID, GID uint32
	Mode     uint32
}

// invalidID is the uid and gid that no user has ((uid_t)-1): IPC_SET
// refuses it (Linux's uid_valid).
const invalidID = ^uint32(0)

// set applies s to p, as Linux's ipc_update_perm: EINVAL for an invalid
// uid or gid.
func (p *Perm) set(s PermSet) bool {
	if s.UID == invalidID || s.GID == invalidID {
		return false
	}
	p.UID, p.GID = s.UID, s.GID
	p.Mode = p.Mode&^S_IRWXUGO | s.Mode&S_IRWXUGO
	return true
}
