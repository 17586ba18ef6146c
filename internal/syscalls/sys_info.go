package syscalls

import (
	"crypto/rand"
	"io"

	"vessel/internal/abi"
	"vessel/internal/kernel"
)

// Release is the Linux release vessel reports; glibc and Go check it only
// against old minimums.
const Release = "6.1.0-vessel"

func sysUname(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	host, domain := t.Kernel().UTSNames()
	u := abi.Utsname{
		Sysname:    "Linux",
		Nodename:   host,
		Release:    Release,
		Version:    "#1 SMP vessel",
		Machine:    "riscv64",
		Domainname: domain,
	}
	var b [abi.SizeofUtsname]byte
	u.Marshal(b[:])
	return 0, t.MM.CopyOut(a[0], b[:])
}

// sysinfo(2): uptime, the load averages (fixed point, 16 fraction bits),
// the memory the machine is said to have and what guests' address spaces
// hold of it (as /proc/meminfo), and the number of tasks. No swap, no high
// memory.
func sysSysinfo(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	k := t.Kernel()
	s := k.SysInfo()
	total := uint64(kernel.MemTotalKB) << 10
	si := abi.Sysinfo{
		Uptime:   int64(s.Uptime.Seconds()) + 1,
		Totalram: total,
		Freeram:  total - min(s.ResidentKB<<10, total),
		Procs:    uint16(min(s.Tasks, 1<<16-1)),
		Unit:     1,
	}
	for i, l := range k.LoadAvg() {
		si.Loads[i] = uint64(l * 65536)
	}
	var b [abi.SizeofSysinfo]byte
	si.Marshal(b[:])
	return 0, t.MM.CopyOut(a[0], b[:])
}

const (
	grndNonblock = 1
	grndRandom   = 2
	grndInsecure = 4
)

// getrandom(2) fills the buffer from the kernel's random source.
func sysGetrandom(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	buf, n, flags := a[0], a[1], a[2]
	if flags&^(grndNonblock|grndRandom|grndInsecure) != 0 || flags&(grndRandom|grndInsecure) == grndRandom|grndInsecure {
		return 0, abi.EINVAL
	}
	if n > 1<<25 {
		n = 1 << 25 // Linux returns at most 32 MiB per call
	}
	src := t.Kernel().Config().Random
	if src == nil {
		src = rand.Reader
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(src, b); err != nil {
		return 0, abi.EIO
	}
	if err := t.MM.CopyOut(buf, b); err != 0 {
		return 0, err
	}
	return n, 0
}

// riscv_hwprobe(2) reports the base IMA behaviour with F, D and C, and no
// other extension, so programs never pick vector or bit-manipulation paths.
// Each pair is {i64 key, u64 value}; unknown keys get key -1.
func sysRiscvHwprobe(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	pairs, count, cpusetsize, cpus, flags := a[0], a[1], a[2], a[3], a[4]
	if flags != 0 || (cpusetsize == 0) != (cpus == 0) {
		return 0, abi.EINVAL
	}
	for i := range count {
		var p [16]byte
		addr := pairs + 16*i
		if err := t.MM.CopyIn(addr, p[:8]); err != 0 {
			return 0, err
		}
		key := int64(le.Uint64(p[:8]))
		var val uint64
		switch key {
		case abi.RISCV_HWPROBE_KEY_MVENDORID, abi.RISCV_HWPROBE_KEY_MARCHID, abi.RISCV_HWPROBE_KEY_MIMPID:
			val = 0
		case abi.RISCV_HWPROBE_KEY_BASE_BEHAVIOR:
			val = abi.RISCV_HWPROBE_BASE_BEHAVIOR_IMA
		case abi.RISCV_HWPROBE_KEY_IMA_EXT_0:
			val = abi.RISCV_HWPROBE_IMA_FD | abi.RISCV_HWPROBE_IMA_C
		case abi.RISCV_HWPROBE_KEY_CPUPERF_0:
			val = abi.RISCV_HWPROBE_MISALIGNED_EMULATED
		default:
			key = -1
		}
		le.PutUint64(p[0:], uint64(key))
		le.PutUint64(p[8:], val)
		if err := t.MM.CopyOut(addr, p[:]); err != 0 {
			return 0, err
		}
	}
	return 0, 0
}

// prlimit64(2): pid 0 is the caller (see kernel.Task.Prlimit).
func sysPrlimit64(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	pid, res, newp, oldp := int32(a[0]), a[1], a[2], a[3]
	if res >= abi.RLIM_NLIMITS {
		return 0, abi.EINVAL
	}
	var set *abi.Rlimit
	if newp != 0 {
		var b [16]byte
		if err := t.MM.CopyIn(newp, b[:]); err != 0 {
			return 0, err
		}
		set = &abi.Rlimit{Cur: le.Uint64(b[0:]), Max: le.Uint64(b[8:])}
	}
	old, err := t.Prlimit(pid, int(res), set)
	if err != 0 {
		return 0, err
	}
	if oldp != 0 {
		var b [16]byte
		le.PutUint64(b[0:], old.Cur)
		le.PutUint64(b[8:], old.Max)
		if err := t.MM.CopyOut(oldp, b[:]); err != 0 {
			return 0, err
		}
	}
	return 0, 0
}

func sysGetrlimit(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return sysPrlimit64(t, &[6]uint64{0, a[0], 0, a[1]})
}

func sysSetrlimit(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return sysPrlimit64(t, &[6]uint64{0, a[0], a[1], 0})
}

// sethostname(2) and setdomainname(2): len bytes at name (a negative
// length is EINVAL).
func sysSethostname(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return setUTS(t, a, false)
}

func sysSetdomainname(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return setUTS(t, a, true)
}

func setUTS(t *kernel.Task, a *[6]uint64, domain bool) (uint64, abi.Errno) {
	n := int64(a[1])
	if n < 0 || n > 64 {
		return 0, abi.EINVAL
	}
	b := make([]byte, n)
	if err := t.MM.CopyIn(a[0], b); err != 0 {
		return 0, err
	}
	return 0, t.SetUTSName(domain, string(b))
}
