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
		f = mf
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

const (
	msAsync      = 1
	msInvalidate = 2
	msSync       = 4
)

// msync(2) checks its arguments as Linux does. Private and anonymous
// mappings have nothing to write back; shared file mappings write back
// when the page cache lands (issue: IPC).
func sysMsync(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	addr, length, flags := a[0], a[1], a[2]
	if addr%abi.PageSize != 0 || flags&^(msAsync|msInvalidate|msSync) != 0 || flags&(msAsync|msSync) == msAsync|msSync {
		return 0, abi.EINVAL
	}
	end := (addr + length + abi.PageSize - 1) &^ (abi.PageSize - 1)
	for _, r := range t.MM.Regions() {
		if r.End <= addr || r.Start >= end {
			continue
		}
		if r.Start > addr {
			return 0, abi.ENOMEM
		}
		addr = r.End
	}
	if addr < end {
		return 0, abi.ENOMEM
	}
	return 0, 0
}
