package syscalls

import (
	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/vfs"
)

// Flags of memfd_create(2) and fcntl's seal commands; abi does not name
// them.
const (
	mfdCloexec      = 0x1  // MFD_CLOEXEC
	mfdAllowSealing = 0x2  // MFD_ALLOW_SEALING
	mfdHugetlb      = 0x4  // MFD_HUGETLB
	mfdNoexecSeal   = 0x8  // MFD_NOEXEC_SEAL
	mfdExec         = 0x10 // MFD_EXEC

	// mfdNameMax is the longest name, Linux's MFD_NAME_MAX_LEN:
	// NAME_MAX less the "memfd:" prefix.
	mfdNameMax = 255 - len("memfd:")

	fAddSeals = 1033 // F_ADD_SEALS: F_LINUX_SPECIFIC_BASE + 9
	fGetSeals = 1034 // F_GET_SEALS
)

// memfd_create(2), as Linux's mm/memfd.c: an unnamed tmpfs file open for
// reading and writing (vfs.FS.Memfd). EINVAL for unknown flags, a name
// longer than 249 bytes, MFD_EXEC with MFD_NOEXEC_SEAL, or MFD_HUGETLB:
// vessel has no hugetlbfs.
func sysMemfdCreate(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	flags := uint32(a[1])
	if flags&^(mfdCloexec|mfdAllowSealing|mfdHugetlb|mfdNoexecSeal|mfdExec) != 0 ||
		flags&(mfdNoexecSeal|mfdExec) == mfdNoexecSeal|mfdExec || flags&mfdHugetlb != 0 {
		return 0, abi.EINVAL
	}
	name, err := t.MM.CopyInString(a[0], mfdNameMax+1)
	if err == abi.ENAMETOOLONG {
		return 0, abi.EINVAL
	}
	if err != 0 {
		return 0, err
	}
	var vflags uint32
	if flags&mfdAllowSealing != 0 {
		vflags |= vfs.MemfdAllowSealing
	}
	if flags&mfdNoexecSeal != 0 {
		vflags |= vfs.MemfdNoexecSeal
	}
	f, err := t.Kernel().Config().FS.Memfd(t, name, vflags)
	if err != 0 {
		return 0, err
	}
	fd, err := t.FDs.Install(f, flags&mfdCloexec != 0)
	f.DecRef() // the table holds its own reference
	if err != 0 {
		return 0, err
	}
	return uint64(fd), 0
}

// fcntlSeals is fcntl's F_ADD_SEALS and F_GET_SEALS (vfs.File.AddSeals,
// vfs.File.Seals).
func fcntlSeals(f *vfs.File, cmd int32, arg uint64) (uint64, abi.Errno) {
	if cmd == fGetSeals {
		s, err := f.Seals()
		return uint64(s), err
	}
	return 0, f.AddSeals(uint32(arg))
}
