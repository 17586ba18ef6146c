package ipc

import (
	"vessel/internal/abi"
)

// System V shared memory: limits, flags and commands (Linux's
// include/uapi/linux/shm.h; riscv64's SHMLBA is the page size).
const (
	SHMMIN = 1
	SHMMNI = 4096
	SHMMAX = ^uint64(0) - 1<<24
	SHMALL = ^uint64(0) - 1<<24
	SHMLBA = abi.PageSize

	SHM_HUGETLB = 0o4000   // shmget: huge pages (none are reserved: ENOMEM)
	SHM_RDONLY  = 0o10000  // shmat: read-only
	SHM_RND     = 0o20000  // shmat: round the address down to SHMLBA
	SHM_REMAP   = 0o40000  // shmat: replace what is mapped there
	SHM_EXEC    = 0o100000 // shmat: executable

	SHM_DEST   = 0o1000 // mode: removed, destroyed at the last detach
	SHM_LOCKED = 0o2000 // mode: SHM_LOCK'ed

	SHM_LOCK     = 11
	SHM_UNLOCK   = 12
	SHM_STAT     = 13
	SHM_INFO     = 14
	SHM_STAT_ANY = 15
)

// Memory is a segment's pages. The kernel makes it when the segment is
// made (see ShmGet), maps it into the address spaces that attach it, and
// frees it in Release, which the namespace calls when the segment is
// destroyed.
type Memory interface {
	// Resident is the number of pages materialised so far.
	Resident() uint64
	// Release frees the pages: the segment is gone and nothing maps it.
	// It is called with the namespace's lock held.
	Release()
}

// Segment is a System V shared memory segment: Linux's struct
// shmid_kernel. Nattch counts the mappings of it, which the kernel reports
// with Attached and Detached as they come and go, and with SetNattch when
// it has counted them.
type Segment struct {
	Perm
	Size   uint64 // bytes, as shmget asked
	Atime  int64  // last attach
	Dtime  int64  // last detach
	Ctime  int64  // creation or last IPC_SET
	Cpid   int32  // creator
	Lpid   int32  // last to attach or detach
	Nattch uint64
	Mem    Memory

	lockUID uint32 // SHM_LOCKED: whose RLIMIT_MEMLOCK it is charged to
}

// ShmidDS is what IPC_STAT reports: struct shmid64_ds.
type ShmidDS struct {
	Perm   Perm
	Size   uint64
	Atime  int64
	Dtime  int64
	Ctime  int64
	Cpid   int32
	Lpid   int32
	Nattch uint64
}

// Shminfo is IPC_INFO's answer: struct shminfo64.
type Shminfo struct {
	Shmmax, Shmmin, Shmmni, Shmseg, Shmall uint64
}

// ShmInfo is SHM_INFO's answer: struct shm_info (sizes in pages).
type ShmInfo struct {
	UsedIDs int32
	ShmTot  uint64
	ShmRss  uint64
	ShmSwp  uint64
}

func pages(size uint64) uint64 { return (size + abi.PageSize - 1) / abi.PageSize }

// ShmGet is shmget(2): the id of the segment key names, made with size
// bytes when IPC_CREAT asks or key is IPC_PRIVATE. newMem makes a new
// segment's Memory. EINVAL for a size out of [SHMMIN, ShmMax] or larger
// than an existing segment's; ENOSPC past ShmAll or SHMMNI; plus ipcget's
// errors (ENOENT, EEXIST, EACCES).
func (ns *Namespace) ShmGet(c *Caller, key Key, size uint64, flags int, newMem func(size uint64) (Memory, abi.Errno)) (int32, abi.Errno) {
	check := func(o object) abi.Errno {
		if o.(*Segment).Size < size {
			return abi.EINVAL
		}
		return 0
	}
	make := func() (object, abi.Errno) {
		if size < SHMMIN || size > ns.ShmMax {
			return nil, abi.EINVAL
		}
		n := pages(size)
		if n == 0 || ns.shmTot+n < ns.shmTot || ns.shmTot+n > ns.ShmAll {
			return nil, abi.ENOSPC
		}
		if flags&SHM_HUGETLB != 0 {
			return nil, abi.ENOMEM // no huge pages reserved (vm.nr_hugepages = 0)
		}
		if ns.shm.full() {
			return nil, abi.ENOSPC
		}
		mem, err := newMem(size)
		if err != 0 {
			return nil, err
		}
		ns.shmTot += n
		return &Segment{Size: size, Cpid: c.Pid, Ctime: c.time(), Mem: mem}, 0
	}
	return ns.shm.get(c, key, flags, check, make)
}

