package kernel

import (
	"encoding/binary"
	"io"
	"time"

	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// The terminal. When vessel runs on a terminal, the first process's session
// gets a controlling terminal whose line discipline is vessel's own
// (vfs.TTY, Linux's n_tty); the host terminal is in raw mode meanwhile and
// only carries bytes. One helper goroutine reads the keyboard and feeds
// the line discipline, which echoes and reports the signals keys raise;
// the kernel sends those to the foreground process group and wakes the
// tasks waiting to read. Reads and writes by the guest go through the
// Terminal as a file kind of the kernel's own, because job control needs
// the caller: a read from a background process group gets SIGTTIN (EIO
// when it ignores or blocks it, or its group is orphaned), a write from one
// under TOSTOP gets SIGTTOU, as Linux's __tty_check_change.
//
// Sessions hold no pointer to their terminal. A process's controlling
// terminal is the Terminal whose session is the process's session, unless
// the process gave it up with TIOCNOTTY: so fork passes it on, setsid
// leaves it behind, and a session leader's exit (Linux's
// disassociate_ctty) or TIOCSCTTY moves it. (Linux keeps the pointer per
// process: a child forked after TIOCNOTTY, or a process of a session that
// acquired its terminal after the process joined, differs from Linux here.)
//
// Keyboard signals reach the first program even though it is PID 1: the
// terminal is vessel's, outside the guest, and Ctrl-C, Ctrl-\ and Ctrl-Z
// do to a program run from vessel on a terminal what they do to one run
// from a shell. (A container's PID 1 would ignore them; vessel's built-in
// init, under --init, still does.)
//
// A stopped job with no shell inside the guest: when the whole foreground
// group is stopped (by Ctrl-Z, or by itself) and orphaned — no process
// outside it in the session can continue it, so the first process is
// among the stopped — the kernel calls the suspend function the embedder
// gave (SetSuspend), from a goroutine of its own (stoppedLocked). cmd/vessel's
// restores the host terminal and stops vessel itself with SIGTSTP, the way
// a job stopped under a shell behaves; when it returns, vessel is back in
// the foreground and raw mode, and the group gets SIGCONT.

// Lock order: Kernel.mu before the line discipline's own lock (vfs.TTY),
// which never calls back into the kernel. Nothing holds Kernel.mu while
// writing to the host terminal: a write goes out from the writing task's
// goroutine after the job-control check (like vessel's other host
// streams, it holds the virtual CPU if the host terminal does not drain),
// echo from the keyboard reader's.

// TerminalHost is the host side of a terminal (vfs.HostTerminal): where
// keystrokes come from and the screen they go to.
type TerminalHost interface {
	io.Reader // waits for keystrokes; io.EOF after Close, another error when the terminal went away
	io.Writer // writes all of its argument
	Winsize() (vfs.Winsize, error)
	Stat(st *abi.Stat_t) abi.Errno
	Close() // ends a waiting Read
}

// Terminal is a terminal the kernel runs the line discipline of, and the
// controlling terminal of at most one session. It is the FileImpl of every
// File open on it (so epoll sees one file kind). Make one with
// NewTerminal or NewHostTerminal and hand it to the kernel in
// Config.Terminal.
type Terminal struct {
	vfs.FileDefaults
	ld      *vfs.TTY     // immutable
	host    TerminalHost // immutable
	name    string       // immutable: the path /proc/PID/fd shows
	suspend func()       // set before the kernel starts (SetSuspend)
	room    chan struct{}

	k *Kernel // set once, by New

	// Guarded by Kernel.mu.
	sid        int32                 // the session it controls, 0 for none
	pgrp       int32                 // the foreground process group, 0 for none
	suspending bool                  // suspendJob is under way
	dropped    map[*ThreadGroup]bool // processes of the session that gave it up (TIOCNOTTY)
	readers    waitQueue             // tasks waiting for input
	writers    waitQueue             // tasks waiting for stopped output to restart
	watching   []*epollFile
	started    bool // the keyboard reader runs
}

// NewTerminal returns a terminal over host with settings t and window size
// ws; name is what /proc/PID/fd shows for it.
func NewTerminal(host TerminalHost, t vfs.Termios, ws vfs.Winsize, name string) *Terminal {
	return &Terminal{ld: vfs.NewTTY(host, t, ws), host: host, name: name,
		room: make(chan struct{}, 1), dropped: map[*ThreadGroup]bool{}}
}

// NewHostTerminal returns a terminal over vessel's own host terminal on
// descriptor in (see vfs.OpenHostTerminal for where output goes), starting
// with the host's settings, so the guest sees the user's erase and
// interrupt characters. The caller puts the host terminal in raw mode
// before the guest runs.
func NewHostTerminal(in int, outs ...int) (*Terminal, error) {
	h, err := vfs.OpenHostTerminal(in, outs...)
	if err != nil {
		return nil, err
	}
	t, err := h.Termios()
	if err != nil {
		return nil, err
	}
	ws, _ := h.Winsize()
	return NewTerminal(h, t, ws, h.Name()), nil
}

// SetSuspend sets what the kernel calls when Ctrl-Z has stopped a
// foreground group nothing in the guest can continue (see above); when fn
// returns, the group gets SIGCONT. nil (the default) leaves the group
// stopped. Call it before the kernel starts.
func (tm *Terminal) SetSuspend(fn func()) { tm.suspend = fn }

// File returns a new open file description of the terminal with open(2)
// flags (the access mode, O_APPEND, O_NONBLOCK), with one reference.
func (tm *Terminal) File(flags uint32) *vfs.File {
	return vfs.NewStreamFile(tm, flags&(abi.O_ACCMODE|abi.O_APPEND|abi.O_NONBLOCK)|abi.O_LARGEFILE, tm.name)
}

// StdioFile returns a File of the terminal for host descriptor fd, with
// fd's access mode, when fd is this terminal (a host terminal); false
// otherwise, and for a nil Terminal.
func (tm *Terminal) StdioFile(fd int) (*vfs.File, bool) {
	if tm == nil {
		return nil, false
	}
	if h, ok := tm.host.(*vfs.HostTerminal); !ok || !h.Is(fd) {
		return nil, false
	}
	return tm.File(vfs.HostStreamFlags(fd)), true
}

// attach makes tm k's terminal; New calls it.
func (tm *Terminal) attach(k *Kernel) {
	if tm.k != nil {
		panic("kernel: a Terminal given to two kernels")
	}
	tm.k = k
}

// startSessionLocked makes tm the controlling terminal of the session the
// first process, t, leads, with t's group in the foreground, and starts
// reading the keyboard. newProcess calls it; tm may be nil.
//
// Preconditions: Kernel.mu is held.
func (tm *Terminal) startSessionLocked(t *Task) {
	if tm == nil {
		return
	}
	tm.sid, tm.pgrp = t.Sid, t.Pgid
	if !tm.started {
		tm.started = true
		go tm.readLoop()
	}
}

// cttyLocked returns g's controlling terminal, or nil.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) cttyLocked(g *ThreadGroup) *Terminal {
	tm := k.cfg.Terminal
	if tm == nil || tm.sid == 0 || tm.sid != g.Leader.Sid || tm.dropped[g] {
		return nil
	}
	return tm
}

