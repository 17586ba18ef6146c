package kernel

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"vessel/internal/abi"
	"vessel/internal/ipc"
	"vessel/internal/mm"
)

// System V shared memory. A segment's pages are those of a file of zeros
// (shmMem) that mm's page cache keeps under a key of the segment's own,
// so that every MAP_SHARED mapping of it, in any address space, maps the
// same frames. The page cache drops a file's pages when its last mapping
// goes, but a segment keeps its contents while nothing is attached: so
// the segment maps its first page into an address space of its own (the
// holder), which holds the cache entry until the segment is destroyed.
//
// nattch counts mappings, as Linux's does (shm_open and shm_close are its
// VMA open and close): an shmat makes one, a fork copies them, shmdt,
// exit and exec remove them, and a munmap, mremap, mprotect split or
// MAP_FIXED changes them too. vessel sees the calls of its own (shmat,
// shmdt, fork, exit, exec) as they happen and counts the rest when it
// next looks at the segment: each segment knows the address spaces that
// may map it and counts their VMAs over its pages (shmCountLocked).

// shmCacheKey is a segment's page-cache key: unique to the segment.
type shmCacheKey struct{ n uint64 }

var shmKeys atomic.Uint64

// shmMem is a segment's memory: an mm.KeyedFile of zeros, and the address
// spaces that map it. It is ipc's Memory for the segment.
type shmMem struct {
	n      *ipcNamespace
	seg    *ipc.Segment // set once the segment is made; guarded by Kernel.mu
	size   uint64
	name   string
	key    shmCacheKey
	holder *mm.AddressSpace
	obj    any // the page-cache entry, as mm.AddressSpace.SharedKey names it

	spaces map[*mm.AddressSpace]bool // guarded by Kernel.mu: those that may map it

	mu       sync.Mutex        // a leaf lock: mm reads pages with its own locks held
	read     map[uint64]uint64 // guarded by mu: bitmaps of the pages the cache has read (made), by page/64
	resident uint64            // guarded by mu: the bits set in read
}

// newShmMem makes the memory of a new segment of size bytes with the given
// key (which names it in /proc/PID/maps, as Linux's "SYSV%08x").
func (n *ipcNamespace) newShmMem(size uint64, key ipc.Key) (*shmMem, abi.Errno) {
	if size > mm.MaxAddr {
		return nil, abi.ENOMEM // larger than any address space could attach
	}
	m := &shmMem{n: n, size: size, name: fmt.Sprintf("/SYSV%08x (deleted)", uint32(key)),
		key: shmCacheKey{shmKeys.Add(1)}, holder: mm.NewAddressSpace(),
		spaces: map[*mm.AddressSpace]bool{}}
	addr, err := m.holder.Mmap(0, abi.PageSize, abi.PROT_READ, abi.MAP_SHARED, m, 0)
	if err != 0 {
		return nil, err
	}
	m.obj, _, _ = m.holder.SharedKey(addr)
	return m, 0
}

// ReadAt gives a page of zeros: a segment's pages start empty. mm reads
// each page once, when it first makes it; the count of pages read is the
// segment's resident size.
func (m *shmMem) ReadAt(p []byte, off int64) (int, error) {
	clear(p)
	page := uint64(off) / abi.PageSize
	m.mu.Lock()
	if m.read == nil {
		m.read = map[uint64]uint64{}
	}
	if w, bit := m.read[page/64], uint64(1)<<(page%64); w&bit == 0 {
		m.read[page/64] = w | bit
		m.resident++
	}
	m.mu.Unlock()
	return len(p), nil
}

func (m *shmMem) Size() int64   { return int64(m.size) }
func (m *shmMem) Name() string  { return m.name }
func (m *shmMem) CacheKey() any { return m.key }

// Resident is the number of pages the segment has materialised.
func (m *shmMem) Resident() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.resident
}

// Release frees the segment's pages (the holder's mapping was the last)
// and forgets the segment.
//
// Preconditions: Kernel.mu is held (ipc calls it so).
func (m *shmMem) Release() {
	for as := range m.spaces {
		m.n.shmForgetLocked(m, as)
	}
	delete(m.n.shmByObj, m.obj)
	m.holder.Release()
}

// vmas counts the VMAs of as that map m.
func (m *shmMem) vmas(as *mm.AddressSpace) int {
	n := 0
	for _, r := range as.Regions() {
		if r.Shared && r.Name == m.name {
			if obj, _, err := as.SharedKey(r.Start); err == 0 && obj == m.obj {
				n++
			}
		}
	}
	return n
}

