package abi

// mmap protections and flags (asm-generic/mman-common.h).
const (
	PROT_NONE  = 0x0
	PROT_READ  = 0x1
	PROT_WRITE = 0x2
	PROT_EXEC  = 0x4

	MAP_SHARED          = 0x01
	MAP_PRIVATE         = 0x02
	MAP_SHARED_VALIDATE = 0x03
	MAP_TYPE            = 0x0f
	MAP_FIXED           = 0x10
	MAP_ANONYMOUS       = 0x20
	MAP_GROWSDOWN       = 0x0100
	MAP_DENYWRITE       = 0x0800
	MAP_EXECUTABLE      = 0x1000
	MAP_LOCKED          = 0x2000
	MAP_NORESERVE       = 0x4000
	MAP_POPULATE        = 0x8000
	MAP_NONBLOCK        = 0x10000
	MAP_STACK           = 0x20000
	MAP_HUGETLB         = 0x40000
	MAP_SYNC            = 0x80000
	MAP_FIXED_NOREPLACE = 0x100000

	MREMAP_MAYMOVE   = 1
	MREMAP_FIXED     = 2
	MREMAP_DONTUNMAP = 4

	MADV_NORMAL     = 0
	MADV_RANDOM     = 1
	MADV_SEQUENTIAL = 2
	MADV_WILLNEED   = 3
	MADV_DONTNEED   = 4
	MADV_FREE       = 8
	MADV_REMOVE     = 9
	MADV_DONTFORK   = 10
	MADV_DOFORK     = 11
	MADV_HUGEPAGE   = 14
	MADV_NOHUGEPAGE = 15
	MADV_DONTDUMP   = 16
	MADV_DODUMP     = 17
)

// open flags (asm-generic/fcntl.h; riscv64 uses the generic values).
const (
	O_ACCMODE   = 0o3
	O_RDONLY    = 0o0
	O_WRONLY    = 0o1
	O_RDWR      = 0o2
	O_CREAT     = 0o100
	O_EXCL      = 0o200
	O_NOCTTY    = 0o400
	O_TRUNC     = 0o1000
	O_APPEND    = 0o2000
	O_NONBLOCK  = 0o4000
	O_DSYNC     = 0o10000
	O_ASYNC     = 0o20000
	O_DIRECT    = 0o40000
	O_LARGEFILE = 0o100000
	O_DIRECTORY = 0o200000
	O_NOFOLLOW  = 0o400000
	O_NOATIME   = 0o1000000
	O_CLOEXEC   = 0o2000000
	O_SYNC      = 0o4010000
	O_PATH      = 0o10000000
	O_TMPFILE   = 0o20200000

	AT_FDCWD            = -100
	AT_SYMLINK_NOFOLLOW = 0x100
	AT_EACCESS          = 0x200
	AT_REMOVEDIR        = 0x200
	AT_SYMLINK_FOLLOW   = 0x400
	AT_NO_AUTOMOUNT     = 0x800
	AT_EMPTY_PATH       = 0x1000
	AT_STATX_SYNC_TYPE  = 0x6000

	F_DUPFD         = 0
	F_GETFD         = 1
	F_SETFD         = 2
	F_GETFL         = 3
	F_SETFL         = 4
	F_GETLK         = 5
	F_SETLK         = 6
	F_SETLKW        = 7
	F_OFD_GETLK     = 36
	F_OFD_SETLK     = 37
	F_OFD_SETLKW    = 38
	F_RDLCK         = 0
	F_WRLCK         = 1
	F_UNLCK         = 2
	LOCK_SH         = 1
	LOCK_EX         = 2
	LOCK_NB         = 4
	LOCK_UN         = 8
	F_DUPFD_CLOEXEC = 1030
	F_GETPIPE_SZ    = 1032
	F_SETPIPE_SZ    = 1031
	FD_CLOEXEC      = 1

	SEEK_SET  = 0
	SEEK_CUR  = 1
	SEEK_END  = 2
	SEEK_DATA = 3
	SEEK_HOLE = 4

	RENAME_NOREPLACE = 1
	RENAME_EXCHANGE  = 2
	RENAME_WHITEOUT  = 4

	F_OK = 0
	X_OK = 1
	W_OK = 2
	R_OK = 4
)

// File types and permission bits of st_mode.
const (
	S_IFMT   = 0o170000
	S_IFSOCK = 0o140000
	S_IFLNK  = 0o120000
	S_IFREG  = 0o100000
	S_IFBLK  = 0o060000
	S_IFDIR  = 0o040000
	S_IFCHR  = 0o020000
	S_IFIFO  = 0o010000
	S_ISUID  = 0o4000
	S_ISGID  = 0o2000
	S_ISVTX  = 0o1000
)

// Directory entry types of getdents64.
const (
	DT_UNKNOWN = 0
	DT_FIFO    = 1
	DT_CHR     = 2
	DT_DIR     = 4
	DT_BLK     = 6
	DT_REG     = 8
	DT_LNK     = 10
	DT_SOCK    = 12
)

