package syscalls

import "vessel/internal/abi"

// Shorthands for argument lists.
type a = []format

// table is the riscv64 syscall table, indexed by syscall number. A number
// without a row returns ENOSYS and is logged once.
var table = [abi.MaxSyscall]row{
	// Files and descriptors.
	abi.SYS_OPENAT:      {"openat", sysOpenat, a{fAtFD, fPath, fOpenFlags, fOct}, fFD, Full, ""},
	abi.SYS_CLOSE:       {"close", sysClose, a{fFD}, fInt, Full, ""},
	abi.SYS_CLOSE_RANGE: {"close_range", sysCloseRange, a{fUint, fUint, fHex}, fInt, Full, ""},
	abi.SYS_READ:        {"read", sysRead, a{fFD, fBufOut, fUint}, fInt, Full, ""},
	abi.SYS_WRITE:       {"write", sysWrite, a{fFD, fBufIn, fUint}, fInt, Full, ""},
	abi.SYS_READV:       {"readv", sysReadv, a{fFD, fPtr, fUint}, fInt, Full, ""},
	abi.SYS_WRITEV:      {"writev", sysWritev, a{fFD, fPtr, fUint}, fInt, Full, ""},
	abi.SYS_PREAD64:     {"pread64", sysPread64, a{fFD, fBufOut, fUint, fInt}, fInt, Full, ""},
	abi.SYS_PWRITE64:    {"pwrite64", sysPwrite64, a{fFD, fBufIn, fUint, fInt}, fInt, Full, ""},
	abi.SYS_LSEEK:       {"lseek", sysLseek, a{fFD, fInt, fInt32}, fInt, Full, ""},
	abi.SYS_FSTAT:       {"fstat", sysFstat, a{fFD, fPtr}, fInt, Full, ""},
	abi.SYS_NEWFSTATAT:  {"newfstatat", sysNewfstatat, a{fAtFD, fPath, fPtr, fAtFlags}, fInt, Full, ""},
	abi.SYS_STATX:       {"statx", sysStatx, a{fAtFD, fPath, fAtFlags, fHex, fPtr}, fInt, Partial, "basic stats only (no btime, attributes or mount id)"},
	abi.SYS_GETDENTS64:  {"getdents64", sysGetdents64, a{fFD, fPtr, fUint}, fInt, Full, ""},
	abi.SYS_MKDIRAT:     {"mkdirat", sysMkdirat, a{fAtFD, fPath, fOct}, fInt, Full, ""},
	abi.SYS_UNLINKAT:    {"unlinkat", sysUnlinkat, a{fAtFD, fPath, fAtFlags}, fInt, Full, ""},
	abi.SYS_RENAMEAT2:   {"renameat2", sysRenameat2, a{fAtFD, fPath, fAtFD, fPath, fHex}, fInt, Full, ""},
	abi.SYS_READLINKAT:  {"readlinkat", sysReadlinkat, a{fAtFD, fPath, fBufOut, fUint}, fInt, Full, ""},
	abi.SYS_SYMLINKAT:   {"symlinkat", sysSymlinkat, a{fPath, fAtFD, fPath}, fInt, Full, ""},
	abi.SYS_LINKAT:      {"linkat", sysLinkat, a{fAtFD, fPath, fAtFD, fPath, fAtFlags}, fInt, Full, ""},
	abi.SYS_FACCESSAT:   {"faccessat", sysFaccessat, a{fAtFD, fPath, fOct}, fInt, Full, ""},
	abi.SYS_FACCESSAT2:  {"faccessat2", sysFaccessat2, a{fAtFD, fPath, fOct, fAtFlags}, fInt, Full, ""},
	abi.SYS_FCHMODAT:    {"fchmodat", sysFchmodat, a{fAtFD, fPath, fOct}, fInt, Full, ""},
	abi.SYS_FCHMOD:      {"fchmod", sysFchmod, a{fFD, fOct}, fInt, Full, ""},
	abi.SYS_FCHOWNAT:    {"fchownat", sysFchownat, a{fAtFD, fPath, fInt32, fInt32, fAtFlags}, fInt, Full, ""},
	abi.SYS_FCHOWN:      {"fchown", sysFchown, a{fFD, fInt32, fInt32}, fInt, Full, ""},
	abi.SYS_UTIMENSAT:   {"utimensat", sysUtimensat, a{fAtFD, fPath, fPtr, fAtFlags}, fInt, Full, ""},
	abi.SYS_FTRUNCATE:   {"ftruncate", sysFtruncate, a{fFD, fInt}, fInt, Full, ""},
	abi.SYS_TRUNCATE:    {"truncate", sysTruncate, a{fPath, fInt}, fInt, Full, ""},
	abi.SYS_FSYNC:       {"fsync", sysFsync, a{fFD}, fInt, Full, ""},
	abi.SYS_FDATASYNC:   {"fdatasync", sysFsync, a{fFD}, fInt, Full, ""},
	abi.SYS_GETCWD:      {"getcwd", sysGetcwd, a{fBufOut, fUint}, fInt, Full, ""},
	abi.SYS_CHDIR:       {"chdir", sysChdir, a{fPath}, fInt, Full, ""},
	abi.SYS_FCHDIR:      {"fchdir", sysFchdir, a{fFD}, fInt, Full, ""},
	abi.SYS_UMASK:       {"umask", sysUmask, a{fOct}, fOct, Full, ""},
	abi.SYS_DUP:         {"dup", sysDup, a{fFD}, fFD, Full, ""},
	abi.SYS_DUP3:        {"dup3", sysDup3, a{fFD, fFD, fOpenFlags}, fFD, Full, ""},
	abi.SYS_FCNTL:       {"fcntl", sysFcntl, a{fFD, fInt32, fHex}, fInt, Partial, "F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL; locks come with the files issue"},
	abi.SYS_IOCTL:       {"ioctl", sysIoctl, a{fFD, fHex, fHex}, fInt, Partial, "TCGETS and TIOCGWINSZ on terminals, FIOCLEX, FIONCLEX, FIONBIO"},

	// Memory.
	abi.SYS_BRK:      {"brk", sysBrk, a{fPtr}, fHex, Full, ""},
	abi.SYS_MMAP:     {"mmap", sysMmap, a{fPtr, fUint, fProt, fMapFlags, fFD, fHex}, fHex, Partial, "MAP_SHARED file mappings are not yet written back"},
	abi.SYS_MUNMAP:   {"munmap", sysMunmap, a{fPtr, fUint}, fInt, Full, ""},
	abi.SYS_MPROTECT: {"mprotect", sysMprotect, a{fPtr, fUint, fProt}, fInt, Full, ""},
	abi.SYS_MREMAP:   {"mremap", sysMremap, a{fPtr, fUint, fUint, fHex, fPtr}, fHex, Full, ""},
	abi.SYS_MADVISE:  {"madvise", sysMadvise, a{fPtr, fUint, fInt32}, fInt, Full, ""},
	abi.SYS_MSYNC:    {"msync", sysMsync, a{fPtr, fUint, fHex}, fInt, Partial, "checks arguments; shared file write-back comes with the page cache"},

	// Identity and process.
	abi.SYS_GETPID:          {"getpid", sysGetpid, a{}, fInt, Full, ""},
	abi.SYS_GETPPID:         {"getppid", sysGetppid, a{}, fInt, Full, ""},
	abi.SYS_GETTID:          {"gettid", sysGettid, a{}, fInt, Full, ""},
	abi.SYS_GETUID:          {"getuid", sysGetuid, a{}, fInt, Full, ""},
	abi.SYS_GETEUID:         {"geteuid", sysGeteuid, a{}, fInt, Full, ""},
	abi.SYS_GETGID:          {"getgid", sysGetgid, a{}, fInt, Full, ""},
	abi.SYS_GETEGID:         {"getegid", sysGetegid, a{}, fInt, Full, ""},
	abi.SYS_GETGROUPS:       {"getgroups", sysGetgroups, a{fInt32, fPtr}, fInt, Full, ""},
	abi.SYS_SET_TID_ADDRESS: {"set_tid_address", sysSetTidAddress, a{fPtr}, fInt, Full, ""},
	abi.SYS_SET_ROBUST_LIST: {"set_robust_list", sysSetRobustList, a{fPtr, fUint}, fInt, Full, ""},
	abi.SYS_PRCTL:           {"prctl", sysPrctl, a{fInt32, fHex, fHex, fHex, fHex}, fInt, Partial, "PR_SET_NAME, PR_GET_NAME, PR_SET_PDEATHSIG, PR_GET_PDEATHSIG, PR_SET_CHILD_SUBREAPER, PR_GET_CHILD_SUBREAPER"},
	abi.SYS_EXIT:            {"exit", sysExit, a{fInt32}, fNone, Full, ""},
	abi.SYS_EXIT_GROUP:      {"exit_group", sysExitGroup, a{fInt32}, fNone, Full, ""},

	// Process life.
	abi.SYS_CLONE:                  {"clone", sysClone, a{fCloneFlags, fPtr, fPtr, fPtr, fPtr}, fInt, Partial, "no namespaces yet (EINVAL)"},
	abi.SYS_CLONE3:                 {"clone3", sysClone3, a{fPtr, fUint}, fInt, Partial, "no set_tid, cgroup or namespaces yet (EINVAL)"},
	abi.SYS_EXECVE:                 {"execve", sysExecve, a{fPath, fStrings, fStrings}, fInt, Full, ""},
	abi.SYS_EXECVEAT:               {"execveat", sysExecveat, a{fAtFD, fPath, fStrings, fStrings, fAtFlags}, fInt, Partial, "not yet from an O_PATH descriptor"},
	abi.SYS_WAIT4:                  {"wait4", sysWait4, a{fInt32, fPtr, fHex, fPtr}, fInt, Full, ""},
	abi.SYS_WAITID:                 {"waitid", sysWaitid, a{fInt32, fInt32, fPtr, fHex, fPtr}, fInt, Full, ""},
	abi.SYS_GETPRIORITY:            {"getpriority", sysGetpriority, a{fInt32, fInt32}, fInt, Full, ""},
	abi.SYS_SETPRIORITY:            {"setpriority", sysSetpriority, a{fInt32, fInt32, fInt32}, fInt, Full, ""},
	abi.SYS_SCHED_SETSCHEDULER:     {"sched_setscheduler", sysSchedSetscheduler, a{fInt32, fInt32, fPtr}, fInt, Full, ""},
	abi.SYS_SCHED_GETSCHEDULER:     {"sched_getscheduler", sysSchedGetscheduler, a{fInt32}, fInt, Full, ""},
	abi.SYS_SCHED_SETPARAM:         {"sched_setparam", sysSchedSetparam, a{fInt32, fPtr}, fInt, Full, ""},
	abi.SYS_SCHED_GETPARAM:         {"sched_getparam", sysSchedGetparam, a{fInt32, fPtr}, fInt, Full, ""},
	abi.SYS_SCHED_GET_PRIORITY_MAX: {"sched_get_priority_max", sysSchedGetPriorityMax, a{fInt32}, fInt, Full, ""},
	abi.SYS_SCHED_GET_PRIORITY_MIN: {"sched_get_priority_min", sysSchedGetPriorityMin, a{fInt32}, fInt, Full, ""},
	abi.SYS_SCHED_RR_GET_INTERVAL:  {"sched_rr_get_interval", sysSchedRRGetInterval, a{fInt32, fPtr}, fInt, Full, ""},
	abi.SYS_SCHED_GETAFFINITY:      {"sched_getaffinity", sysSchedGetaffinity, a{fInt32, fUint, fPtr}, fInt, Full, "one virtual CPU"},
	abi.SYS_SCHED_SETAFFINITY:      {"sched_setaffinity", sysSchedSetaffinity, a{fInt32, fUint, fPtr}, fInt, Full, "one virtual CPU"},
	abi.SYS_KILL:                   {"kill", sysKill, a{fInt32, fSignal}, fInt, Partial, "default actions (terminate, core, stop, continue, ignore); caught signals stay pending until handlers land"},
	abi.SYS_TGKILL:                 {"tgkill", sysTgkill, a{fInt32, fInt32, fSignal}, fInt, Partial, "as kill"},
	abi.SYS_TKILL:                  {"tkill", sysTkill, a{fInt32, fSignal}, fInt, Partial, "as kill"},
	abi.SYS_PIDFD_OPEN:             {"pidfd_open", sysPidfdOpen, a{fInt32, fHex}, fFD, Full, ""},
	abi.SYS_PIDFD_SEND_SIGNAL:      {"pidfd_send_signal", sysPidfdSendSignal, a{fFD, fSignal, fPtr, fHex}, fInt, Partial, "no siginfo argument yet"},
	abi.SYS_SCHED_YIELD:            {"sched_yield", sysSchedYield, a{}, fInt, Full, ""},
	abi.SYS_FUTEX:                  {"futex", sysFutex, a{fPtr, fFutexOp, fUint, fPtr, fPtr, fHex}, fInt, Partial, "no priority-inheritance operations"},

	// Limits and system information.
	abi.SYS_PRLIMIT64:     {"prlimit64", sysPrlimit64, a{fInt32, fInt32, fPtr, fPtr}, fInt, Full, ""},
	abi.SYS_GETRLIMIT:     {"getrlimit", sysGetrlimit, a{fInt32, fPtr}, fInt, Full, ""},
	abi.SYS_SETRLIMIT:     {"setrlimit", sysSetrlimit, a{fInt32, fPtr}, fInt, Full, ""},
	abi.SYS_GETRUSAGE:     {"getrusage", sysGetrusage, a{fInt32, fPtr}, fInt, Full, ""},
	abi.SYS_TIMES:         {"times", sysTimes, a{fPtr}, fInt, Full, ""},
	abi.SYS_UNAME:         {"uname", sysUname, a{fPtr}, fInt, Full, ""},
	abi.SYS_SYSINFO:       {"sysinfo", sysSysinfo, a{fPtr}, fInt, Partial, "memory figures are nominal"},
	abi.SYS_GETRANDOM:     {"getrandom", sysGetrandom, a{fPtr, fUint, fHex}, fInt, Full, ""},
	abi.SYS_RISCV_HWPROBE: {"riscv_hwprobe", sysRiscvHwprobe, a{fPtr, fUint, fUint, fPtr, fHex}, fInt, Full, "reports IMA, F, D and C only"},

	// Time.
	abi.SYS_CLOCK_GETTIME:   {"clock_gettime", sysClockGettime, a{fClock, fPtr}, fInt, Full, ""},
	abi.SYS_CLOCK_GETRES:    {"clock_getres", sysClockGetres, a{fClock, fPtr}, fInt, Full, ""},
	abi.SYS_GETTIMEOFDAY:    {"gettimeofday", sysGettimeofday, a{fPtr, fPtr}, fInt, Full, ""},
	abi.SYS_NANOSLEEP:       {"nanosleep", sysNanosleep, a{fPtr, fPtr}, fInt, Partial, "not interruptible until signals land"},
	abi.SYS_CLOCK_NANOSLEEP: {"clock_nanosleep", sysClockNanosleep, a{fClock, fHex, fPtr, fPtr}, fInt, Partial, "not interruptible until signals land"},

	// Signals (dispositions and masks are recorded; delivery is the signals issue).
	abi.SYS_RT_SIGACTION:   {"rt_sigaction", sysRtSigaction, a{fSignal, fPtr, fPtr, fUint}, fInt, Partial, "recorded; handlers are not yet called"},
	abi.SYS_RT_SIGPROCMASK: {"rt_sigprocmask", sysRtSigprocmask, a{fInt32, fPtr, fPtr, fUint}, fInt, Full, ""},
}
