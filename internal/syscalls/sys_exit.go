package syscalls

import (
	"vessel/internal/abi"
	"vessel/internal/kernel"
)

// exit(2) ends the calling thread; the last thread's exit ends the process.
func sysExit(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	t.Exit(int(a[0]))
	return 0, kernel.EJUSTRETURN
}

// exit_group(2) ends every thread of the process.
func sysExitGroup(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	t.ExitGroup(int(a[0]))
	return 0, kernel.EJUSTRETURN
}
