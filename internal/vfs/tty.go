package vfs

import (
	"encoding/binary"
	"io"
	"sync"

	"vessel/internal/abi"
)

// TTY is a terminal's line discipline, Linux's n_tty (drivers/tty/n_tty.c)
// with the termios and window size of the tty it runs on: what turns
// keystrokes into the bytes a program reads, echoes them, edits lines and
// recognises the characters that send signals, and what turns the bytes a
// program writes into what the terminal shows (OPOST).
//
// It knows nothing of processes. Receive reports the signals a key raises
// (TTYEvents) and the kernel sends them to the foreground process group;
// reads never wait here: the kernel parks the reader and calls Read again
// when Receive says input arrived (kernel/tty.go). Output — echo and
// program writes alike — is rendered into one queue in the order it
// happens and written to out by whoever gets there first, so echo and
// output never interleave within a byte sequence.
//
// Lock order: outMu (writing to out) before mu (everything else). Neither
// is held while the caller's kernel locks are taken; the kernel may hold
// its own lock while calling any method but Receive, Write, Drain and
// Ioctl, which write to the terminal and may block.
type TTY struct {
	out io.Writer // immutable: the terminal's screen

	outMu sync.Mutex // serialises writes to out

	mu          sync.Mutex
	termios     Termios   // guarded by mu
	charMap     [4]uint64 // guarded by mu: the bytes receiveSpecial handles (n_tty's char_map)
	winsize     Winsize   // guarded by mu
	buf         []byte    // guarded by mu: input not yet read, oldest first
	eol         []bool    // guarded by mu: eol[i] says buf[i] ends a line; a line-ending 0 is an end of file
	canon       int       // guarded by mu: leading bytes of buf in complete lines (canonical mode)
	lnext       bool      // guarded by mu: the next byte is literal (VLNEXT)
	erasing     bool      // guarded by mu: between ECHOPRT's \ and /
	column      int       // guarded by mu: the cursor's column, as output has moved it
	canonColumn int       // guarded by mu: the column where the line being edited began
	stopped     bool      // guarded by mu: output stopped by VSTOP (IXON)
	tcoStopped  bool      // guarded by mu: output stopped by tcflow(TCOOFF)
	exclusive   bool      // guarded by mu: TIOCEXCL
	pending     []byte    // guarded by mu: output rendered but not yet written to out
	outErr      abi.Errno // guarded by mu: the last error writing to out
	hungUp      bool      // guarded by mu: the terminal went away: reads see end of file
}

// Winsize is struct winsize: the terminal's size in characters and pixels.
type Winsize struct {
	Row, Col, Xpixel, Ypixel uint16
}

// TTYEvents says what a call into the line discipline did that the kernel
// must act on.
type TTYEvents struct {
	Signals  []int // for the foreground process group, in order (VINTR, VQUIT, VSUSP)
	Readable bool  // input arrived, or was discarded, or the mode changed: wake readers
	Writable bool  // output was restarted: wake writers waiting for it
	Resized  bool  // the window size changed: SIGWINCH for the foreground process group
}

func (e *TTYEvents) add(o TTYEvents) {
	e.Signals = append(e.Signals, o.Signals...)
	e.Readable = e.Readable || o.Readable
	e.Writable = e.Writable || o.Writable
	e.Resized = e.Resized || o.Resized
}

// NewTTY returns a line discipline with settings t and window size ws that
// echoes and writes to out.
func NewTTY(out io.Writer, t Termios, ws Winsize) *TTY {
	tty := &TTY{out: out, winsize: ws}
	tty.setTermiosLocked(t, true)
	return tty
}

// Termios returns the current settings.
func (t *TTY) Termios() Termios {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.termios
}

// Winsize returns the window size.
func (t *TTY) Winsize() Winsize {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.winsize
}

// SetWinsize sets the window size and reports whether it changed (the
// kernel then sends SIGWINCH, as Linux's tty_do_resize).
func (t *TTY) SetWinsize(ws Winsize) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if ws == t.winsize {
		return false
	}
	t.winsize = ws
	return true
}

