package kernel

import (
	"fmt"

	"vessel/internal/abi"
	"vessel/internal/trace"
)

// ExitGroup ends every thread of t's process with the given exit code (the
// low 8 bits count), as exit_group(2). The run loop returns after the
// current syscall.
func (t *Task) ExitGroup(code int) {
	t.k.exitGroup(t, int32(code&0xff)<<8)
}

// killGroup ends t's process as if killed by sig. The wait status carries
// the core flag only when the signal's default action dumps core and
// RLIMIT_CORE allows it, as in Linux (vessel writes no core file).
func (k *Kernel) killGroup(t *Task, sig int) {
	status := int32(sig)
	if coreSignal(sig) && t.Limits[abi.RLIMIT_CORE].Cur > 0 {
		status |= 0x80
	}
	k.exitGroup(t, status)
}

func coreSignal(sig int) bool {
	switch sig {
	case abi.SIGQUIT, abi.SIGILL, abi.SIGTRAP, abi.SIGABRT, abi.SIGBUS, abi.SIGFPE,
		abi.SIGSEGV, abi.SIGXCPU, abi.SIGXFSZ, abi.SIGSYS:
		return true
	}
	return false
}

// exitGroup releases t's resources and makes it a zombie with the given wait
// status. Exit of PID 1 ends the kernel's run (Wait returns).
func (k *Kernel) exitGroup(t *Task, status int32) {
	if t.exiting {
		return
	}
	t.exiting = true
	t.exitCode = status
	t.release()
	t.setState(StateZombie)
	if b := k.cfg.Trace; b.Enabled() {
		text := fmt.Sprintf("exited with %d", status>>8&0xff)
		if status&0x7f != 0 {
			text = "killed by " + abi.SignalName(int(status&0x7f))
			if status&0x80 != 0 {
				text += " (core dumped)"
			}
		}
		b.Publish(&trace.Event{Kind: trace.KindExit, Time: k.Clock(), Pid: t.Tgid, Tid: t.Tid, Code: int(status), Text: text})
	}
	if t.Tid == 1 {
		k.status = status
		close(k.done)
	}
}

// release drops the task's address space and descriptors.
func (t *Task) release() {
	if t.MM != nil {
		t.MM.Release()
	}
	if t.FDs != nil {
		t.FDs.DecRef()
		t.FDs = nil
	}
	if t.FS != nil {
		t.FS.DecRef()
		t.FS = nil
	}
}
