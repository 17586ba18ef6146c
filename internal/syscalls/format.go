package syscalls

import (
	"encoding/binary"
	"net/netip"
	"strconv"
	"strings"

	"vessel/internal/abi"
	"vessel/internal/kernel"
)

// format says how strace shows an argument or a result.
type format uint8

const (
	fNone       format = iota // as a result: the call does not return (exit)
	fInt                      // signed decimal (64-bit)
	fInt32                    // signed decimal of the low 32 bits (int arguments)
	fUint                     // unsigned decimal
	fHex                      // 0x...
	fOct                      // 0644 (modes)
	fPtr                      // NULL or 0x...
	fFD                       // a descriptor (int)
	fAtFD                     // AT_FDCWD or a descriptor
	fPath                     // a NUL-terminated string read before the call
	fBufIn                    // a buffer read before the call; its length is the next argument
	fBufOut                   // a buffer written by the call; its length is the result
	fOpenFlags                // O_RDONLY|O_CLOEXEC...
	fAtFlags                  // AT_SYMLINK_NOFOLLOW|...
	fProt                     // PROT_READ|PROT_WRITE...
	fMapFlags                 // MAP_PRIVATE|MAP_ANONYMOUS...
	fSignal                   // SIGINT
	fClock                    // CLOCK_MONOTONIC
	fStrings                  // a NULL-terminated array of strings (argv, envp)
	fCloneFlags               // CLONE_VM|CLONE_FS|...|SIGCHLD
	fFutexOp                  // FUTEX_WAIT_PRIVATE
	fSockDomain               // AF_UNIX (sys_socket.go)
	fSockType                 // SOCK_STREAM|SOCK_CLOEXEC (sys_socket.go)
	fSockaddr                 // a struct sockaddr read before the call; its length is the next argument (sys_socket.go)
)

const strLimit = 32 // like strace -s 32

func formatArgs(t *kernel.Task, r *row, a *[6]uint64, _ bool) []string {
	out := make([]string, len(r.args))
	for i, f := range r.args {
		if f == fBufOut {
			continue
		}
		var next uint64
		if i+1 < 6 {
			next = a[i+1]
		}
		out[i] = formatArg(t, f, a[i], next)
	}
	return out
}

func completeArgs(t *kernel.Task, r *row, a *[6]uint64, pre []string, v uint64, err abi.Errno) string {
	for i, f := range r.args {
		if f != fBufOut {
			continue
		}
		if err != 0 {
			pre[i] = formatPtr(a[i])
			continue
		}
		pre[i] = formatBuf(t, a[i], v)
	}
	return strings.Join(pre, ", ")
}

func formatArg(t *kernel.Task, f format, v, next uint64) string {
	switch f {
	case fInt:
		return itoa(int64(v))
	case fInt32, fFD:
		return itoa(int64(int32(v)))
	case fUint:
		return strconv.FormatUint(v, 10)
	case fHex:
		return "0x" + strconv.FormatUint(v, 16)
	case fOct:
		return "0" + strconv.FormatUint(v, 8)
	case fPtr:
		return formatPtr(v)
	case fAtFD:
		if int32(v) == abi.AT_FDCWD {
			return "AT_FDCWD"
		}
		return itoa(int64(int32(v)))
	case fPath:
		if v == 0 {
			return "NULL"
		}
		s, err := t.MM.CopyInString(v, 4096)
		if err != 0 {
			return formatPtr(v)
		}
		return quote([]byte(s), len(s))
	case fBufIn:
		return formatBuf(t, v, next)
	case fOpenFlags:
		return formatOpenFlags(v)
	case fAtFlags:
		return flagNames(v, atFlagNames, "0")
	case fProt:
		return flagNames(v, protNames, "PROT_NONE")
	case fMapFlags:
		return formatMapFlags(v)
	case fSignal:
		return abi.SignalName(int(int32(v)))
	case fClock:
		if n, ok := clockNames[int32(v)]; ok {
			return n
		}
		return itoa(int64(int32(v)))
	case fStrings:
		return formatStrings(t, v)
	case fCloneFlags:
		return formatCloneFlags(v)
	case fFutexOp:
		return formatFutexOp(v)
	case fSockDomain:
		return formatSockDomain(v)
	case fSockType:
		return formatSockType(v)
	case fSockaddr:
		return formatSockaddr(t, v, next)
	}
	return "0x" + strconv.FormatUint(v, 16)
}

func formatRaw(a [6]uint64) string {
	parts := make([]string, 6)
	for i, v := range a {
		parts[i] = "0x" + strconv.FormatUint(v, 16)
	}
	return strings.Join(parts, ", ")
}

func formatPtr(v uint64) string {
	if v == 0 {
		return "NULL"
	}
	return "0x" + strconv.FormatUint(v, 16)
}

