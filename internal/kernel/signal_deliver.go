package kernel

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"vessel/internal/abi"
	"vessel/internal/mm"
	"vessel/internal/trace"
)

// Signal delivery, as Linux's arch/riscv/kernel/signal.c. Before a task
// goes back to guest code it takes its pending signals that it does not
// block, lowest number first, thread-directed before process-directed. A
// signal with a handler gets a frame on the guest stack (or the alternate
// stack) and the hart goes to the handler; rt_sigreturn undoes the frame.
//
// The frame, struct rt_sigframe, from the new sp up:
//
//	  0 siginfo_t (128)
//	128 ucontext:   uc_flags (8), uc_link (8), uc_stack (24: ss_sp, ss_flags, ss_size),
//	                uc_sigmask (8, then padding to 128 bytes of mask), and at 176
//	                uc_mcontext: sc_regs (32×8: pc, x1..x31), sc_fpregs (f0..f31, fcsr;
//	                528 bytes, the Q layout's size)
//	1088 end
//
// The handler returns to the rt_sigreturn trampoline (li a7, 139; ecall)
// that vessel maps into every program in place of Linux's vDSO.

// Kernel-internal results of a syscall interrupted by a signal (Linux's
// include/linux/errno.h); never seen by the guest.
const (
	ERESTARTSYS           abi.Errno = 512 // restart if the handler has SA_RESTART, else EINTR
	ERESTARTNOINTR        abi.Errno = 513 // always restart
	ERESTARTNOHAND        abi.Errno = 514 // restart unless a handler runs
	ERESTART_RESTARTBLOCK abi.Errno = 516 // as ERESTARTNOHAND (vessel restarts the call itself)
)

const (
	frameSize    = 1088
	ucOff        = 128
	ucStackOff   = ucOff + 16
	ucMaskOff    = ucOff + 40
	mcontextOff  = ucOff + 176
	fpOff        = mcontextOff + 256
	fcsrOff      = fpOff + 256
	sysRtSigret  = 139 // rt_sigreturn
	minSigStkSz  = 2048
	ssOnStack    = 1
	ssDisable    = 2
	ssAutoDisarm = 1 << 31
)

// AltStack is a task's alternate signal stack (sigaltstack(2)).
type AltStack struct {
	SP    uint64
	Size  uint64
	Flags uint32 // SS_DISABLE, SS_AUTODISARM
}

// onAltStack reports whether sp lies in t's alternate stack.
func (t *Task) onAltStack(sp uint64) bool {
	a := t.AltStack
	return a.Flags&ssDisable == 0 && a.Size != 0 && sp > a.SP && sp-a.SP <= a.Size
}

// altStackFlags is ss_flags as sigaltstack reports the current stack.
func (t *Task) altStackFlags() uint32 {
	switch {
	case t.AltStack.Size == 0 || t.AltStack.Flags&ssDisable != 0:
		return ssDisable
	case t.onAltStack(t.Hart.X[2]):
		return ssOnStack
	}
	return t.AltStack.Flags & ssAutoDisarm
}

// SetAltStack is sigaltstack(2)'s change: EPERM while running on the
// alternate stack, ENOMEM for a stack smaller than MINSIGSTKSZ, EINVAL for
// unknown flags. It returns the old setting as the guest sees it.
func (t *Task) SetAltStack(ss *AltStack) (old AltStack, err abi.Errno) {
	old = AltStack{SP: t.AltStack.SP, Size: t.AltStack.Size, Flags: t.altStackFlags()}
	if ss == nil {
		return old, 0
	}
	if t.onAltStack(t.Hart.X[2]) {
		return old, abi.EPERM
	}
	mode := ss.Flags &^ ssAutoDisarm
	switch mode {
	case 0, ssOnStack:
	case ssDisable:
		t.AltStack = AltStack{Flags: ssDisable}
		return old, 0
	default:
		return old, abi.EINVAL
	}
	if ss.Size < minSigStkSz {
		return old, abi.ENOMEM
	}
	t.AltStack = AltStack{SP: ss.SP, Size: ss.Size, Flags: ss.Flags & ssAutoDisarm}
	return old, 0
}

// SigSuspend is rt_sigsuspend(2): with mask as the blocked set, t sleeps
// until a signal it takes arrives; the handler runs with the old mask
// saved in its frame. It returns ERESTARTNOHAND (EINTR once a handler ran).
func (t *Task) SigSuspend(mask uint64) abi.Errno {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	t.savedMask, t.suspended = t.SigMask, true
	t.SigMask = mask &^ (sigBit(abi.SIGKILL) | sigBit(abi.SIGSTOP))
	var q waitQueue
	for !t.signalPendingLocked() {
		if t.sleepLocked(&q, zeroTime) == interrupted {
			break
		}
	}
	t.sigHint.Store(true)
	return ERESTARTNOHAND
}