// Hangup marks the terminal gone: reads that find no input see end of
// file.
func (t *TTY) Hangup() {
	t.mu.Lock()
	t.hungUp = true
	t.mu.Unlock()
}

// HungUp reports whether Hangup was called.
func (t *TTY) HungUp() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.hungUp
}

// OutputStopped reports whether output is stopped (VSTOP, or tcflow's
// TCOOFF): writers wait until it is restarted.
func (t *TTY) OutputStopped() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stopped || t.tcoStopped
}

// Lflag returns the local modes (c_lflag), for the kernel's TOSTOP check.
func (t *TTY) Lflag() uint32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.termios.Lflag
}

func (t *TTY) is(c byte, idx int) bool {
	v := t.termios.Cc[idx]
	return v != posixVDisable && c == v
}

func (t *TTY) iflag(f uint32) bool { return t.termios.Iflag&f != 0 }
func (t *TTY) oflag(f uint32) bool { return t.termios.Oflag&f != 0 }
func (t *TTY) lflag(f uint32) bool { return t.termios.Lflag&f != 0 }
func (t *TTY) icanon() bool        { return t.lflag(ICANON) }

// SetTermios changes the settings (the data part of TCSETS; the kernel has
// done the job-control check). Switching canonical mode on makes what is
// queued one line; switching it off makes everything readable, as Linux's
// n_tty_set_termios.
func (t *TTY) SetTermios(nt Termios) TTYEvents {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.setTermiosLocked(nt, false)
}

// setTermiosLocked installs nt; first says it is the terminal's first
// setting.
//
// Preconditions: t.mu is held.
func (t *TTY) setTermiosLocked(nt Termios, first bool) TTYEvents {
	old := t.termios
	t.termios = nt
	var ev TTYEvents
	if first || (old.Lflag^nt.Lflag)&(ICANON|EXTPROC) != 0 {
		clear(t.eol)
		if nt.Lflag&ICANON == 0 || len(t.buf) == 0 {
			t.canon = 0
		} else {
			t.eol[len(t.buf)-1] = true
			t.canon = len(t.buf)
		}
		t.erasing, t.lnext = false, false
		ev.Readable = true
	}
	if old.Cc[VMIN] != nt.Cc[VMIN] || old.Cc[VTIME] != nt.Cc[VTIME] {
		ev.Readable = true
	}
	if !t.iflag(IXON) && old.Iflag&IXON != 0 && t.stopped {
		t.stopped = false
		ev.Writable = true
	}
	// n_tty's char_map: the bytes that need more than echo and queueing.
	t.charMap = [4]uint64{}
	if t.iflag(ISTRIP|IUCLC|IGNCR|ICRNL|INLCR|IXON|PARMRK) || t.lflag(ICANON|ISIG|ECHO) {
		set := func(c byte) { t.charMap[c>>6] |= 1 << (c & 63) }
		if t.iflag(IGNCR | ICRNL) {
			set('\r')
		}
		if t.iflag(INLCR) {
			set('\n')
		}
		cc := &nt.Cc
		if t.icanon() {
			set(cc[VERASE])
			set(cc[VKILL])
			set(cc[VEOF])
			set('\n')
			set(cc[VEOL])
			if t.lflag(IEXTEN) {
				set(cc[VWERASE])
				set(cc[VLNEXT])
				set(cc[VEOL2])
				if t.lflag(ECHO) {
					set(cc[VREPRINT])
				}
			}
		}
		if t.iflag(IXON) {
			set(cc[VSTART])
			set(cc[VSTOP])
		}
		if t.lflag(ISIG) {
			set(cc[VINTR])
			set(cc[VQUIT])
			set(cc[VSUSP])
		}
		t.charMap[0] &^= 1 << posixVDisable
	}
	return ev
}

func (t *TTY) special(c byte) bool { return t.charMap[c>>6]&(1<<(c&63)) != 0 }