// terminalForkLocked is the terminal's part of a fork of process g into
// c: the controlling terminal is the process's (Linux's signal->tty,
// copied by copy_signal), so a process made by one that gave its terminal
// up (TIOCNOTTY) has none either.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) terminalForkLocked(g, c *ThreadGroup) {
	if tm := k.cfg.Terminal; tm != nil && tm.dropped[g] {
		tm.dropped[c] = true
	}
}

// terminalExitLocked is the terminal's part of g's exit (Linux's
// disassociate_ctty(1)): a session leader's exit takes the terminal from
// its session, with SIGHUP for the foreground group; the first process's
// exit ends the keyboard reader. orphanCheckLocked calls it.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) terminalExitLocked(g *ThreadGroup) {
	tm := k.cfg.Terminal
	if tm == nil {
		return
	}
	delete(tm.dropped, g)
	if g == k.init {
		tm.host.Close()
		return
	}
	if tm.sid != 0 && g.Pid() == tm.sid {
		if tm.pgrp != 0 {
			tm.signalGroupLocked(tm.pgrp, SigInfo{Signo: abi.SIGHUP, Code: abi.SI_KERNEL}, false)
		}
		tm.releaseLocked()
	}
}

// releaseLocked leaves tm without a session.
//
// Preconditions: Kernel.mu is held.
func (tm *Terminal) releaseLocked() {
	tm.sid, tm.pgrp = 0, 0
	clear(tm.dropped)
}