// shmCountLocked recounts s's mappings in the address spaces that may
// map it, forgetting those that no longer do, and sets its nattch; a
// removed segment left with none is destroyed. Mappings that went
// without a call vessel saw (munmap, MAP_FIXED) leave the segment's last
// pid and times as they were.
//
// Preconditions: Kernel.mu is held.
func (n *ipcNamespace) shmCountLocked(s *ipc.Segment) {
	m := s.Mem.(*shmMem)
	total := 0
	for as := range m.spaces {
		c := m.vmas(as)
		if c == 0 {
			n.shmForgetLocked(m, as)
		}
		total += c
	}
	n.ns.SetNattch(s, uint64(total))
}

// shmForgetLocked records that as no longer maps m.
//
// Preconditions: Kernel.mu is held.
func (n *ipcNamespace) shmForgetLocked(m *shmMem, as *mm.AddressSpace) {
	delete(m.spaces, as)
	n.attached[as] = slices.DeleteFunc(n.attached[as], func(x *shmMem) bool { return x == m })
	if len(n.attached[as]) == 0 {
		delete(n.attached, as)
	}
}

// shmMapsLocked records that as may map m.
//
// Preconditions: Kernel.mu is held.
func (n *ipcNamespace) shmMapsLocked(m *shmMem, as *mm.AddressSpace) {
	if !m.spaces[as] {
		m.spaces[as] = true
		n.attached[as] = append(n.attached[as], m)
	}
}

// Shmget is shmget(2).
func (t *Task) Shmget(key ipc.Key, size uint64, flags int) (int32, abi.Errno) {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	n := t.ipcNS()
	var made *shmMem
	id, err := n.ns.ShmGet(t.ipcCaller(), key, size, flags, func(size uint64) (ipc.Memory, abi.Errno) {
		m, err := n.newShmMem(size, key)
		made = m
		return m, err
	})
	if err == 0 && made != nil {
		made.seg, _ = n.ns.Segment(id)
		n.shmByObj[made.obj] = made
	}
	return id, err
}