// handleSignals runs between a trap and the return to guest code: it
// finishes an interrupted syscall (restart or EINTR) and delivers the
// signals t may take. It returns false when the process is going away.
func (t *Task) handleSignals() {
	k := t.k
	for {
		k.mu.Lock()
		if t.mustExitLocked() {
			k.mu.Unlock()
			return
		}
		sig, info, act, ok := t.dequeueLocked()
		if !ok {
			if t.suspended {
				// No handler ran: the temporary mask of sigsuspend,
				// ppoll or epoll_pwait ends here.
				t.SigMask, t.suspended = t.savedMask, false
			}
			t.sigHint.Store(t.signalPendingLocked())
			k.mu.Unlock()
			t.finishRestart(false, 0)
			if t.sigHint.Load() {
				continue // the old mask lets a pending signal through
			}
			return
		}
		switch {
		case act.Handler == abi.SIG_IGN:
			k.mu.Unlock()
			continue
		case act.Handler == abi.SIG_DFL && t.tg == k.init && sig != abi.SIGKILL && sig != abi.SIGSTOP:
			// Init's default actions do not happen (a signal it blocked
			// and then unblocked without a handler is dropped).
			k.mu.Unlock()
			continue
		case act.Handler == abi.SIG_DFL:
			switch defaultAction(sig) {
			case sigIgnore:
				k.mu.Unlock()
				continue
			case sigStop:
				k.stopLocked(t.tg, sig)
				k.mu.Unlock()
				continue
			}
			k.groupExitLocked(t, t.killStatus(sig))
			k.mu.Unlock()
			t.publishSignal(info)
			return
		}
		if act.Flags&abi.SA_RESETHAND != 0 {
			t.Sig.Actions[sig] = SigAction{}
		}
		k.mu.Unlock()
		t.publishSignal(info)
		t.finishRestart(true, act.Flags)
		if !t.setupFrame(sig, info, act) {
			// No room for the frame: Linux's force_sigsegv.
			k.killGroup(t, abi.SIGSEGV)
			return
		}
	}
}

// dequeueLocked takes the next signal t may take: thread-directed first,
// then process-directed, lowest number first (SIGKILL and SIGSTOP before
// any other).
//
// Preconditions: Kernel.mu is held.
func (t *Task) dequeueLocked() (int, SigInfo, SigAction, bool) {
	for _, p := range [...]*sigPending{&t.pending, &t.tg.pending} {
		avail := p.mask &^ t.SigMask
		if avail == 0 {
			continue
		}
		sig := 0
		for _, s := range [...]int{abi.SIGKILL, abi.SIGSTOP} {
			if avail&sigBit(s) != 0 {
				sig = s
				break
			}
		}
		if sig == 0 {
			for s := 1; s <= abi.NSIG; s++ {
				if avail&sigBit(s) != 0 {
					sig = s
					break
				}
			}
		}
		info := p.take(sig)
		t.timerTakenLocked(&info)
		return sig, info, t.Sig.Actions[sig], true
	}
	return 0, SigInfo{}, SigAction{}, false
}

// finishRestart completes a syscall that a signal interrupted: restart it
// (the hart re-executes the ecall with its first argument back) or make it
// return EINTR, by Linux's rules: with a handler, ERESTARTSYS restarts only
// under SA_RESTART and ERESTARTNOHAND and ERESTART_RESTARTBLOCK never;
// without one, every kind restarts.
func (t *Task) finishRestart(handler bool, flags uint64) {
	r := t.restart
	if r == 0 {
		return
	}
	t.restart = 0
	restart := !handler
	switch r {
	case ERESTARTNOINTR:
		restart = true
	case ERESTARTSYS:
		restart = restart || flags&abi.SA_RESTART != 0
	}
	if restart {
		t.Hart.PC -= 4
		t.Hart.X[10] = t.origA0
		return
	}
	eintr := uint64(abi.EINTR)
	t.Hart.X[10] = -eintr
}

