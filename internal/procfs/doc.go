// Package procfs is vessel's /proc and /sys: filesystems whose files are
// generated from the kernel's state, in Linux's formats (proc(5), Linux
// 6.1's fs/proc, the riscv64 cpuinfo). It sits above internal/kernel and
// below the syscall layer; the root package mounts New at /proc and
// NewSysfs at /sys (vessel.go's mountDefaults).
//
// # Design
//
// Both are trees of vfs.Nodes. Directories with fixed entries (/proc/sys,
// /sys) are built once; /proc's root lists its fixed files, self,
// thread-self and a directory per process in the caller's PID namespace
// (there is one today), and finds any live task's id, a thread's too, as
// Linux does. /proc/PID stands for a process and /proc/PID/task/TID for a
// thread: each holds the *kernel.ThreadGroup or *kernel.Task it was found
// for, so its files read ESRCH once that process is reaped (or the thread
// gone) and never describe another process that got the pid.
//
// A file's text is rendered when it is read at offset 0 (genFile, like
// Linux's seq_file): reads further on continue in that rendering, a read
// back at 0 renders again. Every figure comes from a kernel.ProcInfo or
// kernel.SysInfo snapshot (internal/kernel/procinfo.go), taken under
// Kernel.mu, so one file is consistent within itself. The links fd/N,
// cwd, root and exe are vfs.MagicLinks: readlink gives the path, following
// them jumps to the open file or directory itself.
//
// Who reads matters in three places, all through the vfs.Caller: the
// text of /proc/self and /proc/thread-self (the caller's pid and tid when
// it is a *kernel.Task; ENOENT for anyone else), ptrace_may_access for the
// private files (environ, auxv, maps, smaps_rollup, io, fd/, fdinfo/N and the
// links: the caller's own process, uid 0, or a caller whose filesystem
// ids are the target's real, effective and saved ids; EACCES otherwise),
// and writes to comm (a thread of the same process only; EINVAL for
// others, as Linux's comm_write). Files are owned by the task's effective
// uid and gid with Linux's modes, so the vfs refuses other users' writes
// (EACCES at open) and a write to a file without a writer is EINVAL.
//
// # What vessel does not keep
//
// Where the kernel keeps no state for a field, the file shows what Linux
// shows for an idle system or a reader without ptrace access, and the
// function that renders it says so: the load averages; I/O counters
// (/proc/PID/io); major faults, run-queue wait (schedstat); the
// initial stack pointer and the argument and environment bounds of stat.
// Lines whose value vessel cannot know (status's VmPeak and VmHWM; smaps_rollup's
// proportional and clean/dirty sizes; sched's load averages) are left out
// rather than invented.
//
// # Locking
//
// procfs holds no lock of its own across calls into the kernel or the
// vfs; the devFinder and an open file's rendering have a mutex each
// (leaves). The kernel's snapshots take Kernel.mu, and the address
// space's lock under it; descriptor tables and fs contexts are taken with
// a reference and looked at after Kernel.mu is released.
package procfs
