package vfs

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// newTestTTY returns a line discipline with Linux's default settings
// (plus IUTF8, as a UTF-8 terminal has it) changed by mod, and the buffer
// its output goes to.
func newTestTTY(mod func(*Termios)) (*TTY, *bytes.Buffer) {
	tm := DefaultTermios()
	tm.Iflag |= IUTF8
	if mod != nil {
		mod(&tm)
	}
	var out bytes.Buffer
	return NewTTY(&out, tm, Winsize{Row: 24, Col: 80}), &out
}

// ttyReads takes what Read gives, n bytes at a time, until it has nothing.
func ttyReads(tty *TTY, n int) []string {
	var got []string
	b := make([]byte, n)
	for range 100 {
		m, ok := tty.Read(b)
		if !ok {
			break
		}
		got = append(got, string(b[:m]))
	}
	return got
}

func makeRaw(t *Termios) {
	t.Iflag &^= IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON
	t.Oflag &^= OPOST
	t.Lflag &^= ECHO | ECHONL | ICANON | ISIG | IEXTEN
	t.Cflag = t.Cflag&^CSIZE | CS8
}

// TestTTYReceive types keys at the line discipline and checks what it
// echoes, what reads return and which signals it raises. Every row's echo
// and reads were checked against Linux 6.18's n_tty on a pseudo-terminal
// with the same settings.
func TestTTYReceive(t *testing.T) {
	cases := []struct {
		name  string
		mod   func(*Termios)
		input string
		echo  string
		reads []string
		sigs  []int
		rsize int // read size; 0 means 64
	}{
		{name: "erase", input: "abx\x7fc\n", echo: "abx\b \bc\r\n", reads: []string{"abc\n"}},
		{name: "word erase", input: "foo bar\x17baz\n", echo: "foo bar\b \b\b \b\b \bbaz\r\n", reads: []string{"foo baz\n"}},
		{name: "word erase stops at punctuation", input: "a.b  c_d\x17\x17\n",
			echo: "a.b  c_d\b \b\b \b\b \b\b \b\b \b\b \b\r\n", reads: []string{"a.\n"}},
		{name: "kill ECHOKE", input: "ab\x15cd\n", echo: "ab\b \b\b \bcd\r\n", reads: []string{"cd\n"}},
		{name: "kill ECHOK", mod: func(t *Termios) { t.Lflag &^= ECHOKE }, input: "ab\x15cd\n",
			echo: "ab^U\r\ncd\r\n", reads: []string{"cd\n"}},
		{name: "kill plain", mod: func(t *Termios) { t.Lflag &^= ECHOKE | ECHOK }, input: "ab\x15cd\n",
			echo: "ab^Ucd\r\n", reads: []string{"cd\n"}},
		{name: "ECHOCTL", input: "\x01x\x01\x7f\x7f\n", echo: "^Ax^A\b \b\b \b\b \b\r\n", reads: []string{"\x01\n"}},
		{name: "no ECHOCTL", mod: func(t *Termios) { t.Lflag &^= ECHOCTL }, input: "\x01x\x01\x7f\n",
			echo: "\x01x\x01\r\n", reads: []string{"\x01x\n"}},
		{name: "tab erase", input: "a\tb\x7f\x7f\x7f\n", echo: "a\tb\b \b\b\b\b\b\b\b\b\b \b\r\n", reads: []string{"\n"}},
		{name: "tab erase past column 8", input: "abcdefghij\tx\x7f\x7f\n",
			echo: "abcdefghij\tx\b \b\b\b\b\b\b\b\r\n", reads: []string{"abcdefghij\n"}},
		{name: "tab erase after a control character", input: "abc\x01\td\x7f\x7f\x7f\n",
			echo: "abc^A\td\b \b\b\b\b\b \b\b \b\r\n", reads: []string{"abc\n"}},
		{name: "XTABS", mod: func(t *Termios) { t.Oflag |= XTABS }, input: "a\tb\x7f\x7f\n",
			echo: "a       b\b \b\b\b\b\b\b\b\b\r\n", reads: []string{"a\n"}},
		{name: "end of file", input: "abc\x04\x04xy\n", echo: "abcxy\r\n", reads: []string{"abc", "", "xy\n"}},
		{name: "ICRNL", input: "ab\rcd\n", echo: "ab\r\ncd\r\n", reads: []string{"ab\n", "cd\n"}},
		{name: "IGNCR", mod: func(t *Termios) { t.Iflag |= IGNCR }, input: "a\rb\n", echo: "ab\r\n", reads: []string{"ab\n"}},
		{name: "ECHONL", mod: func(t *Termios) { t.Lflag = t.Lflag&^ECHO | ECHONL }, input: "ab\ncd\n",
			echo: "\r\n\r\n", reads: []string{"ab\n", "cd\n"}},
		{name: "no echo", mod: func(t *Termios) { t.Lflag &^= ECHO }, input: "ab\x7fc\n", reads: []string{"ac\n"}},
		{name: "interrupt", input: "ab\x03xy\n", echo: "^Cxy\r\n", reads: []string{"xy\n"}, sigs: []int{abi.SIGINT}},
		{name: "NOFLSH", mod: func(t *Termios) { t.Lflag |= NOFLSH }, input: "ab\x03cd\n",
			echo: "ab^Ccd\r\n", reads: []string{"abcd\n"}, sigs: []int{abi.SIGINT}},
		{name: "quit and suspend", input: "ab\x1cc\x1ad\n", echo: "^Zd\r\n", reads: []string{"d\n"},
			sigs: []int{abi.SIGQUIT, abi.SIGTSTP}},
		{name: "literal next", input: "\x16\x03a\x16\x7f\n", echo: "^\b^Ca^\b^?\r\n", reads: []string{"\x03a\x7f\n"}},
		{name: "reprint", input: "ab\x12c\n", echo: "ab^R\r\nabc\r\n", reads: []string{"abc\n"}},
		{name: "ECHOPRT", mod: func(t *Termios) { t.Lflag |= ECHOPRT }, input: "abc\x7f\x7fd\n",
			echo: "abc\\cb/d\r\n", reads: []string{"ad\n"}},
		{name: "no ECHOE", mod: func(t *Termios) { t.Lflag &^= ECHOE }, input: "abc\x7fd\n", echo: "abc^?d\r\n", reads: []string{"abd\n"}},
		{name: "UTF-8 erase", input: "a\xc3\xa9\x7fb\n", echo: "a\xc3\xa9\b \bb\r\n", reads: []string{"ab\n"}},
		{name: "byte erase without IUTF8", mod: func(t *Termios) { t.Iflag &^= IUTF8 }, input: "a\xc3\xa9\x7fb\n",
			echo: "a\xc3\xa9\b \bb\r\n", reads: []string{"a\xc3b\n"}},
		{name: "C1 bytes echo as they are", input: "a\xc4\x81\x85\n", echo: "a\xc4\x81\x85\r\n", reads: []string{"a\xc4\x81\x85\n"}},
		{name: "raw", mod: makeRaw, input: "a\r\x03\n\x7f", reads: []string{"a\r\x03\n\x7f"}},
		{name: "non-canonical echo", mod: func(t *Termios) { t.Lflag &^= ICANON }, input: "a\r\n\x01\x7f\t",
			echo: "a\r\n^J^A^?\t", reads: []string{"a\n\n\x01\x7f\t"}},
		{name: "non-canonical echo without ICRNL", mod: func(t *Termios) { t.Lflag &^= ICANON; t.Iflag &^= ICRNL },
			input: "a\r\n\x01", echo: "a^M^J^A", reads: []string{"a\r\n\x01"}},
		{name: "INLCR", mod: func(t *Termios) { t.Lflag &^= ICANON | ECHO; t.Iflag |= INLCR }, input: "a\nb", reads: []string{"a\rb"}},
		{name: "VEOL", mod: func(t *Termios) { t.Cc[VEOL] = ';' }, input: "ab;cd\n", echo: "ab;cd\r\n", reads: []string{"ab;", "cd\n"}},
		{name: "VEOL2", mod: func(t *Termios) { t.Cc[VEOL2] = ';' }, input: "ab;cd\n", echo: "ab;cd\r\n", reads: []string{"ab;", "cd\n"}},
		{name: "no ONLCR", mod: func(t *Termios) { t.Oflag &^= ONLCR }, input: "ab\n", echo: "ab\n", reads: []string{"ab\n"}},
		{name: "no OPOST", mod: func(t *Termios) { t.Oflag &^= OPOST }, input: "a\x01\x7f\n", echo: "a^A\b \b\b \b\n", reads: []string{"a\n"}},
		{name: "ISTRIP", mod: func(t *Termios) { t.Iflag |= ISTRIP }, input: "\xe1b\n", echo: "ab\r\n", reads: []string{"ab\n"}},
		{name: "editing an empty line", input: "\x7f\x17\x15a\n", echo: "a\r\n", reads: []string{"a\n"}},
		{name: "kill after a tab", input: "\tab\x15\n", echo: "\tab\b \b\b \b\b\b\b\b\b\b\b\b\r\n", reads: []string{"\n"}},
		{name: "flow control characters are taken", input: "a\x13b\x11c\n", echo: "abc\r\n", reads: []string{"abc\n"}},
		{name: "small reads", input: "abcde\nfg\x04hi\x04", echo: "abcde\r\nfghi", reads: []string{"ab", "cd", "e\n", "fg", "hi"}, rsize: 2},
		{name: "end of file after a full read", input: "ab\x04", echo: "ab", reads: []string{"ab"}, rsize: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tty, out := newTestTTY(tc.mod)
			n, ev := tty.Receive([]byte(tc.input))
			if n != len(tc.input) {
				t.Errorf("Receive took %d bytes, want %d", n, len(tc.input))
			}
			if got := out.String(); got != tc.echo {
				t.Errorf("echo %q, want %q", got, tc.echo)
			}
			if !slices.Equal(ev.Signals, tc.sigs) {
				t.Errorf("signals %v, want %v", ev.Signals, tc.sigs)
			}
			size := tc.rsize
			if size == 0 {
				size = 64
			}
			if got := ttyReads(tty, size); !slices.Equal(got, tc.reads) {
				t.Errorf("reads %q, want %q", got, tc.reads)
			}
		})
	}
}