func formatBuf(t *kernel.Task, addr, n uint64) string {
	show := n
	if show > strLimit {
		show = strLimit
	}
	b := make([]byte, show)
	if t.MM.CopyIn(addr, b) != 0 {
		return formatPtr(addr)
	}
	return quote(b, int(n))
}

// quote renders b the way strace does, with "..." when the whole (of length
// total) was longer.
func quote(b []byte, total int) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, c := range b {
		switch {
		case c == '"' || c == '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c == '\n':
			sb.WriteString(`\n`)
		case c == '\t':
			sb.WriteString(`\t`)
		case c == '\r':
			sb.WriteString(`\r`)
		case c >= 0x20 && c < 0x7f:
			sb.WriteByte(c)
		default:
			sb.WriteByte('\\')
			sb.WriteString(strconv.FormatUint(uint64(c), 8))
		}
	}
	sb.WriteByte('"')
	if total > len(b) {
		sb.WriteString("...")
	}
	return sb.String()
}

func formatStrings(t *kernel.Task, addr uint64) string {
	if addr == 0 {
		return "NULL"
	}
	var parts []string
	for i := range 33 {
		var p [8]byte
		if t.MM.CopyIn(addr+uint64(8*i), p[:]) != 0 {
			return formatPtr(addr)
		}
		ptr := le64(p[:])
		if ptr == 0 {
			break
		}
		if i == 32 {
			parts = append(parts, "...")
			break
		}
		s, err := t.MM.CopyInString(ptr, 4096)
		if err != 0 {
			parts = append(parts, formatPtr(ptr))
			continue
		}
		parts = append(parts, quote([]byte(s), len(s)))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func formatResult(f format, v uint64, err abi.Errno, exiting bool) string {
	if exiting {
		return "?"
	}
	if err == kernel.EJUSTRETURN {
		return "0"
	}
	if err != 0 {
		return formatErrno(err)
	}
	switch f {
	case fHex, fPtr:
		return "0x" + strconv.FormatUint(v, 16)
	case fOct:
		return "0" + strconv.FormatUint(v, 8)
	}
	return itoa(int64(v))
}

func formatErrno(err abi.Errno) string {
	s := "-1 " + err.Error()
	if m, ok := errnoText[err]; ok {
		s += " (" + m + ")"
	}
	return s
}

type flagName struct {
	bit  uint64
	name string
}

func flagNames(v uint64, names []flagName, zero string) string {
	if v == 0 {
		return zero
	}
	var parts []string
	for _, n := range names {
		if v&n.bit == n.bit && n.bit != 0 {
			parts = append(parts, n.name)
			v &^= n.bit
		}
	}
	if v != 0 {
		parts = append(parts, "0x"+strconv.FormatUint(v, 16))
	}
	return strings.Join(parts, "|")
}

var openFlagNames = []flagName{
	{abi.O_CREAT, "O_CREAT"}, {abi.O_EXCL, "O_EXCL"}, {abi.O_NOCTTY, "O_NOCTTY"},
	{abi.O_TRUNC, "O_TRUNC"}, {abi.O_APPEND, "O_APPEND"}, {abi.O_NONBLOCK, "O_NONBLOCK"},
	{abi.O_SYNC, "O_SYNC"}, {abi.O_DSYNC, "O_DSYNC"}, {abi.O_ASYNC, "O_ASYNC"},
	{abi.O_DIRECT, "O_DIRECT"}, {abi.O_LARGEFILE, "O_LARGEFILE"},
	{abi.O_TMPFILE, "O_TMPFILE"}, {abi.O_DIRECTORY, "O_DIRECTORY"}, {abi.O_NOFOLLOW, "O_NOFOLLOW"},
	{abi.O_NOATIME, "O_NOATIME"}, {abi.O_CLOEXEC, "O_CLOEXEC"}, {abi.O_PATH, "O_PATH"},
}

func formatOpenFlags(v uint64) string {
	acc := [...]string{"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"}[v&abi.O_ACCMODE]
	rest := v &^ abi.O_ACCMODE
	if rest == 0 {
		return acc
	}
	return acc + "|" + flagNames(rest, openFlagNames, "")
}

var atFlagNames = []flagName{
	{abi.AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"}, {abi.AT_REMOVEDIR, "AT_REMOVEDIR"},
	{abi.AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW"}, {abi.AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT"},
	{abi.AT_EMPTY_PATH, "AT_EMPTY_PATH"},
}

var protNames = []flagName{
	{abi.PROT_READ, "PROT_READ"}, {abi.PROT_WRITE, "PROT_WRITE"}, {abi.PROT_EXEC, "PROT_EXEC"},
}

var mapFlagNames = []flagName{
	{abi.MAP_FIXED, "MAP_FIXED"}, {abi.MAP_ANONYMOUS, "MAP_ANONYMOUS"}, {abi.MAP_GROWSDOWN, "MAP_GROWSDOWN"},
	{abi.MAP_DENYWRITE, "MAP_DENYWRITE"}, {abi.MAP_EXECUTABLE, "MAP_EXECUTABLE"}, {abi.MAP_LOCKED, "MAP_LOCKED"},
	{abi.MAP_NORESERVE, "MAP_NORESERVE"}, {abi.MAP_POPULATE, "MAP_POPULATE"}, {abi.MAP_NONBLOCK, "MAP_NONBLOCK"},
	{abi.MAP_STACK, "MAP_STACK"}, {abi.MAP_HUGETLB, "MAP_HUGETLB"}, {abi.MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"},
}

func formatMapFlags(v uint64) string {
	typ := map[uint64]string{abi.MAP_SHARED: "MAP_SHARED", abi.MAP_PRIVATE: "MAP_PRIVATE", abi.MAP_SHARED_VALIDATE: "MAP_SHARED_VALIDATE"}[v&abi.MAP_TYPE]
	if typ == "" {
		typ = "0x" + strconv.FormatUint(v&abi.MAP_TYPE, 16)
	}
	if rest := v &^ abi.MAP_TYPE; rest != 0 {
		return typ + "|" + flagNames(rest, mapFlagNames, "")
	}
	return typ
}

var clockNames = map[int32]string{
	abi.CLOCK_REALTIME: "CLOCK_REALTIME", abi.CLOCK_MONOTONIC: "CLOCK_MONOTONIC",
	abi.CLOCK_PROCESS_CPUTIME_ID: "CLOCK_PROCESS_CPUTIME_ID", abi.CLOCK_THREAD_CPUTIME_ID: "CLOCK_THREAD_CPUTIME_ID",
	abi.CLOCK_MONOTONIC_RAW: "CLOCK_MONOTONIC_RAW", abi.CLOCK_REALTIME_COARSE: "CLOCK_REALTIME_COARSE",
	abi.CLOCK_MONOTONIC_COARSE: "CLOCK_MONOTONIC_COARSE", abi.CLOCK_BOOTTIME: "CLOCK_BOOTTIME",
}

// errnoText is strerror's text for the errnos strace users meet most.
var errnoText = map[abi.Errno]string{
	abi.EPERM: "Operation not permitted", abi.ENOENT: "No such file or directory",
	abi.ESRCH: "No such process", abi.EINTR: "Interrupted system call", abi.EIO: "Input/output error",
	abi.ENXIO: "No such device or address", abi.E2BIG: "Argument list too long",
	abi.ENOEXEC: "Exec format error", abi.EBADF: "Bad file descriptor", abi.ECHILD: "No child processes",
	abi.EAGAIN: "Resource temporarily unavailable", abi.ENOMEM: "Cannot allocate memory",
	abi.EACCES: "Permission denied", abi.EFAULT: "Bad address", abi.EBUSY: "Device or resource busy",
	abi.EEXIST: "File exists", abi.EXDEV: "Invalid cross-device link", abi.ENODEV: "No such device",
	abi.ENOTDIR: "Not a directory", abi.EISDIR: "Is a directory", abi.EINVAL: "Invalid argument",
	abi.ENFILE: "Too many open files in system", abi.EMFILE: "Too many open files",
	abi.ENOTTY: "Inappropriate ioctl for device", abi.ETXTBSY: "Text file busy",
	abi.EFBIG: "File too large", abi.ENOSPC: "No space left on device", abi.ESPIPE: "Illegal seek",
	abi.EROFS: "Read-only file system", abi.EMLINK: "Too many links", abi.EPIPE: "Broken pipe",
	abi.EDOM: "Numerical argument out of domain", abi.ERANGE: "Numerical result out of range",
	abi.EDEADLK: "Resource deadlock avoided", abi.ENAMETOOLONG: "File name too long",
	abi.ENOSYS: "Function not implemented", abi.ENOTEMPTY: "Directory not empty",
	abi.ELOOP: "Too many levels of symbolic links", abi.EOVERFLOW: "Value too large for defined data type",
	abi.EOPNOTSUPP: "Operation not supported", abi.ETIMEDOUT: "Connection timed out",
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func le64(b []byte) uint64 {
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

var cloneFlagNames = []flagName{
	{abi.CLONE_VM, "CLONE_VM"}, {abi.CLONE_FS, "CLONE_FS"}, {abi.CLONE_FILES, "CLONE_FILES"},
	{abi.CLONE_SIGHAND, "CLONE_SIGHAND"}, {abi.CLONE_PIDFD, "CLONE_PIDFD"}, {abi.CLONE_PTRACE, "CLONE_PTRACE"},
	{abi.CLONE_VFORK, "CLONE_VFORK"}, {abi.CLONE_PARENT, "CLONE_PARENT"}, {abi.CLONE_THREAD, "CLONE_THREAD"},
	{abi.CLONE_NEWNS, "CLONE_NEWNS"}, {abi.CLONE_SYSVSEM, "CLONE_SYSVSEM"}, {abi.CLONE_SETTLS, "CLONE_SETTLS"},
	{abi.CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID"}, {abi.CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID"},
	{abi.CLONE_DETACHED, "CLONE_DETACHED"}, {abi.CLONE_UNTRACED, "CLONE_UNTRACED"},
	{abi.CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID"}, {abi.CLONE_NEWCGROUP, "CLONE_NEWCGROUP"},
	{abi.CLONE_NEWUTS, "CLONE_NEWUTS"}, {abi.CLONE_NEWIPC, "CLONE_NEWIPC"}, {abi.CLONE_NEWUSER, "CLONE_NEWUSER"},
	{abi.CLONE_NEWPID, "CLONE_NEWPID"}, {abi.CLONE_NEWNET, "CLONE_NEWNET"}, {abi.CLONE_IO, "CLONE_IO"},
}

// formatCloneFlags shows clone's flags as strace does, the exit signal last.
func formatCloneFlags(v uint64) string {
	s := flagNames(v&^abi.CSIGNAL, cloneFlagNames, "")
	if sig := int(v & abi.CSIGNAL); sig != 0 {
		if s != "" {
			s += "|"
		}
		s += abi.SignalName(sig)
	}
	if s == "" {
		return "0"
	}
	return s
}

var futexOpNames = map[uint64]string{
	abi.FUTEX_WAIT: "FUTEX_WAIT", abi.FUTEX_WAKE: "FUTEX_WAKE", abi.FUTEX_FD: "FUTEX_FD",
	abi.FUTEX_REQUEUE: "FUTEX_REQUEUE", abi.FUTEX_CMP_REQUEUE: "FUTEX_CMP_REQUEUE",
	abi.FUTEX_WAKE_OP: "FUTEX_WAKE_OP", abi.FUTEX_LOCK_PI: "FUTEX_LOCK_PI",
	abi.FUTEX_UNLOCK_PI: "FUTEX_UNLOCK_PI", abi.FUTEX_TRYLOCK_PI: "FUTEX_TRYLOCK_PI",
	abi.FUTEX_WAIT_BITSET: "FUTEX_WAIT_BITSET", abi.FUTEX_WAKE_BITSET: "FUTEX_WAKE_BITSET",
}

// formatFutexOp shows a futex operation as strace does: FUTEX_WAIT_PRIVATE.
func formatFutexOp(v uint64) string {
	name, ok := futexOpNames[v&0x7f]
	if !ok {
		return "0x" + strconv.FormatUint(v, 16)
	}
	if v&abi.FUTEX_PRIVATE_FLAG != 0 {
		name += "_PRIVATE"
	}
	if v&abi.FUTEX_CLOCK_REALTIME != 0 {
		name += "|FUTEX_CLOCK_REALTIME"
	}
	return name
}

// formatInetSockaddr shows a struct sockaddr_in or sockaddr_in6 as strace
// does: {sa_family=AF_INET, sin_port=htons(80),
// sin_addr=inet_addr("127.0.0.1")}, or {sa_family=AF_INET6,
// sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1",
// &sin6_addr), sin6_scope_id=0} (no scope id in a 24-byte one). One too
// short for its family shows the family alone.
func formatInetSockaddr(b []byte) string {
	fam := le.Uint16(b)
	port := func() string { return "htons(" + strconv.Itoa(int(binary.BigEndian.Uint16(b[2:]))) + ")" }
	switch {
	case fam == kernel.AF_INET && len(b) >= kernel.SizeofSockaddrIn:
		a := netip.AddrFrom4([4]byte(b[4:8]))
		return "{sa_family=AF_INET, sin_port=" + port() + ", sin_addr=inet_addr(\"" + a.String() + "\")}"
	case fam == kernel.AF_INET6 && len(b) >= 24:
		a := netip.AddrFrom16([16]byte(b[8:24]))
		s := "{sa_family=AF_INET6, sin6_port=" + port() + ", sin6_flowinfo=htonl(" + strconv.FormatUint(uint64(binary.BigEndian.Uint32(b[4:])), 10) +
			"), inet_pton(AF_INET6, \"" + a.String() + "\", &sin6_addr)"
		if len(b) >= kernel.SizeofSockaddrIn6 {
			s += ", sin6_scope_id=" + strconv.FormatUint(uint64(le.Uint32(b[24:])), 10)
		}
		return s + "}"
	}
	return "{sa_family=" + formatSockDomain(uint64(fam)) + "}"
}