// Receive runs bytes typed at the terminal through the line discipline:
// signal characters, flow control, CR/NL mapping, line editing in
// canonical mode, echo. It returns how many it took — fewer than len(b)
// when the input queue is full, and the caller waits for a read to make
// room, as Linux throttles the driver — and what the kernel must do. Echo
// has reached the terminal when it returns.
func (t *TTY) Receive(b []byte) (int, TTYEvents) {
	var ev TTYEvents
	t.mu.Lock()
	n := 0
	for ; n < len(b); n++ {
		if !t.roomLocked() {
			break
		}
		t.receiveLocked(b[n], &ev)
	}
	if n > 0 && !t.icanon() {
		ev.Readable = true
	}
	t.mu.Unlock()
	t.flush()
	return n, ev
}

// roomLocked says whether one more byte can be taken, as the room
// computation of n_tty_receive_buf_common: a full queue takes nothing more,
// unless it holds nothing but the line being edited in canonical mode:
// then each new byte replaces the last, so the line can still be ended.
//
// Preconditions: t.mu is held.
func (t *TTY) roomLocked() bool {
	room := ttyBufSize - len(t.buf) - 1
	if room > 0 {
		return true
	}
	if !t.icanon() || t.canon != 0 {
		return false
	}
	if room < 0 {
		t.buf, t.eol = t.buf[:len(t.buf)-1], t.eol[:len(t.eol)-1]
	}
	return true
}

// receiveLocked is n_tty_receive_buf_standard for one byte.
//
// Preconditions: t.mu is held.
func (t *TTY) receiveLocked(c byte, ev *TTYEvents) {
	if t.lnext {
		t.lnext = false
		t.receiveCharLocked(t.strip(c))
		return
	}
	c = t.strip(c)
	if t.special(c) {
		t.receiveSpecialLocked(c, ev)
	} else {
		t.receiveCharLocked(c)
	}
}

// strip applies ISTRIP and IUCLC.
func (t *TTY) strip(c byte) byte {
	if t.iflag(ISTRIP) {
		c &= 0x7f
	}
	if t.iflag(IUCLC) && t.lflag(IEXTEN) && 'A' <= c && c <= 'Z' {
		c += 'a' - 'A'
	}
	return c
}

// receiveCharLocked is n_tty_receive_char: an ordinary byte is echoed and
// queued.
//
// Preconditions: t.mu is held.
func (t *TTY) receiveCharLocked(c byte) {
	t.anyRestartsLocked()
	if t.lflag(ECHO) {
		t.finishErasingLocked()
		if t.canon == len(t.buf) {
			t.canonColumn = t.column
		}
		t.echoCharLocked(c)
	}
	if c == 0xff && t.iflag(PARMRK) {
		t.putLocked(c, false)
	}
	t.putLocked(c, false)
}

// anyRestartsLocked is IXANY: any byte restarts output VSTOP stopped.
//
// Preconditions: t.mu is held.
func (t *TTY) anyRestartsLocked() {
	if t.stopped && t.iflag(IXON) && t.iflag(IXANY) {
		t.stopped = false
	}
}

// receiveSpecialLocked is n_tty_receive_char_special.
//
// Preconditions: t.mu is held.
func (t *TTY) receiveSpecialLocked(c byte, ev *TTYEvents) {
	if t.iflag(IXON) {
		switch {
		case t.is(c, VSTART):
			t.stopped = false
			ev.Writable = true
			return
		case t.is(c, VSTOP):
			t.stopped = true
			return
		}
	}
	if t.lflag(ISIG) {
		sig := 0
		switch {
		case t.is(c, VINTR):
			sig = abi.SIGINT
		case t.is(c, VQUIT):
			sig = abi.SIGQUIT
		case t.is(c, VSUSP):
			sig = abi.SIGTSTP
		}
		if sig != 0 {
			t.signalCharLocked(sig, c, ev)
			return
		}
	}
	if t.stopped && t.iflag(IXON) && t.iflag(IXANY) {
		t.stopped = false
		ev.Writable = true
	}
	switch {
	case c == '\r':
		if t.iflag(IGNCR) {
			return
		}
		if t.iflag(ICRNL) {
			c = '\n'
		}
	case c == '\n' && t.iflag(INLCR):
		c = '\r'
	}
	if t.icanon() && t.receiveCanonLocked(c, ev) {
		return
	}
	if t.lflag(ECHO) {
		t.finishErasingLocked()
		if c == '\n' {
			t.echoRawLocked('\n')
		} else {
			if t.canon == len(t.buf) {
				t.canonColumn = t.column
			}
			t.echoCharLocked(c)
		}
	}
	if c == 0xff && t.iflag(PARMRK) {
		t.putLocked(c, false)
	}
	t.putLocked(c, false)
}