// TestTTYLongLine: a line longer than the 4096-byte queue keeps its first
// 4095 bytes, each later byte replacing the last, so the line can still be
// ended and edited (n_tty's overflow); every key is still echoed.
func TestTTYLongLine(t *testing.T) {
	tty, out := newTestTTY(nil)
	tty.Receive([]byte(strings.Repeat("x", 5000) + "\n"))
	if got := ttyReads(tty, 8192); len(got) != 1 || got[0] != strings.Repeat("x", 4095)+"\n" {
		t.Errorf("read %d lines, the first %d bytes; want one line of 4095 x and a newline", len(got), len(got[0]))
	}
	if out.Len() != 5002 {
		t.Errorf("echo is %d bytes, want 5002", out.Len())
	}
	tty.Receive([]byte(strings.Repeat("y", 5000) + "\x7f\x7fz\n"))
	if got := ttyReads(tty, 8192); len(got) != 1 || got[0] != strings.Repeat("y", 4093)+"z\n" {
		t.Errorf("after erasing: %d lines, the first %d bytes; want 4093 y, z, newline", len(got), len(got[0]))
	}
}

// TestTTYThrottle: in raw mode a full queue takes no more (the caller waits
// for a read), and a read makes room.
func TestTTYThrottle(t *testing.T) {
	tty, _ := newTestTTY(makeRaw)
	in := bytes.Repeat([]byte("r"), 6000)
	n, _ := tty.Receive(in)
	if n != ttyBufSize-1 {
		t.Fatalf("Receive took %d, want %d", n, ttyBufSize-1)
	}
	if m, _ := tty.Receive(in[n:]); m != 0 {
		t.Errorf("a full queue took %d more", m)
	}
	b := make([]byte, 1000)
	if m, ok := tty.Read(b); !ok || m != 1000 {
		t.Errorf("Read %d %v, want 1000", m, ok)
	}
	if m, _ := tty.Receive(in[n:]); m != 1000 {
		t.Errorf("after a read Receive took %d, want 1000", m)
	}
}

