// Package abi holds the riscv64 Linux user ABI as vessel needs it: syscall
// numbers, errno values, signal numbers, flag constants and the byte layouts
// of the structures that cross the syscall boundary. It imports nothing of
// vessel's and never takes a value from the host's headers: the host is not
// riscv64. Names copy C exactly.
package abi

//go:generate ./mkabi.sh

// Errno is an error number as the guest sees it. The zero value means success.
type Errno int32

// Error returns the errno's C name, for example "ENOENT".
func (e Errno) Error() string {
	if n, ok := errnoNames[e]; ok {
		return n
	}
	return "errno " + itoa(int64(e))
}

// ENOTSUP is glibc's name for EOPNOTSUPP (the kernel headers lack it).
const ENOTSUP = EOPNOTSUPP

// Syscall numbers defined through __NR_arch_specific_syscall, which the
// generator does not evaluate.
const (
	SYS_RISCV_HWPROBE      = 258
	SYS_RISCV_FLUSH_ICACHE = 259
)

// SyscallName returns the C name of syscall nr, or "" when it has none.
func SyscallName(nr int) string {
	switch nr {
	case SYS_RISCV_HWPROBE:
		return "riscv_hwprobe"
	case SYS_RISCV_FLUSH_ICACHE:
		return "riscv_flush_icache"
	}
	return sysNames[nr]
}

// MaxSyscall bounds the syscall numbers vessel knows.
const MaxSyscall = 512

// PageSize is the guest page size.
const PageSize = 4096

func itoa(v int64) string {
	if v == 0 {
		return "0"
	}
	neg := v < 0
	if neg {
		v = -v
	}
	var b [24]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