// signalCharLocked is n_tty_receive_signal_char and isig: the signal for
// the foreground group, the input (and output not yet written) discarded
// unless NOFLSH, the character echoed.
//
// Preconditions: t.mu is held.
func (t *TTY) signalCharLocked(sig int, c byte, ev *TTYEvents) {
	ev.Signals = append(ev.Signals, sig)
	if !t.lflag(NOFLSH) {
		t.pending = t.pending[:0]
		t.flushInputLocked()
		ev.Readable = true
	}
	if t.iflag(IXON) && t.stopped {
		t.stopped = false
		ev.Writable = true
	}
	if t.lflag(ECHO) {
		t.echoCharLocked(c)
	}
}

// flushInputLocked discards all input, as reset_buffer_flags.
//
// Preconditions: t.mu is held.
func (t *TTY) flushInputLocked() {
	t.buf, t.eol = t.buf[:0], t.eol[:0]
	t.canon = 0
	t.lnext, t.erasing = false, false
}

// receiveCanonLocked is n_tty_receive_char_canon: the line-editing
// characters and the ends of a line. It reports whether it took c.
//
// Preconditions: t.mu is held.
func (t *TTY) receiveCanonLocked(c byte, ev *TTYEvents) bool {
	switch {
	case t.is(c, VERASE) || t.is(c, VKILL) || t.is(c, VWERASE) && t.lflag(IEXTEN):
		t.eraserLocked(c)
		return true
	case t.is(c, VLNEXT) && t.lflag(IEXTEN):
		t.lnext = true
		if t.lflag(ECHO) {
			t.finishErasingLocked()
			if t.lflag(ECHOCTL) {
				t.echoRawLocked('^')
				t.echoRawLocked('\b')
			}
		}
		return true
	case t.is(c, VREPRINT) && t.lflag(ECHO) && t.lflag(IEXTEN):
		t.finishErasingLocked()
		t.echoCharLocked(c)
		t.echoRawLocked('\n')
		for _, x := range t.buf[t.canon:] {
			t.echoCharLocked(x)
		}
		return true
	case c == '\n':
		if t.lflag(ECHO) || t.lflag(ECHONL) {
			t.echoRawLocked('\n')
		}
		t.newlineLocked(c, ev)
		return true
	case t.is(c, VEOF):
		t.newlineLocked(0, ev) // the end of file is a line end no reader sees
		return true
	case t.is(c, VEOL) || t.is(c, VEOL2) && t.lflag(IEXTEN):
		if t.lflag(ECHO) {
			if t.canon == len(t.buf) {
				t.canonColumn = t.column
			}
			t.echoCharLocked(c)
		}
		if c == 0xff && t.iflag(PARMRK) {
			t.putLocked(c, false)
		}
		t.newlineLocked(c, ev)
		return true
	}
	return false
}

// newlineLocked ends the line being edited with c (0 for VEOF) and makes
// it readable (n_tty_receive_handle_newline).
//
// Preconditions: t.mu is held.
func (t *TTY) newlineLocked(c byte, ev *TTYEvents) {
	t.putLocked(c, true)
	t.canon = len(t.buf)
	ev.Readable = true
}

// putLocked queues c.
//
// Preconditions: t.mu is held.
func (t *TTY) putLocked(c byte, eol bool) {
	t.buf = append(t.buf, c)
	t.eol = append(t.eol, eol)
}

// isContinuation reports whether c continues a UTF-8 sequence, under
// IUTF8.
func (t *TTY) isContinuation(c byte) bool { return t.iflag(IUTF8) && c&0xc0 == 0x80 }