// TestTTYModeSwitch: what is queued in canonical mode becomes readable when
// the mode goes raw, and an unfinished raw input becomes one line when it
// goes back (n_tty_set_termios).
func TestTTYModeSwitch(t *testing.T) {
	tty, _ := newTestTTY(nil)
	tty.Receive([]byte("ab"))
	if tty.Readable(false) {
		t.Error("an unfinished line is readable")
	}
	raw := tty.Termios()
	makeRaw(&raw)
	if ev := tty.SetTermios(raw); !ev.Readable {
		t.Error("switching to raw mode did not wake readers")
	}
	if got := ttyReads(tty, 64); !slices.Equal(got, []string{"ab"}) {
		t.Errorf("raw reads %q, want [ab]", got)
	}
	tty.Receive([]byte("cd"))
	canon := raw
	canon.Lflag |= ICANON
	tty.SetTermios(canon)
	if got := ttyReads(tty, 64); !slices.Equal(got, []string{"cd"}) {
		t.Errorf("canonical reads %q, want [cd]", got)
	}
}

// TestTTYOutput: what a program writes, through output processing.
func TestTTYOutput(t *testing.T) {
	cases := []struct {
		name string
		mod  func(*Termios)
		in   string
		want string
	}{
		{"ONLCR", nil, "a\nb\n", "a\r\nb\r\n"},
		{"no OPOST", func(t *Termios) { t.Oflag &^= OPOST }, "a\nb\n", "a\nb\n"},
		{"no ONLCR", func(t *Termios) { t.Oflag &^= ONLCR }, "a\nb", "a\nb"},
		{"OCRNL", func(t *Termios) { t.Oflag |= OCRNL }, "a\rb", "a\nb"},
		{"ONOCR", func(t *Termios) { t.Oflag |= ONOCR }, "\ra\r", "a\r"},
		{"OLCUC", func(t *Termios) { t.Oflag |= OLCUC }, "abC1", "ABC1"},
		{"XTABS", func(t *Termios) { t.Oflag |= XTABS }, "ab\tc\t", "ab      c       "},
		{"tab", nil, "ab\tc", "ab\tc"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tty, out := newTestTTY(tc.mod)
			if n, e := tty.Write([]byte(tc.in)); n != len(tc.in) || e != 0 {
				t.Errorf("Write = %d, %v; want %d, 0", n, e, len(tc.in))
			}
			if got := out.String(); got != tc.want {
				t.Errorf("terminal got %q, want %q", got, tc.want)
			}
		})
	}
	// The column output leaves decides how an erased tab is rubbed out.
	tty, out := newTestTTY(nil)
	tty.Write([]byte("prompt> "))
	tty.Receive([]byte("\t\x7f"))
	if got := out.String(); got != "prompt> \t\b\b\b\b\b\b\b\b" {
		t.Errorf("erasing a tab after a prompt: %q", got)
	}
}

