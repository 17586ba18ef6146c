package syscalls

import (
	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/mm"
)

// brk(2): the raw syscall returns the new break, or the old one on failure.
func sysBrk(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return t.MM.Brk(a[0]), 0
}

// mmap(2). The offset must be page-aligned; a file mapping needs a
// descriptor open for reading (and for writing, when shared and writable).
// A regular file maps what its vfs File gives (vfs.File.MapFile): a tmpfs
// file's own memory, or a host file's page cache, which shared mappings
// write back to the file. Other files map through the open file
// (mappedFile), and their shared mappings are not written back.
func sysMmap(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	addr, length, prot, flags, fd, off := a[0], a[1], int(a[2]), int(a[3]), int32(a[4]), a[5]
	if off%abi.PageSize != 0 {
		return 0, abi.EINVAL
	}
	if prot&^(abi.PROT_READ|abi.PROT_WRITE|abi.PROT_EXEC) != 0 {
		return 0, abi.EINVAL
	}
	var f mm.File
	if flags&abi.MAP_ANONYMOUS == 0 {
		mf, err := mappableFile(t, fd, prot, flags)
		if err != 0 {
			return 0, err
		}
		shared := flags&abi.MAP_TYPE == abi.MAP_SHARED || flags&abi.MAP_TYPE == abi.MAP_SHARED_VALIDATE
		write := prot&abi.PROT_WRITE != 0
		if shared && write && !mf.f.Writable() {
			return 0, abi.EACCES // MAP_SHARED_VALIDATE, which mappableFile lets by
		}
		own, err := mf.f.MapFile(shared, write)
		switch {
		case err != 0:
			return 0, err
		case own != nil:
			f = own
		default:
			f = mf
		}
	}
	return t.MM.Mmap(addr, length, prot, flags, f, off)
}

func sysMunmap(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, t.MM.Munmap(a[0], a[1])
}

func sysMprotect(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, t.MM.Mprotect(a[0], a[1], int(a[2]))
}

func sysMremap(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return t.MM.Mremap(a[0], a[1], a[2], int(a[3]), a[4])
}

func sysMadvise(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, t.MM.Madvise(a[0], a[1], int(a[2]))
}

// msync(2): shared file mappings write their dirty pages back to their
// files (mm.AddressSpace.Msync).
func sysMsync(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, t.MM.Msync(a[0], a[1], int(a[2]))
}
