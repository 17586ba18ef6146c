package procfs

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"

	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/vfs"
)

// The files of /proc that describe the whole system: cpuinfo, stat,
// meminfo, loadavg, uptime, version, filesystems and a few of
// /proc/sys/kernel and /proc/sys/net. Figures come from kernel.SysInfo; where vessel has no
// such state, the function says what it shows: what Linux shows for an
// idle machine of the kind vessel emulates.

// Release and Version are the kernel release and version vessel reports,
// as uname(2) does (internal/syscalls keeps its own copy; a test checks
// they agree).
const (
	Release = "6.1.0-vessel"
	Version = "#1 SMP vessel"
)

// memTotalKB is the memory vessel says the machine has (kernel.MemTotalKB,
// what sysinfo(2) reports too).
const memTotalKB = kernel.MemTotalKB

// cpuinfo is /proc/cpuinfo as riscv64 Linux 6.1 prints it (c_show in
// arch/riscv/kernel/cpu.c) for vessel's one hart: the ISA it runs, the
// Sv39 layout of its address space, and the zero vendor, architecture and
// implementation ids it reports through riscv_hwprobe.
func (p *FS) cpuinfo(vfs.Caller) ([]byte, abi.Errno) {
	return []byte("processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc\nmmu\t\t: sv39\nmvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\n\n"), 0
}

// version is /proc/version: release, builder, compiler (the Go toolchain
// vessel was built with) and version.
func (p *FS) version(vfs.Caller) ([]byte, abi.Errno) {
	return fmt.Appendf(nil, "Linux version %s (vessel@vessel) (%s) %s\n", Release, runtime.Version(), Version), 0
}

// filesystems is /proc/filesystems: the kinds vessel implements, nodev for
// those without a device, and the host filesystem of the root.
func (p *FS) filesystems(vfs.Caller) ([]byte, abi.Errno) {
	var b bytes.Buffer
	for _, n := range []string{"sysfs", "tmpfs", "devtmpfs", "proc", "pipefs", "anon_inodefs"} {
		fmt.Fprintf(&b, "nodev\t%s\n", n)
	}
	if ms := p.fs.Mounts(); len(ms) > 0 {
		switch t := ms[0].Type; t {
		case "tmpfs", "overlay", "9p", "hostfs":
			if t != "tmpfs" {
				fmt.Fprintf(&b, "nodev\t%s\n", t)
			}
		default:
			fmt.Fprintf(&b, "\t%s\n", t)
		}
	}
	return b.Bytes(), 0
}

// uptime is /proc/uptime: seconds since boot and seconds the CPU was idle,
// with two decimals.
func (p *FS) uptime(vfs.Caller) ([]byte, abi.Errno) {
	s := p.k.SysInfo()
	up := uint64(s.Uptime)
	idle := idleNanos(&s)
	return fmt.Appendf(nil, "%d.%02d %d.%02d\n", up/1e9, up%1e9/1e7, idle/1e9, idle%1e9/1e7), 0
}

// idleNanos is the CPU's idle time: the time since boot that no task
// spent. In deterministic mode both are virtual, and the idle time is
// exactly the virtual time skipped while every task slept; otherwise the
// uptime is the host's and the busy time virtual, and the difference is
// the best vessel knows.
func idleNanos(s *kernel.SysInfo) uint64 {
	busy := s.UserNanos + s.SysNanos
	if up := uint64(s.Uptime); up > busy {
		return up - busy
	}
	return 0
}

// loadavg is /proc/loadavg: the kernel's 1, 5 and 15 minute load
// averages, the runnable and total task counts, and the last pid.
func (p *FS) loadavg(vfs.Caller) ([]byte, abi.Errno) {
	s := p.k.SysInfo()
	l := p.k.LoadAvg()
	return fmt.Appendf(nil, "%.2f %.2f %.2f %d/%d %d\n", l[0], l[1], l[2], s.Running, s.Tasks, s.LastPid), 0
}

// stat is /proc/stat: CPU time by kind in clock ticks (all of it user or
// system time, or idle; vessel has no nice accounting, interrupts or
// steal), context switches, boot time, tasks created (pids handed out:
// every clone, threads included, as Linux's total_forks), running and
// blocked tasks.
func (p *FS) stat(vfs.Caller) ([]byte, abi.Errno) {
	s := p.k.SysInfo()
	user, sys, idle := ticks(s.UserNanos), ticks(s.SysNanos), ticks(idleNanos(&s))
	var b bytes.Buffer
	fmt.Fprintf(&b, "cpu  %d 0 %d %d 0 0 0 0 0 0\n", user, sys, idle)
	fmt.Fprintf(&b, "cpu0 %d 0 %d %d 0 0 0 0 0 0\n", user, sys, idle)
	b.WriteString("intr 0\n")
	fmt.Fprintf(&b, "ctxt %d\nbtime %d\nprocesses %d\nprocs_running %d\nprocs_blocked %d\n",
		s.Switches, p.k.BootTime().Unix(), s.LastPid, s.Running, s.Blocked)
	b.WriteString("softirq 0 0 0 0 0 0 0 0 0 0 0\n")
	return b.Bytes(), 0
}

