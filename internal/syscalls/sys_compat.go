package syscalls

import (
	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/mm"
)

// Calls that programs and runtimes make in passing — to flush the
// instruction cache, order memory between threads, look at their robust
// futex list, their personality, capabilities and I/O priority, advise the
// kernel about a file's blocks or ask which pages are resident — with
// Linux's arguments, checks and errors.

// sysRiscvFlushIcache is riscv_flush_icache(2) (arch/riscv/kernel/
// sys_riscv.c): flags other than 0 and SYS_RISCV_FLUSH_ICACHE_LOCAL are
// EINVAL; the range is ignored, as Linux ignores it. The address space's
// decoded instructions, which its harts share, are dropped, so that code
// written by any thread runs as written (Linux flushes every hart that ran
// the mm, or, with the LOCAL flag, defers the others' flush to their next
// switch; vessel's harts share one cache, so both are the same).
func sysRiscvFlushIcache(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	const sysRiscvFlushIcacheLocal = 1 // SYS_RISCV_FLUSH_ICACHE_LOCAL
	if a[2]&^sysRiscvFlushIcacheLocal != 0 {
		return 0, abi.EINVAL
	}
	t.Hart.FlushICache()
	return 0, 0
}

// sysMembarrier is membarrier(2) (kernel.Task.Membarrier): QUERY reports
// every command but the rseq ones, which vessel cannot honour without
// rseq(2) and answers EINVAL as a kernel without CONFIG_RSEQ does; the
// barriers themselves have nothing to wait for on one virtual CPU.
func sysMembarrier(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return t.Membarrier(int32(a[0]), uint32(a[1]))
}

// sysGetRobustList is get_robust_list(2): the head set_robust_list gave
// thread pid (0: the caller) goes to *head_ptr, and the size of struct
// robust_list_head, 24, to *len_ptr, written first, as Linux does (it
// reports the structure's size, not the length the thread passed). ESRCH
// for no such thread, EPERM without ptrace read access
// (kernel.Task.RobustListHead).
func sysGetRobustList(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	head, err := t.RobustListHead(int32(a[0]))
	if err != 0 {
		return 0, err
	}
	var b [8]byte
	le.PutUint64(b[:], 24)
	if err := t.MM.CopyOut(a[2], b[:]); err != 0 {
		return 0, err
	}
	le.PutUint64(b[:], head)
	return 0, t.MM.CopyOut(a[1], b[:])
}

// sysPersonality is personality(2): 0xffffffff reads the thread's
// personality, any other value sets it; the old one is returned either
// way (an unsigned int, so never an error). Linux keeps it per thread;
// clone copies it and exec keeps its flags (kernel.Task.Personality).
// vessel records it: its address-space layout is not randomised anyway,
// and it does not change uname's release for UNAME26, mmap's protections
// for READ_IMPLIES_EXEC or the layout for ADDR_COMPAT_LAYOUT.
func sysPersonality(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	old := t.Personality
	if p := uint32(a[0]); p != kernel.PersonalityQuery {
		t.Personality = p
	}
	return uint64(old), 0
}

// sysFallocate is fallocate(2) with vfs_fallocate's checks
// (vfs.File.Fallocate): a host file's is the host's; tmpfs allocates and
// punches holes as shmem_fallocate does, and refuses other modes
// (EOPNOTSUPP).
func sysFallocate(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	return 0, f.Fallocate(uint32(a[1]), int64(a[2]), int64(a[3]))
}

// sysSyncFileRange is sync_file_range(2) (vfs.File.SyncRange): its checks,
// then a host file's range goes to the host's sync_file_range; vessel's
// own files have nothing to write back.
func sysSyncFileRange(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	return 0, f.SyncRange(int64(a[1]), int64(a[2]), uint32(a[3]))
}

// sysReadahead is readahead(2) (vfs.File.Readahead): EBADF unless open for
// reading, EINVAL unless a regular file or block device; then there is
// nothing to read ahead of time.
func sysReadahead(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	return 0, f.Readahead(int64(a[1]), a[2])
}

// mincoreChunk is how many pages one step of mincore looks at, as Linux's
// one page of bytes.
const mincoreChunk = abi.PageSize

// sysMincore is mincore(2) (mm/mincore.c): EINVAL for an unaligned addr,
// ENOMEM for a range past the user address space, EFAULT for a vector
// past it; then, VMA by VMA (mm.AddressSpace.Mincore), one byte per page,
// 1 for resident, copied out before the next VMA is looked at, so that a
// hole (ENOMEM) or a bad vector (EFAULT) stops the call with what came
// before it written, as in Linux. A length of 0 looks at nothing.
// Linux reports every page of a file mapping resident when the caller
// could not open the file for writing (can_do_mincore); vessel reports
// what its page cache holds for every mapping.
func sysMincore(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	addr, length, vec := a[0], a[1], a[2]
	if addr%abi.PageSize != 0 {
		return 0, abi.EINVAL
	}
	if addr+length < addr || addr+length > mm.MaxAddr {
		return 0, abi.ENOMEM // access_ok(start, len)
	}
	pages := length / abi.PageSize
	if length%abi.PageSize != 0 {
		pages++
	}
	if vec+pages < vec || vec+pages > mm.MaxAddr {
		return 0, abi.EFAULT // access_ok(vec, pages)
	}
	buf := t.IOBuf(int(min(pages, mincoreChunk)))
	for pages > 0 {
		n, err := t.MM.Mincore(addr, buf[:min(pages, uint64(len(buf)))])
		if err != 0 {
			return 0, err
		}
		if err := t.MM.CopyOut(vec, buf[:n]); err != 0 {
			return 0, abi.EFAULT
		}
		pages -= uint64(n)
		vec += uint64(n)
		addr += uint64(n) * abi.PageSize
	}
	return 0, 0
}