// TestTTYFlowControl: VSTOP stops output until VSTART, or any key under
// IXANY; an interrupt restarts it.
func TestTTYFlowControl(t *testing.T) {
	tty, _ := newTestTTY(nil)
	tty.Receive([]byte{0x13})
	if !tty.OutputStopped() {
		t.Fatal("^S did not stop output")
	}
	if _, ev := tty.Receive([]byte{0x11}); tty.OutputStopped() || !ev.Writable {
		t.Error("^Q did not restart output")
	}
	tty.Receive([]byte{0x13})
	tty.Receive([]byte("x"))
	if !tty.OutputStopped() {
		t.Error("a key restarted output without IXANY")
	}
	tty.Receive([]byte{0x03})
	if tty.OutputStopped() {
		t.Error("^C left output stopped")
	}
	any := tty.Termios()
	any.Iflag |= IXANY
	tty.SetTermios(any)
	tty.Receive([]byte{0x13})
	tty.Receive([]byte("y"))
	if tty.OutputStopped() {
		t.Error("a key did not restart output under IXANY")
	}
}

// TestTTYReadable: poll's readiness and FIONREAD's count.
func TestTTYReadable(t *testing.T) {
	tty, _ := newTestTTY(nil)
	tty.Receive([]byte("ab\n\x04cd"))
	if !tty.Readable(true) {
		t.Error("a complete line is not readable")
	}
	if n := tty.InputLen(); n != 3 {
		t.Errorf("FIONREAD %d, want 3 (the line, not the end of file or the unfinished line)", n)
	}
	raw, _ := newTestTTY(func(t *Termios) { makeRaw(t); t.Cc[VMIN] = 3 })
	raw.Receive([]byte("ab"))
	if raw.Readable(true) || !raw.Readable(false) {
		t.Error("with VMIN 3 and 2 bytes, poll must say not ready and read must find input")
	}
	raw.Receive([]byte("c"))
	if !raw.Readable(true) || raw.InputLen() != 3 {
		t.Errorf("VMIN reached: readable %v, FIONREAD %d", raw.Readable(true), raw.InputLen())
	}
}