// Shmat is shmat(2): it maps the segment id at addr (0: where mm
// chooses; with SHM_RND rounded down to SHMLBA, else it must be aligned)
// and returns the address. Without SHM_REMAP a range already mapped is
// EINVAL; SHM_RDONLY maps it read-only, SHM_EXEC executable. EINVAL,
// EACCES, ENOMEM.
func (t *Task) Shmat(id int32, addr uint64, flags int) (uint64, abi.Errno) {
	if id < 0 {
		return 0, abi.EINVAL
	}
	mflags := abi.MAP_SHARED
	if addr != 0 {
		if addr&(ipc.SHMLBA-1) != 0 {
			if flags&ipc.SHM_RND == 0 {
				return 0, abi.EINVAL
			}
			addr &^= ipc.SHMLBA - 1
			if addr == 0 && flags&ipc.SHM_REMAP != 0 {
				return 0, abi.EINVAL
			}
		}
		mflags |= abi.MAP_FIXED
	} else if flags&ipc.SHM_REMAP != 0 {
		return 0, abi.EINVAL
	}
	prot := abi.PROT_READ | abi.PROT_WRITE
	if flags&ipc.SHM_RDONLY != 0 {
		prot = abi.PROT_READ
	}
	if flags&ipc.SHM_EXEC != 0 {
		prot |= abi.PROT_EXEC
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	n := t.ipcNS()
	c := t.ipcCaller()
	seg, err := n.ns.ShmAttach(c, id, flags)
	if err != 0 {
		return 0, err
	}
	m := seg.Mem.(*shmMem)
	if addr != 0 && flags&ipc.SHM_REMAP == 0 {
		if addr+seg.Size < addr {
			return 0, abi.EINVAL
		}
		mflags = mflags&^abi.MAP_FIXED | abi.MAP_FIXED_NOREPLACE
	}
	a, err := t.MM.Mmap(addr, seg.Size, prot, mflags, m, 0)
	if err == abi.EEXIST {
		return 0, abi.EINVAL // Linux's find_vma_intersection check
	}
	if err != 0 {
		return 0, err
	}
	n.shmMapsLocked(m, t.MM)
	seg.Attached(c)
	// SHM_REMAP may have replaced mappings of this or other segments.
	for _, x := range slices.Clone(n.attached[t.MM]) {
		n.shmCountLocked(x.seg)
	}
	return a, 0
}

// Shmdt is shmdt(2), as Linux's: from addr on, the first VMA of a segment
// that maps it at its offset from addr (the attachment, or what a munmap
// or mprotect left of it) is unmapped, and with it every other VMA of
// that segment so placed within the segment's size of addr. EINVAL when
// addr is not page-aligned or there is none.
func (t *Task) Shmdt(addr uint64) abi.Errno {
	if addr&(abi.PageSize-1) != 0 {
		return abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	n := t.ipcNS()
	var m *shmMem
	var limit uint64
	unmapped := 0
	for _, r := range t.MM.Regions() {
		if r.Start < addr {
			continue
		}
		if m != nil && r.End-addr > limit {
			break
		}
		if !r.Shared {
			continue
		}
		obj, off, err := t.MM.SharedKey(r.Start)
		x := n.shmByObj[obj]
		if err != 0 || x == nil || off != r.Start-addr || m != nil && x != m {
			continue
		}
		if m == nil {
			m, limit = x, (x.size+abi.PageSize-1)&^(abi.PageSize-1)
		}
		t.MM.Munmap(r.Start, r.End-r.Start)
		unmapped++
	}
	if m == nil {
		return abi.EINVAL
	}
	c := t.ipcCaller()
	for range unmapped {
		n.ns.Detached(m.seg, c)
	}
	if !m.seg.Removed() {
		n.shmCountLocked(m.seg)
	}
	return 0
}

// shmForkLocked counts the mappings of t's segments that as, the address
// space a fork made from t's, inherited (not those MADV_DONTFORK left
// out): each is one more attachment, made by t (Linux's shm_open from
// dup_mmap).
//
// Preconditions: Kernel.mu is held.
func (n *ipcNamespace) shmForkLocked(t *Task, as *mm.AddressSpace) {
	ms := n.attached[t.MM]
	if len(ms) == 0 {
		return
	}
	c := t.ipcCaller()
	for _, m := range slices.Clone(ms) {
		v := m.vmas(as)
		if v == 0 {
			continue
		}
		n.shmMapsLocked(m, as)
		for range v {
			m.seg.Attached(c)
		}
	}
}

// shmDetachAllLocked counts out every mapping of a segment in as, which
// is going away (exit, exec): t's, as Linux's shm_close from exit_mmap.
//
// Preconditions: Kernel.mu is held.
func (n *ipcNamespace) shmDetachAllLocked(t *Task, as *mm.AddressSpace) {
	ms := n.attached[as]
	if len(ms) == 0 {
		return
	}
	c := t.ipcCaller()
	for _, m := range slices.Clone(ms) {
		v := m.vmas(as)
		n.shmForgetLocked(m, as)
		for range v {
			n.ns.Detached(m.seg, c)
		}
	}
}

// ShmStat is shmctl(2) IPC_STAT, SHM_STAT and SHM_STAT_ANY.
func (t *Task) ShmStat(id int32, cmd int) (ipc.ShmidDS, int32, abi.Errno) {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	n := t.ipcNS()
	c := t.ipcCaller()
	var s *ipc.Segment
	if cmd == ipc.IPC_STAT {
		s, _ = n.ns.Segment(id)
	} else {
		s = n.segmentAt(id)
	}
	if s != nil {
		n.shmCountLocked(s)
	}
	return n.ns.ShmStat(c, id, cmd)
}

// segmentAt is the segment at index idx, or nil.
//
// Preconditions: Kernel.mu is held.
func (n *ipcNamespace) segmentAt(idx int32) *ipc.Segment {
	if idx < 0 {
		return nil
	}
	for _, s := range n.ns.Segments() {
		if s.ID%ipc.IPCMNI == idx%ipc.IPCMNI {
			return s
		}
	}
	return nil
}

// ShmSet is shmctl(2) IPC_SET.
func (t *Task) ShmSet(id int32, set ipc.PermSet) abi.Errno {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.ShmSet(t.ipcCaller(), id, set)
}

// ShmRemove is shmctl(2) IPC_RMID.
func (t *Task) ShmRemove(id int32) abi.Errno {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	n := t.ipcNS()
	c := t.ipcCaller()
	if s, err := n.ns.Segment(id); err == 0 {
		n.shmCountLocked(s)
	}
	return n.ns.ShmRemove(c, id)
}

// ShmLock is shmctl(2) SHM_LOCK and SHM_UNLOCK.
func (t *Task) ShmLock(id int32, lock bool) abi.Errno {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.ShmLock(t.ipcCaller(), id, lock)
}

// ShmLimits is shmctl(2) IPC_INFO.
func (t *Task) ShmLimits() (ipc.Shminfo, int32) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.ShmLimits()
}

// ShmInfo is shmctl(2) SHM_INFO.
func (t *Task) ShmInfo() (ipc.ShmInfo, int32) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.ShmInfo()
}