// Segment returns the segment with the given id: EINVAL if there is none.
// A segment removed while attached (SHM_DEST) is still found by its id.
func (ns *Namespace) Segment(id int32) (*Segment, abi.Errno) {
	o, err := ns.shm.find(id)
	if err != 0 {
		return nil, err
	}
	return o.(*Segment), 0
}

// ShmAttach is shmat(2)'s check: the segment with the given id, if c may
// map it as flags ask (SHM_RDONLY: read; SHM_EXEC: also execute; else
// read and write). EINVAL, EACCES. The caller maps it and calls Attached.
func (ns *Namespace) ShmAttach(c *Caller, id int32, flags int) (*Segment, abi.Errno) {
	s, err := ns.Segment(id)
	if err != 0 {
		return nil, err
	}
	acc := uint32(S_IRUGO | S_IWUGO)
	if flags&SHM_RDONLY != 0 {
		acc = S_IRUGO
	}
	if flags&SHM_EXEC != 0 {
		acc |= S_IXUGO
	}
	if !s.permits(c, acc) {
		return nil, abi.EACCES
	}
	return s, 0
}

// Attached counts a new attachment of s by c: an shmat, or a fork that
// copies one (then c is the parent, as in Linux's shm_open).
func (s *Segment) Attached(c *Caller) {
	s.Nattch++
	s.Atime = c.time()
	s.Lpid = c.Pid
}

// Detached uncounts an attachment of s, which c's shmdt, munmap, exec or
// exit ended; the last one destroys a segment removed with IPC_RMID.
func (ns *Namespace) Detached(s *Segment, c *Caller) {
	if s.Nattch > 0 {
		s.Nattch--
	}
	s.Dtime = c.time()
	s.Lpid = c.Pid
	ns.shmMayDestroy(s)
}

// SetNattch sets s's attach count to n, the mappings of it the kernel
// counted; a removed segment left with none is destroyed.
func (ns *Namespace) SetNattch(s *Segment, n uint64) {
	s.Nattch = n
	ns.shmMayDestroy(s)
}

// shmMayDestroy destroys s if it is removed and unattached (Linux's
// shm_may_destroy and shm_destroy).
func (ns *Namespace) shmMayDestroy(s *Segment) {
	if s.Nattch != 0 || s.Mode&SHM_DEST == 0 || s.removed {
		return
	}
	ns.shmTot -= pages(s.Size)
	ns.shm.remove(s)
	if s.Mode&SHM_LOCKED != 0 {
		ns.shmLock[s.lockUID] -= pages(s.Size)
	}
	s.Mem.Release()
}

// ShmStat is shmctl IPC_STAT, SHM_STAT and SHM_STAT_ANY: the segment's
// shmid64_ds, and the id for the *_STAT forms, which take an index
// instead of an id. EINVAL, EACCES (not for SHM_STAT_ANY).
func (ns *Namespace) ShmStat(c *Caller, id int32, cmd int) (ShmidDS, int32, abi.Errno) {
	var s *Segment
	ret := int32(0)
	if cmd == IPC_STAT {
		var err abi.Errno
		if s, err = ns.Segment(id); err != 0 {
			return ShmidDS{}, 0, err
		}
	} else {
		o := ns.shm.at(int(id))
		if id < 0 || o == nil {
			return ShmidDS{}, 0, abi.EINVAL
		}
		s = o.(*Segment)
		ret = s.ID
	}
	if cmd != SHM_STAT_ANY && !s.permits(c, S_IRUGO) {
		return ShmidDS{}, 0, abi.EACCES
	}
	return ShmidDS{Perm: s.Perm, Size: s.Size, Atime: s.Atime, Dtime: s.Dtime, Ctime: s.Ctime,
		Cpid: s.Cpid, Lpid: s.Lpid, Nattch: s.Nattch}, ret, 0
}