// ControllingTerminal returns a new read-write open file description of
// the controlling terminal of t's process, as opening /dev/tty gives it;
// ENXIO when its session has none (Linux's tty_open_current_tty).
func (t *Task) ControllingTerminal() (*vfs.File, abi.Errno) {
	return t.OpenControllingTerminal("/dev/tty", abi.O_RDWR)
}

// OpenControllingTerminal is ControllingTerminal with open(2)'s flags
// (the access mode, O_NONBLOCK, O_APPEND) and the path it was opened by.
func (t *Task) OpenControllingTerminal(path string, flags uint32) (*vfs.File, abi.Errno) {
	k := t.k
	k.mu.Lock()
	tm := k.cttyLocked(t.tg)
	k.mu.Unlock()
	if tm == nil {
		return nil, abi.ENXIO
	}
	return vfs.NewStreamFile(tm, flags&(abi.O_ACCMODE|abi.O_APPEND|abi.O_NONBLOCK)|abi.O_LARGEFILE, path), 0
}

// The keyboard.

// readLoop is the keyboard reader: it feeds what the host terminal gives
// to the line discipline until the kernel is done or the terminal goes
// away.
func (tm *Terminal) readLoop() {
	buf := make([]byte, 512)
	for {
		n, err := tm.host.Read(buf)
		if n > 0 && !tm.receive(buf[:n]) {
			return
		}
		if err != nil {
			tm.hangup()
			return
		}
	}
}

// receive feeds b to the line discipline, waiting while its queue is full
// for a read to make room. It reports false when the kernel is done.
func (tm *Terminal) receive(b []byte) bool {
	for len(b) > 0 {
		n, ev := tm.ld.Receive(b)
		b = b[n:]
		tm.act(ev)
		if n == 0 {
			select {
			case <-tm.room:
			case <-tm.k.done:
				return false
			}
		}
	}
	return true
}

// madeRoom tells a keyboard reader waiting for room that a read took
// input.
func (tm *Terminal) madeRoom() {
	select {
	case tm.room <- struct{}{}:
	default:
	}
}

// act does what the line discipline asked: signals for the foreground
// group, SIGWINCH, waking readers and writers. A Ctrl-Z that leaves a
// foreground group stopped with nobody in the guest to continue it
// suspends vessel (see above).
func (tm *Terminal) act(ev vfs.TTYEvents) {
	k := tm.k
	if k == nil {
		return
	}
	k.mu.Lock()
	for _, sig := range ev.Signals {
		tm.keyboardSignalLocked(sig) // a stop may suspend vessel (stoppedLocked)
	}
	if ev.Resized && tm.pgrp != 0 {
		tm.signalGroupLocked(tm.pgrp, SigInfo{Signo: abi.SIGWINCH, Code: abi.SI_KERNEL}, true)
	}
	if ev.Readable || ev.Writable || len(ev.Signals) > 0 {
		tm.wakeLocked()
	}
	k.mu.Unlock()
	if ev.Readable {
		tm.madeRoom() // input may have been discarded (TCFLSH, TCSETSF)
	}
}

// stoppedLocked is told that process g has stopped. When that leaves the
// terminal's foreground job stopped with nothing in the guest to continue
// it, vessel suspends itself as a job (the embedder's suspend) and, once
// continued, continues the job — whatever stopped it: Ctrl-Z, or the job
// itself (a full-screen program that reads ^Z in raw mode and sends itself
// SIGTSTP).
//
// Preconditions: Kernel.mu is held.
func (tm *Terminal) stoppedLocked(g *ThreadGroup) {
	if tm == nil || tm.suspend == nil || tm.suspending || g.Leader.Pgid != tm.pgrp || !tm.foregroundStuckLocked() {
		return
	}
	tm.suspending = true
	go tm.suspendJob(tm.pgrp)
}

// suspendJob suspends vessel for the stopped foreground group pgrp, then
// continues the group.
func (tm *Terminal) suspendJob(pgrp int32) {
	tm.suspend()
	tm.Resized() // the window may have changed while vessel was stopped
	k := tm.k
	k.mu.Lock()
	defer k.mu.Unlock()
	tm.suspending = false
	tm.signalGroupLocked(pgrp, SigInfo{Signo: abi.SIGCONT, Code: abi.SI_KERNEL}, true)
}