// isCntrl is the control characters' test of ECHOCTL and the column count:
// the ASCII ones. (Linux's iscntrl also counts 0x80-0x9f, which splits
// UTF-8 continuation bytes into ^ pairs; vessel leaves them whole.)
func isCntrl(c byte) bool { return c < 0x20 || c == 0x7f }

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// eraserLocked is n_tty's eraser: VERASE removes one character of the line
// being edited, VWERASE one word (ALTWERASE: alphanumerics and _), VKILL
// the whole line, each rubbed out on the screen as ECHOE, ECHOK, ECHOKE,
// ECHOPRT and ECHOCTL say.
//
// Preconditions: t.mu is held.
func (t *TTY) eraserLocked(c byte) {
	if len(t.buf) == t.canon {
		return
	}
	const (
		erase = iota
		werase
		kill
	)
	var kind int
	switch {
	case t.is(c, VERASE):
		kind = erase
	case t.is(c, VWERASE):
		kind = werase
	default:
		if !t.lflag(ECHO) {
			t.buf, t.eol = t.buf[:t.canon], t.eol[:t.canon]
			return
		}
		if !t.lflag(ECHOK) || !t.lflag(ECHOKE) || !t.lflag(ECHOE) {
			t.buf, t.eol = t.buf[:t.canon], t.eol[:t.canon]
			t.finishErasingLocked()
			t.echoCharLocked(c)
			if t.lflag(ECHOK) {
				t.echoRawLocked('\n')
			}
			return
		}
		kind = kill
	}
	seenAlnums := 0
	for len(t.buf) > t.canon {
		head := len(t.buf)
		var ch byte
		for {
			head--
			ch = t.buf[head]
			if !t.isContinuation(ch) || head == t.canon {
				break
			}
		}
		if t.isContinuation(ch) {
			break // do not erase part of a character
		}
		if kind == werase {
			if isAlnum(ch) || ch == '_' {
				seenAlnums++
			} else if seenAlnums > 0 {
				break
			}
		}
		cnt := len(t.buf) - head
		gone := append([]byte(nil), t.buf[head:]...)
		t.buf, t.eol = t.buf[:head], t.eol[:head]
		if t.lflag(ECHO) {
			switch {
			case t.lflag(ECHOPRT):
				if !t.erasing {
					t.echoRawLocked('\\')
					t.erasing = true
				}
				t.echoCharLocked(ch)
				for _, x := range gone[1:cnt] {
					t.echoRawLocked(x)
					if t.column > 0 {
						t.column-- // echo_move_back_col
					}
				}
			case kind == erase && !t.lflag(ECHOE):
				t.echoCharLocked(t.termios.Cc[VERASE])
			case ch == '\t':
				t.eraseTabLocked()
			default:
				// A control character takes two columns under ECHOCTL
				// (^X) and none without it.
				if isCntrl(ch) && t.lflag(ECHOCTL) {
					t.echoRawLocked('\b')
					t.echoRawLocked(' ')
					t.echoRawLocked('\b')
				}
				if !isCntrl(ch) || t.lflag(ECHOCTL) {
					t.echoRawLocked('\b')
					t.echoRawLocked(' ')
					t.echoRawLocked('\b')
				}
			}
		}
		if kind == erase {
			break
		}
	}
	if len(t.buf) == t.canon && t.lflag(ECHO) {
		t.finishErasingLocked()
	}
}

// eraseTabLocked backs the cursor over an erased tab: the columns the
// characters since the start of the line or the previous tab took decide
// how far the tab reached (n_tty's ECHO_OP_ERASE_TAB).
//
// Preconditions: t.mu is held.
func (t *TTY) eraseTabLocked() {
	chars, afterTab := 0, false
	for i := len(t.buf) - 1; i >= t.canon; i-- {
		c := t.buf[i]
		if c == '\t' {
			afterTab = true
			break
		}
		if isCntrl(c) {
			if t.lflag(ECHOCTL) {
				chars += 2
			}
		} else if !t.isContinuation(c) {
			chars++
		}
	}
	if !afterTab {
		chars += t.canonColumn
	}
	for range 8 - chars&7 {
		t.pending = append(t.pending, '\b')
		if t.column > 0 {
			t.column--
		}
	}
}

// finishErasingLocked closes ECHOPRT's \...\/ with the /.
//
// Preconditions: t.mu is held.
func (t *TTY) finishErasingLocked() {
	if t.erasing {
		t.echoRawLocked('/')
		t.erasing = false
	}
}