// ShmSet is shmctl IPC_SET: the owner and mode. EINVAL, EPERM unless c is
// the owner or creator or has CAP_SYS_ADMIN.
func (ns *Namespace) ShmSet(c *Caller, id int32, set PermSet) abi.Errno {
	s, err := ns.Segment(id)
	if err != 0 {
		return err
	}
	if !s.controls(c) {
		return abi.EPERM
	}
	if !s.set(set) {
		return abi.EINVAL
	}
	s.Ctime = c.time()
	return 0
}

// ShmRemove is shmctl IPC_RMID: an unattached segment is destroyed now;
// an attached one is marked SHM_DEST, its key forgotten, and destroyed at
// its last detach. EINVAL, EPERM.
func (ns *Namespace) ShmRemove(c *Caller, id int32) abi.Errno {
	s, err := ns.Segment(id)
	if err != 0 {
		return err
	}
	if !s.controls(c) {
		return abi.EPERM
	}
	s.Mode |= SHM_DEST
	ns.shm.forgetKey(s)
	ns.shmMayDestroy(s)
	return 0
}

// ShmLock is shmctl SHM_LOCK (lock) and SHM_UNLOCK: it sets or clears
// SHM_LOCKED. vessel never swaps, so locking changes nothing else, but
// the checks are Linux's: without CAP_IPC_LOCK, EPERM unless c owns or
// created the segment, EPERM to lock with RLIMIT_MEMLOCK 0, and ENOMEM
// when the locked segments charged to c's uid would pass RLIMIT_MEMLOCK.
func (ns *Namespace) ShmLock(c *Caller, id int32, lock bool) abi.Errno {
	s, err := ns.Segment(id)
	if err != 0 {
		return err
	}
	if !c.has(CAP_IPC_LOCK) {
		if c.EUID != s.UID && c.EUID != s.CUID {
			return abi.EPERM
		}
		if lock && c.Memlock == 0 {
			return abi.EPERM
		}
	}
	n := pages(s.Size)
	switch {
	case lock && s.Mode&SHM_LOCKED == 0:
		if ns.shmLock[c.UID]+n > c.Memlock/abi.PageSize && c.Memlock != ^uint64(0) && !c.has(CAP_IPC_LOCK) {
			return abi.ENOMEM
		}
		ns.shmLock[c.UID] += n
		s.lockUID = c.UID
		s.Mode |= SHM_LOCKED
	case !lock && s.Mode&SHM_LOCKED != 0:
		ns.shmLock[s.lockUID] -= n
		s.Mode &^= SHM_LOCKED
	}
	return 0
}

// ShmLimits is shmctl IPC_INFO: the limits, and the highest index in use
// (0 for none).
func (ns *Namespace) ShmLimits() (Shminfo, int32) {
	return Shminfo{Shmmax: ns.ShmMax, Shmmin: SHMMIN, Shmmni: SHMMNI, Shmseg: SHMMNI, Shmall: ns.ShmAll},
		int32(max(ns.shm.maxIdx(), 0))
}

// ShmInfo is shmctl SHM_INFO: the segments in use, their pages and those
// resident, and the highest index in use (0 for none).
func (ns *Namespace) ShmInfo() (ShmInfo, int32) {
	info := ShmInfo{UsedIDs: int32(ns.shm.inUse), ShmTot: ns.shmTot}
	for _, s := range ns.Segments() {
		info.ShmRss += s.Mem.Resident()
	}
	return info, int32(max(ns.shm.maxIdx(), 0))
}

// Segments lists the segments in index order.
func (ns *Namespace) Segments() []*Segment {
	var out []*Segment
	ns.shm.each(func(o object) { out = append(out, o.(*Segment)) })
	return out
}