// TestTTYIoctl: the terminal's own ioctls through guest memory.
func TestTTYIoctl(t *testing.T) {
	tty, _ := newTestTTY(nil)
	m := newMem()
	le := binary.LittleEndian
	if _, e, _ := tty.Ioctl(m, abi.TCGETS, m.base); e != 0 {
		t.Fatalf("TCGETS: %v", e)
	}
	def := DefaultTermios()
	if le.Uint32(m.b[12:]) != def.Lflag || m.b[17+VERASE] != 0x7f || m.b[36] != 0 {
		t.Errorf("TCGETS: lflag %#o erase %#x, byte 36 %d", le.Uint32(m.b[12:]), m.b[17+VERASE], m.b[36])
	}
	if _, e, _ := tty.Ioctl(m, TCGETS2, m.base); e != 0 || le.Uint32(m.b[36:]) != 38400 || le.Uint32(m.b[40:]) != 38400 {
		t.Errorf("TCGETS2: %v, speeds %d %d", e, le.Uint32(m.b[36:]), le.Uint32(m.b[40:]))
	}
	// cfmakeraw through TCSETSF: the queued input goes.
	tty.Receive([]byte("junk"))
	le.PutUint32(m.b[12:], le.Uint32(m.b[12:])&^(ICANON|ECHO|ISIG))
	if _, e, ev := tty.Ioctl(m, abi.TCSETSF, m.base); e != 0 || !ev.Readable {
		t.Fatalf("TCSETSF: %v, %+v", e, ev)
	}
	if tty.Termios().Lflag&ICANON != 0 || tty.InputLen() != 0 {
		t.Errorf("after TCSETSF: lflag %#o, %d bytes queued", tty.Termios().Lflag, tty.InputLen())
	}
	tty.Receive([]byte("xyz"))
	if _, e, _ := tty.Ioctl(m, abi.FIONREAD, m.base); e != 0 || le.Uint32(m.b) != 3 {
		t.Errorf("FIONREAD: %v, %d", e, le.Uint32(m.b))
	}
	if _, e, _ := tty.Ioctl(m, TCFLSH, 7); e != abi.EINVAL {
		t.Errorf("TCFLSH 7: %v, want EINVAL", e)
	}
	if _, e, _ := tty.Ioctl(m, TCFLSH, tciflush); e != 0 || tty.InputLen() != 0 {
		t.Errorf("TCFLSH TCIFLUSH: %v, %d left", e, tty.InputLen())
	}
	if _, e, _ := tty.Ioctl(m, TCXONC, tcooff); e != 0 || !tty.OutputStopped() {
		t.Errorf("TCXONC TCOOFF: %v, stopped %v", e, tty.OutputStopped())
	}
	if _, e, ev := tty.Ioctl(m, TCXONC, tcoon); e != 0 || tty.OutputStopped() || !ev.Writable {
		t.Errorf("TCXONC TCOON: %v, stopped %v", e, tty.OutputStopped())
	}
	// The window size: a change is reported, the same size is not.
	le.PutUint16(m.b[0:], 50)
	le.PutUint16(m.b[2:], 132)
	if _, e, ev := tty.Ioctl(m, abi.TIOCSWINSZ, m.base); e != 0 || !ev.Resized {
		t.Errorf("TIOCSWINSZ: %v, resized %v", e, ev.Resized)
	}
	if _, _, ev := tty.Ioctl(m, abi.TIOCSWINSZ, m.base); ev.Resized {
		t.Error("setting the same size reported a change")
	}
	clear(m.b[:8])
	if _, e, _ := tty.Ioctl(m, abi.TIOCGWINSZ, m.base); e != 0 || le.Uint16(m.b[0:]) != 50 || le.Uint16(m.b[2:]) != 132 {
		t.Errorf("TIOCGWINSZ: %v, %dx%d", e, le.Uint16(m.b[0:]), le.Uint16(m.b[2:]))
	}
	if _, e, _ := tty.Ioctl(m, TIOCGETD, m.base); e != 0 || le.Uint32(m.b) != 0 {
		t.Errorf("TIOCGETD: %v, %d", e, le.Uint32(m.b))
	}
	for _, req := range []uint32{abi.TCGETS, abi.TCSETS, abi.TIOCGWINSZ} {
		if _, e, _ := tty.Ioctl(m, req, 0x8); e != abi.EFAULT {
			t.Errorf("ioctl %#x to a bad address: %v, want EFAULT", req, e)
		}
	}
	if _, e, _ := tty.Ioctl(m, 0x5499, m.base); e != abi.ENOTTY {
		t.Errorf("an unknown request: %v, want ENOTTY", e)
	}
}