// echoCharLocked is echo_char: a control character other than tab shows
// as ^X under ECHOCTL; anything else goes out as output does.
//
// Preconditions: t.mu is held.
func (t *TTY) echoCharLocked(c byte) {
	if t.lflag(ECHOCTL) && isCntrl(c) && c != '\t' {
		t.pending = append(t.pending, '^', c^0o100)
		t.column += 2
		return
	}
	t.echoRawLocked(c)
}

// echoRawLocked is echo_char_raw: c goes out through output processing
// when OPOST is on, as n_tty's process_echoes.
//
// Preconditions: t.mu is held.
func (t *TTY) echoRawLocked(c byte) {
	if t.oflag(OPOST) {
		t.outputCharLocked(c)
		return
	}
	t.pending = append(t.pending, c)
}

// outputCharLocked is do_output_char: one byte of output under OPOST,
// with ONLCR, OCRNL, ONOCR, ONLRET, OLCUC and XTABS, keeping the column.
//
// Preconditions: t.mu is held.
func (t *TTY) outputCharLocked(c byte) {
	switch c {
	case '\n':
		if t.oflag(ONLRET) {
			t.column = 0
		}
		if t.oflag(ONLCR) {
			t.canonColumn, t.column = 0, 0
			t.pending = append(t.pending, '\r', '\n')
			return
		}
		t.canonColumn = t.column
	case '\r':
		if t.oflag(ONOCR) && t.column == 0 {
			return
		}
		if t.oflag(OCRNL) {
			c = '\n'
			if t.oflag(ONLRET) {
				t.canonColumn, t.column = 0, 0
			}
			break
		}
		t.canonColumn, t.column = 0, 0
	case '\t':
		spaces := 8 - t.column&7
		t.column += spaces
		if t.termios.Oflag&TABDLY == XTABS {
			t.pending = append(t.pending, "        "[:spaces]...)
			return
		}
	case '\b':
		if t.column > 0 {
			t.column--
		}
	default:
		if !isCntrl(c) {
			if t.oflag(OLCUC) && 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			if !t.isContinuation(c) {
				t.column++
			}
		}
	}
	t.pending = append(t.pending, c)
}

// Write is a program's write(2) to the terminal: src goes out through
// output processing (OPOST) and reaches the terminal before Write returns.
// The kernel has done the job-control check (TOSTOP) and waited out a
// stop. It returns len(src), or the error writing to the terminal gave.
func (t *TTY) Write(src []byte) (int, abi.Errno) {
	t.mu.Lock()
	if t.oflag(OPOST) {
		for _, c := range src {
			t.outputCharLocked(c)
		}
	} else {
		t.pending = append(t.pending, src...)
	}
	t.outErr = 0
	t.mu.Unlock()
	t.flush()
	t.mu.Lock()
	defer t.mu.Unlock()
	if e := t.outErr; e != 0 {
		return 0, e
	}
	return len(src), 0
}

// flush writes the pending output to the terminal, in order.
func (t *TTY) flush() {
	t.outMu.Lock()
	defer t.outMu.Unlock()
	for {
		t.mu.Lock()
		b := t.pending
		t.pending = nil
		t.mu.Unlock()
		if len(b) == 0 {
			return
		}
		if _, err := t.out.Write(b); err != nil {
			t.mu.Lock()
			t.outErr = errnoOf(err)
			t.mu.Unlock()
		}
	}
}

// Drain waits until the output written so far has reached the terminal
// (tcdrain, TCSETSW).
func (t *TTY) Drain() {
	t.flush() // returns once no other writer holds outMu either
}

// Readable reports whether a reader would find input (input_available_p):
// a complete line in canonical mode; otherwise a byte, or for poll in
// non-canonical mode with VTIME 0, VMIN bytes.
func (t *TTY) Readable(poll bool) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.icanon() {
		return t.canon > 0
	}
	amt := 1
	if poll && t.termios.Cc[VTIME] == 0 && t.termios.Cc[VMIN] > 0 {
		amt = int(t.termios.Cc[VMIN])
	}
	return len(t.buf) >= amt
}