// ioctl requests on terminals (asm-generic/ioctls.h).
const (
	TCGETS     = 0x5401
	TCSETS     = 0x5402
	TCSETSW    = 0x5403
	TCSETSF    = 0x5404
	TIOCSCTTY  = 0x540E
	TIOCGPGRP  = 0x540F
	TIOCSPGRP  = 0x5410
	TIOCGWINSZ = 0x5413
	TIOCSWINSZ = 0x5414
	FIONREAD   = 0x541B
	TIOCNOTTY  = 0x5422
	FIONBIO    = 0x5421
	FIOCLEX    = 0x5451
	FIONCLEX   = 0x5450
)

// Clock ids.
const (
	CLOCK_REALTIME           = 0
	CLOCK_MONOTONIC          = 1
	CLOCK_PROCESS_CPUTIME_ID = 2
	CLOCK_THREAD_CPUTIME_ID  = 3
	CLOCK_MONOTONIC_RAW      = 4
	CLOCK_REALTIME_COARSE    = 5
	CLOCK_MONOTONIC_COARSE   = 6
	CLOCK_BOOTTIME           = 7
	TIMER_ABSTIME            = 1
)

// Resource limits.
const (
	RLIMIT_CPU        = 0
	RLIMIT_FSIZE      = 1
	RLIMIT_DATA       = 2
	RLIMIT_STACK      = 3
	RLIMIT_CORE       = 4
	RLIMIT_RSS        = 5
	RLIMIT_NPROC      = 6
	RLIMIT_NOFILE     = 7
	RLIMIT_MEMLOCK    = 8
	RLIMIT_AS         = 9
	RLIMIT_LOCKS      = 10
	RLIMIT_SIGPENDING = 11
	RLIMIT_MSGQUEUE   = 12
	RLIMIT_NICE       = 13
	RLIMIT_RTPRIO     = 14
	RLIMIT_RTTIME     = 15
	RLIM_NLIMITS      = 16
	RLIM_INFINITY     = ^uint64(0)
)

// Auxiliary vector keys.
const (
	AT_NULL          = 0
	AT_IGNORE        = 1
	AT_EXECFD        = 2
	AT_PHDR          = 3
	AT_PHENT         = 4
	AT_PHNUM         = 5
	AT_PAGESZ        = 6
	AT_BASE          = 7
	AT_FLAGS         = 8
	AT_ENTRY         = 9
	AT_NOTELF        = 10
	AT_UID           = 11
	AT_EUID          = 12
	AT_GID           = 13
	AT_EGID          = 14
	AT_PLATFORM      = 15
	AT_HWCAP         = 16
	AT_CLKTCK        = 17
	AT_SECURE        = 23
	AT_BASE_PLATFORM = 24
	AT_RANDOM        = 25
	AT_HWCAP2        = 26
	AT_EXECFN        = 31
	AT_SYSINFO_EHDR  = 33
	AT_MINSIGSTKSZ   = 51
)

// HWCAP bits on riscv64: one bit per single-letter extension, 'a' is bit 0.
const (
	HWCAP_ISA_I = 1 << ('I' - 'A')
	HWCAP_ISA_M = 1 << ('M' - 'A')
	HWCAP_ISA_A = 1 << ('A' - 'A')
	HWCAP_ISA_F = 1 << ('F' - 'A')
	HWCAP_ISA_D = 1 << ('D' - 'A')
	HWCAP_ISA_C = 1 << ('C' - 'A')
)

// riscv_hwprobe keys and values.
const (
	RISCV_HWPROBE_KEY_MVENDORID          = 0
	RISCV_HWPROBE_KEY_MARCHID            = 1
	RISCV_HWPROBE_KEY_MIMPID             = 2
	RISCV_HWPROBE_KEY_BASE_BEHAVIOR      = 3
	RISCV_HWPROBE_BASE_BEHAVIOR_IMA      = 1 << 0
	RISCV_HWPROBE_KEY_IMA_EXT_0          = 4
	RISCV_HWPROBE_IMA_FD                 = 1 << 0
	RISCV_HWPROBE_IMA_C                  = 1 << 1
	RISCV_HWPROBE_KEY_CPUPERF_0          = 5
	RISCV_HWPROBE_MISALIGNED_EMULATED    = 1 << 0
	RISCV_HWPROBE_KEY_ZICBOZ_BLOCK_SIZE  = 6
	RISCV_HWPROBE_KEY_HIGHEST_VIRT_ADDR  = 7
	RISCV_HWPROBE_KEY_TIME_CSR_FREQ      = 8
	RISCV_HWPROBE_KEY_MISALIGNED_SCALAR  = 9
	RISCV_HWPROBE_MISALIGNED_SCALAR_EMUL = 1
)