// TestTermbits: vessel's termios constants are the host's (both are
// asm-generic), which is what lets the host's settings pass through.
func TestTermbits(t *testing.T) {
	for _, c := range []struct {
		name        string
		mine, hosts uint64
	}{
		{"ICRNL", ICRNL, unix.ICRNL}, {"IXON", IXON, unix.IXON}, {"IXANY", IXANY, unix.IXANY}, {"IUTF8", IUTF8, unix.IUTF8},
		{"IGNCR", IGNCR, unix.IGNCR}, {"INLCR", INLCR, unix.INLCR}, {"ISTRIP", ISTRIP, unix.ISTRIP}, {"IMAXBEL", IMAXBEL, unix.IMAXBEL},
		{"OPOST", OPOST, unix.OPOST}, {"ONLCR", ONLCR, unix.ONLCR}, {"OCRNL", OCRNL, unix.OCRNL}, {"ONOCR", ONOCR, unix.ONOCR},
		{"ONLRET", ONLRET, unix.ONLRET}, {"TABDLY", TABDLY, unix.TABDLY}, {"OLCUC", OLCUC, unix.OLCUC},
		{"CBAUD", CBAUD, unix.CBAUD}, {"CSIZE", CSIZE, unix.CSIZE}, {"CS8", CS8, unix.CS8}, {"CREAD", CREAD, unix.CREAD},
		{"CLOCAL", CLOCAL, unix.CLOCAL}, {"CIBAUD", CIBAUD, unix.CIBAUD}, {"BOTHER", BOTHER, unix.BOTHER},
		{"ISIG", ISIG, unix.ISIG}, {"ICANON", ICANON, unix.ICANON}, {"ECHO", ECHO, unix.ECHO}, {"ECHOE", ECHOE, unix.ECHOE},
		{"ECHOK", ECHOK, unix.ECHOK}, {"ECHONL", ECHONL, unix.ECHONL}, {"NOFLSH", NOFLSH, unix.NOFLSH},
		{"TOSTOP", TOSTOP, unix.TOSTOP}, {"ECHOCTL", ECHOCTL, unix.ECHOCTL}, {"ECHOPRT", ECHOPRT, unix.ECHOPRT},
		{"ECHOKE", ECHOKE, unix.ECHOKE}, {"IEXTEN", IEXTEN, unix.IEXTEN}, {"EXTPROC", EXTPROC, unix.EXTPROC},
		{"VINTR", VINTR, unix.VINTR}, {"VQUIT", VQUIT, unix.VQUIT}, {"VERASE", VERASE, unix.VERASE}, {"VKILL", VKILL, unix.VKILL},
		{"VEOF", VEOF, unix.VEOF}, {"VTIME", VTIME, unix.VTIME}, {"VMIN", VMIN, unix.VMIN}, {"VSTART", VSTART, unix.VSTART},
		{"VSTOP", VSTOP, unix.VSTOP}, {"VSUSP", VSUSP, unix.VSUSP}, {"VEOL", VEOL, unix.VEOL}, {"VREPRINT", VREPRINT, unix.VREPRINT},
		{"VWERASE", VWERASE, unix.VWERASE}, {"VLNEXT", VLNEXT, unix.VLNEXT}, {"VEOL2", VEOL2, unix.VEOL2},
		{"TCGETS2", TCGETS2, unix.TCGETS2}, {"TCSETS2", TCSETS2, unix.TCSETS2}, {"TIOCGSID", TIOCGSID, unix.TIOCGSID},
		{"TCFLSH", TCFLSH, unix.TCFLSH}, {"TCXONC", TCXONC, unix.TCXONC}, {"TIOCOUTQ", TIOCOUTQ, unix.TIOCOUTQ},
	} {
		if c.mine != c.hosts {
			t.Errorf("%s = %#o, the host's %#o", c.name, c.mine, c.hosts)
		}
	}
	if got := fmt.Sprint(baud(B38400, 0), baud(0o010002, 0), baud(BOTHER, 12345)); got != "38400 115200 12345" {
		t.Errorf("baud rates: %s", got)
	}
}