// ReadMode returns what decides how a read waits: canonical mode, VMIN and
// VTIME.
func (t *TTY) ReadMode() (canonical bool, vmin, vtime uint8) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.icanon(), t.termios.Cc[VMIN], t.termios.Cc[VTIME]
}

// Read takes input without waiting. In canonical mode it takes at most one
// line (the line end included, an end of file not: a line holding only an
// end of file reads as 0 bytes); otherwise whatever is queued, up to
// len(dst). ok is false when there is nothing to take (no complete line,
// or no byte), and then the caller waits.
func (t *TTY) Read(dst []byte) (n int, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.icanon() {
		if t.canon == 0 {
			return 0, false
		}
		// canon_copy_from_read_buf: up to the first line end within the
		// bytes dst has room for.
		avail := min(len(dst), t.canon)
		took, copied, found := avail, avail, false
		for i := range avail {
			if t.eol[i] {
				took, copied, found = i+1, i+1, true
				if t.buf[i] == 0 {
					copied = i // the end of file is not data
				}
				break
			}
		}
		if !found && took < t.canon && t.eol[took] && t.buf[took] == 0 {
			took++ // canon_skip_eof: dst is full, and an end of file follows
		}
		copy(dst, t.buf[:copied])
		t.consumeLocked(took)
		t.canon -= took
		return copied, true
	}
	if len(t.buf) == 0 {
		return 0, false
	}
	n = copy(dst, t.buf)
	t.consumeLocked(n)
	return n, true
}

// consumeLocked drops the first n bytes of input.
//
// Preconditions: t.mu is held.
func (t *TTY) consumeLocked(n int) {
	k := copy(t.buf, t.buf[n:])
	copy(t.eol, t.eol[n:])
	t.buf, t.eol = t.buf[:k], t.eol[:k]
}

// InputLen is FIONREAD: the bytes a read could take, counting in canonical
// mode only complete lines, without their ends of file (inq_canon).
func (t *TTY) InputLen() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.icanon() {
		return len(t.buf)
	}
	n := t.canon
	for i := range t.canon {
		if t.eol[i] && t.buf[i] == 0 {
			n--
		}
	}
	return n
}

// FlushInput discards the input queue (tcflush TCIFLUSH).
func (t *TTY) FlushInput() {
	t.mu.Lock()
	t.flushInputLocked()
	t.mu.Unlock()
}