// meminfo is /proc/meminfo. The machine has memTotalKB; what guests use is
// the resident memory of every address space, each counted once (pages an
// address space shares with another, after fork or in the page cache, are
// counted in each). vessel has no swap, no huge pages, no kernel memory of
// its own in guest pages and no dirty page write-back: those lines show 0.
func (p *FS) meminfo(vfs.Caller) ([]byte, abi.Errno) {
	s := p.k.SysInfo()
	free := uint64(memTotalKB) - min(s.ResidentKB, memTotalKB)
	var b bytes.Buffer
	kb := func(name string, v uint64) { fmt.Fprintf(&b, "%-16s%8d kB\n", name+":", v) }
	kb("MemTotal", memTotalKB)
	kb("MemFree", free)
	kb("MemAvailable", free)
	for _, n := range []string{"Buffers", "Cached", "SwapCached", "Active", "Inactive"} {
		kb(n, 0)
	}
	kb("Active(anon)", 0)
	for _, n := range []string{"Inactive(anon)", "Active(file)", "Inactive(file)", "Unevictable", "Mlocked",
		"SwapTotal", "SwapFree", "Dirty", "Writeback"} {
		kb(n, 0)
	}
	kb("AnonPages", s.ResidentKB)
	for _, n := range []string{"Mapped", "Shmem", "KReclaimable", "Slab", "SReclaimable", "SUnreclaim",
		"KernelStack", "PageTables", "NFS_Unstable", "Bounce", "WritebackTmp"} {
		kb(n, 0)
	}
	kb("CommitLimit", memTotalKB/2) // overcommit_ratio 50 of RAM, no swap
	kb("Committed_AS", s.VirtualKB)
	for _, n := range []string{"VmallocTotal", "VmallocUsed", "VmallocChunk", "Percpu", "AnonHugePages",
		"ShmemHugePages", "ShmemPmdMapped", "FileHugePages", "FilePmdMapped"} {
		kb(n, 0)
	}
	for _, n := range []string{"HugePages_Total", "HugePages_Free", "HugePages_Rsvd", "HugePages_Surp"} {
		fmt.Fprintf(&b, "%-16s%8d\n", n+":", 0)
	}
	kb("Hugepagesize", 2048)
	kb("Hugetlb", 0)
	return b.Bytes(), 0
}

// newSysDir makes /proc/sys with what programs read of it: kernel's
// pid_max, osrelease, ostype, version and hostname; net.core.somaxconn
// (Go's net package sizes its listen backlog by it) and
// net.ipv4.ip_local_port_range, vessel's loopback's.
func (p *FS) newSysDir(next func() uint64) *staticDir {
	file := func(name string, gen func(vfs.Caller) ([]byte, abi.Errno)) entry {
		n := &genNode{attr: attr{ino: next(), mode: abi.S_IFREG | 0o444, mtime: p.bootTime}, gen: gen, dev: p.devNum}
		return entry{name: name, typ: abi.DT_REG, node: func() vfs.Node { return n }}
	}
	kernelDir := newDir(next(), 0o555, []entry{
		file("hostname", func(vfs.Caller) ([]byte, abi.Errno) { h, _ := p.k.UTSNames(); return []byte(h + "\n"), 0 }),
		file("domainname", func(vfs.Caller) ([]byte, abi.Errno) { _, d := p.k.UTSNames(); return []byte(d + "\n"), 0 }),
		file("osrelease", staticText(Release+"\n")),
		file("ostype", staticText("Linux\n")),
		file("pid_max", staticText(strconv.Itoa(kernel.PidMax)+"\n")),
		file("version", staticText(Version+"\n")),
	})
	kernelDir.mtime = p.bootTime
	core := newDir(next(), 0o555, []entry{
		file("somaxconn", staticText(strconv.Itoa(kernel.Somaxconn)+"\n")),
	})
	ipv4 := newDir(next(), 0o555, []entry{
		file("ip_local_port_range", staticText(strconv.Itoa(kernel.LocalPortFirst)+"\t"+strconv.Itoa(kernel.LocalPortLast)+"\n")),
	})
	netDir := newDir(next(), 0o555, []entry{
		{name: "core", typ: abi.DT_DIR, node: func() vfs.Node { return core }},
		{name: "ipv4", typ: abi.DT_DIR, node: func() vfs.Node { return ipv4 }},
	})
	for _, x := range []*staticDir{core, ipv4, netDir} {
		x.mtime = p.bootTime
	}
	d := newDir(next(), 0o555, []entry{
		{name: "kernel", typ: abi.DT_DIR, node: func() vfs.Node { return kernelDir }},
		{name: "net", typ: abi.DT_DIR, node: func() vfs.Node { return netDir }},
	})
	d.mtime = p.bootTime
	return d
}