// wakeLocked wakes every reader and writer to look again, and tells the
// epoll instances watching the terminal.
//
// Preconditions: Kernel.mu is held.
func (tm *Terminal) wakeLocked() {
	k := tm.k
	k.wakeAllLocked(&tm.readers)
	k.wakeAllLocked(&tm.writers)
	k.notifyLocked(tm)
}

// hangup is the host terminal going away (Linux's tty_vhangup for the
// foreground): readers see end of file, the foreground group gets SIGHUP
// and SIGCONT.
func (tm *Terminal) hangup() {
	k := tm.k
	select {
	case <-k.done:
		return
	default:
	}
	tm.ld.Hangup()
	k.mu.Lock()
	defer k.mu.Unlock()
	if tm.pgrp != 0 {
		tm.keyboardSignalLocked(abi.SIGHUP)
		tm.signalGroupLocked(tm.pgrp, SigInfo{Signo: abi.SIGCONT, Code: abi.SI_KERNEL}, true)
	}
	tm.wakeLocked()
}

// Resized is the host terminal's window changing (host SIGWINCH): the
// terminal takes the host's size, and when it differs the foreground group
// gets SIGWINCH.
func (tm *Terminal) Resized() {
	ws, err := tm.host.Winsize()
	if err != nil || !tm.ld.SetWinsize(ws) {
		return
	}
	tm.act(vfs.TTYEvents{Resized: true})
}

// members lists the live processes of group pgrp in pid order.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) groupMembersLocked(pgrp int32) []*ThreadGroup {
	var gs []*ThreadGroup
	for _, x := range k.tasksLocked() {
		if g := x.tg; x == g.Leader && !g.zombie && x.Pgid == pgrp {
			gs = append(gs, g)
		}
	}
	return gs
}

// signalGroupLocked sends info to every process of group pgrp (Linux's
// kill_pgrp); fromOutside as in sendLocked.
//
// Preconditions: Kernel.mu is held.
func (tm *Terminal) signalGroupLocked(pgrp int32, info SigInfo, fromOutside bool) {
	k := tm.k
	for _, g := range k.groupMembersLocked(pgrp) {
		k.sendLocked(g, nil, info, fromOutside)
	}
}

// keyboardSignalLocked sends sig from the keyboard to the foreground
// group. The first program, though PID 1, takes it by its default action
// when it neither catches, ignores nor blocks it (see above).
//
// Preconditions: Kernel.mu is held.
func (tm *Terminal) keyboardSignalLocked(sig int) {
	k := tm.k
	for _, g := range k.groupMembersLocked(tm.pgrp) {
		if g == k.init && g.Leader.kernelMain == nil && g.Leader.Sig.Actions[sig].Handler == abi.SIG_DFL && g.wantsSignal(sig) != nil {
			switch defaultAction(sig) {
			case sigTerm, sigCore:
				k.signalEvent(g.Pid(), g.Pid(), sig, "generated")
				g.status = g.Leader.killStatus(sig)
				g.exiting.Store(true)
				k.wakeThreadsLocked(g, nil)
				continue
			case sigStop:
				k.signalEvent(g.Pid(), g.Pid(), sig, "generated")
				g.dropPending(sigBit(abi.SIGCONT))
				k.stopLocked(g, sig)
				continue
			}
		}
		k.sendLocked(g, nil, SigInfo{Signo: sig, Code: abi.SI_KERNEL}, true)
	}
}

// foregroundStuckLocked reports whether every process of the foreground
// group (vessel's built-in init aside, which never stops) is stopped and
// the group is orphaned: nothing in the guest will continue it.
//
// Preconditions: Kernel.mu is held.
func (tm *Terminal) foregroundStuckLocked() bool {
	k := tm.k
	stopped := false
	for _, g := range k.groupMembersLocked(tm.pgrp) {
		if g.Leader.kernelMain != nil {
			continue
		}
		if !g.stopping.Load() {
			return false
		}
		stopped = true
	}
	return stopped && k.orphanedPgrpLocked(tm.pgrp, nil)
}

