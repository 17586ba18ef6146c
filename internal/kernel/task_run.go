package kernel

import (
	"fmt"

	"vessel/internal/abi"
	"vessel/internal/cpu"
	"vessel/internal/trace"
)

// EJUSTRETURN is returned by a syscall handler that has set the task's
// registers itself (execve, rt_sigreturn): a0 is left alone.
const EJUSTRETURN abi.Errno = -1

// start begins t's goroutine; t runs once the scheduler hands it the CPU.
func (t *Task) start() {
	t.wake = make(chan struct{}, 1)
	t.setState(StateNew)
	goTask(t.run)
	t.k.makeRunnable(t)
}

// run is a task's goroutine: it waits for the CPU, then executes guest code
// slice by slice, handling each trap, until the task exits.
func (t *Task) run() {
	<-t.wake
	if t.kernelMain != nil {
		t.kernelMain(t)
		t.exiting = true
		t.exitThread()
		return
	}
	k := t.k
	t.resumed = false
	budget := t.resumeBudget()
	for !t.exiting && !t.tg.exiting.Load() {
		t.stopIfAsked()
		if t.restart != 0 || t.sigHint.Load() {
			t.handleSignals()
		}
		if t.exiting || t.tg.exiting.Load() {
			break // killed while stopped, or by a signal just taken
		}
		before := t.Hart.Instret
		exit := t.Hart.Run(budget)
		ran := t.Hart.Instret - before
		t.UserInsns += ran
		k.ran(t, ran)
		if t.tg.cpuTimers.Load() {
			t.checkCPUTimers()
		}
		switch exit.Reason {
		case cpu.ExitEcall:
			t.syscall()
		case cpu.ExitFault:
			t.fault(exit)
		case cpu.ExitIllegal:
			t.trap(abi.SIGILL, exit, fmt.Sprintf("illegal instruction %#x at pc %#x", exit.Inst, t.Hart.PC))
		case cpu.ExitEbreak:
			t.trap(abi.SIGTRAP, exit, fmt.Sprintf("breakpoint at pc %#x", t.Hart.PC))
		}
		if t.resumed {
			// It slept or yielded in the syscall: a new turn, whose
			// budget runLocked may have worked out.
			t.resumed = false
			if budget = t.turn; budget > 0 && !k.needResched.Load() {
				continue
			}
		} else if ran < budget && !k.needResched.Load() {
			budget -= ran
			continue
		}
		var preempt bool
		if preempt, budget = k.account(t); preempt {
			budget = k.preempt(t)
		}
	}
	t.exitThread()
}

// SyscallCost is the system time, in virtual nanoseconds, charged for each
// syscall: like user time, system time comes from counting, not from the
// host's clock, so that accounting is the same on every run.
const SyscallCost = 100

// syscall handles an ecall: the table reads a7 and a0..a5 and writes a0.
func (t *Task) syscall() {
	t.Hart.PC += 4
	t.Syscalls++
	t.origA0 = t.Hart.X[10]
	t.SysNanos += SyscallCost
	t.k.clock.Add(SyscallCost)
	t.tg.cpuSys.Add(SyscallCost)
	defer func() {
		if r := recover(); r != nil {
			t.k.internalError(t, abi.SyscallName(int(t.Hart.X[17])), r)
			t.k.killGroup(t, abi.SIGSYS)
		}
	}()
	t.k.cfg.Syscalls.Invoke(t)
	// A syscall a signal interrupted leaves its ERESTART* code in a0 for
	// handleSignals to turn into a restart or EINTR.
	if e := abi.Errno(-int64(t.Hart.X[10])); e >= ERESTARTSYS && e <= ERESTART_RESTARTBLOCK {
		t.restart = e
	}
}

// fault turns a memory fault into the signal Linux would send. Signal
// delivery to handlers is a later slice; today the signal kills.
func (t *Task) fault(e cpu.Exit) {
	sig := abi.SIGSEGV
	what := "SEGV_MAPERR"
	switch e.Fault {
	case cpu.FaultAccErr:
		what = "SEGV_ACCERR"
	case cpu.FaultBusErr:
		sig, what = abi.SIGBUS, "BUS_ADRERR"
	case cpu.FaultAdrAln:
		sig, what = abi.SIGBUS, "BUS_ADRALN"
	}
	access := map[int]string{cpu.AccessRead: "read", cpu.AccessWrite: "write", cpu.AccessExec: "execute"}[e.Access]
	t.trap(sig, e, fmt.Sprintf("%s {si_code=%s, si_addr=%#x} (%s at pc %#x)", abi.SignalName(sig), what, e.Addr, access, t.Hart.PC))
}

// trap reports a synchronous signal caused by the hart and forces it on t,
// as Linux's force_sig_fault: a handler that the task does not block runs;
// otherwise (blocked, ignored or default) the process dies of it.
func (t *Task) trap(sig int, e cpu.Exit, text string) {
	if b := t.k.cfg.Trace; b.Enabled() {
		b.Publish(&trace.Event{Kind: trace.KindFault, Time: t.k.Clock(), Pid: t.Tgid, Tid: t.Tid, Code: sig, Text: text})
	}
	info := SigInfo{Signo: sig}
	switch {
	case e.Reason == cpu.ExitFault:
		info.Addr = e.Addr
		info.Code = abi.SEGV_MAPERR
		switch e.Fault {
		case cpu.FaultAccErr:
			info.Code = abi.SEGV_ACCERR
		case cpu.FaultBusErr:
			info.Code = abi.BUS_ADRERR
		case cpu.FaultAdrAln:
			info.Code = abi.BUS_ADRALN
		}
	case sig == abi.SIGILL:
		info.Code, info.Addr = abi.ILL_ILLOPC, t.Hart.PC
	case sig == abi.SIGTRAP:
		info.Code, info.Addr = abi.TRAP_BRKPT, t.Hart.PC
	}
	k := t.k
	k.mu.Lock()
	act := t.Sig.Actions[sig]
	if act.Handler == abi.SIG_DFL || act.Handler == abi.SIG_IGN || t.SigMask&sigBit(sig) != 0 {
		k.mu.Unlock()
		k.killGroup(t, sig)
		return
	}
	t.pending.add(info)
	t.sigHint.Store(true)
	k.mu.Unlock()
}