// sysIoprioGet is ioprio_get(2) (kernel.Task.IOPrioGet): the raw priority
// of one thread, or the best effective one of a process group's or a
// user's threads.
func sysIoprioGet(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	prio, err := t.IOPrioGet(int32(a[0]), int32(a[1]))
	return uint64(prio), err
}

// sysIoprioSet is ioprio_set(2) (kernel.Task.IOPrioSet). vessel keeps the
// priority per thread, as Linux's io_context, and reports it; its I/O is
// not ordered by it.
func sysIoprioSet(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, t.IOPrioSet(int32(a[0]), int32(a[1]), int32(a[2]))
}

// The capability header's versions (linux/capability.h).
const (
	linuxCapabilityVersion1 = 0x19980330 // _LINUX_CAPABILITY_VERSION_1: one 32-bit word per set
	linuxCapabilityVersion2 = 0x20071026 // _LINUX_CAPABILITY_VERSION_2: two (deprecated)
	linuxCapabilityVersion3 = 0x20080522 // _LINUX_CAPABILITY_VERSION_3: two
)

// capVersion reads the version of the cap_user_header_t at hdr and
// returns how many 32-bit words of each set the data holds (Linux's
// cap_validate_magic). An unknown version is EINVAL, after the preferred
// one, _LINUX_CAPABILITY_VERSION_3, is written into the header (EFAULT if
// it cannot be).
func capVersion(t *kernel.Task, hdr uint64) (int, abi.Errno) {
	var b [4]byte
	if err := t.MM.CopyIn(hdr, b[:]); err != 0 {
		return 0, err
	}
	switch le.Uint32(b[:]) {
	case linuxCapabilityVersion1:
		return 1, 0
	case linuxCapabilityVersion2, linuxCapabilityVersion3:
		return 2, 0
	}
	le.PutUint32(b[:], linuxCapabilityVersion3)
	if err := t.MM.CopyOut(hdr, b[:]); err != 0 {
		return 0, err
	}
	return 0, abi.EINVAL
}

// capPid reads the header's pid.
func capPid(t *kernel.Task, hdr uint64) (int32, abi.Errno) {
	var b [4]byte
	if err := t.MM.CopyIn(hdr+4, b[:]); err != 0 {
		return 0, err
	}
	return int32(le.Uint32(b[:])), 0
}

// sysCapget is capget(2) (kernel/capability.c): the header's version
// decides the data's size; with a NULL data pointer the call only checks
// the version, and succeeds even for an unknown one (after writing the
// preferred version back), as libcap's probe expects. Then pid (0 or the
// caller's tid: the caller) must not be negative (EINVAL) and must name a
// thread (ESRCH, kernel.Task.Capget), whose effective, permitted and
// inheritable sets go to the data, the upper 32 bits dropped for version
// 1. An effective uid of 0 holds every capability unless capset or a
// change of ids took some away (kernel.capState).
func sysCapget(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	hdr, data := a[0], a[1]
	words, err := capVersion(t, hdr)
	if data == 0 && (err == 0 || err == abi.EINVAL) {
		return 0, 0
	}
	if err != 0 {
		return 0, err
	}
	pid, err := capPid(t, hdr)
	if err != 0 {
		return 0, err
	}
	s, err := t.Capget(pid)
	if err != 0 {
		return 0, err
	}
	b := make([]byte, 12*words)
	for w := 0; w < words; w++ {
		shift := 32 * w
		le.PutUint32(b[12*w:], uint32(s.Effective>>shift))
		le.PutUint32(b[12*w+4:], uint32(s.Permitted>>shift))
		le.PutUint32(b[12*w+8:], uint32(s.Inheritable>>shift))
	}
	return 0, t.MM.CopyOut(data, b)
}

// sysCapset is capset(2): the version as for capget, then only the
// caller's own sets may change (pid 0 or its tid; EPERM for any other),
// the data is read (EFAULT), and Linux's rules apply (EPERM,
// kernel.Task.Capset). The sets are the thread's own, as Linux's
// credentials are. vessel's older privilege checks (set*id, scheduling,
// file permissions) look at the effective uid, not at these sets, so
// dropping a capability does not yet take that privilege away there.
func sysCapset(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	hdr, data := a[0], a[1]
	words, err := capVersion(t, hdr)
	if err != 0 {
		return 0, err
	}
	pid, err := capPid(t, hdr)
	if err != 0 {
		return 0, err
	}
	if pid != 0 && pid != t.Tid {
		return 0, abi.EPERM
	}
	b := make([]byte, 12*words)
	if err := t.MM.CopyIn(data, b); err != 0 {
		return 0, err
	}
	var s kernel.CapSets
	for w := 0; w < words; w++ {
		shift := 32 * w
		s.Effective |= uint64(le.Uint32(b[12*w:])) << shift
		s.Permitted |= uint64(le.Uint32(b[12*w+4:])) << shift
		s.Inheritable |= uint64(le.Uint32(b[12*w+8:])) << shift
	}
	return 0, t.Capset(pid, s)
}