// checkChangeLocked is Linux's __tty_check_change: t uses its controlling
// terminal from a background process group. For sig SIGTTIN (a read) or
// SIGTTOU (a write under TOSTOP, or a change of the terminal's settings):
// when t ignores or blocks sig, a read fails with EIO and the rest go
// ahead; an orphaned group gets EIO; otherwise t's group gets sig and the
// call is to be restarted once it is continued (ERESTARTSYS).
//
// Preconditions: Kernel.mu is held.
func (tm *Terminal) checkChangeLocked(t *Task, sig int) abi.Errno {
	k := tm.k
	if k.cttyLocked(t.tg) != tm || tm.pgrp == 0 || t.Pgid == tm.pgrp {
		return 0
	}
	if t.SigMask&sigBit(sig) != 0 || t.Sig.Actions[sig].Handler == abi.SIG_IGN {
		if sig == abi.SIGTTIN {
			return abi.EIO
		}
		return 0
	}
	if k.orphanedPgrpLocked(t.Pgid, nil) {
		return abi.EIO
	}
	tm.signalGroupLocked(t.Pgid, SigInfo{Signo: sig, Code: abi.SI_KERNEL}, false)
	return ERESTARTSYS
}

// Reading and writing.

// hz10 is VTIME's unit, a tenth of a second.
const hz10 = 100 * time.Millisecond

// ReadTask is read(2) on the terminal, Linux's n_tty_read: after the
// job-control check, a line in canonical mode; otherwise as VMIN and VTIME
// say — VMIN bytes (VTIME 0), the first byte and then whatever comes
// within VTIME of the last (both set), whatever comes within VTIME of the
// call (VMIN 0), or what is there (both 0). A signal ends the wait with
// what was read so far, or ERESTARTSYS.
func (tm *Terminal) ReadTask(t *Task, f *vfs.File, dst []byte) (int, abi.Errno) {
	k := tm.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if e := tm.checkChangeLocked(t, abi.SIGTTIN); e != 0 {
		return 0, e
	}
	canonical, vmin, vtime := tm.ld.ReadMode()
	minimum, wait := 0, true
	var deadline time.Time
	var gap time.Duration
	if !canonical {
		if vmin > 0 {
			minimum, gap = int(vmin), time.Duration(vtime)*hz10
		} else {
			minimum = 1
			if vtime == 0 {
				wait = false
			} else {
				deadline = k.cfg.Now().Add(time.Duration(vtime) * hz10)
			}
		}
	}
	n := 0
	for n < len(dst) {
		if m, ok := tm.ld.Read(dst[n:]); ok {
			n += m
			tm.madeRoom()
			if canonical || n >= minimum {
				break
			}
			if gap > 0 {
				deadline = k.cfg.Now().Add(gap)
			}
			continue
		}
		if !wait || tm.ld.HungUp() {
			break
		}
		if f.Flags()&abi.O_NONBLOCK != 0 {
			if n == 0 {
				return 0, abi.EAGAIN
			}
			break
		}
		switch t.sleepLocked(&tm.readers, deadline) {
		case interrupted:
			if n == 0 {
				return 0, abi.EINTR
			}
			return n, 0
		case signalled:
			if n == 0 {
				return 0, ERESTARTSYS
			}
			return n, 0
		case timedOut:
			wait = false // one last look
		}
		if n == 0 && t.tg.stopping.Load() {
			return 0, ERESTARTSYS // stopped meanwhile: read again once continued
		}
		// POSIX.1 7.1.1.4: the check again after every sleep.
		if e := tm.checkChangeLocked(t, abi.SIGTTIN); e != 0 {
			if n == 0 {
				return 0, e
			}
			return n, 0
		}
	}
	return n, 0
}

// WriteTask is write(2) on the terminal: the job-control check under
// TOSTOP, a wait while output is stopped (VSTOP, tcflow), then output
// processing and the host terminal.
func (tm *Terminal) WriteTask(t *Task, f *vfs.File, src []byte) (int, abi.Errno) {
	k := tm.k
	k.mu.Lock()
	if tm.ld.Lflag()&vfs.TOSTOP != 0 {
		if e := tm.checkChangeLocked(t, abi.SIGTTOU); e != 0 {
			k.mu.Unlock()
			return 0, e
		}
	}
	for tm.ld.OutputStopped() {
		if f.Flags()&abi.O_NONBLOCK != 0 {
			k.mu.Unlock()
			return 0, abi.EAGAIN
		}
		switch t.sleepLocked(&tm.writers, zeroTime) {
		case interrupted:
			k.mu.Unlock()
			return 0, abi.EINTR
		case signalled:
			k.mu.Unlock()
			return 0, ERESTARTSYS
		}
	}
	k.mu.Unlock()
	return tm.ld.Write(src)
}

