package syscalls

import (
	"vessel/internal/abi"
	"vessel/internal/kernel"
)

func sysGetdents64(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	buf := make([]byte, min(a[2], ioChunk))
	n, err := f.Getdents64(buf)
	if err != 0 {
		return 0, err
	}
	return uint64(n), t.MM.CopyOut(a[1], buf[:n])
}

func sysMkdirat(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	dir, path, done, err := pathAt(t, a[0], a[1], 0)
	if err != 0 {
		return 0, err
	}
	defer done()
	return 0, t.Kernel().Config().FS.Mkdirat(t, dir, path, uint32(a[2]))
}

func sysMknodat(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	dir, path, done, err := pathAt(t, a[0], a[1], 0)
	if err != 0 {
		return 0, err
	}
	defer done()
	return 0, t.Kernel().Config().FS.Mknodat(t, dir, path, uint32(a[2]), a[3])
}

func sysUnlinkat(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	dir, path, done, err := pathAt(t, a[0], a[1], 0)
	if err != 0 {
		return 0, err
	}
	defer done()
	return 0, t.Kernel().Config().FS.Unlinkat(t, dir, path, uint32(a[2]))
}

func sysRenameat2(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	olddir, oldpath, done1, err := pathAt(t, a[0], a[1], 0)
	if err != 0 {
		return 0, err
	}
	defer done1()
	newdir, newpath, done2, err := pathAt(t, a[2], a[3], 0)
	if err != 0 {
		return 0, err
	}
	defer done2()
	return 0, t.Kernel().Config().FS.Renameat2(t, olddir, oldpath, newdir, newpath, uint32(a[4]))
}

// readlinkat(2): the target, cut to the buffer without a NUL; EINVAL for a
// buffer size that is not positive.
func sysReadlinkat(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if int32(a[3]) <= 0 {
		return 0, abi.EINVAL
	}
	dir, path, done, err := pathAt(t, a[0], a[1], abi.AT_EMPTY_PATH)
	if err != 0 {
		return 0, err
	}
	defer done()
	var target string
	if dir == nil && isSelfExe(t, path) {
		target = t.Exe
	} else if target, err = t.Kernel().Config().FS.Readlinkat(t, dir, t.SysrootPath(path)); err != 0 {
		return 0, err
	}
	b := []byte(target)
	if uint64(len(b)) > uint64(int32(a[3])) {
		b = b[:int32(a[3])]
	}
	return uint64(len(b)), t.MM.CopyOut(a[2], b)
}

func sysSymlinkat(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	target, err := pathArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	dir, path, done, err := pathAt(t, a[1], a[2], 0)
	if err != 0 {
		return 0, err
	}
	defer done()
	return 0, t.Kernel().Config().FS.Symlinkat(t, target, dir, path)
}

func sysLinkat(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	flags := uint32(a[4])
	olddir, oldpath, done1, err := pathAt(t, a[0], a[1], flags)
	if err != 0 {
		return 0, err
	}
	defer done1()
	newdir, newpath, done2, err := pathAt(t, a[2], a[3], 0)
	if err != 0 {
		return 0, err
	}
	defer done2()
	return 0, t.Kernel().Config().FS.Linkat(t, olddir, oldpath, newdir, newpath, flags)
}

// getcwd(2): the raw syscall returns the length including the NUL; ERANGE
// when the buffer is too small.
func sysGetcwd(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	cwd, err := t.Kernel().Config().FS.Getcwd(t)
	if err != 0 {
		return 0, err
	}
	b := append([]byte(cwd), 0)
	if uint64(len(b)) > a[1] {
		return 0, abi.ERANGE
	}
	return uint64(len(b)), t.MM.CopyOut(a[0], b)
}

func sysChdir(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	path, err := pathArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	return 0, t.Kernel().Config().FS.Chdir(t, path)
}

func sysFchdir(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	return 0, t.Kernel().Config().FS.Fchdir(t, f)
}

func sysUmask(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return uint64(t.FS.SetUmask(uint32(a[0]) & 0o777)), 0
}

// isSelfExe reports whether path names the caller's /proc/PID/exe. Until
// vessel's own /proc lands, this one link is answered here so that a guest
// finds its executable (glibc's static start-up and Go's os.Executable read
// it), never the host's vessel binary.
func isSelfExe(t *kernel.Task, path string) bool {
	switch path {
	case "/proc/self/exe", "/proc/thread-self/exe", "/proc/" + itoa(int64(t.Tgid)) + "/exe":
		return true
	}
	return false
}

// chroot(2): the process's root becomes path, a directory the caller may
// search; EPERM without uid 0 (CAP_SYS_CHROOT), checked after the lookup
// as Linux's ksys_chroot.
func sysChroot(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	path, err := pathArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	fs := t.Kernel().Config().FS
	var st abi.Stat_t
	if err := fs.Stat(t, nil, path, 0, &st); err != 0 {
		return 0, err
	}
	if st.Mode&abi.S_IFMT != abi.S_IFDIR {
		return 0, abi.ENOTDIR
	}
	if t.Creds.EUID != 0 {
		if err := fs.Faccessat(t, nil, path, abi.X_OK, abi.AT_EACCESS); err != 0 {
			return 0, err
		}
		return 0, abi.EPERM
	}
	return 0, fs.Chroot(t, path)
}
