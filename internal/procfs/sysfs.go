package procfs

import (
	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/vfs"
)

// Sysfs is a minimal /sys: what Go's runtime and common tools read there,
// answered as riscv64 Linux answers for vessel's machine of one hart. It
// needs no kernel state but the boot time (its files' time stamps); it
// lives beside /proc rather than in internal/vfs because what it describes
// (CPUs, memory management) is the kernel's, and will grow with it.
//
//	/sys/devices/system/cpu/{online,possible,present}   "0": one CPU
//	/sys/kernel/mm/transparent_hugepage/hpage_pmd_size  2097152 (Sv39's 2 MiB PMD)
//	/sys/kernel/mm/transparent_hugepage/enabled         never: vessel maps 4 KiB pages only
//	/sys/fs/cgroup                                      empty: no cgroup hierarchy yet
type Sysfs struct {
	root *staticDir // immutable
	dev  devFinder
}

// NewSysfs returns /sys for kernel k.
func NewSysfs(k *kernel.Kernel) *Sysfs {
	s := &Sysfs{dev: devFinder{fs: k.Config().FS, typ: "sysfs"}}
	boot := func() abi.Timespec { return timespec(k.BootTime()) }
	ino := uint64(1)
	next := func() uint64 { ino++; return ino }
	// sysfs attributes report a size of one page, whatever they hold.
	page := func(vfs.Caller) int64 { return abi.PageSize }
	file := func(name, text string, perm uint32) entry {
		n := &genNode{attr: attr{ino: next(), mode: abi.S_IFREG | perm, mtime: boot, size: page}, gen: staticText(text), dev: s.dev.get}
		return entry{name: name, typ: abi.DT_REG, node: func() vfs.Node { return n }}
	}
	dir := func(name string, ents ...entry) entry {
		d := newDir(next(), 0o755, ents)
		d.mtime = boot
		return entry{name: name, typ: abi.DT_DIR, node: func() vfs.Node { return d }}
	}
	root := newDir(1, 0o555, []entry{
		dir("devices", dir("system", dir("cpu",
			file("online", "0\n", 0o444),
			file("possible", "0\n", 0o444),
			file("present", "0\n", 0o444)))),
		dir("fs", dir("cgroup")),
		dir("kernel", dir("mm", dir("transparent_hugepage",
			file("enabled", "always madvise [never]\n", 0o644),
			file("hpage_pmd_size", "2097152\n", 0o444)))),
	})
	root.mtime = boot
	s.root = root
	return s
}

// Name is the filesystem type, as /proc/mounts shows it.
func (s *Sysfs) Name() string { return "sysfs" }

// Root is /sys.
func (s *Sysfs) Root() vfs.DirNode { return s.root }