// Read is a read without a task to wait (the kernel's own reads): what is
// there, or EAGAIN.
func (tm *Terminal) Read(f *vfs.File, dst []byte, _ *int64) (int, abi.Errno) {
	n, ok := tm.ld.Read(dst)
	if !ok {
		if tm.ld.HungUp() {
			return 0, 0
		}
		return 0, abi.EAGAIN
	}
	tm.madeRoom()
	return n, 0
}

// Write is a write without a task: no job-control check.
func (tm *Terminal) Write(f *vfs.File, src []byte, _ *int64) (int, abi.Errno) {
	return tm.ld.Write(src)
}

// Stat is the host terminal's.
func (tm *Terminal) Stat(f *vfs.File, st *abi.Stat_t) abi.Errno { return tm.host.Stat(st) }

// Sync: nothing is buffered.
func (tm *Terminal) Sync(*vfs.File, bool) abi.Errno { return 0 }

// readyLocked is the terminal's poll: readable as a read would find input
// (VMIN bytes in non-canonical mode without VTIME), writable unless output
// is stopped; everything after a hangup.
//
// Preconditions: Kernel.mu is held.
func (tm *Terminal) readyLocked() uint32 {
	if tm.ld.HungUp() {
		return abi.EPOLLIN | abi.EPOLLRDNORM | abi.EPOLLOUT | abi.EPOLLWRNORM | abi.EPOLLERR | abi.EPOLLHUP
	}
	var r uint32
	if tm.ld.Readable(true) {
		r |= abi.EPOLLIN | abi.EPOLLRDNORM
	}
	if !tm.ld.OutputStopped() {
		r |= abi.EPOLLOUT | abi.EPOLLWRNORM
	}
	return r
}

func (tm *Terminal) watchers() *[]*epollFile { return &tm.watching }

// The ioctls.

// TaskIoctler is a file kind whose ioctls need the calling task (a
// terminal: job control); the syscall layer calls IoctlTask instead of
// File.Ioctl.
type TaskIoctler interface {
	IoctlTask(t *Task, f *vfs.File, req uint32, arg uint64) (uint64, abi.Errno)
}

// fioasync is FIOASYNC, which File.Ioctl handles.
const fioasync = 0x5452

// IoctlTask is ioctl(2) on the terminal: job control here (TIOCSCTTY,
// TIOCNOTTY, TIOCGPGRP, TIOCSPGRP, TIOCGSID), the job-control check before
// a change of the settings, the rest in the line discipline.
func (tm *Terminal) IoctlTask(t *Task, f *vfs.File, req uint32, arg uint64) (uint64, abi.Errno) {
	if f.IsPath() {
		return 0, abi.EBADF
	}
	k := tm.k
	switch req {
	case abi.FIONBIO, fioasync:
		return f.Ioctl(t.MM, req, arg)
	case abi.TIOCSCTTY, abi.TIOCNOTTY, abi.TIOCGPGRP, abi.TIOCSPGRP, vfs.TIOCGSID:
		return tm.jobIoctl(t, f, req, arg)
	case abi.TCSETS, abi.TCSETSW, abi.TCSETSF, vfs.TCSETS2, vfs.TCSETSW2, vfs.TCSETSF2,
		vfs.TCFLSH, vfs.TCXONC, vfs.TCSBRK, vfs.TCSBRKP:
		k.mu.Lock()
		e := tm.checkChangeLocked(t, abi.SIGTTOU)
		k.mu.Unlock()
		if e != 0 {
			return 0, e
		}
	}
	ret, e, ev := tm.ld.Ioctl(t.MM, req, arg)
	tm.act(ev)
	return ret, e
}

// Ioctl is an ioctl without a calling task: the line discipline's only.
func (tm *Terminal) Ioctl(f *vfs.File, io vfs.IOCtx, req uint32, arg uint64) (uint64, abi.Errno) {
	ret, e, ev := tm.ld.Ioctl(io, req, arg)
	tm.act(ev)
	return ret, e
}

