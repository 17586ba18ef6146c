package syscalls

import (
	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/vfs"
)

func sysFstat(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	var st abi.Stat_t
	if err := f.Stat(&st); err != 0 {
		return 0, err
	}
	var b [abi.SizeofStat]byte
	st.Marshal(b[:])
	return 0, t.MM.CopyOut(a[1], b[:])
}

// stat fills st for path at dirfd, as newfstatat and statx look it up.
func stat(t *kernel.Task, dirfd, pathAddr uint64, flags uint32, st *abi.Stat_t) abi.Errno {
	dir, path, done, err := pathAt(t, dirfd, pathAddr, flags)
	if err != 0 {
		return err
	}
	defer done()
	return t.Kernel().Config().FS.Stat(t, dir, t.SysrootPath(path), flags, st)
}

func sysNewfstatat(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	var st abi.Stat_t
	if err := stat(t, a[0], a[1], uint32(a[3]), &st); err != 0 {
		return 0, err
	}
	var b [abi.SizeofStat]byte
	st.Marshal(b[:])
	return 0, t.MM.CopyOut(a[2], b[:])
}

// statxReserved is STATX__RESERVED: a mask with it is EINVAL.
const statxReserved = 0x80000000

// statx(2) reports the basic stats whatever the mask asks, as Linux may.
func sysStatx(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	flags := uint32(a[2])
	if uint32(a[3])&statxReserved != 0 || flags&abi.AT_STATX_SYNC_TYPE == abi.AT_STATX_SYNC_TYPE {
		return 0, abi.EINVAL
	}
	var st abi.Stat_t
	if err := stat(t, a[0], a[1], flags, &st); err != 0 {
		return 0, err
	}
	var b [abi.SizeofStatx]byte
	st.MarshalStatx(b[:])
	return 0, t.MM.CopyOut(a[4], b[:])
}

func sysFaccessat(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return faccessat(t, a[0], a[1], uint32(a[2]), 0)
}

func sysFaccessat2(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return faccessat(t, a[0], a[1], uint32(a[2]), uint32(a[3]))
}

func faccessat(t *kernel.Task, dirfd, pathAddr uint64, mode, flags uint32) (uint64, abi.Errno) {
	dir, path, done, err := pathAt(t, dirfd, pathAddr, flags)
	if err != 0 {
		return 0, err
	}
	defer done()
	return 0, t.Kernel().Config().FS.Faccessat(t, dir, t.SysrootPath(path), mode, flags)
}

func sysFchmodat(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	dir, path, done, err := pathAt(t, a[0], a[1], 0)
	if err != 0 {
		return 0, err
	}
	defer done()
	return 0, t.Kernel().Config().FS.Fchmodat(t, dir, path, uint32(a[2]), 0)
}

func sysFchmod(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	if f.IsPath() {
		return 0, abi.EBADF
	}
	return 0, t.Kernel().Config().FS.Fchmodat(t, f, "", uint32(a[1]), abi.AT_EMPTY_PATH)
}

func sysFchownat(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	flags := uint32(a[4])
	dir, path, done, err := pathAt(t, a[0], a[1], flags)
	if err != 0 {
		return 0, err
	}
	defer done()
	return 0, t.Kernel().Config().FS.Fchownat(t, dir, path, uint32(a[2]), uint32(a[3]), flags)
}

func sysFchown(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	if f.IsPath() {
		return 0, abi.EBADF
	}
	return 0, t.Kernel().Config().FS.Fchownat(t, f, "", uint32(a[1]), uint32(a[2]), abi.AT_EMPTY_PATH)
}

// utimensat(2). A NULL path is futimens: the times of dirfd itself.
func sysUtimensat(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	flags := uint32(a[3])
	var times *[2]abi.Timespec
	if a[2] != 0 {
		var b [2 * abi.SizeofTimespec]byte
		if err := t.MM.CopyIn(a[2], b[:]); err != 0 {
			return 0, err
		}
		times = &[2]abi.Timespec{abi.UnmarshalTimespec(b[:]), abi.UnmarshalTimespec(b[abi.SizeofTimespec:])}
	}
	fs := t.Kernel().Config().FS
	if a[1] == 0 {
		if int32(a[0]) == abi.AT_FDCWD {
			return 0, abi.EFAULT
		}
		f, err := fileArg(t, a[0])
		if err != 0 {
			return 0, err
		}
		defer f.DecRef()
		return 0, fs.Utimensat(t, f, "", times, flags|abi.AT_EMPTY_PATH)
	}
	dir, path, done, err := pathAt(t, a[0], a[1], flags)
	if err != 0 {
		return 0, err
	}
	defer done()
	return 0, fs.Utimensat(t, dir, path, times, flags)
}

// statfs(2).
func sysStatfs(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	path, err := pathArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	var st vfs.Statfs
	if err := t.Kernel().Config().FS.StatfsPath(t, path, &st); err != 0 {
		return 0, err
	}
	var b [vfs.SizeofStatfs]byte
	st.Marshal(b[:])
	return 0, t.MM.CopyOut(a[1], b[:])
}

// fstatfs(2).
func sysFstatfs(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	var st vfs.Statfs
	if err := vfs.StatfsFile(f, &st); err != 0 {
		return 0, err
	}
	var b [vfs.SizeofStatfs]byte
	st.Marshal(b[:])
	return 0, t.MM.CopyOut(a[1], b[:])
}