// Ioctl answers the ioctls that concern only the terminal's own state:
// TCGETS, TCSETS, TCSETSW, TCSETSF and their termios2 forms, TIOCGWINSZ,
// TIOCSWINSZ, FIONREAD (TIOCINQ), TIOCOUTQ, TCFLSH, TCXONC, TCSBRK,
// TCSBRKP, TIOCGETD, TIOCSETD, TIOCEXCL, TIOCNXCL, TIOCGEXCL, TIOCGSOFTCAR,
// TIOCSSOFTCAR. The kernel answers job control (the process groups and
// sessions) and does the job-control check before the calls that change
// the terminal; everything else is ENOTTY. It may wait for output to drain,
// so the caller holds no lock.
func (t *TTY) Ioctl(io IOCtx, req uint32, arg uint64) (uint64, abi.Errno, TTYEvents) {
	var ev TTYEvents
	switch req {
	case abi.TCGETS, TCGETS2:
		v2 := req == TCGETS2
		b := make([]byte, sizeofTermios2)
		tm := t.Termios()
		tm.marshal(b, v2)
		if !v2 {
			b = b[:sizeofTermios]
		}
		return 0, io.CopyOut(arg, b), ev
	case abi.TCSETS, abi.TCSETSW, abi.TCSETSF, TCSETS2, TCSETSW2, TCSETSF2:
		v2 := req == TCSETS2 || req == TCSETSW2 || req == TCSETSF2
		b := make([]byte, sizeofTermios2)
		if !v2 {
			b = b[:sizeofTermios]
		}
		if e := io.CopyIn(arg, b); e != 0 {
			return 0, e, ev
		}
		nt := unmarshalTermiosFrom(b, v2)
		if req == abi.TCSETSF || req == TCSETSF2 {
			t.FlushInput()
			ev.Readable = true
		}
		if req != abi.TCSETS && req != TCSETS2 {
			t.Drain()
		}
		ev.add(t.SetTermios(nt))
		return 0, 0, ev
	case abi.TIOCGWINSZ:
		ws := t.Winsize()
		var b [sizeofWinsize]byte
		le := binary.LittleEndian
		le.PutUint16(b[0:], ws.Row)
		le.PutUint16(b[2:], ws.Col)
		le.PutUint16(b[4:], ws.Xpixel)
		le.PutUint16(b[6:], ws.Ypixel)
		return 0, io.CopyOut(arg, b[:]), ev
	case abi.TIOCSWINSZ:
		var b [sizeofWinsize]byte
		if e := io.CopyIn(arg, b[:]); e != 0 {
			return 0, e, ev
		}
		le := binary.LittleEndian
		ev.Resized = t.SetWinsize(Winsize{Row: le.Uint16(b[0:]), Col: le.Uint16(b[2:]), Xpixel: le.Uint16(b[4:]), Ypixel: le.Uint16(b[6:])})
		return 0, 0, ev
	case abi.FIONREAD:
		return 0, putInt32(io, arg, int32(t.InputLen())), ev
	case TIOCOUTQ:
		t.mu.Lock()
		n := len(t.pending)
		t.mu.Unlock()
		return 0, putInt32(io, arg, int32(n)), ev
	case TCFLSH:
		switch arg {
		case tciflush, tcioflush:
			t.FlushInput()
			ev.Readable = true
			if arg == tcioflush {
				t.mu.Lock()
				t.pending = t.pending[:0]
				t.mu.Unlock()
			}
		case tcoflush:
			t.mu.Lock()
			t.pending = t.pending[:0]
			t.mu.Unlock()
		default:
			return 0, abi.EINVAL, ev
		}
		return 0, 0, ev
	case TCXONC:
		t.mu.Lock()
		defer t.mu.Unlock()
		switch arg {
		case tcooff:
			t.tcoStopped = true
		case tcoon:
			if t.tcoStopped {
				t.tcoStopped = false
				ev.Writable = true
			}
		case tcioff, tcion:
			// Sending VSTOP or VSTART to the far end: vessel's terminal
			// has no far end that listens.
		default:
			return 0, abi.EINVAL, ev
		}
		return 0, 0, ev
	case TCSBRK, TCSBRKP:
		t.Drain()
		return 0, 0, ev
	case TIOCGETD:
		return 0, putInt32(io, arg, nTTY), ev
	case TIOCSETD:
		var b [4]byte
		if e := io.CopyIn(arg, b[:]); e != 0 {
			return 0, e, ev
		}
		if int32(binary.LittleEndian.Uint32(b[:])) != nTTY {
			return 0, abi.EINVAL, ev
		}
		return 0, 0, ev
	case TIOCEXCL, TIOCNXCL:
		t.mu.Lock()
		t.exclusive = req == TIOCEXCL
		t.mu.Unlock()
		return 0, 0, ev
	case TIOCGEXCL:
		t.mu.Lock()
		x := t.exclusive
		t.mu.Unlock()
		v := int32(0)
		if x {
			v = 1
		}
		return 0, putInt32(io, arg, v), ev
	case TIOCGSOFTCAR:
		v := int32(0)
		if t.Termios().Cflag&CLOCAL != 0 {
			v = 1
		}
		return 0, putInt32(io, arg, v), ev
	case TIOCSSOFTCAR:
		var b [4]byte
		if e := io.CopyIn(arg, b[:]); e != 0 {
			return 0, e, ev
		}
		t.mu.Lock()
		t.termios.Cflag &^= CLOCAL
		if binary.LittleEndian.Uint32(b[:]) != 0 {
			t.termios.Cflag |= CLOCAL
		}
		t.mu.Unlock()
		return 0, 0, ev
	case TIOCSTI:
		return 0, abi.EIO, ev // dev.tty.legacy_tiocsti = 0
	}
	return 0, abi.ENOTTY, ev
}