// Wait status helpers and flags.
const (
	WNOHANG    = 0x00000001
	WUNTRACED  = 0x00000002
	WSTOPPED   = WUNTRACED
	WEXITED    = 0x00000004
	WCONTINUED = 0x00000008
	WNOWAIT    = 0x01000000
	WNOTHREAD  = 0x20000000
	WALL       = 0x40000000
	WCLONE     = 0x80000000
)

// Clone flags.
const (
	CSIGNAL              = 0x000000ff
	CLONE_VM             = 0x00000100
	CLONE_FS             = 0x00000200
	CLONE_FILES          = 0x00000400
	CLONE_SIGHAND        = 0x00000800
	CLONE_PIDFD          = 0x00001000
	CLONE_PTRACE         = 0x00002000
	CLONE_VFORK          = 0x00004000
	CLONE_PARENT         = 0x00008000
	CLONE_THREAD         = 0x00010000
	CLONE_NEWNS          = 0x00020000
	CLONE_SYSVSEM        = 0x00040000
	CLONE_SETTLS         = 0x00080000
	CLONE_PARENT_SETTID  = 0x00100000
	CLONE_CHILD_CLEARTID = 0x00200000
	CLONE_DETACHED       = 0x00400000
	CLONE_UNTRACED       = 0x00800000
	CLONE_CHILD_SETTID   = 0x01000000
	CLONE_NEWCGROUP      = 0x02000000
	CLONE_NEWUTS         = 0x04000000
	CLONE_NEWIPC         = 0x08000000
	CLONE_NEWUSER        = 0x10000000
	CLONE_NEWPID         = 0x20000000
	CLONE_NEWNET         = 0x40000000
	CLONE_IO             = 0x80000000
)

// utimensat special nanosecond values.
const (
	UTIME_NOW  = (1 << 30) - 1
	UTIME_OMIT = (1 << 30) - 2
)

// waitid(2) id types.
const (
	P_ALL   = 0
	P_PID   = 1
	P_PGID  = 2
	P_PIDFD = 3
)

// futex(2) operations and flags (linux/futex.h).
const (
	FUTEX_WAIT             = 0
	FUTEX_WAKE             = 1
	FUTEX_FD               = 2
	FUTEX_REQUEUE          = 3
	FUTEX_CMP_REQUEUE      = 4
	FUTEX_WAKE_OP          = 5
	FUTEX_LOCK_PI          = 6
	FUTEX_UNLOCK_PI        = 7
	FUTEX_TRYLOCK_PI       = 8
	FUTEX_WAIT_BITSET      = 9
	FUTEX_WAKE_BITSET      = 10
	FUTEX_PRIVATE_FLAG     = 128
	FUTEX_CLOCK_REALTIME   = 256
	FUTEX_CMD_MASK         = ^(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)
	FUTEX_BITSET_MATCH_ANY = 0xffffffff
	FUTEX_WAITERS          = 0x80000000
	FUTEX_OWNER_DIED       = 0x40000000
	FUTEX_TID_MASK         = 0x3fffffff
)

// prctl(2) options beyond the name.
const (
	PR_SET_PDEATHSIG       = 1
	PR_GET_PDEATHSIG       = 2
	PR_SET_NAME            = 15
	PR_GET_NAME            = 16
	PR_SET_CHILD_SUBREAPER = 36
	PR_GET_CHILD_SUBREAPER = 37
)

// epoll(7) events and controls (linux/eventpoll.h).
const (
	EPOLLIN        = 0x001
	EPOLLPRI       = 0x002
	EPOLLOUT       = 0x004
	EPOLLERR       = 0x008
	EPOLLHUP       = 0x010
	EPOLLRDNORM    = 0x040
	EPOLLWRNORM    = 0x100
	EPOLLRDHUP     = 0x2000
	EPOLLEXCLUSIVE = 1 << 28
	EPOLLWAKEUP    = 1 << 29
	EPOLLONESHOT   = 1 << 30
	EPOLLET        = 1 << 31
	EPOLL_CTL_ADD  = 1
	EPOLL_CTL_DEL  = 2
	EPOLL_CTL_MOD  = 3
	EPOLL_CLOEXEC  = O_CLOEXEC
)

// eventfd(2) flags.
const (
	EFD_SEMAPHORE = 1
	EFD_CLOEXEC   = O_CLOEXEC
	EFD_NONBLOCK  = O_NONBLOCK
)

// Timers: setitimer(2), timer_create(2), timerfd_create(2).
const (
	ITIMER_REAL    = 0
	ITIMER_VIRTUAL = 1
	ITIMER_PROF    = 2

	SIGEV_SIGNAL    = 0
	SIGEV_NONE      = 1
	SIGEV_THREAD    = 2
	SIGEV_THREAD_ID = 4

	SI_TIMER = -2
	SI_QUEUE = -1

	TFD_TIMER_ABSTIME       = 1
	TFD_TIMER_CANCEL_ON_SET = 2
	TFD_CLOEXEC             = O_CLOEXEC
	TFD_NONBLOCK            = O_NONBLOCK
)