// setupFrame builds the signal frame for a handler and points the hart at
// it, as Linux's setup_rt_frame. It reports false when the frame cannot be
// written.
func (t *Task) setupFrame(sig int, info SigInfo, act SigAction) bool {
	h := t.Hart
	sp := h.X[2]
	if act.Flags&abi.SA_ONSTACK != 0 && t.AltStack.Size != 0 && t.AltStack.Flags&ssDisable == 0 && !t.onAltStack(sp) {
		sp = t.AltStack.SP + t.AltStack.Size
	}
	frame := (sp - frameSize) &^ 15
	var b [frameSize]byte
	le := binary.LittleEndian
	marshalSigInfo(b[:128], info)
	le.PutUint64(b[ucStackOff:], t.AltStack.SP)
	le.PutUint32(b[ucStackOff+8:], t.altStackFlags())
	le.PutUint64(b[ucStackOff+16:], t.AltStack.Size)
	mask := t.SigMask
	if t.suspended {
		mask, t.suspended = t.savedMask, false
	}
	le.PutUint64(b[ucMaskOff:], mask)
	le.PutUint64(b[mcontextOff:], h.PC)
	for i := 1; i < 32; i++ {
		le.PutUint64(b[mcontextOff+8*i:], h.X[i])
	}
	for i := range 32 {
		le.PutUint64(b[fpOff+8*i:], h.F[i])
	}
	le.PutUint32(b[fcsrOff:], h.FCSR)
	if t.MM.CopyOut(frame, b[:]) != 0 {
		return false
	}
	if t.AltStack.Flags&ssAutoDisarm != 0 && t.onAltStack(frame) {
		t.AltStack = AltStack{Flags: ssDisable}
	}
	newMask := mask | act.Mask
	if act.Flags&abi.SA_NODEFER == 0 {
		newMask |= sigBit(sig)
	}
	t.k.mu.Lock()
	t.SigMask = newMask &^ (sigBit(abi.SIGKILL) | sigBit(abi.SIGSTOP))
	t.k.mu.Unlock()
	h.X[1] = t.sigreturn
	h.X[2] = frame
	h.X[10] = uint64(sig)
	h.X[11] = frame
	h.X[12] = frame + ucOff
	h.PC = act.Handler
	h.ClearReservation()
	return true
}

// SigReturn is rt_sigreturn(2): it restores the registers, the mask and
// the alternate stack saved in the frame at sp. A frame that cannot be read
// is a SIGSEGV, as Linux's.
func (t *Task) SigReturn() {
	h := t.Hart
	frame := h.X[2]
	var b [frameSize]byte
	if t.MM.CopyIn(frame, b[:]) != 0 {
		t.k.killGroup(t, abi.SIGSEGV)
		return
	}
	le := binary.LittleEndian
	h.PC = le.Uint64(b[mcontextOff:])
	for i := 1; i < 32; i++ {
		h.X[i] = le.Uint64(b[mcontextOff+8*i:])
	}
	for i := range 32 {
		h.F[i] = le.Uint64(b[fpOff+8*i:])
	}
	h.FCSR = le.Uint32(b[fcsrOff:]) & 0xff
	h.ClearReservation()
	t.SetSigMask(le.Uint64(b[ucMaskOff:]))
	ss := AltStack{SP: le.Uint64(b[ucStackOff:]), Flags: le.Uint32(b[ucStackOff+8:]), Size: le.Uint64(b[ucStackOff+16:])}
	t.SetAltStack(&ss) // as Linux's restore_altstack, errors ignored
	t.sigHint.Store(true)
	t.k.signalEvent(t.Tgid, t.Tid, 0, "returned")
}

// marshalSigInfo writes info as a riscv64 siginfo_t (128 bytes): si_signo,
// si_errno, si_code, then the union at 16.
func marshalSigInfo(b []byte, info SigInfo) {
	le := binary.LittleEndian
	le.PutUint32(b[0:], uint32(info.Signo))
	le.PutUint32(b[4:], uint32(info.Errno))
	le.PutUint32(b[8:], uint32(info.Code))
	switch {
	case info.Addr != 0:
		le.PutUint64(b[16:], info.Addr)
	default:
		le.PutUint32(b[16:], uint32(info.Pid))
		le.PutUint32(b[20:], info.UID)
		if info.Signo == abi.SIGCHLD {
			le.PutUint32(b[24:], uint32(info.Status))
		} else {
			le.PutUint64(b[24:], info.Value)
		}
	}
}

// trampoline is the rt_sigreturn code handlers return to:
// li a7, 139; ecall.
var trampoline = [8]byte{0x93, 0x08, 0xb0, 0x08, 0x73, 0x00, 0x00, 0x00}

