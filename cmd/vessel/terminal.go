package main

// The host terminal while a guest runs.
//
// When standard input is a terminal, the guest gets a terminal of vessel's
// own (vessel.Config.WithTerminal): vessel runs its line discipline, so
// echo, line editing, Ctrl-C, Ctrl-\ and Ctrl-Z, and the job control of a
// shell inside the guest all happen in vessel. The host terminal is put in
// raw mode (cfmakeraw) for as long as the guest runs, so that every key
// reaches vessel as typed and what vessel writes reaches the screen as
// written, and it gets its settings back on every way out: the guest's
// exit or death by a signal, an error of vessel's, a panic in the main
// goroutine, and SIGINT, SIGTERM, SIGHUP or SIGQUIT sent to vessel (which
// then dies of that signal, as before, unless --init forwards it to the
// program). A crash of the Go runtime elsewhere can still leave it raw
// (`stty sane` or `reset` mends it).
//
// Ctrl-Z with no shell inside the guest (the first process is in the
// stopped foreground job), or a foreground job that stops itself (as a
// full-screen program does for a ^Z it reads in raw mode): vessel behaves
// as a job stopped under a shell.
// It gives the host terminal its settings back and stops itself, and the
// rest of its own process group, with SIGTSTP, so the shell above it says
// "Stopped". When the shell continues it (fg), vessel puts the terminal
// back in raw mode — stopping again with SIGTTOU if it was continued in
// the background (bg), until it is brought to the foreground, as vim does
// — and continues the guest's job with SIGCONT. When nothing above vessel
// does job control (its parent is not a shell in the same session, so its
// process group may be orphaned and the host kernel would discard the
// SIGTSTP), vessel does not stop, and the guest's job is continued at
// once.

import (
	"bytes"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"vessel"
)

// hostTerminal is vessel's standard input when it is a terminal.
type hostTerminal struct {
	fd    int           // immutable
	saved *unix.Termios // immutable: the settings vessel found

	mu  sync.Mutex
	raw bool // guarded by mu: vessel put the terminal in raw mode

	suspendMu sync.Mutex // one suspension at a time
}

// openHostTerminal returns f's terminal, or nil when f is not a terminal.
func openHostTerminal(f *os.File) *hostTerminal {
	fd := int(f.Fd())
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil
	}
	return &hostTerminal{fd: fd, saved: t}
}

// makeRaw puts the terminal in raw mode, as cfmakeraw(3): no input or
// output processing, no echo, no signal keys, reads of one byte.
func (h *hostTerminal) makeRaw() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := *h.saved
	r.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	r.Oflag &^= unix.OPOST
	r.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	r.Cflag = r.Cflag&^(unix.CSIZE|unix.PARENB) | unix.CS8
	r.Cc[unix.VMIN], r.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(h.fd, unix.TCSETSW, &r); err != nil {
		return err
	}
	h.raw = true
	return nil
}

// restore gives the terminal back the settings vessel found, once output
// has drained. It may be called more than once, from any goroutine, and on
// a nil hostTerminal.
func (h *hostTerminal) restore() {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.raw {
		unix.IoctlSetTermios(h.fd, unix.TCSETSW, h.saved)
		h.raw = false
	}
}

func (h *hostTerminal) isRaw() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.raw
}

// suspend is the kernel's request when a guest job nothing inside can
// continue has stopped (Ctrl-Z, or the job stopping itself; see the top of
// this file). It returns once vessel runs in the foreground again, with
// the terminal raw, or at once when nothing above vessel could continue
// it.
func (h *hostTerminal) suspend() {
	h.suspendMu.Lock()
	defer h.suspendMu.Unlock()
	if !stoppable() {
		return
	}
	h.restore()
	// SIGTSTP for vessel's process group, as the terminal's own Ctrl-Z
	// would have sent; vessel is continued by the SIGCONT of the shell's
	// fg or bg. The stop may take a moment to reach the thread that sent
	// it (another thread may take the signal and begin the group stop),
	// so this one waits for the SIGCONT rather than trusting that it has
	// been stopped by the time kill returns; and it sends nothing to
	// itself besides, which would stop vessel a second time once
	// continued.
	cont := make(chan os.Signal, 1)
	signal.Notify(cont, syscall.SIGCONT)
	defer signal.Stop(cont)
	unix.Kill(0, unix.SIGTSTP)
	<-cont
	h.makeRaw() // in the background, SIGTTOU stops vessel here until fg
}

// stoppable reports whether a SIGTSTP would stop vessel and a shell above
// it could continue it: SIGTSTP is not ignored, and vessel's parent is in
// another process group of the same session (so vessel's group is not
// orphaned, or Linux would discard the signal).
func stoppable() bool {
	if signal.Ignored(syscall.SIGTSTP) {
		return false
	}
	parent := unix.Getppid()
	ppg, err := unix.Getpgid(parent)
	if err != nil || ppg == unix.Getpgrp() {
		return false
	}
	psid, err := unix.Getsid(parent)
	sid, err2 := unix.Getsid(0)
	return err == nil && err2 == nil && psid == sid
}

// watch handles the host's signals while the guest runs: SIGWINCH resizes
// the guest's terminal; without --init, SIGINT, SIGTERM, SIGHUP and
// SIGQUIT restore the terminal and then take their default action on
// vessel (with --init they are forwarded to the program instead).
func (h *hostTerminal) watch(k *vessel.Kernel, withInit bool) {
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	go func() {
		for range winch {
			k.TerminalResized()
		}
	}()
	if withInit {
		return
	}
	var sigs []os.Signal
	for _, s := range []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT} {
		if !signal.Ignored(s) {
			sigs = append(sigs, s)
		}
	}
	if len(sigs) == 0 {
		return
	}
	die := make(chan os.Signal, 1)
	signal.Notify(die, sigs...)
	go func() {
		s := (<-die).(syscall.Signal)
		h.restore()
		signal.Reset(s)
		unix.Kill(os.Getpid(), s)
		os.Exit(128 + int(s)) // not reached unless the signal is blocked
	}()
}

// writer returns w, which writes to the same place as vessel's f, made
// fit for the terminal: while it is raw, each "\n" goes out as "\r\n", as
// the terminal's output processing would have made it. For a file that is
// not this terminal, w itself.
func (h *hostTerminal) writer(w io.Writer, f *os.File) io.Writer {
	if h == nil || !sameTerminal(h.fd, int(f.Fd())) {
		return w
	}
	return crlfWriter{h, w}
}

// crlfWriter is hostTerminal.writer's.
type crlfWriter struct {
	h *hostTerminal
	w io.Writer
}

func (c crlfWriter) Write(p []byte) (int, error) {
	if !c.h.isRaw() {
		return c.w.Write(p)
	}
	if _, err := c.w.Write(bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n"))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// IsTerminal tells vessel that it writes to a terminal (for strace's line
// buffering).
func (crlfWriter) IsTerminal() bool { return true }

// sameTerminal reports whether descriptors a and b are the same terminal.
func sameTerminal(a, b int) bool {
	var sa, sb unix.Stat_t
	if unix.Fstat(a, &sa) != nil || unix.Fstat(b, &sb) != nil {
		return false
	}
	return sa.Mode&unix.S_IFMT == unix.S_IFCHR && sa.Rdev == sb.Rdev && sb.Mode&unix.S_IFMT == unix.S_IFCHR
}