// jobIoctl answers the job-control ioctls with Linux's rules (tty_jobctrl.c).
func (tm *Terminal) jobIoctl(t *Task, f *vfs.File, req uint32, arg uint64) (uint64, abi.Errno) {
	k := tm.k
	if req == abi.TIOCSPGRP {
		// tiocspgrp: the job-control check first, its EIO becoming ENOTTY.
		k.mu.Lock()
		e := tm.checkChangeLocked(t, abi.SIGTTOU)
		k.mu.Unlock()
		if e == abi.EIO {
			return 0, abi.ENOTTY
		}
		if e != 0 {
			return 0, e
		}
		var b [4]byte
		if e := t.MM.CopyIn(arg, b[:]); e != 0 {
			return 0, e
		}
		return 0, tm.setForeground(t, int32(binary.LittleEndian.Uint32(b[:])))
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	g := t.tg
	mine := k.cttyLocked(g) == tm
	var v int32
	switch req {
	case abi.TIOCSCTTY:
		return 0, tm.setCttyLocked(t, f, arg)
	case abi.TIOCNOTTY:
		if !mine {
			return 0, abi.ENOTTY
		}
		if g.Pid() == g.Leader.Sid {
			// disassociate_ctty(0): the session leader lets go; its
			// foreground group gets SIGHUP and SIGCONT.
			if tm.pgrp != 0 {
				for _, sig := range [...]int{abi.SIGHUP, abi.SIGCONT} {
					tm.signalGroupLocked(tm.pgrp, t.userInfo(sig, abi.SI_USER), false)
				}
			}
			tm.releaseLocked()
		} else {
			tm.dropped[g] = true
		}
		return 0, 0
	case abi.TIOCGPGRP:
		if !mine {
			return 0, abi.ENOTTY
		}
		v = tm.pgrp
	case vfs.TIOCGSID:
		if !mine || tm.sid == 0 {
			return 0, abi.ENOTTY
		}
		v = tm.sid
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(v))
	return 0, t.MM.CopyOut(arg, b[:])
}

// setForeground is the rest of tcsetpgrp: t's controlling terminal in t's
// session (ENOTTY), pgrp a process group of that session (ESRCH when no
// process has that number as its pid or group, EPERM for another
// session's), as Linux's tiocspgrp.
func (tm *Terminal) setForeground(t *Task, pgrp int32) abi.Errno {
	if pgrp < 0 {
		return abi.EINVAL
	}
	k := tm.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cttyLocked(t.tg) != tm || tm.sid != t.Sid {
		return abi.ENOTTY
	}
	// session_of_pgrp: a member's session, or that of the process with
	// that pid.
	sid := int32(-1)
	if gs := k.groupMembersLocked(pgrp); len(gs) > 0 {
		sid = gs[0].Leader.Sid
	} else {
		x := k.tasks[pgrp]
		if x == nil || x.tg.Pid() != pgrp || x.tg.zombie {
			return abi.ESRCH
		}
		sid = x.tg.Leader.Sid
	}
	if sid != t.Sid {
		return abi.EPERM
	}
	tm.pgrp = pgrp
	tm.wakeLocked() // a reader may be in the foreground now
	return 0
}

// setCttyLocked is TIOCSCTTY (tiocsctty): a session leader without a
// controlling terminal acquires this one, with its group in the
// foreground. A terminal another session controls can be taken only by a
// privileged caller asking with arg 1; a terminal not open for reading
// only by a privileged one.
//
// Preconditions: Kernel.mu is held.
func (tm *Terminal) setCttyLocked(t *Task, f *vfs.File, arg uint64) abi.Errno {
	k := tm.k
	g := t.tg
	leader := g.Pid() == g.Leader.Sid
	if leader && tm.sid == g.Leader.Sid {
		return 0
	}
	if !leader || k.cttyLocked(g) != nil {
		return abi.EPERM
	}
	if tm.sid != 0 && (arg != 1 || !t.privileged()) {
		return abi.EPERM
	}
	if !f.Readable() && !t.privileged() {
		return abi.EPERM
	}
	tm.releaseLocked()
	tm.sid, tm.pgrp = g.Leader.Sid, g.Leader.Pgid
	return 0
}