// mapTrampoline maps the page holding the rt_sigreturn trampoline into a
// new program's address space (Linux's vDSO provides it) and returns its
// address.
func mapTrampoline(as *mm.AddressSpace) (uint64, abi.Errno) {
	addr, err := as.Mmap(0, abi.PageSize, abi.PROT_READ|abi.PROT_WRITE, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS, nil, 0)
	if err != 0 {
		return 0, err
	}
	if err := as.CopyOut(addr, trampoline[:]); err != 0 {
		return 0, err
	}
	return addr, as.Mprotect(addr, abi.PageSize, abi.PROT_READ|abi.PROT_EXEC)
}

// publishSignal puts a delivered signal on the event bus, worded as strace
// shows it: SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=2, ...}.
func (t *Task) publishSignal(info SigInfo) {
	b := t.k.cfg.Trace
	if !b.Enabled() {
		return
	}
	name := abi.SignalName(info.Signo)
	text := fmt.Sprintf("%s {si_signo=%s, si_code=%s", name, name, siCodeName(info))
	switch {
	case info.Addr != 0:
		text += fmt.Sprintf(", si_addr=%#x", info.Addr)
	case info.Signo == abi.SIGCHLD:
		text += fmt.Sprintf(", si_pid=%d, si_uid=%d, si_status=%d", info.Pid, info.UID, info.Status)
	case info.Code == abi.SI_USER || info.Code == abi.SI_TKILL:
		text += fmt.Sprintf(", si_pid=%d, si_uid=%d", info.Pid, info.UID)
	}
	b.Publish(&trace.Event{Kind: trace.KindSignal, Time: t.k.Clock(), Pid: t.Tgid, Tid: t.Tid, Code: info.Signo, Name: "delivered", Text: text + "}"})
}

// signalEvent puts a signal's fate other than delivery on the event bus:
// generated, ignored, blocked, returned (from a handler), stopped,
// continued. strace shows none of these.
func (k *Kernel) signalEvent(pid, tid int32, sig int, what string) {
	if b := k.cfg.Trace; b.Enabled() {
		b.Publish(&trace.Event{Kind: trace.KindSignal, Time: k.Clock(), Pid: pid, Tid: tid, Code: sig, Name: what})
	}
}

// siCodeName is si_code as strace names it.
func siCodeName(info SigInfo) string {
	switch info.Code {
	case abi.SI_USER:
		return "SI_USER"
	case abi.SI_KERNEL:
		return "SI_KERNEL"
	case abi.SI_TKILL:
		return "SI_TKILL"
	}
	switch info.Signo {
	case abi.SIGCHLD:
		if n := [...]string{"", "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"}; int(info.Code) < len(n) && info.Code > 0 {
			return n[info.Code]
		}
	case abi.SIGSEGV:
		if info.Code == abi.SEGV_MAPERR {
			return "SEGV_MAPERR"
		}
		if info.Code == abi.SEGV_ACCERR {
			return "SEGV_ACCERR"
		}
	case abi.SIGBUS:
		if info.Code == abi.BUS_ADRERR {
			return "BUS_ADRERR"
		}
		if info.Code == abi.BUS_ADRALN {
			return "BUS_ADRALN"
		}
	case abi.SIGILL:
		if info.Code == abi.ILL_ILLOPC {
			return "ILL_ILLOPC"
		}
	case abi.SIGTRAP:
		if info.Code == abi.TRAP_BRKPT {
			return "TRAP_BRKPT"
		}
	}
	return strconv.Itoa(int(info.Code))
}

// TempSigMask replaces t's mask for the length of one call (epoll_pwait,
// ppoll, pselect), keeping the old one to restore.
func (t *Task) TempSigMask(mask uint64) {
	t.k.mu.Lock()
	t.savedMask, t.suspended = t.SigMask, true
	t.k.mu.Unlock()
	t.SetSigMask(mask)
}

// RestoreSigMask ends TempSigMask: at once, or, when the call was
// interrupted (forHandler), after the handler that interrupted it, whose
// frame saves the old mask, as Linux's restore_saved_sigmask_unless.
func (t *Task) RestoreSigMask(forHandler bool) {
	if forHandler {
		t.sigHint.Store(true)
		return
	}
	t.k.mu.Lock()
	mask := t.savedMask
	t.suspended = false
	t.k.mu.Unlock()
	t.SetSigMask(mask)
}

// MarshalSigInfo writes info as the guest's 128-byte siginfo_t.
func MarshalSigInfo(info SigInfo) []byte {
	b := make([]byte, 128)
	marshalSigInfo(b, info)
	return b
}
