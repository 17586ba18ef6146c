package ipc

import "vessel/internal/abi"

// IPCMNI is the multiplier of an id's sequence number: id = index +
// seq*IPCMNI (Linux's IPCMNI, 1<<15, without ipcmni_extend).
const IPCMNI = 32768

const (
	ipcMinCycle = 64               // Linux's ipc_min_cycle (RADIX_TREE_MAP_SIZE)
	ipcSeqMax   = 1<<31/IPCMNI - 1 // Linux's ipcid_seq_max: INT_MAX >> IPCMNI_SHIFT
)

// object is a segment, a message queue or a semaphore set.
type object interface {
	ipcPerm() *Perm
}

// ids is one kind's table of objects: Linux's struct ipc_ids with its idr
// and key hash.
type ids struct {
	objs    []object       // by index; nil where free
	byKey   map[Key]object // objects whose key is not IPC_PRIVATE
	inUse   int
	seq     int // the sequence number of the next object
	lastIdx int // the index used last, -1 at first
	next    int // where the cyclic search for a free index starts
	mni     int // the most objects the table holds (shmmni, msgmni, semmni)
}

func newIDs(mni int) ids {
	return ids{byKey: map[Key]object{}, lastIdx: -1, mni: mni}
}

// add gives o an index and an id and puts it in the table under key, as
// Linux's ipc_addid with ipc_idr_alloc: ENOSPC when the table is full.
func (s *ids) add(o object, key Key) abi.Errno {
	if s.inUse >= s.mni {
		return abi.ENOSPC
	}
	limit := min(max(s.inUse*3/2, ipcMinCycle), s.mni)
	idx := s.freeIndex(s.next, limit)
	if idx < 0 {
		idx = s.freeIndex(0, limit)
	}
	if idx < 0 {
		return abi.ENOSPC
	}
	s.next = idx + 1
	if idx <= s.lastIdx {
		if s.seq++; s.seq >= ipcSeqMax {
			s.seq = 0
		}
	}
	s.lastIdx = idx
	for len(s.objs) <= idx {
		s.objs = append(s.objs, nil)
	}
	s.objs[idx] = o
	s.inUse++
	p := o.ipcPerm()
	p.Key = key
	p.Seq = uint16(s.seq)
	p.ID = int32(idx + s.seq*IPCMNI)
	if key != IPC_PRIVATE {
		s.byKey[key] = o
	}
	return 0
}

// full reports whether the table holds as many objects as it may: a new
// one is ENOSPC (Linux's ipc_addid).
func (s *ids) full() bool { return s.inUse >= s.mni }

// freeIndex returns the lowest free index in [from, limit), or -1.
func (s *ids) freeIndex(from, limit int) int {
	for i := from; i < limit; i++ {
		if i >= len(s.objs) || s.objs[i] == nil {
			return i
		}
	}
	return -1
}

// remove takes o out of the table: its id and key name nothing from now
// on.
func (s *ids) remove(o object) {
	p := o.ipcPerm()
	idx := int(p.ID % IPCMNI)
	if idx < len(s.objs) && s.objs[idx] == o {
		s.objs[idx] = nil
		s.inUse--
	}
	s.forgetKey(o)
	p.removed = true
	for len(s.objs) > 0 && s.objs[len(s.objs)-1] == nil {
		s.objs = s.objs[:len(s.objs)-1]
	}
}

// forgetKey makes o's key IPC_PRIVATE, so that no lookup by key finds it
// (Linux's ipc_set_key_private).
func (s *ids) forgetKey(o object) {
	p := o.ipcPerm()
	if p.Key != IPC_PRIVATE && s.byKey[p.Key] == o {
		delete(s.byKey, p.Key)
	}
	p.Key = IPC_PRIVATE
}

// find returns the object with the given id: EINVAL for a negative id, a
// free index or a stale sequence number (Linux's ipc_obtain_object_check).
func (s *ids) find(id int32) (object, abi.Errno) {
	if id < 0 {
		return nil, abi.EINVAL
	}
	o := s.at(int(id % IPCMNI))
	if o == nil || o.ipcPerm().ID != id {
		return nil, abi.EINVAL
	}
	return o, 0
}

// at returns the object at index idx, or nil (*_STAT's lookup, Linux's
// ipc_obtain_object_idr; the index is taken modulo IPCMNI as there).
func (s *ids) at(idx int) object {
	idx %= IPCMNI
	if idx < 0 || idx >= len(s.objs) {
		return nil
	}
	return s.objs[idx]
}

// maxIdx is Linux's ipc_get_maxidx: the highest index in use, -1 for
// none; what IPC_INFO and *_INFO return.
func (s *ids) maxIdx() int {
	if s.inUse == 0 {
		return -1
	}
	if s.inUse == s.mni {
		return s.mni - 1
	}
	return len(s.objs) - 1
}

// each calls fn on every object in index order.
func (s *ids) each(fn func(object)) {
	for _, o := range s.objs {
		if o != nil {
			fn(o)
		}
	}
}

// get is the lookup and creation that every *get call shares, Linux's
// ipcget: IPC_PRIVATE always makes a new object; another key finds its
// object, or makes one with IPC_CREAT (else ENOENT), and an object found
// with IPC_CREAT|IPC_EXCL is EEXIST. check runs on an object found, for
// the size checks and the permission (flags' low bits), and make creates
// one, checking full() after its own checks and before it changes
// anything. It returns the object's id.
func (s *ids) get(c *Caller, key Key, flags int, check func(object) abi.Errno, make func() (object, abi.Errno)) (int32, abi.Errno) {
	if key != IPC_PRIVATE {
		if o := s.byKey[key]; o != nil {
			if flags&IPC_CREAT != 0 && flags&IPC_EXCL != 0 {
				return 0, abi.EEXIST
			}
			if err := check(o); err != 0 {
				return 0, err
			}
			if !o.ipcPerm().permits(c, uint32(flags)&S_IRWXUGO) {
				return 0, abi.EACCES
			}
			return o.ipcPerm().ID, 0
		}
		if flags&IPC_CREAT == 0 {
			return 0, abi.ENOENT
		}
	}
	o, err := make()
	if err != 0 {
		return 0, err
	}
	p := o.ipcPerm()
	p.UID, p.CUID = c.EUID, c.EUID
	p.GID, p.CGID = c.EGID, c.EGID
	p.Mode = uint32(flags) & S_IRWXUGO
	if err := s.add(o, key); err != 0 {
		return 0, err
	}
	return p.ID, 0
}
